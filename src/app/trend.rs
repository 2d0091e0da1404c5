//! The watchlist's Trend sparklines opened full: at start (and for a symbol
//! added later) the console asks for each symbol's recent one-minute
//! candles (§1a), and the trend becomes one point per minute, the closes of
//! the history joined by the live price. Without history the trend keeps
//! one point per second from the feed alone.

use std::time::{Duration, Instant};

use super::markets::{Quote, TREND_BUCKET};
use super::{App, History};
use crate::api::ApiError;
use crate::event::Effect;
use crate::protocol::{CandleSeries, Timestamp};

/// One trend point per minute once the history is in.
pub const TREND_HISTORY_STEP: Duration = Duration::from_secs(60);
/// Symbols whose trend history is asked for at start, at most: the top of
/// a long watchlist, without a storm of requests for a thousand symbols.
pub(crate) const TREND_SYMBOLS: usize = 100;

/// A symbol's minute closes as they came, waiting for the quote they seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    closes: Vec<f64>,
    /// Start of the newest candle (the minute still filling), ms.
    newest: i64,
    /// The wall clock when the answer came.
    received: Timestamp,
}

impl Seed {
    fn from_series(series: &CandleSeries, received: Timestamp) -> Option<Seed> {
        let newest = series.candles.last()?.start;
        let closes = series.candles.iter().map(|c| c.close).collect();
        Some(Seed { closes, newest, received })
    }
}

impl Quote {
    /// Replace the per-second trend with the history's minute closes; the
    /// newest minute is the one filling now, and the live price, when
    /// there is one, is its latest value. Done once per quote.
    pub(crate) fn seed_trend(&mut self, seed: &Seed, now: Instant) {
        if self.trend_step != TREND_BUCKET {
            return;
        }
        let mut history = History::new(self.history.capacity());
        for close in &seed.closes {
            history.push(*close);
        }
        if let Some(p) = self.last {
            history.set_last(p);
        }
        let into = (seed.received.millis() - seed.newest).clamp(0, 59_999) as u64;
        self.history = history;
        self.trend_step = TREND_HISTORY_STEP;
        self.bucket_start = now.checked_sub(Duration::from_millis(into)).or(Some(now));
    }
}

impl App {
    /// Ask for the trend history of `symbols` (none when the backend has
    /// shown it has no candles endpoint).
    pub(super) fn fetch_trends(&self, symbols: &[String], fx: &mut Vec<Effect>) {
        if self.markets.history_unavailable || symbols.is_empty() {
            return;
        }
        let symbols = symbols.iter().take(TREND_SYMBOLS).cloned().collect();
        let limit = self.settings.history_points.min(5000) as u32;
        fx.push(Effect::FetchTrends { symbols, limit });
    }

    /// One symbol's trend history. A failure leaves the trend per second.
    pub(super) fn on_trend(&mut self, symbol: &str, result: Result<CandleSeries, ApiError>) {
        let m = &mut self.markets;
        match result {
            Ok(series) => {
                m.candles_rejected += u64::from(series.rejected);
                let Some(seed) = Seed::from_series(&series, self.wall) else { return };
                match m.quotes.get_mut(symbol) {
                    Some(q) => q.seed_trend(&seed, self.now),
                    None if m.symbols.iter().any(|s| s == symbol) => {
                        m.pending_trends.insert(symbol.to_owned(), seed);
                    }
                    None => {}
                }
            }
            Err(ApiError::Unavailable { .. }) => m.history_unavailable = true,
            Err(e) => tracing::debug!(symbol, error = %e, "no trend history"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ApiEvent, Event, FeedEvent};
    use crate::keymap::Keymap;
    use crate::protocol::{Candle, PriceKind, PriceUpdate};

    fn app() -> App {
        let settings = crate::app::Settings { history_points: 10, ..Default::default() };
        App::new(settings, Keymap::default_map(), vec!["AAPL".into()], Instant::now())
    }

    fn series(closes: &[f64], newest: i64) -> CandleSeries {
        let n = closes.len() as i64;
        let candles = closes
            .iter()
            .enumerate()
            .map(|(i, &c)| Candle {
                start: newest - (n - 1 - i as i64) * 60_000,
                open: c,
                high: c,
                low: c,
                close: c,
                volume: 1.0,
            })
            .collect();
        CandleSeries { candles, rejected: 0 }
    }

    fn tick(a: &mut App, price: f64) {
        let u = PriceUpdate {
            kind: PriceKind::Delta,
            symbol: "AAPL".into(),
            price: Some(price),
            ..PriceUpdate::blank()
        };
        a.update(Event::Feed(FeedEvent::Prices(vec![u])), &mut Vec::new());
    }

    fn answer(a: &mut App, s: CandleSeries) {
        let ev = ApiEvent::Trend { symbol: "AAPL".into(), result: Ok(s) };
        a.update(Event::Api(ev), &mut Vec::new());
    }

    #[test]
    fn the_trend_opens_with_minute_closes_and_the_live_price_fills_the_open_minute() {
        let mut a = app();
        a.wall = Timestamp::from_millis(1_705_660_230_000); // 30 s into 10:30
        tick(&mut a, 110.0);
        answer(&mut a, series(&[100.0, 101.0, 102.0, 103.0], 1_705_660_200_000));
        let q = &a.markets.quotes["AAPL"];
        assert_eq!(q.history.iter().collect::<Vec<_>>(), vec![100.0, 101.0, 102.0, 110.0]);
        assert_eq!(q.closed_trend().collect::<Vec<_>>(), vec![100.0, 101.0, 102.0]);
        assert_eq!(q.trend_step, TREND_HISTORY_STEP);
        // 29 s later is still 10:30: the open minute moves, nothing shifts.
        a.now += Duration::from_secs(29);
        tick(&mut a, 111.0);
        assert_eq!(a.markets.quotes["AAPL"].closed_trend().count(), 3);
        // Past 10:31 the minute closes and a new one opens.
        a.now += Duration::from_secs(2);
        tick(&mut a, 112.0);
        let closed: Vec<f64> = a.markets.quotes["AAPL"].closed_trend().collect();
        assert_eq!(closed, vec![100.0, 101.0, 102.0, 111.0]);
    }

    #[test]
    fn history_before_the_first_price_waits_for_it() {
        let mut a = app();
        answer(&mut a, series(&[100.0, 101.0], 1_705_660_200_000));
        assert!(a.markets.quotes.is_empty(), "no quote without a price");
        tick(&mut a, 105.0);
        let trend: Vec<f64> = a.markets.quotes["AAPL"].history.iter().collect();
        assert_eq!(trend, vec![100.0, 105.0]);
    }

    #[test]
    fn start_asks_for_the_trends_until_the_backend_says_it_has_none() {
        let mut a = app();
        let fx = a.start();
        assert!(fx.contains(&Effect::FetchTrends { symbols: vec!["AAPL".into()], limit: 10 }));
        let gone = ApiError::Unavailable { path: "/api/v1/prices/AAPL/candles".into() };
        let ev = ApiEvent::Trend { symbol: "AAPL".into(), result: Err(gone) };
        a.update(Event::Api(ev), &mut Vec::new());
        assert!(!a.start().iter().any(|e| matches!(e, Effect::FetchTrends { .. })));
    }
}
