//! The reviewer's console in tmux against a reference server with its own
//! database, and what that database says was decided.

use std::path::Path;
use std::time::{Duration, Instant};

use super::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

pub fn sql_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Poll `cond` for up to `secs` seconds (a liveness bound).
pub fn eventually(secs: u64, what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(secs), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether `report` is approved in the server's database.
pub fn approved(db: &Path, report: &str) -> bool {
    let sql = format!(
        "SELECT count(*) FROM reports WHERE id = {report} AND validation_status = 'approved'"
    );
    sql_count(db, &sql) == 1
}

/// Idempotency keys the server stored for approving `report`: one per
/// approval it applied.
pub fn approval_keys(db: &Path, report: &str) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM idempotency WHERE request = 'POST /api/v1/reports/{report}/approve'"
    );
    sql_count(db, &sql)
}

/// Start the console in `t` (with `env` before the command, e.g.
/// `MERIDIAN_REVIEW_UNDO_SECS=30`) and wait for the insights.
pub fn console(t: &Tmux, env: &str, server: &str, data: &Path) {
    t.send_line(&format!(
        "{env} {BIN} --server {server} --data-dir {}; echo EXIT=$?",
        data.display()
    ));
    t.wait_for(
        |s| s.contains("Insights ·") && s.contains("Rating"),
        Duration::from_secs(30),
        "the insights list",
    );
}

/// Approve the first report on the Reports tab (the confirm dialog says yes).
pub fn approve_first_report(t: &Tmux) {
    t.send_keys("5");
    t.wait_for(|s| s.contains("Reports ·"), Duration::from_secs(10), "the report queue");
    t.send_keys("a");
    t.wait_for(|s| s.contains("Approve 1 report?"), Duration::from_secs(5), "the confirm dialog");
    t.send_keys("y");
}

/// Wait for the shell's `EXIT=` line after the console ends; the screen.
pub fn wait_exit(t: &Tmux, secs: u64) -> String {
    t.wait_for(
        |s| s.lines().any(|l| l.starts_with("EXIT=") && l.len() > 5 && !l.contains('$')),
        Duration::from_secs(secs),
        "exit",
    )
}
