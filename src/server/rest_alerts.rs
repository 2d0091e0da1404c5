//! Alert state (protocol §3b): the list, acknowledge and snooze. A change
//! is broadcast on `/ws/monitoring` as `alert_updated`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;

use super::AppState;
use super::alerts::Outcome;
use super::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use super::rest_reports::reviewer;
use crate::protocol::{AckRequest, Alert, AlertList, SnoozeRequest, Timestamp, health_types};

const DEFAULT_LIMIT: usize = 200;
const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    state: Option<String>,
    limit: Option<usize>,
}

pub(crate) async fn list(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<AlertList>> {
    let all = match q.state.as_deref() {
        None | Some("active") => false,
        Some("all") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!("state must be active or all, not {other:?}")));
        }
    };
    let limit = match q.limit {
        Some(0) => return Err(ApiError::invalid("limit must be at least 1")),
        Some(n) => n.min(MAX_LIMIT),
        None => DEFAULT_LIMIT,
    };
    let alerts = app.sim().alerts.list(all, limit, Timestamp::now());
    Ok(Json(AlertList { alerts }))
}

pub(crate) async fn ack(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AckRequest>,
) -> ApiResult<Json<Alert>> {
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let who = reviewer(&headers);
    let outcome = app.sim().alerts.ack(&id, &who, note, Timestamp::now());
    answer(&app, &id, "acknowledge", outcome)
}

pub(crate) async fn snooze(
    State(app): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SnoozeRequest>,
) -> ApiResult<Json<Alert>> {
    let now = Timestamp::now();
    if body.until <= now {
        return Err(ApiError::invalid("until must be in the future"));
    }
    let outcome = app.sim().alerts.snooze(&id, body.until, now);
    answer(&app, &id, "snooze", outcome)
}

fn answer(app: &AppState, id: &str, verb: &str, outcome: Outcome) -> ApiResult<Json<Alert>> {
    match outcome {
        Outcome::Changed(a) => {
            app.publish(health_types::ALERT_UPDATED, &a);
            Ok(Json(a))
        }
        Outcome::Unchanged(a) => Ok(Json(a)),
        Outcome::Resolved(current) => Err(ApiError::Conflict {
            message: format!("alert {id} is resolved: nothing to {verb}"),
            current: serde_json::to_value(&current).map_err(anyhow::Error::from)?,
        }),
        Outcome::NotFound => Err(ApiError::not_found(format!("alert {id}"))),
    }
}
