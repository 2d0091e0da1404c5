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
use std::io::{self, IsTerminal as _};
use std::os::fd::AsFd as _;
use std::time::Duration;

use tokio::sync::mpsc;

use super::input::Decoder;
use crate::event::{Event, Task};
use crate::task::spawn_watched;

/// Bytes asked of one `read`.
const READ_BUFFER: usize = 4096;

/// How long a read that ends in a lone ESC waits for the rest of an escape
/// sequence before the ESC is the Esc key. Any read may be cut there (over
/// SSH a packet can end after an answer's ESC), and read as keys the rest
/// of an answer (`[?62;22c`) would switch tabs. A terminal writes a
/// sequence at once, so its rest follows within milliseconds; the Esc key
/// alone is this much later.
const ESC_WAIT: Duration = Duration::from_millis(50);

/// What the reader thread saw.
enum Input {
    /// One read's bytes.
    Bytes(Vec<u8>),
    /// End of input, or why reading failed.
    End(Option<io::Error>),
}

/// Keys (and the terminal's answers) from the terminal, until its input
/// ends or fails, which ends the console with status 1.
pub(crate) fn spawn_input(tx: mpsc::Sender<Event>) -> io::Result<()> {
    let terminal = terminal_input()?;
    let (bytes_tx, bytes) = mpsc::channel::<Input>(16);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || read_input(terminal, &bytes_tx))?;
    spawn_decoder(bytes, tx);
    Ok(())
}

/// The watched task that turns the reader thread's bytes into events.
fn spawn_decoder(mut bytes: mpsc::Receiver<Input>, tx: mpsc::Sender<Event>) {
    spawn_watched(Task::Input, tx.clone(), async move {
        let mut decoder = Decoder::default();
        loop {
            let next = if decoder.undecided() {
                match tokio::time::timeout(ESC_WAIT, bytes.recv()).await {
                    Ok(next) => next,
                    // Nothing more came: what is there is all there is.
                    Err(_) => Some(Input::Bytes(Vec::new())),
                }
            } else {
                bytes.recv().await
            };
            let Some(input) = next else { return };
            let events = match input {
                Input::Bytes(data) if data.is_empty() => decoder.feed(&[], false),
                Input::Bytes(data) => decoder.feed(&data, true),
                Input::End(error) => {
                    let dropped = decoder.dropped();
                    match error {
                        Some(e) => tracing::error!(error = %e, dropped, "terminal input failed"),
                        None => tracing::error!(dropped, "terminal input ended"),
                    }
                    let mut last = decoder.feed(&[], false);
                    last.push(Event::Terminate(1));
                    last
                }
            };
            for ev in events {
                if tx.send(ev).await.is_err() {
                    return;
                }
            }
        }
    });
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
fn read_input(mut terminal: impl io::Read, out: &mpsc::Sender<Input>) {
    let mut buf = vec![0; READ_BUFFER];
    loop {
        let input = match terminal.read(&mut buf) {
            Ok(0) => Input::End(None),
            Ok(n) => Input::Bytes(buf[..n].to_vec()),
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
/// to report these). Watched as terminal input: without its size, the
/// console is as lost as without its keys.
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

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    /// A terminal whose input is `script`: bytes, a signal interrupting
    /// the read, or a failure.
    struct Script(Vec<io::Result<Vec<u8>>>);

    impl io::Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let bytes = self.0.remove(0)?;
            let n = bytes.len().min(buf.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            if n < bytes.len() {
                self.0.insert(0, Ok(bytes[n..].to_vec()));
            }
            Ok(n)
        }
    }

    /// Everything the console gets from a terminal reading as `script`.
    async fn events_from(script: Script) -> Vec<Event> {
        let (bytes_tx, bytes) = mpsc::channel(16);
        let (tx, mut rx) = mpsc::channel(8192);
        std::thread::spawn(move || read_input(script, &bytes_tx));
        spawn_decoder(bytes, tx);
        let mut events = Vec::new();
        while let Some(ev) = rx.recv().await {
            events.push(ev);
        }
        events
    }

    fn is_key(ev: &Event, c: char) -> bool {
        matches!(ev, Event::Key(k) if k.code == KeyCode::Char(c) && k.modifiers == KeyModifiers::NONE)
    }

    #[tokio::test]
    async fn keys_and_the_answer_arrive_and_the_end_of_input_ends_the_console() {
        let interrupted = io::Error::from(io::ErrorKind::Interrupted);
        let script =
            Script(vec![Ok(b"q".to_vec()), Err(interrupted), Ok(b"\x1b[?64;1cw".to_vec())]);
        let events = events_from(script).await;
        assert!(
            matches!(
                events.as_slice(),
                [q, Event::TerminalAnswer, w, Event::Terminate(1)] if is_key(q, 'q') && is_key(w, 'w')
            ),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn a_read_that_fails_ends_the_console() {
        let broken = io::Error::other("input/output error");
        let events = events_from(Script(vec![Ok(b"j".to_vec()), Err(broken)])).await;
        assert!(
            matches!(events.as_slice(), [j, Event::Terminate(1)] if is_key(j, 'j')),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn an_answer_cut_right_after_its_esc_by_a_short_read_is_still_the_answer() {
        // Read as keys, `[?62;22c` would have switched to tab 2.
        let script = Script(vec![Ok(b"x\x1b".to_vec()), Ok(b"[?62;22cy".to_vec())]);
        let events = events_from(script).await;
        assert!(
            matches!(
                events.as_slice(),
                [x, Event::TerminalAnswer, y, Event::Terminate(1)] if is_key(x, 'x') && is_key(y, 'y')
            ),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn a_lone_esc_is_the_esc_key_once_nothing_follows() {
        let (bytes_tx, bytes) = mpsc::channel(16);
        let (tx, mut rx) = mpsc::channel(16);
        spawn_decoder(bytes, tx);
        bytes_tx.send(Input::Bytes(b"\x1b".to_vec())).await.unwrap();
        // The reader stays open: only the wait decides it.
        let ev = rx.recv().await.unwrap();
        assert!(matches!(&ev, Event::Key(k) if k.code == KeyCode::Esc), "{ev:?}");
        drop(bytes_tx);
    }

    #[tokio::test]
    async fn an_answer_cut_by_a_full_buffer_is_still_the_answer() {
        // The answer's ESC is the last byte of a full read.
        let mut bytes = vec![b'k'; READ_BUFFER - 1];
        bytes.extend(b"\x1b[?64;1c");
        let events = events_from(Script(vec![Ok(bytes)])).await;
        let (keys, rest) = events.split_at(READ_BUFFER - 1);
        assert!(keys.iter().all(|ev| is_key(ev, 'k')), "only the typed keys");
        assert!(matches!(rest, [Event::TerminalAnswer, Event::Terminate(1)]), "{rest:?}");
    }
}
