//! The reference server's alert state against contract 1.1
//! (`docs/protocol.md` §3b): the list, acknowledge, snooze, the conflicts
//! and the `alert_updated` broadcast, started in-process on loopback.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::time::Duration;

use common::{Server, error_code, key, next_frame};
use meridian::protocol::{self, Alert, AlertList, AlertState, Severity, Timestamp};
use meridian::server::ServeArgs;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn alerts(s: &Server, query: &str) -> Vec<Alert> {
    let (st, v) = s.get(&format!("{}?{query}", protocol::paths::ALERTS)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    serde_json::from_value::<AlertList>(v).unwrap().alerts
}

/// Wait until the simulation has raised an alert matching `pred`.
async fn wait_for(s: &Server, query: &str, pred: impl Fn(&Alert) -> bool) -> Alert {
    for _ in 0..300 {
        if let Some(a) = alerts(s, query).await.into_iter().find(|a| pred(a)) {
            return a;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no such alert within 30 s");
}

fn path(id: &str, verb: &str) -> String {
    format!("{}/{id}/{verb}", protocol::paths::ALERTS)
}

#[tokio::test]
async fn acknowledging_names_the_user_once_and_is_broadcast() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let mut ws = s.ws(protocol::paths::WS_MONITORING).await;
    let firing = wait_for(&s, "state=active", |a| {
        a.state == AlertState::Firing && a.severity != Severity::Info
    })
    .await;
    assert!(firing.started_at.is_some());
    let resp = s
        .http
        .post(s.url(&path(firing.id.as_str(), "ack")))
        .header(protocol::IDEMPOTENCY_HEADER, key())
        .header(protocol::USER_HEADER, "ana")
        .json(&json!({"note": "looking at it"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let acked: Alert = resp.json().await.unwrap();
    assert_eq!(acked.state, AlertState::Acknowledged);
    assert_eq!(acked.acked_by.as_deref(), Some("ana"));
    assert_eq!(acked.ack_note.as_deref(), Some("looking at it"));
    assert!(acked.acked_at.is_some());
    // A second acknowledge (another key, another user) changes nothing.
    let (st, v) = s.post(&path(firing.id.as_str(), "ack"), &key(), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(serde_json::from_value::<Alert>(v).unwrap(), acked);
    // Every console hears of it.
    let updated = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (frame, _) = next_frame(&mut ws).await;
            let v: Value = serde_json::from_slice(&frame).unwrap();
            if v["type"] == "alert_updated" && v["data"]["id"] == firing.id.as_str() {
                return serde_json::from_value::<Alert>(v["data"].clone()).unwrap();
            }
        }
    })
    .await
    .expect("alert_updated within 10 s");
    assert_eq!(updated.acked_by.as_deref(), Some("ana"));
    let listed = alerts(&s, "state=active").await;
    let row = listed.iter().find(|a| a.id == firing.id);
    assert!(row.is_none_or(|a| a.state == AlertState::Acknowledged), "{row:?}");
}

#[tokio::test]
async fn snoozing_until_a_time_and_the_errors() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let firing = wait_for(&s, "state=active", |a| a.severity != Severity::Info).await;
    let id = firing.id.as_str();
    let until = Timestamp::from_millis(Timestamp::now().millis() + 3_600_000);
    let (st, v) = s.post(&path(id, "snooze"), &key(), json!({"until": until})).await;
    if st == StatusCode::CONFLICT {
        // Its source recovered in between: a conflict with the current alert.
        assert_eq!(v["error"]["current"]["state"], "resolved");
    } else {
        assert_eq!(st, StatusCode::OK, "{v}");
        let a: Alert = serde_json::from_value(v).unwrap();
        assert_eq!((a.state, a.snoozed_until), (AlertState::Snoozed, Some(until)));
    }
    // Both time forms are accepted; a time in the past is refused.
    let rfc = "2000-01-01T00:00:00Z";
    let (st, v) = s.post(&path(id, "snooze"), &key(), json!({"until": rfc})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    let (st, v) = s.post(&path(id, "snooze"), &key(), json!({})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v) = s.post(&path("alert-nope", "ack"), &key(), json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    for bad in ["state=bogus", "limit=0"] {
        let (st, v) = s.get(&format!("{}?{bad}", protocol::paths::ALERTS)).await;
        assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    }
}

#[tokio::test]
async fn a_resolved_alert_conflicts_and_the_list_is_newest_first() {
    let s = Server::start(ServeArgs::for_tests()).await;
    // Notices (info) are resolved as they are raised.
    let resolved = wait_for(&s, "state=all", |a| a.state == AlertState::Resolved).await;
    assert!(resolved.resolved_at.is_some());
    let (st, v) = s.post(&path(resolved.id.as_str(), "ack"), &key(), json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(v["error"]["current"]["id"], resolved.id.as_str());
    assert_eq!(v["error"]["current"]["state"], "resolved");
    let all = alerts(&s, "state=all&limit=1000").await;
    let starts: Vec<_> = all.iter().map(|a| a.started_at.unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let active = alerts(&s, "").await;
    assert!(active.iter().all(|a| a.state != AlertState::Resolved), "active leaves out resolved");
    assert_eq!(alerts(&s, "state=all&limit=2").await.len(), 2.min(all.len()));
}
