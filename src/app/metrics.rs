//! The Metrics tab's state: KPIs, signal metrics and insight metrics, each
//! with a client-side history.

use std::time::{Duration, Instant};

use super::history::History;
use super::load::Load;
use crate::protocol::{InsightMetrics, Kpi, ReportAnalytics, SignalMetrics};

/// The analytics periods the user can switch between, in days.
pub const PERIODS: [u32; 3] = [7, 30, 90];

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub name: String,
    pub unit: Option<String>,
    pub history: History,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub kpis: Vec<Kpi>,
    pub signals: Vec<Signal>,
    pub insights: Option<InsightMetrics>,
    /// Histories of the insight metrics, in the order of `INSIGHT_SERIES`.
    pub insight_history: [History; 5],
    /// The last fetch of the KPIs (single KPIs also arrive on the feed).
    pub kpis_load: Load,
    pub analytics: Option<ReportAnalytics>,
    /// The period shown (or being fetched), in days.
    pub analytics_days: u32,
    /// The last fetch of the analytics of `analytics_days`.
    pub analytics_load: Load,
    /// When the console started asking (the first start): the signal and
    /// insight histories are live only and reach back at most this far.
    pub live_since: Option<Instant>,
    /// Signal metrics messages taken, to tell what part of the time since
    /// start the kept points cover.
    pub signal_updates: u64,
    /// Insight metrics messages taken.
    pub insight_updates: u64,
    history_points: usize,
}

/// Names and units of the insight metrics kept as history.
pub const INSIGHT_SERIES: [(&str, &str); 5] = [
    ("insights total", ""),
    ("insights last hour", ""),
    ("avg rating", "/5"),
    ("avg confidence", "%"),
    ("insights flagged", ""),
];

impl Metrics {
    pub(crate) fn new(history_points: usize) -> Self {
        Metrics {
            kpis: Vec::new(),
            signals: Vec::new(),
            insights: None,
            insight_history: std::array::from_fn(|_| History::new(history_points)),
            kpis_load: Load::Idle,
            analytics: None,
            analytics_days: PERIODS[1],
            analytics_load: Load::Idle,
            live_since: None,
            signal_updates: 0,
            insight_updates: 0,
            history_points,
        }
    }

    /// The console started (or refreshed): the first time is kept.
    pub(crate) fn started(&mut self, now: Instant) {
        self.live_since.get_or_insert(now);
    }

    /// The time the newest `shown` of `kept` points of a live series cover,
    /// when `updates` messages arrived since start, each adding one point:
    /// all of it while nothing was dropped, else the share of the newest
    /// points (assuming an even rate). `None` before the start is known.
    pub fn live_span(
        &self,
        updates: u64,
        kept: usize,
        shown: usize,
        now: Instant,
    ) -> Option<(Duration, bool)> {
        let since = now.saturating_duration_since(self.live_since?);
        let shown = shown.min(kept) as u64;
        if updates <= shown {
            return Some((since, true));
        }
        let part = since.as_secs_f64() * shown as f64 / updates as f64;
        Some((Duration::from_secs_f64(part), false))
    }

    pub(crate) fn set_kpis(&mut self, kpis: Vec<Kpi>, now: Instant) {
        self.kpis = kpis;
        self.kpis_load.succeed(now);
    }

    /// Replace a KPI by id, or append it.
    pub(crate) fn upsert_kpi(&mut self, k: Kpi) {
        match self.kpis.iter_mut().find(|x| x.id == k.id) {
            Some(slot) => *slot = k,
            None => self.kpis.push(k),
        }
    }

    pub(crate) fn push_signals(&mut self, m: SignalMetrics) {
        self.signal_updates += 1;
        for s in m.metrics {
            let idx = match self.signals.iter().position(|x| x.name == s.name) {
                Some(i) => i,
                None => {
                    self.signals.push(Signal {
                        name: s.name.clone(),
                        unit: s.unit.clone(),
                        history: History::new(self.history_points),
                    });
                    self.signals.len() - 1
                }
            };
            self.signals[idx].history.push(s.value);
            if s.unit.is_some() {
                self.signals[idx].unit = s.unit;
            }
        }
    }

    pub(crate) fn set_insight_metrics(&mut self, m: InsightMetrics) {
        let values = [
            m.total as f64,
            m.generated_last_hour as f64,
            m.avg_rating,
            m.avg_confidence * 100.0,
            m.flagged as f64,
        ];
        self.insight_updates += 1;
        for (h, v) in self.insight_history.iter_mut().zip(values) {
            h.push(v);
        }
        self.insights = Some(m);
    }

    /// The next analytics period after the current one.
    pub(crate) fn next_period(&self) -> u32 {
        let i = PERIODS.iter().position(|d| *d == self.analytics_days).unwrap_or(0);
        PERIODS[(i + 1) % PERIODS.len()]
    }

    pub(crate) fn set_analytics(
        &mut self,
        days: u32,
        result: Result<ReportAnalytics, crate::api::ApiError>,
        now: Instant,
    ) {
        if days != self.analytics_days {
            return; // an answer for a period the user already left
        }
        match result {
            Ok(a) => {
                self.analytics = Some(a);
                self.analytics_load.succeed(now);
            }
            Err(e) => self.analytics_load.fail(now, &e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_cycle_and_late_answers_are_ignored() {
        let now = Instant::now();
        let mut m = Metrics::new(10);
        assert_eq!(m.analytics_days, 30);
        assert_eq!(m.next_period(), 90);
        m.analytics_days = 90;
        assert_eq!(m.next_period(), 7);
        m.set_analytics(30, Ok(ReportAnalytics::default()), now);
        assert!(m.analytics.is_none(), "the 30-day answer arrived after switching to 90");
        m.set_analytics(90, Ok(ReportAnalytics::default()), now);
        assert!(m.analytics.is_some());
    }

    #[test]
    fn live_series_say_the_time_their_shown_points_cover() {
        let t0 = Instant::now();
        let mut m = Metrics::new(100);
        assert_eq!(m.live_span(5, 5, 40, t0), None, "before start nothing is known");
        m.started(t0);
        m.started(t0 + Duration::from_secs(9)); // a refresh keeps the first
        let now = t0 + Duration::from_secs(120);
        // 40 points since start, all shown: the whole two minutes.
        assert_eq!(m.live_span(40, 40, 60, now), Some((Duration::from_secs(120), true)));
        // 100 kept of 400 since start, 30 shown: the newest 30/400 of it.
        assert_eq!(m.live_span(400, 100, 30, now), Some((Duration::from_secs(9), false)));
    }
}
