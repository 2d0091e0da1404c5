//! What the console holds from Prometheus: service cards from `up` by job,
//! and one sparkline panel per configured query, opened with its last
//! points (`query_range`) and then one point per poll.

use std::time::{Duration, Instant};

use super::load::Load;
use super::timeseries::{Aged, TimeSeries};
use crate::protocol::{Health, Service, Timestamp};
use crate::sources::{RangeSeries, Sample, SourceError};

#[derive(Debug, Clone, PartialEq)]
pub struct PromPanel {
    pub name: String,
    pub unit: Option<String>,
    pub series: TimeSeries,
    /// The last query for this panel.
    pub load: Load,
    /// The query answered with no series (nothing matches it).
    pub empty: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prom {
    /// Where it is, for titles (never holds a password).
    pub label: String,
    pub panels: Vec<PromPanel>,
    /// Jobs as service cards, sorted by name.
    pub services: Vec<Service>,
    pub services_at: Option<Instant>,
    pub services_load: Load,
}

impl Prom {
    /// Panels named `(name, unit)`, each `points` long at one point per
    /// `step` (the poll interval).
    pub fn new(
        label: String,
        panels: &[(String, Option<String>)],
        points: usize,
        step: Duration,
        now: Instant,
    ) -> Self {
        let mut loading = Load::Idle;
        loading.start(now);
        Prom {
            label,
            panels: panels
                .iter()
                .map(|(name, unit)| PromPanel {
                    name: name.clone(),
                    unit: unit.clone(),
                    series: TimeSeries::new(points, step),
                    load: loading.clone(),
                    empty: false,
                })
                .collect(),
            services: Vec::new(),
            services_at: None,
            services_load: loading,
        }
    }

    /// The worst health of the jobs (Unknown with none).
    pub fn overall(&self) -> Health {
        let has = |h| self.services.iter().any(|s| s.status == h);
        if self.services.is_empty() {
            Health::Unknown
        } else if has(Health::Down) {
            Health::Down
        } else if has(Health::Degraded) {
            Health::Degraded
        } else {
            Health::Healthy
        }
    }

    pub(crate) fn set_services(&mut self, r: Result<Vec<Service>, SourceError>, now: Instant) {
        match r {
            Ok(services) => {
                self.services = services;
                self.services_at = Some(now);
                self.services_load.succeed(now);
            }
            Err(e) => self.services_load.fail_source(now, &e),
        }
    }

    /// A panel's history: its first series, laid in before live points.
    pub(crate) fn apply_range(
        &mut self,
        index: usize,
        r: Result<Vec<RangeSeries>, SourceError>,
        now: Instant,
        wall: Timestamp,
    ) {
        let Some(panel) = self.panels.get_mut(index) else { return };
        match r {
            Ok(series) => {
                panel.load.succeed(now);
                panel.empty = series.is_empty();
                let Some(first) = series.into_iter().next() else { return };
                let aged: Vec<Aged> = first
                    .points
                    .iter()
                    .map(|(t, value)| Aged { age_ms: wall.0 - t.0, value: *value })
                    .collect();
                let step = panel.series.step();
                panel.series.seed(&aged, step, now);
            }
            Err(e) => panel.load.fail_source(now, &e),
        }
    }

    /// A panel's value now: its first sample.
    pub(crate) fn apply_value(
        &mut self,
        index: usize,
        r: Result<Vec<Sample>, SourceError>,
        now: Instant,
    ) {
        let Some(panel) = self.panels.get_mut(index) else { return };
        match r {
            Ok(samples) => {
                panel.load.succeed(now);
                panel.empty = samples.is_empty();
                if let Some(s) = samples.first() {
                    panel.series.record(s.value, now);
                }
            }
            Err(e) => panel.load.fail_source(now, &e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const WALL: Timestamp = Timestamp(1_705_660_245_000);

    fn prom(now: Instant) -> Prom {
        let panels = [("targets up".to_owned(), None), ("scrape".to_owned(), Some("ms".into()))];
        Prom::new("http://prom:9090".into(), &panels, 20, Duration::from_secs(15), now)
    }

    #[test]
    fn a_panel_opens_with_its_history_and_goes_on_live() {
        let now = Instant::now();
        let mut p = prom(now);
        let points = (0..8).map(|k| (Timestamp(WALL.0 - (7 - k) * 15_000), k as f64)).collect();
        let series = vec![RangeSeries { labels: BTreeMap::new(), points }];
        p.apply_range(0, Ok(series), now, WALL);
        assert_eq!(p.panels[0].series.iter().collect::<Vec<_>>(), [0., 1., 2., 3., 4., 5., 6., 7.]);
        assert!(!p.panels[0].load.is_loading());
        let sample = Sample { labels: BTreeMap::new(), at: WALL, value: 9.0 };
        p.apply_value(0, Ok(vec![sample]), now + Duration::from_secs(15));
        assert_eq!(p.panels[0].series.last(), Some(9.0));
        assert_eq!(p.panels[0].series.len(), 9);
        // Another panel's answer does not touch this one; an unknown index is ignored.
        p.apply_value(7, Ok(Vec::new()), now);
        p.apply_value(1, Ok(Vec::new()), now);
        assert!(p.panels[1].empty, "a query that matches nothing says so");
    }

    #[test]
    fn a_failed_query_is_kept_beside_the_data_and_jobs_give_the_overall_health() {
        let now = Instant::now();
        let mut p = prom(now);
        assert_eq!(p.overall(), Health::Unknown);
        let svc = |name: &str, status| Service {
            name: name.into(),
            status,
            latency_ms: 1.0,
            uptime_pct: 100.0,
            message: None,
            checked_at: None,
        };
        p.set_services(Ok(vec![svc("a", Health::Healthy), svc("b", Health::Degraded)]), now);
        assert_eq!(p.overall(), Health::Degraded);
        let down =
            SourceError::Network { url: "http://prom:9090".into(), reason: "refused".into() };
        p.set_services(Err(down.clone()), now);
        assert_eq!(p.services.len(), 2, "the cards stay");
        assert!(p.services_load.failure().is_some());
        p.apply_range(1, Err(down), now, WALL);
        assert!(p.panels[1].load.failure().unwrap().1.contains("cannot reach"));
    }
}
