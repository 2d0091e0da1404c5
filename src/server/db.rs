//! The SQLite database: one connection behind a std mutex, used only inside
//! `spawn_blocking`, so the lock is never held across an `.await`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rusqlite::Connection;

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS reports (
    id                    INTEGER PRIMARY KEY,
    account_number        TEXT NOT NULL,
    report_date           TEXT NOT NULL,
    validation_status     TEXT NOT NULL,
    extraction_confidence REAL NOT NULL,
    data_quality_score    REAL NOT NULL,
    processing_time_ms    REAL,
    body                  TEXT NOT NULL  -- the whole Report as JSON
);
CREATE INDEX IF NOT EXISTS reports_by_date ON reports (report_date);
CREATE TABLE IF NOT EXISTS insights (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    category   TEXT NOT NULL,
    confidence REAL NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY,
    insight_id INTEGER NOT NULL REFERENCES insights (id),
    kind       TEXT NOT NULL CHECK (kind IN ('rating', 'comment', 'flag')),
    rating     INTEGER,
    text       TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_insight ON feedback (insight_id);
CREATE TABLE IF NOT EXISTS kpis (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    body     TEXT NOT NULL  -- the whole KPI as JSON
);
CREATE TABLE IF NOT EXISTS idempotency (
    key        TEXT PRIMARY KEY,
    request    TEXT NOT NULL,  -- "METHOD /path"
    status     INTEGER NOT NULL,
    body       BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS candles (  -- one-minute candles of the simulated market
    symbol TEXT NOT NULL,
    start  INTEGER NOT NULL,  -- ms since the epoch, aligned to the minute
    open   REAL NOT NULL,
    high   REAL NOT NULL,
    low    REAL NOT NULL,
    close  REAL NOT NULL,
    volume REAL NOT NULL,
    PRIMARY KEY (symbol, start)
) WITHOUT ROWID;
"#;

/// Shared handle to the one connection.
#[derive(Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Open (creating if needed) the database at `path`, in WAL mode.
    pub(crate) fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)
            .with_context(|| format!("opening database {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA).context("creating schema")?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Run `f` with the connection on the blocking pool.
    pub(crate) async fn call<R, F>(&self, f: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<R> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| anyhow::anyhow!("database lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .context("database task panicked")?
    }

    /// Synchronous access, for start-up and shutdown only.
    pub(crate) fn blocking<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        let mut guard = self.conn.lock().map_err(|_| anyhow::anyhow!("database lock poisoned"))?;
        f(&mut guard)
    }
}
