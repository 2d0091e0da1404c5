//! The undo window (`review.undo_secs`): a decision is written to the outbox
//! at once, held there for a few seconds, and `u` takes it back before it
//! is sent. The outbox decides what was still held (one statement against
//! the sender), so a decision is either taken back or sent, never both.

use std::time::Instant;

use super::{App, Tab};
use crate::event::Effect;
use crate::outbox::{Action, Batch};
use crate::protocol::{Id, ValidationStatus};

/// A decision waiting out its undo window: what `u` would take back.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The outbox items' Idempotency-Keys.
    pub keys: Vec<String>,
    pub actions: Vec<Action>,
    /// When the window closes and the sender takes it.
    pub until: Instant,
    /// The report the cursor was on when it was decided, to go back to.
    pub cursor_on: Option<Id>,
    /// `u` asked the outbox to take it back; the answer is on its way.
    pub asked: bool,
}

impl Held {
    /// "approving report 17", "approving 3 reports", "2 decisions".
    pub fn label(&self) -> String {
        match self.actions.as_slice() {
            [one] => one.doing(),
            many => {
                let verb = many[0].doing_verb();
                if many.iter().all(|a| a.doing_verb() == verb && a.report().is_some()) {
                    format!("{verb} {} reports", many.len())
                } else {
                    format!("{} decisions", many.len())
                }
            }
        }
    }

    /// Whole seconds left (rounded up), as the footer counts them.
    pub fn secs_left(&self, now: Instant) -> u64 {
        let left = self.until.saturating_duration_since(now);
        left.as_millis().div_ceil(1000) as u64
    }
}

impl App {
    /// How long a decision is held before it is sent (`review.undo_secs`).
    pub fn undo_window(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.settings.review.undo_secs)
    }

    /// The decision `u` would take back now: the newest still held.
    pub fn undoable(&self) -> Option<&Held> {
        self.held.iter().rev().find(|h| h.until > self.now && !h.asked)
    }

    /// Hand decisions to the outbox, held for the undo window.
    pub(super) fn queue(&mut self, actions: Vec<Action>, cursor_on: Option<Id>) -> Effect {
        let hold = self.undo_window();
        let keys: Vec<String> = actions.iter().map(|_| crate::outbox::new_key()).collect();
        self.held.retain(|h| h.until > self.now || h.asked);
        if !hold.is_zero() {
            self.held.push(Held {
                keys: keys.clone(),
                actions: actions.clone(),
                until: self.now + hold,
                cursor_on,
                asked: false,
            });
        }
        Effect::Enqueue(Batch { keys, actions, hold })
    }

    /// `u`: take back the newest decision still held.
    pub(super) fn undo(&mut self, fx: &mut Vec<Effect>) {
        let now = self.now;
        let window = self.undo_window();
        self.held.retain(|h| h.until > now || h.asked);
        match self.held.iter_mut().rev().find(|h| !h.asked) {
            Some(held) => {
                held.asked = true;
                self.message = Some(format!("taking back {}…", held.label()));
                fx.push(Effect::Undo(held.keys.clone()));
            }
            None if window.is_zero() => {
                self.message = Some(
                    "nothing to undo: decisions are sent at once (review.undo_secs = 0)".into(),
                )
            }
            None => self.message = Some("nothing to undo: every decision has been sent".into()),
        }
    }

    /// The outbox's answer to an undo: `taken` are the keys it deleted
    /// before they were sent.
    pub(super) fn undone(
        &mut self,
        asked: &[String],
        taken: &[String],
        fx: &mut Vec<Effect>,
    ) -> bool {
        let Some(at) = self.held.iter().position(|h| h.keys == asked) else {
            return false;
        };
        let held = self.held.remove(at);
        let mut back = 0;
        for (key, action) in held.keys.iter().zip(&held.actions) {
            if !taken.contains(key) {
                continue;
            }
            back += 1;
            if let Some(report) = action.report() {
                self.reports.decide_locally(report, ValidationStatus::Pending, None);
            }
            self.reload(action, fx);
        }
        if let Some(id) = held.cursor_on.clone().filter(|_| back > 0 && self.tab == Tab::Reports)
            && let Some(i) = self.reports.items.iter().position(|r| r.id == id)
        {
            self.reports.selected = i;
        }
        self.message = Some(match (back, held.keys.len()) {
            (0, _) => format!("too late: {} was already sent", held.label()),
            (b, n) if b == n => format!("undone, never sent: {}", held.label()),
            (b, n) => format!("undone {b} of {n}; the rest was already sent"),
        });
        true
    }
}

/// The footer's line for a held decision.
pub fn held_line(held: &Held, now: Instant, undo_key: &str) -> String {
    format!("{} in {}s · {undo_key} undo", held.label(), held.secs_left(now))
}
