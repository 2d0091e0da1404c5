//! Reports: the approval queue (pending first) and the selected report.
//!
//! ```text
//! ┌ Reports · 12 pending of 50 ────────┐┌ Report 17 ──────────────┐
//! │ Account   Title      Date   Status ││ account, dates, scores  │
//! └────────────────────────────────────┘│ positions · totals · risk│
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use serde_json::Value;

use super::insights::split;
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
    let (list_area, detail_area) = split(area);
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
        render_detail(f, detail_area, sel, theme);
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
        Cell::from(Line::from(format!("{:.0}%", x.extraction_confidence * 100.0)).right_aligned()),
    ])
}

/// The account title, led by who is reviewing the report (a claim, §5a):
/// `[ana] Northgate Endowment`, `[you] …` for this console's own.
fn title_cell(x: &Report, app: &App, theme: &Theme) -> Line<'static> {
    let mut line = highlight::line(&x.account_title, &app.reports.filter.words, Style::default(), theme);
    if let Some(who) = x.claim_holder(app.wall) {
        let (who, style) = if who == app.settings.user {
            ("you", theme.muted)
        } else {
            (who, theme.warn)
        };
        line.spans.insert(0, Span::styled(format!("[{who}] "), style));
    }
    line
}

fn scalar(v: &Value) -> String {
    match v {
        // Whole counts keep no decimals; amounts read as money.
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => crate::format::grouped(i as f64, 0),
            (None, Some(x)) => crate::format::grouped(x, 2),
            (None, None) => n.to_string(),
        },
        Value::String(s) => crate::sanitize::clean(s),
        Value::Null => "—".into(),
        other => crate::sanitize::clean(&other.to_string()),
    }
}

fn render_detail(f: &mut Frame, area: Rect, rep: &Report, theme: &Theme) {
    let kv = |k: &str, v: String| {
        Line::from(vec![Span::styled(format!("{k:<13}"), theme.muted), Span::raw(v)])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} {} ", rep.account_number, rep.account_title), theme.title),
            Span::styled(
                rep.validation_status.as_str(),
                status_style(rep.validation_status, theme),
            ),
        ]),
        kv("dates", format!("report {} · trade {}", rep.report_date, rep.trade_date)),
        kv(
            "confidence",
            format!(
                "{:.0}% · quality {:.0}%",
                rep.extraction_confidence * 100.0,
                rep.data_quality_score * 100.0
            ),
        ),
    ];
    if let Some(by) = &rep.approved_by {
        lines.push(kv("decided by", by.clone()));
    }
    if let Some(n) = &rep.notes {
        lines.push(kv("notes", n.clone()));
    }
    let pairs = |m: &serde_json::Map<String, Value>| {
        m.iter()
            .map(|(k, v)| format!("{}={}", crate::sanitize::clean(k), scalar(v)))
            .collect::<Vec<_>>()
            .join("  ")
    };
    lines.push(kv("totals", pairs(&rep.account_totals)));
    lines.push(kv("risk", pairs(&rep.risk_metrics)));
    lines.push(Line::styled(format!("positions ({})", rep.positions.len()), theme.title));
    let block = panel(format!(" Report {} ", rep.id), theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let text_h = (lines.len() as u16).min(inner.height);
    let [text_area, table_area] =
        Layout::vertical([Constraint::Length(text_h), Constraint::Min(0)]).areas(inner);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), text_area);
    render_positions(f, table_area, &rep.positions, theme);
}

/// Positions as a table: the usual columns first, then any others the
/// backend sends.
fn render_positions(f: &mut Frame, area: Rect, positions: &[Value], theme: &Theme) {
    const PREFERRED: [&str; 5] =
        ["symbol", "quantity", "price", "market_value", "margin_requirement"];
    let mut columns: Vec<String> = PREFERRED.iter().map(|c| (*c).to_owned()).collect();
    for p in positions {
        if let Value::Object(m) = p {
            for k in m.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    columns.retain(|c| positions.iter().any(|p| p.get(c).is_some()));
    if columns.is_empty() || area.height == 0 {
        return;
    }
    let rows: Vec<Row> = positions
        .iter()
        .map(|p| {
            Row::new(columns.iter().enumerate().map(|(i, c)| {
                let v = p.get(c).map(scalar).unwrap_or_default();
                if i == 0 { Cell::from(v) } else { Cell::from(Line::from(v).right_aligned()) }
            }))
        })
        .collect();
    let header = Row::new(columns.iter().map(|c| crate::sanitize::clean(c).replace('_', " ")))
        .style(theme.muted);
    let widths = vec![Constraint::Fill(1); columns.len()];
    f.render_widget(Table::new(rows, widths).header(header), area);
}
