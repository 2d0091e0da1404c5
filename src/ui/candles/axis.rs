//! The chart's axes: price labels and the last-price marker on the right,
//! time labels along the bottom.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, Timelike as _};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{AXIS_W, CandleStyles, Scale, put, put_str};
use crate::format::{write_compact, write_price};
use crate::protocol::{Candle, Interval};

const DAY_MS: i64 = 86_400_000;

/// The row of the last price: its own row inside the window's range, the
/// top or bottom row when it is above or below it.
pub(super) fn last_row(scale: Scale, p: f64) -> u16 {
    if p > scale.hi {
        0
    } else if p < scale.lo {
        scale.rows.saturating_sub(1)
    } else {
        scale.row(p)
    }
}

/// The plot rows that get a price label: the top and bottom rows and
/// evenly spaced rows between, about one every three or four rows (at
/// least two between when there are four rows or more). A flat window gets
/// one label on its middle row.
pub(super) fn label_rows(scale: Scale) -> impl Iterator<Item = u16> {
    let last = u32::from(scale.rows.saturating_sub(1));
    let steps = if scale.flat() { 0 } else { (last / 3).max(3).min(last) };
    let middle = scale.rows / 2;
    (0..=steps).map(
        move |j| {
            if steps == 0 { middle } else { ((j * last * 2 + steps) / (steps * 2)) as u16 }
        },
    )
}

/// The price axis: a column of ticks and labels right of the plot.
pub(super) struct PriceAxis<'a> {
    /// The axis columns, as tall as the plot and the volume bars.
    pub rect: Rect,
    pub scale: Scale,
    pub styles: &'a CandleStyles,
}

impl PriceAxis<'_> {
    /// The axis line, the level labels, then the cursor candle's close and
    /// the last price over the label of their rows.
    pub(super) fn draw(&self, buf: &mut Buffer, last: Option<f64>, cursor_close: Option<f64>) {
        let axis = self.styles.axis;
        for y in self.rect.top()..self.rect.bottom() {
            put(buf, self.rect, self.rect.x, y, '│', axis);
        }
        let mut text = String::with_capacity(16);
        for row in label_rows(self.scale) {
            self.label(buf, row, '┤', self.scale.price(row), axis, &mut text);
        }
        if let Some(close) = cursor_close.filter(|p| p.is_finite()) {
            let row = self.scale.row(close);
            self.label(buf, row, '┤', close, self.styles.cursor, &mut text);
        }
        if let Some(p) = last {
            let marker = if p > self.scale.hi {
                '▲'
            } else if p < self.scale.lo {
                '▼'
            } else {
                '◀'
            };
            self.label(buf, last_row(self.scale, p), marker, p, self.styles.last, &mut text);
        }
    }

    /// Write `tick` and the price `p` on plot row `row`, replacing what
    /// the row held.
    fn label(
        &self,
        buf: &mut Buffer,
        row: u16,
        tick: char,
        p: f64,
        style: Style,
        text: &mut String,
    ) {
        let y = self.rect.y + row;
        text.clear();
        // Separators where they fit; a tight axis drops them, then digits.
        write_price(text, Some(p));
        if text.len() >= usize::from(AXIS_W) {
            text.clear();
            let _ = write!(text, "{p:.2}");
        }
        if text.len() >= usize::from(AXIS_W) {
            text.clear();
            write_compact(text, p);
        }
        let tick_style = if tick == '┤' { self.styles.axis } else { style };
        put(buf, self.rect, self.rect.x, y, tick, tick_style);
        let end = put_str(buf, self.rect, self.rect.x + 1, y, text, style);
        for x in end..self.rect.right() {
            put(buf, self.rect, x, y, ' ', self.styles.axis);
        }
    }
}

/// The time axis: labels on the bottom row under candles that start a new
/// group of buckets (e.g. every 5 minutes for 1-minute candles), so labels
/// stay put while the view scrolls.
pub(super) struct TimeAxis<'a> {
    /// The bottom row of the chart.
    pub rect: Rect,
    pub interval: Interval,
    pub styles: &'a CandleStyles,
}

impl TimeAxis<'_> {
    /// Buckets per labelled group: about one label every 10-16 columns, on
    /// round times.
    fn step(&self) -> i64 {
        match self.interval {
            Interval::M1 => 5,  // every 5 minutes
            Interval::M5 => 6,  // every 30 minutes
            Interval::M15 => 8, // every 2 hours
            Interval::H1 => 6,  // every 6 hours
            Interval::D1 => 7,  // every week
        }
    }

    fn group(&self, c: &Candle) -> i64 {
        c.start.div_euclid(self.interval.millis()).div_euclid(self.step())
    }

    /// Whether `c` gets a label: it starts a group the candle before it
    /// (`prev`) was not in; the series' first candle only on a round time.
    fn starts_group(&self, prev: Option<&Candle>, c: &Candle) -> bool {
        match prev {
            Some(p) => self.group(p) != self.group(c),
            None => c.start.div_euclid(self.interval.millis()).rem_euclid(self.step()) == 0,
        }
    }

    /// The labels of the candles in `shown` (the window; `before` is the
    /// candle just left of it), left to right, each skipped when it would
    /// overlap the one before it or the cursor's; then the cursor's.
    pub(super) fn draw(
        &self,
        buf: &mut Buffer,
        shown: &[Candle],
        before: Option<&Candle>,
        cursor: Option<usize>,
    ) {
        let mut text = String::with_capacity(16);
        let cursor = cursor.and_then(|i| Some((i, shown.get(i)?)));
        let cursor_span = cursor.and_then(|(i, c)| {
            write_time(&mut text, self.interval, c.start, false).then_some(())?;
            let width = text.chars().count() as u16;
            let x = (self.rect.x + 2 * i as u16).min(self.rect.right().saturating_sub(width));
            Some((x, x.saturating_add(width)))
        });
        let (mut free, mut last_day) = (self.rect.x, None);
        let mut prev = before;
        for (i, c) in shown.iter().enumerate() {
            let starts = self.starts_group(prev, c);
            prev = Some(c);
            let day = c.start.div_euclid(DAY_MS);
            let dated = last_day != Some(day);
            if !starts || !write_time(&mut text, self.interval, c.start, dated) {
                continue;
            }
            let x = self.rect.x + 2 * i as u16;
            let end = x.saturating_add(text.chars().count() as u16);
            let hits_cursor = cursor_span.is_some_and(|(a, b)| x <= b && end >= a);
            if x < free || end > self.rect.right() || hits_cursor {
                continue;
            }
            put_str(buf, self.rect, x, self.rect.y, &text, self.styles.axis);
            (free, last_day) = (end.saturating_add(1), Some(day));
        }
        if let (Some((_, c)), Some((x, _))) = (cursor, cursor_span) {
            write_time(&mut text, self.interval, c.start, false);
            put_str(buf, self.rect, x, self.rect.y, &text, self.styles.cursor);
        }
    }
}

/// The label of a bucket starting at `ms` (UTC) into `out`: `MM-DD` for
/// daily candles, else `HH:MM`, with `MM-DD ` before it when `dated`.
/// False when the time cannot be dated.
fn write_time(out: &mut String, interval: Interval, ms: i64, dated: bool) -> bool {
    out.clear();
    let Some(t) = DateTime::from_timestamp_millis(ms) else {
        return false;
    };
    if interval == Interval::D1 {
        let _ = write!(out, "{:02}-{:02}", t.month(), t.day());
    } else if dated {
        let _ = write!(out, "{:02}-{:02} {:02}:{:02}", t.month(), t.day(), t.hour(), t.minute());
    } else {
        let _ = write!(out, "{:02}:{:02}", t.hour(), t.minute());
    }
    true
}
