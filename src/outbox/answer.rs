//! The server's answer to an action, typed by what was asked: a decision on
//! a report is answered with the Report (and a 409 carries the current one
//! in `error.current`), feedback on an insight with its FeedbackStats
//! (protocol §4, §5). A body that is not that is an [`Undecodable`].

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use super::Action;
use crate::protocol::{Alert, FeedbackStats, Report};

/// A decoded answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Report(Box<Report>),
    Stats(FeedbackStats),
    /// An alert's new state (§3b); `None` where the alert lives in
    /// Alertmanager, whose answer to a silence is only its id.
    Alert(Option<Box<Alert>>),
}

/// An answer that is not what the action is answered with.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the answer is not {expected} ({reason})")]
pub struct Undecodable {
    /// "a Report" or "FeedbackStats".
    pub expected: &'static str,
    /// The decoder's complaint, cleaned: it can quote the server's text.
    pub reason: String,
}

impl Answer {
    /// Decode a 2xx body as the answer to `action`.
    pub(crate) fn decode(action: &Action, body: &[u8]) -> Result<Answer, Undecodable> {
        if action.silence().is_some() {
            Ok(Answer::Alert(None))
        } else if action.alert().is_some() {
            parse(body, "an Alert").map(|a| Answer::Alert(Some(Box::new(a))))
        } else if action.report().is_some() {
            parse(body, "a Report").map(|r| Answer::Report(Box::new(r)))
        } else {
            parse(body, "FeedbackStats").map(Answer::Stats)
        }
    }

    /// Decode a 409's `error.current` as the state `action` met.
    pub(crate) fn from_current(action: &Action, current: Value) -> Result<Answer, Undecodable> {
        if action.alert().is_some() {
            convert(current, "an Alert").map(|a| Answer::Alert(Some(Box::new(a))))
        } else if action.report().is_some() {
            convert(current, "a Report").map(|r| Answer::Report(Box::new(r)))
        } else {
            convert(current, "FeedbackStats").map(Answer::Stats)
        }
    }
}

fn parse<T: DeserializeOwned>(body: &[u8], expected: &'static str) -> Result<T, Undecodable> {
    serde_json::from_slice(body).map_err(|e| undecodable(expected, &e))
}

fn convert<T: DeserializeOwned>(value: Value, expected: &'static str) -> Result<T, Undecodable> {
    serde_json::from_value(value).map_err(|e| undecodable(expected, &e))
}

fn undecodable(expected: &'static str, e: &serde_json::Error) -> Undecodable {
    Undecodable { expected, reason: crate::sanitize::clean(&e.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Id, ValidationStatus};
    use serde_json::json;

    #[test]
    fn a_decision_is_answered_with_a_report_and_feedback_with_stats() {
        let approve = Action::Approve { report: Id::from(17), notes: None };
        let body = br#"{"id": 17, "validation_status": "approved", "approved_by": "bob"}"#;
        let Ok(Answer::Report(r)) = Answer::decode(&approve, body) else { panic!("a report") };
        assert_eq!((r.id, r.validation_status), (Id::from(17), ValidationStatus::Approved));

        let rate = Action::Rate { insight: Id::from(4), rating: 5 };
        let body = br#"{"insight_id": 4, "avg_rating": 4.5, "rating_count": 2}"#;
        let Ok(Answer::Stats(s)) = Answer::decode(&rate, body) else { panic!("stats") };
        assert_eq!((s.insight_id, s.rating_count), (Id::from(4), 2));

        let ack = Action::AckAlert { alert: Id::from("a1"), note: None, silence: None };
        let body = br#"{"id": "a1", "state": "acknowledged", "acked_by": "ana"}"#;
        let Ok(Answer::Alert(Some(a))) = Answer::decode(&ack, body) else { panic!("an alert") };
        assert_eq!(a.acked_by.as_deref(), Some("ana"));
        assert_eq!(Answer::decode(&ack, b"[]").expect_err("a list").expected, "an Alert");
    }

    #[test]
    fn a_body_of_another_shape_is_undecodable_and_says_what_was_expected() {
        let approve = Action::Approve { report: Id::from(17), notes: None };
        let e = Answer::decode(&approve, b"").expect_err("empty");
        assert_eq!(e.expected, "a Report");
        let e = Answer::decode(&approve, br#"{"insight_id": 4}"#).expect_err("no id");
        assert!(e.to_string().starts_with("the answer is not a Report ("), "{e}");
        let flag = Action::FlagInsight { insight: Id::from(4), reason: "spam".into() };
        let e = Answer::decode(&flag, b"<html>ok</html>").expect_err("html");
        assert_eq!(e.expected, "FeedbackStats");
    }

    #[test]
    fn the_complaint_is_cleaned_before_it_can_reach_a_log_or_the_screen() {
        let approve = Action::Approve { report: Id::from(17), notes: None };
        let body = json!({"id": "x", "validation_status": 5, "\u{1b}[2J": 1}).to_string();
        let e = Answer::decode(&approve, body.as_bytes()).expect_err("bad status");
        assert!(!e.reason.chars().any(char::is_control), "{:?}", e.reason);
        let e = Answer::from_current(&approve, json!("\u{1b}]0;pwned\u{7}")).expect_err("a string");
        assert!(!e.reason.chars().any(char::is_control), "{:?}", e.reason);
    }
}
