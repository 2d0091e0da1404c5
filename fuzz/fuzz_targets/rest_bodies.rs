//! REST answers (protocol §4-§7) as the console reads them: every body type
//! `api::ApiClient` and the outbox decode (list endpoints, the POST answers
//! Report and FeedbackStats, the error envelope as `api::error_from` turns
//! it into an `ApiError`). Never a panic; decoded text clean; an error
//! always has something to say.
//!
//! `api::error_from` is private to `api` now (and takes the request path),
//! so the envelope goes into the public `ApiError::Status` the way
//! src/api/error.rs builds it, and its sentence is checked. The
//! `Retry-After` parser (`api::parse_retry_after`, `pub(crate)`) is no
//! longer reachable from here and is not fuzzed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::api::ApiError;
use meridian::protocol::{
    AlertList, BackfillList, ErrorBody, FeedbackStats, InsightList, KpiList, Report,
    ReportAnalytics, ReportList, SystemStatus, paths,
};
use meridian_fuzz::*;
use reqwest::StatusCode;

/// An error status (400..=599, what `error_from` is called with) taken from
/// the first two bytes.
fn status_from(b: &[u8]) -> StatusCode {
    let n = u16::from_le_bytes([b.first().copied().unwrap_or(0), b.get(1).copied().unwrap_or(0)]);
    StatusCode::from_u16(400 + n % 200).expect("400..=599 is a valid status")
}

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = serde_json::from_slice::<InsightList>(data) {
        l.insights.iter().for_each(check_insight);
    }
    if let Ok(l) = serde_json::from_slice::<ReportList>(data) {
        l.reports.iter().for_each(check_report);
    }
    if let Ok(r) = serde_json::from_slice::<Report>(data) {
        check_report(&r);
    }
    if let Ok(a) = serde_json::from_slice::<ReportAnalytics>(data) {
        check_analytics(&a);
    }
    if let Ok(f) = serde_json::from_slice::<FeedbackStats>(data) {
        check_feedback(&f);
    }
    if let Ok(l) = serde_json::from_slice::<KpiList>(data) {
        l.kpis.iter().for_each(check_kpi);
    }
    if let Ok(s) = serde_json::from_slice::<SystemStatus>(data) {
        check_system_status(&s);
    }
    if let Ok(l) = serde_json::from_slice::<BackfillList>(data) {
        l.jobs.iter().for_each(check_backfill_job);
    }
    if let Ok(l) = serde_json::from_slice::<AlertList>(data) {
        l.alerts.iter().for_each(check_alert);
    }
    let envelope = serde_json::from_slice::<ErrorBody>(data).ok();
    if let Some(e) = &envelope {
        assert_clean(&e.error.code, "error code");
        assert_clean(&e.error.message, "error message");
    }

    // The error envelope as the client turns it into an ApiError
    // (src/api/error.rs, `error_from`): the envelope's code and message, or
    // no code and the status's reason when the body is not an envelope.
    let status = status_from(data);
    let (code, message) = match envelope {
        Some(b) => (b.error.code, b.error.message),
        None => (String::new(), status.canonical_reason().unwrap_or("error").to_owned()),
    };
    let e = ApiError::Status { status, code, message, path: paths::INSIGHTS.to_owned() };
    assert!(!e.to_string().is_empty(), "empty ApiError: {e:?}");
});
