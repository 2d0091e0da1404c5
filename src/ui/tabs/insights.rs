//! Insights: the list and, beside or below it, the selected insight.
//!
//! ```text
//! ┌ Insights · 30 ─────────────────────┐┌ Detail ─────────────────┐
//! │ Title            Cat   Conf Rating ││ summary …               │
//! └────────────────────────────────────┘└─────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use super::{load_title, no_data, panel, placeholder, scrolled_cursor};
use crate::app::App;
use crate::keymap::{Action, Context};
use crate::protocol::{FeedbackStats, Insight};
use crate::theme::Theme;
use crate::ui::highlight;

/// Split into list and detail: side by side when wide, stacked otherwise.
pub(crate) fn split(area: Rect) -> (Rect, Rect) {
    if area.width >= 120 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(area);
        (a, b)
    } else {
        let detail = (area.height / 3).max(5);
        let [a, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(detail)]).areas(area);
        (a, b)
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if super::no_backend(f, area, app, "Insights", theme) {
        return;
    }
    let l = &app.insights;
    let shown = l.shown();
    let total = l.paging.total.max(l.items.len() as u64);
    let count = if l.filter.is_active() {
        let count = highlight::count(shown.len(), l.items.len(), "", l.paging.has_more);
        format!(" Insights · {count} · filter: {} ", l.filter.text)
    } else {
        format!(" Insights · {total} ")
    };
    let has_data = !l.items.is_empty();
    let block = panel(load_title(count, &l.paging.load, has_data, app.now, theme), theme);
    if !has_data {
        let empty = Line::styled("no insights", theme.muted);
        placeholder(f, area, block, no_data(&l.paging.load, "insights", empty, theme));
        return;
    }
    if shown.is_empty() {
        let keys = |a| app.keymap.first_key(Context::Insights, a);
        let more = l.paging.has_more.then(|| keys(Action::Down));
        let line =
            highlight::no_match("insight", &l.filter, &keys(Action::Back), more.as_deref(), theme);
        placeholder(f, area, block, line);
        return;
    }
    let (list_area, detail_area) = split(area);
    render_list(f, list_area, block, &shown, app, theme);
    if let Some(sel) = l.selected_item() {
        render_detail(f, detail_area, sel, l.stats.get(&sel.id), theme);
    }
}

/// The table of the insights `shown` in `block`, ⧗ on those with a
/// rating, comment or flag on its way, what the filter matched highlighted.
fn render_list(
    f: &mut Frame,
    area: Rect,
    block: Block<'_>,
    shown: &[&Insight],
    app: &App,
    theme: &Theme,
) {
    let l = &app.insights;
    let rows: Vec<Row> = shown
        .iter()
        .map(|i| {
            let flags =
                if i.flag_count > 0 { format!("⚑{}", i.flag_count) } else { String::new() };
            let mark = if app.has_pending(None, Some(&i.id)) {
                Span::styled("⧗", theme.warn)
            } else {
                Span::raw(" ")
            };
            Row::new(vec![
                Cell::from(mark),
                Cell::from(highlight::line(&i.title, &l.filter, Style::default(), theme)),
                Cell::from(highlight::line(&i.category, &l.filter, theme.muted, theme)),
                Cell::from(Line::from(format!("{:.0}%", i.confidence * 100.0)).right_aligned()),
                Cell::from(
                    Line::from(format!("{:.1}★({})", i.avg_rating, i.rating_count)).right_aligned(),
                ),
                Cell::from(flags).style(theme.warn),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Min(16),
        Constraint::Length(12),
        Constraint::Length(5),
        Constraint::Length(9),
        Constraint::Length(4),
    ];
    let header = Row::new(["", "Title", "Category", "Conf", "Rating", "Flag"]).style(theme.title);
    let table =
        Table::new(rows, widths).header(header).row_highlight_style(theme.selected).block(block);
    let mut state = scrolled_cursor(&l.scroll, l.selected, shown.len(), area);
    f.render_stateful_widget(table, area, &mut state);
}

/// The selected insight in full, with its feedback once fetched.
fn render_detail(
    f: &mut Frame,
    area: Rect,
    sel: &Insight,
    stats: Option<&FeedbackStats>,
    theme: &Theme,
) {
    let mut lines = vec![
        Line::styled(sel.title.clone(), theme.title),
        Line::from(vec![
            Span::styled(format!("{} · ", sel.category), theme.muted),
            Span::styled(format!("confidence {:.0}% · ", sel.confidence * 100.0), theme.muted),
            Span::styled(
                format!(
                    "rated {:.1} by {} · flags {}",
                    sel.avg_rating, sel.rating_count, sel.flag_count
                ),
                theme.muted,
            ),
        ]),
        Line::raw(""),
    ];
    lines.extend(sel.summary.lines().map(|s| Line::raw(s.to_owned())));
    lines.push(Line::raw(""));
    match stats {
        Some(stats) => {
            lines.push(Line::styled(
                format!("Feedback · {} comments · {} flags", stats.comment_count, stats.flag_count),
                theme.title,
            ));
            lines.extend(distribution(stats, area.width.saturating_sub(16) as usize, theme));
        }
        None => lines.push(Line::styled("loading feedback…", theme.muted)),
    }
    let detail = Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel(" Detail ", theme));
    f.render_widget(detail, area);
}

/// One bar per rating, 5 at the top, scaled to the most common.
fn distribution<'a>(stats: &FeedbackStats, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let count = |r: u8| stats.distribution.get(&r.to_string()).copied().unwrap_or(0);
    let max = (1..=5).map(count).max().unwrap_or(0).max(1);
    (1..=5u8)
        .rev()
        .map(|r| {
            let n = count(r);
            let bar = (n as usize * width.max(1)).div_ceil(max as usize).min(width);
            Line::from(vec![
                Span::styled(format!("{r}★ "), theme.muted),
                Span::styled("█".repeat(if n > 0 { bar.max(1) } else { 0 }), theme.accent),
                Span::styled(format!(" {n}"), theme.muted),
            ])
        })
        .collect()
}
