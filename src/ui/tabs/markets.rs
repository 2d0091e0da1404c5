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

use super::{markets_holdings, panel, placeholder};
use crate::app::{App, Move, Quote};
use crate::keymap::{Action, Context};
use crate::theme::Theme;
use crate::ui::fmt::{self, Align};
use crate::ui::highlight;

/// Below this inner width the spread column is dropped.
const WIDE: u16 = 100;
/// With holdings: below this width bid, ask and the absolute change make
/// room for value and P&L; from it, the quantity shows too.
const WIDE_HOLDINGS: u16 = 120;
/// The fewest rows the candles under the list get: with fewer the list
/// stays alone (Enter opens the chart full).
const CHART_MIN: u16 = 14;

type Column = (&'static str, Constraint, Align);

/// The watchlist's columns for an inner `width`: heading, width,
/// alignment. Spread only when wide; with holdings, their value and P&L
/// (bid, ask and the absolute change give way below [`WIDE_HOLDINGS`]);
/// the trend column takes what is left.
fn columns(width: u16, holdings: bool, marked: bool) -> Vec<Column> {
    let num = |h, w| (h, Constraint::Length(w), Align::Right);
    let roomy = !holdings || width >= WIDE_HOLDINGS;
    // A column more for the price-alert marker when any alert is armed.
    let symbol_w = if marked { 10 } else { 8 };
    let mut cols = vec![("Symbol", Constraint::Length(symbol_w), Align::Left), num("Last", 10)];
    if roomy {
        cols.push(num("Chg", 8));
    }
    cols.push(num("Chg%", 8));
    if roomy {
        cols.extend([num("Bid", 10), num("Ask", 10)]);
    }
    if width >= WIDE && !holdings {
        cols.push(num("Spread", 7));
    }
    if holdings {
        if roomy {
            cols.push(num("Qty", 9));
        }
        cols.extend([num("Value", 10), num("P&L", 10), num("P&L%", 8)]);
    }
    cols.extend([num("Vol", 6), num("Age", 4), ("Trend", Constraint::Min(6), Align::Left)]);
    cols
}

/// Where each column is in this frame's layout (`None`: not shown).
#[derive(Clone, Copy)]
pub(super) struct At {
    pub(super) chg: Option<usize>,
    pub(super) chg_pct: usize,
    pub(super) bid: Option<usize>,
    pub(super) ask: Option<usize>,
    pub(super) spread: Option<usize>,
    pub(super) qty: Option<usize>,
    pub(super) value: Option<usize>,
    pub(super) pnl: Option<usize>,
    pub(super) pnl_pct: Option<usize>,
    pub(super) vol: usize,
    pub(super) age: usize,
    pub(super) trend: usize,
}

impl At {
    fn of(cols: &[Column]) -> At {
        let find = |name: &str| cols.iter().position(|c| c.0 == name);
        let last = cols.len() - 1;
        At {
            chg: find("Chg"),
            chg_pct: find("Chg%").unwrap_or(last),
            bid: find("Bid"),
            ask: find("Ask"),
            spread: find("Spread"),
            qty: find("Qty"),
            value: find("Value"),
            pnl: find("P&L"),
            pnl_pct: find("P&L%"),
            vol: find("Vol").unwrap_or(last),
            age: find("Age").unwrap_or(last),
            trend: last,
        }
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if !app.settings.prices_format.is_venue() && super::no_backend(f, area, app, "Prices", theme) {
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
    // Rows: the symbols, the heading, the borders, and the holdings' total.
    let total = u16::from(!m.positions.is_empty());
    let list_h = (m.symbols.len() as u16 + 3 + total).clamp(6, area.height / 2);
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

/// " Watchlist · 3 of 8 symbols · filter: us · sort: symbol ".
fn title(m: &crate::app::Markets, shown: usize) -> String {
    let count = if m.filter.is_active() {
        let count = highlight::count(shown, m.symbols.len(), "symbols", false);
        format!("{count} · filter: {}", m.filter.text)
    } else {
        format!("{} symbols", m.symbols.len())
    };
    format!(" Watchlist · {count} · sort: {} ", m.sort.label())
}

/// The watchlist table, with a total row under it when there are holdings.
fn render_watchlist(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.markets;
    let rows = m.rows();
    let block = panel(title(m, rows.len()), theme);
    if rows.is_empty() && m.filter.is_active() {
        let back = app.keymap.first_key(Context::Markets, Action::Back);
        placeholder(f, area, block, highlight::no_match("symbol", &m.filter, &back, None, theme));
        return;
    }
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
    let mut inner = block.inner(area);
    f.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let holdings = !m.positions.is_empty();
    let marked = app.price_alerts.armed_count() > 0;
    let cols = columns(area.width, holdings, marked);
    let at = At::of(&cols);
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
    if holdings && inner.height > 2 {
        let y = inner.bottom() - 1;
        markets_holdings::total_row(
            buf,
            &RowCells { area: Rect { y, height: 1, ..inner }, rects: &rects, cols: &cols },
            at,
            app,
            theme,
        );
        inner.height -= 1;
    }

    // Only the rows on screen are drawn, from where the last frame's view
    // started (moved only if the cursor would leave it), so a watchlist
    // of thousands costs what one screenful does.
    let room = inner.height.saturating_sub(1).max(1) as usize;
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
            Some(q) => quote_row(buf, &row, at, &mut text, sym, q, app, theme).then_some(q),
            None => {
                unpriced_row(buf, &row, sym, m.refused.get(*sym), theme);
                None
            }
        };
        decorate(buf, &row, sym, is_selected, marked, app, theme);
        // The sparkline of whole seconds goes into the trend cell, under
        // the highlight like the rest of the row.
        if let Some(q) = live {
            let style = if is_selected { theme.accent.patch(theme.selected) } else { theme.accent };
            fmt::draw_spark(buf, row.cell(at.trend), q.closed_trend(), style);
        }
    }
}

/// Over a drawn row: the price-alert marker, the selection, and what the
/// filter matched in the symbol.
#[allow(clippy::too_many_arguments, reason = "one row's drawing context")]
fn decorate(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    sym: &str,
    is_selected: bool,
    marked: bool,
    app: &App,
    theme: &Theme,
) {
    if marked && app.price_alerts.armed_for(sym).next().is_some() {
        let cell = row.cell(0);
        buf.set_string(cell.right() - 1, cell.y, "◆", theme.accent);
    }
    if is_selected {
        buf.set_style(row.area, theme.selected);
    }
    highlight::paint(buf, row.cell(0), sym, &app.markets.filter, is_selected, theme);
}

/// A row without a price: why none will come (the source refused the
/// symbol), or that one is awaited, said across the number columns.
fn unpriced_row(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    sym: &str,
    refused: Option<&String>,
    theme: &Theme,
) {
    buf.set_style(row.area, theme.stale);
    row.text(buf, 0, sym, Style::default());
    let x = row.rects[1].x;
    let rest = Rect { x, width: row.area.right().saturating_sub(x), ..row.area };
    match refused {
        Some(why) => fmt::draw_text(buf, rest, why, Align::Left, theme.warn),
        None => fmt::draw_text(buf, rest, "waiting for data…", Align::Left, Style::default()),
    }
}

/// The cells of one row of the watchlist.
pub(super) struct RowCells<'a> {
    pub(super) area: Rect,
    pub(super) rects: &'a [Rect],
    cols: &'a [Column],
}

impl RowCells<'_> {
    pub(super) fn cell(&self, col: usize) -> Rect {
        Rect { y: self.area.y, height: 1, ..self.rects[col] }
    }

    /// `text` in column `col`, aligned as the column is, in `style`.
    pub(super) fn text(&self, buf: &mut Buffer, col: usize, text: &str, style: Style) {
        fmt::draw_text(buf, self.cell(col), text, self.cols[col].2, style);
    }

    /// Like [`RowCells::text`], with the whole cell (padding too) in
    /// `cell_style` first.
    pub(super) fn styled_cell(&self, buf: &mut Buffer, col: usize, text: &str, cell_style: Style) {
        buf.set_style(self.cell(col), cell_style);
        self.text(buf, col, text, Style::default());
    }
}

/// Draw a quote's cells, reusing `text` for the numbers. Returns whether
/// the quote is live (its sparkline is drawn; a stale one says "stale").
#[allow(clippy::too_many_arguments, reason = "one row's drawing context, kept flat for speed")]
fn quote_row(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    at: At,
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
    change_cells(buf, row, at, text, q, theme);
    for (col, v) in [(at.bid, q.bid), (at.ask, q.ask)] {
        if let Some(col) = col {
            text.clear();
            fmt::write_price(text, v);
            row.text(buf, col, text, Style::default());
        }
    }
    if let Some(col) = at.spread {
        text.clear();
        let _ = match q.spread() {
            Some(s) => write!(text, "{s:.2}"),
            None => write!(text, "—"),
        };
        row.text(buf, col, text, Style::default());
    }
    if let Some(p) = app.markets.position(sym) {
        markets_holdings::holding_cells(buf, row, at, text, p, q.last, app.markets.private, theme);
    }
    text.clear();
    match q.volume {
        Some(v) => fmt::write_compact(text, v),
        None => text.push('—'),
    }
    row.text(buf, at.vol, text, Style::default());
    // How stale a stale row is matters; how fresh a live one is can wait.
    let age = if shed && !stale {
        live_age(app.settings.prices_stale_after)
    } else {
        fmt::age(q.age(app.now))
    };
    row.text(buf, at.age, &age, if stale { theme.warn } else { Style::default() });
    if stale {
        // Said in words too, for terminals without colour.
        row.text(buf, at.trend, "stale", theme.warn);
    }
    !stale
}

/// The change since the reference (a venue's 24h open, or the session's
/// first price), absolute where shown and in percent.
fn change_cells(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    at: At,
    text: &mut String,
    q: &Quote,
    theme: &Theme,
) {
    match q.change() {
        Some((c, p)) => {
            let style = change_style(c, theme);
            if let Some(col) = at.chg {
                text.clear();
                let _ = write!(text, "{c:+.2}");
                row.styled_cell(buf, col, text, style);
            }
            text.clear();
            let _ = write!(text, "{p:+.2}%");
            row.styled_cell(buf, at.chg_pct, text, style);
        }
        None => {
            if let Some(col) = at.chg {
                row.styled_cell(buf, col, "—", theme.base);
            }
            row.styled_cell(buf, at.chg_pct, "—", theme.base);
        }
    }
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
