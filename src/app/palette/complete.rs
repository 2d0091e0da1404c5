//! What the palette offers under the prompt: the commands matching what is
//! typed (best first: those that work on this tab, then the closest
//! matches), or once a command is typed, the values its argument takes
//! where they are known (theme names, the watchlist's symbols, the
//! report filter's keys and statuses, stars, snooze lengths).

use super::commands::{self, TAKES_ARGUMENT, words};
use crate::app::{App, Tab};
use crate::keymap::Action;
use crate::sanitize::clean;
use crate::theme::Theme;

/// One line of the list under the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The whole prompt once this one is chosen.
    pub text: String,
    /// What the list shows for it (a command's name, a value).
    pub label: String,
    pub description: String,
    /// It can run on this tab (the others are listed greyed, last).
    pub available: bool,
}

/// Snooze lengths offered (any duration is taken).
const SNOOZES: &[(&str, &str)] = &[
    ("30m", "for 30 minutes"),
    ("1h", "for an hour"),
    ("2h", "for two hours"),
    ("4h", "for four hours"),
    ("1d", "for a day"),
];

/// The report filter's keys (see `ReportFilter::parse`).
const FILTER_KEYS: &[(&str, &str)] = &[
    ("status:", "pending, approved, rejected, flagged or all"),
    ("account:", "an account number"),
    ("from:", "a date, YYYY-MM-DD"),
    ("to:", "a date, YYYY-MM-DD"),
];

const STATUSES: &[&str] = &["pending", "approved", "rejected", "flagged", "all"];

/// How well a command's name (as words joined by spaces) matches what is
/// typed: 0 exactly, 1 from its start, 2 from the start of a later word,
/// 3 anywhere. `None`: no match.
fn score(query: &str, name: &str) -> Option<u8> {
    if name == query {
        Some(0)
    } else if name.starts_with(query) {
        Some(1)
    } else if name.split(' ').any(|w| w.starts_with(query)) {
        Some(2)
    } else if name.contains(query) {
        Some(3)
    } else {
        None
    }
}

impl App {
    /// The candidates for `text` typed in the prompt.
    pub(super) fn candidates(&self, text: &str) -> Vec<Candidate> {
        let typed_on = text.ends_with(char::is_whitespace);
        match commands::resolve(text) {
            Some((action, arg)) if typed_on || !arg.is_empty() => {
                let cut = text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                let (head, last) = text.split_at(cut);
                let whole = arg.len() == last.len();
                self.argument_values(action, last, whole)
                    .into_iter()
                    .filter(|(v, _)| v.to_lowercase().starts_with(&last.to_lowercase()))
                    .map(|(value, description)| Candidate {
                        text: format!("{head}{value}"),
                        label: value,
                        description,
                        available: true,
                    })
                    .collect()
            }
            _ => self.command_candidates(text),
        }
    }

    fn command_candidates(&self, text: &str) -> Vec<Candidate> {
        let query = words(text).join(" ");
        let ctx = self.screen_context();
        let mut found: Vec<(bool, u8, usize, Candidate)> = Vec::new();
        for c in commands::commands() {
            let Some(score) = score(&query, &words(&c.name).join(" ")) else { continue };
            let available = ctx.offers(c.action);
            // What does not work here is listed only when asked for by name.
            if !available && (query.is_empty() || score > 1) {
                continue;
            }
            let order = if query.is_empty() {
                Action::ALL.iter().position(|&a| a == c.action).unwrap_or(usize::MAX)
            } else {
                c.name.len()
            };
            let space = if TAKES_ARGUMENT.contains(&c.action) { " " } else { "" };
            let candidate = Candidate {
                text: format!("{}{space}", c.name),
                description: commands::description(c.action),
                label: c.name,
                available,
            };
            found.push((!available, score, order, candidate));
        }
        found.sort_by(|a, b| (a.0, a.1, a.2, &a.3.label).cmp(&(b.0, b.1, b.2, &b.3.label)));
        found.into_iter().map(|(.., c)| c).collect()
    }

    /// The values `action`'s argument takes, where they are known, with a
    /// word on each. `whole`: the argument so far is one word (the only
    /// one most actions take).
    fn argument_values(&self, action: Action, last: &str, whole: bool) -> Vec<(String, String)> {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter().map(|(v, d)| ((*v).to_owned(), (*d).to_owned())).collect()
        };
        match action {
            Action::Filter if self.tab == Tab::Reports => self.report_filter_values(last),
            _ if !whole || !TAKES_ARGUMENT.contains(&action) => Vec::new(),
            Action::Theme => {
                let current = self.palette.theme_name();
                Theme::names()
                    .into_iter()
                    .map(|n| {
                        let note = if n == current { "the theme in use" } else { "" };
                        (n.to_owned(), note.to_owned())
                    })
                    .collect()
            }
            Action::RemoveSymbol => self
                .markets
                .rows()
                .into_iter()
                .map(|s| (clean(s), "on the watchlist".to_owned()))
                .collect(),
            Action::Rate => (1..=5).map(|n| (n.to_string(), "★".repeat(n))).collect(),
            Action::Snooze => pairs(SNOOZES),
            _ => Vec::new(),
        }
    }

    /// The report filter's last word: a key, or a key's values (the
    /// statuses, the accounts of the reports loaded).
    fn report_filter_values(&self, last: &str) -> Vec<(String, String)> {
        let with = |key: &str, values: Vec<String>, note: &str| -> Vec<(String, String)> {
            values.into_iter().map(|v| (format!("{key}{v}"), note.to_owned())).collect()
        };
        match last.split_once(':') {
            Some(("status", _)) => {
                let statuses = STATUSES.iter().map(|s| (*s).to_owned()).collect();
                with("status:", statuses, "reports in this state")
            }
            Some(("account", _)) => {
                let mut accounts: Vec<String> =
                    self.reports.items.iter().map(|r| clean(&r.account_number)).collect();
                accounts.sort();
                accounts.dedup();
                with("account:", accounts, "an account in the reports loaded")
            }
            Some(_) => Vec::new(),
            None => FILTER_KEYS.iter().map(|(k, d)| ((*k).to_owned(), (*d).to_owned())).collect(),
        }
    }
}
