//! How every list shows its `/` filter, alike: the letters the words
//! matched in the accent colour (kept under the selection), the title's
//! "12 of 54" (with "loaded" when the server holds more), and what an
//! empty result says.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::app::ListFilter;
use crate::theme::Theme;

/// The matched letters' style: the accent, over the selection on its row.
pub(crate) fn matched(selected: bool, theme: &Theme) -> Style {
    if selected { theme.selected.patch(theme.accent) } else { theme.accent }
}

/// Where `filter` matched in `text`, as byte ranges that are safe to slice.
fn ranges(text: &str, filter: &ListFilter) -> Vec<Range<usize>> {
    let mut spans = filter.spans(text);
    spans.retain(|r| text.get(r.clone()).is_some());
    spans
}

/// `text` as a line in `style`, what `filter` matched in the accent (for a
/// table cell; the table's selection goes over it).
pub(crate) fn line(text: &str, filter: &ListFilter, style: Style, theme: &Theme) -> Line<'static> {
    let spans = ranges(text, filter);
    if spans.is_empty() {
        return Line::styled(text.to_owned(), style);
    }
    let hit = style.patch(theme.accent);
    let mut out = Vec::with_capacity(spans.len() * 2 + 1);
    let mut at = 0;
    for r in spans {
        if r.start > at {
            out.push(Span::styled(text[at..r.start].to_owned(), style));
        }
        out.push(Span::styled(text[r.clone()].to_owned(), hit));
        at = r.end;
    }
    if at < text.len() {
        out.push(Span::styled(text[at..].to_owned(), style));
    }
    Line::from(out)
}

/// Over `text` already drawn left-aligned in `cell` (a list drawn straight
/// into the buffer): what `filter` matched, in [`matched`] style.
pub(crate) fn paint(
    buf: &mut Buffer,
    cell: Rect,
    text: &str,
    filter: &ListFilter,
    selected: bool,
    theme: &Theme,
) {
    let style = matched(selected, theme);
    for r in ranges(text, filter) {
        let x = cell.x.saturating_add(text[..r.start].width() as u16);
        let width = text[r].width() as u16;
        buf.set_style(Rect { x, width, ..cell }.intersection(cell), style);
    }
}

/// The title's count when a filter is on: "3 of 8 symbols"; for a list
/// the server pages, with more there than is loaded, "3 of 50 loaded". The
/// title then says the filter: `· filter: m`.
pub(crate) fn count(shown: usize, of: usize, noun: &str, more_on_server: bool) -> String {
    let noun = if noun.is_empty() { String::new() } else { format!(" {noun}") };
    let loaded = if more_on_server { " loaded" } else { "" };
    format!("{shown} of {of}{noun}{loaded}")
}

/// What a list says when its filter hides every row: that nothing
/// matches, how to clear it, and, when the server holds more than is
/// loaded, that moving down loads more.
pub(crate) fn no_match(
    what: &str,
    filter: &ListFilter,
    back: &str,
    more: Option<&str>,
    theme: &Theme,
) -> Line<'static> {
    let text = match more {
        Some(down) => format!(
            "No {what} loaded matches “{}” ({down} loads more, {back} clears the filter)",
            filter.text
        ),
        None => format!("No {what} matches “{}” ({back} clears the filter)", filter.text),
    };
    Line::styled(text, theme.muted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_puts_the_matches_in_the_accent_and_keeps_the_rest() {
        let theme = Theme::by_name("default").expect("built-in theme");
        let f = ListFilter::new("fir");
        let l = line("Blue Fir Partners", &f, theme.muted, &theme);
        let parts: Vec<(&str, Style)> = l.spans.iter().map(|s| (&*s.content, s.style)).collect();
        let hit = theme.muted.patch(theme.accent);
        assert_eq!(parts, [("Blue ", theme.muted), ("Fir", hit), (" Partners", theme.muted)]);
        let none = line("Kestrel", &f, theme.muted, &theme);
        assert_eq!(none.spans.len(), 1);
    }

    #[test]
    fn the_count_says_loaded_when_the_server_has_more() {
        assert_eq!(count(3, 8, "symbols", false), "3 of 8 symbols");
        assert_eq!(count(3, 50, "", true), "3 of 50 loaded");
    }
}
