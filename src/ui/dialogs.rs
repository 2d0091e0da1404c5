//! Dialogs drawn over the body: confirm, text entry, rating, and the
//! outbox view. Each shows its own keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

use super::{centered, fmt};
use crate::app::{App, Modal, TextEntry};
use crate::keymap::{Action, Context};
use crate::outbox::ItemStatus;
use crate::theme::Theme;

fn frame(f: &mut Frame, rect: Rect, title: String, theme: &Theme) -> Rect {
    f.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(theme.accent)
        .title_style(theme.title);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(modal) = &app.modal else { return };
    match modal {
        Modal::Confirm(c) => {
            let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
            lines.push(Line::raw(""));
            let keys = |a| app.keymap.keys_text(Context::Confirm, a);
            lines.push(Line::from(vec![
                Span::styled(keys(Action::Confirm), theme.accent),
                Span::styled(" confirms   ", theme.muted),
                Span::styled(keys(Action::Cancel), theme.accent),
                Span::styled(" cancels", theme.muted),
            ]));
            let rect = centered(area, 60, lines.len() as u16 + 2);
            let inner = frame(f, rect, c.title.clone(), theme);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Modal::Rate { title, .. } => {
            let key = |a| app.keymap.keys(Context::Rate, a).first().map(ToString::to_string);
            let mut choices = Vec::new();
            let ratings =
                [Action::Rate1, Action::Rate2, Action::Rate3, Action::Rate4, Action::Rate5];
            for (stars, action) in (1..).zip(ratings) {
                let Some(k) = key(action) else { continue };
                choices.push(Span::styled(k, theme.accent));
                choices.push(Span::raw(format!(" {}   ", "★".repeat(stars))));
            }
            let cancel = app.keymap.keys_text(Context::Rate, Action::Cancel);
            let lines = vec![
                Line::raw(fmt::fit(title, 52)),
                Line::raw(""),
                Line::from(choices),
                Line::styled(format!("{cancel} cancels"), theme.muted),
            ];
            let rect = centered(area, 56, 6);
            let inner = frame(f, rect, "Rate this insight".into(), theme);
            f.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Text(entry) => render_text(f, area, app, entry, theme),
        Modal::Outbox { selected } => render_outbox(f, area, app, theme, *selected),
        Modal::PriceAlerts { selected } => {
            let key = |a| app.keymap.first_key(Context::PriceAlerts, a);
            let hint = format!("{} remove · {} close", key(Action::RemoveAlert), key(Action::Back));
            let last = |s: &str| app.markets.quotes.get(s).and_then(|q| q.last);
            super::price_alerts::render_list(
                f,
                area,
                &app.price_alerts,
                *selected,
                &last,
                theme,
                &hint,
            );
        }
    }
}

fn render_text(f: &mut Frame, area: Rect, app: &App, entry: &TextEntry, theme: &Theme) {
    let editor_h: u16 = if entry.multiline { 6 } else { 1 };
    let rect = centered(area, 70, editor_h + 4);
    let inner = frame(f, rect, entry.title.clone(), theme);
    let [editor, status, hint] = Layout::vertical([
        Constraint::Length(editor_h),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(&entry.editor, editor);
    if let Some(e) = &entry.error {
        f.render_widget(Paragraph::new(Line::styled(e.clone(), theme.crit)), status);
    }
    let key = |a| app.keymap.first_key(entry.context(), a);
    let keys = if entry.multiline {
        format!(
            "{} sends · {} new line · {} cancels",
            key(Action::Submit),
            key(Action::Newline),
            key(Action::Cancel)
        )
    } else {
        format!("{} sends · {} cancels", key(Action::Submit), key(Action::Cancel))
    };
    f.render_widget(Paragraph::new(Line::styled(keys, theme.muted)), hint);
}

fn render_outbox(f: &mut Frame, area: Rect, app: &App, theme: &Theme, selected: usize) {
    let items = app.outbox_view_items();
    let rows: Vec<Row> = items
        .iter()
        .map(|i| {
            let (word, style) = match i.status {
                _ if i.held_until(app.wall).is_some() => ("held", theme.warn),
                ItemStatus::Pending if i.attempts == 0 => ("queued", theme.accent),
                ItemStatus::Pending => ("retrying", theme.warn),
                ItemStatus::Failed => ("FAILED", theme.crit),
                ItemStatus::Delivered => ("sent", theme.ok),
            };
            let age = fmt::age(Some(std::time::Duration::from_millis(
                (app.wall.millis() - i.created_at.millis()).max(0) as u64,
            )));
            Row::new(vec![
                Cell::from(word).style(style),
                Cell::from(i.action.describe()),
                Cell::from(Line::from(i.attempts.to_string()).right_aligned()),
                Cell::from(Line::from(age).right_aligned()),
                Cell::from(i.last_error.clone().unwrap_or_default()).style(theme.muted),
            ])
        })
        .collect();
    let height = (rows.len() as u16 + 4).clamp(6, area.height);
    let rect = centered(area, area.width.saturating_sub(4).max(60), height);
    let pending = app.undelivered().count();
    let inner = frame(f, rect, format!("Outbox · {pending} not yet delivered"), theme);
    let [table_area, hint] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    if rows.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(
                "nothing queued: every decision was delivered",
                theme.muted,
            )),
            table_area,
        );
    } else {
        let widths = [
            Constraint::Length(8),
            Constraint::Min(24),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Fill(1),
        ];
        let header =
            Row::new(["Status", "Action", "Tries", "Age", "Last error"]).style(theme.title);
        let table = Table::new(rows, widths).header(header).row_highlight_style(theme.selected);
        // The table has a heading but no border of its own.
        let rows = usize::from(table_area.height.saturating_sub(1));
        let offset = app.outbox_scroll.show(selected, items.len(), rows);
        let mut state = super::tabs::cursor(selected, items.len()).with_offset(offset);
        f.render_stateful_widget(table, table_area, &mut state);
    }
    let key = |a| app.keymap.first_key(Context::Outbox, a);
    let keys = format!(
        "{}/{} move · {} retry a failed one · {} drop · {} closes",
        key(Action::Up),
        key(Action::Down),
        key(Action::Retry),
        key(Action::Drop),
        key(Action::Back)
    );
    f.render_widget(Paragraph::new(Line::styled(keys, theme.muted)), hint);
}
