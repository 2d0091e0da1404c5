//! One module per tab, each a pure `render(frame, area, app, theme)`.

pub mod insights;
pub mod markets;
pub mod markets_detail;
pub mod metrics;
pub mod reports;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, TableState};

use crate::theme::Theme;

/// A panel with a title in the theme's border style.
pub(crate) fn panel<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::bordered().title(title).border_style(theme.border).title_style(theme.title)
}

/// A table cursor built fresh from the state's selection (render never
/// writes back to the state).
pub(crate) fn cursor(selected: usize, len: usize) -> TableState {
    TableState::default().with_selected((len > 0).then_some(selected.min(len - 1)))
}

/// A centred placeholder for an empty panel: loading, error or nothing yet.
/// A panel with one message instead of its rows; a long one (an error
/// saying what to change) wraps rather than losing its end.
pub(crate) fn placeholder(f: &mut Frame, area: Rect, block: Block<'_>, text: Line<'_>) {
    let paragraph = Paragraph::new(text).centered().wrap(ratatui::widgets::Wrap { trim: true });
    f.render_widget(paragraph.block(block), area);
}
