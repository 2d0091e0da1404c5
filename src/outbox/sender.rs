//! The sender task: a thin driver around [`policy`]. It takes the oldest
//! pending item when it is due, POSTs it with its stored key, lets the
//! policy classify the answer, records that in the store and tells the UI.
//! Between attempts it sleeps until the head of the queue is due or it is
//! woken; a closed event channel stops it.

use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::policy::{self, Outcome};
use super::{Item, Outbox, OutboxError, OutboxEvent, Undecodable};
use crate::api::ApiClient;
use crate::feeds::Backoff;
use crate::protocol::Timestamp;
use crate::task::{Task, TaskFailed, spawn_watched};

#[derive(Clone)]
pub struct SenderConfig {
    pub base_url: String,
    /// Redacts itself in logs.
    pub token: Option<crate::token::Token>,
    /// TLS for https; `None` keeps reqwest's own verifying default.
    pub tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    /// Per request.
    pub timeout: Duration,
    pub backoff: Backoff,
    /// Sent as `X-User` with every action, and the author of silences.
    pub user: Option<String>,
    /// Where Alertmanager alerts are acknowledged and snoozed (silences).
    pub alertmanager: Option<crate::sources::Alertmanager>,
}

/// The running sender. Dropping the handle leaves the task running; it
/// stops when the event channel closes or on [`SenderHandle::shutdown`].
pub struct SenderHandle {
    wake: Arc<Notify>,
    join: JoinHandle<()>,
}

impl SenderHandle {
    /// Look at the queue now (enqueue, retry and drop already do this).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stop the task, even mid-request: an interrupted item stays pending
    /// and is sent again later with the same key, so nothing is lost or
    /// applied twice.
    pub async fn shutdown(self) {
        self.join.abort();
        let _ = self.join.await;
    }
}

/// Spawn the sender. Events go out as `E::from(OutboxEvent)`, and a panic
/// as `E::from(TaskFailed)`; a closed channel stops it. Must be called
/// within a tokio runtime.
pub fn spawn_sender<E: From<OutboxEvent> + From<TaskFailed> + Send + 'static>(
    outbox: Outbox,
    cfg: SenderConfig,
    tx: mpsc::Sender<E>,
) -> Result<SenderHandle, OutboxError> {
    crate::tls::install_crypto();
    let client = ApiClient::new(&cfg.base_url, cfg.token.as_ref(), cfg.timeout, cfg.tls.clone())
        .and_then(|c| match &cfg.user {
            Some(user) => c.with_user(user),
            None => Ok(c),
        })
        .map_err(|e| OutboxError::Setup(e.to_string()))?;
    let wake = outbox.notifier();
    let sender = Sender {
        outbox,
        client,
        alertmanager: cfg.alertmanager.clone(),
        user: cfg.user.clone().unwrap_or_else(|| "console".into()),
        backoff: cfg.backoff,
        tx: tx.clone(),
        wake: Arc::clone(&wake),
        rng: SmallRng::from_os_rng(),
        undecodable: 0,
    };
    Ok(SenderHandle { wake, join: spawn_watched(Task::Outbox, tx, sender.run()) })
}

struct Sender<E> {
    outbox: Outbox,
    client: ApiClient,
    alertmanager: Option<crate::sources::Alertmanager>,
    /// The author of silences.
    user: String,
    backoff: Backoff,
    tx: mpsc::Sender<E>,
    wake: Arc<Notify>,
    rng: SmallRng,
    /// Answers that could not be decoded, since the sender started.
    undecodable: u64,
}

/// `false` from a step means: the UI is gone, stop.
type Alive = bool;

impl<E: From<OutboxEvent> + Send + 'static> Sender<E> {
    async fn run(mut self) {
        // What was pending when we last stopped goes out now.
        if let Err(e) = self.db(Outbox::all_due_now).await {
            tracing::warn!(error = %e, "outbox: cannot reschedule pending items");
        }
        if !self.changed().await {
            return;
        }
        loop {
            let head = match self.db(Outbox::head).await {
                Ok(head) => head,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: cannot read the queue");
                    if !self.pause(Some(self.backoff.cap)).await {
                        return;
                    }
                    continue;
                }
            };
            let wait = head.as_ref().map(|item| until(item.next_attempt_at));
            let alive = match (head, wait) {
                (Some(item), Some(Duration::ZERO)) => self.attempt(item).await,
                (_, wait) => self.pause(wait).await,
            };
            if !alive {
                tracing::debug!("outbox: event channel closed, sender stops");
                return;
            }
        }
    }

    /// Send one item and record the result.
    async fn attempt(&mut self, item: Item) -> Alive {
        let attempt = item.attempts.saturating_add(1);
        let what = item.action.describe();
        tracing::info!(id = item.id, key = %item.key, action = %what, attempt, "outbox: sending");
        let outcome = match item.action.silence() {
            Some(silence) => self.silence(&item.action, silence).await,
            None => {
                let sent =
                    self.client.post(&item.action.path(), &item.key, &item.action.body()).await;
                match sent {
                    Ok(r) => policy::outcome(&item.action, r.status, r.retry_after, &r.body),
                    Err(e) => policy::network_error(&e.to_string()),
                }
            }
        };
        let delay = match &outcome {
            Outcome::Retry { after, .. } => {
                policy::retry_delay(&self.backoff, attempt, *after, &mut self.rng)
            }
            _ => Duration::ZERO,
        };
        log(&item, &what, attempt, &outcome, delay);
        if let Some(e) = outcome.undecodable()
            && !self.count_undecodable(&item, &what, e).await
        {
            return false;
        }
        let settle = policy::settle(&outcome, Timestamp::now(), delay);
        let id = item.id;
        match self.db(move |o| o.settle(id, &settle)).await {
            Ok(Some(item)) => {
                if let Some(ev) = event(item, outcome)
                    && self.tx.send(E::from(ev)).await.is_err()
                {
                    return false;
                }
                self.changed().await
            }
            Ok(None) => self.changed().await,
            Err(e) => {
                // Still pending on disk: it goes again with the same key.
                tracing::error!(id, error = %e, "outbox: cannot record an attempt");
                self.pause(Some(self.backoff.cap)).await
            }
        }
    }

    /// An Alertmanager acknowledgement or snooze: the silence, made at
    /// most once (Alertmanager keeps no idempotency keys, so the client
    /// looks for this user's silence on these labels before making one).
    async fn silence(&self, action: &super::Action, silence: &super::Silence) -> Outcome {
        use crate::sources::{ack_comment, snooze_comment};
        let Some(am) = &self.alertmanager else {
            let reason = "no Alertmanager configured (--alertmanager URL); kept until it is";
            return policy::network_error(reason);
        };
        let comment = match action {
            super::Action::AckAlert { note, .. } => ack_comment(note.as_deref()),
            _ => snooze_comment(silence.ends_at),
        };
        match am.ensure_silence(&silence.labels, &self.user, &comment, silence.ends_at).await {
            Ok(_) => Outcome::Delivered { answer: Ok(super::Answer::Alert(None)) },
            Err(e) if e.is_retryable() => policy::network_error(&e.to_string()),
            Err(e) => Outcome::Rejected { status: e.status().unwrap_or(0), message: e.to_string() },
        }
    }

    /// Log and count an answer that could not be decoded, and tell the UI.
    async fn count_undecodable(&mut self, item: &Item, what: &str, e: &Undecodable) -> Alive {
        self.undecodable += 1;
        let total = self.undecodable;
        tracing::warn!(
            id = item.id, key = %item.key, action = %what, error = %e, total,
            "outbox: the server's answer could not be decoded"
        );
        let reason = format!("{what}: {e}");
        self.tx.send(E::from(OutboxEvent::Undecodable { total, reason })).await.is_ok()
    }

    /// Wait for `wait` (forever if `None`), a wake-up, or the UI to go away.
    async fn pause(&mut self, wait: Option<Duration>) -> Alive {
        let sleep = async {
            match wait {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = sleep => true,
            () = self.wake.notified() => self.changed().await,
            () = self.tx.closed() => false,
        }
    }

    /// Tell the UI the current items.
    async fn changed(&mut self) -> Alive {
        match self.db(Outbox::items).await {
            Ok(items) => self.tx.send(E::from(OutboxEvent::Changed(items))).await.is_ok(),
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot list items");
                !self.tx.is_closed()
            }
        }
    }

    /// Run a store call on the blocking pool (SQLite fsyncs).
    async fn db<R, F>(&self, f: F) -> Result<R, OutboxError>
    where
        R: Send + 'static,
        F: FnOnce(&Outbox) -> Result<R, OutboxError> + Send + 'static,
    {
        let outbox = self.outbox.clone();
        tokio::task::spawn_blocking(move || f(&outbox))
            .await
            .map_err(|e| OutboxError::Task(e.to_string()))?
    }
}

/// Time left until `at`; zero when due (or never scheduled).
fn until(at: Option<Timestamp>) -> Duration {
    let left = at.map_or(0, |t| t.0.saturating_sub(Timestamp::now().0));
    Duration::from_millis(u64::try_from(left).unwrap_or(0))
}

/// The event for a final outcome; retries only change the list.
fn event(item: Item, outcome: Outcome) -> Option<OutboxEvent> {
    Some(match outcome {
        Outcome::Delivered { answer } => OutboxEvent::Delivered { item, answer: answer.ok() },
        Outcome::Conflict { message, current } => {
            OutboxEvent::Conflict { item, message, current: current.ok().flatten() }
        }
        Outcome::Forbidden { message } => OutboxEvent::Forbidden { item, message },
        Outcome::Rejected { status, message } => OutboxEvent::Rejected { item, status, message },
        Outcome::Retry { .. } => return None,
    })
}

/// One line per attempt: ids, key and status only (no token, no bodies).
fn log(item: &Item, what: &str, attempt: u32, outcome: &Outcome, delay: Duration) {
    let (id, key) = (item.id, item.key.as_str());
    match outcome {
        Outcome::Delivered { .. } => {
            tracing::info!(id, key, action = %what, attempt, "outbox: delivered");
        }
        Outcome::Retry { reason, .. } => tracing::warn!(
            id, key, action = %what, attempt, %reason, retry_in_ms = delay.as_millis() as u64,
            "outbox: not delivered, will retry"
        ),
        o => tracing::warn!(
            id, key, action = %what, attempt, reason = o.failure_message().unwrap_or_default(),
            "outbox: refused by the server, kept as failed"
        ),
    }
}
