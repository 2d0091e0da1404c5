//! The compact encoding must paint exactly what ratatui's buffer holds: a
//! terminal emulator (vt100) replays the bytes of random frame diffs and
//! every cell is compared, symbol, colours and attributes. It must also
//! never be longer than crossterm's own encoding of the same diff.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use super::CompactBackend;
use crate::tui::encode::encode;
use crate::tui::shadow::Shadow;

const W: u16 = 40;
const H: u16 = 12;

fn emulator() -> vt100::Parser {
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    vt100::Parser::new(nz(H), nz(W), 0)
}

fn vt_colour(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// Every cell the emulator shows is the buffer's.
fn assert_same(screen: &vt100::Screen, buf: &Buffer, frame: usize) {
    for y in 0..H {
        for x in 0..W {
            let want = &buf[(x, y)];
            if want.symbol().is_empty() {
                continue; // the trailing half of a wide character
            }
            let got = screen.cell(y, x).unwrap();
            let shown = if got.contents().is_empty() { " " } else { got.contents() };
            let at = format!("frame {frame}, cell ({x},{y})");
            assert_eq!(shown, want.symbol(), "{at}: symbol");
            assert_eq!(got.fgcolor(), vt_colour(want.fg), "{at}: foreground");
            assert_eq!(got.bgcolor(), vt_colour(want.bg), "{at}: background");
            let m = want.modifier;
            assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at}: bold");
            assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at}: dim");
            assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{at}: italic");
            assert_eq!(got.underline(), m.contains(Modifier::UNDERLINED), "{at}: underline");
            assert_eq!(got.inverse(), m.contains(Modifier::REVERSED), "{at}: reverse");
        }
    }
}

const SYMBOLS: [&str; 10] = ["a", "Z", "7", ".", " ", "│", "█", "⣿", "▁", "…"];
const COLOURS: [Color; 8] = [
    Color::Reset,
    Color::Red,
    Color::Green,
    Color::DarkGray,
    Color::LightCyan,
    Color::White,
    Color::Indexed(200),
    Color::Rgb(10, 20, 30),
];
const MODIFIERS: [Modifier; 5] =
    [Modifier::BOLD, Modifier::DIM, Modifier::ITALIC, Modifier::UNDERLINED, Modifier::REVERSED];

fn random_style(rng: &mut SmallRng) -> Style {
    let mut style = Style::default()
        .fg(COLOURS[rng.random_range(0..COLOURS.len())])
        .bg(COLOURS[rng.random_range(0..COLOURS.len())]);
    for m in MODIFIERS {
        if rng.random_bool(0.2) {
            style = style.add_modifier(m);
        }
    }
    // Bold and dim are one "intensity" to many terminals (vt100 included):
    // never both at once.
    if style.add_modifier.contains(Modifier::BOLD | Modifier::DIM) {
        style = style.remove_modifier(Modifier::DIM);
    }
    style
}

/// Set one narrow cell; a wide character it cuts in half loses its other
/// half to a "·". (Blanking it would not do: ratatui counts a blank equal
/// to the wide character's hidden half and never redraws it, with any
/// backend; widgets do not cut wide characters like this.)
fn put(buf: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
    use unicode_width::UnicodeWidthStr;
    if x > 0 && buf[(x - 1, y)].symbol().width() > 1 {
        buf[(x - 1, y)].reset();
        buf[(x - 1, y)].set_symbol("·");
    }
    if buf[(x, y)].symbol().width() > 1 && x + 1 < W {
        buf[(x + 1, y)].reset();
        buf[(x + 1, y)].set_symbol("·");
    }
    let cell = &mut buf[(x, y)];
    cell.reset();
    cell.set_symbol(symbol);
    cell.set_style(style);
}

/// Change a random share of the cells, in runs, as a busy screen does.
fn mutate(buf: &mut Buffer, rng: &mut SmallRng) {
    for _ in 0..rng.random_range(0..30) {
        let (x, y) = (rng.random_range(0..W), rng.random_range(0..H));
        let style = random_style(rng);
        for dx in 0..rng.random_range(1..6u16) {
            if x + dx < W {
                put(buf, x + dx, y, SYMBOLS[rng.random_range(0..SYMBOLS.len())], style);
            }
        }
    }
    if rng.random_bool(0.3) {
        scroll_left(buf, rng);
    }
    if rng.random_bool(0.1) {
        let (x, y) = (rng.random_range(0..W - 4), rng.random_range(0..H));
        for dx in 0..4 {
            put(buf, x + dx, y, " ", Style::default());
        }
        buf.set_string(x, y, "漢字", random_style(rng));
    }
}

/// Move the tail of a row left by one or two cells, new cells coming in at
/// its end, as a scrolling sparkline does (rows holding a wide character
/// are left alone).
fn scroll_left(buf: &mut Buffer, rng: &mut SmallRng) {
    use unicode_width::UnicodeWidthStr;
    let (x, y, n) = (rng.random_range(0..W - 12), rng.random_range(0..H), rng.random_range(1..3));
    if (0..W).any(|cx| buf[(cx, y)].symbol().width() != 1) {
        return;
    }
    for cx in x..W - n {
        buf[(cx, y)] = buf[(cx + n, y)].clone();
    }
    for cx in W - n..W {
        put(buf, cx, y, SYMBOLS[rng.random_range(0..SYMBOLS.len())], random_style(rng));
    }
}

/// What crossterm's own backend writes for the same diff.
fn crossterm_bytes(diff: &[(u16, u16, &ratatui::buffer::Cell)]) -> usize {
    let out = Shared::default();
    let mut backend = ratatui::backend::CrosstermBackend::new(out.clone());
    backend.draw(diff.iter().copied()).unwrap();
    Backend::flush(&mut backend).unwrap();
    out.0.borrow().len()
}

#[test]
fn random_frame_diffs_paint_exactly_the_buffer() {
    let mut rng = SmallRng::seed_from_u64(7);
    let area = Rect::new(0, 0, W, H);
    let mut parser = emulator();
    let mut shown = Buffer::empty(area);
    let (mut compact, mut crossterm) = (0usize, 0usize);
    let mut on_screen = Shadow::blank(Some(W));
    for frame in 0..400 {
        let mut next = shown.clone();
        mutate(&mut next, &mut rng);
        let diff = shown.diff(&next);
        let mut bytes = Vec::new();
        encode(&mut bytes, &mut on_screen, diff.iter().copied());
        let theirs = crossterm_bytes(&diff);
        assert!(bytes.len() <= theirs, "frame {frame}: {} > {theirs} bytes", bytes.len());
        compact += bytes.len();
        crossterm += theirs;
        parser.process(&bytes);
        assert_same(parser.screen(), &next, frame);
        shown = next;
    }
    // Runs of changed cells with gaps between them, as on a busy screen:
    // relative moves and short colour codes save a good share.
    assert!(compact * 10 < crossterm * 8, "{compact} vs {crossterm} bytes");
}

#[test]
fn a_scrolling_sparkline_is_shifted_not_redrawn() {
    let area = Rect::new(0, 0, W, H);
    let mut parser = emulator();
    let mut on_screen = Shadow::blank(Some(W));
    let bars = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let frame = |t: usize| {
        let mut buf = Buffer::empty(area);
        buf.set_string(0, 2, "AAPL 150.25 ", Style::default());
        for x in 12..W - 1 {
            let bar = bars[(x as usize + t) * 5 % 8];
            buf.set_string(x, 2, bar, Style::default().fg(Color::Cyan));
        }
        buf.set_string(W - 1, 2, "│", Style::default());
        buf
    };
    let mut shown = Buffer::empty(area);
    let mut sizes = Vec::new();
    for t in 0..4 {
        let next = frame(t);
        let mut bytes = Vec::new();
        encode(&mut bytes, &mut on_screen, shown.diff(&next).into_iter());
        parser.process(&bytes);
        assert_same(parser.screen(), &next, t);
        sizes.push(bytes.len());
        shown = next;
    }
    // The first frame draws 27 bars of 3 bytes; each scroll after it is
    // one delete, one new bar and the border put back.
    assert!(sizes[0] > 27 * 3, "{sizes:?}");
    assert!(sizes[1..].iter().all(|n| *n < 30), "{sizes:?}");
}

/// A writer the test can read after the backend has written to it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_terminal_drawn_through_the_backend_shows_the_frame() {
    let out = Shared::default();
    let backend = CompactBackend::new(out.clone());
    let area = Rect::new(0, 0, W, H);
    let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
    let mut term = ratatui::Terminal::with_options(backend, options).unwrap();
    let mut parser = emulator();
    for price in ["150.25", "150.27", "149.99"] {
        let frame = term
            .draw(|f| {
                let style = Style::default().fg(Color::Green).add_modifier(Modifier::BOLD);
                f.buffer_mut().set_string(2, 3, format!("AAPL {price}"), style);
            })
            .unwrap();
        let want = frame.buffer.clone();
        parser.process(&out.0.borrow());
        out.0.borrow_mut().clear();
        assert_same(parser.screen(), &want, 0);
    }
    assert!(parser.screen().contents().contains("AAPL 149.99"));
}
