//! Price history of the reference server (protocol §1a): which symbols
//! keep candles, their seeding (the last day of the market's path, so a
//! chart opens full), the recorder that stores each minute as it closes and
//! prunes what is older than `--history-days`, and the answer to a candles
//! query (stored minutes, the minutes since, aggregated to the interval).
//! Every "now" here is the price clock's, so `--time-scale` stays consistent.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;
use tokio::time::{MissedTickBehavior, interval};

use super::AppState;
use super::db_candles;
use super::market::PricePath;
use crate::protocol::{Candle, Interval, aggregate};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// How much of the past a symbol gets when it becomes known.
pub(crate) const SEED_SPAN_MS: i64 = DAY_MS;
/// At most this many symbols keep history (the defaults and those first
/// subscribed), so a client subscribing to thousands cannot fill the disk.
const MAX_SYMBOLS: usize = 64;
/// How often, in real time, the recorder looks for closed minutes.
const RECORD_EVERY: Duration = Duration::from_secs(1);

/// Which symbols keep history, and for how long.
pub(crate) struct History {
    seed: u64,
    retention_ms: i64,
    /// Symbols stored or being seeded; at most [`MAX_SYMBOLS`].
    claimed: Mutex<HashSet<String>>,
}

impl History {
    pub(crate) fn new(seed: u64, days: u32) -> Self {
        History {
            seed,
            retention_ms: i64::from(days.max(1)) * DAY_MS,
            claimed: Mutex::new(HashSet::new()),
        }
    }

    pub(crate) fn path(&self, symbol: &str) -> PricePath {
        PricePath::new(symbol, self.seed)
    }

    /// Take `symbol` on: true the first time, if there is room (the caller
    /// then seeds it).
    pub(crate) fn claim(&self, symbol: &str) -> bool {
        let mut set = self.claimed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        set.len() < MAX_SYMBOLS && set.insert(symbol.to_owned())
    }

    /// Store every missing closed minute of the last [`SEED_SPAN_MS`] up to
    /// `now` for each of `symbols`, in one transaction. Returns the rows added.
    pub(crate) fn seed(
        &self,
        conn: &mut Connection,
        symbols: &[String],
        now: i64,
    ) -> anyhow::Result<usize> {
        let tx = conn.transaction()?;
        let mut added = 0;
        for s in symbols {
            added += db_candles::fill(&tx, s, &self.path(s), (now - SEED_SPAN_MS, now), now)?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Store the minutes closed since the newest stored one for every
    /// known symbol, and prune what is older than the retention.
    fn record(&self, conn: &mut Connection, now: i64) -> anyhow::Result<usize> {
        let tx = conn.transaction()?;
        let mut added = 0;
        for s in db_candles::symbols(&tx)? {
            let from = db_candles::newest(&tx, &s)?
                .map_or(now - SEED_SPAN_MS, |n| n + MINUTE_MS)
                .max(now - SEED_SPAN_MS);
            added += db_candles::fill(&tx, &s, &self.path(&s), (from, now), now)?;
            db_candles::prune(&tx, &s, now - self.retention_ms)?;
        }
        tx.commit()?;
        Ok(added)
    }
}

/// Give `symbol` (just subscribed on `/ws/prices`) its history unless it
/// has some: the seeding runs on the blocking pool, off the socket's path.
pub(crate) fn request(app: &AppState, symbol: &str) {
    if !app.history.claim(symbol) {
        return;
    }
    let (app, symbol) = (app.clone(), vec![symbol.to_owned()]);
    tokio::spawn(async move {
        let now = app.price_clock.now().millis();
        let a = app.clone();
        match app.db.call(move |c| a.history.seed(c, &symbol, now)).await {
            Ok(added) => tracing::debug!(added, "seeded the history of a new symbol"),
            Err(e) => tracing::warn!(error = %e, "could not seed a symbol's history"),
        }
    });
}

/// The recorder: until shutdown, store each minute as it closes.
pub(crate) async fn run(app: AppState) {
    let mut shutdown = app.shutdown.clone();
    let mut every = interval(RECORD_EVERY);
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = every.tick() => {
                let now = app.price_clock.now().millis();
                let a = app.clone();
                if let Err(e) = app.db.call(move |c| a.history.record(c, now)).await {
                    tracing::warn!(error = %e, "recording candles failed");
                }
            }
            _ = super::stopped(&mut shutdown) => return,
        }
    }
}

/// What a candles query asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query {
    pub interval: Interval,
    /// Bounds on the buckets' start times, both inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// At least 1: the newest `limit` buckets in range are answered.
    pub limit: usize,
}

/// `symbol`'s candles for `q` as they stand at `now`: stored minutes, then
/// the minutes after the newest stored one (not recorded yet, and the one
/// still open) from the path, aggregated to the interval.
pub(crate) fn candles(
    conn: &Connection,
    path: &PricePath,
    symbol: &str,
    q: Query,
    now: i64,
) -> anyhow::Result<Vec<Candle>> {
    let step = q.interval.millis();
    let last = q.interval.bucket(q.to.map_or(now, |t| t.min(now)));
    let limit = i64::try_from(q.limit.max(1)).unwrap_or(i64::MAX);
    let mut lo = last.saturating_sub((limit - 1).saturating_mul(step));
    if let Some(from) = q.from {
        lo = lo.max(from);
    }
    let first = q.interval.bucket(lo) + if q.interval.bucket(lo) < lo { step } else { 0 };
    if first > last {
        return Ok(Vec::new());
    }
    let (from, to) = (first, last + step);
    let mut minutes = db_candles::read(conn, symbol, from, to)?;
    let newest = db_candles::newest(conn, symbol)?.map_or(i64::MIN, |n| n + MINUTE_MS);
    // Never more than a day made up from the path: the recorder keeps up.
    let tail = newest.max(from).max(Interval::M1.bucket(now) - SEED_SPAN_MS);
    minutes.extend(path.minutes(tail, to, now));
    let mut out = aggregate(&minutes, q.interval);
    let excess = out.len().saturating_sub(q.limit);
    out.drain(..excess);
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const T0: i64 = 1_705_660_200_000; // 10:30 UTC

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::db::SCHEMA).unwrap();
        conn
    }

    #[test]
    fn aggregation_takes_first_open_last_close_extremes_and_sum() {
        let m =
            |start, open, high, low, close| Candle { start, open, high, low, close, volume: 10.0 };
        let minutes = [
            m(T0, 10.0, 11.0, 9.5, 10.5),
            m(T0 + MINUTE_MS, 10.5, 12.0, 10.0, 11.0),
            m(T0 + 4 * MINUTE_MS, 11.0, 11.5, 9.0, 9.2),
            m(T0 + 5 * MINUTE_MS, 9.2, 9.3, 9.1, 9.25),
        ];
        let five = aggregate(&minutes, Interval::M5);
        assert_eq!(
            five,
            vec![
                Candle { start: T0, open: 10.0, high: 12.0, low: 9.0, close: 9.2, volume: 30.0 },
                Candle { start: T0 + 5 * MINUTE_MS, ..minutes[3] },
            ]
        );
        assert_eq!(aggregate(&minutes, Interval::M1), minutes.to_vec());
    }

    #[test]
    fn seeded_history_reaches_now_and_retention_prunes() {
        let mut conn = db();
        let h = History::new(42, 1);
        let now = T0 + 30_000;
        let added = h.seed(&mut conn, &["AAPL".into()], now).unwrap();
        assert_eq!(added, 1439, "the closed minutes starting in the last 24 hours");
        let q = Query { interval: Interval::M1, from: None, to: None, limit: 5000 };
        let all = candles(&conn, &h.path("AAPL"), "AAPL", q, now).unwrap();
        assert_eq!(all.len(), 1440, "a day of minutes, the newest still open");
        assert_eq!(
            all.last().unwrap().close,
            super::super::market::cents(h.path("AAPL").price(now))
        );
        // Two days later the recorder has stored the minutes since and
        // dropped those older than a day.
        let later = now + 2 * DAY_MS;
        h.record(&mut conn, later).unwrap();
        let stored = db_candles::read(&conn, "AAPL", 0, i64::MAX).unwrap();
        let day_ago = Interval::M1.bucket(later) - DAY_MS + MINUTE_MS;
        assert_eq!(stored.first().unwrap().start, day_ago);
        assert_eq!(stored.last().unwrap().start, Interval::M1.bucket(later) - MINUTE_MS);
    }

    #[test]
    fn ranges_and_limits_pick_bucket_starts() {
        let mut conn = db();
        let h = History::new(1, 7);
        let now = T0 + 45_000;
        h.seed(&mut conn, &["MSFT".into()], now).unwrap();
        let path = h.path("MSFT");
        let q = |interval, from, to, limit| Query { interval, from, to, limit };
        let hours = candles(&conn, &path, "MSFT", q(Interval::H1, None, None, 3), now).unwrap();
        let starts: Vec<i64> = hours.iter().map(|c| c.start).collect();
        assert_eq!(starts, vec![T0 - 150 * MINUTE_MS, T0 - 90 * MINUTE_MS, T0 - 30 * MINUTE_MS]);
        let (from, to) = (T0 - 10 * MINUTE_MS + 1, T0 - 5 * MINUTE_MS);
        let some = candles(&conn, &path, "MSFT", q(Interval::M5, Some(from), Some(to), 500), now);
        assert_eq!(some.unwrap().iter().map(|c| c.start).collect::<Vec<_>>(), vec![to]);
        let none = candles(&conn, &path, "MSFT", q(Interval::M1, Some(now + 1), None, 5), now);
        assert!(none.unwrap().is_empty());
    }
}
