//! Long-lived background tasks, watched. A task spawned here that panics
//! becomes an event ([`TaskFailed`]) the console shows, and the rest runs
//! on; the panic hook (`tui::terminal`) only logs it, so the terminal stays
//! the UI's.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use thiserror::Error;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::event::FeedKind;

/// A background task of the console, to say which one stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Feed(FeedKind),
    /// The once-a-second tick.
    Clock,
    /// Keys and resizes from the terminal.
    Input,
    /// SIGTERM, SIGHUP and SIGINT.
    Signals,
    /// The outbox sender.
    Outbox,
    /// One REST request.
    Fetch,
    /// Reading Prometheus or Alertmanager.
    Source(&'static str),
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Task::Feed(kind) => write!(f, "the {} feed", kind.label()),
            Task::Clock => f.write_str("the clock"),
            Task::Input => f.write_str("terminal input"),
            Task::Signals => f.write_str("the signal handler"),
            Task::Outbox => f.write_str("the outbox sender"),
            Task::Fetch => f.write_str("a REST request"),
            Task::Source(name) => write!(f, "reading {name}"),
        }
    }
}

/// A task that panicked, and its panic message (cleaned).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{task} stopped unexpectedly: {message}")]
pub struct TaskFailed {
    pub task: Task,
    pub message: String,
}

/// Spawn `work` as `task`. Should it panic, `E::from(TaskFailed)` goes to
/// `tx`. The handle ends when the work does (or is aborted with it).
pub(crate) fn spawn_watched<E, F>(task: Task, tx: mpsc::Sender<E>, work: F) -> JoinHandle<()>
where
    E: From<TaskFailed> + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        // Nothing of `work` is used after a panic: it is dropped whole.
        let Err(panic) = AssertUnwindSafe(work).catch_unwind().await else { return };
        let failed = TaskFailed { task, message: panic_message(panic.as_ref()) };
        tracing::error!(%task, message = %failed.message, "background task panicked");
        let _ = tx.send(E::from(failed)).await;
    })
}

/// The text a panic was raised with, cleaned: it can hold what the
/// network sent.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => s,
        (_, Some(s)) => s.as_str(),
        _ => "a panic without a message",
    };
    crate::sanitize::clean(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    #[tokio::test]
    async fn a_task_that_panics_becomes_an_event_naming_it() {
        let (tx, mut rx) = mpsc::channel::<Event>(4);
        let text = String::from("\u{1b}]0;x\u{7}index 3 out of range");
        let handle = spawn_watched(Task::Feed(FeedKind::Health), tx, async move {
            panic!("{text}");
        });
        handle.await.expect("the watcher itself ends cleanly");
        let Some(Event::TaskFailed(failed)) = rx.recv().await else { panic!("an event") };
        assert_eq!(failed.task, Task::Feed(FeedKind::Health));
        assert_eq!(failed.message, "index 3 out of range", "the escape sequence is gone");
        assert_eq!(
            failed.to_string(),
            "the health feed stopped unexpectedly: index 3 out of range"
        );
        assert!(rx.recv().await.is_none(), "one event, then the channel closes");
    }

    #[tokio::test]
    async fn a_task_that_ends_normally_sends_nothing() {
        let (tx, mut rx) = mpsc::channel::<Event>(4);
        spawn_watched(Task::Clock, tx, async {}).await.expect("ends");
        assert!(rx.recv().await.is_none());
    }

    #[test]
    fn a_panic_without_text_still_says_something() {
        assert_eq!(panic_message(&42_u8), "a panic without a message");
        assert_eq!(panic_message(&"plain"), "plain");
    }
}
