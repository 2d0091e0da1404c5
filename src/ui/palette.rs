//! The `:` command palette: a panel over the top of the body, the prompt,
//! the candidates under it (the chosen one highlighted, what does not work
//! on this tab greyed) and a line that says what went wrong or which keys
//! do what. Drawn from the live state, over everything else.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::fmt;
use crate::app::{App, Prompt};
use crate::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::theme::Theme;

/// Candidates shown at once (the list scrolls to the chosen one).
const SHOWN: usize = 8;
/// The widest the panel gets (centred on a wider screen).
const MAX_WIDTH: u16 = 100;

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(p) = &app.palette.prompt else { return };
    let room = usize::from(area.height.saturating_sub(5));
    let shown = p.candidates.len().min(SHOWN).min(room);
    let width = area.width.min(MAX_WIDTH);
    let height = (shown as u16 + 4).min(area.height);
    let x = area.x + (area.width - width) / 2;
    let rect = Rect { x, y: area.y, width, height };
    f.render_widget(Clear, rect);
    let mut block =
        Block::bordered().title(" Command ").title_style(theme.title).border_style(theme.accent);
    if let Some(count) = count(p, app) {
        block = block.title(Line::styled(count, theme.muted).right_aligned());
    }
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [prompt, list, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(shown as u16),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(prompt_line(p, prompt.width, theme)), prompt);
    f.render_widget(Paragraph::new(candidate_lines(p, shown, list.width, theme)), list);
    f.render_widget(Paragraph::new(status_line(p, app, status.width, theme)), status);
}

/// "3 of 12" candidates, or where in the history the prompt is.
fn count(p: &Prompt, app: &App) -> Option<String> {
    if let Some(i) = p.recalled {
        let len = app.palette.history.len();
        return Some(format!(" history {} of {len} ", len - i));
    }
    let n = p.candidates.len();
    match p.selected {
        Some(i) => Some(format!(" {} of {n} ", i + 1)),
        None if n > 0 => Some(format!(" {n} ")),
        None => None,
    }
}

/// `:` and the text, the cursor shown reversed; a long line is shown from
/// where it keeps the cursor in sight.
fn prompt_line(p: &Prompt, width: u16, theme: &Theme) -> Line<'static> {
    let text: Vec<char> = clean(&p.text()).chars().collect();
    let cursor = p.cursor().min(text.len());
    let room = usize::from(width).saturating_sub(3).max(1);
    let start = (cursor + 1).saturating_sub(room);
    let mut before: String = text[start..cursor].iter().collect();
    if start > 0 {
        before.replace_range(..before.chars().next().map_or(0, char::len_utf8), "…");
    }
    let at: String = text.get(cursor).map_or(" ".into(), char::to_string);
    let end = (start + room).min(text.len());
    let after: String = text.get(cursor + 1..end.max(cursor + 1)).unwrap_or(&[]).iter().collect();
    Line::from(vec![
        Span::styled(" :", theme.accent),
        Span::styled(before, theme.base),
        Span::styled(at, theme.selected),
        Span::styled(after, theme.base),
    ])
}

/// The candidates in view: name, then what it does.
fn candidate_lines(p: &Prompt, shown: usize, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let chosen = p.selected.unwrap_or(0);
    let first = (chosen + 1).saturating_sub(shown).min(p.candidates.len().saturating_sub(shown));
    let view = p.candidates.iter().enumerate().skip(first).take(shown);
    let name_w = view.clone().map(|(_, c)| c.label.chars().count()).max().unwrap_or(0).min(24);
    let width = usize::from(width);
    view.map(|(i, c)| {
        let style = if p.selected == Some(i) {
            theme.selected
        } else if c.available {
            theme.base
        } else {
            theme.muted
        };
        let name = format!(" {:<name_w$}  ", fmt::fit(&clean(&c.label), name_w));
        let rest = width.saturating_sub(name.chars().count());
        let description = if c.available {
            clean(&c.description)
        } else {
            format!("(not on this tab) {}", clean(&c.description))
        };
        let text = format!("{name}{}", fmt::fit(&description, rest));
        let pad = width.saturating_sub(text.chars().count());
        Line::styled(format!("{text}{}", " ".repeat(pad)), style)
    })
    .collect()
}

/// What went wrong, else the keys.
fn status_line(p: &Prompt, app: &App, width: u16, theme: &Theme) -> Line<'static> {
    let width = usize::from(width).saturating_sub(1);
    if let Some(e) = &p.error {
        return Line::styled(format!(" {}", fmt::fit(&clean(e), width)), theme.crit);
    }
    let key = |a| app.keymap.first_key(Context::Palette, a);
    let keys = if p.recalled.is_some() {
        format!(
            "{} older · {} newer · {} runs · {} closes",
            key(Action::Up),
            key(Action::Down),
            key(Action::Submit),
            key(Action::Cancel)
        )
    } else {
        format!(
            "{} completes · {}/{} choose · {} history · {} runs · {} closes",
            key(Action::Complete),
            key(Action::Up),
            key(Action::Down),
            key(Action::HistoryPrev),
            key(Action::Submit),
            key(Action::Cancel)
        )
    };
    Line::styled(format!(" {}", fmt::fit(&keys, width)), theme.muted)
}
