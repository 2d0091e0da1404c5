//! The durable outbox (issue 5): every reviewer action is written to SQLite
//! with its own Idempotency-Key before anything is sent, and a sender task
//! delivers it, retrying network errors, 5xx and 429 with the same key until
//! the server gives a final answer (protocol §7). Nothing is lost on a crash,
//! and the server applies each action once.
//!
//! - [`action`]: what can be queued, and its path and body.
//! - [`answer`]: what the server answers, typed by the action's kind.
//! - [`store`]: the table ([`Outbox`]); synchronous, called from the UI.
//! - [`policy`]: the pure decision: answer -> outcome -> store change.
//! - [`sender`]: the task that drives it ([`spawn_sender`]).
//! - [`release`]: quitting sends what the undo window held.

pub mod action;
pub mod answer;
pub mod policy;
pub mod release;
pub mod sender;
pub mod store;

use std::path::PathBuf;

use thiserror::Error;

pub use action::{Action, Silence};
pub use answer::{Answer, Undecodable};
pub use policy::Outcome;
pub use release::send_held;
pub use sender::{SenderConfig, SenderHandle, spawn_sender};
pub use store::{Outbox, new_key};

use crate::protocol::Timestamp;
use crate::task::TaskFailed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// Waiting to be sent (again).
    Pending,
    /// The server answered 2xx.
    Delivered,
    /// The server refused it for good; waits for the user to retry or drop it.
    Failed,
}

/// One queued action and where its delivery stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    /// The Idempotency-Key, sent unchanged on every attempt.
    pub key: String,
    pub action: Action,
    pub status: ItemStatus,
    /// Requests made so far.
    pub attempts: u32,
    /// Why the last attempt did not deliver (the server's message if any).
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    /// When a pending item is sent next; `None` once delivered or failed.
    pub next_attempt_at: Option<Timestamp>,
}

/// Decisions made together (one key), with the Idempotency-Keys they will
/// be sent with, held for `hold` before the sender takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub keys: Vec<String>,
    pub actions: Vec<Action>,
    pub hold: std::time::Duration,
}

impl Item {
    /// Until when the item is held for undo: pending, never attempted, and
    /// not yet due. (A start makes every pending item due, so holds do not
    /// outlive the console that made them.)
    pub fn held_until(&self, now: Timestamp) -> Option<Timestamp> {
        let due = self.next_attempt_at?;
        (self.status == ItemStatus::Pending && self.attempts == 0 && due.0 > now.0).then_some(due)
    }
}

#[derive(Debug, Error)]
pub enum OutboxError {
    #[error("cannot open the outbox database {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    #[error("outbox database error: {0} (is the disk full or the data directory read-only?)")]
    Db(#[from] rusqlite::Error),
    #[error("outbox item {id} cannot be read ({reason}); drop it")]
    Corrupt { id: i64, reason: String },
    #[error("outbox item {0} no longer exists")]
    NotFound(i64),
    #[error("outbox item {0} was already delivered; there is nothing to retry")]
    AlreadyDelivered(i64),
    #[error("cannot set up delivery: {0}")]
    Setup(String),
    #[error("the outbox task stopped unexpectedly: {0}")]
    Task(String),
}

/// What the sender tells the UI.
#[derive(Debug, Clone)]
pub enum OutboxEvent {
    /// The outbox changed (enqueue, attempt, delivery, failure, retry, drop):
    /// current `items()`.
    Changed(Vec<Item>),
    /// 2xx: the server's answer (a Report for decisions, FeedbackStats for
    /// feedback); `None` when it could not be decoded ([`Undecodable`] was
    /// sent just before).
    Delivered { item: Item, answer: Option<Answer> },
    /// 409: someone else decided; `current` is `error.current` from the
    /// envelope, decoded (`None` when absent or undecodable).
    Conflict { item: Item, message: String, current: Option<Answer> },
    /// 403: not allowed with this token; not retried.
    Forbidden { item: Item, message: String },
    /// Any other final 4xx (400, 401, 404, 422): not retried.
    Rejected { item: Item, status: u16, message: String },
    /// An answer could not be decoded: logged, and counted here. `total`
    /// counts them since the sender started; `reason` says what the last
    /// one was (cleaned; never a body or a token).
    Undecodable { total: u64, reason: String },
    /// The sender itself failed (a panic): nothing more is sent this run;
    /// what is queued stays on disk for the next.
    Stopped(TaskFailed),
}

impl From<TaskFailed> for OutboxEvent {
    fn from(f: TaskFailed) -> Self {
        OutboxEvent::Stopped(f)
    }
}
