//! The delivery decision, without IO: what an HTTP answer (or its absence)
//! means for an outbox item (protocol §7), and when to try again.

use std::time::Duration;

use rand::Rng;
use serde_json::Value;

use super::Action;
use super::answer::{Answer, Undecodable};
use crate::api::ErrorKind;
use crate::feeds::Backoff;
use crate::protocol::{ErrorBody, Timestamp};

/// A server may ask for a long pause; beyond this we try again anyway (with
/// the same key, so an early retry is harmless).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 2xx: applied; the server's answer, decoded by the action's kind.
    Delivered { answer: Result<Answer, Undecodable> },
    /// 409: the state changed underneath; `current` from the envelope
    /// (`Ok(None)` when the server sent none).
    Conflict { message: String, current: Result<Option<Answer>, Undecodable> },
    /// 403: this token may not act.
    Forbidden { message: String },
    /// Any other final answer (other 4xx, or a status we cannot act on).
    Rejected { status: u16, message: String },
    /// Network error, 408, 429 or 5xx: send again later with the same key.
    Retry { reason: String, after: Option<Duration> },
}

impl Outcome {
    /// Failed for good: the item waits for the user (retry or drop).
    pub(crate) fn failure_message(&self) -> Option<&str> {
        match self {
            Outcome::Conflict { message, .. }
            | Outcome::Forbidden { message }
            | Outcome::Rejected { message, .. } => Some(message),
            Outcome::Delivered { .. } | Outcome::Retry { .. } => None,
        }
    }

    /// An answer that came but could not be decoded.
    pub(crate) fn undecodable(&self) -> Option<&Undecodable> {
        match self {
            Outcome::Delivered { answer: Err(e) } | Outcome::Conflict { current: Err(e), .. } => {
                Some(e)
            }
            _ => None,
        }
    }
}

/// The state change one attempt asks of the store: the sender's only effect
/// besides the events it sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Settle {
    Delivered,
    Failed { message: String },
    Retry { error: String, at: Timestamp },
}

/// What to record after an attempt; `delay` comes from [`retry_delay`] and is
/// used only when the outcome is not final.
pub(crate) fn settle(outcome: &Outcome, now: Timestamp, delay: Duration) -> Settle {
    match outcome {
        Outcome::Delivered { .. } => Settle::Delivered,
        Outcome::Retry { reason, .. } => {
            let ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
            Settle::Retry { error: reason.clone(), at: Timestamp(now.0.saturating_add(ms)) }
        }
        o => Settle::Failed { message: o.failure_message().unwrap_or_default().to_owned() },
    }
}

/// Classify an HTTP answer to `action`.
pub(crate) fn outcome(
    action: &Action,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Outcome {
    if (200..=299).contains(&status) {
        return Outcome::Delivered { answer: Answer::decode(action, body) };
    }
    // One mapping of statuses to kinds (protocol §7) for GETs and POSTs.
    match ErrorKind::of_status(status) {
        kind if kind.is_transient() => Outcome::Retry {
            reason: format!("HTTP {status}: {}", message(status, body).0),
            after: retry_after,
        },
        ErrorKind::Forbidden => Outcome::Forbidden { message: message(status, body).0 },
        ErrorKind::Conflict => {
            let (message, current) = message(status, body);
            let current = current.map(|v| Answer::from_current(action, v)).transpose();
            Outcome::Conflict { message, current }
        }
        _ => Outcome::Rejected { status, message: message(status, body).0 },
    }
}

/// The server could not be reached, or the answer was cut off.
pub(crate) fn network_error(reason: &str) -> Outcome {
    Outcome::Retry { reason: reason.to_owned(), after: None }
}

/// The pause before attempt `attempt + 1`, after `attempt` (1-based) failed:
/// the jittered backoff, never below its base (so a down server is not
/// hammered), and never shorter than the server's `Retry-After`.
pub(crate) fn retry_delay(
    backoff: &Backoff,
    attempt: u32,
    retry_after: Option<Duration>,
    rng: &mut impl Rng,
) -> Duration {
    let ours = backoff.delay(attempt, rng).max(backoff.base);
    ours.max(retry_after.unwrap_or_default().min(MAX_RETRY_AFTER))
}

/// The envelope's message (or the status's reason) and `error.current`.
fn message(status: u16, body: &[u8]) -> (String, Option<Value>) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) if !b.error.message.is_empty() => (b.error.message, b.error.current),
        Ok(b) => (reason(status), b.error.current),
        Err(_) => (reason(status), None),
    }
}

fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(|| format!("HTTP {status}"), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Id;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;
    use serde_json::json;

    fn approve() -> Action {
        Action::Approve { report: Id::from(17), notes: None }
    }

    fn report(json: Value) -> Answer {
        Answer::Report(Box::new(serde_json::from_value(json).unwrap()))
    }

    fn envelope(code: &str, message: &str) -> Vec<u8> {
        json!({"error": {"code": code, "message": message}}).to_string().into_bytes()
    }

    #[test]
    fn success_decodes_the_answer_by_the_actions_kind() {
        let o = outcome(&approve(), 200, None, br#"{"id": 17, "validation_status": "approved"}"#);
        let answer = report(json!({"id": 17, "validation_status": "approved"}));
        assert_eq!(o, Outcome::Delivered { answer: Ok(answer) });
        assert_eq!(o.undecodable(), None);
        let rate = Action::Rate { insight: Id::from(4), rating: 5 };
        let o = outcome(&rate, 200, None, br#"{"insight_id": 4, "rating_count": 3}"#);
        assert!(matches!(o, Outcome::Delivered { answer: Ok(Answer::Stats(_)) }), "{o:?}");
    }

    #[test]
    fn a_success_that_cannot_be_decoded_is_still_delivered_and_says_so() {
        for body in [&b""[..], b"null", br#"{"insight_id": 4}"#] {
            let o = outcome(&approve(), 200, None, body);
            assert_eq!(o.undecodable().map(|e| e.expected), Some("a Report"), "{body:?}");
            assert_eq!(settle(&o, Timestamp(0), Duration::ZERO), Settle::Delivered);
        }
    }

    #[test]
    fn server_errors_and_rate_limits_retry() {
        let after = Some(Duration::from_secs(3));
        match outcome(&approve(), 429, after, &envelope("rate_limited", "slow down")) {
            Outcome::Retry { reason, after: a } => {
                assert_eq!(reason, "HTTP 429: slow down");
                assert_eq!(a, after);
            }
            o => panic!("{o:?}"),
        }
        for status in [408, 500, 502, 503, 504] {
            assert!(
                matches!(outcome(&approve(), status, None, b"<html>"), Outcome::Retry { .. }),
                "{status}"
            );
        }
        assert_eq!(
            outcome(&approve(), 502, None, b"<html>"),
            Outcome::Retry { reason: "HTTP 502: Bad Gateway".into(), after: None }
        );
        assert_eq!(network_error("connection refused").failure_message(), None);
    }

    #[test]
    fn conflict_carries_the_current_state_typed() {
        let body = json!({"error": {"code": "conflict", "message": "already approved",
                          "current": {"id": 17, "validation_status": "approved"}}});
        let o = outcome(&approve(), 409, None, body.to_string().as_bytes());
        let current = report(json!({"id": 17, "validation_status": "approved"}));
        assert_eq!(
            o,
            Outcome::Conflict { message: "already approved".into(), current: Ok(Some(current)) }
        );
        assert_eq!(o.failure_message(), Some("already approved"));
        // No current state: nothing to decode, nothing wrong.
        let o = outcome(&approve(), 409, None, &envelope("conflict", "taken"));
        assert_eq!(o, Outcome::Conflict { message: "taken".into(), current: Ok(None) });
        // A current state that is not a report is counted as undecodable.
        let body = json!({"error": {"code": "conflict", "message": "no", "current": [1, 2]}});
        let o = outcome(&approve(), 409, None, body.to_string().as_bytes());
        assert_eq!(o.undecodable().map(|e| e.expected), Some("a Report"));
        assert_eq!(o.failure_message(), Some("no"));
    }

    #[test]
    fn other_client_errors_are_final() {
        assert_eq!(
            outcome(&approve(), 403, None, &envelope("forbidden", "read only")),
            Outcome::Forbidden { message: "read only".into() }
        );
        for status in [400, 401, 404, 422] {
            let o = outcome(&approve(), status, None, &envelope("x", "no"));
            assert_eq!(o, Outcome::Rejected { status, message: "no".into() });
        }
        // No envelope: the status line speaks.
        assert_eq!(
            outcome(&approve(), 404, None, b"not here"),
            Outcome::Rejected { status: 404, message: "Not Found".into() }
        );
        // A redirect we did not follow is not something a retry fixes.
        assert!(matches!(
            outcome(&approve(), 302, None, b""),
            Outcome::Rejected { status: 302, .. }
        ));
    }

    #[test]
    fn delays_respect_backoff_floor_and_retry_after() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(2) };
        let mut rng = SmallRng::seed_from_u64(1);
        for attempt in 1..30 {
            let d = retry_delay(&b, attempt, None, &mut rng);
            assert!(d >= b.base && d <= b.cap, "{attempt}: {d:?}");
        }
        let d = retry_delay(&b, 1, Some(Duration::from_secs(7)), &mut rng);
        assert_eq!(d, Duration::from_secs(7));
        let d = retry_delay(&b, 1, Some(Duration::from_secs(86_400)), &mut rng);
        assert_eq!(d, MAX_RETRY_AFTER);
    }

    #[test]
    fn settle_maps_outcomes_to_store_changes() {
        let now = Timestamp(1_000);
        let d = Duration::from_millis(250);
        let delivered = Outcome::Delivered { answer: Ok(report(json!({"id": 1}))) };
        assert_eq!(settle(&delivered, now, d), Settle::Delivered);
        assert_eq!(
            settle(&network_error("refused"), now, d),
            Settle::Retry { error: "refused".into(), at: Timestamp(1_250) }
        );
        assert_eq!(
            settle(&Outcome::Forbidden { message: "read only".into() }, now, d),
            Settle::Failed { message: "read only".into() }
        );
    }
}
