//! The on-call path end to end with the real Prometheus and Alertmanager
//! on loopback and no Meridian backend: the console in tmux shows the
//! always-firing alert, `a` acknowledges it with exactly one silence
//! (checked through Alertmanager's API), and after a restart it shows as
//! acknowledged and a second `a` makes no other. Service cards come from
//! Prometheus's own `up`.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::promstack::{ALWAYS_FIRING, PromStack};
use common::tmux::Tmux;
use meridian::sources::Alertmanager;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
/// A rule evaluation, a send to Alertmanager and a poll on a busy machine.
const WAIT: Duration = Duration::from_secs(45);

/// Active silences by `user` in Alertmanager.
fn silences_by(am_url: &str, user: &str) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let am = Alertmanager::new(am_url, None, Duration::from_secs(5), None).unwrap();
    let all = rt.block_on(am.silences()).unwrap();
    all.iter().filter(|s| s.created_by == user && s.status.state == "active").count()
}

fn console(t: &Tmux, stack: &PromStack, config: &Path, data: &Path) {
    t.send_line(&format!(
        "MERIDIAN_USER_NAME=ana {BIN} --config {} --prometheus {} --alertmanager {} --data-dir {}; echo EXIT=$?",
        config.display(),
        stack.prometheus_url,
        stack.alertmanager_url,
        data.display()
    ));
}

#[test]
fn prometheus_and_alertmanager_alone_make_an_on_call_console() {
    let stack = PromStack::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[sources.prometheus]\npoll_secs = 1\n\n[sources.alertmanager]\npoll_secs = 1\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let t = Tmux::start(120, 32);
    console(&t, &stack, &config, &data);
    // Without a backend the console opens on the inbox.
    let screen = t.wait_for(|s| s.contains(ALWAYS_FIRING), WAIT, "the always-firing alert");
    assert!(screen.contains("no backend") && screen.contains("FIRING"), "{screen}");
    assert!(!screen.contains("reconnecting"), "nothing dials a backend\n{screen}");

    t.send_keys("a");
    t.wait_for(|s| s.contains("Acknowledge"), Duration::from_secs(5), "the note dialog");
    t.send_line("on it");
    t.wait_for(|s| s.contains("ana") && s.contains("on it"), WAIT, "the acknowledgement");
    // The silence is made once the acknowledgement's undo window passes.
    common::review::eventually(WAIT.as_secs(), "the silence", || {
        silences_by(&stack.alertmanager_url, "ana") >= 1
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(silences_by(&stack.alertmanager_url, "ana"), 1, "one silence");

    // The Status tab: Prometheus's jobs as cards.
    t.send_keys("2");
    t.wait_for(|s| s.contains("gone") && s.contains("prometheus"), WAIT, "the job cards");

    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "a clean exit");
    t.send_line("clear");
    console(&t, &stack, &config, &data);
    t.wait_for(
        |s| s.contains(ALWAYS_FIRING) && s.contains("acked"),
        WAIT,
        "the alert acknowledged after a restart",
    );
    t.send_keys("a");
    t.wait_for(|s| s.contains("already acknowledged by ana"), Duration::from_secs(5), "a refusal");
    assert_eq!(silences_by(&stack.alertmanager_url, "ana"), 1, "still one silence");
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "a clean exit");
}
