//! What the compact backend knows is on the terminal: each cell's pen and
//! symbol, or nothing where it cannot know (a wide character's hidden
//! half, or after someone else cleared part of the screen).

use unicode_width::UnicodeWidthStr;

use super::sgr::Pen;

#[derive(Default)]
pub(crate) struct Shadow {
    rows: Vec<Vec<Option<(Pen, String)>>>,
    /// Cells never written are blank: true for a freshly cleared screen,
    /// false once the screen's content is unknown.
    blank_beyond: bool,
    /// The screen's width, when known: a row can be shifted only then.
    pub width: Option<u16>,
}

impl Shadow {
    /// A blank screen `width` cells wide, as a fresh alternate screen or
    /// one just cleared.
    pub(crate) fn blank(width: Option<u16>) -> Shadow {
        Shadow { rows: Vec::new(), blank_beyond: true, width }
    }

    pub(crate) fn get(&self, x: u16, y: u16) -> Option<(Pen, &str)> {
        match self.rows.get(y as usize).and_then(|r| r.get(x as usize)) {
            Some(slot) => slot.as_ref().map(|(p, s)| (*p, s.as_str())),
            None if self.blank_beyond => Some((Pen::RESET, " ")),
            None => None,
        }
    }

    fn row_mut(&mut self, x: u16, y: u16) -> &mut Vec<Option<(Pen, String)>> {
        let (x, y) = (x as usize, y as usize);
        if self.rows.len() <= y {
            self.rows.resize_with(y + 1, Vec::new);
        }
        let blank = self.blank_beyond.then(|| (Pen::RESET, " ".to_owned()));
        let row = &mut self.rows[y];
        if row.len() <= x {
            row.resize(x + 1, blank);
        }
        row
    }

    pub(crate) fn set(&mut self, x: u16, y: u16, pen: Pen, symbol: &str) {
        match &mut self.row_mut(x, y)[x as usize] {
            Some((p, s)) => {
                *p = pen;
                s.clear();
                s.push_str(symbol);
            }
            slot => *slot = Some((pen, symbol.to_owned())),
        }
    }

    pub(crate) fn unknown(&mut self, x: u16, y: u16) {
        self.row_mut(x, y)[x as usize] = None;
    }

    /// Someone else changed the screen: nothing on it is known.
    pub(crate) fn forget(&mut self) {
        self.rows.clear();
        self.blank_beyond = false;
    }

    /// The screen was cleared: every cell is blank.
    pub(crate) fn cleared(&mut self) {
        self.rows.clear();
        self.blank_beyond = true;
    }

    /// What deleting `n` cells at (`x`, `y`) does (DCH): the rest of the
    /// row moves left and `n` cells of unknown colour open at its end.
    pub(crate) fn delete(&mut self, x: u16, y: u16, n: u16, width: u16) {
        let row = self.row_mut(width - 1, y);
        let (x, n, width) = (x as usize, n as usize, width as usize);
        row[x..width].rotate_left(n);
        for slot in &mut row[width - n..width] {
            *slot = None;
        }
    }

    /// Append the bytes that rewrite cells `from..to` of row `y` as they
    /// are, if all are known, narrow and drawn with `pen`, and together
    /// shorter than `budget`; otherwise append nothing and say so.
    pub(crate) fn refill(
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
                    if p == pen && s.width() == 1 && out.len() - start + s.len() < budget =>
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
