//! Event sources for the UI loop besides the feeds: keyboard and resize,
//! signals, and the clock. Each runs as a watched task: a panic in one
//! reaches the UI as [`Event::TaskFailed`].
//!
//! The terminal's input is read here rather than by crossterm, so the
//! terminal's answers to the flow-control probe arrive among the keys
//! (`super::input`). A thread of its own blocks in `read` and passes the
//! bytes to a watched task that decodes them. The thread is never joined:
//! blocked in `read` at exit, it ends with the process.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read as _};
use std::os::fd::AsFd as _;
use std::time::Duration;

use tokio::sync::mpsc;

use super::input::Decoder;
use crate::event::{Event, Task};
use crate::task::spawn_watched;

/// Bytes asked of one `read`. Only a read that fills it may end inside a
/// sequence the next read finishes.
const READ_BUFFER: usize = 4096;

/// What the reader thread saw.
enum Input {
    /// One read's bytes, and whether they filled the buffer.
    Bytes(Vec<u8>, bool),
    /// End of input, or why reading failed.
    End(Option<io::Error>),
}

/// Keys (and the terminal's answers) from the terminal, until its input
/// ends or fails, which ends the console with status 1.
pub(crate) fn spawn_input(tx: mpsc::Sender<Event>) -> io::Result<()> {
    let terminal = terminal_input()?;
    let (bytes_tx, mut bytes) = mpsc::channel::<Input>(16);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || read_input(terminal, &bytes_tx))?;
    spawn_watched(Task::Input, tx.clone(), async move {
        let mut decoder = Decoder::default();
        while let Some(input) = bytes.recv().await {
            let events = match input {
                Input::Bytes(data, full) => decoder.feed(&data, full),
                Input::End(error) => {
                    let dropped = decoder.dropped();
                    match error {
                        Some(e) => tracing::error!(error = %e, dropped, "terminal input failed"),
                        None => tracing::error!(dropped, "terminal input ended"),
                    }
                    vec![Event::Terminate(1)]
                }
            };
            for ev in events {
                if tx.send(ev).await.is_err() {
                    return;
                }
            }
        }
    });
    Ok(())
}

/// The terminal crossterm put in raw mode: standard input when it is one,
/// else the controlling terminal.
fn terminal_input() -> io::Result<File> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        Ok(File::from(stdin.as_fd().try_clone_to_owned()?))
    } else {
        File::open("/dev/tty")
    }
}

/// Read until the input ends or fails, or nobody listens any more.
fn read_input(mut terminal: File, out: &mpsc::Sender<Input>) {
    let mut buf = vec![0; READ_BUFFER];
    loop {
        let input = match terminal.read(&mut buf) {
            Ok(0) => Input::End(None),
            Ok(n) => Input::Bytes(buf[..n].to_vec(), n == buf.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => Input::End(Some(e)),
        };
        let end = matches!(input, Input::End(_));
        if out.blocking_send(input).is_err() || end {
            return;
        }
    }
}

/// The terminal's new size after each SIGWINCH (crossterm's reader used
/// to report these).
pub(crate) fn spawn_resize(tx: mpsc::Sender<Event>) {
    #[cfg(unix)]
    spawn_watched(Task::Input, tx.clone(), async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut winch) = signal(SignalKind::window_change()) else {
            tracing::error!("cannot watch for terminal resizes");
            return;
        };
        while winch.recv().await.is_some() {
            let (w, h) = match crossterm::terminal::size() {
                Ok(size) => size,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the terminal size");
                    continue;
                }
            };
            if tx.send(Event::Resize(w, h)).await.is_err() {
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
