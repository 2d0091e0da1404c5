//! The simulated market: every symbol's price is a deterministic function
//! of (seed, symbol, time), so every `/ws/prices` connection, the stored
//! candles and the candles endpoint agree about the past and the present.
//!
//! The path is fractal value noise on the log of the price: octaves with
//! periods from a day down to about five seconds, each a hashed value per
//! grid point with smooth interpolation between, the amplitudes growing
//! like the square root of the period as a random walk's moves do. Days
//! move by roughly 1-2 %, around a base price taken from the symbol's name.

use crate::protocol::Candle;

/// Octave periods, each a quarter of the one before (a day down to ~5 s).
const PERIODS_MS: [i64; 8] =
    [86_400_000, 21_600_000, 5_400_000, 1_350_000, 337_500, 84_375, 21_094, 5_274];
/// Amplitude of the day-long octave as a fraction of the price (log scale);
/// each shorter octave has half the one before: sqrt of a quarter period.
const DAY_AMPLITUDE: f64 = 0.015;
const MINUTE_MS: i64 = 60_000;
/// Within a minute the candle samples the path this often.
const SAMPLE_MS: i64 = 1_000;

/// FNV-1a: a stable hash, so prices do not depend on the std hasher.
pub(crate) fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The splitmix64 finalizer: a cheap, well-mixed hash of one word.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A hash as a number in [-1, 1).
fn signed_unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

pub(crate) fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One symbol's price path under one seed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PricePath {
    /// Seed and symbol mixed: the key of every hashed grid value.
    key: u64,
    /// The price the noise moves around (its geometric centre).
    base: f64,
}

impl PricePath {
    pub(crate) fn new(symbol: &str, seed: u64) -> Self {
        let h = fnv1a(symbol);
        PricePath { key: mix(seed ^ mix(h)), base: cents(20.0 + (h % 48_000) as f64 / 100.0) }
    }

    /// The grid value of `octave` at grid point `index`.
    fn grid(&self, octave: usize, index: i64) -> f64 {
        signed_unit(mix(self.key ^ mix((octave as u64) << 56 ^ index as u64)))
    }

    /// The price at `t_ms` (not rounded); [`PathCursor`] reads many.
    #[cfg(test)]
    pub(crate) fn price(&self, t_ms: i64) -> f64 {
        PathCursor::new(*self).price(t_ms)
    }

    /// Volume traded in the minute starting at `start`: 100k to 500k in
    /// lots of 100, about what the live feed's cumulative volume gains in a
    /// minute at four updates a second.
    pub(crate) fn minute_volume(&self, start: i64) -> f64 {
        let h = mix(self.key ^ 0x766f_6c75_6d65 ^ mix(start.div_euclid(MINUTE_MS) as u64));
        (1_000 + h % 4_001) as f64 * 100.0
    }

    /// One-minute candles of the minutes starting in `[from, to)` (both
    /// aligned to minutes), as they stand at `now`: a minute still open
    /// ends at the price at `now`, and minutes after `now` are left out.
    pub(crate) fn minutes(&self, from: i64, to: i64, now: i64) -> Vec<Candle> {
        let mut cursor = PathCursor::new(*self);
        let last = to.min(now + 1);
        let mut out =
            Vec::with_capacity(usize::try_from((last - from).max(0) / MINUTE_MS + 1).unwrap_or(0));
        let mut start = from;
        while start < last {
            out.push(cursor.candle(start, now));
            start += MINUTE_MS;
        }
        out
    }
}

/// Reads one path at times close together cheaply: per octave it keeps the
/// grid cell last used and its two corner values, so another time in the
/// same cell costs no hashing (only the fastest octave moves every few
/// seconds).
#[derive(Debug, Clone)]
pub(crate) struct PathCursor {
    path: PricePath,
    /// Per octave: cell index, value at its start, value at its end.
    cells: [(i64, f64, f64); PERIODS_MS.len()],
}

impl PathCursor {
    pub(crate) fn new(path: PricePath) -> Self {
        PathCursor { path, cells: [(i64::MIN, 0.0, 0.0); PERIODS_MS.len()] }
    }

    /// The price at `t_ms` (not rounded).
    pub(crate) fn price(&mut self, t_ms: i64) -> f64 {
        let mut log = 0.0;
        let mut amplitude = DAY_AMPLITUDE;
        for (k, period) in PERIODS_MS.iter().enumerate() {
            let i = t_ms.div_euclid(*period);
            let cell = self.cells[k];
            let (v0, v1) = if cell.0 == i {
                (cell.1, cell.2)
            } else if cell.0.checked_add(1) == Some(i) {
                (cell.2, self.path.grid(k, i + 1))
            } else {
                (self.path.grid(k, i), self.path.grid(k, i + 1))
            };
            self.cells[k] = (i, v0, v1);
            let f = t_ms.rem_euclid(*period) as f64 / *period as f64;
            let smooth = f * f * (3.0 - 2.0 * f);
            log += amplitude * (v0 + (v1 - v0) * smooth);
            amplitude *= 0.5;
        }
        self.path.base * log.exp()
    }

    /// The candle of the minute starting at `start` as it stands at `now`:
    /// the path sampled every second (and at `now` if the minute is still
    /// open), in cents; the volume is the minute's share up to `now`.
    pub(crate) fn candle(&mut self, start: i64, now: i64) -> Candle {
        let end = (start + MINUTE_MS).min(now + 1);
        let open = cents(self.price(start));
        let (mut high, mut low, mut close) = (open, open, open);
        let mut t = start + SAMPLE_MS;
        let mut sample = |p: f64| {
            let p = cents(p);
            high = high.max(p);
            low = low.min(p);
            close = p;
        };
        while t < end {
            sample(self.price(t));
            t += SAMPLE_MS;
        }
        let still_open = now < start + MINUTE_MS;
        if still_open && now > start && (now - start) % SAMPLE_MS != 0 {
            sample(self.price(now));
        }
        let mut volume = self.path.minute_volume(start);
        if still_open {
            let share = (now - start).max(0) as f64 / MINUTE_MS as f64;
            volume = (volume * share / 100.0).round() * 100.0;
        }
        Candle { start, open, high, low, close, volume }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const T0: i64 = 1_705_660_200_000;

    #[test]
    fn the_path_is_a_function_of_seed_symbol_and_time() {
        let (a, b) = (PricePath::new("AAPL", 42), PricePath::new("AAPL", 42));
        for k in 0..100 {
            let t = T0 + k * 7_919;
            assert_eq!(a.price(t), b.price(t));
        }
        // A cursor read in any order gives the same prices as a fresh one.
        let mut c = PathCursor::new(a);
        for t in [T0 + 90_000, T0, T0 + 3, T0 + 86_400_000, T0 + 1] {
            assert_eq!(c.price(t), a.price(t));
        }
        let other = PricePath::new("MSFT", 42);
        let reseeded = PricePath::new("AAPL", 43);
        assert_ne!(a.price(T0), other.price(T0));
        assert_ne!(a.price(T0), reseeded.price(T0));
    }

    #[test]
    fn the_path_is_continuous_and_moves_like_a_market() {
        let path = PricePath::new("NVDA", 42);
        let mut c = PathCursor::new(path);
        let mut prev = c.price(T0);
        let (mut lo, mut hi) = (prev, prev);
        let mut moved = 0;
        for s in 1..86_400 {
            let p = c.price(T0 + s * 1_000);
            assert!(((p - prev) / prev).abs() < 0.001, "second {s}: {prev} -> {p}");
            moved += usize::from(cents(p) != cents(prev));
            (lo, hi, prev) = (lo.min(p), hi.max(p), p);
        }
        let range = (hi - lo) / lo;
        assert!(range > 0.002 && range < 0.15, "a day's range {range}");
        assert!(moved > 1_000, "the price moves now and then: {moved} changes");
    }

    #[test]
    fn candles_enclose_the_path_and_end_at_the_price_now() {
        let path = PricePath::new("TSLA", 7);
        let start = T0 - T0 % MINUTE_MS;
        let closed = path.minutes(start, start + 5 * MINUTE_MS, start + 10 * MINUTE_MS);
        assert_eq!(closed.len(), 5);
        for (i, c) in closed.iter().enumerate() {
            assert!(c.is_sane(), "{c:?}");
            assert_eq!(c.start, start + i as i64 * MINUTE_MS);
            assert_eq!(c.volume, path.minute_volume(c.start));
            assert!((100_000.0..=500_000.0).contains(&c.volume));
        }
        let now = start + 2 * MINUTE_MS + 30_500;
        let open = path.minutes(start, start + 5 * MINUTE_MS, now);
        assert_eq!(open.len(), 3, "minutes after now are left out");
        assert_eq!(open[..2], closed[..2]);
        let last = open[2];
        assert_eq!(last.close, cents(path.price(now)));
        assert!(last.is_sane() && last.volume < path.minute_volume(last.start));
    }
}
