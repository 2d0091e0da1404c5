//! The footer: the keys of the layer that owns the keyboard (the footer
//! actions of its keymap section, see `keymap::offers`), and the last
//! message.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt;
use crate::app::App;
use crate::keymap::Action;
use crate::theme::Theme;

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // A decision in its undo window outranks any message: it is the one
    // thing the user can still change.
    let held = app.undoable().map(|h| {
        let key = app.keymap.first_key(crate::keymap::Context::Global, Action::Undo);
        crate::app::held_line(h, app.now, &key)
    });
    let (msg, style) = match &held {
        Some(line) => (line.as_str(), theme.warn),
        None => (app.message.as_deref().unwrap_or(""), theme.accent),
    };
    let msg_w = (msg.chars().count() as u16 + 1).min(area.width / 2);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(msg_w)]).areas(area);
    let hint = hint(app);
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!(" {}", fmt::fit(&hint, left.width as usize - 1)),
            theme.muted,
        ))),
        left,
    );
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(fmt::fit(msg, right.width as usize), style)))
            .right_aligned(),
        right,
    );
}

/// The reminder of keys for the layer that owns the keyboard. With a
/// read-only token the actions that would be refused are left out, and the
/// footer says why first, so that a message beside it cannot cut that off.
fn hint(app: &App) -> String {
    let ctx = app.layer().context();
    let footer = ctx.offer().footer;
    let read_only = app.read_only.is_some();
    let shown: Vec<Action> =
        footer.iter().copied().filter(|a| !(read_only && a.writes())).collect();
    let hint = app.keymap.hint(ctx, &shown);
    if shown.len() < footer.len() { format!("(read-only)  {hint}") } else { hint }
}
