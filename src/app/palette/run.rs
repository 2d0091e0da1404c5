//! Running a command: an action not offered on this tab is refused saying
//! where it works; without an argument the action does what its key does;
//! with one, it goes where the key would have asked for it (the action's
//! own prompt is filled in and sent, so its own checks and errors apply).
//! The palette's own actions (`palette`, `theme`, `read_only`) are here
//! too: they are keys as well as commands.

use ratatui_textarea::TextArea;

use super::commands::{TAKES_ARGUMENT, display_name};
use crate::app::{App, Modal, Tab};
use crate::event::Effect;
use crate::keymap::{Action, Context};
use crate::theme::Theme;

/// Why decisions are refused once read-only is turned on in the session;
/// only then does `read_only` turn it off again.
const READ_ONLY_SESSION: &str = "turned on for this session (:read-only again turns it off)";

impl App {
    /// An action on a tab, from its key or from the palette (the router
    /// has checked that it works here).
    pub(in crate::app) fn on_tab_action(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        match action {
            Action::Palette => {
                self.message = None;
                self.open_palette();
            }
            Action::Theme => self.next_theme(),
            Action::ReadOnly => self.toggle_read_only(),
            _ => return self.on_action(action, fx),
        }
        true
    }

    /// An action on the screen under the palette, as its key there would
    /// do it: the report detail's while one is open, else the tab's.
    fn on_screen_action(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        if self.report_detail_open() {
            self.on_report_detail(action, fx)
        } else {
            self.on_tab_action(action, fx)
        }
    }

    /// Run `action` with `arg` (empty: none) as the palette's command.
    pub(super) fn run_command(
        &mut self,
        action: Action,
        arg: &str,
        fx: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let name = display_name(action);
        if !self.screen_context().offers(action) {
            return Err(self.not_here(action));
        }
        if arg.is_empty() {
            if !self.on_screen_action(action, fx) && self.message.is_none() {
                self.message = Some(format!("{name}: nothing to do here"));
            }
            return Ok(());
        }
        if !TAKES_ARGUMENT.contains(&action) {
            return Err(format!("{name} takes no argument (“{arg}”)"));
        }
        match action {
            Action::Theme => self.set_theme(arg),
            Action::Rate => self.rate_now(arg, fx),
            Action::RemoveSymbol => self.remove_named(arg, fx),
            _ => self.run_with_text(action, arg, fx),
        }
    }

    /// Why `action` cannot run on this tab, and where it can.
    fn not_here(&self, action: Action) -> String {
        let name = display_name(action);
        let tabs: Vec<&str> =
            Tab::ALL.iter().filter(|t| t.context().offers(action)).map(|t| t.title()).collect();
        let works = if tabs.is_empty() {
            let layers: Vec<&str> = Context::offering(action).iter().map(|c| c.name()).collect();
            format!("it works in: {}", layers.join(", "))
        } else {
            format!("it works on {}", tabs.join(", "))
        };
        format!("{name}: not available on {} ({works})", self.tab.title())
    }

    /// Do what the action's key does, then give `arg` to the prompt it
    /// opened and send it: the prompt's own checks decide.
    fn run_with_text(
        &mut self,
        action: Action,
        arg: &str,
        fx: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let name = display_name(action);
        self.on_action(action, fx);
        if self.markets.input.is_some() {
            self.markets.input = Some(arg.to_owned());
            self.add_typed_symbol(fx);
            return match self.markets.input.take() {
                None => Ok(()),
                Some(_) => Err(self.markets.input_error.take().unwrap_or_default()),
            };
        }
        match self.modal.take() {
            Some(Modal::Text(mut entry)) => {
                entry.editor = TextArea::new(vec![arg.to_owned()]);
                match self.submit_entry(entry, fx) {
                    None => Ok(()),
                    Some(Modal::Text(refused)) => Err(refused.error.unwrap_or_default()),
                    Some(next) => {
                        self.modal = Some(next);
                        Ok(())
                    }
                }
            }
            Some(_) => Err(format!("{name} takes no argument here")),
            // Refused before asking (read-only, nothing selected): it said why.
            None => Err(self.message.take().unwrap_or_else(|| format!("{name}: nothing selected"))),
        }
    }

    /// `rate 4`: rate the selected insight at once.
    fn rate_now(&mut self, arg: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
        let stars = match arg.parse::<u8>() {
            Ok(n @ 1..=5) => n,
            _ => return Err(format!("rate: 1 to 5 stars, not “{arg}”")),
        };
        self.on_action(Action::Rate, fx);
        match self.modal.take() {
            Some(Modal::Rate { insight, .. }) => {
                self.rate(insight, stars, fx);
                Ok(())
            }
            _ => Err(self.message.take().unwrap_or_else(|| "rate: no insight selected".into())),
        }
    }

    /// `symbol remove NVDA`: select it, then remove it as `d` would.
    fn remove_named(&mut self, arg: &str, fx: &mut Vec<Effect>) -> Result<(), String> {
        let at = self.markets.rows().iter().position(|s| s.eq_ignore_ascii_case(arg));
        match at {
            Some(i) => {
                self.markets.selected = i;
                self.on_action(Action::RemoveSymbol, fx);
                Ok(())
            }
            None if self.markets.symbols.iter().any(|s| s.eq_ignore_ascii_case(arg)) => {
                Err(format!("{arg} is hidden by the watchlist's filter (esc clears it)"))
            }
            None => Err(format!("{arg} is not on the watchlist")),
        }
    }

    /// `theme mono`: draw in that theme from now on (this session).
    fn set_theme(&mut self, name: &str) -> Result<(), String> {
        let theme = Theme::by_name(&name.to_lowercase()).map_err(|e| e.to_string())?;
        self.message = Some(format!("theme: {} (this session; ui.theme keeps one)", theme.name));
        self.palette.theme = Some(theme);
        Ok(())
    }

    /// The theme key, or `theme` alone: the next built-in theme.
    fn next_theme(&mut self) {
        let names = Theme::names();
        let at = names.iter().position(|n| *n == self.palette.theme_name()).unwrap_or(0);
        let next = names[(at + 1) % names.len()];
        if let Err(e) = self.set_theme(next) {
            self.message = Some(e);
        }
    }

    /// Turn read-only on for the session, or off when the session turned
    /// it on. Chosen at start (`--read-only`) or imposed by the server,
    /// it stays, and the message says why.
    fn toggle_read_only(&mut self) {
        self.message = Some(match self.read_only.as_deref() {
            None => {
                self.read_only = Some(READ_ONLY_SESSION.into());
                "read-only: on for this session; nothing is queued until it is turned off".into()
            }
            Some(READ_ONLY_SESSION) => {
                self.read_only = None;
                "read-only: off; decisions are queued again".into()
            }
            Some(why) => format!("read-only stays on: {why}"),
        });
    }
}
