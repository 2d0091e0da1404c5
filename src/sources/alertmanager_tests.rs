#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use serde_json::{Value, json};

use super::*;

fn alert(v: &Value) -> GettableAlert {
    serde_json::from_value(v.clone()).unwrap()
}

fn silence(v: &Value) -> GettableSilence {
    serde_json::from_value(v.clone()).unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

/// An alert in the documented shape, with fields we do not read.
fn am_alert(state: &str, silenced_by: &[&str], inhibited_by: &[&str]) -> GettableAlert {
    alert(&json!({
        "annotations": {"summary": "disk full on db-1", "description": "the long story", "runbook": "x"},
        "endsAt": "2026-12-02T18:19:10.828Z",
        "fingerprint": "768d544375a73279",
        "receivers": [{"name": "null"}],
        "startsAt": "2026-12-02T18:18:58.828123456Z",
        "status": {"inhibitedBy": inhibited_by, "silencedBy": silenced_by, "state": state},
        "updatedAt": "2026-12-02T18:19:06.830Z",
        "generatorURL": "http://vm:9090/graph",
        "labels": {"alertname": "DiskFull", "severity": "critical", "job": "node", "instance": "db-1"},
        "someFutureField": {"nested": true}
    }))
}

fn am_silence(id: &str, by: &str, comment: &str, ends: &str) -> GettableSilence {
    silence(&json!({
        "id": id,
        "status": {"state": "active"},
        "updatedAt": "2026-12-02T18:20:00.000Z",
        "comment": comment,
        "createdBy": by,
        "endsAt": ends,
        "matchers": [{"isEqual": true, "isRegex": false, "name": "alertname", "value": "DiskFull"}],
        "startsAt": "2026-12-02T18:19:10.712Z",
        "future": 1
    }))
}

fn one(alerts: &[GettableAlert], silences: &[GettableSilence]) -> SourcedAlert {
    let mut out = map_alerts(alerts, silences);
    assert_eq!(out.len(), 1);
    out.remove(0)
}

#[test]
fn an_active_alert_maps_to_a_firing_one() {
    let got = one(&[am_alert("active", &[], &[])], &[]);
    let a = &got.alert;
    assert_eq!(a.id.as_str(), "768d544375a73279");
    assert_eq!(a.title, "DiskFull");
    assert_eq!(a.message, "disk full on db-1");
    assert_eq!(a.source, "alertmanager/node");
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.started_at, Some(at("2026-12-02T18:18:58.828Z")));
    assert_eq!((a.acked_by.as_ref(), a.snoozed_until), (None, None));
    assert_eq!(got.labels.get("instance").map(String::as_str), Some("db-1"));
    assert_eq!(got.labels.len(), 4);
}

#[test]
fn message_falls_back_to_description_and_source_to_alertmanager() {
    let mut a = am_alert("unprocessed", &[], &[]);
    a.annotations.remove("summary");
    a.labels.remove("job");
    let got = one(&[a.clone()], &[]);
    assert_eq!(got.alert.message, "the long story");
    assert_eq!(got.alert.source, "alertmanager");
    assert_eq!(got.alert.state, AlertState::Firing);
    a.annotations.clear();
    assert_eq!(one(&[a], &[]).alert.message, "");
}

#[test]
fn severity_labels_are_read_case_insensitively() {
    let cases = [
        (Some("CRITICAL"), Severity::Critical),
        (Some("page"), Severity::Critical),
        (Some("Error"), Severity::Critical),
        (Some("high"), Severity::Critical),
        (Some("warning"), Severity::Warning),
        (Some("WARN"), Severity::Warning),
        (Some("medium"), Severity::Warning),
        (Some("info"), Severity::Info),
        (Some("Low"), Severity::Info),
        (Some("none"), Severity::Info),
        (Some("catastrophic"), Severity::Warning),
        (None, Severity::Warning),
    ];
    for (label, want) in cases {
        let mut a = am_alert("active", &[], &[]);
        match label {
            Some(l) => a.labels.insert("severity".into(), l.into()),
            None => a.labels.remove("severity"),
        };
        assert_eq!(one(&[a], &[]).alert.severity, want, "{label:?}");
    }
}

#[test]
fn an_ack_silence_acknowledges_with_author_and_note() {
    let s = am_silence("s1", "ana", "ack: on it", "2026-12-02T22:19:00Z");
    let got = one(&[am_alert("suppressed", &["s1"], &[])], &[s]);
    let a = &got.alert;
    assert_eq!(a.state, AlertState::Acknowledged);
    assert_eq!(a.acked_by.as_deref(), Some("ana"));
    assert_eq!(a.acked_at, Some(at("2026-12-02T18:19:10.712Z")));
    assert_eq!(a.ack_note.as_deref(), Some("on it"));
    assert_eq!(a.snoozed_until, None);

    let bare = am_silence("s1", "bo", "ack", "2026-12-02T22:19:00Z");
    let a = one(&[am_alert("suppressed", &["s1"], &[])], &[bare]).alert;
    assert_eq!(
        (a.state, a.acked_by.as_deref(), a.ack_note),
        (AlertState::Acknowledged, Some("bo"), None)
    );
}

#[test]
fn any_other_silence_snoozes_until_its_end() {
    let s =
        am_silence("s2", "bo", &snooze_comment(at("2026-12-03T08:00:00Z")), "2026-12-03T08:00:00Z");
    let a = one(&[am_alert("suppressed", &["s2"], &[])], &[s]).alert;
    assert_eq!(a.state, AlertState::Snoozed);
    assert_eq!(a.snoozed_until, Some(at("2026-12-03T08:00:00Z")));
    assert_eq!(a.acked_by.as_deref(), Some("bo"));
    assert_eq!(a.ack_note, None);
    // "acme" is not an ack.
    let s = am_silence("s3", "cy", "acme maintenance", "2026-12-03T09:00:00Z");
    let a = one(&[am_alert("suppressed", &["s3"], &[])], &[s]).alert;
    assert_eq!(a.state, AlertState::Snoozed);
}

#[test]
fn of_several_silences_an_ack_wins_else_the_one_ending_last() {
    let early = am_silence("a", "x", "maintenance", "2026-12-03T01:00:00Z");
    let late = am_silence("b", "y", "deploy window", "2026-12-03T05:00:00Z");
    let ack = am_silence("c", "z", "Ack: looking", "2026-12-02T19:00:00Z");
    let all = [early.clone(), late.clone(), ack];
    let a = one(&[am_alert("suppressed", &["a", "b", "c"], &[])], &all).alert;
    assert_eq!((a.state, a.acked_by.as_deref()), (AlertState::Acknowledged, Some("z")));
    assert_eq!(a.ack_note.as_deref(), Some("looking"));
    let a = one(&[am_alert("suppressed", &["a", "b"], &[])], &[early, late]).alert;
    assert_eq!((a.state, a.acked_by.as_deref()), (AlertState::Snoozed, Some("y")));
    assert_eq!(a.snoozed_until, Some(at("2026-12-03T05:00:00Z")));
}

#[test]
fn inhibition_alone_still_fires_and_an_unlisted_silence_still_silences() {
    let a = one(&[am_alert("suppressed", &[], &["deadbeef"])], &[]).alert;
    assert_eq!(a.state, AlertState::Firing);
    let a = one(&[am_alert("suppressed", &["gone"], &[])], &[]).alert;
    assert_eq!((a.state, a.snoozed_until, a.acked_by), (AlertState::Snoozed, None, None));
}

#[test]
fn hostile_text_is_cleaned_everywhere() {
    let evil = "\u{1b}]52;c;cHduZWQ=\u{7}x\u{1b}[2J\nnext\rline\u{9b}31m";
    let a = alert(&json!({
        "fingerprint": format!("fp{evil}"),
        "labels": {format!("k{evil}"): evil, "alertname": evil, "job": evil, "severity": "critical"},
        "annotations": {"summary": evil},
        "startsAt": "not a time",
        "status": {"state": "suppressed", "silencedBy": ["s"], "inhibitedBy": []}
    }));
    let s = silence(&json!({"id": "s", "status": {"state": "active"}, "createdBy": evil,
        "comment": format!("ack: {evil}"), "matchers": []}));
    let got = one(&[a], &[s]);
    let texts = [
        got.alert.id.as_str(),
        &got.alert.title,
        &got.alert.message,
        &got.alert.source,
        got.alert.acked_by.as_deref().unwrap(),
        got.alert.ack_note.as_deref().unwrap(),
    ];
    let labels = got.labels.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]);
    for t in texts.into_iter().chain(labels) {
        assert!(!t.chars().any(|c| c.is_control() || c == '\u{1b}'), "{t:?}");
    }
    assert_eq!(got.alert.started_at, None, "an unreadable time is no time, not an error");
}

#[test]
fn comments_read_back_as_what_they_are() {
    assert_eq!(ack_comment(None), "ack");
    assert_eq!(ack_comment(Some("  ")), "ack");
    assert_eq!(ack_comment(Some(" on it ")), "ack: on it");
    assert_eq!(ack_note(&ack_comment(Some("on it"))), Some(Some("on it".to_owned())));
    assert_eq!(ack_note("ack"), Some(None));
    assert_eq!(ack_note("acknowledged by phone"), Some(Some("by phone".to_owned())));
    let until = at("2026-12-02T15:04:59Z");
    assert_eq!(snooze_comment(until), "snooze until 2026-12-02 15:04 UTC");
    assert_eq!(ack_note(&snooze_comment(until)), None);
    assert_eq!(ack_note("acme"), None);
}

#[test]
fn only_a_live_silence_by_the_same_author_with_the_same_matchers_is_ours() {
    let labels: BTreeMap<String, String> = [("alertname", "DiskFull"), ("job", "node")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
    let make = |by: &str, state: &str, matchers: Value| {
        silence(&json!({"id": "s", "status": {"state": state}, "createdBy": by, "comment": "ack",
            "endsAt": "2026-12-02T18:00:00Z", "matchers": matchers}))
    };
    let ends_at = at("2026-12-02T19:00:00Z");
    let ack = |by| Wish { labels: &labels, created_by: by, comment: "ack: on it", ends_at };
    let is_ours = |s: &GettableSilence, _: &BTreeMap<String, String>, by| is_ours(s, &ack(by));
    let m = |name: &str, value: &str, regex: bool, equal: bool| json!({"name": name, "value": value, "isRegex": regex, "isEqual": equal});
    let exact = json!([m("job", "node", false, true), m("alertname", "DiskFull", false, true)]);
    assert!(is_ours(&make("ana", "active", exact.clone()), &labels, "ana"));
    assert!(is_ours(&make("ana", "pending", exact.clone()), &labels, "ana"));
    assert!(!is_ours(&make("ana", "expired", exact.clone()), &labels, "ana"));
    assert!(!is_ours(&make("bo", "active", exact), &labels, "ana"));
    let fewer = json!([m("alertname", "DiskFull", false, true)]);
    assert!(!is_ours(&make("ana", "active", fewer), &labels, "ana"));
    let regex = json!([m("job", "node", true, true), m("alertname", "DiskFull", false, true)]);
    assert!(!is_ours(&make("ana", "active", regex), &labels, "ana"));
    let negated = json!([m("job", "node", false, false), m("alertname", "DiskFull", false, true)]);
    assert!(!is_ours(&make("ana", "active", negated), &labels, "ana"));
    let twice = json!([m("job", "node", false, true), m("job", "node", false, true)]);
    assert!(!is_ours(&make("ana", "active", twice), &labels, "ana"));
    let other = json!([m("job", "db", false, true), m("alertname", "DiskFull", false, true)]);
    assert!(!is_ours(&make("ana", "active", other), &labels, "ana"));
    // A snooze is not an acknowledgement, and a snooze until another
    // time is another decision; until the same time it is a retry.
    let exact = json!([m("job", "node", false, true), m("alertname", "DiskFull", false, true)]);
    let snoozed = silence(&json!({"id": "z", "status": {"state": "active"}, "createdBy": "ana",
        "comment": "snooze until 2026-12-02 18:00 UTC", "endsAt": "2026-12-02T18:00:00Z",
        "matchers": exact}));
    assert!(!super::is_ours(&snoozed, &ack("ana")));
    let snooze = |end| Wish {
        labels: &labels,
        created_by: "ana",
        comment: "snooze until …",
        ends_at: at(end),
    };
    assert!(super::is_ours(&snoozed, &snooze("2026-12-02T18:00:30Z")));
    assert!(!super::is_ours(&snoozed, &snooze("2026-12-02T20:00:00Z")));
}
