//! Prometheus's panels: one sparkline per configured query, with its name,
//! its last value and the span it covers, in a grid that fills the area.
//!
//! ```text
//! ┌ targets up · last 30m ──┐┌ scrape time · last 30m ─┐
//! │ 3        ▁▁▂▂▃▅▇▇██▇▇▇ ││ 4.1 ms  ▃▂▂▅▃▂▂▃▂▂▂▃▃▂▂ │
//! └─────────────────────────┘└─────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::status::span;
use super::{load_note, panel, placeholder};
use crate::app::{App, Prom, PromPanel};
use crate::theme::Theme;
use crate::ui::fmt;

/// Narrowest panel worth drawing.
const MIN_WIDTH: u16 = 30;

/// The panels of `prom` in a grid filling `area`.
pub(crate) fn render_panels(f: &mut Frame, area: Rect, prom: &Prom, app: &App, theme: &Theme) {
    if prom.panels.is_empty() || area.height < 3 {
        return;
    }
    let n = prom.panels.len() as u16;
    let per_row = (area.width / MIN_WIDTH).clamp(1, n);
    let rows = n.div_ceil(per_row);
    let row_h = (area.height / rows).max(3);
    let row_areas = Layout::vertical(vec![Constraint::Length(row_h); rows as usize]).split(area);
    for (r, row_area) in row_areas.iter().enumerate() {
        let cols =
            Layout::horizontal(vec![Constraint::Ratio(1, u32::from(per_row)); per_row as usize])
                .split(*row_area);
        for (c, cell) in cols.iter().enumerate() {
            if let Some(p) = prom.panels.get(r * per_row as usize + c) {
                render_panel(f, *cell, p, app, theme);
            }
        }
    }
}

fn render_panel(f: &mut Frame, area: Rect, p: &PromPanel, app: &App, theme: &Theme) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let mut title = vec![Span::raw(format!(" {} ", p.name))];
    if !p.series.is_empty() {
        // As wide as the chart drawn below: the whole width when it has rows
        // of its own, else what the value leaves.
        let spark_w = if area.height > 3 { inner_w } else { inner_w.saturating_sub(12) };
        title.push(Span::styled(format!("· last {} ", span(p.series.span(spark_w))), theme.muted));
    }
    if let Some((note, style)) = load_note(&p.load, app.now, theme).filter(|_| !p.series.is_empty())
    {
        title.push(Span::styled(format!("· {note} "), style));
    }
    let block = panel(Line::from(title), theme);
    let Some(last) = p.series.last() else {
        let text = match p.load.failure() {
            Some((_, e)) => Line::styled(crate::sanitize::clean(e), theme.crit),
            None if p.empty => Line::styled("the query matches nothing", theme.muted),
            None => Line::styled("asking Prometheus…", theme.muted),
        };
        placeholder(f, area, block, text);
        return;
    };
    let unit = p.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    let value = format!("{}{unit} ", fmt::compact(last));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height <= 1 {
        // One row: the value, then the sparkline beside it.
        let spark_w = inner_w.saturating_sub(value.chars().count());
        let line = Line::from(vec![
            Span::styled(value, theme.title),
            Span::styled(fmt::spark(p.series.iter(), spark_w), theme.accent),
        ]);
        f.render_widget(Paragraph::new(line), inner);
        return;
    }
    // Taller: the value on top, the series filling the rows below,
    // scaled between its own low and high (named on the value's row).
    let [head, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let finite = || p.series.iter().filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let line = Line::from(vec![
        Span::styled(value, theme.title),
        Span::styled(format!(" low {} high {}", fmt::compact(lo), fmt::compact(hi)), theme.muted),
    ]);
    f.render_widget(Paragraph::new(line), head);
    let width = usize::from(chart.width);
    let skip = p.series.len().saturating_sub(width);
    let data: Vec<u64> =
        p.series
            .iter()
            .skip(skip)
            .map(|v| {
                if v.is_finite() && hi > lo {
                    ((v - lo) / (hi - lo) * 1000.0) as u64 + 1
                } else {
                    1
                }
            })
            .collect();
    let spark = Sparkline::default().data(&data).max(1001).style(theme.accent);
    f.render_widget(spark, chart);
}
