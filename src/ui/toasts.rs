//! The critical-alert toasts: newest on top, at most three, stacked at the
//! right of the body, low by preference, never over the selected row of the
//! tab underneath (found on the drawn buffer by its highlight, so every
//! tab, present and future, is covered without telling this module).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::App;
use crate::keymap::{Action, Context};
use crate::theme::Theme;
use crate::ui::fmt;

/// Rows of one toast: borders, title, message.
const HEIGHT: u16 = 4;
const WIDTH: u16 = 46;

pub(crate) fn render(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let toasts = app.alerts.live_toasts(app.now, app.wall);
    if toasts.is_empty() || body.height < HEIGHT {
        return;
    }
    let busy = selected_rows(f.buffer_mut(), body, theme.selected);
    // As many as fit without covering the selection, newest first.
    let Some((shown, top)) = (1..=toasts.len())
        .rev()
        .find_map(|n| place(body, &busy, HEIGHT * n as u16).map(|y| (n, y)))
    else {
        return;
    };
    let width = WIDTH.min(body.width);
    let x = body.right().saturating_sub(width);
    for (i, row) in toasts.iter().take(shown).enumerate() {
        let rect = Rect { x, y: top + HEIGHT * i as u16, width, height: HEIGHT };
        let a = &row.alert;
        let focused = app.alerts.focus.as_ref() == Some(&a.id);
        let age = fmt::age(Some(row.age(app.now, app.wall)));
        let mut block = Block::bordered()
            .title(format!(" CRITICAL · {age} · {} ", a.source))
            .border_style(if focused { theme.accent } else { theme.crit });
        if let Some(hint) = hint(app, focused, i == 0, toasts.len() - shown) {
            block = block.title_bottom(Line::styled(hint, theme.muted).right_aligned());
        }
        let text = vec![
            Line::from(Span::styled(a.title.clone(), theme.crit)),
            Line::from(Span::styled(a.message.clone(), theme.base)),
        ];
        f.render_widget(Clear, rect);
        f.render_widget(Paragraph::new(text).block(block), rect);
    }
}

/// The keys a toast answers to: its own when focused, how to reach them on
/// the newest one otherwise (and how many did not fit).
fn hint(app: &App, focused: bool, newest: bool, hidden: usize) -> Option<String> {
    let key = |ctx, a| app.keymap.first_key(ctx, a);
    let more = if hidden > 0 { format!("+{hidden} more · ") } else { String::new() };
    if focused {
        let t = Context::Toast;
        return Some(format!(
            " {more}{} ack · {} snooze · {} open · {} dismiss ",
            key(t, Action::Ack),
            key(t, Action::Snooze),
            key(t, Action::Open),
            key(t, Action::Dismiss)
        ));
    }
    let g = app.tab.context();
    (newest && app.alerts.focus.is_none()).then(|| {
        format!(" {more}{} act · {} dismiss ", key(g, Action::Toasts), key(g, Action::Dismiss))
    })
}

/// Rows of `body` drawn with the selection's highlight over a third of
/// their width or more: the selected row of whatever tab is drawn.
fn selected_rows(buf: &Buffer, body: Rect, selected: Style) -> Vec<u16> {
    let hit = |s: Style| match selected.bg {
        Some(bg) => s.bg == Some(bg),
        None => !selected.add_modifier.is_empty() && s.add_modifier.contains(selected.add_modifier),
    };
    (body.top()..body.bottom())
        .filter(|&y| {
            let n = (body.left()..body.right())
                .filter(|&x| buf.cell((x, y)).is_some_and(|c| hit(c.style())))
                .count();
            n * 3 >= usize::from(body.width)
        })
        .collect()
}

/// The lowest top row for a stack `height` rows tall inside `body` that
/// covers none of the `busy` rows.
fn place(body: Rect, busy: &[u16], height: u16) -> Option<u16> {
    if height > body.height {
        return None;
    }
    (body.top()..=body.bottom() - height)
        .rev()
        .find(|&y| !busy.iter().any(|&b| b >= y && b < y + height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_sits_low_unless_the_selection_is_there() {
        let body = Rect::new(0, 2, 80, 21);
        assert_eq!(place(body, &[], 12), Some(11), "bottom-aligned");
        assert_eq!(place(body, &[20], 12), Some(8), "just above the selected row");
        assert_eq!(place(body, &[8], 12), Some(11), "below it when there is room");
        assert_eq!(place(body, &[12], 12), None, "no 12-row gap: fewer toasts");
        assert_eq!(place(body, &[12], 8), Some(15));
        assert_eq!(place(body, &[], 22), None);
    }

    #[test]
    fn the_selected_row_is_found_by_its_highlight() {
        use ratatui::style::{Color, Modifier};
        let body = Rect::new(0, 0, 30, 5);
        let mut buf = Buffer::empty(body);
        let sel = Style::default().bg(Color::Blue);
        buf.set_style(Rect::new(0, 3, 30, 1), sel);
        buf.set_style(Rect::new(0, 1, 4, 1), sel);
        assert_eq!(selected_rows(&buf, body, sel), vec![3], "a short highlight is not a row");
        let mono = Style::default().add_modifier(Modifier::REVERSED);
        buf.set_style(Rect::new(0, 0, 30, 1), mono);
        assert_eq!(selected_rows(&buf, body, mono), vec![0]);
    }
}
