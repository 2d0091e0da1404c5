//! The watchlist's holdings: a held symbol's quantity, value, P&L and
//! P&L %, and the total row under the list (hidden when private).

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::markets::{At, RowCells, change_style};
use crate::app::App;
use crate::theme::Theme;
use crate::ui::fmt::{self, Align};

/// What a private screen shows for a holding's numbers.
const HIDDEN: &str = "•••";

/// A holding's quantity, value, P&L and P&L % at `last` (hidden when
/// private).
#[allow(clippy::too_many_arguments, reason = "one row's drawing context")]
pub(super) fn holding_cells(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    at: At,
    text: &mut String,
    p: &crate::config::PositionConfig,
    last: Option<f64>,
    private: bool,
    theme: &Theme,
) {
    let cols = [at.qty, at.value, at.pnl, at.pnl_pct];
    if private {
        for col in cols.into_iter().flatten() {
            row.text(buf, col, HIDDEN, theme.muted);
        }
        return;
    }
    if let Some(col) = at.qty {
        text.clear();
        fmt::write_compact(text, p.quantity);
        row.text(buf, col, text, Style::default());
    }
    let Some(last) = last else { return };
    let v = crate::app::positions::value(p, last);
    money_cells(buf, row, at, text, v.value, v.pnl, v.pnl_pct, theme);
}

/// Value, P&L and P&L % in their columns, the P&L in the colour of its sign.
#[allow(clippy::too_many_arguments, reason = "one row's drawing context")]
fn money_cells(
    buf: &mut Buffer,
    row: &RowCells<'_>,
    at: At,
    text: &mut String,
    value: f64,
    pnl: f64,
    pnl_pct: Option<f64>,
    theme: &Theme,
) {
    let style = change_style(pnl, theme);
    if let Some(col) = at.value {
        text.clear();
        crate::format::write_money(text, value);
        row.text(buf, col, text, Style::default());
    }
    if let Some(col) = at.pnl {
        text.clear();
        if pnl >= 0.0 {
            text.push('+');
        }
        crate::format::write_money(text, pnl);
        row.styled_cell(buf, col, text, style);
    }
    if let Some(col) = at.pnl_pct {
        text.clear();
        let _ = match pnl_pct {
            Some(pct) => write!(text, "{pct:+.2}%"),
            None => write!(text, "—"),
        };
        row.styled_cell(buf, col, text, style);
    }
}

/// The holdings' total: value, P&L and P&L %; says how many holdings have
/// no price yet or a stale one, since the sum is then not the whole truth.
pub(super) fn total_row(buf: &mut Buffer, row: &RowCells<'_>, at: At, app: &App, theme: &Theme) {
    let m = &app.markets;
    buf.set_style(row.area, theme.title);
    row.text(buf, 0, "Total", Style::default());
    if m.private {
        for col in [at.value, at.pnl, at.pnl_pct].into_iter().flatten() {
            row.text(buf, col, HIDDEN, theme.muted);
        }
        return;
    }
    let t = crate::app::positions::total(
        &m.positions,
        |s| m.quotes.get(s),
        app.now,
        app.settings.prices_stale_after,
    );
    let mut text = String::new();
    money_cells(buf, row, at, &mut text, t.value, t.pnl, t.pnl_pct, theme);
    let note = match (t.unpriced, t.stale) {
        (0, 0) => return,
        (0, n) => format!("{n} stale"),
        (n, 0) => format!("{n} unpriced"),
        (n, k) => format!("{n} unpriced, {k} stale"),
    };
    // Across the volume, age and trend columns, which a total has not.
    let x = row.rects[at.vol].x;
    let room = Rect { x, width: row.area.right().saturating_sub(x), ..row.area };
    fmt::draw_text(buf, room, &note, Align::Right, theme.warn);
}
