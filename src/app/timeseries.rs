//! A series of values at a fixed time step, for sparklines whose x axis
//! means time: live values fill the newest step and start new ones as time
//! passes, and a server's history can be laid in before the live values
//! without a jump in spacing.

use std::time::{Duration, Instant};

use super::history::History;

/// A value `age_ms` milliseconds before now, as history hands it over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Aged {
    pub age_ms: i64,
    pub value: f64,
}

/// One value per `step`, oldest first: the last value seen in that step.
/// Steps that passed without a value repeat the one before, so the points
/// stay evenly spaced in time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    values: History,
    step: Duration,
    /// Start of the newest step.
    newest: Option<Instant>,
    /// How many of the newest points hold live values; the older ones came
    /// from history and are replaced when history is laid in again.
    live: usize,
}

impl TimeSeries {
    /// An empty series of at most `cap` points, one per `step`.
    pub(crate) fn new(cap: usize, step: Duration) -> Self {
        TimeSeries { values: History::new(cap), step: step.max(MIN_STEP), newest: None, live: 0 }
    }

    /// Put a live value in the step holding `now` (as `Quote::record` does
    /// for prices): within the newest step it replaces that step's value,
    /// later it starts a new step, repeating the last value over any steps
    /// that passed without one.
    pub(crate) fn record(&mut self, v: f64, now: Instant) {
        let Some(start) = self.newest else {
            self.values.push(v);
            self.newest = Some(now);
            self.live = 1;
            return;
        };
        let elapsed = now.saturating_duration_since(start);
        if elapsed < self.step {
            self.values.set_last(v);
            self.live = self.live.max(1);
            return;
        }
        let steps = (elapsed.as_nanos() / self.step.as_nanos()) as usize;
        if let Some(prev) = self.values.last() {
            for _ in 1..steps.min(self.values.capacity()) {
                self.values.push(prev);
            }
        }
        self.values.push(v);
        self.live = (self.live + steps).min(self.values.len());
        let advance = u32::try_from(steps).unwrap_or(u32::MAX);
        self.newest = Some(start + self.step.saturating_mul(advance));
    }

    /// Lay `history` (oldest first) out at `step` before the live values.
    /// Live values are kept (put on the new step if it differs); history
    /// counts only where it is older than the first live value, and it
    /// replaces whatever history was laid in before. With no live values
    /// the newest step starts at the newest history value.
    pub(crate) fn seed(&mut self, history: &[Aged], step: Duration, now: Instant) {
        let step = step.max(MIN_STEP);
        let live = self.live_points(now);
        let Some(newest_sample) = history.last() else { return };
        let anchor = live.last().map_or(newest_sample.age_ms.max(0), |l| l.age_ms);
        let step_ms = u64::try_from(step.as_millis()).unwrap_or(u64::MAX).max(1);
        let cap = self.values.capacity();
        // Steps back from the newest one (0 is the newest).
        let back = |age: i64| {
            let after = u64::try_from(age.saturating_sub(anchor)).unwrap_or(0);
            usize::try_from(after.div_ceil(step_ms)).ok()
        };
        let live_back = live.first().and_then(|p| back(p.age_ms));
        let mut slots: Vec<Option<f64>> = vec![None; cap];
        let older_history =
            history.iter().filter(|h| live_back.is_none_or(|l| back(h.age_ms) > Some(l)));
        for p in older_history.chain(&live) {
            if let Some(slot) = back(p.age_ms).and_then(|k| slots.get_mut(k)) {
                *slot = Some(p.value);
            }
        }
        let Some(oldest) = slots.iter().rposition(Option::is_some) else { return };
        self.values = History::new(cap);
        let mut carried = f64::NAN;
        for slot in slots[..=oldest].iter().rev() {
            carried = slot.unwrap_or(carried);
            self.values.push(carried);
        }
        self.live = live_back.map_or(0, |l| l + 1).min(self.values.len());
        if live.is_empty() {
            let ago = Duration::from_millis(u64::try_from(anchor).unwrap_or(0));
            self.newest = Some(now.checked_sub(ago).unwrap_or(now));
        }
        self.step = step;
    }

    /// The live values with their ages, oldest first.
    fn live_points(&self, now: Instant) -> Vec<Aged> {
        let Some(newest) = self.newest else { return Vec::new() };
        let newest_ms = millis(now.saturating_duration_since(newest));
        let step_ms = millis(self.step);
        let skip = self.values.len() - self.live;
        let back = |i: usize| (self.live - 1 - i) as i64;
        self.values
            .iter()
            .skip(skip)
            .enumerate()
            .map(|(i, value)| Aged { age_ms: newest_ms + back(i) * step_ms, value })
            .collect()
    }

    /// The time between two points.
    pub fn step(&self) -> Duration {
        self.step
    }

    /// How many of the newest points hold live values.
    pub fn live_len(&self) -> usize {
        self.live
    }

    /// The time the newest `shown` points cover (fewer when the series is
    /// shorter).
    pub fn span(&self, shown: usize) -> Duration {
        let n = u32::try_from(shown.min(self.values.len())).unwrap_or(u32::MAX);
        self.step.saturating_mul(n)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.len() == 0
    }

    pub fn capacity(&self) -> usize {
        self.values.capacity()
    }

    pub fn last(&self) -> Option<f64> {
        self.values.last()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = f64> + ExactSizeIterator + Clone + '_ {
        self.values.iter()
    }
}

/// The shortest step: a feed tick is about a second apart.
pub(crate) const MIN_STEP: Duration = Duration::from_secs(1);

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Duration = Duration::from_secs(30);

    /// `n` values, one every `every_s` seconds, the newest `newest_s`
    /// seconds old; each value is its age in seconds.
    fn aged(n: i64, every_s: i64, newest_s: i64) -> Vec<Aged> {
        (0..n)
            .rev()
            .map(|k| {
                let age = newest_s + k * every_s;
                Aged { age_ms: age * 1000, value: age as f64 }
            })
            .collect()
    }

    fn values(s: &TimeSeries) -> Vec<f64> {
        s.iter().collect()
    }

    #[test]
    fn history_fills_the_series_one_point_per_step() {
        let now = Instant::now();
        let mut s = TimeSeries::new(120, MIN_STEP);
        // Every 10 s for an hour: three samples per step, the newest wins.
        s.seed(&aged(360, 10, 2), STEP, now);
        assert_eq!(s.len(), 120);
        assert_eq!(s.step(), STEP);
        assert_eq!(s.live_len(), 0);
        let v = values(&s);
        // The newest step starts at the newest sample; the one before
        // holds the samples 10, 20 and 30 s older, and so on.
        assert_eq!((v[119], v[118]), (2.0, 12.0));
        assert!(v[..119].windows(2).all(|w| w[0] - w[1] == 30.0), "even spacing: {v:?}");
        assert_eq!(s.span(60), Duration::from_secs(30 * 60));
        assert_eq!(s.span(500), Duration::from_secs(3600));
    }

    #[test]
    fn sparse_history_repeats_the_value_before_over_empty_steps() {
        let now = Instant::now();
        let mut s = TimeSeries::new(10, MIN_STEP);
        // One sample a minute: every other 30 s step is empty.
        s.seed(&aged(3, 60, 0), STEP, now);
        assert_eq!(values(&s), vec![120.0, 120.0, 60.0, 60.0, 0.0]);
    }

    #[test]
    fn live_values_after_history_extend_it_without_duplicates() {
        let t0 = Instant::now();
        let mut s = TimeSeries::new(120, MIN_STEP);
        s.seed(&aged(4, 30, 5), STEP, t0);
        assert_eq!(values(&s), vec![95.0, 65.0, 35.0, 5.0]);
        // 5 s later: still in the step of the newest sample; live wins.
        s.record(-1.0, t0 + Duration::from_secs(5));
        assert_eq!(values(&s), vec![95.0, 65.0, 35.0, -1.0]);
        assert_eq!(s.live_len(), 1);
        // 30 s after the newest sample: the next step.
        s.record(-2.0, t0 + Duration::from_secs(25));
        s.record(-3.0, t0 + Duration::from_secs(26));
        assert_eq!(values(&s), vec![95.0, 65.0, 35.0, -1.0, -3.0]);
        assert_eq!(s.live_len(), 2);
    }

    #[test]
    fn live_values_stay_and_older_history_goes_before_them() {
        let t0 = Instant::now();
        let mut s = TimeSeries::new(120, MIN_STEP);
        // Live at one per second for 3 s, then history arrives.
        for k in 0..3u64 {
            s.record(-(k as f64), t0 + Duration::from_secs(k));
        }
        let now = t0 + Duration::from_secs(3);
        // Samples every 30 s, the newest 1 s old. The 30 s steps end at
        // the newest live point (1 s old): the two older live points share
        // the step before, with the sample 31 s old, and live wins there;
        // only the sample 61 s old goes before them.
        s.seed(&aged(3, 30, 1), STEP, now);
        assert_eq!(values(&s), vec![61.0, -1.0, -2.0]);
        assert_eq!(s.live_len(), 2);
        // A later history answer replaces history only.
        s.seed(&aged(2, 30, 40), STEP, now);
        assert_eq!(values(&s), vec![70.0, 40.0, -1.0, -2.0]);
        // Live points go on at the new step from the newest live one.
        s.record(-3.0, t0 + Duration::from_secs(31));
        assert_eq!(values(&s), vec![70.0, 40.0, -1.0, -3.0]);
        s.record(-4.0, t0 + Duration::from_secs(32));
        assert_eq!(values(&s), vec![70.0, 40.0, -1.0, -3.0, -4.0]);
        assert_eq!(s.live_len(), 3);
    }

    #[test]
    fn live_values_alone_are_one_per_step() {
        let t0 = Instant::now();
        let mut s = TimeSeries::new(5, MIN_STEP);
        s.record(1.0, t0);
        s.record(2.0, t0 + Duration::from_millis(400));
        s.record(3.0, t0 + Duration::from_secs(3));
        assert_eq!(values(&s), vec![2.0, 2.0, 2.0, 3.0], "two quiet seconds repeat 2");
        assert_eq!(s.live_len(), 4);
        s.seed(&[], STEP, t0 + Duration::from_secs(3));
        assert_eq!(s.step(), MIN_STEP, "no history: nothing changes");
    }
}
