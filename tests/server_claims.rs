//! Report claims against contract 1.1 (`docs/protocol.md` §5a): the
//! reference server on loopback, driven through the console's REST client
//! as two reviewers, ana and bob. Claim, conflict, renewal, release, the
//! release by a decision, the lapse, the `report_updated` broadcast, the
//! Idempotency-Key and a restart.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::time::Duration;

use common::promstack::eventually;
use common::{Server, Ws, error_code, key, next_frame};
use meridian::api::{ApiClient, ApiError, ErrorKind};
use meridian::protocol::{self, Id, Report, ReportList, Timestamp, ValidationStatus};
use meridian::server::ServeArgs;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

fn reviewer(s: &Server, name: &str) -> ApiClient {
    ApiClient::new(&s.handle.base_url(), None, Duration::from_secs(10), None)
        .unwrap()
        .with_user(name)
        .unwrap()
}

/// The report as `GET /api/v1/reports/{id}` shows it.
async fn read(s: &Server, id: &Id) -> Report {
    let (st, v) = s.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

/// The report as the pending queue lists it.
async fn listed(s: &Server, id: &Id) -> Report {
    let (_, v) = s.get("/api/v1/reports?status=pending&limit=500").await;
    let list: ReportList = serde_json::from_value(v).unwrap();
    list.reports.into_iter().find(|r| &r.id == id).expect("listed")
}

/// POST `path` with an Idempotency-Key, as `user` when given.
async fn post_as(
    s: &Server,
    path: &str,
    key: &str,
    user: Option<&str>,
    body: Value,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = s.http.post(s.url(path)).header(protocol::IDEMPOTENCY_HEADER, key).json(&body);
    if let Some(user) = user {
        req = req.header(protocol::USER_HEADER, user);
    }
    let resp = req.send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.json().await.unwrap())
}

fn claim_path(id: &Id, verb: &str) -> String {
    format!("/api/v1/reports/{id}/{verb}")
}

/// The Report a conflict carries.
fn conflict(e: ApiError) -> (String, Report) {
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e:?}");
    let text = e.to_string();
    let ApiError::Conflict { current: Some(current), .. } = e else { panic!("{text}") };
    (text, *current)
}

/// The next `report_updated` for report `id` on the monitoring feed.
async fn next_update(ws: &mut Ws, id: &Id) -> Report {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (frame, _) = next_frame(ws).await;
            let v: Value = serde_json::from_slice(&frame).unwrap();
            if v["type"] == "report_updated" && v["data"]["id"] == json!(id) {
                return serde_json::from_value::<Report>(v["data"].clone()).unwrap();
            }
        }
    })
    .await
    .expect("report_updated within 10 s")
}

#[tokio::test]
async fn a_claim_names_the_reviewer_and_holds_against_everyone_else() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (ana, bob) = (reviewer(&s, "ana"), reviewer(&s, "bob"));
    let id = s.first_pending().await.id;
    let before = Timestamp::now();
    let claimed = ana.claim(&id).await.unwrap();
    let at = claimed.claimed_at.expect("claimed_at");
    assert_eq!(claimed.claimed_by.as_deref(), Some("ana"));
    assert!(before <= at && at <= Timestamp::now(), "{at:?}");
    assert_eq!(
        (claimed.id.clone(), claimed.validation_status),
        (id.clone(), ValidationStatus::Pending)
    );
    for shown in [read(&s, &id).await, listed(&s, &id).await] {
        assert_eq!((shown.claimed_by.as_deref(), shown.claimed_at), (Some("ana"), Some(at)));
    }

    let (said, current) = conflict(bob.claim(&id).await.expect_err("ana holds it"));
    assert_eq!((current.claimed_by.as_deref(), current.claimed_at), (Some("ana"), Some(at)));
    assert!(
        said.starts_with(&format!(
            "changed by someone else (HTTP 409): report {id} is claimed by ana until "
        )),
        "{said}"
    );
    let (said, current) = conflict(bob.release(&id).await.expect_err("not bob's to release"));
    assert!(said.ends_with("only ana can release it"), "{said}");
    assert_eq!(current.claimed_by.as_deref(), Some("ana"));
    // Without X-User the claimer is "console", someone else too.
    let (st, _, v) = post_as(&s, &claim_path(&id, "claim"), &key(), None, json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(v["error"]["current"]["claimed_by"], "ana");

    // Claiming one's own claim again renews it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let renewed = ana.claim(&id).await.unwrap();
    assert_eq!(renewed.claimed_by.as_deref(), Some("ana"));
    assert!(renewed.claimed_at.unwrap() > at, "{renewed:?}");
    assert_eq!(read(&s, &id).await.claimed_at, renewed.claimed_at);

    let other = listed_other(&s, &id).await;
    let (st, _, v) = post_as(&s, &claim_path(&other, "claim"), &key(), None, json!({})).await;
    assert_eq!((st, &v["claimed_by"]), (StatusCode::OK, &json!("console")));
    s.stop().await;
}

/// A pending report other than `id`.
async fn listed_other(s: &Server, id: &Id) -> Id {
    let (_, v) = s.get("/api/v1/reports?status=pending&limit=2").await;
    let list: ReportList = serde_json::from_value(v).unwrap();
    list.reports.into_iter().map(|r| r.id).find(|r| r != id).expect("two pending reports")
}

#[tokio::test]
async fn the_holder_releases_once_and_every_console_hears_of_both() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (ana, bob) = (reviewer(&s, "ana"), reviewer(&s, "bob"));
    let mut ws = s.ws(protocol::paths::WS_MONITORING).await;
    let id = s.first_pending().await.id;
    let claimed = ana.claim(&id).await.unwrap();
    let heard = next_update(&mut ws, &id).await;
    assert_eq!((heard.claimed_by.as_deref(), heard.claimed_at), (Some("ana"), claimed.claimed_at));

    let released = ana.release(&id).await.unwrap();
    assert_eq!((released.claimed_by, released.claimed_at), (None, None));
    let heard = next_update(&mut ws, &id).await;
    assert_eq!((heard.claimed_by, heard.claimed_at), (None, None));
    assert_eq!(read(&s, &id).await.claimed_by, None);
    // Releasing what nobody holds answers the report as it is.
    let again = ana.release(&id).await.unwrap();
    assert_eq!(again, read(&s, &id).await);
    assert_eq!(bob.release(&id).await.unwrap().claimed_by, None);
    // And anyone may claim it now; that is heard too, and nothing in between.
    assert_eq!(bob.claim(&id).await.unwrap().claimed_by.as_deref(), Some("bob"));
    assert_eq!(next_update(&mut ws, &id).await.claimed_by.as_deref(), Some("bob"));
    s.stop().await;
}

#[tokio::test]
async fn a_decision_releases_the_claim_and_a_decided_report_cannot_be_claimed() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let ana = reviewer(&s, "ana");
    let id = s.first_pending().await.id;
    ana.claim(&id).await.unwrap();
    let body = json!({"notes": "checked"});
    let (st, _, v) = post_as(&s, &claim_path(&id, "approve"), &key(), Some("bob"), body).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let approved: Report = serde_json::from_value(v).unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("bob"));
    assert_eq!((approved.claimed_by, approved.claimed_at), (None, None));
    assert_eq!(read(&s, &id).await.claimed_by, None);

    let (said, current) = conflict(ana.claim(&id).await.expect_err("decided"));
    assert_eq!((current.validation_status, current.claimed_by), (ValidationStatus::Approved, None));
    assert!(said.contains("already approved"), "{said}");
    assert_eq!(ana.release(&id).await.unwrap().validation_status, ValidationStatus::Approved);
    s.stop().await;
}

#[tokio::test]
async fn a_lapsed_claim_is_not_reported_is_announced_and_anyone_may_take_it() {
    let args = ServeArgs { claim_lapse_secs: 0.3, ..ServeArgs::for_tests() };
    let s = Server::start(args).await;
    let (ana, bob) = (reviewer(&s, "ana"), reviewer(&s, "bob"));
    let mut ws = s.ws(protocol::paths::WS_MONITORING).await;
    let id = s.first_pending().await.id;
    assert_eq!(ana.claim(&id).await.unwrap().claimed_by.as_deref(), Some("ana"));
    assert_eq!(next_update(&mut ws, &id).await.claimed_by.as_deref(), Some("ana"));
    // Nobody renews it: every console hears it is gone.
    let lapsed = next_update(&mut ws, &id).await;
    assert_eq!((lapsed.claimed_by, lapsed.claimed_at), (None, None));
    let shown = eventually("the lapsed claim left out", Duration::from_secs(10), || async {
        let (one, row) = (read(&s, &id).await, listed(&s, &id).await);
        (one.claimed_by.is_none() && row.claimed_by.is_none()).then_some(one)
    })
    .await;
    assert_eq!(shown.claimed_at, None);
    let taken = bob.claim(&id).await.unwrap();
    assert_eq!(taken.claimed_by.as_deref(), Some("bob"));
    assert_eq!(next_update(&mut ws, &id).await.claimed_by.as_deref(), Some("bob"));
    s.stop().await;
}

#[tokio::test]
async fn an_unknown_report_is_not_found() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let ana = reviewer(&s, "ana");
    for id in [Id::from(424_242), Id::from("not-a-report")] {
        for e in [ana.claim(&id).await, ana.release(&id).await].map(|r| r.expect_err("404")) {
            assert!(
                matches!(&e, ApiError::Status { status, .. } if *status == StatusCode::NOT_FOUND),
                "{e:?}"
            );
            assert_eq!(e.to_string(), format!("not found (HTTP 404): report {id} not found"));
        }
        let (st, _, v) = post_as(&s, &claim_path(&id, "claim"), &key(), None, json!({})).await;
        assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    }
    s.stop().await;
}

#[tokio::test]
async fn a_claim_is_applied_once_per_idempotency_key() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let id = s.first_pending().await.id;
    let (claim, release, k) = (claim_path(&id, "claim"), claim_path(&id, "release"), key());
    let (st, _, first) = post_as(&s, &claim, &k, Some("ana"), json!({})).await;
    assert_eq!((st, &first["claimed_by"]), (StatusCode::OK, &json!("ana")));
    let (st, _, _) = post_as(&s, &release, &key(), Some("ana"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    // A retry of the claim gets its first answer back and claims nothing.
    let (st, headers, again) = post_as(&s, &claim, &k, Some("ana"), json!({})).await;
    assert_eq!((st, &again), (StatusCode::OK, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(read(&s, &id).await.claimed_by, None);
    let (_, applied) = s.get("/api/v1/_debug/applied").await;
    assert_eq!(applied["applied"][&k], 1);
    // The key names the claim: it cannot be spent on a release.
    let (st, _, v) = post_as(&s, &release, &k, Some("ana"), json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    s.stop().await;
}

#[tokio::test]
async fn a_claim_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let args = ServeArgs { db: Some(dir.path().join("m.db")), ..ServeArgs::for_tests() };
    let s = Server::start(args.clone()).await;
    let id = s.first_pending().await.id;
    let claimed = reviewer(&s, "ana").claim(&id).await.unwrap();
    s.stop().await;

    let s = Server::start(args).await;
    let shown = read(&s, &id).await;
    assert_eq!((shown.claimed_by.as_deref(), shown.claimed_at), (Some("ana"), claimed.claimed_at));
    let (_, current) = conflict(reviewer(&s, "bob").claim(&id).await.expect_err("still ana's"));
    assert_eq!(current.claimed_by.as_deref(), Some("ana"));
    s.stop().await;
}
