//! `y`: the selected row's identity to the clipboard of the person at the
//! keyboard (OSC 52 through the terminal, so over SSH too): a report's id
//! and account, a symbol and its last price, an alert's id and title, an
//! insight's title. The footer says what was copied.

use super::{App, Effect, Tab};

impl App {
    /// Copy the selected row's identity, or say why nothing was copied.
    pub(super) fn copy_selected(&mut self, fx: &mut Vec<Effect>) {
        if !self.settings.clipboard {
            self.message = Some("copying is off (ui.clipboard = false)".into());
            return;
        }
        match self.selected_identity() {
            Some(text) => {
                self.message = Some(format!("copied {text}"));
                fx.push(Effect::Copy(text));
            }
            None => self.message = Some("nothing selected to copy".into()),
        }
    }

    /// What identifies the selected row of the tab shown.
    fn selected_identity(&self) -> Option<String> {
        match self.tab {
            Tab::Reports => {
                let r = self.copied_report()?;
                Some(format!("{} {}", r.id, r.account_number).trim().to_owned())
            }
            Tab::Markets => {
                let sym = self.markets.selected_symbol()?;
                let last = self.markets.quotes.get(&sym).and_then(|q| q.last);
                Some(match last {
                    Some(p) => format!("{sym} {}", crate::format::price(Some(p))),
                    None => sym,
                })
            }
            Tab::Alerts => {
                let row = self.alerts.selected_row(self.wall)?;
                Some(format!("{} {}", row.alert.id, row.alert.title))
            }
            Tab::Insights => Some(self.insights.selected_item()?.title.clone()),
            Tab::Status | Tab::Metrics => None,
        }
    }
}
