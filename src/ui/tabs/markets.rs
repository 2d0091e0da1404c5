//! Markets: the watchlist table. While the link to the terminal is the
//! limit (`app.output.shed_churn`), prices are not flashed and a live row's
//! age reads `<5s` instead of counting up every second, so the frames that
//! get through carry prices and staleness rather than decoration.
//!
//! ```text
//! ┌ Watchlist · 8 symbols · sort: watchlist ───────────────────────────┐
//! │ Symbol     Last    Chg   Chg%      Bid      Ask  Vol Age  Trend    │
//! │ AAPL     150.25  +0.25 +0.17%  150.24   150.26  1.2K  0s  ▁▂▅▇█     │
//! └────────────────────────────────────────────────────────────────────┘
//! ```

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;

use super::{panel, placeholder};
use crate::app::{App, Move, Quote};
use crate::keymap::{Action, Context};
use crate::theme::Theme;
use crate::ui::fmt::{self, Align};

/// Below this inner width the spread column is dropped.
const WIDE: u16 = 100;
/// The fewest rows the candles under the list get: with fewer the list
/// stays alone (Enter opens the chart full).
const CHART_MIN: u16 = 14;

/// The watchlist's columns: heading, width, alignment. Spread only when
/// wide; the trend column takes what is left.
fn columns(wide: bool) -> Vec<(&'static str, Constraint, Align)> {
    let num = |h, w| (h, Constraint::Length(w), Align::Right);
    let mut cols = vec![
        ("Symbol", Constraint::Length(8), Align::Left),
        num("Last", 10),
        num("Chg", 8),
        num("Chg%", 8),
        num("Bid", 10),
        num("Ask", 10),
    ];
    if wide {
        cols.push(num("Spread", 7));
    }
    cols.extend([num("Vol", 6), num("Age", 4), ("Trend", Constraint::Min(6), Align::Left)]);
    cols
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if super::no_backend(f, area, app, "Prices", theme) {
        return;
    }
    let m = &app.markets;
    if m.detail
        && let Some(sym) = m.selected_symbol()
    {
        super::markets_detail::render(f, area, app, theme, &sym);
        return;
    }
    // Tall terminals keep the selected symbol's candles under the list
    // (at most half the height for the list, a readable chart below).
    let charted = m.chart.as_ref().filter(|c| m.selected_symbol().as_deref() == Some(&c.symbol));
    let list_h = (m.symbols.len() as u16 + 3).clamp(6, area.height / 2);
    if let Some(chart) = charted.filter(|_| area.height.saturating_sub(list_h) >= CHART_MIN) {
        let [list, below] =
            Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(area);
        render_watchlist(f, list, app, theme);
        let quote = m.quotes.get(&chart.symbol);
        super::markets_detail::render_candles(f, below, app, theme, chart, quote);
        return;
    }
    render_watchlist(f, area, app, theme);
}

/// The watchlist table.
fn render_watchlist(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.markets;
    let title = format!(" Watchlist · {} symbols · sort: {} ", m.symbols.len(), m.sort.label());
    let block = panel(title, theme);
    if m.symbols.is_empty() {
        placeholder(
            f,
            area,
            block,
            Line::styled(
                format!(
                    "The watchlist is empty: press {} to add a symbol",
                    app.keymap.first_key(Context::Markets, Action::AddSymbol)
                ),
                theme.muted,
            ),
        );
        return;
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let cols = columns(area.width >= WIDE);
    let rects =
        Layout::horizontal(cols.iter().map(|c| c.1)).flex(Flex::Start).spacing(1).split(inner);
    let buf = f.buffer_mut();

    // Cells are written straight into the buffer: a busy watchlist redraws
    // every visible row each frame, and a `Table` of `Line`s would lay out
    // each cell's text first.
    let heading = Rect { height: 1, ..inner };
    buf.set_style(heading, theme.title);
    for ((name, _, align), r) in cols.iter().zip(rects.iter()) {
        fmt::draw_text(buf, Rect { y: heading.y, height: 1, ..*r }, name, *align, Style::default());
    }

    // Only the rows on screen are drawn, from where the last frame's view
    // started (moved only if the cursor would leave it), so a watchlist
    // of thousands costs what one screenful does.
    let room = inner.height.saturating_sub(1).max(1) as usize;
    let rows = m.rows();
    let selected = m.selected.min(rows.len() - 1);
    let offset = m.scroll.show(selected, rows.len(), room);
    let window = &rows[offset..(offset + room).min(rows.len())];
    let mut text = String::new();
    for (i, sym) in window.iter().enumerate() {
        let y = inner.y + 1 + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let row = RowCells { area: Rect { y, height: 1, ..inner }, rects: &rects, cols: &cols };
        let is_selected = offset + i == selected;
        let live = match m.quotes.get(*sym) {
            Some(q) => quote_row(buf, &row, &mut text, sym, q, app, theme).then_some(q),
            None => {
                buf.set_style(row.area, theme.stale);
                row.text(buf, 0, sym, Style::default());
                // Said across the number columns, where it fits.
                let rest = Rect { x: rects[1].x, width: inner.right() - rects[1].x, ..row.area };
                fmt::draw_text(buf, rest, "waiting for data…", Align::Left, Style::default());
                None
            }
        };
        if is_selected {
            buf.set_style(row.area, theme.selected);
        }
        // The sparkline of whole seconds goes into the trend cell, under
        // the highlight like the rest of the row.
        if let Some(q) = live {
            let style = if is_selected { theme.accent.patch(theme.selected) } else { theme.accent };
            fmt::draw_spark(buf, row.cell(rects.len() - 1), q.closed_trend(), style);
        }
    }
}

/// The cells of one row of the watchlist.
struct RowCells<'a> {
    area: Rect,
    rects: &'a [Rect],
    cols: &'a [(&'static str, Constraint, Align)],
}

impl RowCells<'_> {
    fn cell(&self, col: usize) -> Rect {
        Rect { y: self.area.y, height: 1, ..self.rects[col] }
    }

    /// `text` in column `col`, aligned as the column is, in `style`.
    fn text(&self, buf: &mut Buffer, col: usize, text: &str, style: Style) {
        fmt::draw_text(buf, self.cell(col), text, self.cols[col].2, style);
    }

    /// Like [`RowCells::text`], with the whole cell (padding too) in
    /// `cell_style` first.
    fn styled_cell(&self, buf: &mut Buffer, col: usize, text: &str, cell_style: Style) {
        buf.set_style(self.cell(col), cell_style);
        self.text(buf, col, text, Style::default());
    }
}

/// Draw a quote's cells, reusing `text` for the numbers. Returns whether
/// the quote is live (its sparkline is drawn; a stale one says "stale").
fn quote_row(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    text: &mut String,
    sym: &str,
    q: &Quote,
    app: &App,
    theme: &Theme,
) -> bool {
    let stale = q.is_stale(app.now, app.settings.prices_stale_after);
    let shed = app.output.shed_churn;
    if stale {
        buf.set_style(row.area, theme.stale);
    }
    row.text(buf, 0, sym, Style::default());
    let last_style = match q.flashing(app.now) {
        _ if stale => theme.stale,
        _ if shed => theme.base,
        // In the direction's colour alone: reversing it too would cost
        // every ticking row two more style changes per frame.
        Some(Move::Up) => theme.up,
        Some(Move::Down) => theme.down,
        None => theme.base,
    };
    // The flash colours the price itself, not the cell's padding.
    text.clear();
    fmt::write_price(text, q.last);
    row.text(buf, 1, text, last_style);
    match q.change() {
        Some((c, p)) => {
            let style = change_style(c, theme);
            text.clear();
            let _ = write!(text, "{c:+.2}");
            row.styled_cell(buf, 2, text, style);
            text.clear();
            let _ = write!(text, "{p:+.2}%");
            row.styled_cell(buf, 3, text, style);
        }
        None => {
            row.styled_cell(buf, 2, "—", theme.base);
            row.styled_cell(buf, 3, "—", theme.base);
        }
    }
    let mut col = 4;
    for v in [q.bid, q.ask] {
        text.clear();
        fmt::write_price(text, v);
        row.text(buf, col, text, Style::default());
        col += 1;
    }
    if row.cols[col].0 == "Spread" {
        text.clear();
        let _ = match q.spread() {
            Some(s) => write!(text, "{s:.2}"),
            None => write!(text, "—"),
        };
        row.text(buf, col, text, Style::default());
        col += 1;
    }
    text.clear();
    match q.volume {
        Some(v) => fmt::write_compact(text, v),
        None => text.push('—'),
    }
    row.text(buf, col, text, Style::default());
    // How stale a stale row is matters; how fresh a live one is can wait.
    let age = if shed && !stale {
        live_age(app.settings.prices_stale_after)
    } else {
        fmt::age(q.age(app.now))
    };
    row.text(buf, col + 1, &age, if stale { theme.warn } else { Style::default() });
    if stale {
        // Said in words too, for terminals without colour.
        row.text(buf, col + 2, "stale", theme.warn);
    }
    !stale
}

/// What a live row's age says while churn is shed: younger than the age
/// at which it would be marked stale (`<5s`).
fn live_age(stale_after: std::time::Duration) -> String {
    let whole = std::time::Duration::from_secs(stale_after.as_secs_f64().ceil() as u64);
    format!("<{}", fmt::age(Some(whole)))
}

/// Up, down or unchanged, in the theme's colours.
pub(super) fn change_style(change: f64, theme: &Theme) -> Style {
    if change > 0.0 {
        theme.up
    } else if change < 0.0 {
        theme.down
    } else {
        theme.base
    }
}
