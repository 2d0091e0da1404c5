//! Status: overall health, service cards, backfill jobs (drawn by
//! [`super::status_jobs`]), alerts.
//!
//! ```text
//! HEALTHY · 6 services · queue 34 · 1.2K/s · err 0.20% · p99 80ms  ▂▃▅▇
//! ┌ api ───────────┐┌ db ────────────┐┌ feeds ─────────┐   (cards reflow)
//! │● healthy 12ms  ││▲ degraded 180ms││● healthy 3ms   │
//! └────────────────┘└────────────────┘└────────────────┘
//! ┌ Backfill ──────────────────────────────────────────────────────────┐
//! │ Blocks 2019  ███████░░░ 24.7%  12.3K/50K  812/s  ETA 46s  2 err run │
//! └────────────────────────────────────────────────────────────────────┘
//! ┌ Alerts (newest first) ─────────────────────────────────────────────┐
//! ```

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, List, ListItem, Paragraph, Row, Table};

use super::{load_note, panel, placeholder, status_jobs};
use crate::app::App;
use crate::protocol::{AlertState, Health, Service};
use crate::theme::Theme;
use crate::ui::fmt;

const CARD_WIDTH: u16 = 26;

/// The service cards: the backend's, then Prometheus's jobs, each with
/// whether what it says is old.
fn cards(app: &App) -> Vec<(&Service, bool)> {
    let mut cards = Vec::new();
    if let Some(sys) = &app.status.system {
        let stale = app.status.system_stale(app.now, app.settings.health_stale_after);
        cards.extend(sys.services.iter().map(|svc| (svc, stale)));
    }
    if let Some(p) = &app.prom {
        let stale = p.services_load.failure().is_some();
        cards.extend(p.services.iter().map(|svc| (svc, stale)));
    }
    cards
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if !app.settings.backend {
        render_sources(f, area, app, theme);
        return;
    }
    let s = &app.status;
    let services = cards(app).len() as u16;
    let per_row = (area.width / CARD_WIDTH).max(1);
    // Bordered cards when there is room; one-line chips on short terminals.
    let card_h = if area.height >= 34 { 3 } else { 1 };
    let card_rows = services.div_ceil(per_row).min(3);
    let jobs = (s.jobs.len() as u16).max(1) + 3;
    let wide = area.width >= 120;
    // Narrow terminals have no processing panel: one line of trends.
    let trend_h = u16::from(!wide && !s.api_p99.is_empty());
    let [banner, trends, cards, middle, alerts] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(trend_h),
        Constraint::Length(card_rows * card_h),
        Constraint::Length(if wide { jobs.max(9) } else { jobs }.min(area.height / 3).max(4)),
        Constraint::Min(3),
    ])
    .areas(area);
    render_banner(f, banner, app, theme);
    if trend_h > 0 {
        f.render_widget(Paragraph::new(trend_line(app, trends.width, theme)), trends);
    }
    render_cards(f, cards, app, theme, per_row, card_h);
    // Wide terminals get the processing history beside the jobs.
    if wide {
        let [jobs_area, perf] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(middle);
        status_jobs::render(f, jobs_area, app, theme);
        render_processing(f, perf, app, theme);
    } else {
        status_jobs::render(f, middle, app, theme);
    }
    render_alerts(f, alerts, app, theme);
}

pub(crate) fn health_style(h: Health, theme: &Theme) -> (Style, &'static str, &'static str) {
    match h {
        Health::Healthy => (theme.ok, "●", "healthy"),
        Health::Degraded => (theme.warn, "▲", "degraded"),
        Health::Down => (theme.crit, "✕", "down"),
        Health::Unknown => (theme.muted, "?", "unknown"),
    }
}

fn render_banner(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.status;
    let Some(sys) = &s.system else {
        let text = match s.system_load.failure() {
            Some((_, e)) => Span::styled(
                format!(" status unavailable: {}", crate::sanitize::clean(e)),
                theme.crit,
            ),
            None => Span::styled(" waiting for system status…", theme.muted),
        };
        f.render_widget(Paragraph::new(Line::from(text)), area);
        return;
    };
    let age = s.system_at.map(|t| app.now.saturating_duration_since(t));
    let stale = s.system_stale(app.now, app.settings.health_stale_after);
    let (style, mark, word) = health_style(sys.overall, theme);
    let mut spans =
        vec![Span::styled(format!(" {mark} {} ", word.to_uppercase()), style.patch(theme.title))];
    if stale {
        spans.push(Span::styled(format!(" STALE {} ", fmt::age(age)), theme.warn));
    }
    if let Some((note, style)) = load_note(&s.system_load, app.now, theme) {
        spans.push(Span::styled(format!(" {note} "), style));
    }
    let p = &sys.processing;
    let perf = &sys.performance;
    spans.push(Span::styled(
        format!(
            " queue {} · {}/s · err {:.2}% · p50 {:.0}ms p99 {:.0}ms · cpu {:.0}% mem {:.0}% · ws {} ",
            fmt::compact(p.queue_depth),
            fmt::compact(p.processed_per_sec),
            p.error_rate * 100.0,
            perf.api_p50_ms,
            perf.api_p99_ms,
            perf.cpu_pct,
            perf.memory_pct,
            sys.websocket_connections
        ),
        if stale { theme.stale } else { theme.base },
    ));
    let used: usize = spans.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(used + 1);
    // The sparkline says the time it covers: "last 15m ▂▃▅▇".
    if room >= 16 {
        let w = (room - 10).min(30);
        let label = format!("last {} ", span(s.throughput.span(w)));
        spans.push(Span::styled(label, theme.muted));
        spans.push(Span::styled(fmt::spark(s.throughput.iter(), w), theme.accent));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Status without a backend: Prometheus's jobs and panels, and the inbox.
fn render_sources(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let services = cards(app).len() as u16;
    let per_row = (area.width / CARD_WIDTH).max(1);
    let card_h = if area.height >= 34 { 3 } else { 1 };
    let card_rows = services.div_ceil(per_row).min(3);
    let panels_h = match &app.prom {
        Some(p) if !p.panels.is_empty() => (area.height / 3).clamp(3, 10),
        _ => 0,
    };
    let [banner, cards_area, panels, alerts] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(card_rows * card_h),
        Constraint::Length(panels_h),
        Constraint::Min(3),
    ])
    .areas(area);
    let line = match &app.prom {
        Some(p) => {
            let (style, mark, word) = health_style(p.overall(), theme);
            let down = p.services.iter().filter(|s| s.status == Health::Down).count();
            let mut spans = vec![
                Span::styled(format!(" {mark} {} ", word.to_uppercase()), style.patch(theme.title)),
                Span::styled(
                    format!(" Prometheus {} · {} jobs, {down} down ", p.label, p.services.len()),
                    theme.base,
                ),
            ];
            if let Some((note, style)) = load_note(&p.services_load, app.now, theme) {
                spans.push(Span::styled(format!(" {note} "), style));
            }
            Line::from(spans)
        }
        None => Line::styled(" no backend configured: alerts from Alertmanager below", theme.muted),
    };
    f.render_widget(Paragraph::new(line), banner);
    render_cards(f, cards_area, app, theme, per_row, card_h);
    if let Some(p) = &app.prom {
        super::prom::render_panels(f, panels, p, app, theme);
    }
    render_alerts(f, alerts, app, theme);
}

fn render_cards(f: &mut Frame, area: Rect, app: &App, theme: &Theme, per_row: u16, card_h: u16) {
    if area.height == 0 {
        return;
    }
    let width = area.width / per_row;
    for (i, (svc, stale)) in cards(app).into_iter().enumerate() {
        let (col, row) = (i as u16 % per_row, i as u16 / per_row);
        if (row + 1) * card_h > area.height {
            break;
        }
        let rect =
            Rect { x: area.x + col * width, y: area.y + row * card_h, width, height: card_h };
        let (style, mark, word) = health_style(svc.status, theme);
        // An old status is not shown as if it were current.
        let (style, mark) = if stale { (theme.stale, "?") } else { (style, mark) };
        if card_h == 1 {
            let chip = Line::from(vec![
                Span::styled(format!(" {mark} "), style),
                Span::styled(fmt::fit(&svc.name, width.saturating_sub(12) as usize), theme.base),
                Span::styled(format!(" {:.0}ms", svc.latency_ms), theme.muted),
            ]);
            f.render_widget(Paragraph::new(chip), rect);
            continue;
        }
        let mut line = vec![
            Span::styled(format!("{mark} {word} "), style),
            Span::styled(format!("{:.0}ms {:.2}% ", svc.latency_ms, svc.uptime_pct), theme.base),
        ];
        if let Some(msg) = &svc.message {
            line.push(Span::styled(msg.clone(), theme.muted));
        }
        let block = panel(format!(" {} ", fmt::fit(&svc.name, width as usize - 4)), theme)
            .border_style(style);
        f.render_widget(Paragraph::new(Line::from(line)).block(block), rect);
    }
}

/// The active alerts from the inbox, firing first; the Alerts tab has
/// them all.
fn render_alerts(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let al = &app.alerts;
    let (firing, acked, snoozed) = al.counts(app.wall);
    let tab = app.keymap.first_key(app.tab.context(), crate::keymap::Action::Tab6);
    let block = panel(
        format!(
            " Alerts · {firing} firing · {} acked or snoozed · {tab} for all ",
            acked + snoozed
        ),
        theme,
    );
    let active: Vec<_> = app
        .alerts
        .admitted(app.wall)
        .into_iter()
        .filter(|r| r.state(app.wall) != AlertState::Resolved)
        .collect();
    if active.is_empty() {
        placeholder(f, area, block, Line::styled("no active alerts", theme.muted));
        return;
    }
    let items: Vec<ListItem> = active
        .iter()
        .map(|r| {
            let a = &r.alert;
            let (word, style) = super::alerts::severity_word(a.severity, theme);
            let (state, state_style) = super::alerts::state_word(r.state(app.wall), theme);
            ListItem::new(Line::from(vec![
                Span::styled(format!("{word:<5}"), style),
                Span::styled(format!("{state:<9}"), state_style),
                Span::styled(
                    format!("{:>4} ", fmt::age(Some(r.age(app.now, app.wall)))),
                    theme.muted,
                ),
                Span::styled(format!("{} ", a.title), theme.base),
                Span::styled(format!("{} · {}", a.message, a.source), theme.muted),
            ]))
        })
        .collect();
    f.render_widget(List::new(items).block(block), area);
}

fn render_processing(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.status;
    let stale = s.system_stale(app.now, app.settings.health_stale_after);
    let spark_w = area.width.saturating_sub(2 + 14 + 10 + 2).max(4) as usize;
    let series = s.series();
    let shown = series.iter().map(|(_, h, _)| h.len().min(spark_w)).max().unwrap_or(0);
    let mut title = vec![Span::raw(" Processing ")];
    if shown > 0 {
        title.push(Span::raw(format!("· last {} ", span(s.throughput.span(shown)))));
    }
    if let Some((note, style)) = history_note(app, theme) {
        title.push(Span::styled(format!("· {note} "), style));
    }
    let block = panel(Line::from(title), theme);
    let rows: Vec<Row> = series
        .iter()
        .map(|(name, h, unit)| {
            let value = h
                .last()
                .map(|v| format!("{}{unit}", fmt::compact(v)))
                .unwrap_or_else(|| "—".into());
            Row::new(vec![
                Cell::from(*name).style(theme.muted),
                Cell::from(Line::from(value).right_aligned()).style(if stale {
                    theme.stale
                } else {
                    theme.base
                }),
                Cell::from(fmt::spark(h.iter(), spark_w)).style(if stale {
                    theme.stale
                } else {
                    theme.accent
                }),
            ])
        })
        .collect();
    let widths = [Constraint::Length(14), Constraint::Length(10), Constraint::Min(4)];
    f.render_widget(Table::new(rows, widths).block(block), area);
}

/// The narrow layout's trends: p99 latency and error rate side by side,
/// with the time they cover and what is said about the history.
fn trend_line(app: &App, width: u16, theme: &Theme) -> Line<'static> {
    let s = &app.status;
    let series = [("p99", &s.api_p99), ("err", &s.error_rate)];
    let note = history_note(app, theme).map(|(n, style)| (format!("· {n}"), style));
    let note_w = note.as_ref().map_or(0, |(n, _)| n.chars().count());
    // " last 15m · ", then "p99 " and a space around each sparkline.
    let fixed = 12 + 5 * series.len() + note_w;
    let w = (usize::from(width).saturating_sub(fixed) / series.len()).clamp(4, 60);
    let shown = series.iter().map(|(_, h)| h.len().min(w)).max().unwrap_or(0);
    let style = if s.system_stale(app.now, app.settings.health_stale_after) {
        theme.stale
    } else {
        theme.accent
    };
    let label = format!(" last {} · ", span(s.api_p99.span(shown)));
    let mut spans = vec![Span::styled(label, theme.muted)];
    for (name, h) in series {
        spans.push(Span::styled(format!("{name} "), theme.muted));
        spans.push(Span::styled(fmt::spark(h.iter(), w), style));
        spans.push(Span::raw(" "));
    }
    spans.extend(note.map(|(n, style)| Span::styled(n, style)));
    Line::from(spans)
}

/// What to say about the monitoring history: that the backend has none
/// (quietly, once), that it is loading, or that its fetch failed.
fn history_note(app: &App, theme: &Theme) -> Option<(String, Style)> {
    let s = &app.status;
    if s.history_unavailable {
        return Some(("history not available from this backend".into(), theme.muted));
    }
    if s.history_load.is_loading() {
        return Some(("loading history…".into(), theme.muted));
    }
    load_note(&s.history_load, app.now, theme)
        .map(|(note, style)| (format!("history {note}"), style))
}

/// The time a sparkline covers, short: "42s", "24m", "29h", "3d" (minutes
/// up to two hours, so the last hour reads "60m").
pub(crate) fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..120 => format!("{s}s"),
        120..7200 => format!("{}m", s / 60),
        7200..172_800 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}
