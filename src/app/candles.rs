//! One-minute OHLC candles aggregated client-side from ticks.

use std::collections::VecDeque;

pub use crate::protocol::Candle;
use crate::protocol::Timestamp;

const MINUTE_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Candles {
    candles: VecDeque<Candle>,
    cap: usize,
    last_volume: Option<f64>,
}

impl Candles {
    pub(crate) fn new(cap: usize) -> Self {
        Candles { candles: VecDeque::new(), cap: cap.max(1), last_volume: None }
    }

    /// Add a tick at `at`. `session_volume` is the cumulative volume the
    /// feed reports, if any; a drop means a new session and counts from 0.
    /// Returns the volume traded since the previous tick.
    pub(crate) fn push(&mut self, at: Timestamp, price: f64, session_volume: Option<f64>) -> f64 {
        let traded = match (session_volume, self.last_volume) {
            (Some(v), Some(prev)) if v >= prev => v - prev,
            _ => 0.0,
        };
        if session_volume.is_some() {
            self.last_volume = session_volume;
        }
        let start = at.millis().div_euclid(MINUTE_MS) * MINUTE_MS;
        match self.candles.back_mut() {
            Some(c) if c.start == start => c.trade(price, traded),
            // A late tick for an earlier minute is folded into the newest.
            Some(c) if c.start > start => {
                c.volume += traded;
            }
            _ => {
                if self.candles.len() == self.cap {
                    self.candles.pop_front();
                }
                self.candles.push_back(Candle::opening(start, price, traded));
            }
        }
        traded
    }

    /// The newest `n` candles, oldest first.
    pub(crate) fn tail(&self, n: usize) -> impl Iterator<Item = &Candle> + Clone + '_ {
        self.candles.iter().skip(self.candles.len().saturating_sub(n))
    }
}

/// High, low and volume over some candles.
pub fn window_stats<'a>(candles: impl Iterator<Item = &'a Candle>) -> Option<(f64, f64, f64)> {
    candles.fold(None, |acc, c| match acc {
        None => Some((c.high, c.low, c.volume)),
        Some((h, l, v)) => Some((h.max(c.high), l.min(c.low), v + c.volume)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64, sec: i64) -> Timestamp {
        Timestamp(1_705_660_200_000 + min * MINUTE_MS + sec * 1000)
    }

    #[test]
    fn ticks_fold_into_minutes() {
        let mut c = Candles::new(10);
        c.push(at(0, 1), 10.0, Some(1000.0));
        c.push(at(0, 20), 12.0, Some(1300.0));
        c.push(at(0, 40), 9.0, Some(1500.0));
        c.push(at(0, 59), 11.0, Some(1600.0));
        c.push(at(1, 2), 11.5, Some(1700.0));
        let all: Vec<_> = c.tail(10).copied().collect();
        assert_eq!(all.len(), 2);
        let first = all[0];
        assert_eq!((first.open, first.high, first.low, first.close), (10.0, 12.0, 9.0, 11.0));
        assert_eq!(first.volume, 600.0);
        assert_eq!(all[1].volume, 100.0);
        assert_eq!(window_stats(c.tail(10)), Some((12.0, 9.0, 700.0)));
    }

    #[test]
    fn keeps_only_the_newest_minutes_and_survives_a_volume_reset() {
        let mut c = Candles::new(3);
        for m in 0..5 {
            c.push(at(m, 0), 1.0 + m as f64, Some(100.0 * (m as f64 + 1.0)));
        }
        assert_eq!(c.tail(10).count(), 3, "only the newest three minutes are kept");
        assert_eq!(c.tail(1).next().map(|k| k.open), Some(5.0));
        c.push(at(5, 0), 6.0, Some(10.0));
        assert_eq!(c.tail(1).next().map(|k| k.volume), Some(0.0), "a new session starts at zero");
    }
}
