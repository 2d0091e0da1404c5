//! Pure rendering: `render(frame, app, theme)` draws the whole screen from
//! the state and changes nothing.
//!
//! ```text
//! ┌───────────────────────────────────────────────────────────────┐
//! │ MERIDIAN DEMO  server            prices ● 0s backfill ● 1s …  │ header
//! │ 1 Insights  2 Status  3 Metrics  4 Markets  5 Reports         │ tabs
//! ├───────────────────────────────────────────────────────────────┤
//! │                        active tab                             │ body
//! ├───────────────────────────────────────────────────────────────┤
//! │ q quit  ? help  tab next …                      last message  │ footer
//! └───────────────────────────────────────────────────────────────┘
//! ```

mod candles;
mod diagnostics;
mod dialogs;
pub(crate) mod fmt;
mod footer;
mod header;
pub(crate) mod highlight;
mod overlay;
mod palette;
pub(crate) mod price_alerts;
pub mod tabs;
mod toasts;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{App, Tab};
use crate::theme::Theme;

/// Smallest size the layout is drawn at; below it a message says so.
pub(crate) const MIN_WIDTH: u16 = 60;
pub(crate) const MIN_HEIGHT: u16 = 16;

pub fn render(f: &mut Frame, app: &App, theme: &Theme) {
    // A theme switched to in the session (`:theme mono`) wins.
    let theme = app.palette.theme.as_ref().unwrap_or(theme);
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(f, area, app, theme);
        return;
    }
    let [head, tabs_row, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    // The header is live (feeds, outbox, PAUSED and how far behind); the
    // rest is what the screen shows, the frozen copy while paused.
    header::render_title(f, head, app, theme);
    let live = app;
    let app = app.view();
    header::render_tabs(f, tabs_row, app, theme);
    match app.tab {
        Tab::Insights => tabs::insights::render(f, body, app, theme),
        Tab::Status => tabs::status::render(f, body, app, theme),
        Tab::Metrics => tabs::metrics::render(f, body, app, theme),
        Tab::Markets => tabs::markets::render(f, body, app, theme),
        Tab::Reports => tabs::reports::render(f, body, app, theme),
        Tab::Alerts => tabs::alerts::render(f, body, app, theme),
    }
    footer::render(f, foot, app, theme);
    toasts::render(f, body, app, theme);
    toasts::render_prices(f, body, app, theme);
    if app.markets.input.is_some() {
        overlay::render_symbol_prompt(f, body, app, theme);
    }
    if app.show_diagnostics {
        diagnostics::render(f, body, app, theme);
    }
    dialogs::render(f, body, app, theme);
    if app.show_help {
        overlay::render_help(f, body, app, theme);
    }
    palette::render(f, body, live, theme);
}

/// A `width` x `height` rectangle in the middle of `area` (clipped to it).
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    use ratatui::layout::Flex;
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn render_too_small(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let quit = app.keymap.first_key(app.tab.context(), crate::keymap::Action::Quit);
    let msg = vec![
        Line::styled("Terminal too small", theme.warn),
        Line::styled(
            format!("{}x{}, need {MIN_WIDTH}x{MIN_HEIGHT}", area.width, area.height),
            theme.muted,
        ),
        Line::styled(format!("{quit} quits"), theme.muted),
    ];
    let h = (msg.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let rect = Rect { x: area.x, y, width: area.width, height: h };
    f.render_widget(Paragraph::new(msg).centered(), rect);
}
