//! Quitting during an undo window sends what it held: the user did not take
//! it back, so it was meant. The holds end, a sender runs until those items
//! are settled (or a bound passes), and the caller prints what happened.
//! Whatever is not settled by then stays in the outbox for the next start.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{ItemStatus, Outbox, OutboxEvent, SenderConfig, spawn_sender};

/// End every hold and deliver those items, waiting at most `wait`. Returns
/// one line per held item that was settled, for the terminal after the
/// console has closed.
pub async fn send_held(outbox: &Outbox, cfg: SenderConfig, wait: Duration) -> Vec<String> {
    let held = match outbox.release_held() {
        Ok(held) if held.is_empty() => return Vec::new(),
        Ok(held) => held,
        Err(e) => return vec![format!("cannot send the decisions held for undo: {e}")],
    };
    let mut waiting: BTreeMap<i64, String> =
        held.into_iter().map(|i| (i.id, i.action.describe())).collect();
    let (tx, mut rx) = mpsc::channel::<OutboxEvent>(64);
    let sender = match spawn_sender(outbox.clone(), cfg, tx) {
        Ok(s) => s,
        Err(e) => return vec![format!("cannot send the decisions held for undo: {e}")],
    };
    let mut lines = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !waiting.is_empty() {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await else { break };
        let (id, line) = match ev {
            OutboxEvent::Delivered { item, .. } => {
                (item.id, "sent (it was held for undo when you quit)".to_owned())
            }
            OutboxEvent::Conflict { item, message, .. } => {
                (item.id, format!("not applied, it changed on the server: {message}"))
            }
            OutboxEvent::Forbidden { item, message } => {
                (item.id, format!("refused ({message}); kept in the outbox"))
            }
            OutboxEvent::Rejected { item, status, message } => {
                (item.id, format!("refused ({status}: {message}); kept in the outbox"))
            }
            // A failed first attempt (the server unreachable, 5xx): the
            // sender would retry later; quitting does not wait for that.
            OutboxEvent::Changed(items) => {
                let Some(item) = items.into_iter().find(|i| {
                    waiting.contains_key(&i.id) && i.status == ItemStatus::Pending && i.attempts > 0
                }) else {
                    continue;
                };
                let why = item.last_error.unwrap_or_default();
                (item.id, format!("not sent yet ({why}); kept for the next start"))
            }
            _ => continue,
        };
        if let Some(what) = waiting.remove(&id) {
            lines.push(format!("{what}: {line}"));
        }
    }
    sender.shutdown().await;
    lines
}
