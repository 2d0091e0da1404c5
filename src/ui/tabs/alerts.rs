//! Alerts: the inbox (firing first, then acknowledged and snoozed, resolved
//! last) and the selected alert in full.
//!
//! ```text
//! ┌ Alerts · 2 firing · 1 acked · active, any severity ──────────────────┐
//! │ Sev  State    Age  Title               Who                            │
//! │ CRIT FIRING   4m   disk full           ⧗ ack queued                   │
//! │ WARN acked    1h   p99 above 800ms     ana 12m ago: on it             │
//! └──────────────────────────────────────────────────────────────────────┘
//! ┌ disk full · critical · db-1 ─────────────────────────────────────────┐
//! │ message, started, id, note, labels                                    │
//! └──────────────────────────────────────────────────────────────────────┘
//! ```

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{load_title, no_data, panel, placeholder};
use crate::app::{AlertRow, App, Origin, severity_label};
use crate::keymap::{Action, Context};
use crate::protocol::{AlertState, Severity, Timestamp};
use crate::theme::Theme;
use crate::ui::{fmt, highlight};

/// Rows of the selected alert's pane under the list.
const DETAIL: u16 = 6;
/// From this width the message and source get columns of their own.
const WIDE: u16 = 120;

pub(crate) fn severity_word(s: Severity, theme: &Theme) -> (&'static str, Style) {
    let style = match s {
        Severity::Critical => theme.crit,
        Severity::Warning => theme.warn,
        Severity::Info | Severity::Unknown => theme.muted,
    };
    (severity_label(s), style)
}

pub(crate) fn state_word(s: AlertState, theme: &Theme) -> (&'static str, Style) {
    match s {
        AlertState::Firing | AlertState::Unknown => ("FIRING", theme.crit),
        AlertState::Acknowledged => ("acked", theme.ok),
        AlertState::Snoozed => ("snoozed", theme.accent),
        AlertState::Resolved => ("resolved", theme.muted),
    }
}

/// How long ago `t` was, at `wall`.
fn ago(t: Timestamp, wall: Timestamp) -> String {
    fmt::age(Some(Duration::from_millis(u64::try_from(wall.0 - t.0).unwrap_or(0))))
}

/// When a snooze ends: the time of day within 12 hours, else the date too.
fn until(t: Timestamp, wall: Timestamp) -> String {
    if (t.0 - wall.0).abs() < 12 * 3_600_000 {
        t.hm_utc()
    } else {
        t.to_datetime().format("%b %-d %H:%M UTC").to_string()
    }
}

/// Who is on it: "ana 12m ago: note", "bo until 14:05", "resolved 3m ago",
/// or that this console's decision is on its way.
pub(crate) fn who(row: &AlertRow, app: &App) -> String {
    let a = &row.alert;
    if app.alert_pending(&a.id) {
        return "⧗ queued (o shows it)".into();
    }
    let by = a.acked_by.as_deref().unwrap_or("someone");
    match row.state(app.wall) {
        AlertState::Acknowledged => {
            let when = a.acked_at.map(|t| format!(" {} ago", ago(t, app.wall))).unwrap_or_default();
            let note = a.ack_note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
            format!("{by}{when}{note}")
        }
        AlertState::Snoozed => {
            let until = a.snoozed_until.map(|t| until(t, app.wall)).unwrap_or_default();
            match &a.acked_by {
                Some(by) => format!("{by} until {until}"),
                None => format!("until {until}"),
            }
        }
        AlertState::Resolved => match a.resolved_at {
            Some(t) => format!("resolved {} ago", ago(t, app.wall)),
            None => "resolved".into(),
        },
        _ => String::new(),
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let al = &app.alerts;
    if al.am.is_none() && super::no_backend(f, area, app, "Alerts", theme) {
        return;
    }
    let visible = al.visible(app.wall);
    let (title, load) = heading(app, theme);
    let block = panel(title, theme);
    if visible.is_empty() && al.filter.is_active() && !al.admitted(app.wall).is_empty() {
        let back = app.keymap.first_key(Context::Alerts, Action::Back);
        placeholder(f, area, block, highlight::no_match("alert", &al.filter, &back, None, theme));
        return;
    }
    if visible.is_empty() {
        let empty = if al.is_empty() {
            "no alerts: all quiet"
        } else {
            "no alerts match (f: state, v: severity)"
        };
        let line = if al.unavailable && al.is_empty() {
            Line::styled("this backend keeps no alert list (§3b): alerts arrive live", theme.muted)
        } else {
            no_data(load, "alerts", Line::styled(empty, theme.muted), theme)
        };
        placeholder(f, area, block, line);
        return;
    }
    let detail = if area.height >= 14 { DETAIL } else { 0 };
    let [list, pane] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail)]).areas(area);
    let wide = area.width >= WIDE;
    // Only the rows in view are built: a full inbox is 500 of them.
    let cursor = al.cursor(&visible);
    let height = usize::from(list.height.saturating_sub(3));
    let offset = al.scroll.show(cursor, visible.len(), height);
    let shown = visible.iter().skip(offset).take(height.max(1));
    let rows: Vec<Row> = shown.map(|r| row(r, app, theme, wide)).collect();
    let widths: Vec<Constraint> = if wide {
        vec![
            Constraint::Length(4),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(18),
            Constraint::Fill(2),
        ]
    } else {
        vec![
            Constraint::Length(4),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Fill(3),
            Constraint::Fill(2),
        ]
    };
    let mut header = vec!["Sev", "State", "Age", "Title"];
    if wide {
        header.extend(["Message", "Source"]);
    }
    header.push("Who");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.title))
        .row_highlight_style(theme.selected)
        .block(block);
    let mut state = TableState::default().with_selected(Some(cursor - offset));
    f.render_stateful_widget(table, list, &mut state);
    if let Some(sel) = visible.get(cursor) {
        render_detail(f, pane, sel, app, theme);
    }
}

/// The list's title (counts, filters, sources and how their last fetch
/// went), and the fetch that says whether the list is loading: the
/// backend's, or Alertmanager's last poll when it is the only source.
fn heading<'a>(app: &'a App, theme: &Theme) -> (Line<'static>, &'a crate::app::Load) {
    let al = &app.alerts;
    let (firing, acked, snoozed) = al.counts(app.wall);
    // The words first when there are some: what narrows the list most.
    let words = if al.filter.is_active() {
        let (shown, of) = (al.visible(app.wall).len(), al.admitted(app.wall).len());
        format!("{} · filter: {} · ", highlight::count(shown, of, "", false), al.filter.text)
    } else {
        String::new()
    };
    let title = format!(
        " Alerts · {words}{firing} firing · {acked} acked · {snoozed} snoozed · {}, {} ",
        al.state_filter.label(),
        al.severity_filter.label()
    );
    let load = match &al.am {
        Some(am) if !app.settings.backend => &am.load,
        _ => &al.load,
    };
    let mut title = load_title(title, load, !al.is_empty(), app.now, theme);
    if let Some(am) = &al.am {
        title.push_span(Span::styled(format!("· Alertmanager {} ", am.label), theme.muted));
        if app.settings.backend
            && let Some((note, style)) = super::load_note(&am.load, app.now, theme)
        {
            title.push_span(Span::styled(format!("· {note} "), style));
        }
    }
    (title, load)
}

fn row<'a>(r: &AlertRow, app: &App, theme: &Theme, wide: bool) -> Row<'a> {
    let a = &r.alert;
    let (sev, sev_style) = severity_word(a.severity, theme);
    let (state, state_style) = state_word(r.state(app.wall), theme);
    let words = &app.alerts.filter;
    let mut cells = vec![
        Cell::from(sev).style(sev_style),
        Cell::from(state).style(state_style),
        Cell::from(fmt::age(Some(r.age(app.now, app.wall)))).style(theme.muted),
        Cell::from(highlight::line(&a.title, words, Style::default(), theme)),
    ];
    if wide {
        cells.push(Cell::from(highlight::line(&a.message, words, theme.muted, theme)));
        cells.push(Cell::from(highlight::line(&a.source, words, theme.muted, theme)));
    }
    cells.push(Cell::from(who(r, app)).style(theme.muted));
    Row::new(cells)
}

fn render_detail(f: &mut Frame, area: Rect, r: &AlertRow, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let a = &r.alert;
    let (sev, sev_style) = severity_word(a.severity, theme);
    let title = Line::from(vec![
        Span::raw(format!(" {} · ", a.title)),
        Span::styled(sev, sev_style),
        Span::raw(format!(" · {} ", a.source)),
    ]);
    let started = a.started_at.map_or_else(
        || format!("seen {} ago", fmt::age(Some(r.age(app.now, app.wall)))),
        |t| format!("started {} ({} ago)", t.to_rfc3339(), ago(t, app.wall)),
    );
    let mut lines = vec![
        Line::styled(
            if a.message.is_empty() { "(no message)".into() } else { a.message.clone() },
            theme.base,
        ),
        Line::styled(format!("{started} · id {}", a.id), theme.muted),
    ];
    let who = who(r, app);
    if !who.is_empty() {
        let (state, style) = state_word(r.state(app.wall), theme);
        lines.push(Line::from(vec![Span::styled(format!("{state}: "), style), Span::raw(who)]));
    }
    if let Origin::Alertmanager(labels) = &r.origin {
        let text: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(Line::styled(format!("labels: {}", text.join(" ")), theme.muted));
    }
    let block = panel(title, theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}
