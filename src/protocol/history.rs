//! History bodies of contract 1.1: price candles (§1a) and monitoring
//! samples (§3a). Each item is checked on its own: a candle or sample that
//! is malformed, out of order, duplicated or impossible is dropped and
//! counted, and the rest of the body is kept.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Performance, Processing, Timestamp};

/// A candle interval of §1a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Interval {
    #[default]
    M1,
    M5,
    M15,
    H1,
    D1,
}

impl Interval {
    pub const ALL: [Interval; 5] =
        [Interval::M1, Interval::M5, Interval::M15, Interval::H1, Interval::D1];

    /// The wire name (`1m`, `5m`, `15m`, `1h`, `1d`).
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::M1 => "1m",
            Interval::M5 => "5m",
            Interval::M15 => "15m",
            Interval::H1 => "1h",
            Interval::D1 => "1d",
        }
    }

    pub fn parse(s: &str) -> Option<Interval> {
        Interval::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// The bucket length in milliseconds.
    pub fn millis(self) -> i64 {
        const MINUTE: i64 = 60_000;
        match self {
            Interval::M1 => MINUTE,
            Interval::M5 => 5 * MINUTE,
            Interval::M15 => 15 * MINUTE,
            Interval::H1 => 60 * MINUTE,
            Interval::D1 => 1440 * MINUTE,
        }
    }

    /// The start of the bucket holding `ms` (buckets are aligned to the
    /// epoch, so days start at 00:00 UTC).
    pub fn bucket(self, ms: i64) -> i64 {
        ms.div_euclid(self.millis()) * self.millis()
    }

    /// The next interval, wrapping from `1d` to `1m`.
    pub fn next(self) -> Interval {
        let i = Interval::ALL.iter().position(|x| *x == self).unwrap_or(0);
        Interval::ALL[(i + 1) % Interval::ALL.len()]
    }
}

/// One OHLC candle, as the console keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Candle {
    /// Start of the bucket, milliseconds since the epoch.
    pub start: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// Volume traded in the bucket.
    pub volume: f64,
}

impl Candle {
    /// Whether the numbers can be drawn: finite, not negative, and the high
    /// and low enclosing the open and the close.
    pub fn is_sane(&self) -> bool {
        let prices = [self.open, self.high, self.low, self.close];
        prices.iter().chain([&self.volume]).all(|v| v.is_finite() && *v >= 0.0)
            && self.high >= self.low
            && prices.iter().all(|p| *p <= self.high && *p >= self.low)
    }
}

impl Candle {
    /// A bucket opened by one trade.
    pub fn opening(start: i64, price: f64, volume: f64) -> Candle {
        Candle { start, open: price, high: price, low: price, close: price, volume }
    }

    /// Extend the bucket with a later trade.
    pub fn trade(&mut self, price: f64, volume: f64) {
        self.high = self.high.max(price);
        self.low = self.low.min(price);
        self.close = price;
        self.volume += volume;
    }

    /// Extend the bucket with a later candle inside it.
    pub fn absorb(&mut self, later: &Candle) {
        self.high = self.high.max(later.high);
        self.low = self.low.min(later.low);
        self.close = later.close;
        self.volume += later.volume;
    }
}

/// Fold smaller candles (oldest first) into buckets of `interval`: the
/// open of the first, the close of the last, the extremes, the summed
/// volume. A candle older than the bucket being filled is skipped.
pub fn aggregate<'a>(
    smaller: impl IntoIterator<Item = &'a Candle>,
    interval: Interval,
) -> Vec<Candle> {
    let mut out: Vec<Candle> = Vec::new();
    for m in smaller {
        let start = interval.bucket(m.start);
        match out.last_mut() {
            Some(c) if c.start == start => c.absorb(m),
            Some(c) if c.start > start => {}
            _ => out.push(Candle { start, ..*m }),
        }
    }
    out
}

/// A candle as written on the wire (§1a).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WireCandle {
    pub time: Timestamp,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    #[serde(default)]
    pub volume: f64,
}

impl From<WireCandle> for Candle {
    fn from(w: WireCandle) -> Candle {
        Candle {
            start: w.time.millis(),
            open: w.open,
            high: w.high,
            low: w.low,
            close: w.close,
            volume: w.volume,
        }
    }
}

impl From<Candle> for WireCandle {
    fn from(c: Candle) -> WireCandle {
        WireCandle {
            time: Timestamp::from_millis(c.start),
            open: c.open,
            high: c.high,
            low: c.low,
            close: c.close,
            volume: c.volume,
        }
    }
}

/// The body of `GET /api/v1/prices/{symbol}/candles` as a server writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandleList {
    pub symbol: String,
    pub interval: String,
    pub candles: Vec<WireCandle>,
}

/// The same body as the console reads it: items are checked one by one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CandleBody {
    #[serde(default)]
    pub candles: Vec<Value>,
}

/// Candles that passed every check, oldest first, and how many did not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandleSeries {
    pub candles: Vec<Candle>,
    /// Malformed, impossible, out-of-order or duplicated candles dropped.
    pub rejected: u32,
}

impl CandleBody {
    /// Keep the candles that decode, are sane, and come strictly after the
    /// one before (out of order and duplicates are dropped, not sorted: a
    /// server that sends them is not to be second-guessed).
    pub fn validate(self) -> CandleSeries {
        let (candles, rejected) = keep_checked(
            self.candles,
            |w: WireCandle| Candle::from(w),
            |c| c.is_sane(),
            |prev, c| c.start > prev.start,
        );
        CandleSeries { candles, rejected }
    }
}

/// Decode each item as `W`, turn it into `T`, and keep it when it is `sane`
/// and comes strictly after the one kept before it (`after(prev, item)`);
/// returns what was kept and how many items were dropped.
fn keep_checked<W: serde::de::DeserializeOwned, T>(
    items: Vec<Value>,
    into: impl Fn(W) -> T,
    sane: impl Fn(&T) -> bool,
    after: impl Fn(&T, &T) -> bool,
) -> (Vec<T>, u32) {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    let mut rejected = 0;
    for v in items {
        let item = serde_json::from_value::<W>(v).map(&into);
        match item {
            Ok(t) if sane(&t) && kept.last().is_none_or(|prev| after(prev, &t)) => kept.push(t),
            _ => rejected += 1,
        }
    }
    (kept, rejected)
}

/// Decode a candles body (the fuzz target's entry point).
pub fn decode_candles(body: &[u8]) -> Result<CandleSeries, serde_json::Error> {
    serde_json::from_slice::<CandleBody>(body).map(CandleBody::validate)
}

/// One sample of §3a.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringSample {
    pub timestamp: Timestamp,
    pub processing: Processing,
    pub performance: Performance,
}

/// The body of `GET /api/v1/monitoring/history` as a server writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringHistory {
    pub samples: Vec<MonitoringSample>,
}

/// The same body as the console reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MonitoringHistoryBody {
    #[serde(default)]
    pub samples: Vec<Value>,
}

/// Samples that passed every check, oldest first, and how many did not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleSeries {
    pub samples: Vec<MonitoringSample>,
    pub rejected: u32,
}

impl MonitoringHistoryBody {
    pub fn validate(self) -> SampleSeries {
        let (samples, rejected) = keep_checked(
            self.samples,
            |s: MonitoringSample| s,
            sample_is_sane,
            |prev, s| s.timestamp > prev.timestamp,
        );
        SampleSeries { samples, rejected }
    }
}

fn sample_is_sane(s: &MonitoringSample) -> bool {
    let (p, f) = (&s.processing, &s.performance);
    [
        p.queue_depth,
        p.processed_per_sec,
        p.error_rate,
        f.api_p50_ms,
        f.api_p99_ms,
        f.cpu_pct,
        f.memory_pct,
    ]
    .iter()
    .all(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn bad_candles_are_dropped_and_counted() {
        let body = br#"{"symbol":"AAPL","interval":"1m","extra":1,"candles":[
            {"time":60000,"open":1,"high":2,"low":0.5,"close":1.5,"volume":10},
            {"time":60000,"open":1,"high":2,"low":0.5,"close":1.5,"volume":10},
            {"time":0,"open":1,"high":2,"low":0.5,"close":1.5},
            {"time":120000,"open":1,"high":0.5,"low":2,"close":1.5},
            {"time":180000,"open":-1,"high":2,"low":-1,"close":1.5},
            {"time":240000,"open":"x","high":2,"low":1,"close":1.5},
            {"time":300000,"open":1,"high":2,"low":1,"close":3},
            {"time":"1970-01-01T00:06:00Z","open":1,"high":2,"low":1,"close":1.5}
        ]}"#;
        let s = decode_candles(body).unwrap();
        assert_eq!(s.candles.iter().map(|c| c.start).collect::<Vec<_>>(), vec![60_000, 360_000]);
        assert_eq!(s.rejected, 6);
        assert_eq!(s.candles[1].volume, 0.0, "volume is optional");
    }

    #[test]
    fn intervals_name_and_bucket() {
        assert_eq!(Interval::parse("15m"), Some(Interval::M15));
        assert_eq!(Interval::parse("2m"), None);
        assert_eq!(Interval::H1.bucket(3_600_000 * 5 + 59), 3_600_000 * 5);
        assert_eq!(Interval::D1.next(), Interval::M1);
        assert_eq!(Interval::M1.bucket(-1), -60_000);
    }

    #[test]
    fn samples_keep_order_and_drop_the_broken() {
        let body = br#"{"samples":[
          {"timestamp":1000,"processing":{"queue_depth":1},"performance":{"api_p99_ms":3}},
          {"timestamp":1000,"processing":{},"performance":{}},
          {"timestamp":2000,"processing":{"queue_depth":-1},"performance":{}},
          {"processing":{},"performance":{}},
          {"timestamp":"1970-01-01T00:00:03Z","processing":{},"performance":{"cpu_pct":5}}
        ]}"#;
        let s = serde_json::from_slice::<MonitoringHistoryBody>(body).unwrap().validate();
        assert_eq!(s.samples.len(), 2);
        assert_eq!(s.rejected, 3);
        assert_eq!(s.samples[1].performance.cpu_pct, 5.0);
    }
}
