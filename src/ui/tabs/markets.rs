//! Markets: the watchlist table.
//!
//! ```text
//! ┌ Watchlist · 8 symbols · sort: watchlist ───────────────────────────┐
//! │ Symbol     Last    Chg   Chg%      Bid      Ask  Vol Age  Trend    │
//! │ AAPL     150.25  +0.25 +0.17%  150.24   150.26  1.2K  0s  ▁▂▅▇█     │
//! └────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
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

    // Only the rows on screen are built: the window a table scrolled just
    // far enough to show the cursor would show, so a watchlist of
    // thousands costs what one screenful does.
    let inner = block.inner(area);
    let room = inner.height.saturating_sub(1).max(1) as usize;
    let rows = m.rows();
    let selected = m.selected.min(rows.len() - 1);
    let offset = (selected + 1).saturating_sub(room);
    let window = &rows[offset..(offset + room).min(rows.len())];
    let table_rows: Vec<Row> = window
        .iter()
        .map(|sym| match m.quotes.get(*sym) {
            Some(q) => quote_row(sym, q, app, theme, wide),
            None => Row::new(vec![Cell::from((*sym).to_owned()), Cell::from("waiting for data…")])
                .style(theme.stale),
        })
        .collect();
    // Numbers are right-aligned, and so are their headings.
    let header = Row::new(header.into_iter().enumerate().map(|(i, h)| {
        let line = Line::from(h);
        Cell::from(if i == 0 || h == "Trend" { line } else { line.right_aligned() })
    }));
    let table = Table::new(table_rows, widths.clone())
        .header(header.style(theme.title))
        .row_highlight_style(theme.selected)
        .block(block);
    let mut state = cursor(selected - offset, window.len());
    f.render_stateful_widget(table, area, &mut state);

    // The sparklines go straight into the trend column's cells, under the
    // row highlight like the rest of the row.
    let columns = Layout::horizontal(widths).flex(Flex::Start).spacing(1).split(inner);
    let trend = columns[columns.len() - 1];
    for (i, sym) in window.iter().enumerate() {
        let Some(q) = m.quotes.get(*sym) else { continue };
        if q.is_stale(app.now, app.settings.prices_stale_after) {
            continue;
        }
        let y = trend.y + 1 + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let style =
            if offset + i == selected { theme.accent.patch(theme.selected) } else { theme.accent };
        fmt::draw_spark(f.buffer_mut(), Rect { y, height: 1, ..trend }, q.history.iter(), style);
    }
}

fn quote_row<'a>(sym: &str, q: &Quote, app: &App, theme: &Theme, wide: bool) -> Row<'a> {
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
        // In the direction's colour alone: reversing it too would cost
        // every ticking row two more style changes per frame.
        Some(Move::Up) => theme.up,
        Some(Move::Down) => theme.down,
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
            // Drawn over this cell by `render`, straight into the buffer.
            Cell::default()
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
