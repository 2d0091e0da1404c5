//! The chart follows the selection and asks for history as a user would
//! see it: one fetch at a time, the newest wish wins, and a backend
//! without the endpoint is asked once.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::event::{ApiEvent, Event};
use crate::keymap::Keymap;
use crate::protocol::Candle;

fn app() -> App {
    App::new(
        crate::app::Settings::default(),
        Keymap::default_map(),
        vec!["AAPL".into(), "MSFT".into(), "TSLA".into()],
        Instant::now(),
    )
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), &mut fx);
    fx
}

fn fetches(fx: &[Effect]) -> Vec<(String, Interval)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchCandles { symbol, interval, .. } => Some((symbol.clone(), *interval)),
            _ => None,
        })
        .collect()
}

fn answer(
    app: &mut App,
    symbol: &str,
    interval: Interval,
    result: Result<CandleSeries, ApiError>,
) -> Vec<Effect> {
    let mut fx = Vec::new();
    let ev = ApiEvent::Candles { symbol: symbol.into(), interval, result };
    app.update(Event::Api(ev), &mut fx);
    fx
}

fn day() -> CandleSeries {
    let candles = (0..1440)
        .map(|m| Candle {
            start: 1_705_600_000_000 / 60_000 * 60_000 + m * 60_000,
            open: 100.0,
            high: 101.0,
            low: 99.0,
            close: 100.5,
            volume: 10.0,
        })
        .collect();
    CandleSeries { candles, rejected: 2 }
}

#[test]
fn the_markets_tab_charts_the_selected_symbol_with_its_history() {
    let mut a = app();
    assert!(fetches(&key(&mut a, KeyCode::Char('1'))).is_empty(), "no chart off Markets");
    let fx = key(&mut a, KeyCode::Char('4'));
    assert_eq!(fetches(&fx), vec![("AAPL".to_owned(), Interval::M1)]);
    assert!(matches!(&fx[..], [Effect::FetchCandles { limit: 1440, .. }]), "a day of minutes");
    answer(&mut a, "AAPL", Interval::M1, Ok(day()));
    let chart =
        a.markets.chart.as_ref().map(|c| (c.symbol.clone(), c.candles.len(), c.history.clone()));
    assert_eq!(chart, Some(("AAPL".into(), 1440, HistoryState::Loaded { count: 1440 })));
    assert_eq!(a.markets.candles_rejected, 2, "dropped candles are counted for D");
}

#[test]
fn moving_fast_asks_once_at_a_time_and_ends_on_the_last_symbol() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    assert!(fetches(&key(&mut a, KeyCode::Char('j'))).is_empty(), "AAPL's fetch is still out");
    assert!(fetches(&key(&mut a, KeyCode::Char('j'))).is_empty());
    // AAPL's answer comes for a chart no longer shown: dropped, TSLA asked.
    let fx = answer(&mut a, "AAPL", Interval::M1, Ok(day()));
    assert_eq!(fetches(&fx), vec![("TSLA".to_owned(), Interval::M1)]);
    let chart = a.markets.chart.as_ref().map(|c| (c.symbol.clone(), c.history.clone()));
    assert_eq!(chart, Some(("TSLA".into(), HistoryState::Loading)));
}

#[test]
fn time_frames_cycle_and_each_asks_for_its_candles() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    answer(&mut a, "AAPL", Interval::M1, Ok(day()));
    let fx = key(&mut a, KeyCode::Char('f'));
    assert_eq!(fetches(&fx), vec![("AAPL".to_owned(), Interval::M5)]);
    assert_eq!(a.message.as_deref(), Some("chart: 5m candles"));
    answer(&mut a, "AAPL", Interval::M5, Ok(CandleSeries::default()));
    for want in [Interval::M15, Interval::H1, Interval::D1, Interval::M1] {
        let fx = key(&mut a, KeyCode::Char('f'));
        assert_eq!(fetches(&fx), vec![("AAPL".to_owned(), want)]);
        answer(&mut a, "AAPL", want, Ok(CandleSeries::default()));
    }
}

#[test]
fn a_backend_without_the_endpoint_is_asked_once_and_a_missing_symbol_is_said() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    let missing = ApiError::Status {
        status: reqwest::StatusCode::NOT_FOUND,
        code: "not_found".into(),
        message: "symbol AAPL not found".into(),
        path: "/api/v1/prices/AAPL/candles".into(),
    };
    answer(&mut a, "AAPL", Interval::M1, Err(missing));
    assert_eq!(a.markets.chart.as_ref().map(|c| c.history.clone()), Some(HistoryState::NoSymbol));
    let fx = key(&mut a, KeyCode::Char('j'));
    let gone = ApiError::Unavailable { path: "/api/v1/prices/MSFT/candles".into() };
    assert_eq!(fetches(&fx).len(), 1);
    answer(&mut a, "MSFT", Interval::M1, Err(gone));
    assert_eq!(
        a.markets.chart.as_ref().map(|c| c.history.clone()),
        Some(HistoryState::Unavailable)
    );
    assert!(fetches(&key(&mut a, KeyCode::Char('j'))).is_empty(), "not asked again");
    assert_eq!(
        a.markets.chart.as_ref().map(|c| c.history.clone()),
        Some(HistoryState::Unavailable)
    );
}

#[test]
fn the_cursor_moves_over_candles_and_esc_lets_go_before_closing() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    answer(&mut a, "AAPL", Interval::M1, Ok(day()));
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Char('h'));
    assert_eq!(a.markets.chart.as_ref().and_then(|c| c.cursor), Some(1438));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.markets.chart.as_ref().and_then(|c| c.cursor), None);
    assert!(a.markets.detail, "the first Esc only lets go of the cursor");
    key(&mut a, KeyCode::Esc);
    assert!(!a.markets.detail);
}

#[test]
fn refresh_asks_for_the_chart_again() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    answer(&mut a, "AAPL", Interval::M1, Ok(day()));
    let fx = key(&mut a, KeyCode::Char('R'));
    assert_eq!(fetches(&fx), vec![("AAPL".to_owned(), Interval::M1)]);
}
