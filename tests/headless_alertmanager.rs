//! `meridian alerts` with an Alertmanager and no backend, against the real
//! Alertmanager on loopback: the list shows its alerts; `ack` makes one
//! silence by the user, and asking again (a retry, a second run) makes no
//! other; an unknown fingerprint is refused.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::promstack::{AmStack, eventually, post_alert};
use meridian::sources::Alertmanager;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

fn meridian(home: &Path, am: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("MERIDIAN_DATA_DIR", home.join("data"))
        .env("MERIDIAN_ALERTMANAGER_URL", am)
        .env("MERIDIAN_USER_NAME", "ana")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_ack_makes_one_silence_however_often_it_is_asked() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let stack = AmStack::start();
    let url = stack.alertmanager_url.clone();
    post_alert(
        &url,
        &[("alertname", "DiskFull"), ("severity", "warning")],
        &[("summary", "91% on /var")],
    )
    .await;
    let am = Alertmanager::new(&url, None, Duration::from_secs(5), None).unwrap();
    let fingerprint = eventually("the alert in Alertmanager", Duration::from_secs(20), || async {
        am.poll()
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.alert.title == "DiskFull")
            .map(|a| a.alert.id)
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let (h, fp) = (home.path().to_owned(), fingerprint.as_str().to_owned());

    let run = |args: Vec<String>| {
        let (h, url) = (h.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            meridian(&h, &url, &args)
        })
    };
    let out = run(vec!["alerts".into(), "list".into()]).await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&out);
    assert!(
        listed.contains(&fp) && listed.contains("DiskFull") && listed.contains("firing"),
        "{listed}"
    );

    let ack =
        || run(vec!["alerts".into(), "ack".into(), fp.clone(), "--note".into(), "on it".into()]);
    let out = ack().await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let ours = || async {
        let all = am.silences().await.unwrap();
        all.into_iter()
            .filter(|s| s.created_by == "ana" && s.status.state == "active")
            .collect::<Vec<_>>()
    };
    let silences = ours().await;
    assert_eq!(silences.len(), 1, "{silences:?}");
    assert_eq!(silences[0].comment, "ack: on it");
    assert!(silences[0].matchers.iter().any(|m| m.name == "alertname" && m.value == "DiskFull"));
    // Asked again: the same silence, not a second one.
    let out = ack().await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(ours().await.len(), 1);
    // And the list now says who is on it.
    let listed = eventually("the alert acknowledged", Duration::from_secs(20), || async {
        let out = run(vec!["alerts".into(), "list".into()]).await.unwrap();
        let t = text(&out);
        t.contains("acknowledged").then_some(t)
    })
    .await;
    assert!(listed.contains("acked by ana"), "{listed}");

    let out = run(vec!["alerts".into(), "ack".into(), "0000deadbeef".into()]).await.unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no alert 0000deadbeef in Alertmanager"), "{}", text(&out));
}
