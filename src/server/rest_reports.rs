//! Reports awaiting approval (protocol §5): list, one, decisions, analytics.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use serde::Deserialize;

use super::AppState;
use super::db_reports::{self, Decided, Decision, ReportFilter};
use super::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::protocol::{
    ApproveRequest, ReasonRequest, Report, ReportAnalytics, ReportList, USER_HEADER,
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
    Ok(Json(app.db.call(move |c| db_reports::list_reports(c, &filter)).await?))
}

pub(crate) async fn one(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Report>> {
    let n = db_reports::parse_id(&id).ok_or_else(|| ApiError::not_found(format!("report {id}")))?;
    app.db
        .call(move |c| db_reports::get_report(c, n))
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

async fn decide(app: &AppState, id: &str, decision: Decision) -> ApiResult<Json<Report>> {
    let n = db_reports::parse_id(id).ok_or_else(|| ApiError::not_found(format!("report {id}")))?;
    match app.db.call(move |c| db_reports::decide(c, n, decision)).await? {
        Decided::Applied(report) => {
            app.publish(health_types::REPORT_UPDATED, &*report);
            Ok(Json(*report))
        }
        Decided::NotFound => Err(ApiError::not_found(format!("report {id}"))),
        Decided::Conflict(current) => Err(ApiError::Conflict {
            message: format!("report {id} is already {}", current.validation_status.as_str()),
            current: serde_json::to_value(&*current).map_err(anyhow::Error::from)?,
        }),
    }
}

pub(crate) async fn approve(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ApproveRequest>,
) -> ApiResult<Json<Report>> {
    let notes = body.notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let d = Decision { status: ValidationStatus::Approved, reviewer: reviewer(&headers), notes };
    decide(&app, &id, d).await
}

pub(crate) async fn reject(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<Json<Report>> {
    let notes = Some(reason(&body.reason, "reject")?);
    let d = Decision { status: ValidationStatus::Rejected, reviewer: reviewer(&headers), notes };
    decide(&app, &id, d).await
}

pub(crate) async fn flag(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> ApiResult<Json<Report>> {
    let notes = Some(reason(&body.reason, "flag")?);
    let d = Decision { status: ValidationStatus::Flagged, reviewer: reviewer(&headers), notes };
    decide(&app, &id, d).await
}
