//! The footer: the keys that apply here, and the last message.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt;
use crate::app::{App, Tab};
use crate::keymap::Action;
use crate::theme::Theme;

/// The actions worth a reminder on each tab, in order.
fn hinted(tab: Tab) -> &'static [Action] {
    use Action::*;
    match tab {
        Tab::Markets => &[Quit, Help, AddSymbol, RemoveSymbol, CycleSort, Open],
        Tab::Reports => {
            &[Quit, Help, Approve, ApproveWithNotes, Reject, Flag, ToggleSelect, Filter, Outbox]
        }
        Tab::Insights => &[Quit, Help, Rate, Comment, Flag, Outbox],
        Tab::Metrics => &[Quit, Help, NextTab, Period, Refresh],
        _ => &[Quit, Help, NextTab, Refresh],
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let msg = app.message.as_deref().unwrap_or("");
    let msg_w = (msg.chars().count() as u16 + 1).min(area.width / 2);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(msg_w)]).areas(area);
    let hint = match &app.read_only {
        // Action keys would only be refused: say why instead.
        Some(_) if matches!(app.tab, Tab::Reports | Tab::Insights) => {
            app.keymap.hint(app.tab.context(), &[Action::Quit, Action::Help, Action::Outbox])
                + "  (read-only)"
        }
        _ => app.keymap.hint(app.tab.context(), hinted(app.tab)),
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!(" {}", fmt::fit(&hint, left.width as usize - 1)),
            theme.muted,
        ))),
        left,
    );
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(fmt::fit(msg, right.width as usize), theme.accent)))
            .right_aligned(),
        right,
    );
}
