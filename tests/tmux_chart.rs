//! The whole program in tmux against the reference server: opening a
//! symbol's detail shows candles older than the session (the backend's
//! history, §1a), and the time frame key switches the candles.

mod common;

use std::time::Duration;

use chrono::{Datelike, NaiveDateTime, Utc};
use common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

/// The first `MM-DD HH:MM` stamp on screen (the line chart's oldest).
fn oldest_stamp(screen: &str) -> Option<NaiveDateTime> {
    let year = Utc::now().year();
    screen.lines().find_map(|l| {
        let chars: Vec<char> = l.chars().collect();
        chars.windows(11).find_map(|w| {
            let s: String = w.iter().collect();
            NaiveDateTime::parse_from_str(&format!("{year}-{s}"), "%Y-%m-%d %H:%M").ok()
        })
    })
}

#[test]
fn the_detail_opens_with_history_older_than_the_session() {
    let t = Tmux::start(100, 30);
    let data = t.home().join("data");
    t.send_line(&format!("{BIN} --demo --data-dir {}", data.display()));
    t.wait_for(|s| s.contains("DEMO"), Duration::from_secs(30), "the console");
    t.send_keys("4");
    t.wait_for(|s| s.contains("AAPL"), Duration::from_secs(20), "the watchlist");
    t.send_keys("Enter");
    let screen = t.wait_for(
        // The detail's line panel (bid, ask, and `now` at the end of its
        // time axis) above the candles, the history in: on a tall terminal
        // the candles also sit under the list before Enter.
        |s| {
            s.contains(" · bid ")
                && s.contains("now")
                && s.contains("1m candles")
                && oldest_stamp(s).is_some()
                && !s.contains("loading")
        },
        Duration::from_secs(20),
        "the detail with its history",
    );
    let oldest = oldest_stamp(&screen).expect("a stamp");
    let age = Utc::now().naive_utc() - oldest;
    assert!(age >= chrono::Duration::hours(20), "a day of history, not {age}:\n{screen}");
    t.send_keys("f");
    t.wait_for(|s| s.contains("5m candles"), Duration::from_secs(20), "five-minute candles");
    t.send_keys("q");
}
