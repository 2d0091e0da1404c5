//! A change and the answer a retry of its key replays are stored in one
//! transaction: both are there, or (when the answer cannot be stored)
//! neither is.

use std::time::Duration;

use super::*;
use crate::protocol::ValidationStatus;
use crate::server::db::prepare;
use crate::server::db_claims::ClaimClock;
use crate::server::db_insights::{Feedback, feedback_stats, insert_insight};
use crate::server::db_reports::{Decision, get_report, put_report};
use crate::server::rest_claims::{self, Verb};
use crate::server::rest_insights::apply_feedback;
use crate::server::rest_reports::apply_decision;

/// Report 7, pending, and insight 1.
fn db() -> Connection {
    let conn = Connection::open_in_memory().expect("in memory");
    prepare(&conn).expect("schema");
    let r = serde_json::from_value(json!({"id": 7, "validation_status": "pending"})).expect("r");
    put_report(&conn, &r).expect("report");
    insert_insight(&conn, "Concentration rose", "", "risk", 0.8).expect("insight");
    conn
}

/// What is stored under `key`: its request and body.
fn stored(conn: &Connection, key: &str) -> Option<(String, Vec<u8>)> {
    conn.query_row("SELECT request, body FROM idempotency WHERE key = ?1", [key], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
    .expect("reads")
}

/// The key `k` already taken, so that storing an answer under it fails.
fn taken(conn: &Connection, k: &Key) {
    k.store(conn, 200, b"{}").expect("first answer");
}

fn approve() -> Decision {
    Decision { status: ValidationStatus::Approved, reviewer: "ana".into(), notes: None }
}

fn status(conn: &Connection) -> (ValidationStatus, Option<String>) {
    let r = get_report(conn, 7, Timestamp(0)).expect("reads").expect("exists");
    (r.validation_status, r.claimed_by)
}

#[test]
fn a_decision_and_its_answer_are_stored_together() {
    let mut conn = db();
    let key = Key::new("k1", "POST /api/v1/reports/7/approve");
    let Ok(Ok((report, answer))) =
        apply_decision(&mut conn, 7, approve(), Some(&key), Timestamp(0))
    else {
        panic!("applied")
    };
    assert_eq!(report.validation_status, ValidationStatus::Approved);
    assert_eq!(status(&conn).0, ValidationStatus::Approved);
    let (request, body) = stored(&conn, "k1").expect("the answer is stored");
    assert_eq!((request.as_str(), &body), ("POST /api/v1/reports/7/approve", &answer.0));
    assert_eq!(serde_json::from_slice::<crate::protocol::Report>(&body).expect("a Report"), report);
}

#[test]
fn a_decision_whose_answer_cannot_be_stored_is_not_applied() {
    let mut conn = db();
    let key = Key::new("k1", "POST /api/v1/reports/7/approve");
    taken(&conn, &Key::new("k1", "POST /api/v1/feedback/rate"));
    assert!(apply_decision(&mut conn, 7, approve(), Some(&key), Timestamp(0)).is_err());
    assert_eq!(status(&conn).0, ValidationStatus::Pending, "rolled back");
    assert_eq!(stored(&conn, "k1").map(|s| s.0).as_deref(), Some("POST /api/v1/feedback/rate"));
}

#[test]
fn a_claim_and_a_release_are_stored_with_their_answers_or_not_at_all() {
    let mut conn = db();
    let clock = ClaimClock { now: Timestamp::now(), lapse: Duration::from_secs(900) };
    let claim = Key::new("c1", "POST /api/v1/reports/7/claim");
    let applied = rest_claims::apply(&mut conn, 7, Verb::Claim, "ana", clock, Some(&claim));
    assert!(matches!(applied, Ok(Ok((_, true, _)))), "{applied:?}");
    assert_eq!(status(&conn).1.as_deref(), Some("ana"));
    assert!(stored(&conn, "c1").is_some());
    let release = Key::new("r1", "POST /api/v1/reports/7/release");
    taken(&conn, &Key::new("r1", "POST /api/v1/feedback/rate"));
    assert!(rest_claims::apply(&mut conn, 7, Verb::Release, "ana", clock, Some(&release)).is_err());
    assert_eq!(status(&conn).1.as_deref(), Some("ana"), "the release was rolled back");
}

#[test]
fn feedback_whose_answer_cannot_be_stored_is_not_recorded() {
    let mut conn = db();
    let count = |c: &Connection| feedback_stats(c, 1).expect("reads").expect("exists").rating_count;
    let key = Key::new("f1", "POST /api/v1/feedback/rate");
    assert!(apply_feedback(&mut conn, 1, Feedback::Rating(4), Some(&key)).expect("ok").is_some());
    assert_eq!((count(&conn), stored(&conn, "f1").is_some()), (1, true));
    assert!(apply_feedback(&mut conn, 1, Feedback::Rating(5), Some(&key)).is_err(), "key taken");
    assert_eq!(count(&conn), 1, "rolled back");
}
