//! Metrics: KPIs against their targets, signal metrics and insight metrics
//! with their recent history.
//!
//! ```text
//! ┌ KPIs ──────────────────────────────────────────────────────────────┐
//! │ Name              Value      Target   Status    History            │
//! ├ Signals ─────────────────────┐┌ Insights ──────────────────────────┤
//! ```

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, Paragraph, Row, Table};

use super::status::span;
use super::{load_note, load_title, no_data, panel, placeholder};
use crate::app::{App, INSIGHT_SERIES, PERIODS};
use crate::protocol::{Direction, Kpi, KpiPoint, KpiStatus, ReportAnalytics, TrendPoint};
use crate::theme::Theme;
use crate::ui::fmt;

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let area = match &app.prom {
        // Without a backend the panels are the tab; beside one they get a
        // strip at the bottom when there is room.
        Some(p) if !app.settings.backend => {
            super::prom::render_panels(f, area, p, app, theme);
            return;
        }
        Some(p) if area.height >= 30 => {
            let [rest, strip] =
                Layout::vertical([Constraint::Min(20), Constraint::Length(8)]).areas(area);
            super::prom::render_panels(f, strip, p, app, theme);
            rest
        }
        _ => area,
    };
    if super::no_backend(f, area, app, "KPIs and metrics", theme) {
        return;
    }
    let m = &app.metrics;
    let kpi_h = (m.kpis.len() as u16 + 3).max(4).min(area.height / 2 + 1);
    let [kpis, bottom] =
        Layout::vertical([Constraint::Length(kpi_h), Constraint::Min(3)]).areas(area);
    let [signals, analytics] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    render_kpis(f, kpis, app, theme);
    render_signals(f, signals, app, theme);
    render_analytics(f, analytics, app, theme);
}

/// Colour from the KPI's own thresholds and direction; the server's status
/// is the fallback when thresholds are absent.
pub(crate) fn kpi_style(k: &Kpi, theme: &Theme) -> (Style, &'static str) {
    let th = &k.target.threshold;
    let level = if th.warning == 0.0 && th.critical == 0.0 {
        match k.status {
            KpiStatus::OnTrack => 0,
            KpiStatus::AtRisk => 1,
            KpiStatus::OffTrack => 2,
            KpiStatus::Unknown => 3,
        }
    } else {
        let v = k.current_value;
        let (warn, crit) = match k.direction {
            Direction::HigherIsBetter => (v < th.warning, v < th.critical),
            Direction::LowerIsBetter => (v > th.warning, v > th.critical),
        };
        if crit {
            2
        } else if warn {
            1
        } else {
            0
        }
    };
    match level {
        0 => (theme.ok, "on track"),
        1 => (theme.warn, "at risk"),
        2 => (theme.crit, "off track"),
        _ => (theme.muted, "unknown"),
    }
}

fn render_kpis(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.metrics;
    let has_data = !m.kpis.is_empty();
    let mut title = load_title(" KPIs ".into(), &m.kpis_load, has_data, app.now, theme);
    if !has_data {
        let block = panel(title, theme);
        let empty = Line::styled("no KPIs", theme.muted);
        placeholder(f, area, block, no_data(&m.kpis_load, "KPIs", empty, theme));
        return;
    }
    // Column widths follow the content, so units are never cut.
    let values: Vec<(String, String)> = m
        .kpis
        .iter()
        .map(|k| {
            (
                format!("{} {}", num(k.current_value), k.unit),
                format!("{} {}", num(k.target.value), k.unit),
            )
        })
        .collect();
    let num_w = values
        .iter()
        .map(|(v, t)| v.chars().count().max(t.chars().count()))
        .max()
        .unwrap_or(6)
        .max(6) as u16;
    let name_w =
        m.kpis.iter().map(|k| k.name.chars().count() + 2).max().unwrap_or(10).min(28) as u16;
    let spark_w = area.width.saturating_sub(2 + name_w + 2 * num_w + 9 + 5).max(4) as usize;
    if let Some(span) = kpi_span(&m.kpis, spark_w) {
        title.spans.insert(1, Span::raw(format!("· {span} ")));
    }
    let block = panel(title, theme);
    let rows: Vec<Row> = m
        .kpis
        .iter()
        .zip(values)
        .map(|(k, (value, target))| {
            let (style, word) = kpi_style(k, theme);
            let arrow = match k.direction {
                Direction::HigherIsBetter => "↑",
                Direction::LowerIsBetter => "↓",
            };
            let history: Vec<f64> = k.history.iter().map(|p| p.value).collect();
            Row::new(vec![
                Cell::from(format!("{arrow} {}", k.name)),
                Cell::from(Line::from(value).right_aligned()).style(style),
                Cell::from(Line::from(target).right_aligned()),
                Cell::from(word).style(style),
                Cell::from(fmt::spark(history.into_iter(), spark_w)).style(theme.accent),
            ])
        })
        .collect();
    let widths = [
        Constraint::Min(name_w.min(16)),
        Constraint::Length(num_w),
        Constraint::Length(num_w),
        Constraint::Length(9),
        Constraint::Length(spark_w as u16),
    ];
    let header = Row::new(["KPI", "Value", "Target", "Status", "History"]).style(theme.title);
    f.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

/// What the KPI sparklines `width` cells wide show: the most points any
/// shows, and the longest time from the first to the last of them, as
/// "30 pts over 29h" (just the points when no point is dated).
fn kpi_span(kpis: &[Kpi], width: usize) -> Option<String> {
    fn shown(k: &Kpi, width: usize) -> &[KpiPoint] {
        &k.history[k.history.len().saturating_sub(width)..]
    }
    let pts = kpis.iter().map(|k| shown(k, width).len()).max().filter(|n| *n > 0)?;
    let over = kpis
        .iter()
        .filter_map(|k| {
            let mut at = shown(k, width).iter().filter_map(|p| p.recorded_at);
            let first = at.next()?;
            let last = at.next_back().unwrap_or(first);
            u64::try_from(last.millis().saturating_sub(first.millis())).ok()
        })
        .max();
    Some(match over {
        Some(ms) => format!("{pts} pts over {}", span(Duration::from_millis(ms))),
        None => format!("{pts} pts"),
    })
}

/// A KPI or signal value: separators, decimals only when it has some.
fn num(v: f64) -> String {
    crate::format::figure(v)
}

fn render_signals(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.metrics;
    // Signal metrics first, then the insight metrics, each with its history.
    let mut series: Vec<(String, String, &crate::app::History)> = m
        .signals
        .iter()
        .map(|s| (s.name.clone(), s.unit.clone().unwrap_or_default(), &s.history))
        .collect();
    if m.insights.is_some() {
        series.extend(
            INSIGHT_SERIES
                .iter()
                .zip(&m.insight_history)
                .map(|((n, u), h)| ((*n).to_owned(), (*u).to_owned(), h)),
        );
    }
    if series.is_empty() {
        let block = panel(" Signals & insights ", theme);
        placeholder(
            f,
            area,
            block,
            Line::styled("waiting for signal and insight metrics…", theme.muted),
        );
        return;
    }
    let name_w = series.iter().map(|(n, ..)| n.chars().count()).max().unwrap_or(8).min(22) as u16;
    let spark_w = area.width.saturating_sub(2 + name_w + 12 + 2).max(4) as usize;
    let block = panel(signals_title(app, spark_w), theme);
    let rows: Vec<Row> = series
        .iter()
        .map(|(name, unit, h)| {
            let value = h.last().map(num).unwrap_or_default();
            Row::new(vec![
                Cell::from(name.clone()),
                Cell::from(Line::from(format!("{value} {unit}")).right_aligned()),
                Cell::from(fmt::spark(h.iter(), spark_w)).style(theme.accent),
            ])
        })
        .collect();
    let widths = [
        Constraint::Min(name_w.min(12)),
        Constraint::Length(12),
        Constraint::Length(spark_w as u16),
    ];
    f.render_widget(Table::new(rows, widths).block(block), area);
}

/// "Signals & insights" and the time their live sparklines `width` cells
/// wide cover: "since start 3m" while every point since start is shown,
/// else "last ~2m" (the share of the time since start that the newest
/// points make up).
fn signals_title(app: &App, width: usize) -> String {
    let m = &app.metrics;
    let kept = |h: Option<&crate::app::History>| h.map_or(0, crate::app::History::len);
    let longest = [
        (m.signal_updates, m.signals.iter().map(|s| s.history.len()).max().unwrap_or(0)),
        (m.insight_updates, kept(m.insight_history.first())),
    ]
    .into_iter()
    .filter(|(updates, _)| *updates > 0)
    .filter_map(|(updates, kept)| m.live_span(updates, kept, width, app.now))
    .max_by_key(|(d, _)| *d);
    match longest {
        Some((d, true)) => format!(" Signals & insights · since start {} ", span(d)),
        Some((d, false)) => format!(" Signals & insights · last ~{} ", span(d)),
        None => " Signals & insights ".into(),
    }
}

fn render_analytics(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.metrics;
    let block = panel(analytics_title(app, theme), theme);
    let Some(a) = &m.analytics else {
        let empty = Line::styled("no analytics", theme.muted);
        placeholder(f, area, block, no_data(&m.analytics_load, "analytics", empty, theme));
        return;
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = analytics_summary(a, theme);
    let dates = match (a.trends.first(), a.trends.last()) {
        (Some(first), Some(last)) => format!("{} … {}", first.date, last.date),
        _ => "no reports in the period".into(),
    };
    // Tall panels get a bar chart of reports per day; short ones sparklines.
    if inner.height >= 12 && !a.trends.is_empty() {
        lines.push(Line::styled(format!("reports per day · {dates}"), theme.muted));
        let text_h = lines.len() as u16;
        let [text_area, chart_area] =
            Layout::vertical([Constraint::Length(text_h), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(lines), text_area);
        render_trend_chart(f, chart_area, &a.trends, theme);
    } else {
        let w = inner.width.saturating_sub(13) as usize;
        let counts = a.trends.iter().map(|t| t.reports as f64);
        let confidence = a.trends.iter().map(|t| t.confidence);
        lines.push(labelled_spark("reports/day", counts, w, theme));
        lines.push(labelled_spark("confidence", confidence, w, theme));
        lines.push(Line::styled(format!("{:<12}{dates}", ""), theme.muted));
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// "Report analytics", the periods with the one shown highlighted, and a
/// note on the last fetch when its data is on screen.
fn analytics_title(app: &App, theme: &Theme) -> Line<'static> {
    let m = &app.metrics;
    let mut title = vec![Span::raw(" Report analytics ")];
    for d in PERIODS {
        let style = if d == m.analytics_days { theme.tab_active } else { theme.muted };
        title.extend([Span::styled(format!("{d}d"), style), Span::raw(" ")]);
    }
    if m.analytics.is_some()
        && let Some((note, style)) = load_note(&m.analytics_load, app.now, theme)
    {
        title.push(Span::styled(format!("· {note} "), style));
    }
    Line::from(title)
}

/// Counts, approval, scores and processing times, one labelled line each.
fn analytics_summary(a: &ReportAnalytics, theme: &Theme) -> Vec<Line<'static>> {
    let s = &a.summary;
    let p = &a.performance;
    // A fraction, or (above 1) a backend that already sent a percentage.
    let pct = |v: f64| crate::format::percent(if v <= 1.0 { v } else { v / 100.0 }, 0);
    let count = |n: u64| crate::format::grouped(n as f64, 0);
    let line = |k: &str, v: String| {
        Line::from(vec![Span::styled(format!("{k:<12}"), theme.muted), Span::raw(v)])
    };
    let secs = |ms: f64| {
        let s = ms / 1000.0;
        if s < 10.0 { format!("{s:.1}s") } else { fmt::duration(s) }
    };
    vec![
        line(
            "reports",
            format!("{} · {} accounts", count(s.total_reports), count(s.unique_accounts)),
        ),
        line("pending", format!("{} · approval {}", count(s.pending_count), pct(s.approval_rate))),
        line(
            "scores",
            format!("confidence {} · quality {}", pct(s.avg_confidence), pct(s.avg_quality_score)),
        ),
        line(
            "processing",
            format!(
                "avg {} ({}–{})",
                secs(p.avg_processing_time),
                secs(p.min_processing_time),
                secs(p.max_processing_time)
            ),
        ),
    ]
}

/// Reports per day as bars, the newest days that fit.
fn render_trend_chart(f: &mut Frame, area: Rect, trends: &[TrendPoint], theme: &Theme) {
    let n = trends.len() as u16;
    let (bar_w, gap) =
        if area.width >= n * 2 { ((area.width / n).saturating_sub(1).max(1), 1) } else { (1, 0) };
    let shown = (area.width / (bar_w + gap)).max(1) as usize;
    let bars: Vec<Bar> = trends[trends.len().saturating_sub(shown)..]
        .iter()
        .map(|t| Bar::default().value(t.reports).text_value(String::new()))
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_w)
        .bar_gap(gap)
        .bar_style(theme.accent);
    f.render_widget(chart, area);
}

/// A label, then a sparkline of `values` `width` cells wide.
fn labelled_spark(
    label: &str,
    values: impl ExactSizeIterator<Item = f64> + Clone,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<12}"), theme.muted),
        Span::styled(fmt::spark(values, width), theme.accent),
    ])
}
