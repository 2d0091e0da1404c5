//! Meridian: a full-screen terminal operations console and its reference
//! server. See README.md for the tour and `docs/protocol.md` for the wire
//! contract.

pub mod api;
pub mod app;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod event;
pub mod feeds;
pub(crate) mod format;
pub mod headless;
mod http;
pub(crate) mod json_file;
pub mod keymap;
pub mod launch;
pub mod notify;
pub mod outbox;
pub mod palette_history;
pub mod price_alerts;
pub mod protocol;
pub mod remote;
pub mod sanitize;
pub mod server;
pub mod sources;
pub(crate) mod task;
pub mod theme;
pub mod tls;
pub mod token;
pub mod tui;
pub mod ui;
pub mod venues;
pub mod watchlist;
