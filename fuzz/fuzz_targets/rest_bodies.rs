//! REST answers (protocol §4-§7) as the console reads them: every body type
//! `api::ApiClient` and the outbox decode (list endpoints, the POST answers
//! Report and FeedbackStats, the error envelope through `api::error_from`),
//! plus the `Retry-After` header parser. Never a panic; decoded text clean;
//! an error always has something to say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meridian::api::{error_from, parse_retry_after};
use meridian::protocol::{
    BackfillList, ErrorBody, FeedbackStats, InsightList, KpiList, Report, ReportAnalytics,
    ReportList, SystemStatus,
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
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(data) {
        assert_clean(&e.error.code, "error code");
        assert_clean(&e.error.message, "error message");
    }

    // The error envelope as the client turns it into an ApiError.
    let e = error_from(status_from(data), data);
    assert!(!e.to_string().is_empty(), "empty ApiError");

    // `Retry-After` from a 429: seconds or an HTTP date, never a panic.
    if let Ok(text) = std::str::from_utf8(data) {
        if text.len() <= 256 {
            let now = chrono::DateTime::from_timestamp(1_705_660_245, 0).expect("valid instant");
            let _ = parse_retry_after(text, now);
        }
    }
});
