//! The headless commands, as the real binary, against the reference server
//! in-process on a loopback port 0 (its own runtime, so this thread can wait
//! on child processes). Every wait is bounded.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::backend::Backend;
use meridian::protocol::{ReportList, ValidationStatus};
use meridian::server::{ForceHealth, ServeArgs};
use serde_json::Value;

use common::cli::{LIMIT, command, meridian};

fn forced(health: Option<ForceHealth>) -> Backend {
    Backend::start(ServeArgs { force_health: health, ..ServeArgs::for_tests() })
}

#[test]
fn status_exit_codes_follow_the_overall_health() {
    let home = tempfile::tempdir().unwrap();
    for (health, code, word) in [
        (ForceHealth::Healthy, 0, "healthy"),
        (ForceHealth::Degraded, 1, "degraded"),
        (ForceHealth::Down, 2, "down"),
    ] {
        let backend = forced(Some(health));
        let run = meridian(home.path(), &backend.url(), &["status"]);
        assert_eq!(run.code, Some(code), "{word}: {}", run.stderr);
        assert!(run.stdout.starts_with(&format!("overall: {word}\n")), "{}", run.stdout);
        assert!(run.stdout.contains("api-gateway") && run.stdout.contains("JOB"));

        let run = meridian(home.path(), &backend.url(), &["status", "--json"]);
        assert_eq!(run.code, Some(code), "{}", run.stderr);
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(v["overall"], word);
        assert!(!v["services"].as_array().unwrap().is_empty());
        assert!(v["jobs"].as_array().unwrap().iter().all(|j| j["progress"].is_f64()));
    }
}

#[test]
fn status_is_3_when_nothing_listens_and_4_on_a_bad_command_line() {
    let home = tempfile::tempdir().unwrap();
    // A port that was free a moment ago, now closed: connection refused.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let run = meridian(home.path(), &format!("http://{addr}"), &["status"]);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.starts_with("meridian: status unknown: cannot reach"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "one line: {}", run.stderr);
    assert!(run.stdout.is_empty());

    let run = meridian(home.path(), "http://127.0.0.1:9", &["status", "--bogus"]);
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "[ui]\nfsp = 60\n").unwrap();
    let run =
        meridian(home.path(), "http://127.0.0.1:9", &["--config", bad.to_str().unwrap(), "status"]);
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    assert!(run.stderr.contains("fsp"), "{}", run.stderr);
}

#[test]
fn https_needs_a_trusted_certificate_and_says_why_not() {
    let home = tempfile::tempdir().unwrap();
    let backend = forced(Some(ForceHealth::Healthy));
    let (tls, ca_file) = backend.tls_front(home.path());
    let https = format!("https://{tls}");

    let run = meridian(home.path(), &https, &["status"]);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("not signed by a trusted CA"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "one line: {}", run.stderr);

    let mut trusted = command(home.path(), &https);
    let out = trusted.env("MERIDIAN_SERVER_CA_FILE", &ca_file).arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("overall: healthy"));

    let run = meridian(home.path(), &https, &["status", "--insecure"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("--insecure: TLS certificates are NOT verified"), "{}", run.stderr);

    // The wrong scheme for each port.
    let run = meridian(home.path(), &format!("https://{}", backend.addr()), &["status"]);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("does not speak TLS on this port"), "{}", run.stderr);
    let run = meridian(home.path(), &format!("http://{tls}"), &["status"]);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("use https://"), "{}", run.stderr);
}

#[test]
fn bad_command_lines_get_one_clear_line_and_no_panic() {
    let home = tempfile::tempdir().unwrap();
    let missing_ca = home.path().join("nope.pem");
    let ok = "http://127.0.0.1:9";
    let cases: &[(&str, &[&str], &str)] = &[
        ("ftp://x", &["status"], "must start with http:// or https://"),
        ("not a url", &["status"], "invalid URL"),
        (ok, &["--prices-url", "http://x/ws", "tail", "prices"], "must start with ws:// or wss://"),
        (ok, &["--fps", "0", "status"], "ui.fps"),
        (ok, &["--symbols", "AA PL", "status"], "markets.symbols"),
        (ok, &["--log-level", "loud", "status"], "unknown log level"),
        (ok, &["reports", "approve"], "required"),
        (ok, &["tail", "nonsense"], "invalid value"),
    ];
    for (server, args, expected) in cases {
        let run = meridian(home.path(), server, args);
        assert_ne!(run.code, Some(0), "{args:?}");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    let mut cmd = command(home.path(), "https://127.0.0.1:9");
    let out = cmd.env("MERIDIAN_SERVER_CA_FILE", &missing_ca).arg("status").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("nope.pem") && stderr.contains("server.ca_file"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn tail_prints_json_lines_for_the_subscribed_symbols_only() {
    let home = tempfile::tempdir().unwrap();
    let backend = forced(None);
    let args = ["--symbols", "AAPL,MSFT", "tail", "prices", "--count", "5"];
    let run = meridian(home.path(), &backend.url(), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    for l in &lines {
        assert!(matches!(l["symbol"].as_str(), Some("AAPL" | "MSFT")), "{l}");
        assert!(matches!(l["type"].as_str(), Some("snapshot" | "delta")), "{l}");
    }

    let run = meridian(home.path(), &backend.url(), &["tail", "health", "--count", "1"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["type"], "system_status");
    assert!(v["data"]["services"].is_array());

    let run = meridian(home.path(), &backend.url(), &["tail", "backfill", "--count", "2"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2);
    assert!(run.stdout.lines().all(|l| l.starts_with(r#"{"job_id":"#)), "{}", run.stdout);
}

#[test]
fn tail_ends_quietly_when_stdout_is_closed() {
    let home = tempfile::tempdir().unwrap();
    let backend = forced(None);
    let mut child = command(home.path(), &backend.url())
        .args(["--symbols", "AAPL", "tail", "prices"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < LIMIT, "tail kept running after stdout closed");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "quiet: {err}");
}

#[test]
fn reports_list_and_decisions_through_the_outbox() {
    let home = tempfile::tempdir().unwrap();
    let backend = forced(None);
    let url = backend.url();

    let run = meridian(home.path(), &url, &["reports", "list", "--status", "pending", "--json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let list: ReportList = serde_json::from_str(&run.stdout).unwrap();
    assert!(!list.reports.is_empty());
    assert!(list.reports.iter().all(|r| r.validation_status == ValidationStatus::Pending));
    let id = list.reports[0].id.to_string();

    let run = meridian(home.path(), &url, &["reports", "list", "--status", "pending"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("ID ") && run.stdout.contains(&id), "{}", run.stdout);

    let run = meridian(home.path(), &url, &["reports", "approve", &id, "--notes", "checked"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with(&format!("report {id}: approved")), "{}", run.stdout);
    assert_eq!(backend.report(&id).validation_status, ValidationStatus::Approved);
    let outbox = meridian::outbox::Outbox::open(&home.path().join("data/outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 0, "nothing left to send");

    let run = meridian(home.path(), &url, &["reports", "approve", &id]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("already approved by"), "{}", run.stderr);
    assert_eq!(outbox.pending_count().unwrap(), 0, "a refused action is not kept");

    let run = meridian(home.path(), &url, &["reports", "reject", &id]);
    assert_eq!(run.code, Some(2), "usage error: {}", run.stderr);
    assert!(run.stderr.contains("--reason"), "{}", run.stderr);

    let other = list.reports[1].id.to_string();
    let run = meridian(home.path(), &url, &["reports", "flag", &other, "--reason", "odd totals"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(backend.report(&other).validation_status, ValidationStatus::Flagged);
}

#[test]
fn an_undelivered_decision_stays_queued_with_its_own_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let args = ["reports", "reject", "7", "--reason", "dup", "--timeout", "1"];
    let run = meridian(home.path(), &format!("http://{addr}"), &args);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("stays queued"), "{}", run.stderr);
    let outbox = meridian::outbox::Outbox::open(&home.path().join("data/outbox.db")).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 1);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let home = tempfile::tempdir().unwrap();
    let run = meridian(home.path(), "http://127.0.0.1:9", &["completions", "bash"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("meridian") && run.stdout.contains("reports"));
    let run = meridian(home.path(), "http://127.0.0.1:9", &["man"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains(".TH"), "{}", &run.stdout[..run.stdout.len().min(200)]);
}
