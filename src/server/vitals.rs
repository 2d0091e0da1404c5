//! The platform's processing and performance figures (part of
//! `system_status`) as a jittered walk, and their history (protocol §3a):
//! a sample every [`SAMPLE_EVERY_MS`], at most [`KEEP_MS`] of them, seeded at
//! start with the last day of the same walk so the newest seeded sample
//! joins the first live one.

use std::collections::VecDeque;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::protocol::{MonitoringSample, Performance, Processing, Timestamp};

/// Time between samples, real time.
pub(crate) const SAMPLE_EVERY_MS: i64 = 10_000;
/// How far back samples are kept: the contract's largest `minutes`.
pub(crate) const KEEP_MS: i64 = 1_440 * 60_000;

/// `v` moved by up to `pct` percent, kept within `lo..=hi`.
pub(crate) fn jitter(rng: &mut SmallRng, v: f64, pct: f64, lo: f64, hi: f64) -> f64 {
    let f = 1.0 + rng.random_range(-pct..pct) / 100.0;
    // Six significant decimals: an error rate of 0.2 % still moves.
    ((v * f).clamp(lo, hi) * 1e6).round() / 1e6
}

/// [`jitter`] around a level the figure returns to: a day of steps
/// wanders about `typical` instead of drifting into a bound and staying.
fn wander(rng: &mut SmallRng, v: f64, typical: f64, pct: f64, lo: f64, hi: f64) -> f64 {
    jitter(rng, v + (typical - v) * 0.05, pct, lo, hi)
}

/// Processing and performance figures, moved a little every tick.
pub(crate) struct Vitals {
    rng: SmallRng,
    pub(crate) processing: Processing,
    pub(crate) performance: Performance,
}

impl Vitals {
    pub(crate) fn new(seed: u64) -> Self {
        Vitals {
            rng: SmallRng::seed_from_u64(seed ^ 0x0076_1a15),
            processing: Processing {
                queue_depth: 40.0,
                processed_per_sec: 1_250.0,
                error_rate: 0.002,
            },
            performance: Performance {
                api_p50_ms: 18.0,
                api_p99_ms: 240.0,
                cpu_pct: 35.0,
                memory_pct: 58.0,
            },
        }
    }

    /// One tick's move.
    pub(crate) fn step(&mut self) {
        let r = &mut self.rng;
        let p = &self.processing;
        self.processing = Processing {
            queue_depth: wander(r, p.queue_depth.max(1.0), 40.0, 30.0, 0.0, 10_000.0).round(),
            processed_per_sec: wander(r, p.processed_per_sec, 1_250.0, 10.0, 200.0, 5_000.0),
            error_rate: wander(r, p.error_rate, 0.002, 20.0, 0.0001, 0.2),
        };
        let q = &self.performance;
        self.performance = Performance {
            api_p50_ms: wander(r, q.api_p50_ms, 18.0, 10.0, 5.0, 200.0),
            api_p99_ms: wander(r, q.api_p99_ms, 240.0, 15.0, 80.0, 2_000.0),
            cpu_pct: wander(r, q.cpu_pct, 35.0, 10.0, 5.0, 98.0),
            memory_pct: wander(r, q.memory_pct, 58.0, 3.0, 20.0, 95.0),
        };
    }

    pub(crate) fn sample(&self, at: Timestamp) -> MonitoringSample {
        MonitoringSample {
            timestamp: at,
            processing: self.processing.clone(),
            performance: self.performance.clone(),
        }
    }
}

/// Ticks between two samples for a tick period of `tick` (at least one).
pub(crate) fn ticks_per_sample(tick: std::time::Duration) -> usize {
    let n = SAMPLE_EVERY_MS as f64 / (tick.as_secs_f64() * 1000.0).max(1.0);
    (n.round() as usize).clamp(1, 1_000)
}

/// Samples of the vitals, oldest first.
pub(crate) struct SampleLog {
    samples: VecDeque<MonitoringSample>,
}

impl SampleLog {
    /// The last [`KEEP_MS`] up to `now`: `vitals` walked `ticks` steps
    /// between samples, as the ticker walks it, and left where the newest
    /// sample is, for the live ticks to continue.
    pub(crate) fn seeded(vitals: &mut Vitals, ticks: usize, now: Timestamp) -> Self {
        let count = KEEP_MS / SAMPLE_EVERY_MS;
        let mut samples = VecDeque::with_capacity(usize::try_from(count).unwrap_or(0) + 1);
        for k in (0..count).rev() {
            if k + 1 < count {
                (0..ticks).for_each(|_| vitals.step());
            }
            samples.push_back(vitals.sample(Timestamp(now.0 - k * SAMPLE_EVERY_MS)));
        }
        SampleLog { samples }
    }

    /// Whether a sample is due at `now`: [`SAMPLE_EVERY_MS`] after the last.
    pub(crate) fn due(&self, now: Timestamp) -> bool {
        self.samples.back().is_none_or(|s| now.0 - s.timestamp.0 >= SAMPLE_EVERY_MS)
    }

    /// Keep `sample` (newer than the last) and forget those too old.
    pub(crate) fn push(&mut self, sample: MonitoringSample) {
        let oldest = sample.timestamp.0 - KEEP_MS;
        self.samples.push_back(sample);
        while self.samples.front().is_some_and(|s| s.timestamp.0 <= oldest) {
            self.samples.pop_front();
        }
    }

    /// The samples stamped after `from`, oldest first.
    pub(crate) fn after(&self, from: Timestamp) -> Vec<MonitoringSample> {
        let skip = self.samples.partition_point(|s| s.timestamp <= from);
        self.samples.range(skip..).cloned().collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_705_660_200_000);

    #[test]
    fn seeded_samples_cover_a_day_and_end_at_the_live_figures() {
        let mut v = Vitals::new(42);
        let log = SampleLog::seeded(&mut v, 5, NOW);
        let all = log.after(Timestamp(NOW.0 - KEEP_MS));
        assert_eq!(all.len() as i64, KEEP_MS / SAMPLE_EVERY_MS);
        assert!(all.windows(2).all(|w| w[1].timestamp.0 - w[0].timestamp.0 == SAMPLE_EVERY_MS));
        let newest = all.last().unwrap();
        assert_eq!((newest.timestamp, &newest.processing), (NOW, &v.processing));
        assert_ne!(all[0].performance, newest.performance, "the figures move");
        assert_eq!(log.after(Timestamp(NOW.0 - 60_000)).len(), 6);
    }

    #[test]
    fn a_day_of_steps_keeps_every_figure_moving_about_its_level() {
        let mut v = Vitals::new(7);
        let log = SampleLog::seeded(&mut v, 10, NOW);
        let last_hour = log.after(Timestamp(NOW.0 - 3_600_000));
        let spread = |f: &dyn Fn(&MonitoringSample) -> f64| {
            let vals: Vec<f64> = last_hour.iter().map(f).collect();
            let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        };
        let (lo, hi) = spread(&|s| s.processing.queue_depth);
        assert!(lo < hi && hi > 5.0 && hi < 500.0, "queue depth {lo}..{hi}");
        let (lo, hi) = spread(&|s| s.processing.error_rate);
        assert!(lo < hi && hi < 0.05, "error rate {lo}..{hi}");
        let (lo, hi) = spread(&|s| s.performance.cpu_pct);
        assert!(lo < hi && lo > 5.0 && hi < 98.0, "cpu {lo}..{hi}");
    }

    #[test]
    fn live_samples_are_due_every_ten_seconds_and_old_ones_go() {
        let mut v = Vitals::new(1);
        let mut log = SampleLog::seeded(&mut v, 1, NOW);
        let first = log.after(Timestamp(0))[0].timestamp;
        assert!(!log.due(Timestamp(NOW.0 + 9_999)));
        assert!(log.due(Timestamp(NOW.0 + SAMPLE_EVERY_MS)));
        log.push(v.sample(Timestamp(NOW.0 + SAMPLE_EVERY_MS)));
        let all = log.after(Timestamp(0));
        assert_eq!(all.len() as i64, KEEP_MS / SAMPLE_EVERY_MS, "the oldest went");
        assert!(all[0].timestamp > first);
        assert_eq!(ticks_per_sample(std::time::Duration::from_millis(200)), 50);
        assert_eq!(ticks_per_sample(std::time::Duration::from_secs(60)), 1);
    }
}
