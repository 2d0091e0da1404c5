//! Claims on reports (protocol §5a): `POST /api/v1/reports/{id}/claim` and
//! `/release`, both answered with the Report. The claimer is `X-User`. A
//! change is broadcast on `/ws/monitoring` as `report_updated`, like a
//! decision.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use rusqlite::Connection;

use super::AppState;
use super::db_claims::{self, ClaimClock, Claimed};
use super::db_reports::parse_id;
use super::error::{ApiError, ApiResult};
use super::idempotency::{Committed, Key, Once, commit};
use super::rest_reports::{conflict, reviewer};
use crate::protocol::{Report, Timestamp, health_types};

/// What is asked of a report's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Claim,
    Release,
}

pub(crate) async fn claim(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Once(key): Once,
) -> ApiResult<Committed> {
    change(&app, &id, Verb::Claim, reviewer(&headers), key).await
}

pub(crate) async fn release(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Once(key): Once,
) -> ApiResult<Committed> {
    change(&app, &id, Verb::Release, reviewer(&headers), key).await
}

async fn change(
    app: &AppState,
    id: &str,
    verb: Verb,
    who: String,
    key: Option<Key>,
) -> ApiResult<Committed> {
    let n = parse_id(id).ok_or_else(|| ApiError::not_found(format!("report {id}")))?;
    let lapse = app.args.claim_lapse();
    let (report, changed, answer) = app
        .db
        .call(move |c| {
            let clock = ClaimClock { now: Timestamp::now(), lapse };
            apply(c, n, verb, &who, clock, key.as_ref())
        })
        .await??;
    if changed {
        app.publish(health_types::REPORT_UPDATED, &report);
    }
    Ok(answer)
}

/// Claim or release report `n` for `who` and store the answer under `key`,
/// in one transaction. `Ok((report, changed, answer))` when answered 200.
pub(crate) fn apply(
    c: &mut Connection,
    n: i64,
    verb: Verb,
    who: &str,
    clock: ClaimClock,
    key: Option<&Key>,
) -> anyhow::Result<ApiResult<(Report, bool, Committed)>> {
    let tx = c.transaction()?;
    let outcome = match verb {
        Verb::Claim => db_claims::claim(&tx, n, who, clock)?,
        Verb::Release => db_claims::release(&tx, n, who, clock)?,
    };
    let (report, changed) = match outcome {
        Claimed::Changed(r) => (r, true),
        Claimed::Unchanged(r) => (r, false),
        Claimed::HeldBy(current) => {
            return Ok(Err(conflict(held(n, &current, verb, clock), &current)?));
        }
        Claimed::Decided(current) => {
            let status = current.validation_status.as_str();
            let message = format!("report {n} is already {status}: there is nothing to claim");
            return Ok(Err(conflict(message, &current)?));
        }
        Claimed::NotFound => return Ok(Err(ApiError::not_found(format!("report {n}")))),
    };
    let answer = commit(tx, key, &*report)?;
    Ok(Ok((*report, changed, answer)))
}

/// "report 17 is claimed by ana until 14:20 UTC", and for a release, who
/// may release it.
fn held(n: i64, current: &Report, verb: Verb, clock: ClaimClock) -> String {
    let holder = current.claimed_by.as_deref().unwrap_or("someone else");
    let until = current.claimed_at.map(|at| format!(" until {}", at.plus(clock.lapse).hm_utc()));
    let claimed = format!("report {n} is claimed by {holder}{}", until.unwrap_or_default());
    match verb {
        Verb::Claim => claimed,
        Verb::Release => format!("{claimed}; only {holder} can release it"),
    }
}
