//! Event sources for the UI loop besides the feeds: keyboard and resize,
//! signals, and the clock. Each runs as a watched task: a panic in one
//! reaches the UI as [`Event::TaskFailed`].

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::event::{Event, Task};
use crate::task::spawn_watched;

/// Keys and resizes from the terminal.
pub(crate) fn spawn_input(tx: mpsc::Sender<Event>) {
    spawn_watched(Task::Input, tx.clone(), async move {
        let mut events = EventStream::new();
        while let Some(ev) = events.next().await {
            let ev = match ev {
                Ok(TermEvent::Key(k)) => Event::Key(k),
                Ok(TermEvent::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    Event::Terminate(1)
                }
            };
            let stop = matches!(ev, Event::Terminate(_));
            if tx.send(ev).await.is_err() || stop {
                return;
            }
        }
    });
}

/// SIGTERM, SIGHUP (the SSH link dropped) and SIGINT end the program
/// through the normal path, so the terminal is restored.
pub(crate) fn spawn_signals(tx: mpsc::Sender<Event>) {
    #[cfg(unix)]
    spawn_watched(Task::Signals, tx.clone(), async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::error!("cannot install signal handlers");
            return;
        };
        loop {
            let (name, status) = tokio::select! {
                _ = term.recv() => ("SIGTERM", 128 + 15),
                _ = hup.recv() => ("SIGHUP", 128 + 1),
                _ = int.recv() => ("SIGINT", 128 + 2),
            };
            tracing::info!(signal = name, "terminating");
            if tx.send(Event::Terminate(status)).await.is_err() {
                return;
            }
        }
    });
}

/// Once a second, so ages and staleness keep counting while nothing
/// arrives. A full channel just skips a tick.
pub(crate) fn spawn_clock(tx: mpsc::Sender<Event>) {
    spawn_watched(Task::Clock, tx.clone(), async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if tx.is_closed() {
                return;
            }
            let _ = tx.try_send(Event::Tick);
        }
    });
}
