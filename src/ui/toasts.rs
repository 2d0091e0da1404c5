//! The critical-alert toasts: one small panel at the right of the body,
//! a line per alert (newest on top, at most three), low by preference and
//! never over the selected row of the tab underneath (found on the drawn
//! buffer by its highlight, so every tab, present and future, is covered
//! without telling this module).
//!
//! ```text
//!                                  ┌ CRITICAL ─────────────────────────────┐
//!                                  │0s node-3 unreachable · no scrape for 2│
//!                                  │4s postgres is down · primary unreacha…│
//!                                  └──────────────────── n act · X dismiss ┘
//! ```

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

/// Rows around the lines: the borders.
const FRAME: u16 = 2;
const WIDTH: u16 = 50;
/// From this body width the panel is wider.
const WIDE: u16 = 160;

pub(crate) fn render(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let toasts = app.alerts.live_toasts(app.now, app.wall);
    if toasts.is_empty() || body.height < FRAME + 1 {
        return;
    }
    let busy = selected_rows(f.buffer_mut(), body, theme.selected);
    // As many as fit without covering the selection, newest first.
    let Some((shown, top)) =
        (1..=toasts.len()).rev().find_map(|n| place(body, &busy, FRAME + n as u16).map(|y| (n, y)))
    else {
        return;
    };
    let width = if body.width >= WIDE { WIDTH + 30 } else { WIDTH }.min(body.width);
    let rect =
        Rect { x: body.right().saturating_sub(width), y: top, width, height: FRAME + shown as u16 };
    let focused = app.alerts.focus.is_some();
    let lines: Vec<Line> = toasts
        .iter()
        .take(shown)
        .map(|row| {
            let a = &row.alert;
            let mut line = Line::from(vec![
                Span::styled(
                    format!("{} ", fmt::age(Some(row.age(app.now, app.wall)))),
                    theme.muted,
                ),
                Span::styled(a.title.clone(), theme.crit),
                Span::styled(format!(" · {}", a.message), theme.base),
            ]);
            if app.alerts.focus.as_ref() == Some(&a.id) {
                line = line.patch_style(theme.selected);
            }
            line
        })
        .collect();
    let mut block = Block::bordered().title(" CRITICAL ").border_style(if focused {
        theme.accent
    } else {
        theme.crit
    });
    if let Some(hint) = hint(app, focused, toasts.len() - shown) {
        block = block.title_bottom(Line::styled(hint, theme.muted).right_aligned());
    }
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The toasts of fired price alerts: a panel at the top right of the body
/// (the critical ones keep the bottom), never over the selected row.
pub(crate) fn render_prices(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let toasts: Vec<_> = app.live_price_toasts().collect();
    if toasts.is_empty() || body.height < FRAME + 1 {
        return;
    }
    let busy = selected_rows(f.buffer_mut(), body, theme.selected);
    let Some((shown, top)) = (1..=toasts.len())
        .rev()
        .find_map(|n| place_high(body, &busy, FRAME + n as u16).map(|y| (n, y)))
    else {
        return;
    };
    let width = if body.width >= WIDE { WIDTH + 30 } else { WIDTH }.min(body.width);
    let rect =
        Rect { x: body.right().saturating_sub(width), y: top, width, height: FRAME + shown as u16 };
    let lines: Vec<Line> = toasts
        .iter()
        .take(shown)
        .map(|t| {
            let (mark, style) = if t.up { ("▲ ", theme.up) } else { ("▼ ", theme.down) };
            Line::from(vec![Span::styled(mark, style), Span::styled(t.text.clone(), theme.base)])
        })
        .collect();
    let dismiss = app.keymap.first_key(app.tab.context(), Action::Dismiss);
    let block = Block::bordered()
        .title(" PRICE ALERT ")
        .border_style(theme.accent)
        .title_bottom(Line::styled(format!(" {dismiss} dismiss "), theme.muted).right_aligned());
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

/// Rows the toasts take at the top (price alerts) and at the bottom
/// (critical alerts) of a body without a selected row: what a screen that
/// must not be covered (a report's detail) leaves free for them.
pub(crate) fn margins(app: &App) -> (u16, u16) {
    let rows = |n: usize| if n == 0 { 0 } else { FRAME + n as u16 };
    (rows(app.live_price_toasts().count()), rows(app.alerts.live_toasts(app.now, app.wall).len()))
}

/// The highest top row for a stack `height` rows tall inside `body` that
/// covers none of the `busy` rows.
fn place_high(body: Rect, busy: &[u16], height: u16) -> Option<u16> {
    if height > body.height {
        return None;
    }
    (body.top()..=body.bottom() - height).find(|&y| !busy.iter().any(|&b| b >= y && b < y + height))
}

/// The keys the toasts answer to: their own when focused, how to reach
/// them otherwise (and how many did not fit).
fn hint(app: &App, focused: bool, hidden: usize) -> Option<String> {
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
    Some(format!(" {more}{} act · {} dismiss ", key(g, Action::Toasts), key(g, Action::Dismiss)))
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
        assert_eq!(place(body, &[], 5), Some(18), "bottom-aligned");
        assert_eq!(place(body, &[22], 5), Some(17), "just above the selected row");
        assert_eq!(place(body, &[8], 5), Some(18), "below it when there is room");
        assert_eq!(place(body, &(5..20).collect::<Vec<_>>(), 5), None, "no room: fewer toasts");
        assert_eq!(place(body, &(5..20).collect::<Vec<_>>(), 3), Some(20));
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
