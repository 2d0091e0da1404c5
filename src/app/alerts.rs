//! The alert inbox (contract §3, §3b): every alert once, by id, with its
//! state; where it came from (our backend or Alertmanager); the critical
//! toasts, each shown once per alert.
//!
//! An update replaces the row in place. The list is ordered firing first,
//! then acknowledged and snoozed, resolved last; within a group critical
//! before warning before info, newest first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use super::ListFilter;
pub use super::alert_filters::{SeverityFilter, StateFilter, severity_label};
use super::load::Load;
use super::scroll::ScrollState;
use crate::protocol::{Alert, AlertState, Id, Severity, Timestamp};

/// Rows kept; the oldest resolved ones go first.
pub(crate) const MAX_ALERTS: usize = 500;
/// Toasts on screen at once.
pub(crate) const MAX_TOASTS: usize = 3;
/// How long a toast stays up unless dismissed or acted on.
pub(crate) const TOAST: Duration = Duration::from_secs(20);

/// Where an alert lives, which decides how it is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Our backend (§3b): acknowledged with a POST.
    Backend,
    /// Alertmanager: acknowledged with a silence matching these labels.
    Alertmanager(BTreeMap<String, String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub alert: Alert,
    pub origin: Origin,
    /// When this console first heard of it.
    pub seen: Instant,
}

impl AlertRow {
    /// The state as it stands at `wall`: a snooze that ended reads firing.
    pub fn state(&self, wall: Timestamp) -> AlertState {
        match (self.alert.state, self.alert.snoozed_until) {
            (AlertState::Snoozed, Some(until)) if until <= wall => AlertState::Firing,
            (AlertState::Unknown, _) => AlertState::Firing,
            (state, _) => state,
        }
    }

    /// How long it has been going: from `started_at`, else from when this
    /// console first heard of it.
    pub fn age(&self, now: Instant, wall: Timestamp) -> Duration {
        match self.alert.started_at {
            Some(t) => Duration::from_millis(u64::try_from(wall.0 - t.0).unwrap_or(0)),
            None => now.saturating_duration_since(self.seen),
        }
    }
}

/// Alertmanager as the inbox's other source.
#[derive(Debug, Clone, PartialEq)]
pub struct AmSource {
    /// Where it is, for titles (never holds a password).
    pub label: String,
    /// The last poll.
    pub load: Load,
    /// A poll has been taken in: later new alerts are news.
    pub polled: bool,
}

impl AmSource {
    pub fn new(label: String, now: Instant) -> Self {
        let mut load = Load::Idle;
        load.start(now);
        AmSource { label, load, polled: false }
    }
}

/// A critical alert's toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: Id,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alerts {
    rows: Vec<AlertRow>,
    /// The selected alert, followed by id as rows move.
    pub selected: Option<Id>,
    pub state_filter: StateFilter,
    pub severity_filter: SeverityFilter,
    /// `/`: words the rows shown hold, besides the state and severity.
    pub filter: ListFilter,
    /// The list fetch from our backend (§3b).
    pub load: Load,
    /// Our backend answered 404 for §3b: alerts come from the feed only.
    pub unavailable: bool,
    /// Alertmanager, when configured.
    pub am: Option<AmSource>,
    pub scroll: ScrollState,
    /// Newest first, at most [`MAX_TOASTS`].
    pub toasts: Vec<Toast>,
    /// The toast `n` focused: its keys act on its alert.
    pub focus: Option<Id>,
    /// Every alert that has had its toast: never twice.
    toasted: HashSet<Id>,
}

/// Order of the groups: firing, then acknowledged and snoozed, resolved.
fn group(state: AlertState) -> u8 {
    match state {
        AlertState::Firing | AlertState::Unknown => 0,
        AlertState::Acknowledged | AlertState::Snoozed => 1,
        AlertState::Resolved => 2,
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::Warning => 1,
        _ => 2,
    }
}

impl Alerts {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, id: &Id) -> Option<&AlertRow> {
        self.rows.iter().find(|r| &r.alert.id == id)
    }

    pub(crate) fn get_mut(&mut self, id: &Id) -> Option<&mut AlertRow> {
        self.rows.iter_mut().find(|r| &r.alert.id == id)
    }

    /// Put `alert` in its row, or add a row. Returns true when it is new.
    pub(crate) fn upsert(&mut self, alert: Alert, origin: Origin, now: Instant) -> bool {
        if let Some(row) = self.get_mut(&alert.id) {
            row.alert = alert;
            row.origin = origin;
            return false;
        }
        self.rows.push(AlertRow { alert, origin, seen: now });
        self.trim();
        true
    }

    /// A live `alert` message: listed once; a new critical one that is
    /// firing gets its toast. Returns true when it deserves a notification.
    pub(crate) fn on_live(&mut self, alert: Alert, now: Instant, wall: Timestamp) -> bool {
        let id = alert.id.clone();
        let new = self.upsert(alert, Origin::Backend, now);
        new && self.toast(&id, now, wall)
    }

    /// Show the toast of a new critical, firing alert, once per alert.
    /// Returns true when a toast was raised.
    pub(crate) fn toast(&mut self, id: &Id, now: Instant, wall: Timestamp) -> bool {
        let Some(row) = self.get(id) else { return false };
        if row.alert.severity != Severity::Critical
            || row.state(wall) != AlertState::Firing
            || !self.toasted.insert(id.clone())
        {
            return false;
        }
        self.toasts.insert(0, Toast { id: id.clone(), at: now });
        self.toasts.truncate(MAX_TOASTS);
        true
    }

    /// The toasts to show: recent ones whose alert is still firing.
    pub fn live_toasts(&self, now: Instant, wall: Timestamp) -> Vec<&AlertRow> {
        self.toasts
            .iter()
            .filter(|t| {
                now.saturating_duration_since(t.at) < TOAST || self.focus.as_ref() == Some(&t.id)
            })
            .filter_map(|t| self.get(&t.id))
            .filter(|r| r.state(wall) == AlertState::Firing)
            .collect()
    }

    /// Take a toast down (all of them with `None`).
    pub fn dismiss(&mut self, id: Option<&Id>) {
        match id {
            Some(id) => self.toasts.retain(|t| &t.id != id),
            None => self.toasts.clear(),
        }
    }

    /// The answer to a list fetch (§3b): each alert in its row. Rows the
    /// answer does not name are left alone (a live message may be newer).
    pub(crate) fn apply_list(&mut self, alerts: Vec<Alert>, now: Instant) {
        self.upsert_all(alerts.into_iter().map(|a| (a, Origin::Backend)), now);
        self.load.succeed(now);
        self.unavailable = false;
    }

    /// A poll of Alertmanager: every alert it holds in its row; an
    /// Alertmanager alert no longer held has resolved. New critical ones
    /// get a toast unless this is the first poll (they are not news).
    /// Returns the alerts that deserve a notification.
    pub(crate) fn apply_poll(
        &mut self,
        polled: Vec<(Alert, BTreeMap<String, String>)>,
        first: bool,
        now: Instant,
        wall: Timestamp,
    ) -> Vec<Id> {
        let held: HashSet<Id> = polled.iter().map(|(a, _)| a.id.clone()).collect();
        for row in &mut self.rows {
            if matches!(row.origin, Origin::Alertmanager(_))
                && !held.contains(&row.alert.id)
                && row.alert.state != AlertState::Resolved
            {
                row.alert.state = AlertState::Resolved;
                row.alert.resolved_at = Some(wall);
            }
        }
        let added =
            self.upsert_all(polled.into_iter().map(|(a, l)| (a, Origin::Alertmanager(l))), now);
        let mut news = Vec::new();
        for id in added {
            if first {
                self.toasted.insert(id);
            } else if self.toast(&id, now, wall) {
                news.push(id);
            }
        }
        news
    }

    /// [`Alerts::upsert`] for a batch, finding rows through one index
    /// instead of a search each (a poll is hundreds). Returns the ids added.
    fn upsert_all(
        &mut self,
        batch: impl Iterator<Item = (Alert, Origin)>,
        now: Instant,
    ) -> Vec<Id> {
        let mut at: HashMap<Id, usize> =
            self.rows.iter().enumerate().map(|(i, r)| (r.alert.id.clone(), i)).collect();
        let mut added = Vec::new();
        for (alert, origin) in batch {
            match at.get(&alert.id) {
                Some(&i) => {
                    self.rows[i].alert = alert;
                    self.rows[i].origin = origin;
                }
                None => {
                    at.insert(alert.id.clone(), self.rows.len());
                    added.push(alert.id.clone());
                    self.rows.push(AlertRow { alert, origin, seen: now });
                }
            }
        }
        let before = self.rows.len();
        self.trim();
        if self.rows.len() < before {
            let kept: HashSet<&Id> = self.rows.iter().map(|r| &r.alert.id).collect();
            added.retain(|id| kept.contains(id));
        }
        added
    }

    /// The rows the Alerts tab shows: those every filter admits (state,
    /// severity and the words), in inbox order.
    pub fn visible(&self, wall: Timestamp) -> Vec<&AlertRow> {
        let mut rows = self.admitted(wall);
        rows.retain(|r| r.matches(&self.filter));
        rows
    }

    /// The rows the state and severity filters admit, in inbox order (the
    /// Status tab's panel: the words typed on the Alerts tab stay there).
    pub fn admitted(&self, wall: Timestamp) -> Vec<&AlertRow> {
        let mut rows: Vec<&AlertRow> = self
            .rows
            .iter()
            .filter(|r| self.state_filter.admits(r.state(wall)))
            .filter(|r| self.severity_filter.admits(r.alert.severity))
            .collect();
        rows.sort_by_key(|r| {
            let started = r.alert.started_at.map_or(0, |t| t.0);
            (group(r.state(wall)), severity_rank(r.alert.severity), std::cmp::Reverse(started))
        });
        rows
    }

    /// The cursor's row in `visible` (the first when the selected alert is
    /// not shown).
    pub fn cursor(&self, visible: &[&AlertRow]) -> usize {
        self.selected
            .as_ref()
            .and_then(|id| visible.iter().position(|r| &r.alert.id == id))
            .unwrap_or(0)
    }

    /// The selected row, if the list shows any.
    pub fn selected_row(&self, wall: Timestamp) -> Option<&AlertRow> {
        let visible = self.visible(wall);
        visible.get(self.cursor(&visible)).copied()
    }

    pub(crate) fn move_selection(&mut self, delta: isize, wall: Timestamp) {
        let visible = self.visible(wall);
        let at = super::step(self.cursor(&visible), delta, visible.len());
        self.selected = visible.get(at).map(|r| r.alert.id.clone());
    }

    /// Select whatever is now at row `at` (after the selected row moved
    /// away, say by being acknowledged): the cursor stays where it was.
    pub(crate) fn select_at(&mut self, at: usize, wall: Timestamp) {
        let visible = self.visible(wall);
        let at = at.min(visible.len().saturating_sub(1));
        self.selected = visible.get(at).map(|r| r.alert.id.clone());
    }

    /// Firing, acknowledged and snoozed counts.
    pub fn counts(&self, wall: Timestamp) -> (usize, usize, usize) {
        let count = |s| self.rows.iter().filter(|r| r.state(wall) == s).count();
        (count(AlertState::Firing), count(AlertState::Acknowledged), count(AlertState::Snoozed))
    }

    /// Critical alerts firing (nobody has acknowledged or snoozed them).
    pub fn firing_critical(&self, wall: Timestamp) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                r.alert.severity == Severity::Critical && r.state(wall) == AlertState::Firing
            })
            .count()
    }

    /// Drop the oldest resolved rows, then the oldest of any, past the cap.
    fn trim(&mut self) {
        while self.rows.len() > MAX_ALERTS {
            let victim = self
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.alert.state == AlertState::Resolved)
                .min_by_key(|(_, r)| r.seen)
                .or_else(|| self.rows.iter().enumerate().min_by_key(|(_, r)| r.seen))
                .map(|(i, _)| i);
            match victim {
                Some(i) => {
                    self.rows.swap_remove(i);
                }
                None => return,
            }
        }
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
