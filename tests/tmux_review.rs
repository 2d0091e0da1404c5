//! The reviewer's path end to end: the real console in tmux against the
//! reference server, decisions made from the keyboard, found afterwards in
//! the server's database; and a decision that survives SIGKILL, SIGTERM,
//! SIGHUP and SIGINT.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::time::Duration;

use common::backend::Backend;
use common::review::{approval_keys, approve_first_report, approved, eventually, sql_count};
use common::tmux::Tmux;
use meridian::server::ServeArgs;

fn console(t: &Tmux, server: &str, data: &std::path::Path) {
    common::review::console(t, "", server, data);
}

/// With the server gone: approve the first report on the Reports tab and
/// wait until the decision shows as queued.
fn approve_first_report_offline(t: &Tmux) {
    approve_first_report(t);
    t.wait_for(|s| s.contains("⧗1 pending"), Duration::from_secs(5), "the decision to be queued");
}

#[test]
fn approve_and_rate_from_the_keyboard_reach_the_servers_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut backend = Backend::start(ServeArgs { db: Some(db.clone()), ..ServeArgs::for_tests() });
    let (report, first_insight) = backend.first_rows();
    let ratings = |id: &str| {
        sql_count(
            &db,
            &format!(
                "SELECT count(*) FROM feedback WHERE insight_id = {id} AND kind = 'rating' AND rating = 4"
            ),
        )
    };
    let before = ratings(&first_insight);

    let t = Tmux::start(100, 30);
    console(&t, &backend.url(), &dir.path().join("data"));
    t.send_keys("r");
    t.wait_for(|s| s.contains("Rate this insight"), Duration::from_secs(5), "the rating dialog");
    t.send_keys("4");
    t.send_keys("5");
    t.wait_for(|s| s.contains("Reports ·"), Duration::from_secs(10), "the report queue");
    t.send_keys("a");
    t.wait_for(|s| s.contains("Approve 1 report?"), Duration::from_secs(5), "the confirm dialog");
    t.send_keys("y");

    eventually(20, "the approval in the server's database", || approved(&db, &report));
    eventually(20, "the rating in the server's database", || ratings(&first_insight) == before + 1);
    t.wait_for(
        |s| s.lines().next().is_some_and(|header| !header.contains('⧗')),
        Duration::from_secs(10),
        "the header's pending count to clear",
    );
    t.send_keys("q");
    let end = common::review::wait_exit(&t, 10);
    assert!(end.contains("EXIT=0"), "{end}");
    backend.stop();
}

#[test]
fn a_decision_queued_just_before_a_kill_or_a_signal_is_delivered_once_after_restart() {
    // SIGKILL gives the program no chance at all; SIGTERM, SIGHUP (the SSH
    // link dropped) and SIGINT end it through its own handler.
    for (signal, status) in
        [("KILL", None), ("TERM", Some(143)), ("HUP", Some(129)), ("INT", Some(130))]
    {
        decision_survives(signal, status);
    }
}

fn decision_survives(signal: &str, status: Option<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let data = dir.path().join("data");
    // Learn an address and prepare the database, then take the server away
    // so the decision cannot be delivered before the signal.
    let mut backend = Backend::start(ServeArgs { db: Some(db.clone()), ..ServeArgs::for_tests() });
    let addr = backend.addr();
    let url = backend.url();
    let (report, _) = backend.first_rows();
    backend.stop();

    // The console needs the list to act on, so it starts with the server up
    // and the server goes down right after the list is shown.
    let mut backend =
        Backend::start(ServeArgs { listen: addr, db: Some(db.clone()), ..ServeArgs::for_tests() });
    let t = Tmux::start(100, 30);
    console(&t, &url, &data);
    backend.stop();
    approve_first_report_offline(&t);
    t.signal(signal);
    if let Some(status) = status {
        let end = t.wait_for(
            |s| s.contains(&format!("EXIT={status}")),
            Duration::from_secs(15),
            "the program to exit through its handler",
        );
        assert!(
            end.contains("not yet delivered"),
            "SIG{signal}: the queued decision is mentioned:\n{end}"
        );
    }
    drop(t);

    let mut backend =
        Backend::start(ServeArgs { listen: addr, db: Some(db.clone()), ..ServeArgs::for_tests() });
    let t = Tmux::start(100, 30);
    console(&t, &url, &data);
    eventually(20, &format!("the approval after SIG{signal} and a restart"), || {
        approved(&db, &report)
    });
    // Exactly once: one stored answer for one key on that report. The
    // server stores the answer just after the decision is committed, so
    // the approval can be seen a moment before its key: wait for the key,
    // then make sure no second one follows.
    let keys = || approval_keys(&db, &report);
    eventually(10, &format!("the stored answer after SIG{signal}"), || keys() >= 1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(keys(), 1, "SIG{signal}");
    t.send_keys("q");
    backend.stop();
}

#[test]
fn quitting_with_a_decision_still_pending_says_so_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut backend = Backend::start(ServeArgs::for_tests());
    let t = Tmux::start(100, 30);
    console(&t, &backend.url(), &data);
    backend.stop();
    approve_first_report_offline(&t);
    t.send_keys("q");
    let end = t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "a clean exit");
    assert!(end.contains("1 action(s) not yet delivered"), "{end}");
    let outbox = meridian::outbox::Outbox::open(&data.join("outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 1, "kept for the next start");
}
