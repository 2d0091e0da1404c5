//! Claims between two reviewers (contract 5a), end to end: two consoles in
//! tmux against one reference server. When ana opens a report, bob's list
//! says she is reviewing it and his approval asks first; when she leaves
//! it, the claim is gone from his screen.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::time::Duration;

use common::backend::Backend;
use common::review::console;
use common::tmux::Tmux;
use meridian::server::ServeArgs;

const WAIT: Duration = Duration::from_secs(15);

fn reports(t: &Tmux) {
    t.send_keys("5");
    t.wait_for(|s| s.contains("Reports ·"), WAIT, "the report queue");
}

#[test]
fn the_second_reviewer_sees_the_first_ones_claim_and_is_asked_before_deciding() {
    let dir = tempfile::tempdir().unwrap();
    let mut backend = Backend::start(ServeArgs::for_tests());
    let (report, _) = backend.first_rows();
    let url = backend.url();

    let ana = Tmux::start(100, 30);
    console(&ana, "MERIDIAN_USER_NAME=ana", &url, &dir.path().join("ana"));
    let bob = Tmux::start(100, 30);
    console(&bob, "MERIDIAN_USER_NAME=bob", &url, &dir.path().join("bob"));
    reports(&ana);
    reports(&bob);

    // ana opens the first report: she claims it.
    ana.send_keys("Enter");
    ana.wait_for(
        |s| s.contains(&format!("Report {report} ·")) && s.contains("claimed by you"),
        WAIT,
        "ana's detail, claimed",
    );
    assert_eq!(backend.report(&report).claimed_by.as_deref(), Some("ana"));

    // bob's list says so (the claim is broadcast), and approving asks.
    bob.wait_for(|s| s.contains("[ana]"), WAIT, "ana's claim on bob's list");
    bob.send_keys("a");
    let asked = bob.wait_for(|s| s.contains("Approve anyway?"), WAIT, "the question");
    assert!(asked.contains(&format!("report {report} (ana)")), "{asked}");
    bob.send_keys("n");

    // ana goes back to the list: the claim is released, and bob sees it go.
    ana.send_keys("Escape");
    bob.wait_for(|s| !s.contains("[ana]"), WAIT, "the claim gone from bob's list");
    assert_eq!(backend.report(&report).claimed_by, None);

    for t in [&ana, &bob] {
        t.send_keys("q");
        let end = common::review::wait_exit(t, 10);
        assert!(end.contains("EXIT=0"), "{end}");
    }
    backend.stop();
}
