//! Claims judged at chosen instants: who holds a report, and when a claim
//! lapses, without waiting for it.

use super::*;
use crate::server::db::prepare;

const T0: Timestamp = Timestamp(1_705_660_245_000);
const LAPSE: Duration = Duration::from_secs(15 * 60);

fn at(ms_after: i64) -> ClaimClock {
    ClaimClock { now: Timestamp(T0.0 + ms_after), lapse: LAPSE }
}

/// Report 7 pending, report 8 approved.
fn db() -> Connection {
    let conn = Connection::open_in_memory().expect("in memory");
    prepare(&conn).expect("schema");
    for (id, status) in [(7, "pending"), (8, "approved")] {
        let r: Report = serde_json::from_value(serde_json::json!({
            "id": id, "account_number": "ACC-1", "report_date": "2024-01-19",
            "validation_status": status,
        }))
        .expect("a report");
        put_report(&conn, &r).expect("stored");
    }
    conn
}

fn holder(conn: &Connection, clock: ClaimClock) -> Option<(String, Timestamp)> {
    let r = get_report(conn, 7, clock.lapsed()).expect("reads").expect("exists");
    r.claimed_by.zip(r.claimed_at)
}

#[test]
fn a_claim_is_held_until_it_lapses_and_then_anyone_can_take_it() {
    let conn = db();
    let Claimed::Changed(r) = claim(&conn, 7, "ana", at(0)).expect("claims") else { panic!() };
    assert_eq!((r.claimed_by.as_deref(), r.claimed_at), (Some("ana"), Some(T0)));
    let last = 15 * 60_000 - 1;
    assert!(
        matches!(claim(&conn, 7, "bob", at(last)), Ok(Claimed::HeldBy(r)) if r.claimed_by.as_deref() == Some("ana"))
    );
    assert_eq!(holder(&conn, at(last)), Some(("ana".into(), T0)));
    assert_eq!(holder(&conn, at(last + 1)), None, "lapsed: not reported");
    let Ok(Claimed::Changed(r)) = claim(&conn, 7, "bob", at(last + 1)) else {
        panic!("taken over")
    };
    assert_eq!(r.claimed_by.as_deref(), Some("bob"));
}

#[test]
fn claiming_again_renews_the_claim() {
    let conn = db();
    claim(&conn, 7, "ana", at(0)).expect("claims");
    let ten = 10 * 60_000;
    let Ok(Claimed::Changed(r)) = claim(&conn, 7, "ana", at(ten)) else { panic!("renewed") };
    assert_eq!(r.claimed_at, Some(Timestamp(T0.0 + ten)));
    let twenty = 20 * 60_000;
    assert_eq!(holder(&conn, at(twenty)), Some(("ana".into(), Timestamp(T0.0 + ten))));
}

#[test]
fn only_the_holder_releases_and_releasing_nothing_changes_nothing() {
    let conn = db();
    assert!(
        matches!(release(&conn, 7, "ana", at(0)), Ok(Claimed::Unchanged(r)) if r.claimed_by.is_none())
    );
    claim(&conn, 7, "ana", at(0)).expect("claims");
    assert!(matches!(release(&conn, 7, "bob", at(1)), Ok(Claimed::HeldBy(_))));
    assert!(holder(&conn, at(1)).is_some());
    let Ok(Claimed::Changed(r)) = release(&conn, 7, "ana", at(2)) else { panic!("released") };
    assert_eq!((r.claimed_by, r.claimed_at), (None, None));
    assert_eq!(holder(&conn, at(3)), None);
}

#[test]
fn a_decided_report_cannot_be_claimed_and_unknown_ids_are_not_found() {
    let conn = db();
    let Ok(Claimed::Decided(r)) = claim(&conn, 8, "ana", at(0)) else { panic!("decided") };
    assert_eq!(r.validation_status, ValidationStatus::Approved);
    assert!(matches!(claim(&conn, 99, "ana", at(0)), Ok(Claimed::NotFound)));
    assert!(matches!(release(&conn, 99, "ana", at(0)), Ok(Claimed::NotFound)));
}

#[test]
fn clearing_lapsed_claims_returns_each_report_once_without_its_claim() {
    let conn = db();
    claim(&conn, 7, "ana", at(0)).expect("claims");
    assert!(clear_lapsed(&conn, at(60_000).lapsed()).expect("sweeps").is_empty(), "still held");
    let gone = clear_lapsed(&conn, at(15 * 60_000).lapsed()).expect("sweeps");
    assert_eq!(gone.len(), 1);
    assert_eq!((gone[0].id.as_str(), gone[0].claimed_by.as_deref()), ("7", None));
    assert!(clear_lapsed(&conn, at(16 * 60_000).lapsed()).expect("sweeps").is_empty());
    // The stored row has no claim left, even read as if no time had passed.
    assert_eq!(holder(&conn, at(0)), None);
}
