//! Reports awaiting approval (protocol §5): list, one, decisions, analytics.
//! Claims (§5a) are in `rest_claims`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Deserialize;

use super::AppState;
use super::db_reports::{self, Decided, Decision, ReportFilter};
use super::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use super::idempotency::{Committed, Key, Once, commit};
use crate::protocol::{
    ApproveRequest, ReasonRequest, Report, ReportAnalytics, ReportList, Timestamp, USER_HEADER,
    ValidationStatus, health_types,
};
use crate::sanitize::clean;

const MAX_LIMIT: u32 = 500;

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    status: Option<String>,
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

/// A `YYYY-MM-DD` date, or the date part of an RFC 3339 time.
fn date_param(name: &str, v: Option<String>) -> ApiResult<Option<String>> {
    let Some(v) = v.filter(|v| !v.trim().is_empty()) else { return Ok(None) };
    let head = v.trim().get(..10).unwrap_or(v.trim());
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .map(|d| Some(d.to_string()))
        .map_err(|_| ApiError::invalid(format!("{name} must be a date (YYYY-MM-DD)")))
}

fn status_param(v: Option<String>) -> ApiResult<Option<ValidationStatus>> {
    let Some(v) = v.filter(|v| !v.is_empty() && v != "all") else { return Ok(None) };
    match serde_json::from_value(serde_json::Value::String(v.to_ascii_lowercase())) {
        Ok(ValidationStatus::Unknown) | Err(_) => Err(ApiError::invalid(format!(
            "status must be pending, approved, rejected or flagged, not {v:?}"
        ))),
        Ok(s) => Ok(Some(s)),
    }
}

pub(crate) async fn list(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ReportList>> {
    let filter = ReportFilter {
        status: status_param(q.status)?,
        account: q.account.filter(|a| !a.is_empty()),
        from: date_param("from", q.from)?,
        to: date_param("to", q.to)?,
        limit: q.limit.unwrap_or(20).min(MAX_LIMIT),
        offset: q.offset.unwrap_or(0),
    };
    let lapsed = app.claims_lapsed();
    Ok(Json(app.db.call(move |c| db_reports::list_reports(c, &filter, lapsed)).await?))
}

pub(crate) async fn one(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Report>> {
    let n = db_reports::parse_id(&id).ok_or_else(|| ApiError::not_found(format!("report {id}")))?;
    let lapsed = app.claims_lapsed();
    app.db
        .call(move |c| db_reports::get_report(c, n, lapsed))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("report {id}")))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AnalyticsQuery {
    days: Option<u32>,
}

pub(crate) async fn analytics(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<AnalyticsQuery>,
) -> ApiResult<Json<ReportAnalytics>> {
    let days = q.days.unwrap_or(30);
    if days == 0 || days > 3650 {
        return Err(ApiError::invalid("days must be between 1 and 3650"));
    }
    Ok(Json(app.db.call(move |c| db_reports::analytics(c, days)).await?))
}

/// The reviewer named by `X-User` (protocol 1.1); "console" without it.
pub(crate) fn reviewer(headers: &HeaderMap) -> String {
    headers
        .get(USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(clean)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "console".to_owned())
}

fn reason(r: &str, what: &str) -> ApiResult<String> {
    let r = r.trim();
    if r.is_empty() {
        return Err(ApiError::invalid(format!("a reason is required to {what} a report")));
    }
    Ok(r.to_owned())
}

/// A 409 showing `current`, the report as it stands.
pub(crate) fn conflict(message: String, current: &Report) -> anyhow::Result<ApiError> {
    Ok(ApiError::Conflict { message, current: serde_json::to_value(current)? })
}

async fn decide(
    app: &AppState,
    id: &str,
    key: Option<Key>,
    decision: Decision,
) -> ApiResult<Committed> {
    let n = db_reports::parse_id(id).ok_or_else(|| ApiError::not_found(format!("report {id}")))?;
    let lapsed = app.claims_lapsed();
    let (report, answer) =
        app.db.call(move |c| apply_decision(c, n, decision, key.as_ref(), lapsed)).await??;
    app.publish(health_types::REPORT_UPDATED, &report);
    Ok(answer)
}

/// Decide report `n` and store the answer under `key`, in one transaction.
pub(crate) fn apply_decision(
    c: &mut Connection,
    n: i64,
    decision: Decision,
    key: Option<&Key>,
    lapsed: Timestamp,
) -> anyhow::Result<ApiResult<(Report, Committed)>> {
    let tx = c.transaction()?;
    Ok(match db_reports::decide(&tx, n, decision, lapsed)? {
        Decided::Applied(report) => {
            let answer = commit(tx, key, &*report)?;
            Ok((*report, answer))
        }
        Decided::NotFound => Err(ApiError::not_found(format!("report {n}"))),
        Decided::Conflict(current) => Err(conflict(
            format!("report {n} is already {}", current.validation_status.as_str()),
            &current,
        )?),
    })
}

pub(crate) async fn approve(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Once(key): Once,
    ApiJson(body): ApiJson<ApproveRequest>,
) -> ApiResult<Committed> {
    let notes = body.notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let d = Decision { status: ValidationStatus::Approved, reviewer: reviewer(&headers), notes };
    decide(&app, &id, key, d).await
}

pub(crate) async fn reject(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Once(key): Once,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<Committed> {
    let notes = Some(reason(&body.reason, "reject")?);
    let d = Decision { status: ValidationStatus::Rejected, reviewer: reviewer(&headers), notes };
    decide(&app, &id, key, d).await
}

pub(crate) async fn flag(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Once(key): Once,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<Committed> {
    let notes = Some(reason(&body.reason, "flag")?);
    let d = Decision { status: ValidationStatus::Flagged, reviewer: reviewer(&headers), notes };
    decide(&app, &id, key, d).await
}
