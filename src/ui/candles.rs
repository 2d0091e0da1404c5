//! A candlestick widget: one column per one-minute candle, wicks from high
//! to low, bodies from open to close. Up bodies are solid and down bodies
//! shaded, so the two differ without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::app::Candle;

pub(crate) struct CandleChart<'a> {
    pub candles: &'a [Candle],
    pub up: Style,
    pub down: Style,
    pub wick: Style,
}

impl CandleChart<'_> {
    /// How many candles fit in `width` columns (one column and one gap each).
    pub(crate) fn capacity(width: u16) -> usize {
        (width as usize).div_ceil(2)
    }
}

impl Widget for CandleChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() || self.candles.is_empty() {
            return;
        }
        let shown = &self.candles[self.candles.len().saturating_sub(Self::capacity(area.width))..];
        let hi = shown.iter().map(|c| c.high).fold(f64::NEG_INFINITY, f64::max);
        let lo = shown.iter().map(|c| c.low).fold(f64::INFINITY, f64::min);
        let rows = f64::from(area.height - 1);
        let row = |p: f64| -> u16 {
            if hi - lo <= f64::EPSILON {
                area.height / 2
            } else {
                ((hi - p) / (hi - lo) * rows).round().clamp(0.0, rows) as u16
            }
        };
        for (i, c) in shown.iter().enumerate() {
            let x = area.x + (i as u16) * 2;
            if x >= area.right() {
                break;
            }
            for r in row(c.high)..=row(c.low) {
                buf[(x, area.y + r)].set_symbol("│").set_style(self.wick);
            }
            let (top, bottom) = (row(c.open.max(c.close)), row(c.open.min(c.close)));
            let (symbol, style) =
                if c.close >= c.open { ("█", self.up) } else { ("░", self.down) };
            for r in top..=bottom {
                buf[(x, area.y + r)].set_symbol(symbol).set_style(style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(open: f64, high: f64, low: f64, close: f64) -> Candle {
        Candle { start: 0, open, high, low, close, volume: 0.0 }
    }

    #[test]
    fn up_and_down_candles_draw_differently() {
        let candles = [candle(1.0, 4.0, 0.0, 3.0), candle(3.0, 4.0, 0.0, 1.0)];
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 5));
        CandleChart {
            candles: &candles,
            up: Style::default(),
            down: Style::default(),
            wick: Style::default(),
        }
        .render(buf.area, &mut buf);
        let col = |x: u16| (0..5).map(|y| buf[(x, y)].symbol().to_owned()).collect::<String>();
        assert_eq!(col(0), "│███│", "up: wick at 4, body 3..1, wick at 0");
        assert_eq!(col(2), "│░░░│", "down: shaded body");
    }
}
