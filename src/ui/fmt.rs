//! Drawing helpers shared by the tabs: sparklines and text written
//! straight into buffer cells. The number, duration and age formatters live
//! in [`crate::format`] (the headless commands use them too) and are
//! re-exported here for the tabs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

pub(crate) use crate::format::{age, compact, duration, fit, price, write_compact, write_price};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A one-line sparkline of the newest `width` values, scaled to their own
/// min..max. Empty when there are no values.
pub(crate) fn spark(values: impl ExactSizeIterator<Item = f64> + Clone, width: usize) -> String {
    spark_bars(values, width).collect()
}

/// The bars of [`spark`], one per value: a gap for a value that is not a
/// number, the middle bar when all are equal.
pub(crate) fn spark_bars(
    values: impl ExactSizeIterator<Item = f64> + Clone,
    width: usize,
) -> impl Iterator<Item = char> {
    let skip = values.len().saturating_sub(width);
    let vals = values.skip(skip);
    let (lo, hi) = vals
        .clone()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
    let range = hi - lo;
    vals.map(move |v| {
        if !v.is_finite() {
            ' '
        } else if range <= f64::EPSILON {
            BARS[3]
        } else {
            let i = ((v - lo) / range * (BARS.len() - 1) as f64).round() as usize;
            BARS[i.min(BARS.len() - 1)]
        }
    })
}

/// Draw [`spark`] straight into the cells of a one-row `area`, patching
/// `style` over what is there. A busy watchlist draws one of these per row
/// every frame; writing cells directly skips the text layout a `Span`
/// would go through for each bar.
pub(crate) fn draw_spark(
    buf: &mut Buffer,
    area: Rect,
    values: impl ExactSizeIterator<Item = f64> + Clone,
    style: Style,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let start = buf.index_of(area.x, area.y);
    let cells = &mut buf.content[start..start + area.width as usize];
    for (cell, bar) in cells.iter_mut().zip(spark_bars(values, area.width as usize)) {
        let mut utf8 = [0u8; 4];
        cell.set_symbol(bar.encode_utf8(&mut utf8)).set_style(style);
    }
}

/// Where [`draw_text`] puts text that is narrower than its area.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Write one line of `text` into a one-row `area`, patching `style` over
/// the cells it covers; text wider than the area loses its end (left
/// aligned) or its start (right aligned), as a ratatui `Line` would. The
/// watchlist writes every cell of every row this way each frame, without
/// building a `Table` of `Line`s first.
pub(crate) fn draw_text(buf: &mut Buffer, area: Rect, text: &str, align: Align, style: Style) {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let area = area.intersection(buf.area);
    if area.is_empty() || text.is_empty() {
        return;
    }
    let ascii = text.is_ascii();
    let width = if ascii { text.len() } else { text.width() };
    let room = usize::from(area.width);
    let (x, text) = match align {
        _ if width <= room && align == Align::Right => (area.right() - width as u16, text),
        Align::Right => {
            // Drop whole characters from the start until the rest fits.
            let mut cut = width - room;
            let mut start = 0;
            for (i, c) in text.char_indices() {
                if cut == 0 {
                    start = i;
                    break;
                }
                cut = cut.saturating_sub(c.width().unwrap_or(0));
                start = i + c.len_utf8();
            }
            (area.x, &text[start..])
        }
        Align::Left => (area.x, text),
    };
    if ascii {
        let start = buf.index_of(x, area.y);
        let end = buf.index_of(area.right() - 1, area.y) + 1;
        let cells = &mut buf.content[start..end];
        for (cell, b) in cells.iter_mut().zip(text.bytes()) {
            cell.set_char(char::from(b)).set_style(style);
        }
    } else {
        let left = usize::from(area.right() - x);
        buf.set_stringn(x, area.y, text, left, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_its_range() {
        assert_eq!(spark([1.0, 2.0, 3.0].into_iter(), 10), "▁▅█");
        assert_eq!(spark([5.0, 5.0].into_iter(), 10), "▄▄");
        assert_eq!(spark([1.0, 2.0, 3.0, 4.0].into_iter(), 2), "▁█");
    }

    fn line(buf: &Buffer) -> String {
        buf.content.iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn text_is_aligned_and_cut_like_a_line() {
        use ratatui::style::{Color, Modifier};
        let area = Rect::new(0, 0, 10, 1);
        let cell = Rect::new(2, 0, 6, 1);
        let red = Style::new().fg(Color::Red);
        let cases = [
            ("1.25", Align::Right, "    1.25  "),
            ("1.25", Align::Left, "  1.25    "),
            ("12345678.9", Align::Right, "  5678.9  "),
            ("12345678.9", Align::Left, "  123456  "),
            ("—", Align::Right, "       —  "),
            ("waiting for…", Align::Left, "  waitin  "),
            ("…1234567", Align::Right, "  234567  "),
        ];
        for (text, align, want) in cases {
            let mut buf = Buffer::empty(area);
            buf.set_style(area, Style::new().add_modifier(Modifier::BOLD));
            draw_text(&mut buf, cell, text, align, red);
            assert_eq!(line(&buf), want, "{text:?} {align:?}");
            // The style is patched over the cells written, nowhere else.
            let written = want.char_indices().filter(|(_, c)| *c != ' ').count();
            let red_cells = buf.content.iter().filter(|c| c.fg == Color::Red).count();
            assert_eq!(red_cells, written, "{text:?}");
            assert!(buf.content.iter().all(|c| c.modifier.contains(Modifier::BOLD)));
        }
    }
}
