//! Entering and leaving the full-screen terminal. `restore` is safe to call
//! more than once and is called from the guard's Drop and from the panic
//! hook, which then chains to the previous hook.
//!
//! Only a panic on the UI thread (the one that entered the terminal) ends
//! the console that way. A panic on any other thread while the UI runs is
//! only logged: the screen stays in raw mode on the alternate screen, where
//! printing would garble it, and the task's watcher (`crate::task`) tells
//! the UI, which shows it and carries on.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, PoisonError};
use std::thread::ThreadId;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::screen::TermScreen;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
/// The thread that entered the terminal, while it is ours.
static UI_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);

/// Restores the terminal when dropped.
pub(crate) struct TerminalGuard {
    /// Frames are written through one buffer big enough for a whole
    /// 200x50 frame, so each arrives in one write.
    pub screen: TermScreen<BufWriter<Stdout>>,
}

impl TerminalGuard {
    pub(crate) fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        set_ui_thread(Some(std::thread::current().id()));
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, Hide) {
            restore();
            return Err(e);
        }
        let out = BufWriter::with_capacity(256 * 1024, io::stdout());
        let screen = TermScreen::new(out).inspect_err(|_| restore())?;
        Ok(TerminalGuard { screen })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.screen.terminal.backend_mut().flush();
        restore();
    }
}

/// Leave raw mode and the alternate screen, show the cursor. Does nothing
/// when the terminal is not ours.
pub(crate) fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        set_ui_thread(None);
        let _ = disable_raw_mode();
        let mut out = io::stdout();
        let _ = execute!(out, LeaveAlternateScreen, Show);
        let _ = out.flush();
    }
}

fn set_ui_thread(id: Option<ThreadId>) {
    *UI_THREAD.lock().unwrap_or_else(PoisonError::into_inner) = id;
}

fn ui_thread() -> Option<ThreadId> {
    *UI_THREAD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the panic hook does about one panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnPanic {
    /// Put the terminal back, then let the previous hook report it.
    RestoreAndReport,
    /// Write it to the log only: the UI owns the screen and runs on.
    LogOnly,
}

/// A panic on `current` while `ui` (when the terminal is ours) runs the UI.
fn on_panic(ui: Option<ThreadId>, current: ThreadId) -> OnPanic {
    match ui {
        Some(ui) if ui != current => OnPanic::LogOnly,
        _ => OnPanic::RestoreAndReport,
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let current = std::thread::current();
            match on_panic(ui_thread(), current.id()) {
                OnPanic::RestoreAndReport => {
                    restore();
                    previous(info);
                }
                OnPanic::LogOnly => tracing::error!(
                    thread = current.name().unwrap_or("unnamed"),
                    panic = %info,
                    backtrace = %std::backtrace::Backtrace::capture(),
                    "panic off the UI thread; the console runs on"
                ),
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn other_thread() -> ThreadId {
        std::thread::spawn(|| std::thread::current().id()).join().expect("a thread id")
    }

    #[test]
    fn only_the_ui_thread_takes_the_terminal_down() {
        let ui = std::thread::current().id();
        let worker = other_thread();
        assert_eq!(on_panic(Some(ui), ui), OnPanic::RestoreAndReport);
        assert_eq!(on_panic(Some(ui), worker), OnPanic::LogOnly);
        // Before the terminal is entered or after it is left, every panic is
        // reported as usual (restoring is then a no-op).
        assert_eq!(on_panic(None, worker), OnPanic::RestoreAndReport);
        assert_eq!(on_panic(None, ui), OnPanic::RestoreAndReport);
    }
}
