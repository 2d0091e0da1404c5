//! Where frames go. The UI loop draws through [`Screen`], so the same loop
//! drives the real terminal, a counting writer in the benchmarks and a
//! `TestBackend` in tests.

use std::io::{self, Write};

use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;

use super::compact::CompactBackend;

use crate::app::App;
use crate::theme::Theme;

pub trait Screen {
    /// Draw one frame of `app`.
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()>;
    /// Forget what is on the screen, so the next frame redraws every cell.
    fn clear(&mut self) -> io::Result<()>;
    fn bell(&mut self) -> io::Result<()>;
}

/// A terminal reached through escape sequences written to `W`.
///
/// Each frame is the cells that changed since the previous one (ratatui's
/// diff, encoded compactly by [`CompactBackend`]), wrapped in synchronized output (DEC mode 2026) and flushed once,
/// so a terminal shows it whole even over a slow link. The screen is never
/// cleared between frames.
pub struct TermScreen<W: Write> {
    pub terminal: Terminal<CompactBackend<W>>,
}

impl<W: Write> TermScreen<W> {
    pub(crate) fn new(out: W) -> io::Result<Self> {
        Ok(TermScreen { terminal: Terminal::new(CompactBackend::new(out))? })
    }

    /// A screen of a fixed size, for writers that are not a terminal.
    pub fn fixed(out: W, width: u16, height: u16) -> io::Result<Self> {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
        let backend = CompactBackend::with_width(out, width);
        Ok(TermScreen { terminal: Terminal::with_options(backend, options)? })
    }
}

impl<W: Write> Screen for TermScreen<W> {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(|f| crate::ui::render(f, app, theme))?;
        queue!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        self.terminal.backend_mut().flush()
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
