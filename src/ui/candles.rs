//! A candlestick chart worth reading: one column per candle plus a gap,
//! wicks `│` from high to low, bodies from open to close (up bodies `█`,
//! down bodies `░`, so the two differ without colour), a price axis on the
//! right, volume bars under the candles, a time axis at the bottom, the
//! last price marked, and an optional cursor on one candle.
//!
//! ```text
//!  plot: one column per candle and a gap  price axis (AXIS_W columns)
//!      │       ░               │ █ ░      ┤110.00     window high
//!    │ █ ░     │ ░ │         │ ░ │  │     │
//!  ┈┈█┈│┈┈┈┈┈┈┈█┈░┈┈┈┈┈┈┈┈┈┈┈█┈│┈┈┈┈┈┈┈┈┈┈◀105.25     last price, dotted row
//!  │ ░         │           │ █ ░          ┤103.12     evenly spaced levels
//!  ░ │                     ░              ┤99.00      window low
//!  ▂ ▂ ▃ ▃ ▃ ▃ █ ▃ ▃ ▃ ▄ ▄ ▄ ▄ ▄ ▄ ▄ ▄    │           volume, 0-3 rows
//!  01-19 00:05   00:10     00:15                      time (UTC), cursor's reversed
//! ```
//!
//! An area too small for the axes (under 19 columns or 4 rows) shows the
//! candles alone. The work per frame is proportional to the visible window.

mod axis;
#[cfg(test)]
mod tests;

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

use crate::protocol::{Candle, Interval};

/// Columns of the price axis: a tick and a label of up to ten characters.
const AXIS_W: u16 = 11;
/// The narrowest plot worth drawing axes beside.
const MIN_PLOT_W: u16 = 8;
/// The shortest area that gets axes (two plot rows and the time row).
const MIN_AXES_H: u16 = 4;
/// Volume bar heights, in eighths of a row.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The styles of the parts of the chart.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CandleStyles {
    /// Up candles' bodies (close >= open) and their volume bars.
    pub up: Style,
    /// Down candles' bodies and their volume bars.
    pub down: Style,
    /// Wicks.
    pub wick: Style,
    /// Labels and axis lines (muted).
    pub axis: Style,
    /// Volume bars, under the up/down colour of their candle.
    pub volume: Style,
    /// The candle under the cursor and its axis labels (e.g. reversed).
    pub cursor: Style,
    /// The last-price marker and its dotted line.
    pub last: Style,
}

pub(crate) struct CandleChart<'a> {
    /// The whole series, oldest first, one per bucket of `interval`.
    pub candles: &'a [Candle],
    /// The bucket length, for the time labels.
    pub interval: Interval,
    /// Index into `candles` of the candle under the cursor; None: no cursor
    /// (the view follows the newest candle).
    pub cursor: Option<usize>,
    /// The live last price, marked on the price axis (None: the newest close).
    pub last: Option<f64>,
    /// Price-alert levels: a dashed line across the plot at each one that
    /// is in view, marked `◆` on the axis.
    pub levels: &'a [f64],
    pub styles: CandleStyles,
}

/// Where the parts of the chart go inside the area it is given. Parts that
/// do not fit have zero size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    /// The candles, one column each and a gap.
    plot: Rect,
    /// Volume bars, right under `plot` and as wide.
    volume: Rect,
    /// The price axis, right of `plot` and `volume`.
    axis: Rect,
    /// The time labels, the bottom row.
    time: Rect,
}

impl Parts {
    /// The layout of `area`: everything when there is room, the candles
    /// alone when the area is too narrow or short for axes.
    fn of(area: Rect) -> Parts {
        let none = Rect { width: 0, height: 0, ..area };
        if area.width < AXIS_W + MIN_PLOT_W || area.height < MIN_AXES_H {
            return Parts { plot: area, volume: none, axis: none, time: none };
        }
        let volume_h = match area.height {
            0..=5 => 0,
            6..=11 => 1,
            12..=19 => 2,
            _ => 3,
        };
        let plot_w = area.width - AXIS_W;
        let plot_h = area.height - 1 - volume_h;
        let plot = Rect { width: plot_w, height: plot_h, ..area };
        let volume = Rect { y: plot.bottom(), height: volume_h, ..plot };
        let axis = Rect { x: plot.right(), width: AXIS_W, height: plot_h + volume_h, ..area };
        let time = Rect { y: area.bottom() - 1, height: 1, ..area };
        Parts { plot, volume, axis, time }
    }

    /// How many candles the plot holds (one column and one gap each).
    fn capacity(self) -> usize {
        usize::from(self.plot.width).div_ceil(2)
    }
}

/// Maps prices to plot rows: the window's high on the top row, its low on
/// the bottom one; a flat window (high = low) sits on the middle row.
#[derive(Debug, Clone, Copy)]
struct Scale {
    hi: f64,
    lo: f64,
    /// Plot rows.
    rows: u16,
}

impl Scale {
    fn flat(self) -> bool {
        let span = self.hi - self.lo;
        span.is_nan() || span <= f64::EPSILON * self.hi.abs().max(1.0) || self.rows < 2
    }

    /// The row of `p`, 0 at the top, clamped to the plot.
    fn row(self, p: f64) -> u16 {
        if self.flat() {
            return self.rows / 2;
        }
        let bottom = f64::from(self.rows - 1);
        ((self.hi - p) / (self.hi - self.lo) * bottom).round().clamp(0.0, bottom) as u16
    }

    /// The price a row stands for.
    fn price(self, row: u16) -> f64 {
        if self.flat() {
            return self.hi;
        }
        self.hi - f64::from(row) / f64::from(self.rows - 1) * (self.hi - self.lo)
    }
}

impl CandleChart<'_> {
    /// Which candles an area of this size shows: the newest that fit, or,
    /// with a cursor, a window that keeps the cursor in view (scrolling only
    /// as far as needed, so moving the cursor one step moves the view at
    /// most one candle). The caller uses it for the title's window high,
    /// low and volume, so it must be exactly what `render` draws.
    ///
    /// Without remembered state, a cursor left of the newest view sits on
    /// the window's left edge: moving it right scrolls the view with it
    /// until the newest candles are in view again.
    pub(crate) fn window(len: usize, cursor: Option<usize>, area: Rect) -> Range<usize> {
        let cap = Parts::of(area).capacity();
        let newest = len.saturating_sub(cap);
        let start = match cursor {
            Some(c) => newest.min(c.min(len.saturating_sub(1))),
            None => newest,
        };
        start..start.saturating_add(cap).min(len)
    }
}

impl Widget for CandleChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let range = Self::window(self.candles.len(), self.cursor, area);
        let Some(shown) = self.candles.get(range.clone()).filter(|s| !s.is_empty()) else {
            return;
        };
        let parts = Parts::of(area);
        let (hi, lo) = shown
            .iter()
            .fold((f64::NEG_INFINITY, f64::INFINITY), |(h, l), c| (h.max(c.high), l.min(c.low)));
        let scale = Scale { hi, lo, rows: parts.plot.height };
        let cursor = self.cursor.map(|c| c.min(self.candles.len() - 1) - range.start);
        for (i, c) in shown.iter().enumerate() {
            let x = parts.plot.x + (i as u16) * 2;
            self.draw_candle(buf, parts.plot, x, c, scale);
        }
        self.draw_volume(buf, parts.volume, shown);
        let has_axes = !parts.axis.is_empty();
        let last = self.last.or_else(|| self.candles.last().map(|c| c.close));
        let last = last.filter(|p| p.is_finite() && has_axes);
        if let Some(p) = last {
            let row = axis::last_row(scale, p);
            self.draw_last_line(buf, parts.plot, parts.plot.y + row);
        }
        let levels = self.levels.iter().filter(|l| **l >= lo && **l <= hi && has_axes);
        let level_rows: Vec<u16> = levels.map(|&l| parts.plot.y + scale.row(l)).collect();
        for &y in &level_rows {
            self.draw_level_line(buf, parts.plot, y);
        }
        if let Some(i) = cursor {
            let x = parts.plot.x + (i as u16) * 2;
            let column =
                Rect { x, width: 1, height: parts.plot.height + parts.volume.height, ..area };
            buf.set_style(column.intersection(area), self.styles.cursor);
        }
        if has_axes {
            let cursor_close = cursor.and_then(|i| shown.get(i)).map(|c| c.close);
            let price_axis = axis::PriceAxis { rect: parts.axis, scale, styles: &self.styles };
            price_axis.draw(buf, last, cursor_close);
            let before = range.start.checked_sub(1).and_then(|i| self.candles.get(i));
            let time_axis =
                axis::TimeAxis { rect: parts.time, interval: self.interval, styles: &self.styles };
            time_axis.draw(buf, shown, before, cursor);
            // Over the axis line: the alert's marker.
            for &y in &level_rows {
                put(buf, parts.axis, parts.axis.x, y, '◆', self.styles.last);
            }
        }
    }
}

impl CandleChart<'_> {
    /// One candle in column `x`: the wick from high to low, then the body.
    fn draw_candle(&self, buf: &mut Buffer, plot: Rect, x: u16, c: &Candle, scale: Scale) {
        if x >= plot.right() {
            return;
        }
        for r in scale.row(c.high)..=scale.row(c.low) {
            put(buf, plot, x, plot.y + r, '│', self.styles.wick);
        }
        let (top, bottom) = (scale.row(c.open.max(c.close)), scale.row(c.open.min(c.close)));
        let (symbol, style) = self.body(c);
        for r in top..=bottom {
            put(buf, plot, x, plot.y + r, symbol, style);
        }
    }

    /// The body character and style of a candle: solid up, shaded down.
    fn body(&self, c: &Candle) -> (char, Style) {
        if c.close >= c.open { ('█', self.styles.up) } else { ('░', self.styles.down) }
    }

    /// Volume bars, one per candle column, scaled so the window's largest
    /// volume fills every row of `rect`. Nothing when all volumes are zero.
    fn draw_volume(&self, buf: &mut Buffer, rect: Rect, shown: &[Candle]) {
        if rect.is_empty() {
            return;
        }
        let max = shown.iter().map(|c| c.volume).filter(|v| v.is_finite()).fold(0.0, f64::max);
        if max <= 0.0 {
            return;
        }
        let eighths_full = f64::from(rect.height) * 8.0;
        for (i, c) in shown.iter().enumerate() {
            let x = rect.x + (i as u16) * 2;
            let v = if c.volume.is_finite() { c.volume.max(0.0) } else { 0.0 };
            let mut eighths = (v / max * eighths_full).round() as u32;
            if v > 0.0 {
                eighths = eighths.max(1);
            }
            let style = self.styles.volume.patch(self.body(c).1);
            for k in 0..u32::from(rect.height) {
                let fill = eighths.saturating_sub(k * 8).min(8) as usize;
                if fill > 0 {
                    let y = rect.bottom() - 1 - k as u16;
                    put(buf, rect, x, y, BARS[fill - 1], style);
                }
            }
        }
    }

    /// A dashed line across the empty cells of a price alert's row.
    fn draw_level_line(&self, buf: &mut Buffer, plot: Rect, y: u16) {
        for x in plot.left()..plot.right() {
            if let Some(cell) = buf.cell_mut((x, y)).filter(|c| c.symbol() == " ") {
                cell.set_char('╌').set_style(self.styles.last);
            }
        }
    }

    /// A faint dotted line across the empty cells of the last price's row.
    fn draw_last_line(&self, buf: &mut Buffer, plot: Rect, y: u16) {
        let style = self.styles.last.add_modifier(Modifier::DIM);
        for x in plot.left()..plot.right() {
            if let Some(cell) = buf.cell_mut((x, y)).filter(|c| c.symbol() == " ") {
                cell.set_char('┈').set_style(style);
            }
        }
    }
}

/// Write `ch` at (`x`, `y`) if that cell is inside `clip`.
fn put(buf: &mut Buffer, clip: Rect, x: u16, y: u16, ch: char, style: Style) {
    if clip.contains(Position { x, y })
        && let Some(cell) = buf.cell_mut((x, y))
    {
        cell.set_char(ch).set_style(style);
    }
}

/// Write `text` from (`x`, `y`), one character per column, cut at the
/// right edge of `clip`. Returns the column after the last one written.
fn put_str(buf: &mut Buffer, clip: Rect, x: u16, y: u16, text: &str, style: Style) -> u16 {
    let mut x = x;
    for ch in text.chars() {
        put(buf, clip, x, y, ch, style);
        x = x.saturating_add(1);
    }
    x
}
