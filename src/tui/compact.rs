//! A terminal backend that writes ratatui's frame diff in fewer bytes than
//! crossterm's, for slow links (see [`encode`](super::encode) for how).
//! Everything but drawing is crossterm's.
//!
//! It assumes what the console sets up: raw mode (a line feed only moves
//! down) and a screen that starts blank (a fresh alternate screen).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use super::encode::encode;
use super::shadow::Shadow;

pub struct CompactBackend<W: Write> {
    inner: CrosstermBackend<W>,
    out: Vec<u8>,
    shadow: Shadow,
    /// The screen's width as last measured, or as given for a writer that
    /// is not a terminal.
    width: std::cell::Cell<Option<u16>>,
    /// Whether the cursor is known to be hidden: ratatui hides it on every
    /// frame that does not place it, and once is enough.
    cursor_hidden: bool,
}

impl<W: Write> CompactBackend<W> {
    pub fn new(writer: W) -> Self {
        CompactBackend {
            inner: CrosstermBackend::new(writer),
            out: Vec::with_capacity(64 * 1024),
            shadow: Shadow::blank(None),
            width: std::cell::Cell::new(None),
            cursor_hidden: false,
        }
    }

    /// A backend for a writer that is not a terminal, standing for a blank
    /// screen `width` cells wide.
    pub(crate) fn with_width(writer: W, width: u16) -> Self {
        let backend = CompactBackend::new(writer);
        backend.width.set(Some(width));
        backend
    }
}

impl<W: Write> Write for CompactBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for CompactBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        self.shadow.width = self.width.get();
        encode(&mut out, &mut self.shadow, content);
        let result = self.inner.write_all(&out);
        self.out = out;
        result
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden {
            return Ok(());
        }
        self.cursor_hidden = true;
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.cursor_hidden = false;
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        match clear_type {
            // Frames end with the pen reset, so the screen clears to blanks.
            ClearType::All => self.shadow.cleared(),
            _ => self.shadow.forget(),
        }
        // A clear starts over: whoever asked may have touched the cursor.
        self.cursor_hidden = false;
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        let size = self.inner.size()?;
        self.width.set(Some(size.width));
        Ok(size)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
#[path = "compact_tests.rs"]
mod tests;
