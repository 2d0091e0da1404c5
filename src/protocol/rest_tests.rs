//! REST bodies as a backend may send them.

use super::*;
use crate::protocol::paths;

fn report(json: &str) -> Report {
    serde_json::from_str(json).expect("a Report")
}

#[test]
fn a_claim_is_read_from_either_time_form_and_absent_is_none() {
    let ms = report(r#"{"id": 17, "claimed_by": "ana", "claimed_at": 1705660245123}"#);
    let rfc =
        report(r#"{"id": 17, "claimed_by": "ana", "claimed_at": "2024-01-19T10:30:45.123Z"}"#);
    assert_eq!(ms.claimed_by.as_deref(), Some("ana"));
    assert_eq!(ms.claimed_at, Some(Timestamp(1_705_660_245_123)));
    assert_eq!(ms, rfc);
    let none = report(r#"{"id": 17, "validation_status": "pending", "claim_note": "x"}"#);
    assert_eq!((none.claimed_by, none.claimed_at), (None, None), "unknown fields are ignored");
    assert!(serde_json::from_str::<Report>(r#"{"id": 1, "claimed_at": "soon"}"#).is_err());
}

#[test]
fn an_unclaimed_report_is_sent_without_the_claim_fields() {
    let r = report(r#"{"id": 17}"#);
    let v = serde_json::to_value(&r).expect("serializes");
    assert!(v.get("claimed_by").is_none() && v.get("claimed_at").is_none(), "{v}");
    let claimed =
        report(r#"{"id": 17, "claimed_by": "ana", "claimed_at": "2024-01-19T10:30:45Z"}"#);
    let v = serde_json::to_value(&claimed).expect("serializes");
    assert_eq!((&v["claimed_by"], &v["claimed_at"]), (&"ana".into(), &1_705_660_245_000i64.into()));
}

#[test]
fn the_claimants_name_is_cleaned_like_every_other_text() {
    let r = report(r#"{"id": 17, "claimed_by": "ana\u001b]0;pwned\u0007"}"#);
    let who = r.claimed_by.expect("a name");
    assert!(who.starts_with("ana") && !who.chars().any(char::is_control), "{who:?}");
}

#[test]
fn a_claim_is_held_until_fifteen_minutes_after_it_was_made() {
    let at = Timestamp(1_705_660_245_000);
    let r = report(r#"{"id": 17, "claimed_by": "ana", "claimed_at": 1705660245000}"#);
    assert_eq!(r.claim_holder(at), Some("ana"));
    let last = Timestamp(at.0 + 15 * 60_000 - 1);
    assert_eq!(r.claim_holder(last), Some("ana"));
    assert_eq!(r.claim_holder(at.plus(CLAIM_LAPSE)), None, "lapsed");
    let undated = report(r#"{"id": 17, "claimed_by": "ana"}"#);
    assert_eq!(undated.claim_holder(at.plus(CLAIM_LAPSE)), Some("ana"));
    assert_eq!(report(r#"{"id": 17}"#).claim_holder(at), None);
}

#[test]
fn a_report_path_keeps_the_id_in_its_segment() {
    assert_eq!(paths::report(&Id::from(17), "/claim").as_deref(), Some("/api/v1/reports/17/claim"));
    let odd = paths::report(&Id::from("r 1/../2"), "/release");
    assert_eq!(odd.as_deref(), Some("/api/v1/reports/r%201%2F..%2F2/release"));
    for unusable in ["", ".", ".."] {
        assert_eq!(paths::report(&Id::from(unusable), "/claim"), None, "{unusable:?}");
    }
}
