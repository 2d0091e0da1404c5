//! Monitoring snapshots, insights and feedback (protocol §4), KPIs (§6).

use axum::Json;
use axum::extract::State;
use rusqlite::Connection;
use serde::Deserialize;

use super::AppState;
use super::db_insights::{self, Feedback};
use super::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use super::idempotency::{Committed, Key, Once, commit};
use crate::protocol::{
    BackfillList, CommentRequest, FeedbackStats, Id, InsightFlagRequest, InsightList,
    InsightMetrics, KpiList, RateRequest, SignalMetrics, SystemStatus, health_types,
};

const MAX_LIMIT: u32 = 500;
const MAX_TEXT: usize = 4000;

pub(crate) async fn status(State(app): State<AppState>) -> Json<SystemStatus> {
    Json(app.system_status())
}

pub(crate) async fn backfill(State(app): State<AppState>) -> Json<BackfillList> {
    Json(BackfillList { jobs: app.sim().backfill.jobs() })
}

pub(crate) async fn signals(State(app): State<AppState>) -> Json<SignalMetrics> {
    Json(app.sim().monitor.signals())
}

pub(crate) async fn insight_metrics(
    State(app): State<AppState>,
) -> ApiResult<Json<InsightMetrics>> {
    Ok(Json(app.db.call(|c| db_insights::insight_metrics(c)).await?))
}

#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    limit: Option<u32>,
    offset: Option<u32>,
}

pub(crate) async fn insights(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<Page>,
) -> ApiResult<Json<InsightList>> {
    let (limit, offset) = (p.limit.unwrap_or(50).min(MAX_LIMIT), p.offset.unwrap_or(0));
    Ok(Json(app.db.call(move |c| db_insights::list_insights(c, limit, offset)).await?))
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatsQuery {
    insight_id: Option<String>,
}

fn insight_id(id: &Id) -> ApiResult<i64> {
    id.as_str().parse().map_err(|_| ApiError::not_found(format!("insight {id}")))
}

pub(crate) async fn stats(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<FeedbackStats>> {
    let id = Id(q.insight_id.ok_or_else(|| ApiError::invalid("insight_id is required"))?);
    let n = insight_id(&id)?;
    app.db
        .call(move |c| db_insights::feedback_stats(c, n))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("insight {id}")))
}

fn text(t: &str, what: &str) -> ApiResult<String> {
    let t = t.trim();
    if t.is_empty() {
        return Err(ApiError::invalid(format!("{what} must not be empty")));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(format!("{what} is longer than {MAX_TEXT} characters")));
    }
    Ok(t.to_owned())
}

async fn record(app: &AppState, id: &Id, key: Option<Key>, fb: Feedback) -> ApiResult<Committed> {
    let n = insight_id(id)?;
    let (stats, answer) = app
        .db
        .call(move |c| apply_feedback(c, n, fb, key.as_ref()))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("insight {id}")))?;
    app.publish(health_types::FEEDBACK_UPDATED, &stats);
    Ok(answer)
}

/// Record `fb` on insight `n` and store the answer under `key`, in one
/// transaction. `None` when the insight does not exist.
pub(crate) fn apply_feedback(
    c: &mut Connection,
    n: i64,
    fb: Feedback,
    key: Option<&Key>,
) -> anyhow::Result<Option<(FeedbackStats, Committed)>> {
    let tx = c.transaction()?;
    let Some(stats) = db_insights::add_feedback(&tx, n, fb)? else { return Ok(None) };
    let answer = commit(tx, key, &stats)?;
    Ok(Some((stats, answer)))
}

pub(crate) async fn rate(
    State(app): State<AppState>,
    Once(key): Once,
    ApiJson(req): ApiJson<RateRequest>,
) -> ApiResult<Committed> {
    if !(1..=5).contains(&req.rating) {
        return Err(ApiError::invalid("rating must be between 1 and 5"));
    }
    record(&app, &req.insight_id, key, Feedback::Rating(req.rating)).await
}

pub(crate) async fn comment(
    State(app): State<AppState>,
    Once(key): Once,
    ApiJson(req): ApiJson<CommentRequest>,
) -> ApiResult<Committed> {
    let t = text(&req.comment, "comment")?;
    record(&app, &req.insight_id, key, Feedback::Comment(t)).await
}

pub(crate) async fn flag(
    State(app): State<AppState>,
    Once(key): Once,
    ApiJson(req): ApiJson<InsightFlagRequest>,
) -> ApiResult<Committed> {
    let t = text(&req.reason, "reason")?;
    record(&app, &req.insight_id, key, Feedback::Flag(t)).await
}

pub(crate) async fn kpis(State(app): State<AppState>) -> ApiResult<Json<KpiList>> {
    Ok(Json(KpiList { kpis: app.db.call(|c| db_insights::list_kpis(c)).await? }))
}
