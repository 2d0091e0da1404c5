//! Encoding ratatui's frame diff for a slow link. Against crossterm's
//! encoding, which moves the cursor absolutely and sets every colour in
//! full, this writes:
//!
//! - relative moves within a row, line feeds and a column set between
//!   nearby rows, whichever is shortest;
//! - short unchanged gaps rewritten from the [`Shadow`] of the screen when
//!   that is cheaper than a move;
//! - the shortest SGR sequence between two pens ([`sgr`]);
//! - a row whose tail moved left (a sparkline that scrolled) as one delete
//!   (DCH) plus what still differs, instead of every cell again.

use std::io::Write;

use ratatui::buffer::Cell;
use unicode_width::UnicodeWidthStr;

use super::sgr::{Pen, sgr};
use super::shadow::Shadow;

/// Rows with fewer changed cells than this are not worth a shift.
const SHIFT_MIN_CELLS: usize = 8;
/// Shifts tried, in cells.
const MAX_SHIFT: u16 = 2;
/// Bytes a shift must save to be used: its move and `ESC[P`, and some.
const SHIFT_OVERHEAD: usize = 12;

/// Encode `content` (cells in row order, as ratatui's diff yields them)
/// into `out`, keeping `shadow` in step with the screen.
pub(crate) fn encode<'a>(
    out: &mut Vec<u8>,
    shadow: &mut Shadow,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) {
    let mut e = Encoder { out, shadow, pen: Pen::RESET, cursor: None };
    let mut row: Vec<(u16, &'a Cell)> = Vec::new();
    let mut row_y = None;
    for (x, y, cell) in content {
        if row_y != Some(y) {
            if let Some(prev) = row_y {
                e.row(prev, &row);
            }
            row.clear();
            row_y = Some(y);
        }
        row.push((x, cell));
    }
    if let Some(y) = row_y {
        e.row(y, &row);
    }
    if e.pen != Pen::RESET {
        sgr(e.out, e.pen, Pen::RESET);
    }
}

/// Where the cursor is: its row, and its column unless that is unsure
/// (after the last column a terminal waits to wrap, and terminals differ
/// on where relative moves go from there).
#[derive(Clone, Copy)]
struct Cursor {
    x: Option<u16>,
    y: u16,
}

struct Encoder<'o> {
    out: &'o mut Vec<u8>,
    shadow: &'o mut Shadow,
    pen: Pen,
    cursor: Option<Cursor>,
}

impl Encoder<'_> {
    /// Write one row's changed cells, shifting its tail when that is
    /// cheaper.
    fn row(&mut self, y: u16, cells: &[(u16, &Cell)]) {
        let Some((at, n, width)) = self.plan_shift(y, cells) else {
            for (x, cell) in cells {
                self.put(*x, y, Pen::of(cell), cell.symbol());
            }
            return;
        };
        // The row as it must look from `at` on, taken before the shift.
        let mut changed = cells.iter().peekable();
        let tail: Vec<(Pen, String)> = (at..width)
            .map(|x| {
                while changed.next_if(|(cx, _)| *cx < x).is_some() {}
                match changed.peek() {
                    Some((cx, cell)) if *cx == x => (Pen::of(cell), cell.symbol().to_owned()),
                    // Known: the plan covers known cells only.
                    _ => self
                        .shadow
                        .get(x, y)
                        .map_or((Pen::RESET, " ".to_owned()), |(p, s)| (p, s.to_owned())),
                }
            })
            .collect();
        for (x, cell) in cells.iter().take_while(|(x, _)| *x < at) {
            self.put(*x, y, Pen::of(cell), cell.symbol());
        }
        self.move_to(at, y);
        if n == 1 {
            self.out.extend_from_slice(b"\x1b[P");
        } else {
            let _ = write!(self.out, "\x1b[{n}P");
        }
        self.shadow.delete(at, y, n, width);
        for (x, (pen, symbol)) in (at..width).zip(&tail) {
            if self.shadow.get(x, y) != Some((*pen, symbol.as_str())) {
                self.put(x, y, *pen, symbol);
            }
        }
    }

    /// Where deleting cells would turn most of row `y` into its new content
    /// for the fewest bytes: `(column, cells, screen width)`, or `None`
    /// when writing the changed cells is as cheap.
    fn plan_shift(&self, y: u16, cells: &[(u16, &Cell)]) -> Option<(u16, u16, u16)> {
        let width = self.shadow.width?;
        if cells.len() < SHIFT_MIN_CELLS || width == 0 {
            return None;
        }
        // Cheap first look: enough changed cells must equal their right
        // neighbour on screen for any shift to pay.
        let follows = |n: u16| {
            cells
                .iter()
                .filter(|(x, c)| {
                    self.shadow.get(x + n, y) == Some((Pen::of(c), c.symbol())) && x + n < width
                })
                .count()
        };
        if (1..=MAX_SHIFT).all(|n| follows(n) < SHIFT_MIN_CELLS) {
            return None;
        }
        // Narrow, known cells only: a shift moves what the terminal holds.
        let old: Vec<Option<(Pen, &str)>> =
            (0..width).map(|x| narrow(self.shadow.get(x, y))).collect();
        let mut new = old.clone();
        for (x, cell) in cells {
            if let Some(slot) = new.get_mut(*x as usize) {
                *slot = narrow(Some((Pen::of(cell), cell.symbol())));
            }
        }
        let mut best: Option<(usize, u16, u16)> = None;
        for n in 1..=MAX_SHIFT.min(width - 1) {
            // Bytes to write from x to the row's end: without a shift, the
            // changed cells; after deleting n cells at x, the cells that
            // still differ (the n opened at the end always do).
            let (mut plain, mut shifted) = (0usize, 0usize);
            for x in (0..width).rev() {
                let (Some(want), Some(had)) = (new[x as usize], old[x as usize]) else {
                    break;
                };
                let bytes = want.1.len();
                if want != had {
                    plain += bytes;
                }
                let moved_in = old.get((x + n) as usize).copied().flatten();
                let lines_up = x + n < width && moved_in == Some(want);
                if !lines_up {
                    shifted += bytes;
                }
                let saving = plain.saturating_sub(shifted + SHIFT_OVERHEAD);
                if want != had && lines_up && saving > best.map_or(0, |b| b.0) {
                    best = Some((saving, x, n));
                }
            }
        }
        best.map(|(_, x, n)| (x, n, width))
    }

    /// Write `symbol` with `pen` at (`x`, `y`).
    fn put(&mut self, x: u16, y: u16, pen: Pen, symbol: &str) {
        self.move_to(x, y);
        if pen != self.pen {
            sgr(self.out, self.pen, pen);
            self.pen = pen;
        }
        self.out.extend_from_slice(symbol.as_bytes());
        self.shadow.set(x, y, pen, symbol);
        let width = symbol.width().max(1) as u16;
        for covered in 1..width {
            self.shadow.unknown(x.saturating_add(covered), y);
        }
        let next = x.saturating_add(width);
        // Unknown width: the next cell of the diff is never back in this
        // row, and moves back are not used (see `move_to`).
        let sure = self.shadow.width.is_none_or(|w| next < w);
        self.cursor = Some(Cursor { x: sure.then_some(next), y });
    }

    /// Move the cursor to (`x`, `y`) by the shortest means.
    fn move_to(&mut self, x: u16, y: u16) {
        let here = self.cursor.replace(Cursor { x: Some(x), y });
        let Some(Cursor { x: cx, y: cy }) = here else {
            return cup(self.out, x, y);
        };
        if cy == y && cx == Some(x) {
            return;
        }
        if let Some(cx) = cx.filter(|cx| cy == y && x > *cx) {
            // Forward in the row: over the gap, or through it.
            let gap = x - cx;
            if !self.shadow.refill(self.out, y, cx, x, self.pen, relative_len(gap)) {
                relative(self.out, gap as i32);
            }
            return;
        }
        // Line feeds (raw mode: straight down), then the column: back to
        // the start, relative, or absolute (CHA).
        let down = y.wrapping_sub(cy) as usize;
        // Moving back from a column that may be past the edge is unsure.
        let cx = cx.filter(|cx| *cx < x || self.shadow.width.is_some());
        let column = match cx {
            _ if x == 0 => 1,
            Some(cx) if cx == x => 0,
            Some(cx) => relative_len(cx.abs_diff(x)).min(cha_len(x)),
            None => cha_len(x),
        };
        if y < cy || down + column >= cup_len(x, y) {
            return cup(self.out, x, y);
        }
        self.out.resize(self.out.len() + down, b'\n');
        match cx {
            _ if x == 0 => self.out.push(b'\r'),
            Some(cx) if cx == x => {}
            Some(cx) if relative_len(cx.abs_diff(x)) <= cha_len(x) => {
                relative(self.out, x as i32 - cx as i32);
            }
            _ => {
                let _ = write!(self.out, "\x1b[{}G", x + 1);
            }
        }
    }
}

fn digits(n: u16) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

fn cup_len(x: u16, y: u16) -> usize {
    if x == 0 { 3 + digits(y + 1) } else { 4 + digits(y + 1) + digits(x + 1) }
}

fn cha_len(x: u16) -> usize {
    3 + digits(x + 1)
}

fn relative_len(n: u16) -> usize {
    match n {
        0 => 0,
        1 => 3,
        _ => 3 + digits(n),
    }
}

/// The cell if it is one column wide.
fn narrow(c: Option<(Pen, &str)>) -> Option<(Pen, &str)> {
    c.filter(|(_, s)| s.width() == 1)
}

/// Absolute move (CUP), leaving out a column of 1.
fn cup(out: &mut Vec<u8>, x: u16, y: u16) {
    if x == 0 {
        let _ = write!(out, "\x1b[{}H", y + 1);
    } else {
        let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
    }
}

/// Relative move along the row: CUF forward, CUB back, leaving out a
/// count of 1.
fn relative(out: &mut Vec<u8>, by: i32) {
    let (n, dir) = if by >= 0 { (by, 'C') } else { (-by, 'D') };
    if n == 1 {
        let _ = write!(out, "\x1b[{dir}");
    } else if n > 1 {
        let _ = write!(out, "\x1b[{n}{dir}");
    }
}
