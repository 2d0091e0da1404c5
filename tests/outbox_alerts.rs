//! The outbox's exactly-once delivery for alert decisions: acknowledge and
//! snooze queued before a kill go out after reopening, each applied once
//! by the reference server, and the same acknowledgement again changes
//! nothing; an Alertmanager acknowledgement queued before a kill is
//! delivered after reopening as one silence, and the same decision queued
//! again makes no second one. (Retries with one key: outbox_delivery.rs.)
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::Server;
use common::promstack::{AmStack, eventually, post_alert};
use meridian::feeds::Backoff;
use meridian::outbox::{
    Action, Answer, ItemStatus, Outbox, OutboxEvent, SenderConfig, Silence, spawn_sender,
};
use meridian::protocol::{Alert, AlertList, AlertState, Timestamp};
use meridian::server::ServeArgs;
use meridian::sources::Alertmanager;
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(20);

fn config(base_url: String, alertmanager: Option<Alertmanager>) -> SenderConfig {
    SenderConfig {
        alertmanager,
        base_url,
        token: None,
        tls: None,
        timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(400) },
        user: Some("alex".into()),
    }
}

/// The delivery of item `id`, with its answer.
async fn delivered(rx: &mut mpsc::Receiver<OutboxEvent>, id: i64) -> Option<Answer> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await.expect("delivered in time").unwrap() {
            OutboxEvent::Delivered { item, answer } if item.id == id => return answer,
            _ => {}
        }
    }
}

/// Two alerts of the server's opening inbox whose sources never recover
/// in the simulation (a full disk, an expiring certificate): neither can
/// resolve under the test.
async fn two_lasting(server: &Server) -> (Alert, Alert) {
    let (_, v) = server.get("/api/v1/alerts?state=active").await;
    let list: AlertList = serde_json::from_value(v).unwrap();
    let find = |source: &str| list.alerts.iter().find(|a| a.source == source).cloned().unwrap();
    (find("cert-watch"), find("batch-2"))
}

#[tokio::test]
async fn acknowledge_and_snooze_queued_before_a_kill_are_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(ServeArgs::for_tests()).await;
    let (acked, snoozed) = two_lasting(&server).await;
    let path = dir.path().join("outbox.db");
    let until = Timestamp(Timestamp::now().0 + 3_600_000);
    let ack =
        || Action::AckAlert { alert: acked.id.clone(), note: Some("on it".into()), silence: None };
    let (ack1, snooze) = {
        let outbox = Outbox::open(&path).unwrap();
        let snooze = Action::SnoozeAlert { alert: snoozed.id.clone(), until, silence: None };
        (outbox.enqueue(ack()).unwrap(), outbox.enqueue(snooze).unwrap())
        // Dropped without a sender, as if the console were killed here.
    };
    let outbox = Outbox::open(&path).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 2);
    let (tx, mut rx) = mpsc::channel(256);
    let handle = spawn_sender(outbox.clone(), config(server.handle.base_url(), None), tx).unwrap();
    let answer = delivered(&mut rx, ack1.id).await;
    let Some(Answer::Alert(Some(a))) = answer else { panic!("an alert: {answer:?}") };
    assert_eq!((a.state, a.acked_by.as_deref()), (AlertState::Acknowledged, Some("alex")));
    let acked_at = a.acked_at;
    let answer = delivered(&mut rx, snooze.id).await;
    let Some(Answer::Alert(Some(s))) = answer else { panic!("an alert: {answer:?}") };
    assert_eq!((s.state, s.snoozed_until), (AlertState::Snoozed, Some(until)));
    // The same acknowledgement again (a second key press): answered with
    // the alert as it is, acknowledged once.
    let ack2 = outbox.enqueue(ack()).unwrap();
    let answer = delivered(&mut rx, ack2.id).await;
    let Some(Answer::Alert(Some(again))) = answer else { panic!("an alert: {answer:?}") };
    assert_eq!(again.acked_at, acked_at, "not acknowledged twice");
    let applied = server.get("/api/v1/_debug/applied").await.1["applied"].clone();
    for key in [&ack1.key, &snooze.key, &ack2.key] {
        assert_eq!(applied[key], 1, "{applied}");
    }
    assert_eq!(outbox.pending_count().unwrap(), 0);
    handle.shutdown().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alertmanager_acknowledgement_survives_a_kill_and_is_one_silence() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let stack = AmStack::start();
    let url = stack.alertmanager_url.clone();
    post_alert(&url, &[("alertname", "QueueStuck"), ("severity", "critical")], &[]).await;
    let am = Alertmanager::new(&url, None, Duration::from_secs(5), None).unwrap();
    let alert = eventually("the alert in Alertmanager", DEADLINE, || async {
        am.poll().await.unwrap().into_iter().find(|a| a.alert.title == "QueueStuck")
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let ends_at = Timestamp(Timestamp::now().0 + 4 * 3_600_000);
    let decision = || Action::AckAlert {
        alert: alert.alert.id.clone(),
        note: None,
        silence: Some(Silence { labels: alert.labels.clone(), ends_at }),
    };
    let queued = {
        let outbox = Outbox::open(&path).unwrap();
        outbox.enqueue(decision()).unwrap()
        // Dropped without a sender, as if the console were killed here.
    };
    let outbox = Outbox::open(&path).unwrap();
    let (tx, mut rx) = mpsc::channel(256);
    // No backend behind the sender: the silence goes to Alertmanager.
    let cfg = config("http://127.0.0.1:9".into(), Some(am.clone()));
    let handle = spawn_sender(outbox.clone(), cfg, tx).unwrap();
    assert_eq!(delivered(&mut rx, queued.id).await, Some(Answer::Alert(None)));
    // The same decision again (a second key press): no second silence.
    let again = outbox.enqueue(decision()).unwrap();
    delivered(&mut rx, again.id).await;
    let ours: Vec<_> = am
        .silences()
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.created_by == "alex" && s.status.state == "active")
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    let labels: BTreeMap<&str, &str> =
        ours[0].matchers.iter().map(|m| (m.name.as_str(), m.value.as_str())).collect();
    assert_eq!(labels, BTreeMap::from([("alertname", "QueueStuck"), ("severity", "critical")]));
    assert_eq!(ours[0].comment, "ack");
    assert!(outbox.items().unwrap().iter().all(|i| i.status == ItemStatus::Delivered));
    handle.shutdown().await;
}
