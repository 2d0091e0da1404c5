//! The Status tab's state: system health, backfill jobs and alerts.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use super::history::History;
use super::load::Load;
pub use crate::format::{eta_seconds, progress};
use crate::protocol::{Alert, BackfillJob, Severity, SystemStatus};

/// Alerts kept, newest first.
pub(crate) const MAX_ALERTS: usize = 200;
/// How long a critical-alert toast stays up.
pub(crate) const TOAST: Duration = Duration::from_secs(6);

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub system: Option<SystemStatus>,
    pub system_at: Option<Instant>,
    pub jobs: BTreeMap<String, BackfillJob>,
    pub jobs_at: Option<Instant>,
    pub alerts: VecDeque<(Alert, Instant)>,
    pub throughput: History,
    pub queue_depth: History,
    pub error_rate: History,
    pub api_p50: History,
    pub api_p99: History,
    pub cpu: History,
    pub memory: History,
    pub toast: Option<(Alert, Instant)>,
    /// The last fetch of the system status (it also arrives on the feed).
    pub system_load: Load,
    /// The last fetch of the backfill jobs (they also arrive on the feed).
    pub jobs_load: Load,
}

impl Status {
    pub(crate) fn new(history_points: usize) -> Self {
        Status {
            system: None,
            system_at: None,
            jobs: BTreeMap::new(),
            jobs_at: None,
            alerts: VecDeque::new(),
            throughput: History::new(history_points),
            queue_depth: History::new(history_points),
            error_rate: History::new(history_points),
            api_p50: History::new(history_points),
            api_p99: History::new(history_points),
            cpu: History::new(history_points),
            memory: History::new(history_points),
            toast: None,
            system_load: Load::Idle,
            jobs_load: Load::Idle,
        }
    }

    pub(crate) fn set_system(&mut self, s: SystemStatus, now: Instant) {
        self.throughput.push(s.processing.processed_per_sec);
        self.queue_depth.push(s.processing.queue_depth);
        self.error_rate.push(s.processing.error_rate * 100.0);
        self.api_p50.push(s.performance.api_p50_ms);
        self.api_p99.push(s.performance.api_p99_ms);
        self.cpu.push(s.performance.cpu_pct);
        self.memory.push(s.performance.memory_pct);
        self.system = Some(s);
        self.system_at = Some(now);
        self.system_load.refreshed(now);
    }

    /// Whether the system status is older than `stale_after` (or absent).
    pub(crate) fn system_stale(&self, now: Instant, stale_after: Duration) -> bool {
        self.system_at.is_none_or(|t| now.saturating_duration_since(t) > stale_after)
    }

    pub(crate) fn upsert_jobs(
        &mut self,
        jobs: impl IntoIterator<Item = BackfillJob>,
        now: Instant,
    ) {
        for j in jobs {
            self.jobs.insert(j.job_id.clone(), j);
        }
        self.jobs_at = Some(now);
        self.jobs_load.refreshed(now);
    }

    /// Record an alert; returns true when it deserves a toast (critical).
    pub(crate) fn push_alert(&mut self, a: Alert, now: Instant) -> bool {
        let critical = a.severity == Severity::Critical;
        if critical {
            self.toast = Some((a.clone(), now));
        }
        self.alerts.push_front((a, now));
        self.alerts.truncate(MAX_ALERTS);
        critical
    }

    pub(crate) fn toast(&self, now: Instant) -> Option<&Alert> {
        self.toast
            .as_ref()
            .filter(|(_, at)| now.saturating_duration_since(*at) < TOAST)
            .map(|(a, _)| a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_alerts_toast_and_newest_come_first() {
        let now = Instant::now();
        let mut s = Status::new(10);
        let a = |id: &str, severity| Alert {
            id: id.into(),
            severity,
            title: id.into(),
            message: String::new(),
            source: String::new(),
        };
        assert!(!s.push_alert(a("1", Severity::Info), now));
        assert!(s.push_alert(a("2", Severity::Critical), now));
        assert_eq!(s.alerts[0].0.id.as_str(), "2");
        assert!(s.toast(now).is_some());
        assert!(s.toast(now + TOAST).is_none());
    }
}
