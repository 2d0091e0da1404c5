//! Things drawn over the body: the help overlay and the add-symbol prompt
//! (the critical-alert toasts are [`super::toasts`]).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, fmt};
use crate::app::App;
use crate::keymap::{Action, Context, HelpEntry};
use crate::theme::Theme;

/// The keys for this tab and the global ones, generated from the keymap;
/// only actions that do something here are listed.
pub(crate) fn render_help(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let closes = app.keymap.keys_text(Context::Help, Action::Back);
    let entries = help_entries(app);
    let key_w = entries.iter().map(|e| e.keys.chars().count()).max().unwrap_or(4).min(14);
    let desc_w = entries.iter().map(|e| e.description.chars().count()).max().unwrap_or(10);
    let mut lines = Vec::new();
    let mut last_ctx = None;
    for e in &entries {
        if last_ctx != Some(e.context) {
            if last_ctx.is_some() {
                lines.push(Line::raw(""));
            }
            let heading = match e.context {
                Context::Global => "Everywhere",
                Context::ReportDetail => "Report detail",
                _ => app.tab.title(),
            };
            lines.push(Line::styled(heading, theme.title));
            last_ctx = Some(e.context);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<key_w$}  ", fmt::fit(&e.keys, key_w)), theme.accent),
            Span::styled(e.description.to_owned(), theme.base),
        ]));
    }
    // One column when it fits, else two side by side.
    let columns: u16 = if lines.len() as u16 + 2 <= area.height { 1 } else { 2 };
    let per_col = (lines.len() as u16).div_ceil(columns);
    let col_w = (key_w + 4 + desc_w) as u16;
    let rect = centered(area, columns * (col_w + 1) + 2, per_col + 2);
    f.render_widget(Clear, rect);
    let block =
        Block::bordered().title(format!(" Keys · {closes} closes ")).border_style(theme.border);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let cols = Layout::horizontal(vec![Constraint::Fill(1); columns as usize]).split(inner);
    for (i, chunk) in lines.chunks(per_col.max(1) as usize).enumerate() {
        if let Some(col) = cols.get(i) {
            f.render_widget(Paragraph::new(chunk.to_vec()), *col);
        }
    }
}

/// Help entries that apply here, with the six tab keys folded into one.
fn help_entries(app: &App) -> Vec<HelpEntry> {
    use crate::keymap::Action::{Tab1, Tab2, Tab3, Tab4, Tab5, Tab6};
    let ctx = app.screen_context();
    let mut out: Vec<HelpEntry> = Vec::new();
    for e in app.keymap.help(ctx).into_iter().filter(|e| ctx.offers(e.action)) {
        let is_tab = matches!(e.action, Tab1 | Tab2 | Tab3 | Tab4 | Tab5 | Tab6);
        match out.last_mut() {
            Some(prev) if is_tab && matches!(prev.action, Tab1 | Tab2 | Tab3 | Tab4 | Tab5) => {
                prev.keys = format!("{} {}", prev.keys, e.keys);
                prev.action = e.action;
                prev.description = "Go to that tab";
            }
            _ => out.push(e),
        }
    }
    out
}

pub(crate) fn render_symbol_prompt(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let input = app.markets.input.as_deref().unwrap_or("");
    let mut lines = vec![Line::from(vec![
        Span::styled("Symbol: ", theme.muted),
        Span::styled(input.to_owned(), theme.title),
        Span::styled("▏", theme.accent),
    ])];
    match &app.markets.input_error {
        Some(e) => lines.push(Line::styled(e.clone(), theme.crit)),
        None => {
            let key = |a| app.keymap.first_key(Context::Text, a);
            let hint = format!("{} adds · {} cancels", key(Action::Submit), key(Action::Cancel));
            lines.push(Line::styled(hint, theme.muted));
        }
    }
    let rect = centered(area, 44, 4);
    f.render_widget(Clear, rect);
    let block = Block::bordered().title(" Add to watchlist ").border_style(theme.accent);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
