//! The palette's commands. Every keymap action is one under its own name
//! (`add-symbol`; `add_symbol` and `add symbol` are read the same), so
//! "every action is a command" holds by construction; a few aliases say
//! the same actions more readably (`symbol add`, the tabs' names, `q`).
//! A typed line resolves to an action and the rest of the line, its
//! argument.

use crate::app::Tab;
use crate::keymap::Action;

/// One command the palette knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// As listed and completed: `add-symbol`, `symbol add`, `markets`.
    pub name: String,
    pub action: Action,
}

/// More readable ways to say an action; the tabs' names are added from
/// [`Tab::ALL`], so they follow the tabs.
const ALIASES: &[(&str, Action)] = &[
    ("symbol add", Action::AddSymbol),
    ("symbol remove", Action::RemoveSymbol),
    ("q", Action::Quit),
];

/// The action that goes to each of [`Tab::ALL`], in order.
const TABS: [Action; 6] =
    [Action::Tab1, Action::Tab2, Action::Tab3, Action::Tab4, Action::Tab5, Action::Tab6];

/// Actions that take an argument in the palette instead of asking for it
/// (`symbol add NVDA`, `filter status:pending`, `theme mono`). Without
/// one they do what their key does.
pub const TAKES_ARGUMENT: &[Action] = &[
    Action::AddSymbol,
    Action::RemoveSymbol,
    Action::Filter,
    Action::SetAlert,
    Action::Snooze,
    Action::Ack,
    Action::Reject,
    Action::Flag,
    Action::Comment,
    Action::ApproveWithNotes,
    Action::Rate,
    Action::Theme,
];

/// The most tokens a command's name is typed in (`approve with notes`).
const MAX_TOKENS: usize = 3;

/// Every command: each action under its own name, then the aliases.
pub fn commands() -> Vec<Command> {
    let command = |name: String, action| Command { name, action };
    let mut out: Vec<Command> = Action::ALL.iter().map(|&a| command(display_name(a), a)).collect();
    out.extend(ALIASES.iter().map(|&(name, a)| command(name.to_owned(), a)));
    out.extend(Tab::ALL.iter().zip(TABS).map(|(t, a)| command(t.title().to_lowercase(), a)));
    out
}

/// An action's name as the palette writes it: `add-symbol`.
pub fn display_name(action: Action) -> String {
    action.name().replace('_', "-")
}

/// One line for a command in the list: the action's help text, or for a
/// tab the tab's name.
pub fn description(action: Action) -> String {
    match TABS.iter().position(|&a| a == action) {
        Some(i) => format!("Go to the {} tab", Tab::ALL[i].title()),
        None => action.description().to_owned(),
    }
}

/// The words a name or a typed token stands for: lower case, split at
/// spaces, `-` and `_`.
pub(super) fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A typed line as an action and its argument (the rest of the line,
/// trimmed, as typed): the command with the most tokens that matches
/// wins. `None` when the line does not start with a command.
pub fn resolve(line: &str) -> Option<(Action, &str)> {
    let table: Vec<(Vec<String>, Action)> =
        commands().into_iter().map(|c| (words(&c.name), c.action)).collect();
    let base = line.as_ptr() as usize;
    let tokens: Vec<&str> = line.split_whitespace().take(MAX_TOKENS).collect();
    for n in (1..=tokens.len()).rev() {
        let typed: Vec<String> = tokens[..n].iter().flat_map(|t| words(t)).collect();
        if let Some((_, action)) = table.iter().find(|(w, _)| *w == typed) {
            let last = tokens[n - 1];
            let end = last.as_ptr() as usize - base + last.len();
            return Some((*action, line[end..].trim()));
        }
    }
    None
}
