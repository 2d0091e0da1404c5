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
use ratatui::widgets::Paragraph;

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
        let spark_w = inner_w.saturating_sub(12);
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
    let spark_w = inner_w.saturating_sub(value.chars().count());
    let lines: Vec<Line> = (0..area.height.saturating_sub(2))
        .map(|i| {
            let mut spans = Vec::new();
            let label = if i == 0 { value.clone() } else { " ".repeat(value.chars().count()) };
            spans.push(Span::styled(label, if i == 0 { theme.title } else { theme.base }));
            if i == 0 {
                spans.push(Span::styled(fmt::spark(p.series.iter(), spark_w), theme.accent));
            }
            Line::from(spans)
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}
