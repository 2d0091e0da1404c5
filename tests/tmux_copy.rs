//! `y` inside tmux, end to end: the real console in a tmux pane copies the
//! selected symbol and its price as an OSC 52 wrapped in tmux's passthrough
//! (so that it reaches the terminal outside, and over SSH its clipboard).
//! The bytes are read as the program wrote them, through `pipe-pane`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::time::Duration;

use base64::Engine as _;
use common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const WAIT: Duration = Duration::from_secs(30);
/// The start of an OSC 52 inside tmux's passthrough: its ESCs doubled.
const WRAPPED: &[u8] = b"\x1bPtmux;\x1b\x1b]52;c;";

#[test]
fn y_inside_tmux_writes_the_row_as_an_osc_52_in_tmux_passthrough() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw.bin");
    let t = Tmux::start(100, 30);
    t.set_global("allow-passthrough", "on");
    t.pipe_pane(&raw);
    t.send_line(&format!(
        "TMUX='{}' {BIN} --demo --data-dir {}; echo EXIT=$?",
        t.tmux_env(),
        dir.path().join("data").display()
    ));
    t.wait_for(|s| s.contains("Insights ·"), WAIT, "the console");
    t.send_keys("4");
    // A price on the selected row, so that the copy has one.
    t.wait_for(|s| s.contains("Watchlist") && s.contains(" 0s "), WAIT, "live prices");
    t.send_keys("y");
    let screen = t.wait_for(|s| s.contains("copied "), WAIT, "the footer's confirmation");

    let out = std::fs::read(&raw).unwrap();
    let at = out.windows(WRAPPED.len()).position(|w| w == WRAPPED).expect("a wrapped OSC 52");
    let rest = &out[at + WRAPPED.len()..];
    let end = rest.windows(3).position(|w| w == b"\x07\x1b\\").expect("the passthrough's end");
    let text = base64::engine::general_purpose::STANDARD.decode(&rest[..end]).unwrap();
    let text = String::from_utf8(text).unwrap();
    let (symbol, price) = text.split_once(' ').expect("a symbol and its price");
    assert!(screen.contains(&format!("copied {symbol}")), "{screen}");
    assert!(price.replace(',', "").parse::<f64>().unwrap() > 0.0, "{text}");
    // Every OSC 52 is the wrapped one (its ESC doubled), never a bare one.
    let bare = (1..out.len().saturating_sub(6))
        .filter(|&i| &out[i..i + 7] == b"\x1b]52;c;" && out[i - 1] != 0x1b)
        .count();
    assert_eq!(bare, 0, "never a bare OSC 52 inside tmux");
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), WAIT, "a clean exit");
}
