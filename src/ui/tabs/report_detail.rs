//! A margin report full screen (Enter on Reports), laid out for a reviewer
//! deciding on it: who and what, its status and who decided, anything past
//! a `[review.thresholds]` level, the notes; then totals and risk metrics as
//! two aligned tables (side by side when they fit) and the positions with
//! right-aligned figures. Every line is one row at the width drawn, so the
//! whole report scrolls by lines and nothing is cut at 80x24.
//!
//! ```text
//! ┌ Report 17 · ACC-10231 Halvorsen Capital · pending ────────────────────┐
//! │Account    ACC-10231 · Halvorsen Capital Partners LP · client CL-0041  │
//! │Status     pending · confidence 85% · quality 58%                      │
//! │Attention  ▲ crit Margin utilization 91.0% (crit at 90.0% or more)     │
//! │Totals                              Risk                               │
//! │Equity              541,288.80      Margin utilization   91.0% ▲ crit  │
//! │Positions · 3                                                          │
//! │Symbol  Quantity   Price  Market value  Margin requirement             │
//! └───────────────────────────────────────────────────────── 1–19 of 24 ┘
//! ```
//!
//! Narrower than 120 columns the Reports list shows one line about the
//! report under the cursor instead of a side pane ([`render_preview`]).

mod figures;
mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::{Map, Value};

use super::reports::status_style;
use super::{panel, placeholder};
use crate::app::App;
use crate::keymap::{Action, Context};
use crate::protocol::{Report, ValidationStatus};
use crate::theme::Theme;
use crate::ui::fmt;
use figures::Figure;
pub(crate) use table::wrap;

/// Width of the labels of the summary lines ("Attention  ").
const LABEL_W: usize = 11;

/// Totals and risk metrics shown first, in this order; others follow.
const TOTALS: [&str; 4] = ["equity", "margin_used", "maintenance_margin", "buying_power"];
const RISK: [&str; 4] = ["margin_utilization", "leverage", "concentration", "var_95"];

/// The detail of the open report over the whole body of the tab.
pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(d) = &app.report_detail else { return };
    let back = app.keymap.first_key(Context::ReportDetail, Action::Back);
    let Some(rep) = app.detail_report() else {
        let text = format!(
            "report {} is no longer in the list (a refresh or a filter took it away) · {back} returns to the list",
            d.id
        );
        let block = panel(format!(" Report {} ", d.id), theme);
        placeholder(f, area, block, Line::styled(text, theme.warn));
        return;
    };
    let area = beside_toasts(area, app);
    let mut block = panel(title(rep, app, theme), theme);
    let inner = block.inner(area);
    let lines = document(rep, app, usize::from(inner.width), theme);
    let height = usize::from(inner.height);
    let top = d.shown(lines.len(), height);
    if lines.len() > height {
        let last = (top + height).min(lines.len());
        let at = format!(" lines {}–{last} of {} ", top + 1, lines.len());
        block = block.title_bottom(Line::styled(at, theme.muted).right_aligned());
    }
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(lines[top..].to_vec()), inner);
}

/// `area` less the rows the toasts take, so that none covers the report
/// (when enough is left to read it).
fn beside_toasts(area: Rect, app: &App) -> Rect {
    let (top, bottom) = crate::ui::toasts::margins(app);
    if area.height < top + bottom + 8 {
        return area;
    }
    Rect { y: area.y + top, height: area.height - top - bottom, ..area }
}

/// Beside or under the Reports list, the report under the cursor: on a
/// wide screen a pane with the start of its detail, else one line of
/// what matters most (anything past a threshold first).
pub(crate) fn render_preview(f: &mut Frame, area: Rect, app: &App, rep: &Report, theme: &Theme) {
    let open = app.keymap.first_key(Context::Reports, Action::Open);
    if area.height <= 1 {
        f.render_widget(Paragraph::new(summary_line(rep, app, &open, area.width, theme)), area);
        return;
    }
    let title = Line::from(vec![
        Span::raw(format!(" Report {} ", rep.id)),
        Span::styled(format!("· {open} opens it full screen "), theme.muted),
    ]);
    let block = panel(title, theme);
    let inner = block.inner(area);
    let lines = document(rep, app, usize::from(inner.width), theme);
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The list's area and the preview's: a pane on the right from 120
/// columns, else the last row.
pub(crate) fn list_and_preview(area: Rect) -> (Rect, Rect) {
    if area.width >= 120 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(area);
        (a, b)
    } else {
        let [a, b] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        (a, b)
    }
}

/// " Report 17 · ACC-10231 Halvorsen Capital · pending ⧗ sending · ana is
/// reviewing it "
fn title(rep: &Report, app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::raw(format!(" Report {} · {} {} · ", rep.id, rep.account_number, rep.account_title)),
        Span::styled(rep.validation_status.as_str(), status_style(rep.validation_status, theme)),
        Span::raw(" "),
    ];
    if app.has_pending(Some(&rep.id), None) {
        spans.push(Span::styled("⧗ sending ", theme.warn));
    }
    // Who is reviewing it (a claim, §5a): someone else in the warning colour.
    match rep.claim_holder(app.wall) {
        Some(who) if who == app.settings.user => {
            spans.push(Span::styled("· claimed by you ", theme.muted));
        }
        Some(who) => spans.push(Span::styled(format!("· {who} is reviewing it "), theme.warn)),
        None => {}
    }
    Line::from(spans)
}

/// Every line of the detail at `width` columns.
pub(crate) fn document(rep: &Report, app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let review = &app.settings.review;
    let totals = judged(&rep.account_totals, &TOTALS, review);
    let risk = judged(&rep.risk_metrics, &RISK, review);
    let mut lines = summary(rep, app, width, theme);
    let breaches: Vec<&(String, Figure)> =
        totals.iter().chain(&risk).filter(|(_, v)| v.breach.is_some()).collect();
    // What crossed a level comes right after who decided: on screen at once.
    let at = lines.len().min(4);
    let attention: Vec<Line> = breaches
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let mut spans = vec![
                Span::styled(
                    format!("{:<LABEL_W$}", if i == 0 { "Attention" } else { "" }),
                    theme.muted,
                ),
                Span::styled(format!("{} ", v.marker()), v.style(theme)),
                Span::raw(format!("{label} ")),
                Span::styled(v.text.clone(), v.style(theme)),
            ];
            if let Some(crossed) = v.crossed() {
                spans.push(Span::styled(format!(" ({crossed})"), theme.muted));
            }
            Line::from(spans)
        })
        .collect();
    lines.splice(at..at, attention);
    lines.push(Line::raw(""));
    lines.extend(table::pair(("Totals", &totals), ("Risk", &risk), width, theme));
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Positions · {}", rep.positions.len()), theme.title));
    if rep.positions.is_empty() {
        lines.push(Line::styled("no positions sent", theme.muted));
    } else {
        lines.extend(table::positions(&rep.positions, width, theme));
    }
    lines
}

/// Each figure of `map` as (label, figure), the `first` keys first.
fn judged(
    map: &Map<String, Value>,
    first: &[&str],
    review: &crate::config::ReviewConfig,
) -> Vec<(String, Figure)> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| first.iter().position(|f| f == k).unwrap_or(first.len()));
    keys.into_iter()
        .map(|k| (figures::label(k), Figure::of(k, map.get(k)).judged(k, review)))
        .collect()
}

/// A labelled line; `value` wraps under itself when it is long.
fn labelled(
    label: &str,
    value: &str,
    style: Style,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    wrap(value, width.saturating_sub(LABEL_W).max(10))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let label = if i == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("{label:<LABEL_W$}"), theme.muted),
                Span::styled(part, style),
            ])
        })
        .collect()
}

/// Account, dates, status, decision, notes and source.
fn summary(rep: &Report, app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let base = theme.base;
    let mut account = format!("{} · {}", rep.account_number, rep.account_title);
    if !rep.client_id.is_empty() {
        account.push_str(&format!(" · client {}", rep.client_id));
    }
    let mut lines = labelled("Account", &account, base, width, theme);
    let dates =
        format!("report {} · trade {}", or_dash(&rep.report_date), or_dash(&rep.trade_date));
    lines.extend(labelled("Dates", &dates, base, width, theme));
    let scores = format!(
        " · confidence {} · quality {}",
        crate::format::percent(rep.extraction_confidence, 0),
        crate::format::percent(rep.data_quality_score, 0)
    );
    lines.push(Line::from(vec![
        Span::styled(format!("{:<LABEL_W$}", "Status"), theme.muted),
        Span::styled(rep.validation_status.as_str(), status_style(rep.validation_status, theme)),
        Span::raw(scores),
    ]));
    let (decided, style) = decided(rep, app, theme);
    lines.extend(labelled("Decided", &decided, style, width, theme));
    match rep.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(notes) => lines.extend(labelled("Notes", notes, base, width, theme)),
        None => lines.extend(labelled("Notes", "—", theme.muted, width, theme)),
    }
    let mut source: Vec<String> = Vec::new();
    source.extend(rep.source_file_name.clone());
    source.extend(rep.created_by.as_ref().map(|by| format!("extracted by {by}")));
    source.extend(rep.processing_time_ms.map(|ms| format!("in {}", seconds(ms))));
    if !source.is_empty() {
        lines.extend(labelled("Source", &source.join(" · "), theme.muted, width, theme));
    }
    lines
}

/// Who decided and when: "approved by m.lindqvist · 2024-05-23 23:46 UTC
/// (2h ago)"; this console's user while its own decision is on its way;
/// "not yet" while pending.
fn decided(rep: &Report, app: &App, theme: &Theme) -> (String, Style) {
    let status = rep.validation_status;
    let sending = app.has_pending(Some(&rep.id), None);
    if status == ValidationStatus::Pending {
        let text = if sending { "a decision is on its way" } else { "not yet" };
        return (text.into(), theme.muted);
    }
    let mut text = status.as_str().to_owned();
    match (&rep.approved_by, sending) {
        (Some(by), _) => text.push_str(&format!(" by {by}")),
        (None, true) => text.push_str(&format!(" by {} (sending)", app.settings.user)),
        // Decided elsewhere by a backend that does not say who.
        (None, false) => {}
    }
    if let Some(at) = rep.approved_at {
        text.push_str(&format!(" · {}", at.to_datetime().format("%Y-%m-%d %H:%M UTC")));
        if let Ok(ms) = u64::try_from(app.wall.millis().saturating_sub(at.millis())) {
            let ago = fmt::age(Some(std::time::Duration::from_millis(ms)));
            text.push_str(&format!(" ({ago} ago)"));
        }
    }
    (text, status_style(status, theme))
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// Milliseconds as "1.8s" below ten seconds, else "2m05s".
fn seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if s.is_finite() && s < 10.0 { format!("{s:.1}s") } else { crate::format::duration(s) }
}

/// The one line under a narrow list: the report, what crossed a level
/// (or its first total and risk figure), its positions, and how to open it.
fn summary_line(rep: &Report, app: &App, open: &str, width: u16, theme: &Theme) -> Line<'static> {
    let review = &app.settings.review;
    let totals = judged(&rep.account_totals, &TOTALS, review);
    let risk = judged(&rep.risk_metrics, &RISK, review);
    let breaches: Vec<&(String, Figure)> =
        totals.iter().chain(&risk).filter(|(_, v)| v.breach.is_some()).collect();
    let shown: Vec<&(String, Figure)> = if breaches.is_empty() {
        totals.iter().take(1).chain(risk.iter().take(1)).collect()
    } else {
        breaches
    };
    let hint = format!(" {open} opens it ");
    let mut spans = vec![Span::styled(format!(" Report {} ", rep.id), theme.title)];
    for (label, v) in shown {
        spans.push(Span::styled("· ", theme.muted));
        spans.push(Span::raw(format!("{} ", label.to_lowercase())));
        spans.push(Span::styled(v.text.clone(), v.style(theme)));
        if v.breach.is_some() {
            spans.push(Span::styled(format!(" {}", v.marker()), v.style(theme)));
        }
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("· {} positions", rep.positions.len()), theme.muted));
    let room = usize::from(width).saturating_sub(hint.chars().count());
    let mut line = table::fit_spans(spans, room);
    let used = line.width();
    line.spans.push(Span::raw(" ".repeat(room.saturating_sub(used))));
    line.spans.push(Span::styled(hint, theme.accent));
    line
}
