//! The Prometheus and Alertmanager clients (`meridian::sources`) against the
//! real programs on loopback (`common::promstack`): service cards from
//! Prometheus's own `up`, range queries, the always-firing rule arriving in
//! Alertmanager, acknowledging and snoozing it as silences, and the errors
//! a user sees.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::promstack::{ALWAYS_FIRING, AmStack, PromStack, eventually, free_port, post_alert};
use meridian::protocol::{AlertState, Health, Severity, Timestamp};
use meridian::sources::{
    Alertmanager, Prometheus, SourceError, SourcedAlert, ack_comment, snooze_comment,
};
use meridian::token::Token;

/// Long enough for a scrape, a rule evaluation and a resend on a busy
/// two-core machine; each wait polls and returns as soon as it holds.
const WAIT: Duration = Duration::from_secs(20);
const TIMEOUT: Duration = Duration::from_secs(5);
const HOUR_MS: i64 = 3_600_000;

fn prometheus(url: &str) -> Prometheus {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Prometheus::new(url, None, TIMEOUT, None).unwrap()
}

fn alertmanager(url: &str) -> Alertmanager {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Alertmanager::new(url, None, TIMEOUT, None).unwrap()
}

/// The alert titled `title` once Alertmanager holds it in `state`.
async fn wait_for_alert(am: &Alertmanager, title: &str, state: AlertState) -> SourcedAlert {
    let what = format!("{title} {state:?} in Alertmanager");
    eventually(&what, WAIT, || async {
        let alerts = am.poll().await.unwrap();
        alerts.into_iter().find(|a| a.alert.title == title && a.alert.state == state)
    })
    .await
}

#[tokio::test]
async fn service_cards_show_prometheus_up_and_the_closed_port_down() {
    let stack = PromStack::start();
    let prom = prometheus(&stack.prometheus_url);
    let cards = eventually("both jobs scraped, with a scrape time", WAIT, || async {
        let cards = prom.services().await.unwrap();
        let scraped = cards.iter().any(|c| c.name == "prometheus" && c.latency_ms > 0.0)
            && cards.iter().any(|c| c.name == "gone");
        scraped.then_some(cards)
    })
    .await;
    let names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["gone", "prometheus"], "sorted by name");

    let me = &cards[1];
    assert_eq!(me.status, Health::Healthy);
    assert!(me.latency_ms > 0.0 && me.latency_ms < 5_000.0, "{}", me.latency_ms);
    assert!((me.uptime_pct - 100.0).abs() < 1e-9);
    assert_eq!(me.message.as_deref(), Some("1/1 targets up"));
    let age = Timestamp::now().millis() - me.checked_at.unwrap().millis();
    assert!((0..60_000).contains(&age), "checked {age} ms ago");

    let gone = &cards[0];
    assert_eq!(gone.status, Health::Down);
    assert_eq!(gone.message.as_deref(), Some("0/1 targets up"));
    assert!(gone.uptime_pct.abs() < 1e-9);
}

#[tokio::test]
async fn a_range_query_gives_points_oldest_first_at_the_step_asked() {
    let stack = PromStack::start();
    let prom = prometheus(&stack.prometheus_url);
    let step = Duration::from_secs(2);
    let (start, series) = eventually("three points of up", WAIT, || async {
        let end = Timestamp::now();
        let start = Timestamp::from_millis(end.millis() - 60_000);
        let series = prom.query_range(r#"up{job="prometheus"}"#, start, end, step).await.unwrap();
        let enough = series.len() == 1 && series[0].points.len() >= 3;
        enough.then_some((start, series))
    })
    .await;
    let s = &series[0];
    assert_eq!(s.labels.get("job").map(String::as_str), Some("prometheus"));
    for pair in s.points.windows(2) {
        assert_eq!(pair[1].0.millis() - pair[0].0.millis(), 2_000, "{:?}", s.points);
    }
    assert_eq!((s.points[0].0.millis() - start.millis()) % 2_000, 0, "aligned on the start");
    assert!(s.points.iter().all(|p| (p.1 - 1.0).abs() < f64::EPSILON), "{:?}", s.points);
}

#[tokio::test]
async fn the_always_firing_rule_arrives_mapped() {
    let stack = PromStack::start();
    let am = alertmanager(&stack.alertmanager_url);
    let got = wait_for_alert(&am, ALWAYS_FIRING, AlertState::Firing).await;
    let a = &got.alert;
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.message, "always firing (test)");
    assert_eq!(a.source, "alertmanager");
    assert!(!a.id.as_str().is_empty() && a.started_at.is_some(), "{a:?}");
    assert_eq!(got.labels.get("alertname").map(String::as_str), Some(ALWAYS_FIRING));
    assert_eq!(got.labels.get("severity").map(String::as_str), Some("critical"));
}

/// Active silences by `by` whose matchers are exactly `labels`.
async fn silences_by(am: &Alertmanager, by: &str, labels: &BTreeMap<String, String>) -> usize {
    let all = am.silences().await.unwrap();
    all.iter()
        .filter(|s| s.created_by == by && s.status.state == "active")
        .filter(|s| {
            let m: BTreeMap<String, String> =
                s.matchers.iter().map(|m| (m.name.clone(), m.value.clone())).collect();
            s.matchers.iter().all(|m| m.is_equal && !m.is_regex) && &m == labels
        })
        .count()
}

#[tokio::test]
async fn acknowledging_makes_one_silence_and_shows_who_and_why() {
    let stack = PromStack::start();
    let am = alertmanager(&stack.alertmanager_url);
    let firing = wait_for_alert(&am, ALWAYS_FIRING, AlertState::Firing).await;
    let labels = firing.labels.clone();
    let ends = Timestamp::from_millis(Timestamp::now().millis() + 4 * HOUR_MS);

    // Not ours: the same matchers by someone else, ana's with other matchers.
    let theirs = am.ensure_silence(&labels, "bo", "maintenance", ends).await.unwrap();
    let mut wider = labels.clone();
    wider.insert("team".into(), "db".into());
    let other = am.ensure_silence(&wider, "ana", "ack", ends).await.unwrap();
    assert!(theirs.created && other.created);

    let comment = ack_comment(Some("on it"));
    let first = am.ensure_silence(&labels, "ana", &comment, ends).await.unwrap();
    assert!(first.created, "bo's silence and ana's wider one are not ana's for this alert");
    assert_eq!(silences_by(&am, "ana", &labels).await, 1);

    let retry = am.ensure_silence(&labels, "ana", &comment, ends).await.unwrap();
    let restarted = alertmanager(&stack.alertmanager_url);
    let after_restart = restarted.ensure_silence(&labels, "ana", &comment, ends).await.unwrap();
    for again in [&retry, &after_restart] {
        assert_eq!(
            again,
            &meridian::sources::SilenceOutcome { id: first.id.clone(), created: false }
        );
    }
    assert_eq!(silences_by(&am, "ana", &labels).await, 1, "still one silence");

    let acked = wait_for_alert(&am, ALWAYS_FIRING, AlertState::Acknowledged).await.alert;
    assert_eq!(acked.acked_by.as_deref(), Some("ana"), "the ack wins over bo's silence");
    assert_eq!(acked.ack_note.as_deref(), Some("on it"));
    let at = acked.acked_at.unwrap().millis();
    assert!((Timestamp::now().millis() - at).abs() < 60_000, "acked {at}");
}

#[tokio::test]
async fn snoozing_shows_until_when_and_expiring_fires_again() {
    let stack = AmStack::start();
    let am = alertmanager(&stack.alertmanager_url);
    let labels = [("alertname", "DiskFull"), ("severity", "WARN"), ("job", "node")];
    post_alert(&stack.alertmanager_url, &labels, &[("description", "disk 95% full")]).await;
    let firing = wait_for_alert(&am, "DiskFull", AlertState::Firing).await;
    assert_eq!(firing.alert.source, "alertmanager/node");
    assert_eq!(firing.alert.severity, Severity::Warning);
    assert_eq!(firing.alert.message, "disk 95% full");

    let until = Timestamp::from_millis(Timestamp::now().millis() + 2 * HOUR_MS);
    let snooze = am.ensure_silence(&firing.labels, "cy", &snooze_comment(until), until).await;
    let snooze = snooze.unwrap();
    assert!(snooze.created);
    let snoozed = wait_for_alert(&am, "DiskFull", AlertState::Snoozed).await.alert;
    let off = snoozed.snoozed_until.unwrap().millis() - until.millis();
    assert!(off.abs() < 1_000, "snoozed until {off} ms from the time asked");
    assert_eq!(snoozed.acked_by.as_deref(), Some("cy"));

    am.expire_silence(&snooze.id).await.unwrap();
    wait_for_alert(&am, "DiskFull", AlertState::Firing).await;
}

#[tokio::test]
async fn errors_say_what_went_wrong_and_where() {
    let stack = PromStack::start();
    let prom = prometheus(&stack.prometheus_url);
    let err = prom.query("up{").await.unwrap_err();
    let SourceError::Status { url, status, message } = &err else { panic!("{err:?}") };
    assert_eq!(*status, 400);
    assert!(message.contains("parse error"), "Prometheus's own words: {message}");
    assert_eq!(url, &format!("{}/api/v1/query", stack.prometheus_url));
    assert!(!err.is_retryable());

    // A closed port, reached with credentials and a token: neither shows.
    let port = free_port();
    let token = Token::new("tok-very-secret").unwrap();
    let closed = format!("http://ana:hunter2@127.0.0.1:{port}");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let nobody = Prometheus::new(&closed, Some(&token), TIMEOUT, None).unwrap();
    let err = nobody.query("up").await.unwrap_err();
    assert!(matches!(err, SourceError::Network { .. }), "{err:?}");
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(text.contains(&format!("http://127.0.0.1:{port}/api/v1/query")), "{text}");
    assert!(!text.contains("hunter2") && !text.contains("tok-very"), "{text}");
    let am = Alertmanager::new(&closed, Some(&token), TIMEOUT, None).unwrap();
    assert_eq!(am.base(), format!("http://127.0.0.1:{port}"));
    assert!(am.poll().await.unwrap_err().is_retryable());
}
