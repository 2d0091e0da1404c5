//! History over REST: price candles (protocol §1a) and monitoring samples
//! (§3a), errors included: 404 naming the symbol for one without history,
//! 422 for an unknown interval and for a count that is 0 or not a number.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::AppState;
use super::db_candles;
use super::error::{ApiError, ApiQuery, ApiResult};
use super::history::{self, Query};
use super::prices::normalize_symbol;
use crate::protocol::{CandleList, Interval, MonitoringHistory, Timestamp, WireCandle};

const DEFAULT_LIMIT: u64 = 500;
const MAX_LIMIT: u64 = 5_000;
const DEFAULT_MINUTES: u64 = 60;
const MAX_MINUTES: u64 = 1_440;

/// The query of §1a, read as text so each fault gets its own message.
#[derive(Debug, Deserialize)]
pub(crate) struct CandleParams {
    interval: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<String>,
}

/// The query of §3a.
#[derive(Debug, Deserialize)]
pub(crate) struct HistoryParams {
    minutes: Option<String>,
}

/// A positive count: `default` when absent, at most `max` (larger numbers
/// are clamped); 0 and anything not a number are refused.
fn count(raw: Option<&str>, name: &str, default: u64, max: u64) -> ApiResult<u64> {
    let Some(raw) = raw.map(str::trim) else { return Ok(default) };
    let n = match raw.parse::<u64>() {
        Ok(n) => n,
        // Too many digits for a u64 is still a (large) number.
        Err(_) if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) => max,
        Err(_) => return Err(ApiError::invalid(format!("{name} must be a number, not {raw:?}"))),
    };
    if n == 0 {
        return Err(ApiError::invalid(format!("{name} must be at least 1")));
    }
    Ok(n.min(max))
}

/// A time in either of the contract's forms: integer milliseconds since
/// the epoch or an RFC 3339 string.
fn time(raw: &str, name: &str) -> ApiResult<i64> {
    let t = raw.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Ok(ms);
    }
    // An offset's '+' that was not percent-encoded arrives as a space.
    let plus = t.rfind(' ').map(|i| format!("{}+{}", &t[..i], &t[i + 1..]));
    Timestamp::parse_rfc3339(t)
        .or_else(|| plus.as_deref().and_then(Timestamp::parse_rfc3339))
        .map(Timestamp::millis)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "{name} must be milliseconds since the epoch or an RFC 3339 time, not {raw:?}"
            ))
        })
}

fn candle_query(p: &CandleParams) -> ApiResult<Query> {
    let interval = match p.interval.as_deref().map(str::trim) {
        None => Interval::M1,
        Some(s) => Interval::parse(s).ok_or_else(|| {
            ApiError::invalid(format!("unknown interval {s:?}: one of 1m, 5m, 15m, 1h, 1d"))
        })?,
    };
    let limit = count(p.limit.as_deref(), "limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    Ok(Query {
        interval,
        from: p.from.as_deref().map(|t| time(t, "from")).transpose()?,
        to: p.to.as_deref().map(|t| time(t, "to")).transpose()?,
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    })
}

/// `GET /api/v1/prices/{symbol}/candles`.
pub(crate) async fn candles(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    ApiQuery(p): ApiQuery<CandleParams>,
) -> ApiResult<Json<CandleList>> {
    let q = candle_query(&p)?;
    let symbol = normalize_symbol(&raw)
        .ok_or_else(|| ApiError::NotFound(format!("unknown symbol {raw:?}")))?;
    let path = app.history.path(&symbol);
    let now = app.price_clock.now().millis();
    let sym = symbol.clone();
    let found = app
        .db
        .call(move |c| {
            if !db_candles::known(c, &sym)? {
                return Ok(None);
            }
            history::candles(c, &path, &sym, q, now).map(Some)
        })
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("unknown symbol {symbol}")))?;
    Ok(Json(CandleList {
        symbol,
        interval: q.interval.as_str().to_owned(),
        candles: found.into_iter().map(WireCandle::from).collect(),
    }))
}

/// `GET /api/v1/monitoring/history`.
pub(crate) async fn monitoring(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<HistoryParams>,
) -> ApiResult<Json<MonitoringHistory>> {
    let minutes = count(p.minutes.as_deref(), "minutes", DEFAULT_MINUTES, MAX_MINUTES)?;
    let span = i64::try_from(minutes).unwrap_or(i64::MAX) * 60_000;
    let from = Timestamp::from_millis(Timestamp::now().millis() - span);
    Ok(Json(MonitoringHistory { samples: app.sim().samples.after(from) }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn counts_clamp_and_refuse() {
        assert_eq!(count(None, "limit", 500, 5000).unwrap(), 500);
        assert_eq!(count(Some("99999"), "limit", 500, 5000).unwrap(), 5000);
        assert_eq!(count(Some("99999999999999999999999"), "limit", 500, 5000).unwrap(), 5000);
        assert_eq!(count(Some(" 7 "), "limit", 500, 5000).unwrap(), 7);
        for bad in ["0", "", "-1", "ten", "1.5"] {
            assert!(matches!(count(Some(bad), "limit", 500, 5000), Err(ApiError::Invalid(_))));
        }
    }

    #[test]
    fn times_take_both_forms() {
        let ms = 1_705_660_245_123;
        assert_eq!(time("1705660245123", "from").unwrap(), ms);
        assert_eq!(time("2024-01-19T10:30:45.123Z", "from").unwrap(), ms);
        assert_eq!(time("2024-01-19T11:30:45.123 01:00", "from").unwrap(), ms);
        assert!(matches!(time("yesterday", "from"), Err(ApiError::Invalid(_))));
    }
}
