//! The Markets tab's own keys: the watchlist (add, remove, sort), the
//! detail, and the chart (time frame, cursor, Esc letting go of the cursor
//! before closing the detail).

use super::{App, Effect};
use crate::keymap::Action;

impl App {
    /// A Markets action; None when it is not one of the tab's own.
    pub(super) fn on_markets_action(
        &mut self,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> Option<bool> {
        let m = &mut self.markets;
        match action {
            Action::Back if self.show_diagnostics => return None,
            Action::Back if m.chart.as_ref().is_some_and(|c| c.cursor.is_some()) => {
                if let Some(c) = m.chart.as_mut() {
                    c.cursor = None;
                }
            }
            Action::Back if m.detail => m.detail = false,
            Action::Back if m.filter.is_active() => {
                self.set_list_filter(super::Tab::Markets, super::ListFilter::default(), fx);
            }
            Action::Filter => self.begin_list_filter(super::Tab::Markets),
            Action::Open => m.detail = m.selected_symbol().is_some(),
            Action::TimeFrame => self.next_time_frame(fx),
            Action::CursorLeft => return Some(self.move_chart_cursor(-1)),
            Action::CursorRight => return Some(self.move_chart_cursor(1)),
            Action::AddSymbol => {
                m.input = Some(String::new());
                m.input_error = None;
            }
            Action::RemoveSymbol => {
                if let Some(sym) = m.remove_selected() {
                    fx.push(Effect::Unsubscribe(sym.clone()));
                    fx.push(Effect::SaveWatchlist(m.symbols.clone()));
                    self.message = Some(format!("removed {sym}"));
                }
            }
            Action::CycleSort => {
                m.sort = m.sort.next();
                self.message = Some(format!("sorted by {}", m.sort.label()));
            }
            _ => return self.on_price_alert_action(action, fx),
        }
        Some(true)
    }

    /// Add the symbol typed in the prompt: the prompt closes, or stays open
    /// saying why the symbol was refused.
    pub(super) fn add_typed_symbol(&mut self, fx: &mut Vec<Effect>) {
        let raw = self.markets.input.clone().unwrap_or_default();
        match self.markets.add(&raw) {
            Ok(Some(sym)) => {
                self.markets.input = None;
                self.message = Some(format!("added {sym}"));
                fx.push(Effect::Subscribe(sym.clone()));
                fx.push(Effect::SaveWatchlist(self.markets.symbols.clone()));
                self.fetch_trends(&[sym], fx);
            }
            Ok(None) => {
                self.markets.input = None;
                self.message = Some(format!(
                    "{} is already on the watchlist",
                    raw.trim().to_ascii_uppercase()
                ));
            }
            Err(e) => self.markets.input_error = Some(e),
        }
    }
}
