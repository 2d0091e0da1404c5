//! Entering and leaving the full-screen terminal. `restore` is safe to call
//! more than once and is called from the guard's Drop and from the panic
//! hook, which then chains to the previous hook.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::screen::TermScreen;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    /// Frames are written through one buffer big enough for a whole
    /// 200x50 frame, so each arrives in one write.
    pub screen: TermScreen<BufWriter<Stdout>>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
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
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let mut out = io::stdout();
        let _ = execute!(out, LeaveAlternateScreen, Show);
        let _ = out.flush();
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
