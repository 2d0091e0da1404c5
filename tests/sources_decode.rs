//! Whatever Alertmanager answers, reading it never panics and what reaches
//! the screen is clean: arbitrary alerts and silences (any text in labels,
//! annotations, comments and authors, any state, silences that name each
//! other or nothing) go through the decoder and the mapping onto alerts.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use meridian::sources::alertmanager::{GettableAlert, GettableSilence, map_alerts};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Text as hostile as a server can send: controls, escapes, C1, bidi.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,12}",
        "\\PC{0,16}",
        Just("\u{1b}]0;pwned\u{7}ack: note".to_owned()),
        Just("\u{9b}31mcritical\u{202e}".to_owned()),
        Just("ack".to_owned()),
    ]
}

fn time() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("2026-12-02T15:04:05.123456789Z")),
        Just(json!("not a time")),
        Just(json!(1_700_000_000_000_i64)),
        Just(Value::Null),
    ]
}

prop_compose! {
    fn silence(n: usize)(id in 0..n.max(1), by in text(), comment in text(),
                         state in prop_oneof![Just("active"), Just("expired"), Just("?")],
                         ends in time()) -> Value {
        json!({"id": format!("s{id}"), "createdBy": by, "comment": comment,
               "status": {"state": state}, "endsAt": ends, "startsAt": ends, "matchers": []})
    }
}

prop_compose! {
    fn alert()(fp in "[0-9a-f]{1,8}", name in text(), severity in text(), summary in text(),
               state in prop_oneof![Just("active"), Just("suppressed"), Just("unprocessed"), Just("")],
               silenced in proptest::collection::vec(0..4usize, 0..3),
               starts in time()) -> Value {
        json!({"fingerprint": fp, "labels": {"alertname": name, "severity": severity, "job": name},
               "annotations": {"summary": summary}, "startsAt": starts,
               "status": {"state": state, "silencedBy": silenced.iter().map(|i| format!("s{i}")).collect::<Vec<_>>(),
                          "inhibitedBy": []}})
    }
}

fn clean(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{202e}')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_answer_maps_to_clean_alerts(
        alerts in proptest::collection::vec(alert(), 0..6),
        silences in proptest::collection::vec(silence(4), 0..5),
    ) {
        let alerts: Vec<GettableAlert> = serde_json::from_value(Value::Array(alerts)).unwrap();
        let silences: Vec<GettableSilence> = serde_json::from_value(Value::Array(silences)).unwrap();
        let mapped = map_alerts(&alerts, &silences);
        prop_assert_eq!(mapped.len(), alerts.len());
        for m in &mapped {
            let a = &m.alert;
            for s in [&a.title, &a.message, &a.source] {
                prop_assert!(clean(s), "{:?}", s);
            }
            for s in [&a.acked_by, &a.ack_note].into_iter().flatten() {
                prop_assert!(clean(s), "{:?}", s);
            }
        }
    }

    #[test]
    fn any_bytes_are_an_error_or_alerts(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(alerts) = serde_json::from_slice::<Vec<GettableAlert>>(&bytes) {
            let _ = map_alerts(&alerts, &[]);
        }
        let _ = serde_json::from_slice::<Vec<GettableSilence>>(&bytes);
    }
}
