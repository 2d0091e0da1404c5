//! The Status tab's state: system health and backfill jobs (its alerts
//! panel reads the inbox, [`super::alerts`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::load::Load;
use super::timeseries::{Aged, MIN_STEP, TimeSeries};
use crate::api::ApiError;
pub use crate::format::{eta_seconds, progress};
use crate::protocol::{
    BackfillJob, JobStatus, MonitoringSample, Performance, Processing, SampleSeries, SystemStatus,
    Timestamp,
};
/// The monitoring history asked for at start and on refresh (§3a).
pub(crate) const HISTORY_MINUTES: u32 = 60;

/// One processing or performance figure of a `system_status` or a §3a
/// sample, as the Status series keep it.
type Pick = fn(&Processing, &Performance) -> f64;

/// The figure each series keeps, in the order of [`Status::series`].
const PICKS: [Pick; 7] = [
    |p, _| p.processed_per_sec,
    |p, _| p.queue_depth,
    |p, _| p.error_rate * 100.0,
    |_, f| f.api_p50_ms,
    |_, f| f.api_p99_ms,
    |_, f| f.cpu_pct,
    |_, f| f.memory_pct,
];

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub system: Option<SystemStatus>,
    pub system_at: Option<Instant>,
    pub jobs: BTreeMap<String, BackfillJob>,
    pub jobs_at: Option<Instant>,
    /// `/`: the jobs shown are those whose id, name or status match.
    pub jobs_filter: super::ListFilter,
    /// Processed per second, one point per step: a second while live only,
    /// [`HISTORY_MINUTES`] over the capacity once history arrived.
    pub throughput: TimeSeries,
    pub queue_depth: TimeSeries,
    /// Error rate in percent.
    pub error_rate: TimeSeries,
    pub api_p50: TimeSeries,
    pub api_p99: TimeSeries,
    pub cpu: TimeSeries,
    pub memory: TimeSeries,
    /// The last fetch of the system status (it also arrives on the feed).
    pub system_load: Load,
    /// The last fetch of the backfill jobs (they also arrive on the feed).
    pub jobs_load: Load,
    /// The last fetch of the monitoring history (§3a).
    pub history_load: Load,
    /// The backend answered 404 for §3a: the series are live only.
    pub history_unavailable: bool,
    /// Monitoring samples the client dropped as malformed, out of order or
    /// impossible, over every history fetch.
    pub samples_rejected: u64,
}

impl Status {
    pub(crate) fn new(history_points: usize) -> Self {
        Status {
            system: None,
            system_at: None,
            jobs: BTreeMap::new(),
            jobs_at: None,
            jobs_filter: super::ListFilter::default(),
            throughput: TimeSeries::new(history_points, MIN_STEP),
            queue_depth: TimeSeries::new(history_points, MIN_STEP),
            error_rate: TimeSeries::new(history_points, MIN_STEP),
            api_p50: TimeSeries::new(history_points, MIN_STEP),
            api_p99: TimeSeries::new(history_points, MIN_STEP),
            cpu: TimeSeries::new(history_points, MIN_STEP),
            memory: TimeSeries::new(history_points, MIN_STEP),
            system_load: Load::Idle,
            jobs_load: Load::Idle,
            history_load: Load::Idle,
            history_unavailable: false,
            samples_rejected: 0,
        }
    }

    /// The series with their names and units, in the order drawn.
    pub fn series(&self) -> [(&'static str, &TimeSeries, &'static str); 7] {
        [
            ("processed/s", &self.throughput, ""),
            ("queue depth", &self.queue_depth, ""),
            ("error rate", &self.error_rate, "%"),
            ("api p50", &self.api_p50, "ms"),
            ("api p99", &self.api_p99, "ms"),
            ("cpu", &self.cpu, "%"),
            ("memory", &self.memory, "%"),
        ]
    }

    fn series_mut(&mut self) -> [&mut TimeSeries; 7] {
        [
            &mut self.throughput,
            &mut self.queue_depth,
            &mut self.error_rate,
            &mut self.api_p50,
            &mut self.api_p99,
            &mut self.cpu,
            &mut self.memory,
        ]
    }

    pub(crate) fn set_system(&mut self, s: SystemStatus, now: Instant) {
        for (series, pick) in self.series_mut().into_iter().zip(PICKS) {
            series.record(pick(&s.processing, &s.performance), now);
        }
        self.system = Some(s);
        self.system_at = Some(now);
        self.system_load.refreshed(now);
    }

    /// A history fetch was sent.
    pub(crate) fn history_requested(&mut self, now: Instant) {
        self.history_load.start(now);
    }

    /// Apply the answer to a history fetch made when the wall clock read
    /// about `wall` at `now`. Samples fill the series before their live
    /// points, at one point per [`history_step`] of this capacity; a 404
    /// leaves them live only and says so once.
    pub(crate) fn apply_history(
        &mut self,
        result: Result<SampleSeries, ApiError>,
        now: Instant,
        wall: Timestamp,
    ) {
        match result {
            Ok(series) => {
                self.samples_rejected += u64::from(series.rejected);
                self.history_unavailable = false;
                self.history_load.succeed(now);
                self.seed(&series.samples, now, wall);
            }
            Err(e) => {
                self.history_unavailable = matches!(e, ApiError::Unavailable { .. });
                self.history_load.fail(now, &e);
            }
        }
    }

    /// Lay `samples` (oldest first) into every series. Without samples the
    /// series keep their step: live only.
    fn seed(&mut self, samples: &[MonitoringSample], now: Instant, wall: Timestamp) {
        if samples.is_empty() {
            return;
        }
        let step = history_step(self.throughput.capacity());
        for (series, pick) in self.series_mut().into_iter().zip(PICKS) {
            let aged: Vec<Aged> = samples
                .iter()
                .map(|s| Aged {
                    age_ms: wall.millis().saturating_sub(s.timestamp.millis()),
                    value: pick(&s.processing, &s.performance),
                })
                .collect();
            series.seed(&aged, step, now);
        }
    }

    /// The jobs the filter shows, by id.
    pub fn shown_jobs(&self) -> Vec<&BackfillJob> {
        let f = &self.jobs_filter;
        self.jobs
            .values()
            .filter(|j| f.matches(&[&j.job_id, &j.name, job_word(j.status)]))
            .collect()
    }

    /// Whether the system status is older than `stale_after` (or absent).
    pub(crate) fn system_stale(&self, now: Instant, stale_after: Duration) -> bool {
        self.system_at.is_none_or(|t| now.saturating_duration_since(t) > stale_after)
    }

    /// Take the jobs' new state. Returns the jobs this update saw finish
    /// (completed or failed after being seen unfinished): news, unlike a
    /// job that was already over when first seen.
    pub(crate) fn upsert_jobs(
        &mut self,
        jobs: impl IntoIterator<Item = BackfillJob>,
        now: Instant,
    ) -> Vec<BackfillJob> {
        let over = |s: JobStatus| matches!(s, JobStatus::Completed | JobStatus::Failed);
        let mut ended = Vec::new();
        for j in jobs {
            let was = self.jobs.get(&j.job_id).map(|old| old.status);
            if over(j.status) && was.is_some_and(|s| !over(s)) {
                ended.push(j.clone());
            }
            self.jobs.insert(j.job_id.clone(), j);
        }
        self.jobs_at = Some(now);
        self.jobs_load.refreshed(now);
        ended
    }
}

/// A job's status as the Status tab shows it.
pub fn job_word(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Running => "running",
        JobStatus::Paused => "paused",
        JobStatus::Failed => "FAILED",
        JobStatus::Completed => "done",
        JobStatus::Pending => "pending",
        JobStatus::Unknown => "unknown",
    }
}

/// The step at which `points` points cover [`HISTORY_MINUTES`] (at least
/// a second).
pub(crate) fn history_step(points: usize) -> Duration {
    let span = Duration::from_secs(u64::from(HISTORY_MINUTES) * 60);
    let points = u32::try_from(points.max(1)).unwrap_or(u32::MAX);
    (span / points).max(MIN_STEP)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::protocol::SampleSeries;

    const WALL: i64 = 1_705_660_245_000;

    /// `n` samples, one every 10 s, the newest at `WALL`; queue depth is
    /// the sample's age in seconds.
    fn samples(n: i64, rejected: u32) -> SampleSeries {
        let samples = (0..n)
            .rev()
            .map(|k| MonitoringSample {
                timestamp: Timestamp(WALL - k * 10_000),
                processing: Processing { queue_depth: (k * 10) as f64, ..Processing::default() },
                performance: Performance { api_p99_ms: 200.0, ..Performance::default() },
            })
            .collect();
        SampleSeries { samples, rejected }
    }

    fn live(queue_depth: f64) -> SystemStatus {
        SystemStatus {
            processing: Processing { queue_depth, ..Processing::default() },
            ..SystemStatus::default()
        }
    }

    #[test]
    fn an_hour_of_samples_fills_every_series_at_the_history_step() {
        let now = Instant::now();
        let mut s = Status::new(120);
        assert_eq!(history_step(120), Duration::from_secs(30));
        s.apply_history(Ok(samples(360, 0)), now, Timestamp(WALL));
        for (name, series, _) in s.series() {
            assert_eq!(series.len(), 120, "{name}");
            assert_eq!(series.step(), Duration::from_secs(30), "{name}");
        }
        let q: Vec<f64> = s.queue_depth.iter().collect();
        assert_eq!(q[119], 0.0);
        assert!(q[..119].windows(2).all(|w| w[0] - w[1] == 30.0), "{q:?}");
        assert_eq!(s.api_p99.last(), Some(200.0));
        assert_eq!(s.history_load, Load::Loaded { at: now });
        assert!(s.system.is_none(), "history is not a current status");
    }

    #[test]
    fn a_live_point_before_history_is_kept_newest() {
        let t0 = Instant::now();
        let mut s = Status::new(120);
        s.set_system(live(-1.0), t0);
        // The answer comes 200 ms later; its newest sample is as new as
        // the live point: live wins, the older samples go before it, the
        // newest of each 30 s step (10 s of 10..30, 40 s of 40..60).
        let now = t0 + Duration::from_millis(200);
        s.apply_history(Ok(samples(7, 0)), now, Timestamp(WALL));
        let q: Vec<f64> = s.queue_depth.iter().collect();
        assert_eq!(q, vec![40.0, 10.0, -1.0]);
        // Live updates then fill the newest 30 s step, then start the next.
        s.set_system(live(-2.0), t0 + Duration::from_secs(1));
        s.set_system(live(-3.0), t0 + Duration::from_secs(30));
        let q: Vec<f64> = s.queue_depth.iter().collect();
        assert_eq!(q, vec![40.0, 10.0, -2.0, -3.0]);
    }

    #[test]
    fn a_backend_without_history_leaves_the_series_live_and_says_so() {
        let t0 = Instant::now();
        let mut s = Status::new(120);
        s.history_requested(t0);
        s.set_system(live(5.0), t0);
        let gone = ApiError::Unavailable { path: "/api/v1/monitoring/history".into() };
        s.apply_history(Err(gone), t0, Timestamp(WALL));
        assert!(s.history_unavailable);
        assert!(!s.history_load.is_loading());
        s.set_system(live(6.0), t0 + Duration::from_secs(1));
        assert_eq!(s.queue_depth.iter().collect::<Vec<_>>(), vec![5.0, 6.0]);
        assert_eq!(s.queue_depth.step(), MIN_STEP, "one point per feed tick, as before");
        // Another failure is a failure, not a missing endpoint.
        let refused = ApiError::Network { url: "http://h/x".into(), reason: "refused".into() };
        s.apply_history(Err(refused), t0, Timestamp(WALL));
        assert!(!s.history_unavailable);
        assert!(s.history_load.failure().is_some());
    }

    #[test]
    fn rejected_samples_are_counted_over_fetches() {
        let now = Instant::now();
        let mut s = Status::new(120);
        s.apply_history(Ok(samples(3, 2)), now, Timestamp(WALL));
        // Ages 20 and 10 s share the step before the newest sample's.
        assert_eq!(s.queue_depth.iter().collect::<Vec<_>>(), vec![10.0, 0.0]);
        s.apply_history(Ok(samples(0, 5)), now, Timestamp(WALL));
        assert_eq!(s.samples_rejected, 7);
        assert_eq!(s.queue_depth.len(), 2, "an empty answer keeps what is there");
    }

    #[test]
    fn the_app_asks_for_history_at_start_and_fills_status_from_the_answer() {
        use crate::event::{ApiEvent, Effect, Event};
        let mut app = crate::app::App::new(
            crate::app::Settings::default(),
            crate::keymap::Keymap::default_map(),
            Vec::new(),
            Instant::now(),
        );
        let fx = app.start();
        assert!(fx.contains(&Effect::FetchMonitoringHistory { minutes: HISTORY_MINUTES }));
        assert!(app.status.history_load.is_loading());
        app.wall = Timestamp(WALL);
        let redraw = app
            .update(Event::Api(ApiEvent::MonitoringHistory(Ok(samples(360, 1)))), &mut Vec::new());
        assert!(redraw);
        assert_eq!(app.status.throughput.len(), app.settings.history_points);
        assert_eq!(app.status.queue_depth.last(), Some(0.0));
        assert_eq!(app.status.samples_rejected, 1);
    }
}
