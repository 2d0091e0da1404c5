//! The console in tmux behind a link of 8 KiB/s that buffers like sshd
//! (`meridian-slowlink`, benches/slowlink/): after a burst of busy prices
//! on Markets, `2` must bring the Status tab to the far screen before the
//! link has passed [`BOUND`] bytes after the key (issue 16).
//!
//! A console that waits for the terminal's answer after each frame keeps
//! a frame or two in flight: a few KiB. One that writes as fast as it
//! draws has hundreds of KiB queued in the link (up to the 2 MiB window),
//! all of which must pass before the Status tab does. Bytes are counted,
//! never seconds; the timeouts only keep a broken run from hanging.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::backend::Backend;
use common::tmux::Tmux;
use meridian::server::ServeArgs;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const SLOWLINK: &str = env!("CARGO_BIN_EXE_meridian-slowlink");
/// Bytes the link may pass after the key before the Status tab shows: a
/// few frames (a whole 80x24 frame is under 8 KiB), far below a backlog.
const BOUND: u64 = 64 << 10;
/// The burst ends once this much waits in the link (twice the bound, so a
/// console without flow control is sure to fail)...
const BACKLOG: u64 = 2 * BOUND;
/// ...or once the link has passed this much (a console with flow control
/// never builds a backlog).
const BURST: u64 = 256 << 10;
const STATUS: &str = "Backfill jobs";

/// The relay's counts: bytes passed to tmux, and still buffered.
#[derive(Clone, Copy, Debug)]
struct Link {
    passed: u64,
    buffered: u64,
}

fn link(stats: &Path) -> Link {
    let text = std::fs::read_to_string(stats).unwrap_or_default();
    let field = |k: &str| -> u64 {
        text.lines().find_map(|l| l.strip_prefix(k)?.trim().parse().ok()).unwrap_or(0)
    };
    Link { passed: field("passed "), buffered: field("buffered ") }
}

/// Poll until `pred` holds; panic after `timeout` (a hang guard only).
fn wait_until(pred: impl Fn() -> bool, timeout: Duration, what: &str) {
    let start = Instant::now();
    while !pred() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_tab_switch_crosses_a_slow_link_within_a_few_frames_of_bytes() {
    let backend = Backend::start(ServeArgs { price_rate: 40.0, ..ServeArgs::for_tests() });
    let t = Tmux::start(80, 24);
    let stats = t.home().join("link.stats");
    let symbols: Vec<String> = (0..50).map(|i| format!("S{i:04}")).collect();
    t.send_line(&format!(
        "{SLOWLINK} --rate 8192 --stats {} -- {BIN} --server {} --data-dir {} --symbols {}; echo EXIT=$?",
        stats.display(),
        backend.url(),
        t.home().join("data").display(),
        symbols.join(","),
    ));
    t.wait_for(|s| s.contains("4 Markets"), Duration::from_secs(60), "the console's first frame");
    t.send_keys("4");
    t.wait_for(
        |s| s.contains("Watchlist") && s.contains("S0000"),
        Duration::from_secs(60),
        "the watchlist",
    );

    // The burst: 50 symbols at 40 ticks a second on Markets.
    let start = link(&stats);
    wait_until(
        || {
            let now = link(&stats);
            now.buffered >= BACKLOG || now.passed >= start.passed + BURST
        },
        Duration::from_secs(120),
        "a burst of ticks through the link",
    );

    let at_key = link(&stats);
    t.send_keys("2");
    let since = |l: Link| l.passed.saturating_sub(at_key.passed);
    let started = Instant::now();
    loop {
        let before = link(&stats);
        let shown = t.capture().contains(STATUS);
        let after = link(&stats);
        if shown {
            assert!(
                since(after) <= BOUND,
                "the Status tab reached the far screen after the link passed {} bytes after the key (bound {BOUND})",
                since(after)
            );
            break;
        }
        assert!(
            since(before) <= BOUND,
            "the link passed {} bytes after the key (bound {BOUND}) and the Status tab is not on the far screen; \
             {} bytes wait behind them in the relay (at the key: {} buffered)",
            since(before),
            before.buffered,
            at_key.buffered
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "hang guard: the link passed {} bytes in 120 s",
            since(before)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
