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
use crate::keymap::{Action, Context};
use crate::protocol::{Report, ValidationStatus};
use crate::theme::Theme;
use crate::ui::highlight;

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
    let shown = r.shown();
    let has_data = !r.items.is_empty();
    let title = title(app, shown.len());
    let block = panel(load_title(title, &r.paging.load, has_data, app.now, theme), theme);
    if !has_data {
        let empty = if r.filter.server_text().is_empty() {
            Line::styled("the queue is empty", theme.muted)
        } else {
            Line::styled("no reports match the filter (/ changes it)", theme.muted)
        };
        placeholder(f, area, block, no_data(&r.paging.load, "reports", empty, theme));
        return;
    }
    if shown.is_empty() {
        let keys = |a| app.keymap.first_key(Context::Reports, a);
        let more = r.paging.has_more.then(|| keys(Action::Down));
        let back = keys(Action::Back);
        let line = highlight::no_match("report", &r.filter.words, &back, more.as_deref(), theme);
        placeholder(f, area, block, line);
        return;
    }
    let (list_area, preview_area) = list_and_preview(area);
    let rows: Vec<Row> = shown.iter().map(|x| row(x, app, theme)).collect();
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
    let mut state = scrolled_cursor(&r.scroll, r.selected, shown.len(), list_area);
    f.render_stateful_widget(table, list_area, &mut state);
    if let Some(sel) = r.selected_item() {
        render_preview(f, preview_area, app, sel, theme);
    }
}

/// " Reports · 12 pending · 50 of 120 · status:pending · 2 marked ". With
/// words, what they show leads, as on every list: " Reports · 3 of 50
/// loaded · status:pending · filter: acme · 2 marked (1 hidden) · 12
/// pending " (a decision is only for the marked reports shown).
fn title(app: &App, shown: usize) -> String {
    let r = &app.reports;
    let words = &r.filter.words;
    let pending = format!("{} pending", r.pending());
    let mut parts = if words.is_active() {
        vec![highlight::count(shown, r.items.len(), "", r.paging.has_more)]
    } else {
        vec![pending.clone(), format!("{} of {}", r.items.len(), r.paging.total)]
    };
    let server = r.filter.server_text();
    if !server.is_empty() {
        parts.push(server);
    }
    if words.is_active() {
        parts.push(format!("filter: {}", words.text));
    }
    if !r.marked.is_empty() {
        parts.push(match r.marked_hidden() {
            0 => format!("{} marked", r.marked.len()),
            hidden => format!("{} marked ({hidden} hidden)", r.marked.len()),
        });
    }
    if words.is_active() {
        parts.push(pending);
    }
    format!(" Reports · {} ", parts.join(" · "))
}

/// One report's row: ● marked for a bulk decision, ⧗ decision on its way;
/// what the filter's words matched highlighted in the account and title.
fn row<'a>(x: &Report, app: &App, theme: &Theme) -> Row<'a> {
    let words = &app.reports.filter.words;
    let mark = match (app.reports.marked.contains(&x.id), app.has_pending(Some(&x.id), None)) {
        (true, _) => Span::styled("●", theme.accent),
        (false, true) => Span::styled("⧗", theme.warn),
        _ => Span::raw(" "),
    };
    Row::new(vec![
        Cell::from(mark),
        Cell::from(highlight::line(&x.account_number, words, Style::default(), theme)),
        Cell::from(title_cell(x, app, theme)),
        Cell::from(x.report_date.clone()),
        Cell::from(x.validation_status.as_str()).style(status_style(x.validation_status, theme)),
        Cell::from(Line::from(crate::format::percent(x.extraction_confidence, 0)).right_aligned()),
    ])
}

/// The account title, led by who is reviewing the report (a claim, §5a):
/// `[ana] Northgate Endowment`, `[you] …` for this console's own.
fn title_cell(x: &Report, app: &App, theme: &Theme) -> Line<'static> {
    let mut line =
        highlight::line(&x.account_title, &app.reports.filter.words, Style::default(), theme);
    if let Some(who) = x.claim_holder(app.wall) {
        let (who, style) =
            if who == app.settings.user { ("you", theme.muted) } else { (who, theme.warn) };
        line.spans.insert(0, Span::styled(format!("[{who}] "), style));
    }
    line
}
