//! Where frames go. The UI loop draws through [`Screen`], so the same loop
//! drives the real terminal, a counting writer in the benchmarks and a
//! `TestBackend` in tests.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;

use super::compact::CompactBackend;

use crate::app::App;
use crate::theme::Theme;

/// The primary device attributes request (DA1). Every terminal answers it
/// (`CSI ? ... c`), and only after everything written before it.
pub(crate) const PROBE: &[u8] = b"\x1b[c";

pub trait Screen {
    /// Draw one frame of `app`. A screen that buffers sends it at
    /// [`Screen::flush`], which the loop calls after each frame.
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()>;
    /// Forget what is on the screen, so the next frame redraws every cell.
    fn clear(&mut self) -> io::Result<()>;
    fn bell(&mut self) -> io::Result<()>;
    /// Write a desktop notification, already encoded
    /// ([`crate::notify::encode`]), straight to the terminal. The loop calls
    /// it between frames, never inside one. Does nothing by default (a
    /// screen no terminal reads); wrappers pass this on.
    fn notify(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _ = bytes;
        Ok(())
    }
    /// Ask the terminal to answer ([`crate::event::Event::TerminalAnswer`])
    /// once it has processed everything written before; it goes out with
    /// the frame at the next flush. Returns whether anything was asked:
    /// false (the default) for a screen that no terminal reads, which keeps
    /// flow control off. Wrappers pass this on.
    fn probe(&mut self) -> io::Result<bool> {
        Ok(false)
    }
    /// Send what was drawn and asked since the last flush, in one write.
    /// Wrappers pass this on.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Bytes written to the terminal since the start, for the diagnostics
    /// (0 for a screen that does not count them).
    fn bytes_written(&self) -> u64 {
        0
    }
}

/// What a [`TermScreen`] shares with its writer.
#[derive(Default)]
struct Tap {
    /// Bytes passed on.
    bytes: AtomicU64,
    /// Flushes are held back: ratatui flushes at the end of each draw, and
    /// holding that until the loop's flush sends a frame, the end of its
    /// synchronized output and the probe after it in one write.
    hold: AtomicBool,
}

/// The terminal's writer, counting what it passes on.
pub(crate) struct Metered<W> {
    inner: W,
    tap: Arc<Tap>,
}

impl<W: Write> Write for Metered<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.tap.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.tap.hold.load(Ordering::Relaxed) { Ok(()) } else { self.inner.flush() }
    }
}

/// A terminal reached through escape sequences written to `W`.
///
/// Each frame is the cells that changed since the previous one (ratatui's
/// diff, encoded compactly by [`CompactBackend`]), wrapped in synchronized
/// output (DEC mode 2026) and sent in one flush with the probe after it, so
/// a terminal shows it whole even over a slow link. The screen is never
/// cleared between frames.
pub struct TermScreen<W: Write> {
    pub(crate) terminal: Terminal<CompactBackend<Metered<W>>>,
    tap: Arc<Tap>,
    /// Whether something that answers reads what is written.
    asks: bool,
}

impl<W: Write> TermScreen<W> {
    pub(crate) fn new(out: W) -> io::Result<Self> {
        let (out, tap) = metered(out);
        Ok(TermScreen { terminal: Terminal::new(CompactBackend::new(out))?, tap, asks: true })
    }

    /// A screen of a fixed size, for writers that are not a terminal: it
    /// asks nothing (flow control stays off) unless [`TermScreen::asking`].
    pub fn fixed(out: W, width: u16, height: u16) -> io::Result<Self> {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
        let (out, tap) = metered(out);
        let backend = CompactBackend::with_width(out, width);
        Ok(TermScreen { terminal: Terminal::with_options(backend, options)?, tap, asks: false })
    }

    /// Ask for answers after frames: the writer leads to a terminal (or a
    /// stand-in) whose answers reach the loop as [`crate::event::Event::TerminalAnswer`].
    pub fn asking(mut self) -> Self {
        self.asks = true;
        self
    }

    fn draw_held(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(|f| crate::ui::render(f, app, theme))?;
        queue!(self.terminal.backend_mut(), EndSynchronizedUpdate)
    }
}

fn metered<W>(inner: W) -> (Metered<W>, Arc<Tap>) {
    let tap = Arc::new(Tap::default());
    (Metered { inner, tap: tap.clone() }, tap)
}

impl<W: Write> Screen for TermScreen<W> {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        self.tap.hold.store(true, Ordering::Relaxed);
        let drawn = self.draw_held(app, theme);
        if drawn.is_err() {
            // Whatever got through goes out with the next flush, and the
            // guard's last flush on the way out is not held back.
            self.tap.hold.store(false, Ordering::Relaxed);
        }
        drawn
    }

    fn probe(&mut self) -> io::Result<bool> {
        if self.asks {
            self.terminal.backend_mut().write_all(PROBE)?;
        }
        Ok(self.asks)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tap.hold.store(false, Ordering::Relaxed);
        self.terminal.backend_mut().flush()
    }

    fn bytes_written(&self) -> u64 {
        self.tap.bytes.load(Ordering::Relaxed)
    }

    fn clear(&mut self) -> io::Result<()> {
        // Not `Terminal::clear`: it asks the terminal where the cursor is
        // and waits for the answer on stdin, which the input task reads;
        // after two seconds it gives up and the console quit with it.
        // Resizing to the same area clears without asking.
        let area = self.terminal.get_frame().area();
        self.terminal.resize(area)
    }

    fn bell(&mut self) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(b"\x07")?;
        out.flush()
    }

    /// Out at once, counted in [`Screen::bytes_written`]. Nothing of a frame
    /// is pending here: the loop flushes each frame whole before it carries
    /// out effects, so these bytes follow the end of a frame's synchronized
    /// output and come before the next one begins.
    fn notify(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }
}

/// In-memory screen for tests: ratatui's `TestBackend`.
pub struct TestScreen {
    pub terminal: Terminal<ratatui::backend::TestBackend>,
}

impl TestScreen {
    pub fn new(width: u16, height: u16) -> io::Result<Self> {
        let backend = ratatui::backend::TestBackend::new(width, height);
        Ok(TestScreen { terminal: Terminal::new(backend).map_err(io::Error::other)? })
    }
}

impl Screen for TestScreen {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        self.terminal.draw(|f| crate::ui::render(f, app, theme)).map_err(io::Error::other)?;
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.terminal.clear().map_err(io::Error::other)
    }

    fn bell(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes written since the last flush, and each flush's bytes: what
    /// the terminal gets in one write.
    #[derive(Default)]
    struct Sent {
        pending: Vec<u8>,
        writes: Vec<Vec<u8>>,
    }

    #[derive(Clone, Default)]
    struct Writes(std::rc::Rc<std::cell::RefCell<Sent>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().pending.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            let mut sent = self.0.borrow_mut();
            let pending = std::mem::take(&mut sent.pending);
            if !pending.is_empty() {
                sent.writes.push(pending);
            }
            Ok(())
        }
    }

    fn app() -> App {
        App::new(
            crate::app::Settings::default(),
            crate::keymap::Keymap::default_map(),
            vec!["AAPL".into()],
            std::time::Instant::now(),
        )
    }

    #[test]
    fn a_frame_and_the_request_after_it_go_out_in_one_write_and_are_counted() {
        let out = Writes::default();
        let mut screen = TermScreen::fixed(out.clone(), 80, 24).expect("screen").asking();
        let theme = Theme::by_name("default").expect("theme");
        screen.draw(&app(), &theme).expect("frame");
        assert!(out.0.borrow().writes.is_empty(), "nothing leaves before the loop's flush");
        assert!(screen.probe().expect("asks"));
        screen.flush().expect("flush");
        let writes = out.0.borrow().writes.clone();
        assert_eq!(writes.len(), 1, "one write");
        let end_sync = b"\x1b[?2026l";
        assert!(writes[0].ends_with(PROBE), "the request follows the frame");
        assert!(writes[0].windows(end_sync.len()).any(|w| w == end_sync), "the whole frame");
        assert_eq!(screen.bytes_written(), writes[0].len() as u64);
        // Not told that something answers: it asks nothing.
        let mut quiet = TermScreen::fixed(Writes::default(), 80, 24).expect("screen");
        assert!(!quiet.probe().expect("nothing to ask"));
        assert_eq!(quiet.bytes_written(), 0);
    }

    #[test]
    fn clearing_never_asks_the_terminal_and_redraws_every_cell() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let out = Shared::default();
        let mut screen = TermScreen::fixed(out.clone(), 80, 24).expect("screen");
        let app = App::new(
            crate::app::Settings::default(),
            crate::keymap::Keymap::default_map(),
            vec!["AAPL".into()],
            std::time::Instant::now(),
        );
        let theme = Theme::by_name("default").expect("theme");
        let bytes = |out: &Shared| std::mem::take(&mut *out.0.lock().expect("lock"));
        screen.draw(&app, &theme).expect("first frame");
        let first = bytes(&out);
        screen.draw(&app, &theme).expect("same frame");
        assert!(bytes(&out).len() < 64, "an unchanged frame writes next to nothing");
        // A writer that is not a terminal cannot answer a cursor query:
        // this fails if clearing asks for one.
        screen.clear().expect("clear");
        screen.draw(&app, &theme).expect("frame after clear");
        let after = bytes(&out);
        let cleared = |seq: &[u8]| after.windows(seq.len()).any(|w| w == seq);
        assert!(cleared(b"\x1b[2J") || cleared(b"\x1b[J"), "the screen is cleared");
        assert!(
            after.len() + 16 >= first.len(),
            "then drawn whole: {} vs {}",
            after.len(),
            first.len()
        );
    }
}
