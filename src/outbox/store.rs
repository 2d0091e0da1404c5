//! The outbox table. Every write is one statement on a WAL database with
//! `synchronous=FULL`, so an action is on disk when `enqueue` returns.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::Notify;

use super::policy::Settle;
use super::{Action, Item, ItemStatus, OutboxError};
use crate::protocol::Timestamp;

/// Delivered items shown by [`Outbox::items`].
const SHOWN_DELIVERED: i64 = 20;
/// Delivered items kept on disk (pruned at open); the rest is history.
const KEPT_DELIVERED: i64 = 500;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT    NOT NULL UNIQUE,
    action          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_by_status ON outbox (status, id);
PRAGMA user_version = 1;
";

const COLUMNS: &str = "id, key, action, status, attempts, last_error, created_at, next_attempt_at";

/// The durable queue of reviewer actions. Cheap to clone; every clone is the
/// same database and wakes the same sender.
#[derive(Debug, Clone)]
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
    changed: Arc<Notify>,
}

impl Outbox {
    /// Open (creating the directory and table if needed) the outbox at `path`.
    pub fn open(path: &Path) -> Result<Outbox, OutboxError> {
        let open_err = |source: rusqlite::Error| OutboxError::Open {
            path: path.to_path_buf(),
            reason: source.to_string(),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OutboxError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(open_err)?;
        conn.execute_batch(SCHEMA).map_err(open_err)?;
        conn.execute(
            "DELETE FROM outbox WHERE status = 'delivered' AND id NOT IN
               (SELECT id FROM outbox WHERE status = 'delivered' ORDER BY id DESC LIMIT ?1)",
            [KEPT_DELIVERED],
        )
        .map_err(open_err)?;
        Ok(Outbox {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path.to_path_buf()),
            changed: Arc::new(Notify::new()),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Store `action` as pending with a new idempotency key, due now.
    /// Durable on return.
    pub fn enqueue(&self, action: Action) -> Result<Item, OutboxError> {
        self.enqueue_held(&new_key(), action, Duration::ZERO)
    }

    /// Store `action` under `key`, held for `hold` before it is first sent
    /// (the undo window; zero: due now). Durable on return: a crash during
    /// the hold loses nothing, and the next start sends it.
    pub fn enqueue_held(
        &self,
        key: &str,
        action: Action,
        hold: Duration,
    ) -> Result<Item, OutboxError> {
        let json = serde_json::to_string(&action)
            .map_err(|e| OutboxError::Corrupt { id: 0, reason: e.to_string() })?;
        let now = Timestamp::now();
        let due = Timestamp(now.0.saturating_add(millis(hold)));
        let id = {
            let conn = self.conn();
            conn.execute(
                "INSERT INTO outbox (key, action, status, attempts, created_at, next_attempt_at)
                 VALUES (?1, ?2, 'pending', 0, ?3, ?4)",
                params![key, json, now.0, due.0],
            )?;
            conn.last_insert_rowid()
        };
        self.changed.notify_one();
        let held_ms = millis(hold);
        tracing::info!(id, key, action = %action.describe(), held_ms, "outbox: queued");
        Ok(Item {
            id,
            key: key.to_owned(),
            action,
            status: ItemStatus::Pending,
            attempts: 0,
            last_error: None,
            created_at: now,
            next_attempt_at: Some(due),
        })
    }

    /// Take back the items with these keys that are still held (never sent,
    /// not yet due): they are deleted and never sent. Returns the keys taken
    /// back; the others were already on their way or gone. One statement:
    /// the sender only picks an item up once it is due, so an item is either
    /// taken back here or sent, never both.
    pub fn undo(&self, keys: &[String]) -> Result<Vec<String>, OutboxError> {
        let now = Timestamp::now();
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "DELETE FROM outbox WHERE key = ?1 AND status = 'pending' AND attempts = 0
               AND next_attempt_at > ?2",
        )?;
        let mut taken = Vec::new();
        for key in keys {
            if stmt.execute(params![key, now.0])? == 1 {
                taken.push(key.clone());
            }
        }
        drop(stmt);
        drop(conn);
        if !taken.is_empty() {
            self.changed.notify_one();
            tracing::info!(n = taken.len(), "outbox: taken back by the user (undo)");
        }
        Ok(taken)
    }

    /// End every hold now (quitting sends what is held): the held items,
    /// now due.
    pub fn release_held(&self) -> Result<Vec<Item>, OutboxError> {
        let now = Timestamp::now();
        let held: Vec<Item> =
            self.items()?.into_iter().filter(|i| i.held_until(now).is_some()).collect();
        self.conn().execute(
            "UPDATE outbox SET next_attempt_at = ?1
             WHERE status = 'pending' AND attempts = 0 AND next_attempt_at > ?1",
            [now.0],
        )?;
        if !held.is_empty() {
            self.changed.notify_one();
        }
        Ok(held)
    }

    /// Pending and failed items, plus the last 20 delivered, oldest first.
    pub fn items(&self) -> Result<Vec<Item>, OutboxError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE status != 'delivered'
             UNION ALL
             SELECT * FROM (SELECT {COLUMNS} FROM outbox WHERE status = 'delivered'
                            ORDER BY id DESC LIMIT ?1)
             ORDER BY id"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([SHOWN_DELIVERED], read_row)?;
        let mut items = Vec::new();
        for row in rows {
            match row? {
                Ok(item) => items.push(item),
                Err(e) => tracing::warn!(error = %e, "outbox: skipping an unreadable item"),
            }
        }
        Ok(items)
    }

    /// Items not yet delivered (pending or failed).
    pub fn pending_count(&self) -> Result<usize, OutboxError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM outbox WHERE status != 'delivered'",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Put a failed item back in the queue, due now, with its key. A pending
    /// item is left as it is.
    pub fn retry(&self, id: i64) -> Result<(), OutboxError> {
        match self.status(id)? {
            None => return Err(OutboxError::NotFound(id)),
            Some(ItemStatus::Delivered) => return Err(OutboxError::AlreadyDelivered(id)),
            Some(ItemStatus::Pending) => return Ok(()),
            Some(ItemStatus::Failed) => {}
        }
        self.conn().execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?2
             WHERE id = ?1 AND status = 'failed'",
            params![id, Timestamp::now().0],
        )?;
        self.changed.notify_one();
        tracing::info!(id, "outbox: retry requested");
        Ok(())
    }

    /// Remove an item for good (the user's choice).
    pub fn drop_item(&self, id: i64) -> Result<(), OutboxError> {
        let n = self.conn().execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(OutboxError::NotFound(id));
        }
        self.changed.notify_one();
        tracing::info!(id, "outbox: dropped by the user");
        Ok(())
    }

    /// Wakes the sender (enqueue, retry and drop notify it).
    pub(crate) fn notifier(&self) -> Arc<Notify> {
        Arc::clone(&self.changed)
    }

    /// The oldest pending item, due or not. Unreadable rows are marked failed
    /// on the way so they cannot block the queue.
    pub(crate) fn head(&self) -> Result<Option<Item>, OutboxError> {
        let conn = self.conn();
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE status = 'pending' ORDER BY id");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            match read_row(row)? {
                Ok(item) => return Ok(Some(item)),
                Err(OutboxError::Corrupt { id, reason }) => {
                    tracing::warn!(id, %reason, "outbox: unreadable item marked failed");
                    conn.execute(
                        "UPDATE outbox SET status = 'failed', last_error = ?2 WHERE id = ?1",
                        params![id, format!("unreadable item: {reason}")],
                    )?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// Make every pending item due now (start-up: send again at once).
    pub(crate) fn all_due_now(&self) -> Result<(), OutboxError> {
        self.conn().execute(
            "UPDATE outbox SET next_attempt_at = ?1
             WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at > ?1)",
            [Timestamp::now().0],
        )?;
        Ok(())
    }

    /// Record one attempt on a pending item. `None` when the user dropped it
    /// meanwhile.
    pub(crate) fn settle(&self, id: i64, settle: &Settle) -> Result<Option<Item>, OutboxError> {
        let (status, error, next) = match settle {
            Settle::Delivered => ("delivered", None, None),
            Settle::Failed { message } => ("failed", Some(message.as_str()), None),
            Settle::Retry { error, at } => ("pending", Some(error.as_str()), Some(at.0)),
        };
        let conn = self.conn();
        conn.execute(
            "UPDATE outbox SET status = ?2, attempts = attempts + 1, last_error = ?3,
                               next_attempt_at = ?4
             WHERE id = ?1 AND status = 'pending'",
            params![id, status, error, next],
        )?;
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
        conn.query_row(&sql, [id], read_row).optional()?.transpose()
    }

    fn status(&self, id: i64) -> Result<Option<ItemStatus>, OutboxError> {
        let s: Option<String> = self
            .conn()
            .query_row("SELECT status FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(s.as_deref().map(parse_status))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written row:
        // every change is one statement.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fresh Idempotency-Key (protocol §7).
pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn parse_status(s: &str) -> ItemStatus {
    match s {
        "delivered" => ItemStatus::Delivered,
        "failed" => ItemStatus::Failed,
        _ => ItemStatus::Pending,
    }
}

/// One row; the inner error is an unreadable action (the row is still there).
fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<Item, OutboxError>> {
    let id: i64 = row.get(0)?;
    let json: String = row.get(2)?;
    let status: String = row.get(3)?;
    let item = serde_json::from_str::<Action>(&json)
        .map_err(|e| OutboxError::Corrupt { id, reason: e.to_string() })
        .map(|action| -> rusqlite::Result<Item> {
            Ok(Item {
                id,
                key: row.get(1)?,
                action,
                status: parse_status(&status),
                attempts: row.get(4)?,
                last_error: row.get(5)?,
                created_at: Timestamp(row.get(6)?),
                next_attempt_at: row.get::<_, Option<i64>>(7)?.map(Timestamp),
            })
        });
    match item {
        Ok(r) => r.map(Ok),
        Err(e) => Ok(Err(e)),
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
