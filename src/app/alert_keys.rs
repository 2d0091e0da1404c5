//! Acting on alerts, from the Alerts tab or from a critical-alert toast:
//! acknowledge (with an optional note) and snooze (for a duration), both
//! queued in the outbox like every other decision; the tab's filters; and
//! the toasts' own keys once `n` focuses them.

use std::time::Duration;

use super::alerts::Origin;
use super::review::{Modal, Purpose, TextEntry};
use super::{App, Tab};
use crate::event::Effect;
use crate::format::parse_duration;
use crate::keymap::Action;
use crate::notify::Notification;
use crate::outbox::{self, ItemStatus};
use crate::protocol::{AlertState, BackfillJob, Id, JobStatus};

impl App {
    /// Actions on the alerts: the toast keys work on every tab, the rest
    /// on the Alerts tab. `None`: not an alert action here.
    pub(super) fn on_alerts_action(&mut self, action: Action) -> Option<bool> {
        let wall = self.wall;
        match action {
            Action::Toasts => {
                let newest =
                    self.alerts.live_toasts(self.now, wall).first().map(|r| r.alert.id.clone());
                if newest.is_none() {
                    self.message = Some("no alert toast is up".into());
                }
                self.alerts.focus = newest;
            }
            Action::Dismiss => {
                self.alerts.dismiss(None);
                self.price_toasts.clear();
            }
            _ if self.tab != Tab::Alerts => return None,
            Action::Ack | Action::Snooze => {
                match self.alerts.selected_row(wall).map(|r| r.alert.id.clone()) {
                    Some(id) if action == Action::Ack => self.begin_ack(id),
                    Some(id) => self.begin_snooze(id),
                    None => self.message = Some("no alert selected".into()),
                }
            }
            Action::StateFilter => {
                self.alerts.state_filter = self.alerts.state_filter.next();
                self.message = Some(format!("alerts: {}", self.alerts.state_filter.label()));
            }
            Action::SeverityFilter => {
                self.alerts.severity_filter = self.alerts.severity_filter.next();
                self.message = Some(format!("alerts: {}", self.alerts.severity_filter.label()));
            }
            _ => return None,
        }
        Some(true)
    }

    /// A new critical alert got its toast: a desktop notification (with
    /// `notify.alerts`) and the bell (with `ui.bell`).
    pub(super) fn alert_raised(&mut self, id: &Id, fx: &mut Vec<Effect>) {
        let Some(a) = self.alerts.get(id).map(|r| &r.alert) else { return };
        let body = [a.message.as_str(), a.source.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let n = Notification::new(format!("CRITICAL: {}", a.title), body);
        self.notify(self.settings.notify.alerts, n, fx);
    }

    /// Backfill jobs that just completed or failed: one notification each
    /// (with `notify.jobs`).
    pub(super) fn jobs_ended(&mut self, jobs: &[BackfillJob], fx: &mut Vec<Effect>) {
        for j in jobs {
            let verb = if j.status == JobStatus::Failed { "failed" } else { "completed" };
            let mut body = format!("{} of {} processed", j.processed, j.total);
            if let Some(e) = &j.last_error {
                body.push_str(&format!(" · {e}"));
            }
            let n = Notification::new(format!("Backfill {} {verb}", j.name), body);
            self.notify(self.settings.notify.jobs, n, fx);
        }
    }

    /// Write `n` as a desktop notification when its kind is on, ringing
    /// the bell too with `ui.bell`.
    pub(crate) fn notify(&self, on: bool, n: Notification, fx: &mut Vec<Effect>) {
        if on {
            fx.push(Effect::Notify(n));
        }
        if self.settings.bell {
            fx.push(Effect::Bell);
        }
    }

    /// A key on the focused toasts.
    pub(super) fn on_toast(&mut self, action: Action) -> bool {
        let Some(id) = self.alerts.focus.clone() else { return false };
        let live: Vec<Id> = self
            .alerts
            .live_toasts(self.now, self.wall)
            .iter()
            .map(|r| r.alert.id.clone())
            .collect();
        let at = live.iter().position(|t| *t == id).unwrap_or(0);
        match action {
            Action::Ack => self.begin_ack(id),
            Action::Snooze => self.begin_snooze(id),
            Action::Open => {
                self.tab = Tab::Alerts;
                self.alerts.state_filter = super::StateFilter::Active;
                // Words typed earlier could hide it, and the cursor with it.
                self.alerts.filter = super::ListFilter::default();
                self.alerts.selected = Some(id);
                self.alerts.focus = None;
            }
            Action::Dismiss => {
                self.alerts.dismiss(Some(&id));
                let rest: Vec<&Id> = live.iter().filter(|t| **t != id).collect();
                self.alerts.focus =
                    rest.get(at.min(rest.len().saturating_sub(1))).map(|t| (*t).clone());
            }
            Action::Back => self.alerts.focus = None,
            Action::Up | Action::Down => {
                let delta = if action == Action::Up { -1 } else { 1 };
                let to = super::step(at, delta, live.len());
                self.alerts.focus = live.get(to).cloned();
            }
            _ => return false,
        }
        true
    }

    /// Whether a decision on this alert is on its way.
    pub(crate) fn alert_pending(&self, id: &Id) -> bool {
        self.undelivered().any(|i| i.status == ItemStatus::Pending && i.action.alert() == Some(id))
    }

    /// Why this alert cannot be acknowledged or snoozed now, if it cannot.
    fn refuse_alert(&self, id: &Id, ack: bool) -> Option<String> {
        let row = self.alerts.get(id)?;
        let title = &row.alert.title;
        let queued = self.undelivered().any(|i| {
            i.status == ItemStatus::Pending
                && i.action.alert() == Some(id)
                && matches!(i.action, outbox::Action::AckAlert { .. }) == ack
        });
        match row.state(self.wall) {
            AlertState::Resolved => Some(format!("“{title}” has resolved: nothing to do")),
            AlertState::Acknowledged if ack => Some(format!(
                "“{title}” is already acknowledged by {}",
                row.alert.acked_by.as_deref().unwrap_or("someone")
            )),
            _ if queued => Some(format!("“{title}”: already queued, see the outbox (o)")),
            _ => None,
        }
    }

    fn begin_ack(&mut self, id: Id) {
        self.begin_alert(id, true);
    }

    fn begin_snooze(&mut self, id: Id) {
        self.begin_alert(id, false);
    }

    fn begin_alert(&mut self, id: Id, ack: bool) {
        self.alerts.focus = None;
        if self.refuse_if_read_only() {
            return;
        }
        if let Some(why) = self.refuse_alert(&id, ack) {
            self.message = Some(why);
            return;
        }
        let Some(title) = self.alerts.get(&id).map(|r| r.alert.title.clone()) else { return };
        let entry = if ack {
            TextEntry::new(
                format!("Acknowledge “{title}”: note (optional)"),
                Purpose::AckNote(id),
                false,
                false,
                "",
            )
        } else {
            TextEntry::new(
                format!("Snooze “{title}” for (30m, 1h, 2h30m, 1d)"),
                Purpose::SnoozeFor(id),
                false,
                true,
                "1h",
            )
        };
        self.modal = Some(Modal::Text(Box::new(entry)));
    }

    /// The text of an acknowledgement or snooze dialog: the decision shows
    /// at once and goes to the outbox; the cursor stays where it was.
    pub(super) fn submit_alert(
        &mut self,
        purpose: Purpose,
        text: String,
        fx: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let wall = self.wall;
        let visible = self.alerts.visible(wall);
        let at = self.alerts.cursor(&visible);
        let (id, until) = match &purpose {
            Purpose::AckNote(id) => (id.clone(), None),
            Purpose::SnoozeFor(id) => (id.clone(), Some(wall.plus(parse_duration(&text)?))),
            _ => return Ok(()),
        };
        let user = self.settings.user.clone();
        let ack_end = wall.plus(Duration::from_secs(u64::from(self.settings.ack_hours) * 3600));
        let Some(row) = self.alerts.get_mut(&id) else {
            return Err("that alert is no longer listed".into());
        };
        let silence = match &row.origin {
            Origin::Backend => None,
            Origin::Alertmanager(labels) => {
                Some(outbox::Silence { labels: labels.clone(), ends_at: until.unwrap_or(ack_end) })
            }
        };
        let a = &mut row.alert;
        let action = match until {
            None => {
                let note = (!text.is_empty()).then_some(text);
                a.state = AlertState::Acknowledged;
                (a.acked_by, a.acked_at, a.ack_note) = (Some(user), Some(wall), note.clone());
                outbox::Action::AckAlert { alert: id, note, silence }
            }
            Some(until) => {
                a.state = AlertState::Snoozed;
                a.snoozed_until = Some(until);
                outbox::Action::SnoozeAlert { alert: id, until, silence }
            }
        };
        self.alerts.select_at(at, wall);
        self.enqueue(vec![action], fx);
        Ok(())
    }
}

#[cfg(test)]
#[path = "alert_keys_tests.rs"]
mod tests;
