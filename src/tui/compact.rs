//! A terminal backend that writes ratatui's frame diff in fewer bytes than
//! crossterm's, for slow links: relative cursor moves within a row, short
//! gaps rewritten from what is known to be on screen when that is cheaper
//! than a move, the short 16-colour SGR forms (`31` rather than `38;5;1`,
//! which terminals with few colours understand too), and one SGR sequence
//! per style change. Everything but drawing is crossterm's.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

pub struct CompactBackend<W: Write> {
    inner: CrosstermBackend<W>,
    out: Vec<u8>,
    shadow: Shadow,
}

impl<W: Write> CompactBackend<W> {
    pub fn new(writer: W) -> Self {
        CompactBackend {
            inner: CrosstermBackend::new(writer),
            out: Vec::with_capacity(64 * 1024),
            shadow: Shadow::default(),
        }
    }
}

/// What this backend wrote and is still on screen: cells by row, `None`
/// where unknown (never written, or cleared by someone else).
#[derive(Default)]
struct Shadow {
    rows: Vec<Vec<Option<(Pen, String)>>>,
}

impl Shadow {
    fn get(&self, x: u16, y: u16) -> Option<&(Pen, String)> {
        self.rows.get(y as usize)?.get(x as usize)?.as_ref()
    }

    fn set(&mut self, x: u16, y: u16, pen: Pen, symbol: &str) {
        let (x, y) = (x as usize, y as usize);
        if self.rows.len() <= y {
            self.rows.resize_with(y + 1, Vec::new);
        }
        let row = &mut self.rows[y];
        if row.len() <= x {
            row.resize_with(x + 1, || None);
        }
        match &mut row[x] {
            Some((p, s)) => {
                *p = pen;
                s.clear();
                s.push_str(symbol);
            }
            slot => *slot = Some((pen, symbol.to_owned())),
        }
    }

    fn unknown(&mut self, x: u16, y: u16) {
        if let Some(slot) = self.rows.get_mut(y as usize).and_then(|r| r.get_mut(x as usize)) {
            *slot = None;
        }
    }

    fn forget(&mut self) {
        self.rows.clear();
    }

    /// Append the bytes that rewrite cells `from..to` of row `y` as they
    /// are, if all are known, narrow and drawn with `pen`, and together
    /// shorter than `budget`; otherwise append nothing and say so.
    fn refill(
        &self,
        out: &mut Vec<u8>,
        y: u16,
        from: u16,
        to: u16,
        pen: Pen,
        budget: usize,
    ) -> bool {
        let start = out.len();
        for x in from..to {
            match self.get(x, y) {
                Some((p, s))
                    if *p == pen && s.width() == 1 && out.len() - start + s.len() < budget =>
                {
                    out.extend_from_slice(s.as_bytes());
                }
                _ => {
                    out.truncate(start);
                    return false;
                }
            }
        }
        true
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

/// The style a terminal is drawing with.
#[derive(Clone, Copy, PartialEq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
    }
}

const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// Off codes. Bold and dim share 22 and the blinks share 25, so dropping
/// one of those goes through a full reset instead (see [`sgr`]).
const MODIFIER_OFF: [(Modifier, u8); 5] = [
    (Modifier::ITALIC, 23),
    (Modifier::UNDERLINED, 24),
    (Modifier::REVERSED, 27),
    (Modifier::HIDDEN, 28),
    (Modifier::CROSSED_OUT, 29),
];

/// Modifiers without an off code of their own.
const SHARED_OFF: Modifier =
    Modifier::BOLD.union(Modifier::DIM).union(Modifier::SLOW_BLINK).union(Modifier::RAPID_BLINK);

/// Append an SGR parameter, `;`-separated.
fn param(out: &mut Vec<u8>, first: &mut bool, p: std::fmt::Arguments<'_>) {
    if !*first {
        out.push(b';');
    }
    *first = false;
    let _ = out.write_fmt(p);
}

/// `base` is 30 for the foreground, 40 for the background; 58 marks the
/// underline colour, which has only the extended forms.
fn colour(out: &mut Vec<u8>, first: &mut bool, c: Color, base: u8) {
    let (ext, reset) = match base {
        30 => (38, 39),
        40 => (48, 49),
        _ => (58, 59),
    };
    let ansi = |i: u8| if i < 8 { base + i } else { base + 60 + (i - 8) };
    match c {
        Color::Reset => param(out, first, format_args!("{reset}")),
        Color::Indexed(i) => param(out, first, format_args!("{ext};5;{i}")),
        Color::Rgb(r, g, b) => param(out, first, format_args!("{ext};2;{r};{g};{b}")),
        named => {
            let i = match named {
                Color::Black => 0,
                Color::Red => 1,
                Color::Green => 2,
                Color::Yellow => 3,
                Color::Blue => 4,
                Color::Magenta => 5,
                Color::Cyan => 6,
                Color::Gray => 7,
                Color::DarkGray => 8,
                Color::LightRed => 9,
                Color::LightGreen => 10,
                Color::LightYellow => 11,
                Color::LightBlue => 12,
                Color::LightMagenta => 13,
                Color::LightCyan => 14,
                _ => 15,
            };
            if base == 58 {
                param(out, first, format_args!("58;5;{i}"));
            } else {
                param(out, first, format_args!("{}", ansi(i)));
            }
        }
    }
}

/// One SGR sequence taking the terminal from `from` to `to`.
fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    out.extend_from_slice(b"\x1b[");
    let mut first = true;
    let removed = from.modifier - to.modifier;
    let from = if removed.intersects(SHARED_OFF) {
        param(out, &mut first, format_args!("0"));
        Pen::RESET
    } else {
        for (m, code) in MODIFIER_OFF {
            if removed.contains(m) {
                param(out, &mut first, format_args!("{code}"));
            }
        }
        from
    };
    let added = to.modifier - from.modifier;
    for (m, code) in MODIFIER_CODES {
        if added.contains(m) {
            param(out, &mut first, format_args!("{code}"));
        }
    }
    if to.fg != from.fg {
        colour(out, &mut first, to.fg, 30);
    }
    if to.bg != from.bg {
        colour(out, &mut first, to.bg, 40);
    }
    if to.underline != from.underline {
        colour(out, &mut first, to.underline, 58);
    }
    out.push(b'm');
}

/// Encode `content` (cells in row order, as ratatui's diff yields them).
fn encode<'a>(
    out: &mut Vec<u8>,
    shadow: &mut Shadow,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) {
    let mut pen = Pen::RESET;
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in content {
        let symbol = cell.symbol();
        match cursor {
            Some(at) if at == (x, y) => {}
            Some((cx, cy)) if cy == y && x > cx => {
                let gap = x - cx;
                let cuf: &[u8] = match gap {
                    1 => b"\x1b[C",
                    2..=9 => &[0x1b, b'[', b'0' + gap as u8, b'C'],
                    _ => b"",
                };
                if cuf.is_empty() {
                    let _ = write!(out, "\x1b[{gap}C");
                } else if !shadow.refill(out, y, cx, x, pen, cuf.len()) {
                    out.extend_from_slice(cuf);
                }
            }
            _ if x == 0 => {
                let _ = write!(out, "\x1b[{}H", y + 1);
            }
            _ => {
                let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        let want = Pen::of(cell);
        if want != pen {
            sgr(out, pen, want);
            pen = want;
        }
        out.extend_from_slice(symbol.as_bytes());
        shadow.set(x, y, want, symbol);
        let width = symbol.width().max(1) as u16;
        for covered in 1..width {
            shadow.unknown(x.saturating_add(covered), y);
        }
        cursor = Some((x.saturating_add(width), y));
    }
    if pen != Pen::RESET {
        out.extend_from_slice(b"\x1b[0m");
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
        encode(&mut out, &mut self.shadow, content);
        let result = self.inner.write_all(&out);
        self.out = out;
        result
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.shadow.forget();
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.shadow.forget();
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size()
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
