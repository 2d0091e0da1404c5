//! The watchlist's Trend sparklines opened full: at start (and for a symbol
//! added later) the console asks for each symbol's recent one-minute
//! candles (§1a), and the trend becomes one point per minute, the closes of
//! the history joined by the live price. Without history the trend keeps
//! one point per second from the feed alone.

use std::time::{Duration, Instant};

use super::App;
use super::markets::{Quote, TREND_BUCKET};
use super::timeseries::Aged;
use crate::api::ApiError;
use crate::event::Effect;
use crate::protocol::{CandleSeries, Timestamp};

/// One trend point per minute once the history is in.
pub const TREND_HISTORY_STEP: Duration = Duration::from_secs(60);
/// Symbols whose trend history is asked for at start, at most: the top of
/// a long watchlist, without a storm of requests for a thousand symbols.
pub(crate) const TREND_SYMBOLS: usize = 100;

/// A symbol's minute closes with their ages, waiting for the quote they
/// seed (the history can come before the first price).
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    closes: Vec<Aged>,
    /// When the ages were taken.
    at: Instant,
}

impl Seed {
    /// Each close is the price at the end of its minute; the minute still
    /// filling is the price now.
    fn from_series(series: &CandleSeries, wall: Timestamp, at: Instant) -> Seed {
        let step = TREND_HISTORY_STEP.as_millis() as i64;
        let age = |start: i64| (wall.millis() - (start + step)).max(0);
        let closes =
            series.candles.iter().map(|c| Aged { age_ms: age(c.start), value: c.close }).collect();
        Seed { closes, at }
    }
}

impl Quote {
    /// Lay the history's minute closes in before the live trend, which
    /// goes on at one point a minute. Done once per quote.
    pub(crate) fn seed_trend(&mut self, seed: &Seed, now: Instant) {
        if self.history.step() != TREND_BUCKET || seed.closes.is_empty() {
            return;
        }
        let waited = now.saturating_duration_since(seed.at).as_millis() as i64;
        let closes: Vec<Aged> =
            seed.closes.iter().map(|a| Aged { age_ms: a.age_ms + waited, ..*a }).collect();
        self.history.seed(&closes, TREND_HISTORY_STEP, now);
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
                let seed = Seed::from_series(&series, self.wall, self.now);
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
        // The minute still filling is the live price, not the history's copy.
        assert_eq!(q.history.iter().collect::<Vec<_>>(), vec![100.0, 101.0, 102.0, 110.0]);
        assert_eq!(q.closed_trend().collect::<Vec<_>>(), vec![100.0, 101.0, 102.0]);
        assert_eq!(q.history.step(), TREND_HISTORY_STEP);
        // Within the minute the newest point moves and nothing shifts.
        a.now += Duration::from_secs(59);
        tick(&mut a, 111.0);
        assert_eq!(a.markets.quotes["AAPL"].closed_trend().count(), 3);
        // A minute on, that point closes and a new one opens.
        a.now += Duration::from_secs(2);
        tick(&mut a, 112.0);
        let closed: Vec<f64> = a.markets.quotes["AAPL"].closed_trend().collect();
        assert_eq!(closed, vec![100.0, 101.0, 102.0, 111.0]);
    }

    #[test]
    fn history_before_the_first_price_waits_for_it() {
        let mut a = app();
        a.wall = Timestamp::from_millis(1_705_660_230_000);
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
