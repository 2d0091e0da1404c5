//! The console's UI loop ([`Core`]), where its frames go ([`Screen`]), and
//! the interactive terminal around them.

mod compact;
mod core;
mod driver;
mod encode;
mod flow;
mod input;
mod run;
mod screen;
mod sgr;
mod shadow;
mod sources;
pub mod terminal;

pub use compact::CompactBackend;
pub use core::{Console, Core, mark_process_start};
pub use run::run;
pub use screen::{Screen, TermScreen, TestScreen};
