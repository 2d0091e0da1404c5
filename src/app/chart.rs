//! The chart of one symbol: candles of one interval, history from the
//! backend (§1a) merged with what the live feed builds.
//!
//! The seam: the history's newest candle is the server's view of its
//! bucket when it answered, so live ticks after the answer extend it and the
//! live candles the console built for that bucket or before are dropped
//! (the history counts those ticks already). Live candles newer than the
//! history's newest are kept after it. Each bucket is therefore counted once,
//! with no gap and no duplicate. Merging happens when the answer arrives and
//! per tick (one candle touched), never while drawing.

use std::time::Instant;

use crate::protocol::{Candle, CandleSeries, Interval, aggregate};

/// Candles kept per chart (a day of minutes, three of five-minute ones).
pub(crate) const CHART_CAP: usize = 1500;

/// How many candles to ask for: about a day at 1m, two or three days at
/// 5m, a week at 15m, a month at 1h, a year at 1d.
pub(crate) fn history_limit(interval: Interval) -> u32 {
    match interval {
        Interval::M1 => 1440,
        Interval::M5 => 864,
        Interval::M15 => 672,
        Interval::H1 => 720,
        Interval::D1 => 365,
    }
}

/// Where the chart's history stands.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryState {
    /// Asked for, no answer yet.
    Loading,
    /// The backend's candles are in (`count` of them).
    Loaded { count: usize },
    /// The backend has no history for this symbol (404 naming it).
    NoSymbol,
    /// The backend does not serve §1a: live candles only.
    Unavailable,
    /// The fetch failed; the chart shows live candles. Why, for the user.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub symbol: String,
    pub interval: Interval,
    pub history: HistoryState,
    /// Oldest first, one per bucket of `interval`, strictly increasing.
    pub candles: Vec<Candle>,
    /// The candle under the cursor (an index into `candles`); None follows
    /// the newest.
    pub cursor: Option<usize>,
    /// Where the candle panel's view starts, kept between frames so the
    /// cursor moves inside a still view and the view follows the newest
    /// candle while there is no cursor.
    pub view: super::ScrollState,
    pub requested_at: Instant,
}

impl Chart {
    /// A chart of `symbol` at `interval`, started from the live one-minute
    /// candles the console already built (history is asked for separately).
    pub(crate) fn new<'a>(
        symbol: &str,
        interval: Interval,
        live_minutes: impl Iterator<Item = &'a Candle>,
        now: Instant,
    ) -> Self {
        Chart {
            symbol: symbol.to_owned(),
            interval,
            history: HistoryState::Loading,
            candles: aggregate(live_minutes, interval),
            cursor: None,
            view: super::ScrollState::default(),
            requested_at: now,
        }
    }

    /// A live tick at `at_ms` (the server's stamp): extend its bucket, or
    /// open the next one. A tick for a bucket older than the newest is
    /// already part of the history (or too late to draw) and is ignored.
    pub(crate) fn on_tick(&mut self, at_ms: i64, price: f64, traded: f64) {
        let start = self.interval.bucket(at_ms);
        match self.candles.last_mut() {
            Some(c) if c.start == start => c.trade(price, traded),
            Some(c) if c.start > start => {}
            _ => {
                self.candles.push(Candle::opening(start, price, traded));
                self.trim();
            }
        }
    }

    /// The backend's answer: history up to its newest candle, then the
    /// live candles that are newer still.
    pub(crate) fn on_history(&mut self, series: CandleSeries) {
        let count = series.candles.len();
        if let Some(seam) = series.candles.last().map(|c| c.start) {
            let newer = self.candles.iter().filter(|c| c.start > seam).copied();
            let mut merged = series.candles;
            merged.extend(newer);
            self.candles = merged;
            self.cursor = None;
            self.trim();
        }
        self.history = HistoryState::Loaded { count };
    }

    fn trim(&mut self) {
        let excess = self.candles.len().saturating_sub(CHART_CAP);
        if excess > 0 {
            self.candles.drain(..excess);
            self.cursor = self.cursor.map(|c| c.saturating_sub(excess));
        }
    }

    /// Move the cursor `by` candles. The first move puts it on the newest
    /// candle; moving right past the newest lets the view follow live again.
    pub(crate) fn move_cursor(&mut self, by: isize) {
        let Some(last) = self.candles.len().checked_sub(1) else { return };
        self.cursor = match self.cursor {
            None if by < 0 => Some(last),
            None => None,
            Some(c) if by > 0 && c == last => None,
            Some(c) => Some((c as isize + by).clamp(0, last as isize) as usize),
        };
    }

    /// The candle under the cursor.
    pub(crate) fn at_cursor(&self) -> Option<&Candle> {
        self.cursor.and_then(|i| self.candles.get(i))
    }
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;
