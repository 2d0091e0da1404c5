//! Markets: the watchlist table.
//!
//! ```text
//! ┌ Watchlist · 8 symbols · sort: watchlist ───────────────────────────┐
//! │ Symbol     Last    Chg   Chg%      Bid      Ask  Vol Age  Trend    │
//! │ AAPL     150.25  +0.25 +0.17%  150.24   150.26  1.2K  0s  ▁▂▅▇█     │
//! └────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{cursor, panel, placeholder};
use crate::app::{App, Move, Quote};
use crate::theme::Theme;
use crate::ui::fmt;

/// Below this inner width the spread column is dropped.
const WIDE: u16 = 100;

pub fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.markets;
    if m.detail
        && let Some(sym) = m.selected_symbol()
    {
        super::markets_detail::render(f, area, app, theme, &sym);
        return;
    }
    let title = format!(" Watchlist · {} symbols · sort: {} ", m.symbols.len(), m.sort.label());
    let block = panel(title, theme);
    if m.symbols.is_empty() {
        placeholder(
            f,
            area,
            block,
            Line::styled("The watchlist is empty: press a to add a symbol", theme.muted),
        );
        return;
    }
    let wide = area.width >= WIDE;
    let mut header = vec!["Symbol", "Last", "Chg", "Chg%", "Bid", "Ask"];
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    if wide {
        header.push("Spread");
        widths.push(Constraint::Length(7));
    }
    header.extend(["Vol", "Age", "Trend"]);
    widths.extend([Constraint::Length(6), Constraint::Length(4), Constraint::Min(6)]);
    let fixed: u16 =
        widths.iter().map(|c| if let Constraint::Length(n) = c { *n + 1 } else { 1 }).sum();
    let spark_w = area.width.saturating_sub(fixed + 2).max(6) as usize;

    let rows = m.rows();
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|sym| match m.quotes.get(*sym) {
            Some(q) => quote_row(sym, q, app, theme, wide, spark_w),
            None => Row::new(vec![Cell::from((*sym).to_owned()), Cell::from("waiting for data…")])
                .style(theme.stale),
        })
        .collect();
    // Numbers are right-aligned, and so are their headings.
    let header = Row::new(header.into_iter().enumerate().map(|(i, h)| {
        let line = Line::from(h);
        Cell::from(if i == 0 || h == "Trend" { line } else { line.right_aligned() })
    }));
    let table = Table::new(table_rows, widths)
        .header(header.style(theme.title))
        .row_highlight_style(theme.selected)
        .block(block);
    let mut state = cursor(m.selected, rows.len());
    f.render_stateful_widget(table, area, &mut state);
}

fn quote_row<'a>(
    sym: &str,
    q: &Quote,
    app: &App,
    theme: &Theme,
    wide: bool,
    spark_w: usize,
) -> Row<'a> {
    let stale = q.is_stale(app.now, app.settings.prices_stale_after);
    let (chg, pct, chg_style) = match q.change() {
        Some((c, p)) => {
            let style = change_style(c, theme);
            (format!("{c:+.2}"), format!("{p:+.2}%"), style)
        }
        None => ("—".into(), "—".into(), theme.base),
    };
    let last_style = match q.flashing(app.now) {
        _ if stale => theme.stale,
        Some(Move::Up) => theme.up.patch(theme.selected),
        Some(Move::Down) => theme.down.patch(theme.selected),
        None => theme.base,
    };
    let num = |s: String| Line::from(s).right_aligned();
    let mut cells = vec![
        Cell::from(sym.to_owned()),
        // The flash colours the price itself, not the cell's padding.
        Cell::from(Line::from(Span::styled(fmt::price(q.last), last_style)).right_aligned()),
        Cell::from(num(chg)).style(chg_style),
        Cell::from(num(pct)).style(chg_style),
        Cell::from(num(fmt::price(q.bid))),
        Cell::from(num(fmt::price(q.ask))),
    ];
    if wide {
        cells.push(Cell::from(num(q
            .spread()
            .map(|s| format!("{s:.2}"))
            .unwrap_or_else(|| "—".into()))));
    }
    let age = fmt::age(q.age(app.now));
    let age_cell = if stale {
        Cell::from(Line::from(Span::styled(age, theme.warn)).right_aligned())
    } else {
        Cell::from(num(age))
    };
    cells.extend([
        Cell::from(num(q.volume.map(fmt::compact).unwrap_or_else(|| "—".into()))),
        age_cell,
        if stale {
            // Say it in words too, for terminals without colour.
            Cell::from(Span::styled("stale", theme.warn))
        } else {
            Cell::from(fmt::spark(q.history.iter(), spark_w)).style(theme.accent)
        },
    ]);
    let row = Row::new(cells);
    if stale { row.style(theme.stale) } else { row.style(Style::default()) }
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
