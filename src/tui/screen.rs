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
    pub fn new(out: W) -> io::Result<Self> {
        Ok(TermScreen { terminal: Terminal::new(CompactBackend::new(out))? })
    }

    /// A screen of a fixed size, for writers that are not a terminal.
    pub fn fixed(out: W, width: u16, height: u16) -> io::Result<Self> {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
        Ok(TermScreen { terminal: Terminal::with_options(CompactBackend::new(out), options)? })
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
        self.terminal.clear()
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
