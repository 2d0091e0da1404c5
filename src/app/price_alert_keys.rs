//! Price alerts on Markets: `t` sets one on the selected symbol (a one-line
//! entry: `above 155`, `below 150`, `+2%`, `-2%`), `T` lists them (armed
//! and fired; `d` removes one), and each received price is judged against
//! the armed ones. A crossing fires once: a toast, the bell and a desktop
//! notification. Only prices that arrive from the feed are judged, so a
//! stale or disconnected feed never fires one, and a crossing that
//! happened while the feed was away fires only if the price is across
//! when it comes back.

use std::time::{Duration, Instant};

use super::review::{Modal, Purpose, TextEntry};
use super::{App, Effect};
use crate::keymap::Action;
use crate::notify::Notification;
use crate::price_alerts::PriceAlert;
use crate::protocol::PriceUpdate;

/// How long a fired alert's toast stays up unless dismissed.
const PRICE_TOAST: Duration = Duration::from_secs(20);
/// Price toasts on screen at once.
const MAX_PRICE_TOASTS: usize = 3;

/// A fired price alert, said in a toast.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceToast {
    pub text: String,
    /// Crossed upwards (else downwards).
    pub up: bool,
    pub at: Instant,
}

impl App {
    /// A Markets key about price alerts or holdings; None when it is not one.
    pub(super) fn on_price_alert_action(
        &mut self,
        action: Action,
        _fx: &mut Vec<Effect>,
    ) -> Option<bool> {
        match action {
            Action::SetAlert => {
                let sym = self.markets.selected_symbol()?;
                let now = self.live_price(&sym).map_or_else(
                    || "no live price".to_owned(),
                    |p| format!("now {}", crate::format::price(Some(p))),
                );
                // Fits the entry at 80 columns with a long symbol and price.
                let title = format!("Price alert on {sym} · {now} · above 155, below 150, +2%");
                self.modal = Some(Modal::text(TextEntry::new(
                    title,
                    Purpose::PriceAlert(sym),
                    false,
                    true,
                    "",
                )));
            }
            Action::PriceAlerts => self.modal = Some(Modal::PriceAlerts { selected: 0 }),
            Action::TogglePrivate => {
                let m = &mut self.markets;
                m.private = !m.private;
                self.message = Some(
                    if m.private { "holdings hidden (private)" } else { "holdings shown" }.into(),
                );
            }
            _ => return None,
        }
        Some(true)
    }

    /// The last price of `symbol` if it is live (received, not stale).
    fn live_price(&self, symbol: &str) -> Option<f64> {
        let q = self.markets.quotes.get(symbol)?;
        if q.is_stale(self.now, self.settings.prices_stale_after) { None } else { q.last }
    }

    /// The rule typed for `symbol`: armed and saved, or refused with why.
    pub(super) fn submit_price_alert(
        &mut self,
        symbol: &str,
        text: &str,
        fx: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let price = self.live_price(symbol);
        let a = self.price_alerts.add(symbol, text, price, self.wall_utc())?;
        self.message = Some(format!("price alert set: {}", crate::price_alerts::describe(a)));
        fx.push(Effect::SavePriceAlerts(self.price_alerts.all().to_vec()));
        Ok(())
    }

    /// Judge received prices against the armed alerts.
    pub(super) fn judge_prices(&mut self, updates: &[PriceUpdate], fx: &mut Vec<Effect>) {
        if self.price_alerts.is_empty() {
            return;
        }
        let wall = self.wall_utc();
        let mut fired = Vec::new();
        for u in updates {
            if let Some(p) = u.price {
                fired.extend(self.price_alerts.on_price(&u.symbol, p, wall));
            }
        }
        if fired.is_empty() {
            return;
        }
        for a in &fired {
            self.price_fired(a, fx);
        }
        fx.push(Effect::SavePriceAlerts(self.price_alerts.all().to_vec()));
    }

    fn price_fired(&mut self, a: &PriceAlert, fx: &mut Vec<Effect>) {
        let text =
            crate::price_alerts::fired_text(a).unwrap_or_else(|| crate::price_alerts::describe(a));
        let up = a.direction == crate::price_alerts::Direction::Above;
        self.price_toasts.insert(0, PriceToast { text: text.clone(), up, at: self.now });
        self.price_toasts.truncate(MAX_PRICE_TOASTS);
        self.message = Some(text.clone());
        self.notify(
            self.settings.notify.prices,
            Notification::new(format!("Meridian: {}", a.symbol), text),
            fx,
        );
    }

    /// The toasts of fired price alerts still up.
    pub fn live_price_toasts(&self) -> impl Iterator<Item = &PriceToast> {
        self.price_toasts.iter().filter(|t| self.now.saturating_duration_since(t.at) < PRICE_TOAST)
    }

    /// The price alerts' list: move, remove, close.
    pub(super) fn on_price_alerts_view(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        let Some(Modal::PriceAlerts { selected }) = self.modal.take() else { return false };
        let order = self.price_alerts.display_order();
        let last = order.len().saturating_sub(1);
        let selected = selected.min(last);
        self.modal = match action {
            Action::Back => None,
            Action::Up => Some(Modal::PriceAlerts { selected: selected.saturating_sub(1) }),
            Action::Down => Some(Modal::PriceAlerts { selected: (selected + 1).min(last) }),
            Action::RemoveAlert => {
                if let Some(removed) =
                    order.get(selected).and_then(|id| self.price_alerts.remove(*id))
                {
                    self.message =
                        Some(format!("removed {}", crate::price_alerts::describe(&removed)));
                    fx.push(Effect::SavePriceAlerts(self.price_alerts.all().to_vec()));
                }
                Some(Modal::PriceAlerts { selected: selected.min(order.len().saturating_sub(2)) })
            }
            _ => Some(Modal::PriceAlerts { selected }),
        };
        true
    }

    /// The wall clock as chrono's.
    pub fn wall_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.wall.millis()).unwrap_or_default()
    }
}
