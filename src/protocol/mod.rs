//! The wire contract (`docs/protocol.md`): serde types shared by the console
//! and the reference server, plus the frame decoders. Every string a server
//! sends is sanitised here, as it is decoded, so nothing downstream has to.

mod decode;
mod history;
mod ids;
mod monitoring;
mod price_decode;
mod prices;
mod rest;
mod time;

pub use decode::{DecodeError, decode_backfill, decode_health};
pub use history::*;
pub use ids::Id;
pub use monitoring::*;
pub use price_decode::{decode_price_frame, for_each_price};
pub use prices::*;
pub use rest::*;
pub use time::Timestamp;

/// REST and WebSocket paths, relative to the server base.
pub mod paths {
    pub const WS_PRICES: &str = "/ws/prices";
    pub const WS_BACKFILL: &str = "/ws/backfill";
    pub const WS_MONITORING: &str = "/ws/monitoring";
    pub const STATUS: &str = "/api/v1/monitoring/status";
    pub const BACKFILL: &str = "/api/v1/monitoring/backfill";
    pub const SIGNALS: &str = "/api/v1/monitoring/signals";
    pub const INSIGHT_METRICS: &str = "/api/v1/monitoring/insights";
    pub const INSIGHTS: &str = "/api/v1/insights";
    pub const FEEDBACK_RATE: &str = "/api/v1/feedback/rate";
    pub const FEEDBACK_COMMENT: &str = "/api/v1/feedback/comment";
    pub const FEEDBACK_FLAG: &str = "/api/v1/feedback/flag";
    pub(crate) const FEEDBACK_STATS: &str = "/api/v1/feedback/stats";
    pub(crate) const REPORTS: &str = "/api/v1/reports";
    pub(crate) const REPORT_ANALYTICS: &str = "/api/v1/reports/analytics";
    pub const KPIS: &str = "/api/v1/kpis";
    pub const ALERTS: &str = "/api/v1/alerts";
    pub const MONITORING_HISTORY: &str = "/api/v1/monitoring/history";
    /// The candles route as a router pattern (§1a).
    pub const CANDLES_ROUTE: &str = "/api/v1/prices/{symbol}/candles";

    /// The candles path of one symbol (§1a).
    pub fn candles(symbol: &str) -> String {
        format!("/api/v1/prices/{symbol}/candles")
    }

    /// The claim and release routes as router patterns (§5a).
    pub(crate) const REPORT_CLAIM_ROUTE: &str = "/api/v1/reports/{id}/claim";
    pub(crate) const REPORT_RELEASE_ROUTE: &str = "/api/v1/reports/{id}/release";

    /// `/api/v1/reports/{id}` followed by `tail` (empty, or `/claim`...),
    /// the id as one [`segment`]. `None` for an id that cannot be a
    /// segment (empty, `.` or `..`, which URLs resolve away).
    pub(crate) fn report(id: &super::Id, tail: &str) -> Option<String> {
        let id = id.as_str();
        if matches!(id, "" | "." | "..") {
            return None;
        }
        Some(format!("{REPORTS}/{}{tail}", segment(id)))
    }

    /// An id as one path segment: unreserved characters kept, the rest
    /// percent-encoded, so an id can never reach another endpoint.
    pub(crate) fn segment(id: &str) -> String {
        let mut out = String::with_capacity(id.len());
        for b in id.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
}

/// Header carrying the client's idempotency key on every POST.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Names the user on every HTTP request (protocol 1.1, "Who").
pub const USER_HEADER: &str = "X-User";
