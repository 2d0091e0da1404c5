//! Reports: the approval queue (pending first) and the selected report
//! (a pane from 120 columns, else one line under the list; Enter opens it
//! full screen, see [`super::report_detail`]).
//!
//! ```text
//! ┌ Reports · 12 pending of 50 ────────┐┌ Report 17 · enter opens ─┐
//! │ Account   Title      Date   Status ││ account, dates, status   │
//! └────────────────────────────────────┘│ totals · risk · positions│
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::report_detail::{list_and_preview, render_preview};
use super::{load_title, no_data, panel, placeholder, scrolled_cursor};
use crate::app::App;
use crate::protocol::ValidationStatus;
use crate::theme::Theme;

pub(crate) fn status_style(s: ValidationStatus, theme: &Theme) -> Style {
    match s {
        ValidationStatus::Pending => theme.accent,
        ValidationStatus::Approved => theme.ok,
        ValidationStatus::Rejected => theme.crit,
        ValidationStatus::Flagged => theme.warn,
        ValidationStatus::Unknown => theme.muted,
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if super::no_backend(f, area, app, "Reports", theme) {
        return;
    }
    if app.report_detail.is_some() {
        super::report_detail::render(f, area, app, theme);
        return;
    }
    let r = &app.reports;
    let mut title =
        format!(" Reports · {} pending · {} of {} ", r.pending(), r.items.len(), r.paging.total);
    let filter = r.filter.to_text();
    if !filter.is_empty() {
        title.push_str(&format!("· {filter} "));
    }
    if !r.marked.is_empty() {
        title.push_str(&format!("· {} marked ", r.marked.len()));
    }
    let has_data = !r.items.is_empty();
    let block = panel(load_title(title, &r.paging.load, has_data, app.now, theme), theme);
    if !has_data {
        let empty = if filter.is_empty() {
            Line::styled("the queue is empty", theme.muted)
        } else {
            Line::styled("no reports match the filter (/ changes it)", theme.muted)
        };
        placeholder(f, area, block, no_data(&r.paging.load, "reports", empty, theme));
        return;
    }
    let (list_area, preview_area) = list_and_preview(area);
    let rows: Vec<Row> = r
        .items
        .iter()
        .map(|x| {
            // ● marked for a bulk decision, ⧗ decision on its way.
            let mark = match (r.marked.contains(&x.id), app.has_pending(Some(&x.id), None)) {
                (true, _) => Span::styled("●", theme.accent),
                (false, true) => Span::styled("⧗", theme.warn),
                _ => Span::raw(" "),
            };
            Row::new(vec![
                Cell::from(mark),
                Cell::from(x.account_number.clone()),
                Cell::from(x.account_title.clone()),
                Cell::from(x.report_date.clone()),
                Cell::from(x.validation_status.as_str())
                    .style(status_style(x.validation_status, theme)),
                Cell::from(
                    Line::from(crate::format::percent(x.extraction_confidence, 0)).right_aligned(),
                ),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Length(10),
        Constraint::Min(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(5),
    ];
    let header = Row::new(["", "Account", "Title", "Date", "Status", "Conf"]).style(theme.title);
    let table =
        Table::new(rows, widths).header(header).row_highlight_style(theme.selected).block(block);
    let mut state = scrolled_cursor(&r.scroll, r.selected, r.items.len(), list_area);
    f.render_stateful_widget(table, list_area, &mut state);
    if let Some(sel) = r.selected_item() {
        render_preview(f, preview_area, app, sel, theme);
    }
}
