//! Tokens end to end: the real console in tmux against a reference server
//! that requires a token. A read-only token (from a `token_command`) can
//! read every feed and list, but its first action is refused once, marked
//! READ-ONLY, not retried, and the action keys then say why instead of
//! acting. The token never reaches the screen or the log file.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::backend::Backend;
use common::tmux::Tmux;
use meridian::server::ServeArgs;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const FULL: &str = "full-Tok3n-never-shown";
const READ_ONLY: &str = "look-Tok3n-never-shown";
const APPROVED: &str = "SELECT count(*) FROM reports WHERE validation_status = 'approved'";

fn sql_i64(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_read_only_token_reads_everything_and_acts_on_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let backend = Backend::start(ServeArgs {
        db: Some(db.clone()),
        token: Some(FULL.into()),
        read_only_token: Some(READ_ONLY.into()),
        ..ServeArgs::for_tests()
    });
    let approved_before = sql_i64(&db, APPROVED);
    let token_file = dir.path().join("ro-token");
    std::fs::write(&token_file, format!("{READ_ONLY}\n")).unwrap();
    let config = dir.path().join("config.toml");
    let command = format!("cat {}", token_file.display());
    std::fs::write(&config, format!("[server]\ntoken_command = \"{command}\"\n")).unwrap();
    let data = dir.path().join("data");

    let t = Tmux::start(100, 30);
    t.send_line(&format!(
        "{BIN} --server {} --config {} --data-dir {} --symbols AAPL; echo EXIT=$?",
        backend.url(),
        config.display(),
        data.display()
    ));
    // Reading works: lists and every feed (their handshakes need the token).
    t.wait_for(
        |s| s.contains("Insights ·") && s.contains("Rating"),
        Duration::from_secs(30),
        "insights",
    );
    t.wait_for(
        |s| s.matches('●').count() >= 3,
        Duration::from_secs(20),
        "all three feeds connected with the token",
    );

    t.send_keys("5");
    t.wait_for(|s| s.contains("Reports ·"), Duration::from_secs(10), "the report queue");
    t.send_keys("a");
    t.wait_for(|s| s.contains("Approve 1 report?"), Duration::from_secs(5), "the confirm dialog");
    t.send_keys("y");
    // The decision waits out its undo window, then the server refuses it.
    let screen = t.wait_for(
        |s| s.contains("READ-ONLY") && s.contains("!1 failed"),
        Duration::from_secs(15),
        "READ-ONLY and the refused decision",
    );
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains("(read-only)  q quit"), "{footer}");
    assert!(footer.contains("not allowed with this token"), "{footer}");
    assert!(screen.contains("!1 failed"), "the refused decision stays visible: {screen}");

    // An action key now explains instead of queueing anything.
    t.send_keys("1");
    t.wait_for(|s| s.contains("Insights ·"), Duration::from_secs(5), "insights");
    t.send_keys("r");
    t.wait_for(|s| s.contains("read-only:"), Duration::from_secs(5), "the refusal");
    assert!(!t.capture().contains("Rate this insight"), "no rating dialog opened");

    // Not retried: one attempt, and still one a while later.
    let outbox = data.join("outbox.db");
    let attempts = || sql_i64(&outbox, "SELECT coalesce(sum(attempts), 0) FROM outbox");
    assert_eq!(sql_i64(&outbox, "SELECT count(*) FROM outbox"), 1);
    assert_eq!(attempts(), 1);
    let waited = Instant::now();
    while waited.elapsed() < Duration::from_secs(2) {
        assert_eq!(attempts(), 1, "a forbidden action is never retried");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(sql_i64(&db, APPROVED), approved_before, "nothing was applied");

    // The secret is nowhere the user or a log reader can see it.
    let screen = t.capture();
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT="), Duration::from_secs(10), "the console to quit");
    for token in [READ_ONLY, FULL] {
        assert!(!screen.contains(token), "token on screen: {screen}");
        assert!(!t.capture().contains(token), "token in the shell after quitting");
    }
    let log = std::fs::read_to_string(data.join("meridian.log")).unwrap();
    assert!(!log.is_empty(), "the console logged its run");
    assert!(!log.contains(READ_ONLY), "token in the log");
}
