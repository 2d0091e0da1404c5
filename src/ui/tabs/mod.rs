//! One module per tab, each a pure `render(frame, area, app, theme)`.

pub mod alerts;
pub mod insights;
pub mod markets;
pub mod markets_detail;
mod markets_holdings;
pub mod metrics;
pub mod prom;
pub mod report_detail;
pub mod reports;
pub mod status;
mod status_jobs;

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, TableState};

use crate::api::ErrorKind;
use crate::app::{Load, ScrollState};
use crate::theme::Theme;
use crate::ui::fmt;

/// A panel with a title in the theme's border style.
pub(crate) fn panel<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::bordered().title(title).border_style(theme.border).title_style(theme.title)
}

/// What to say about the last fetch of data that is on screen: that a
/// fetch is in flight, or (in the warning style) that the last one failed,
/// how long ago and why, so the data shown is older than the user asked.
pub(crate) fn load_note(load: &Load, now: Instant, theme: &Theme) -> Option<(String, Style)> {
    match load {
        Load::Loading { .. } => Some(("loading…".into(), theme.muted)),
        Load::Failed { at, reason, kind } => {
            let ago = fmt::age(Some(now.saturating_duration_since(*at)));
            let reason = crate::sanitize::clean(reason);
            Some(match kind {
                // Asking again will not help: say what is missing, quietly.
                ErrorKind::NotFound => (reason, theme.muted),
                ErrorKind::Unauthorized | ErrorKind::Forbidden => {
                    (format!("refresh refused {ago} ago: {reason}"), theme.crit)
                }
                _ => (format!("refresh failed {ago} ago: {reason}"), theme.warn),
            })
        }
        Load::Idle | Load::Loaded { .. } => None,
    }
}

/// A panel title: `title`, then, when the panel shows data, the
/// [`load_note`] on its last fetch. (Without data the body says it.)
pub(crate) fn load_title(
    title: String,
    load: &Load,
    has_data: bool,
    now: Instant,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = vec![Span::raw(title)];
    if has_data && let Some((note, style)) = load_note(load, now, theme) {
        spans.push(Span::styled(format!("· {note} "), style));
    }
    Line::from(spans)
}

/// What a panel without data says, by its last fetch: the error in full,
/// `empty` when the server had nothing, else that `what` is loading.
pub(crate) fn no_data<'a>(load: &Load, what: &str, empty: Line<'a>, theme: &Theme) -> Line<'a> {
    match load {
        Load::Failed { reason, .. } => Line::styled(
            format!("{what} unavailable: {}", crate::sanitize::clean(reason)),
            theme.crit,
        ),
        Load::Loaded { .. } => empty,
        Load::Idle | Load::Loading { .. } => Line::styled(format!("loading {what}…"), theme.muted),
    }
}

/// A table cursor built fresh from the state's selection (render never
/// writes back to the state).
pub(crate) fn cursor(selected: usize, len: usize) -> TableState {
    TableState::default().with_selected((len > 0).then_some(selected.min(len - 1)))
}

/// [`cursor`] for a table drawn in `area` inside a border under a one-row
/// heading, its view where `scroll` left it in the last frame unless the
/// cursor would leave it.
pub(crate) fn scrolled_cursor(
    scroll: &ScrollState,
    selected: usize,
    len: usize,
    area: Rect,
) -> TableState {
    let rows = usize::from(area.height.saturating_sub(3));
    cursor(selected, len).with_offset(scroll.show(selected, len, rows))
}

/// Whether a tab that needs a Meridian backend has none: it then says so
/// (in a panel titled `title`) instead of waiting for one.
pub(crate) fn no_backend(
    f: &mut Frame,
    area: Rect,
    app: &crate::app::App,
    title: &str,
    theme: &Theme,
) -> bool {
    if app.settings.backend {
        return false;
    }
    let text = vec![
        Line::styled("no backend configured", theme.title),
        Line::styled(
            format!(
                "{title} come from a Meridian backend: --server URL, MERIDIAN_SERVER or [server] url"
            ),
            theme.muted,
        ),
    ];
    let paragraph = Paragraph::new(text).centered().wrap(ratatui::widgets::Wrap { trim: true });
    f.render_widget(paragraph.block(panel(format!(" {title} "), theme)), area);
    true
}

/// A centred placeholder for an empty panel: loading, error or nothing yet.
/// A panel with one message instead of its rows; a long one (an error
/// saying what to change) wraps rather than losing its end.
pub(crate) fn placeholder(f: &mut Frame, area: Rect, block: Block<'_>, text: Line<'_>) {
    let paragraph = Paragraph::new(text).centered().wrap(ratatui::widgets::Wrap { trim: true });
    f.render_widget(paragraph.block(block), area);
}
