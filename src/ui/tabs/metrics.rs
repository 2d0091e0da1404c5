//! Metrics: KPIs against their targets, signal metrics and insight metrics
//! with their recent history.
//!
//! ```text
//! ┌ KPIs ──────────────────────────────────────────────────────────────┐
//! │ Name              Value      Target   Status    History            │
//! ├ Signals ─────────────────────┐┌ Insights ──────────────────────────┤
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{panel, placeholder};
use crate::app::App;
use crate::protocol::{Direction, Kpi, KpiStatus};
use crate::theme::Theme;
use crate::ui::fmt;

pub fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.metrics;
    let kpi_h = (m.kpis.len() as u16 + 3).max(4).min(area.height / 2 + 1);
    let [kpis, bottom] =
        Layout::vertical([Constraint::Length(kpi_h), Constraint::Min(3)]).areas(area);
    let [signals, insights] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    render_kpis(f, kpis, app, theme);
    render_signals(f, signals, app, theme);
    render_insight_metrics(f, insights, app, theme);
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
    let block = panel(" KPIs ", theme);
    if m.kpis.is_empty() {
        let text = match &m.error {
            Some(e) => Line::styled(format!("KPIs unavailable: {e}"), theme.crit),
            None => Line::styled("loading KPIs…", theme.muted),
        };
        placeholder(f, area, block, text);
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

fn num(v: f64) -> String {
    if v.abs() >= 1e4 { fmt::compact(v) } else { format!("{v:.2}") }
}

fn render_signals(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.metrics;
    let block = panel(" Signal metrics ", theme);
    if m.signals.is_empty() {
        placeholder(f, area, block, Line::styled("waiting for signal metrics…", theme.muted));
        return;
    }
    let name_w = m.signals.iter().map(|s| s.name.chars().count()).max().unwrap_or(8).min(24) as u16;
    let spark_w = area.width.saturating_sub(2 + name_w + 12 + 2).max(4) as usize;
    let rows: Vec<Row> = m
        .signals
        .iter()
        .map(|s| {
            let value = s.history.last().map(num).unwrap_or_default();
            Row::new(vec![
                Cell::from(s.name.clone()),
                Cell::from(
                    Line::from(format!("{value} {}", s.unit.as_deref().unwrap_or("")))
                        .right_aligned(),
                ),
                Cell::from(fmt::spark(s.history.iter(), spark_w)).style(theme.accent),
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

fn render_insight_metrics(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = panel(" Insight metrics ", theme);
    let Some(im) = &app.metrics.insights else {
        placeholder(f, area, block, Line::styled("waiting for insight metrics…", theme.muted));
        return;
    };
    let line = |k: &str, v: String| {
        Line::from(vec![Span::styled(format!("{k:<18}"), theme.muted), Span::raw(v)])
    };
    let w = area.width.saturating_sub(20) as usize;
    let lines = vec![
        line("total", im.total.to_string()),
        line("last hour", im.generated_last_hour.to_string()),
        line("avg rating", format!("{:.2} / 5", im.avg_rating)),
        line("avg confidence", format!("{:.0}%", im.avg_confidence * 100.0)),
        line("flagged", im.flagged.to_string()),
        line("rating trend", fmt::spark(app.metrics.insight_avg_rating.iter(), w)),
    ];
    f.render_widget(Paragraph::new(lines).block(block), area);
}
