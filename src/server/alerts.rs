//! The alerts the simulation raised, with their state (§3b): firing until
//! their source recovers, acknowledged or snoozed by a user, resolved. An
//! info alert is a notice and is resolved as it is raised; a "recovered"
//! notice resolves what its source had firing.

use std::collections::VecDeque;

use crate::protocol::{Alert, AlertState, Id, Severity, Timestamp};

/// Alerts kept, oldest dropped first.
const KEEP: usize = 1000;

/// What an acknowledge or snooze did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// The alert changed; broadcast it.
    Changed(Alert),
    /// Nothing to do (acknowledged twice); the alert as it is.
    Unchanged(Alert),
    /// The alert is resolved: the request conflicts with it.
    Resolved(Alert),
    NotFound,
}

#[derive(Debug, Default)]
pub(crate) struct AlertBook {
    /// Oldest first.
    alerts: VecDeque<Alert>,
}

// Severity, title, message, source, started and resolved (minutes ago).
type Past = (Severity, &'static str, &'static str, &'static str, i64, Option<i64>);
const PAST: [Past; 6] = [
    (
        Severity::Critical,
        "postgres is down",
        "primary unreachable; failed over to the replica in 4 min",
        "postgres",
        340,
        Some(322),
    ),
    (
        Severity::Warning,
        "api-gateway is degraded",
        "latency above SLO; p99 1.2 s",
        "api-gateway",
        250,
        Some(231),
    ),
    (
        Severity::Info,
        "Nightly reconciliation finished",
        "Reconciliation completed; queue depth 12",
        "scheduler",
        200,
        None,
    ),
    (
        Severity::Warning,
        "kafka is degraded",
        "consumer lag above 50k on trades",
        "kafka",
        130,
        Some(118),
    ),
    (
        Severity::Warning,
        "disk /var 91% full on batch-2",
        "log rotation is behind; 6 GB left",
        "batch-2",
        95,
        None,
    ),
    (
        Severity::Warning,
        "TLS certificate expires in 9 days",
        "api.meridian.example: renew before the 11th",
        "cert-watch",
        40,
        None,
    ),
];

/// Minutes, in milliseconds.
const MIN: i64 = 60_000;

impl AlertBook {
    /// The inbox a fresh server opens with: the last hours' incidents,
    /// resolved, and two that someone is on (one acknowledged with a note,
    /// one snoozed), so the demo shows an inbox, not an empty list.
    pub(crate) fn with_history(now: Timestamp) -> Self {
        let mut book = AlertBook::default();
        let at = |min: i64| Timestamp(now.0 - min * MIN);
        for (i, (severity, title, message, source, started, resolved)) in
            PAST.into_iter().enumerate()
        {
            let mut a = Alert {
                id: Id(format!("alert-h{}", i + 1)),
                severity,
                title: title.into(),
                message: message.into(),
                source: source.into(),
                started_at: Some(at(started)),
                ..Alert::default()
            };
            book.raise(&mut a, at(started));
            if let Some(r) = resolved {
                let mut recovered = Alert {
                    id: Id(format!("alert-h{}r", i + 1)),
                    severity: Severity::Info,
                    title: format!("{source} recovered"),
                    source: source.into(),
                    ..Alert::default()
                };
                book.raise(&mut recovered, at(r));
            }
        }
        book.ack("alert-h5", "ana", Some("rotating logs by hand; ticket OPS-412".into()), at(80));
        book.snooze("alert-h6", at(-24 * 60), at(35));
        book
    }

    /// Keep a newly raised alert, setting its state as kept. Returns the
    /// alerts it resolved.
    pub(crate) fn raise(&mut self, alert: &mut Alert, now: Timestamp) -> Vec<Alert> {
        let mut resolved = Vec::new();
        if alert.severity == Severity::Info {
            for a in self.alerts.iter_mut().filter(|a| a.source == alert.source) {
                if a.state != AlertState::Resolved && a.severity != Severity::Info {
                    a.state = AlertState::Resolved;
                    a.resolved_at = Some(now);
                    resolved.push(a.clone());
                }
            }
            alert.state = AlertState::Resolved;
            alert.resolved_at = Some(now);
        }
        alert.started_at = alert.started_at.or(Some(now));
        self.alerts.push_back(alert.clone());
        if self.alerts.len() > KEEP {
            self.alerts.pop_front();
        }
        resolved
    }

    /// Newest first, at most `limit`; `all` adds the resolved ones. A snooze
    /// that has ended reads as firing again.
    pub(crate) fn list(&self, all: bool, limit: usize, now: Timestamp) -> Vec<Alert> {
        self.alerts
            .iter()
            .rev()
            .map(|a| effective(a, now))
            .filter(|a| all || a.state != AlertState::Resolved)
            .take(limit)
            .collect()
    }

    /// `who` acknowledges alert `id`, with an optional note.
    pub(crate) fn ack(
        &mut self,
        id: &str,
        who: &str,
        note: Option<String>,
        now: Timestamp,
    ) -> Outcome {
        self.change(id, now, |a| match a.state {
            AlertState::Acknowledged => false,
            _ => {
                a.state = AlertState::Acknowledged;
                a.acked_by = Some(who.to_owned());
                a.acked_at = Some(now);
                a.ack_note = note;
                a.snoozed_until = None;
                true
            }
        })
    }

    /// Snooze alert `id` until `until`.
    pub(crate) fn snooze(&mut self, id: &str, until: Timestamp, now: Timestamp) -> Outcome {
        self.change(id, now, |a| {
            a.state = AlertState::Snoozed;
            a.snoozed_until = Some(until);
            true
        })
    }

    fn change(&mut self, id: &str, now: Timestamp, f: impl FnOnce(&mut Alert) -> bool) -> Outcome {
        let Some(a) = self.alerts.iter_mut().find(|a| a.id.as_str() == id) else {
            return Outcome::NotFound;
        };
        *a = effective(a, now);
        if a.state == AlertState::Resolved {
            return Outcome::Resolved(a.clone());
        }
        if f(a) { Outcome::Changed(a.clone()) } else { Outcome::Unchanged(a.clone()) }
    }
}

/// The alert as it stands at `now`: a snooze that ended is firing again.
fn effective(a: &Alert, now: Timestamp) -> Alert {
    let mut a = a.clone();
    if a.state == AlertState::Snoozed && a.snoozed_until.is_none_or(|u| u <= now) {
        a.state = AlertState::Firing;
        a.snoozed_until = None;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Id;

    const NOW: Timestamp = Timestamp(1_705_660_200_000);

    fn alert(id: &str, severity: Severity, source: &str) -> Alert {
        Alert { id: Id(id.into()), severity, source: source.into(), ..Alert::default() }
    }

    #[test]
    fn a_fresh_server_opens_with_an_inbox_of_the_last_hours() {
        let book = AlertBook::with_history(NOW);
        let active = book.list(false, 50, NOW);
        let states: Vec<(&str, AlertState)> =
            active.iter().map(|a| (a.id.as_str(), a.state)).collect();
        assert_eq!(
            states,
            [("alert-h6", AlertState::Snoozed), ("alert-h5", AlertState::Acknowledged)]
        );
        assert_eq!(active[1].acked_by.as_deref(), Some("ana"));
        let all = book.list(true, 50, NOW);
        assert!(all.iter().any(|a| a.severity == Severity::Critical
            && a.state == AlertState::Resolved
            && a.resolved_at.is_some()));
        assert!(all.iter().all(|a| a.started_at.is_some_and(|t| t < NOW)));
    }

    #[test]
    fn a_recovery_resolves_what_its_source_had_firing() {
        let mut book = AlertBook::default();
        book.raise(&mut alert("1", Severity::Critical, "db"), NOW);
        book.raise(&mut alert("2", Severity::Warning, "api"), NOW);
        let resolved = book.raise(&mut alert("3", Severity::Info, "db"), NOW);
        assert_eq!(resolved.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec!["1"]);
        let active: Vec<_> = book.list(false, 10, NOW).into_iter().map(|a| a.id.0).collect();
        assert_eq!(active, vec!["2"], "the notice and the recovered alert are resolved");
        assert_eq!(book.list(true, 10, NOW).len(), 3);
        assert_eq!(book.list(true, 1, NOW)[0].id.as_str(), "3", "newest first");
    }

    #[test]
    fn acknowledging_twice_changes_nothing_and_a_resolved_alert_conflicts() {
        let mut book = AlertBook::default();
        book.raise(&mut alert("1", Severity::Critical, "db"), NOW);
        let Outcome::Changed(a) = book.ack("1", "ana", Some("on it".into()), NOW) else {
            panic!("first ack changes the alert")
        };
        assert_eq!((a.state, a.acked_by.as_deref()), (AlertState::Acknowledged, Some("ana")));
        assert!(
            matches!(book.ack("1", "bo", None, NOW), Outcome::Unchanged(a) if a.acked_by.as_deref() == Some("ana"))
        );
        book.raise(&mut alert("2", Severity::Info, "db"), NOW);
        assert!(matches!(book.ack("1", "ana", None, NOW), Outcome::Resolved(_)));
        assert!(matches!(book.snooze("1", NOW, NOW), Outcome::Resolved(_)));
        assert_eq!(book.ack("9", "ana", None, NOW), Outcome::NotFound);
    }

    #[test]
    fn a_snooze_that_ended_reads_as_firing() {
        let mut book = AlertBook::default();
        book.raise(&mut alert("1", Severity::Warning, "db"), NOW);
        let until = Timestamp(NOW.0 + 60_000);
        assert!(matches!(book.snooze("1", until, NOW), Outcome::Changed(_)));
        assert_eq!(book.list(false, 10, NOW)[0].state, AlertState::Snoozed);
        let later = Timestamp(NOW.0 + 60_000);
        assert_eq!(book.list(false, 10, later)[0].state, AlertState::Firing);
    }
}
