//! The tasks that read Prometheus and Alertmanager for the console: each
//! asks on its interval (or at once when woken, after an acknowledgement or
//! on refresh) and sends what it got as a [`SourceEvent`]. They never touch
//! the terminal; a closed channel stops them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::{Alertmanager, Prometheus, RangeSeries, Sample, SourceError, SourcedAlert};
use crate::protocol::{Service, Timestamp};
use crate::task::{Task, TaskFailed, spawn_watched};

/// What a source task reports.
#[derive(Debug, Clone)]
pub enum SourceEvent {
    /// Every alert Alertmanager holds, mapped.
    Alertmanager(Result<Vec<SourcedAlert>, SourceError>),
    /// Service cards from Prometheus's `up`, by job.
    PromServices(Result<Vec<Service>, SourceError>),
    /// A panel's history, asked once at start (`query_range`).
    PromRange { index: usize, result: Result<Vec<RangeSeries>, SourceError> },
    /// A panel's value now.
    PromValue { index: usize, result: Result<Vec<Sample>, SourceError> },
}

/// Wakes a source task: it asks again now instead of at its next turn.
#[derive(Debug, Clone, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Poll Alertmanager every `every`.
pub fn spawn_alertmanager<E>(client: Alertmanager, every: Duration, tx: mpsc::Sender<E>) -> Waker
where
    E: From<SourceEvent> + From<TaskFailed> + Send + 'static,
{
    let waker = Waker::default();
    let wake = Arc::clone(&waker.0);
    spawn_watched(Task::Source("alertmanager"), tx.clone(), async move {
        loop {
            let ev = SourceEvent::Alertmanager(client.poll().await);
            if tx.send(E::from(ev)).await.is_err() || !wait(&wake, every, &tx).await {
                return;
            }
        }
    });
    waker
}

/// Read Prometheus: each panel's last `points` steps of `every` once, then
/// every `every` the service cards and each panel's value.
pub fn spawn_prometheus<E>(
    client: Prometheus,
    queries: Vec<String>,
    every: Duration,
    points: usize,
    tx: mpsc::Sender<E>,
) -> Waker
where
    E: From<SourceEvent> + From<TaskFailed> + Send + 'static,
{
    let waker = Waker::default();
    let wake = Arc::clone(&waker.0);
    spawn_watched(Task::Source("prometheus"), tx.clone(), async move {
        let end = Timestamp::now();
        let span = every.saturating_mul(u32::try_from(points).unwrap_or(u32::MAX));
        let start = end.minus(span);
        for (index, q) in queries.iter().enumerate() {
            let result = client.query_range(q, start, end, every).await;
            if tx.send(E::from(SourceEvent::PromRange { index, result })).await.is_err() {
                return;
            }
        }
        loop {
            let ev = SourceEvent::PromServices(client.services().await);
            if tx.send(E::from(ev)).await.is_err() {
                return;
            }
            for (index, q) in queries.iter().enumerate() {
                let result = client.query(q).await;
                if tx.send(E::from(SourceEvent::PromValue { index, result })).await.is_err() {
                    return;
                }
            }
            if !wait(&wake, every, &tx).await {
                return;
            }
        }
    });
    waker
}

/// Sleep `every`, or less when woken. False: the receiver is gone.
async fn wait<E>(wake: &Notify, every: Duration, tx: &mpsc::Sender<E>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(every) => true,
        () = wake.notified() => true,
        () = tx.closed() => false,
    }
}
