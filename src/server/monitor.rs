//! Simulated platform health for `/ws/monitoring`: services whose health
//! changes now and then (raising alerts as they do), processing and
//! performance figures, signal metrics, and the dice for new insights and
//! KPI movements.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::vitals::{Vitals, jitter};
use crate::protocol::{
    Alert, Health, Id, MonitoringSample, Service, Severity, SignalMetric, SignalMetrics,
    SystemStatus, Timestamp,
};

const SERVICES: &[(&str, f64)] = &[
    ("api-gateway", 12.0),
    ("price-ingest", 4.0),
    ("insight-engine", 85.0),
    ("report-extractor", 240.0),
    ("postgres", 3.0),
    ("redis-cache", 0.8),
    ("kafka", 6.0),
];

/// Templates for generated insights: title, summary, category. `{s}` is a
/// symbol, `{n}` a number.
const INSIGHTS: &[(&str, &str, &str)] = &[
    (
        "Unusual volume in {s}",
        "Traded volume in {s} is {n}x its 20-day average, with most of it in the last hour.",
        "flows",
    ),
    (
        "{s} options skew steepening",
        "Put skew in {s} rose {n} vol points this week while spot was flat.",
        "options_flow",
    ),
    (
        "Margin utilisation rising in accounts holding {s}",
        "Accounts with more than 20% in {s} saw margin utilisation rise {n}% since the open.",
        "risk",
    ),
    (
        "Price gap between venues in {s}",
        "The best bid on one venue has been {n} cents above the consolidated offer for {s}.",
        "market_structure",
    ),
    (
        "Extraction confidence dip for {s} statements",
        "Statements listing {s} extracted with {n}% lower confidence than usual; check the template.",
        "data_quality",
    ),
];
const SYMBOLS: &[&str] = &["AAPL", "MSFT", "NVDA", "AMZN", "JPM", "XOM", "TSLA", "META", "TLT"];

pub(crate) struct MonitorSim {
    rng: SmallRng,
    services: Vec<Service>,
    base_latency: Vec<f64>,
    /// Processing and performance figures (their own dice).
    vitals: Vitals,
    signals: Vec<SignalMetric>,
    alert_seq: u64,
    /// Wrap the text sent in terminal attacks (`serve --hostile`).
    hostile: bool,
    /// Service incidents started per hour, over all services.
    incidents_per_hour: f64,
}

/// How long an incident lasts on average at the default rate; faster
/// rates (tests) shorten it in proportion.
const INCIDENT_SECS: f64 = 600.0;
/// The default rate of incidents per hour: a few an hour.
pub(crate) const INCIDENTS_PER_HOUR: f64 = 4.0;
/// Share of incidents that start as an outage (critical) rather than a
/// degradation (warning).
const OUTAGE_SHARE: f64 = 0.2;

/// A freshly drawn insight, not yet stored.
pub(crate) struct NewInsight {
    pub title: String,
    pub summary: String,
    pub category: String,
    pub confidence: f64,
}

fn metric(name: &str, value: f64, unit: Option<&str>) -> SignalMetric {
    SignalMetric { name: name.into(), value, unit: unit.map(Into::into) }
}

impl MonitorSim {
    pub(crate) fn new(seed: u64) -> Self {
        let now = Timestamp::now();
        let services = SERVICES
            .iter()
            .map(|(name, latency)| Service {
                name: (*name).into(),
                status: Health::Healthy,
                latency_ms: *latency,
                uptime_pct: 99.95,
                message: None,
                checked_at: Some(now),
            })
            .collect();
        MonitorSim {
            rng: SmallRng::seed_from_u64(seed ^ 0x004e_a174),
            services,
            base_latency: SERVICES.iter().map(|s| s.1).collect(),
            vitals: Vitals::new(seed),
            signals: vec![
                metric("signals_per_min", 420.0, Some("1/min")),
                metric("avg_signal_strength", 0.62, None),
                metric("false_positive_rate", 3.1, Some("%")),
                metric("coverage", 97.4, Some("%")),
                metric("model_drift", 0.04, None),
            ],
            alert_seq: 0,
            hostile: false,
            incidents_per_hour: INCIDENTS_PER_HOUR,
        }
    }

    /// Start `per_hour` service incidents an hour (`serve --alerts-per-hour`).
    pub(crate) fn incidents(mut self, per_hour: f64) -> Self {
        if per_hour.is_finite() && per_hour >= 0.0 {
            self.incidents_per_hour = per_hour;
        }
        self
    }

    /// Per-tick chances for one service over `dt` seconds: an incident
    /// starting, and one ending.
    fn chances(&self, dt: f64) -> (f64, f64) {
        let n = self.services.len().max(1) as f64;
        let start = (self.incidents_per_hour / 3600.0 * dt / n).clamp(0.0, 1.0);
        let secs = (INCIDENT_SECS * INCIDENTS_PER_HOUR / self.incidents_per_hour.max(1e-9))
            .clamp(1.0, INCIDENT_SECS);
        (start, (dt / secs).clamp(0.0, 1.0))
    }

    /// With `on`, service messages and alerts come wrapped in terminal
    /// attacks (`serve --hostile`).
    pub(crate) fn hostile(mut self, on: bool) -> Self {
        self.hostile = on;
        self
    }

    fn text(&self, s: String) -> String {
        if self.hostile { super::hostile::wrap(&s) } else { s }
    }

    pub(crate) fn status(&self, websocket_connections: u64) -> SystemStatus {
        let worst = |h: Health| self.services.iter().any(|s| s.status == h);
        let overall = if worst(Health::Down) {
            Health::Down
        } else if worst(Health::Degraded) {
            Health::Degraded
        } else {
            Health::Healthy
        };
        SystemStatus {
            overall,
            services: self.services.clone(),
            processing: self.vitals.processing.clone(),
            performance: self.vitals.performance.clone(),
            websocket_connections,
        }
    }

    /// The processing and performance figures, for seeding their history.
    pub(crate) fn vitals_mut(&mut self) -> &mut Vitals {
        &mut self.vitals
    }

    /// The figures now, as a §3a sample stamped `at`.
    pub(crate) fn sample(&self, at: Timestamp) -> MonitoringSample {
        self.vitals.sample(at)
    }

    pub(crate) fn signals(&self) -> SignalMetrics {
        SignalMetrics { metrics: self.signals.clone() }
    }

    fn jitter(&mut self, v: f64, pct: f64, lo: f64, hi: f64) -> f64 {
        jitter(&mut self.rng, v, pct, lo, hi)
    }

    fn alert(&mut self, severity: Severity, title: String, message: String, source: &str) -> Alert {
        self.alert_seq += 1;
        Alert {
            id: Id(format!("alert-{}", self.alert_seq)),
            severity,
            title: self.text(title),
            message: self.text(message),
            source: source.into(),
            started_at: Some(Timestamp::now()),
            ..Alert::default()
        }
    }

    /// Advance one tick of `dt` seconds; returns the alerts it raised.
    pub(crate) fn tick(&mut self, dt: f64) -> Vec<Alert> {
        let now = Timestamp::now();
        let mut alerts = Vec::new();
        let (start, end) = self.chances(dt);
        for i in 0..self.services.len() {
            let roll: f64 = self.rng.random();
            let old = self.services[i].status;
            let new = match old {
                Health::Healthy if roll < start * OUTAGE_SHARE => Health::Down,
                Health::Healthy if roll < start => Health::Degraded,
                Health::Degraded | Health::Down if roll < end => Health::Healthy,
                Health::Degraded if roll > 1.0 - end * 0.1 => Health::Down,
                h => h,
            };
            let base = self.base_latency[i] * if new == Health::Degraded { 6.0 } else { 1.0 };
            let latency = self.jitter(base, 25.0, 0.1, 60_000.0);
            let name = self.services[i].name.clone();
            let message = match new {
                Health::Down => Some(self.text("health check failing".into())),
                Health::Degraded => Some(self.text("latency above SLO".into())),
                _ => None,
            };
            let s = &mut self.services[i];
            s.latency_ms = latency;
            s.checked_at = Some(now);
            s.status = new;
            s.message = message;
            if new != Health::Healthy {
                s.uptime_pct = (s.uptime_pct - 0.01).max(90.0);
            }
            if new != old {
                let (severity, verb) = match new {
                    Health::Down => (Severity::Critical, "is down"),
                    Health::Degraded => (Severity::Warning, "is degraded"),
                    _ => (Severity::Info, "recovered"),
                };
                let msg = format!("{name} {verb}; latency {latency:.0} ms");
                alerts.push(self.alert(severity, format!("{name} {verb}"), msg, &name));
            }
        }
        self.vitals.step();
        for i in 0..self.signals.len() {
            let v = self.signals[i].value;
            self.signals[i].value = self.jitter(v, 5.0, 0.0, 1.0e6);
        }
        if self.rng.random_bool((start * self.services.len() as f64 / 2.0).min(1.0)) {
            let depth = self.vitals.processing.queue_depth;
            alerts.push(self.alert(
                Severity::Info,
                "Nightly reconciliation finished".into(),
                format!("Reconciliation completed; queue depth {depth:.0}"),
                "scheduler",
            ));
        }
        alerts
    }

    /// With probability `p`, a new insight to store and announce.
    pub(crate) fn maybe_insight(&mut self, p: f64) -> Option<NewInsight> {
        if !self.rng.random_bool(p) {
            return None;
        }
        let (title, summary, category) = INSIGHTS[self.rng.random_range(0..INSIGHTS.len())];
        let sym = SYMBOLS[self.rng.random_range(0..SYMBOLS.len())];
        let n = format!("{:.1}", self.rng.random_range(1.5..9.5));
        let fill = |t: &str| t.replace("{s}", sym).replace("{n}", &n);
        Some(NewInsight {
            title: fill(title),
            summary: fill(summary),
            category: category.into(),
            confidence: (self.rng.random_range(0.55..0.97_f64) * 100.0).round() / 100.0,
        })
    }

    /// With probability `p`, which KPI (an index below `count`) moves and by
    /// how much (a fraction of its value, within ±2%).
    pub(crate) fn maybe_kpi_move(&mut self, p: f64, count: usize) -> Option<(usize, f64)> {
        (count > 0 && self.rng.random_bool(p))
            .then(|| (self.rng.random_range(0..count), self.rng.random_range(-0.02..0.02)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn health_changes_raise_alerts_over_time() {
        let mut sim = MonitorSim::new(42).incidents(3600.0);
        let alerts: Vec<Alert> = (0..500).flat_map(|_| sim.tick(1.0)).collect();
        assert!(alerts.iter().any(|a| a.severity == Severity::Critical));
        assert!(alerts.iter().any(|a| a.severity == Severity::Warning));
        assert_eq!(sim.status(3).services.len(), SERVICES.len());
    }

    #[test]
    fn by_default_a_few_incidents_an_hour_and_outages_are_rare() {
        let mut sim = MonitorSim::new(7);
        // Ten simulated hours at one tick a second.
        let alerts: Vec<Alert> = (0..36_000).flat_map(|_| sim.tick(1.0)).collect();
        let count = |s| alerts.iter().filter(|a| a.severity == s).count();
        let (crit, warn) = (count(Severity::Critical), count(Severity::Warning));
        assert!((15..=80).contains(&(crit + warn)), "{crit} critical, {warn} warnings in 10 h");
        assert!(crit < warn, "{crit} critical, {warn} warnings");
    }
}
