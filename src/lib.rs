//! Meridian: a full-screen terminal operations console and its reference
//! server. See README.md for the tour and `shared/protocol.md` for the wire
//! contract.

pub mod config;
pub mod keymap;
pub mod protocol;
pub mod sanitize;
pub mod server;
pub mod theme;
