//! The `:` command palette (k9s-style): a one-line prompt over the tab,
//! the matching commands listed under it, Tab (or Up/Down) to choose,
//! Enter to run, Esc to close. Every keymap action is a command and every
//! command is an action (see [`commands`]); an action runs as its key would
//! on this tab, with its argument given at once where its key would ask
//! for text. The commands run are kept (in the data directory) and
//! recalled with Up on an empty prompt.

mod commands;
mod complete;
mod run;
#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use super::App;
use crate::event::Effect;
use crate::keymap::Action;
use crate::palette_history::{self, MAX_CHARS};
use crate::theme::Theme;

use commands::resolve;
pub use complete::Candidate;

/// The palette: its prompt while open, the commands run before, and the
/// theme chosen in it this session.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    /// The prompt, while the palette is open.
    pub prompt: Option<Prompt>,
    /// Commands run, oldest first (kept in the data directory).
    pub history: Vec<String>,
    /// The theme switched to this session, if any: drawn instead of the
    /// one the console started with.
    pub theme: Option<Theme>,
    /// The theme the console started with (`ui.theme`).
    pub start_theme: Option<&'static str>,
}

impl Palette {
    /// The name of the theme the screen is drawn in.
    pub fn theme_name(&self) -> &'static str {
        self.theme.as_ref().map(|t| t.name).or(self.start_theme).unwrap_or("default")
    }
}

/// The open prompt.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub editor: TextArea<'static>,
    /// What the list under the prompt offers for the text last typed.
    pub candidates: Vec<Candidate>,
    /// The candidate chosen with Tab or Up/Down, if any (its text is in
    /// the prompt).
    pub selected: Option<usize>,
    /// Walking the history: how many commands back (0: the newest).
    pub recalled: Option<usize>,
    /// What was typed before walking the history, given back past the
    /// newest command.
    draft: String,
    /// Why the last Enter did not run (unknown command, a bad argument).
    pub error: Option<String>,
}

impl Prompt {
    fn new() -> Prompt {
        Prompt {
            editor: TextArea::default(),
            candidates: Vec::new(),
            selected: None,
            recalled: None,
            draft: String::new(),
            error: None,
        }
    }

    /// The text typed, as one line.
    pub fn text(&self) -> String {
        self.editor.lines().join(" ")
    }

    /// Where the cursor is in [`Prompt::text`], in characters.
    pub fn cursor(&self) -> usize {
        let ratatui_textarea::DataCursor(row, col) = self.editor.cursor();
        let before: usize =
            self.editor.lines().iter().take(row).map(|l| l.chars().count() + 1).sum();
        before + col
    }

    fn set_text(&mut self, text: &str) {
        self.editor = TextArea::new(vec![text.to_owned()]);
        self.editor.move_cursor(CursorMove::End);
    }
}

impl App {
    /// `:`: open an empty prompt listing what runs on this tab.
    pub(super) fn open_palette(&mut self) {
        self.palette.prompt = Some(Prompt::new());
        self.refresh_candidates();
    }

    /// List the candidates for what the prompt holds now.
    fn refresh_candidates(&mut self) {
        let Some(text) = self.palette.prompt.as_ref().map(Prompt::text) else { return };
        let candidates = self.candidates(&text);
        if let Some(p) = self.palette.prompt.as_mut() {
            p.candidates = candidates;
            p.selected = None;
        }
    }

    /// A key in the open palette. Up on an empty prompt (or while walking
    /// the history) recalls; otherwise Up and Down choose like Shift-Tab
    /// and Tab. Keys not bound in `[palette]` edit the text.
    pub(super) fn on_palette(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let Some(p) = self.palette.prompt.as_ref() else { return false };
        let walking = p.recalled.is_some();
        // Up on an empty prompt recalls, once there is something to recall.
        let recalls = walking || (p.text().is_empty() && !self.palette.history.is_empty());
        match action {
            Some(Action::Cancel) => self.palette.prompt = None,
            Some(Action::Submit) => self.submit_palette(fx),
            Some(Action::Complete) => self.choose(1),
            Some(Action::CompletePrev) => self.choose(-1),
            Some(Action::HistoryPrev) => self.recall(1),
            Some(Action::HistoryNext) => self.recall(-1),
            Some(Action::Up) if recalls => self.recall(1),
            Some(Action::Up) => self.choose(-1),
            Some(Action::Down) if walking => self.recall(-1),
            Some(Action::Down) => self.choose(1),
            _ => self.edit_palette(key),
        }
        true
    }

    fn edit_palette(&mut self, key: KeyEvent) {
        let Some(p) = self.palette.prompt.as_mut() else { return };
        let chord = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match key.code {
            KeyCode::Backspace if p.text().is_empty() => {
                self.palette.prompt = None;
                return;
            }
            // One line, and Tab is for choosing: neither goes into the text.
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab => return,
            KeyCode::Char(c) if !key.modifiers.intersects(chord) => {
                if crate::sanitize::is_dangerous(c) {
                    return;
                }
                if p.text().chars().count() >= MAX_CHARS {
                    p.error = Some(format!("a command is at most {MAX_CHARS} characters"));
                    return;
                }
            }
            _ => {}
        }
        if p.editor.input(key) {
            if p.editor.lines().len() > 1 {
                let line = p.text();
                p.set_text(&line);
            }
            p.error = None;
            p.recalled = None;
            self.refresh_candidates();
        }
    }

    /// Tab (`delta` 1) or Shift-Tab (-1): put the next or previous
    /// candidate in the prompt. A single candidate is taken and the list
    /// moves on to what can follow it (a command's argument).
    fn choose(&mut self, delta: isize) {
        let Some(p) = self.palette.prompt.as_mut() else { return };
        let n = p.candidates.len();
        if n == 0 {
            return;
        }
        let at = match p.selected {
            None if delta > 0 => 0,
            None => n - 1,
            Some(i) => (i as isize + delta).rem_euclid(n as isize) as usize,
        };
        let text = p.candidates[at].text.clone();
        p.set_text(&text);
        (p.error, p.recalled) = (None, None);
        if n == 1 {
            self.refresh_candidates();
        } else {
            p.selected = Some(at);
        }
    }

    /// Up (`step` 1, older) or Down (-1, newer) through the commands run
    /// before; past the newest, what was being typed comes back.
    fn recall(&mut self, step: isize) {
        let len = self.palette.history.len();
        let Some(p) = self.palette.prompt.as_mut() else { return };
        if len == 0 {
            p.error = Some("no command run yet: nothing to recall".into());
            return;
        }
        let next = match p.recalled {
            None if step < 0 => return,
            None => {
                p.draft = p.text();
                Some(0)
            }
            Some(i) => usize::try_from(i as isize + step).ok().map(|j| j.min(len - 1)),
        };
        p.recalled = next;
        p.error = None;
        match next {
            Some(i) => {
                let text = self.palette.history[len - 1 - i].clone();
                p.set_text(&text);
                p.candidates.clear();
                p.selected = None;
            }
            None => {
                let draft = std::mem::take(&mut p.draft);
                p.set_text(&draft);
                self.refresh_candidates();
            }
        }
    }

    /// Enter: run the command. It closes the palette and is remembered, or
    /// the palette stays open with the text and says what is wrong.
    fn submit_palette(&mut self, fx: &mut Vec<Effect>) {
        let Some(mut prompt) = self.palette.prompt.take() else { return };
        let line = prompt.text().trim().to_owned();
        if line.is_empty() {
            return;
        }
        let outcome = match resolve(&line) {
            Some((action, arg)) => self.run_command(action, arg, fx),
            None => Err(unknown(&line, &prompt)),
        };
        match outcome {
            Ok(()) => {
                palette_history::remember(&mut self.palette.history, &line);
                fx.push(Effect::SavePaletteHistory(self.palette.history.clone()));
            }
            Err(e) => {
                prompt.error = Some(e);
                prompt.recalled = None;
                self.palette.prompt = Some(prompt);
            }
        }
    }
}

/// What the palette says of a line that names no command.
fn unknown(line: &str, prompt: &Prompt) -> String {
    let word = line.split_whitespace().next().unwrap_or(line);
    let word: String = word.chars().take(40).collect();
    match prompt.candidates.iter().find(|c| c.available) {
        Some(c) => format!("unknown command: {word} (tab completes: {})", c.label),
        None => format!("unknown command: {word}"),
    }
}
