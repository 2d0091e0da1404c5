//! One-minute candles of the simulated market in SQLite (table `candles`).
//! Only closed minutes are stored; a symbol is known once it has rows.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::market::PricePath;
use crate::protocol::Candle;

const MINUTE_MS: i64 = 60_000;

/// Whether `symbol` has any stored candle.
pub(crate) fn known(conn: &Connection, symbol: &str) -> anyhow::Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM candles WHERE symbol = ?1 LIMIT 1", [symbol], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every symbol with stored candles.
pub(crate) fn symbols(conn: &Connection) -> anyhow::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT symbol FROM candles ORDER BY symbol")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The start of the newest stored minute of `symbol`.
pub(crate) fn newest(conn: &Connection, symbol: &str) -> anyhow::Result<Option<i64>> {
    Ok(conn.query_row("SELECT MAX(start) FROM candles WHERE symbol = ?1", [symbol], |r| r.get(0))?)
}

/// Store every minute of `symbol`'s path that starts in `[from, to)` and is
/// closed at `now` and not stored yet. Returns how many rows were added. The caller decides about the
/// transaction.
pub(crate) fn fill(
    conn: &Connection,
    symbol: &str,
    path: &PricePath,
    (from, to): (i64, i64),
    now: i64,
) -> anyhow::Result<usize> {
    // The first whole minute at or after `from`.
    let from = from.div_euclid(MINUTE_MS) * MINUTE_MS
        + MINUTE_MS * i64::from(from.rem_euclid(MINUTE_MS) != 0);
    // A minute has closed by `now` when it starts before now's minute.
    let to = to.min(now.div_euclid(MINUTE_MS) * MINUTE_MS);
    if from >= to {
        return Ok(0);
    }
    let have: HashSet<i64> = {
        let mut stmt = conn.prepare_cached(
            "SELECT start FROM candles WHERE symbol = ?1 AND start >= ?2 AND start < ?3",
        )?;
        let rows = stmt.query_map(params![symbol, from, to], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO candles (symbol, start, open, high, low, close, volume)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut added = 0;
    // Runs of missing minutes are computed with one cursor each.
    let mut start = from;
    while start < to {
        if have.contains(&start) {
            start += MINUTE_MS;
            continue;
        }
        let mut end = start + MINUTE_MS;
        while end < to && !have.contains(&end) {
            end += MINUTE_MS;
        }
        for c in path.minutes(start, end, now) {
            let row = params![symbol, c.start, c.open, c.high, c.low, c.close, c.volume];
            added += insert.execute(row)?;
        }
        start = end;
    }
    Ok(added)
}

/// Stored minutes of `symbol` starting in `[from, to)`, oldest first.
pub(crate) fn read(
    conn: &Connection,
    symbol: &str,
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<Candle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start, open, high, low, close, volume FROM candles
         WHERE symbol = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
    )?;
    let rows = stmt.query_map(params![symbol, from, to], |r| {
        Ok(Candle {
            start: r.get(0)?,
            open: r.get(1)?,
            high: r.get(2)?,
            low: r.get(3)?,
            close: r.get(4)?,
            volume: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Delete `symbol`'s minutes that start before `before`; returns how many.
pub(crate) fn prune(conn: &Connection, symbol: &str, before: i64) -> anyhow::Result<usize> {
    let mut stmt = conn.prepare_cached("DELETE FROM candles WHERE symbol = ?1 AND start < ?2")?;
    Ok(stmt.execute(params![symbol, before])?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const T0: i64 = 1_705_660_200_000; // a whole minute

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::db::SCHEMA).unwrap();
        conn
    }

    #[test]
    fn fill_stores_closed_minutes_once_and_prune_keeps_the_recent() {
        let conn = db();
        let path = PricePath::new("AAPL", 42);
        let now = T0 + 10 * MINUTE_MS + 30_000;
        assert!(!known(&conn, "AAPL").unwrap());
        // Minutes 0..10 are closed; minute 10 is open and not stored.
        assert_eq!(fill(&conn, "AAPL", &path, (T0, T0 + 60 * MINUTE_MS), now).unwrap(), 10);
        assert_eq!(fill(&conn, "AAPL", &path, (T0 - MINUTE_MS, now), now).unwrap(), 1);
        assert!(known(&conn, "AAPL").unwrap());
        assert_eq!(newest(&conn, "AAPL").unwrap(), Some(T0 + 9 * MINUTE_MS));
        let rows = read(&conn, "AAPL", T0 - MINUTE_MS, now).unwrap();
        assert_eq!(rows.len(), 11);
        assert_eq!(rows, path.minutes(T0 - MINUTE_MS, T0 + 10 * MINUTE_MS, now));

        assert_eq!(prune(&conn, "AAPL", T0 + 5 * MINUTE_MS).unwrap(), 6);
        let left = read(&conn, "AAPL", 0, i64::MAX).unwrap();
        assert_eq!(left.first().map(|c| c.start), Some(T0 + 5 * MINUTE_MS));
        assert_eq!(left.len(), 5);
        // A gap is filled without touching what is there.
        assert_eq!(fill(&conn, "AAPL", &path, (T0, now), now).unwrap(), 5);
        assert_eq!(symbols(&conn).unwrap(), vec!["AAPL".to_owned()]);
    }
}
