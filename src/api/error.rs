//! What a failed REST call was: [`ApiError`] for the user (its `Display`
//! is a sentence) and [`ErrorKind`] for code to react to (protocol §7).

use reqwest::StatusCode;
use thiserror::Error;

use crate::protocol::{ErrorBody, Report};

/// A failed REST call. [`ApiError::kind`] says what happened, for code to
/// react to; `Display` says it as a sentence for the user.
#[derive(Debug, Clone, Error)]
pub enum ApiError {
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    /// A non-2xx answer, with the contract's error envelope when there was
    /// one (`code` empty and the status's reason as `message` otherwise).
    #[error("{}", sentence(*status, path, message))]
    Status { status: StatusCode, code: String, message: String, path: String },
    /// A 409 with the state the request met (`error.current`, protocol
    /// §7): a report claimed by someone else comes with the Report showing
    /// who holds it. `current` is `None` when the server sent none, or sent
    /// something that is not a Report.
    #[error("{}", sentence(StatusCode::CONFLICT, path, message))]
    Conflict { path: String, message: String, current: Option<Box<Report>> },
    /// A 404 from a fixed endpoint: this backend does not have it (a 1.0
    /// backend lacks the 1.1 endpoints, protocol header).
    #[error("{path} is not available on this backend (HTTP 404)")]
    Unavailable { path: String },
    #[error("unexpected answer from {url}: {reason}")]
    Decode { url: String, reason: String },
    #[error("invalid setup: {0}")]
    Setup(String),
}

/// What kind of failure an [`ApiError`] is (protocol §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: no token, or the token was refused.
    Unauthorized,
    /// 403: the token may not do this.
    Forbidden,
    /// 404: an unknown id, or an endpoint this backend lacks.
    NotFound,
    /// 409: the state changed underneath.
    Conflict,
    /// 400 or 422: the request is invalid.
    Invalid,
    /// 429: too many requests.
    RateLimited,
    /// 5xx.
    Server,
    /// Any other status (405, a redirect not followed, ...).
    OtherStatus,
    /// No answer: connect, TLS, timeout, or a body cut off.
    Network,
    /// An answer that is not what the contract promises.
    Decode,
    /// The client could not be set up.
    Setup,
}

impl ErrorKind {
    /// The kind of a non-2xx status.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            400 | 422 => ErrorKind::Invalid,
            429 => ErrorKind::RateLimited,
            // The server gave up waiting for the request: as if unanswered.
            408 => ErrorKind::Network,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::OtherStatus,
        }
    }

    /// Asking again later may succeed (protocol §7: 429, 5xx and network
    /// errors are retried).
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorKind::Network | ErrorKind::RateLimited | ErrorKind::Server)
    }
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Network { .. } => ErrorKind::Network,
            ApiError::Status { status, .. } => ErrorKind::of_status(status.as_u16()),
            ApiError::Conflict { .. } => ErrorKind::Conflict,
            ApiError::Unavailable { .. } => ErrorKind::NotFound,
            ApiError::Decode { .. } => ErrorKind::Decode,
            ApiError::Setup(_) => ErrorKind::Setup,
        }
    }
}

/// A non-2xx answer as a sentence: what it means first, then the status,
/// then what the server said (when it said more than the status's name).
fn sentence(status: StatusCode, path: &str, message: &str) -> String {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("error");
    let said = if message.is_empty() || message == reason {
        String::new()
    } else {
        format!(": {message}")
    };
    match ErrorKind::of_status(code) {
        ErrorKind::Unauthorized => {
            format!("the token is missing or was refused (HTTP 401){said}")
        }
        ErrorKind::Forbidden => format!("this token may not read {path} (HTTP 403){said}"),
        ErrorKind::NotFound => format!("not found (HTTP 404){said}"),
        ErrorKind::Conflict => format!("changed by someone else (HTTP 409){said}"),
        ErrorKind::Invalid => format!("refused as invalid (HTTP {code}){said}"),
        ErrorKind::RateLimited => format!("rate limited; try again shortly (HTTP 429){said}"),
        ErrorKind::Server => format!("server error (HTTP {code} {reason}){said}"),
        _ => format!("HTTP {code} {reason}{said}"),
    }
}

/// A 409 to a request about a report: the envelope's message and the
/// Report in `error.current`.
pub(super) fn report_conflict(path: &str, body: &[u8]) -> ApiError {
    let reason = || StatusCode::CONFLICT.canonical_reason().unwrap_or("conflict").to_owned();
    let Ok(b) = serde_json::from_slice::<ErrorBody>(body) else {
        return ApiError::Conflict { path: path.to_owned(), message: reason(), current: None };
    };
    let message = if b.error.message.is_empty() { reason() } else { b.error.message };
    let current = b.error.current.and_then(|c| serde_json::from_value(c).ok()).map(Box::new);
    ApiError::Conflict { path: path.to_owned(), message, current }
}

/// The contract's error envelope, or the status line when there is none.
/// (The envelope's text is cleaned when it is decoded.)
pub(super) fn error_from(status: StatusCode, path: &str, body: &[u8]) -> ApiError {
    let (code, message) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => (b.error.code, b.error.message),
        Err(_) => (String::new(), status.canonical_reason().unwrap_or("error").to_owned()),
    };
    ApiError::Status { status, code, message, path: path.to_owned() }
}
