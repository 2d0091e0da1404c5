//! The interactive console: the terminal, the event sources and the loop
//! that drains events, applies them to the state and draws at most once per
//! frame interval, only when something changed.

mod run;
mod sources;
pub mod terminal;

pub use run::{Console, run};
