//! Keybindings as data: named [`Action`]s bound to keys per [`Context`].
//!
//! The defaults live in `config/keymap.toml` (compiled in); the user's
//! `[keys.<context>]` tables replace an action's keys in that context. The
//! whole map is checked when it is built: unknown names, unparsable keys, a
//! key bound twice in one context, a screen key shadowing a global key and an
//! action bound where it does nothing are all errors. What works where is
//! the table in [`offers`]; the `?` overlay, footer and dialog hints are
//! generated from the two.

mod action;
mod key;
mod offers;

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyEvent, KeyEventKind};

pub use action::{Action, Context};
pub use key::{KeyBinding, KeyParseError};
pub use offers::Offer;

/// The built-in bindings, in the same format users write under `[keys]`.
pub(crate) const DEFAULT_KEYMAP: &str = include_str!("../../config/keymap.toml");

/// The user's `[keys.<context>]` tables: context name -> action name -> keys.
/// Names are checked by [`Keymap::with_overrides`], not by serde, so that
/// errors can say which context and action were wrong.
pub type KeymapOverrides = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Why a keymap could not be built. Each variant names the context and the
/// action or key involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown key context `{context}` in [keys] (expected one of: {})", context_names())]
    UnknownContext { context: String },
    #[error("unknown action `{action}` in [keys.{context}] (expected one of: {})", action_names())]
    UnknownAction { context: String, action: String },
    #[error("keys.{context}.{action}: cannot parse key `{key}`: {reason}")]
    BadKey { context: String, action: String, key: String, reason: KeyParseError },
    #[error(
        "keys.{}: key `{key}` is bound to both {} and {}",
        context.name(),
        first.name(),
        second.name()
    )]
    Duplicate { context: Context, key: String, first: Action, second: Action },
    #[error(
        "keys.{}.{}: key `{key}` is already bound to global action {}; pick another key",
        context.name(),
        action.name(),
        global.name()
    )]
    Shadows { context: Context, action: Action, key: String, global: Action },
    #[error(
        "keys.{}.{}: {} does nothing in {} (it works in: {})",
        context.name(),
        action.name(),
        action.name(),
        context.name(),
        names(works_in)
    )]
    Useless { context: Context, action: Action, works_in: Vec<Context> },
}

impl KeymapError {
    /// The config key paths (`keys.markets.add_symbol`) this error is about,
    /// most specific first, so a caller can point at a line in the file.
    pub(crate) fn key_paths(&self) -> Vec<String> {
        match self {
            KeymapError::UnknownContext { context } => vec![format!("keys.{context}")],
            KeymapError::UnknownAction { context, action }
            | KeymapError::BadKey { context, action, .. } => {
                vec![format!("keys.{context}.{action}")]
            }
            KeymapError::Useless { context, action, .. } => {
                vec![format!("keys.{}.{}", context.name(), action.name())]
            }
            KeymapError::Duplicate { context, first, second, .. } => vec![
                format!("keys.{}.{}", context.name(), second.name()),
                format!("keys.{}.{}", context.name(), first.name()),
            ],
            KeymapError::Shadows { context, action, global, .. } => vec![
                format!("keys.{}.{}", context.name(), action.name()),
                format!("keys.global.{}", global.name()),
            ],
        }
    }
}

fn context_names() -> String {
    names(Context::ALL)
}

fn names(contexts: &[Context]) -> String {
    contexts.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

fn action_names() -> String {
    Action::ALL.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// The keys, as written in config files, joined by ", ".
    pub keys: String,
    pub description: &'static str,
    pub context: Context,
    pub action: Action,
}

/// A checked set of bindings, ready for lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// Per context, each bound action and its keys (action order = help order).
    bindings: BTreeMap<Context, BTreeMap<Action, Vec<KeyBinding>>>,
    lookup: HashMap<(Context, KeyBinding), Action>,
}

type Bindings = BTreeMap<Context, BTreeMap<Action, Vec<KeyBinding>>>;

impl Keymap {
    /// The built-in bindings from `config/keymap.toml`.
    pub fn default_map() -> Keymap {
        let table: KeymapOverrides =
            toml::from_str(DEFAULT_KEYMAP).expect("config/keymap.toml is valid TOML");
        let mut bindings = Bindings::new();
        apply(&mut bindings, &table)
            .and_then(|()| Keymap::build(bindings))
            .expect("config/keymap.toml is a valid keymap")
    }

    /// The defaults with the user's tables applied: each listed action's keys
    /// in that context are replaced by the given ones.
    pub fn with_overrides(overrides: &KeymapOverrides) -> Result<Keymap, KeymapError> {
        let mut bindings = Keymap::default_map().bindings;
        apply(&mut bindings, overrides)?;
        Keymap::build(bindings)
    }

    fn build(bindings: Bindings) -> Result<Keymap, KeymapError> {
        let mut lookup = HashMap::new();
        for (&context, actions) in &bindings {
            for (&action, keys) in actions {
                if !keys.is_empty() && !context.offers(action) {
                    let works_in = Context::offering(action);
                    return Err(KeymapError::Useless { context, action, works_in });
                }
                for &key in keys {
                    if let Some(first) = lookup.insert((context, key), action)
                        && first != action
                    {
                        let key = key.to_string();
                        return Err(KeymapError::Duplicate { context, key, first, second: action });
                    }
                }
            }
        }
        for (&context, actions) in bindings.iter().filter(|(c, _)| c.is_screen()) {
            for (&action, keys) in actions {
                for key in keys {
                    if let Some(&global) = lookup.get(&(Context::Global, *key)) {
                        let key = key.to_string();
                        return Err(KeymapError::Shadows { context, action, key, global });
                    }
                }
            }
        }
        Ok(Keymap { bindings, lookup })
    }

    /// What a key press means in `ctx`: its own bindings first, then, on a
    /// screen, the global ones. Key releases mean nothing.
    pub fn action(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let key = KeyBinding::from_event(key);
        searched(ctx).find_map(|c| self.lookup.get(&(c, key))).copied()
    }

    /// The keys for `action` in `ctx` (on a screen, falling back to Global);
    /// empty if unbound.
    pub(crate) fn keys(&self, ctx: Context, action: Action) -> &[KeyBinding] {
        searched(ctx)
            .filter_map(|c| self.bindings.get(&c)?.get(&action))
            .find(|keys| !keys.is_empty())
            .map_or(&[], Vec::as_slice)
    }

    /// The first key for `action` in `ctx`, as written in config files;
    /// empty if unbound.
    pub(crate) fn first_key(&self, ctx: Context, action: Action) -> String {
        self.keys(ctx, action).first().map_or(String::new(), ToString::to_string)
    }

    /// The keys for `action` in `ctx` as a dialog writes them: `y/enter`
    /// (a capital that only repeats a lower-case key is left out).
    pub(crate) fn keys_text(&self, ctx: Context, action: Action) -> String {
        let keys: Vec<String> = self.keys(ctx, action).iter().map(ToString::to_string).collect();
        let shown: Vec<&str> = keys
            .iter()
            .filter(|k| {
                let lower = k.to_lowercase();
                k.chars().count() != 1 || lower == **k || !keys.contains(&lower)
            })
            .map(String::as_str)
            .collect();
        shown.join("/")
    }

    /// The help overlay for `ctx`: its own bindings, then (on a screen) the
    /// global ones.
    pub fn help(&self, ctx: Context) -> Vec<HelpEntry> {
        let mut entries = Vec::new();
        for context in searched(ctx) {
            let Some(actions) = self.bindings.get(&context) else { continue };
            for (action, keys) in actions.iter().filter(|(_, keys)| !keys.is_empty()) {
                entries.push(HelpEntry {
                    keys: keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    description: action.description(),
                    context,
                    action: *action,
                });
            }
        }
        entries
    }

    /// A compact footer such as `q quit  ? help  a add`, in the order given,
    /// skipping actions that have no key.
    pub fn hint(&self, ctx: Context, actions: &[Action]) -> String {
        actions
            .iter()
            .filter_map(|&a| Some(format!("{} {}", self.keys(ctx, a).first()?, a.label())))
            .collect::<Vec<_>>()
            .join("  ")
    }
}

/// The contexts a key is looked up in, in order: the context itself, then
/// Global for a screen.
fn searched(ctx: Context) -> impl Iterator<Item = Context> {
    std::iter::once(ctx).chain(ctx.is_screen().then_some(Context::Global))
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::default_map()
    }
}

fn apply(bindings: &mut Bindings, table: &KeymapOverrides) -> Result<(), KeymapError> {
    for (context_name, actions) in table {
        let context = Context::from_name(context_name)
            .ok_or_else(|| KeymapError::UnknownContext { context: context_name.clone() })?;
        for (action_name, keys) in actions {
            let action =
                Action::from_name(action_name).ok_or_else(|| KeymapError::UnknownAction {
                    context: context_name.clone(),
                    action: action_name.clone(),
                })?;
            let mut parsed: Vec<KeyBinding> = Vec::with_capacity(keys.len());
            for key in keys {
                let binding = key.parse().map_err(|reason| KeymapError::BadKey {
                    context: context_name.clone(),
                    action: action_name.clone(),
                    key: key.clone(),
                    reason,
                })?;
                if !parsed.contains(&binding) {
                    parsed.push(binding);
                }
            }
            bindings.entry(context).or_default().insert(action, parsed);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
