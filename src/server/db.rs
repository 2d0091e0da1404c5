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
    body                  TEXT NOT NULL, -- the whole Report as JSON, without its claim
    claimed_by            TEXT,          -- the claim (§5a), held until it lapses
    claimed_at            INTEGER
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

/// Columns added to a table after its first release: a database made
/// before them gets them when it is opened.
const ADDED_COLUMNS: [(&str, &str, &str); 2] =
    [("reports", "claimed_by", "TEXT"), ("reports", "claimed_at", "INTEGER")];

/// Indexes on added columns, made once the columns exist.
const LATER_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS reports_claimed ON reports (claimed_at) WHERE claimed_by IS NOT NULL;
";

/// Create what is missing: the tables, the columns added since a database
/// was made, and their indexes. Safe to run on every start.
pub(crate) fn prepare(conn: &Connection) -> anyhow::Result<()> {
    conn.execute_batch(SCHEMA).context("creating schema")?;
    for (table, column, kind) in ADDED_COLUMNS {
        let present: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1)"),
            [column],
            |r| r.get(0),
        )?;
        if !present {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))
                .with_context(|| format!("adding {table}.{column}"))?;
        }
    }
    conn.execute_batch(LATER_INDEXES).context("creating indexes")?;
    Ok(())
}

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
        prepare(&conn)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Timestamp;

    #[test]
    fn a_database_made_before_claims_gains_them_and_keeps_its_reports() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.db");
        let old = Connection::open(&path).expect("open");
        old.execute_batch(
            "CREATE TABLE reports (id INTEGER PRIMARY KEY, account_number TEXT NOT NULL,
                 report_date TEXT NOT NULL, validation_status TEXT NOT NULL,
                 extraction_confidence REAL NOT NULL, data_quality_score REAL NOT NULL,
                 processing_time_ms REAL, body TEXT NOT NULL);
             INSERT INTO reports VALUES (7, 'ACC-1', '2024-01-19', 'pending', 0.9, 0.9, NULL,
                 '{\"id\": 7, \"account_number\": \"ACC-1\", \"validation_status\": \"pending\"}');",
        )
        .expect("the old schema");
        drop(old);
        let read = |db: &Db| {
            db.blocking(|c| super::super::db_reports::get_report(c, 7, Timestamp(0)))
                .expect("readable")
                .expect("kept")
        };
        let db = Db::open(&path).expect("opens");
        let report = read(&db);
        assert_eq!((report.account_number.as_str(), report.claimed_by), ("ACC-1", None));
        let claim = "UPDATE reports SET claimed_by = 'ana', claimed_at = 1 WHERE id = 7";
        let claimed = db.blocking(|c| Ok(c.execute(claim, [])?)).expect("the columns are there");
        assert_eq!(claimed, 1);
        drop(db);
        let again = Db::open(&path).expect("opens again");
        assert_eq!(read(&again).claimed_by.as_deref(), Some("ana"));
    }
}
