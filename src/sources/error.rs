//! What a failed call to Prometheus or Alertmanager was, as a sentence the
//! user can act on. URLs are shown without credentials; no token is ever
//! part of a message.

use reqwest::StatusCode;
use thiserror::Error;

/// Longest server message kept in [`SourceError::Status`], in characters.
const MAX_MESSAGE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceError {
    /// The client could not be built (a bad URL, a token that cannot be a
    /// header) or was asked for something it cannot send.
    #[error("invalid setup: {0}")]
    Setup(String),
    /// No answer: connect, TLS, timeout, or a body cut off.
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    /// A non-2xx answer; `message` is what the server said (cleaned, cut).
    #[error("{url} answered HTTP {status}{}", said(message))]
    Status { url: String, status: u16, message: String },
    /// A 2xx answer that is not the documented shape.
    #[error("unexpected answer from {url}: {reason}")]
    Decode { url: String, reason: String },
}

fn said(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(": {message}") }
}

impl SourceError {
    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            SourceError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What kind of failure this is, in the REST client's terms, so that
    /// both read alike on screen.
    pub fn kind(&self) -> crate::api::ErrorKind {
        use crate::api::ErrorKind as K;
        match self {
            SourceError::Setup(_) => K::Setup,
            SourceError::Network { .. } => K::Network,
            SourceError::Decode { .. } => K::Decode,
            SourceError::Status { status, .. } => match status {
                401 => K::Unauthorized,
                403 => K::Forbidden,
                404 => K::NotFound,
                409 => K::Conflict,
                400 | 422 => K::Invalid,
                429 => K::RateLimited,
                500..=599 => K::Server,
                _ => K::OtherStatus,
            },
        }
    }

    /// Asking again later may succeed: no answer, a server error (5xx), too
    /// many requests (429) or a request the server gave up waiting for (408).
    /// Other refusals and answers we cannot read will not change by retrying.
    pub fn is_retryable(&self) -> bool {
        match self {
            SourceError::Network { .. } => true,
            SourceError::Status { status, .. } => {
                matches!(status, 408 | 429) || (500..=599).contains(status)
            }
            SourceError::Setup(_) | SourceError::Decode { .. } => false,
        }
    }
}

/// The error for a non-2xx answer: the server's own words when its body has
/// them (Prometheus: `{"status":"error","errorType","error"}`; Alertmanager:
/// `{"code","message"}`, a JSON string, or plain text), else the status's
/// name.
pub(super) fn from_status(url: String, status: StatusCode, body: &[u8]) -> SourceError {
    let text = server_message(body)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    SourceError::Status { url, status: status.as_u16(), message: cut(&text) }
}

fn server_message(body: &[u8]) -> Option<String> {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => {
            let field = |k: &str| o.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            field("error").or_else(|| field("message"))?
        }
        Ok(_) => return None,
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let text = crate::sanitize::clean(text.trim());
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `s` cut to [`MAX_MESSAGE_CHARS`] characters, with an ellipsis when cut.
fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, body: &str) -> SourceError {
        let status = StatusCode::from_u16(code).expect("valid status");
        from_status("http://prom:9090/api/v1/query".into(), status, body.as_bytes())
    }

    fn message(e: &SourceError) -> &str {
        match e {
            SourceError::Status { message, .. } => message,
            other => panic!("not a status error: {other:?}"),
        }
    }

    #[test]
    fn the_servers_own_words_become_the_message() {
        let prom =
            r#"{"status":"error","errorType":"bad_data","error":"parse error: unexpected \"=\""}"#;
        assert_eq!(message(&status(400, prom)), r#"parse error: unexpected "=""#);
        let am = r#"{"code":612,"message":"matchers in body should have at least 1 items"}"#;
        assert_eq!(message(&status(422, am)), "matchers in body should have at least 1 items");
        let am_text = r#""Failed to create silence: start time must be before end time""#;
        assert_eq!(
            message(&status(400, am_text)),
            "Failed to create silence: start time must be before end time"
        );
        assert_eq!(message(&status(502, "bad gateway from proxy\n")), "bad gateway from proxy");
        assert_eq!(message(&status(503, "")), "Service Unavailable");
        assert_eq!(message(&status(500, "[1,2]")), "Internal Server Error");
    }

    #[test]
    fn hostile_and_long_messages_are_cleaned_and_cut() {
        let body = format!("\u{1b}]0;pwned\u{7}{}", "x".repeat(500));
        let m = message(&status(400, &body)).to_owned();
        assert!(!m.chars().any(char::is_control), "{m:?}");
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS);
        assert!(m.ends_with('…'));
    }

    #[test]
    fn the_sentence_names_url_status_and_message() {
        let e = status(400, r#"{"status":"error","errorType":"bad_data","error":"oops"}"#);
        assert_eq!(e.to_string(), "http://prom:9090/api/v1/query answered HTTP 400: oops");
    }

    #[test]
    fn retry_only_what_may_change() {
        let net = SourceError::Network { url: "u".into(), reason: "refused".into() };
        assert!(net.is_retryable());
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(status(code, "").is_retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 405, 409, 422] {
            assert!(!status(code, "").is_retryable(), "{code}");
        }
        assert!(!SourceError::Decode { url: "u".into(), reason: "r".into() }.is_retryable());
        assert!(!SourceError::Setup("s".into()).is_retryable());
    }
}
