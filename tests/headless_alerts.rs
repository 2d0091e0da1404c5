//! `meridian alerts`, as the real binary, against the reference server
//! in-process on a loopback port 0 (its own runtime, so this thread can wait
//! on child processes), and against a backend without alert state. The
//! server's alerts come from its simulation, so the tests wait for one of
//! the kind they need. Every wait is bounded.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use common::backend::Backend;
use meridian::protocol::{Alert, AlertList, AlertState, Severity, Timestamp};
use meridian::server::ServeArgs;

use common::cli::{Run, meridian};

/// Until the simulation has raised an alert matching `pred` (30 s at most).
fn wait_for(backend: &Backend, all: bool, pred: impl Fn(&Alert) -> bool) -> Alert {
    for _ in 0..300 {
        if let Some(a) = backend.alerts(all).into_iter().find(|a| pred(a)) {
            return a;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no such alert within 30 s");
}

fn alert(backend: &Backend, id: &str) -> Alert {
    backend.alerts(true).into_iter().find(|a| a.id.as_str() == id).unwrap()
}

fn firing(a: &Alert) -> bool {
    a.state == AlertState::Firing && a.severity != Severity::Info
}

/// Run `args` (with the id of a firing alert put in for `ID`) until it does
/// not meet an alert resolved in between (its source recovered); the alert
/// and the run.
fn on_a_firing_alert(home: &Path, backend: &Backend, args: &[&str]) -> (Alert, Run) {
    let mut tried = Vec::new();
    for _ in 0..10 {
        let a = wait_for(backend, false, |a| firing(a) && !tried.contains(&a.id));
        let args: Vec<&str> =
            args.iter().map(|&s| if s == "ID" { a.id.as_str() } else { s }).collect();
        let run = meridian(home, &backend.url(), &args);
        if run.code == Some(1) && run.stderr.contains("already resolved") {
            tried.push(a.id.clone());
            continue;
        }
        return (a, run);
    }
    panic!("every firing alert resolved under the test");
}

#[test]
fn list_shows_the_servers_alerts_as_lines_and_as_json() {
    let home = tempfile::tempdir().unwrap();
    let backend = Backend::start(ServeArgs::for_tests());
    let known = wait_for(&backend, true, |_| true);
    let url = backend.url();

    let run = meridian(home.path(), &url, &["alerts", "list", "--state", "all", "--json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let list: AlertList = serde_json::from_str(&run.stdout).unwrap();
    let listed = list.alerts.iter().find(|a| a.id == known.id).expect("the alert seen before");
    assert_eq!((&listed.title, &listed.source), (&known.title, &known.source));

    let run = meridian(home.path(), &url, &["alerts", "list", "--state", "all", "--limit", "1000"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = run.stdout.lines().find(|l| l.starts_with(known.id.as_str())).expect(&run.stdout);
    assert!(line.contains(&known.title) && line.contains(&known.source), "{line}");

    let run = meridian(home.path(), &url, &["alerts", "list", "--limit", "1000"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains(" resolved "), "active only: {}", run.stdout);
}

#[test]
fn ack_is_delivered_once_again_is_harmless_and_a_resolved_alert_conflicts() {
    let home = tempfile::tempdir().unwrap();
    let backend = Backend::start(ServeArgs::for_tests());
    let url = backend.url();
    let args = ["alerts", "ack", "ID", "--note", "on it"];
    let (a, run) = on_a_firing_alert(home.path(), &backend, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let id = a.id.as_str();
    let expected = format!("acknowledged alert {id} ({}) by ", a.title);
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
    let now = alert(&backend, id);
    assert_eq!(now.state, AlertState::Acknowledged);
    assert!(now.acked_by.is_some());
    assert_eq!(now.ack_note.as_deref(), Some("on it"));
    let outbox = meridian::outbox::Outbox::open(&home.path().join("data/outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 0, "nothing left to send");

    // Again: the server answers with the alert unchanged.
    let again = meridian(home.path(), &url, &["alerts", "ack", id]);
    if again.code == Some(1) {
        // Its source recovered in between.
        assert!(again.stderr.contains("already resolved"), "{}", again.stderr);
    } else {
        assert_eq!(again.code, Some(0), "{}", again.stderr);
        assert_eq!(again.stdout, run.stdout);
        assert_eq!(alert(&backend, id).acked_at, now.acked_at, "applied once");
    }

    let resolved = wait_for(&backend, true, |a| a.state == AlertState::Resolved);
    let run = meridian(home.path(), &url, &["alerts", "ack", resolved.id.as_str()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let expected = format!("meridian: acknowledge alert {}: already resolved", resolved.id);
    assert!(run.stderr.starts_with(&expected), "{}", run.stderr);
    assert_eq!(outbox.pending_count().unwrap(), 0, "a refused action is not kept");
}

#[test]
fn snooze_for_an_hour_ends_about_an_hour_from_now() {
    let home = tempfile::tempdir().unwrap();
    let backend = Backend::start(ServeArgs::for_tests());
    let before = Timestamp::now().millis();
    let (a, run) =
        on_a_firing_alert(home.path(), &backend, &["alerts", "snooze", "ID", "--for", "1h"]);
    let after = Timestamp::now().millis();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let id = a.id.as_str();
    assert!(run.stdout.starts_with(&format!("snoozed alert {id} (")), "{}", run.stdout);
    assert!(run.stdout.contains(" until ") && run.stdout.ends_with("UTC\n"), "{}", run.stdout);
    let now = alert(&backend, id);
    if now.state == AlertState::Snoozed {
        let until = now.snoozed_until.unwrap().millis();
        let hour = 3_600_000;
        assert!((before + hour..=after + hour).contains(&until), "{before} {until} {after}");
    } else {
        // Only a recovery may have ended the snooze since.
        assert_eq!(now.state, AlertState::Resolved, "{now:?}");
    }
}

#[test]
fn bad_durations_are_usage_errors_and_an_undelivered_ack_stays_queued() {
    let home = tempfile::tempdir().unwrap();
    let nowhere = "http://127.0.0.1:9";
    for bad in ["0m", "soon", "1.5h", ""] {
        let run = meridian(home.path(), nowhere, &["alerts", "snooze", "a-1", "--for", bad]);
        assert_eq!(run.code, Some(2), "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains("--for"), "{bad:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let run = meridian(home.path(), nowhere, &["alerts", "snooze", "a-1"]);
    assert_eq!(run.code, Some(2), "--for is required: {}", run.stderr);

    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let args = ["alerts", "ack", "a-7", "--timeout", "1"];
    let run = meridian(home.path(), &format!("http://{addr}"), &args);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("stays queued"), "{}", run.stderr);
    assert!(run.stderr.contains("`meridian alerts`"), "{}", run.stderr);
    let outbox = meridian::outbox::Outbox::open(&home.path().join("data/outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 1);
}

/// A backend of contract 1.0: 404 to everything.
fn without_alert_state() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let body = r#"{"error":{"code":"not_found","message":"no such route"}}"#;
            let _ = write!(
                conn,
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_backend_without_alert_state_says_so_with_its_own_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let url = without_alert_state();
    for args in [&["alerts", "list"][..], &["alerts", "list", "--json"]] {
        let run = meridian(home.path(), &url, args);
        assert_eq!(run.code, Some(4), "{}", run.stderr);
        assert!(run.stderr.starts_with("meridian: alerts are not available"), "{}", run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "one line: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}
