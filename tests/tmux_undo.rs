//! The undo window end to end: the real console in tmux against the
//! reference server. A decision waits `review.undo_secs` in the outbox,
//! marked held; `u` takes it back before anything is sent; a SIGKILL
//! during the wait loses nothing; quitting during the wait sends it.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::backend::Backend;
use common::review::{approval_keys, approve_first_report, approved, console, eventually};
use common::tmux::Tmux;
use meridian::server::ServeArgs;

/// Long enough that nothing is sent while the test acts.
const HOLD: &str = "MERIDIAN_REVIEW_UNDO_SECS=30";

fn backend(db: &std::path::Path) -> (Backend, String) {
    let backend =
        Backend::start(ServeArgs { db: Some(db.to_path_buf()), ..ServeArgs::for_tests() });
    let (report, _) = backend.first_rows();
    (backend, report)
}

/// A reviewer who just approved the first report, held for [`HOLD`]: the
/// console still running in `t`, the countdown on screen.
struct Held {
    _dir: tempfile::TempDir,
    db: PathBuf,
    data: PathBuf,
    backend: Backend,
    report: String,
    t: Tmux,
}

fn approved_and_held() -> Held {
    let dir = tempfile::tempdir().unwrap();
    let (db, data) = (dir.path().join("server.db"), dir.path().join("data"));
    let (backend, report) = backend(&db);
    let t = Tmux::start(100, 30);
    console(&t, HOLD, &backend.url(), &data);
    approve_first_report(&t);
    t.wait_for(|s| s.contains("u undo"), Duration::from_secs(5), "the countdown");
    Held { _dir: dir, db, data, backend, report, t }
}

#[test]
fn a_decision_taken_back_never_reaches_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let data = dir.path().join("data");
    let (mut backend, report) = backend(&db);
    let t = Tmux::start(100, 30);
    // A short window, so that the test also sees it pass with nothing sent.
    console(&t, "MERIDIAN_REVIEW_UNDO_SECS=3", &backend.url(), &data);
    approve_first_report(&t);
    // The countdown, and the header counting it as not yet delivered.
    t.wait_for(
        |s| {
            s.contains(&format!("approving report {report} in"))
                && s.contains("u undo")
                && s.contains("⧗1 pending")
        },
        Duration::from_secs(5),
        "the countdown in the footer",
    );
    t.send_keys("u");
    let back = t.wait_for(
        |s| s.contains(&format!("undone, never sent: approving report {report}")),
        Duration::from_secs(5),
        "the undo to be confirmed",
    );
    assert!(!back.contains("⧗"), "nothing left to deliver:\n{back}");
    // Past the window: still nothing on the server, nothing in the outbox.
    std::thread::sleep(Duration::from_secs(4));
    assert!(!approved(&db, &report));
    assert_eq!(approval_keys(&db, &report), 0, "no request was made");
    t.send_keys("q");
    let end = common::review::wait_exit(&t, 10);
    assert!(end.contains("EXIT=0") && !end.contains("not yet delivered"), "{end}");
    let outbox = meridian::outbox::Outbox::open(&data.join("outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 0);
    backend.stop();
}

#[test]
fn a_kill_during_the_wait_loses_nothing_and_the_restart_sends_it_once() {
    let Held { _dir, db, data, mut backend, report, t } = approved_and_held();
    t.signal("KILL");
    drop(t);
    assert!(!approved(&db, &report), "held: not sent before the kill");

    let t = Tmux::start(100, 30);
    console(&t, HOLD, &backend.url(), &data);
    eventually(20, "the approval after the restart", || approved(&db, &report));
    eventually(10, "its stored answer", || approval_keys(&db, &report) >= 1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(approval_keys(&db, &report), 1, "sent once");
    t.send_keys("q");
    backend.stop();
}

#[test]
fn quitting_during_the_wait_sends_it_once_and_says_so() {
    let Held { _dir, db, data, mut backend, report, t } = approved_and_held();
    t.send_keys("q");
    let end = common::review::wait_exit(&t, 15);
    assert!(end.contains("EXIT=0"), "{end}");
    assert!(
        end.contains(&format!(
            "approve report {report}: sent (it was held for undo when you quit)"
        )),
        "{end}"
    );
    assert!(approved(&db, &report));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(approval_keys(&db, &report), 1, "sent once");
    // Nothing left for the next start to send again.
    let outbox = meridian::outbox::Outbox::open(&data.join("outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 0);
    backend.stop();
}
