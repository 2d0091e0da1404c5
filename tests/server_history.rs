//! The reference server's history endpoints against contract 1.1
//! (`docs/protocol.md` §1a candles, §3a monitoring samples), errors
//! included, started in-process on a loopback port 0.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{Server, WAIT, error_code, next_frame, subscribe};
use meridian::protocol::{
    self, Candle, CandleList, Interval, MonitoringHistory, MonitoringHistoryBody, Timestamp,
    decode_candles, decode_price_frame,
};
use meridian::server::ServeArgs;
use reqwest::StatusCode;
use serde_json::Value;

const MINUTE: i64 = 60_000;

fn candles_path(symbol: &str, query: &str) -> String {
    protocol::paths::CANDLES_ROUTE.replace("{symbol}", symbol) + "?" + query
}

/// The candles of a 200 answer, checked as the console checks them.
fn candles(v: &Value) -> Vec<Candle> {
    let series = decode_candles(&serde_json::to_vec(v).unwrap()).unwrap();
    assert_eq!(series.rejected, 0, "every candle is sane and in order");
    series.candles
}

async fn get_candles(s: &Server, symbol: &str, query: &str) -> Vec<Candle> {
    let (st, v) = s.get(&candles_path(symbol, query)).await;
    assert_eq!(st, StatusCode::OK, "{query}: {v}");
    candles(&v)
}

fn assert_error(st: StatusCode, v: &Value, want: StatusCode, code: &str) {
    assert_eq!((st, error_code(v)), (want, code), "{v}");
}

#[tokio::test]
async fn candles_at_every_interval_are_ordered_aligned_and_cover_a_day() {
    let s = Server::start(ServeArgs::for_tests()).await;
    for interval in Interval::ALL {
        let q = format!("interval={}&limit=5000", interval.as_str());
        let (st, v) = s.get(&candles_path("aapl", &q)).await;
        assert_eq!(st, StatusCode::OK);
        let list: CandleList = serde_json::from_value(v.clone()).unwrap();
        assert_eq!((list.symbol.as_str(), list.interval.as_str()), ("AAPL", interval.as_str()));
        let c = candles(&v);
        assert_eq!(c.len(), list.candles.len());
        assert!(c.iter().all(|x| x.start % interval.millis() == 0), "{interval:?} aligned");
        assert!(c.iter().all(|x| x.high >= x.open.max(x.close) && x.low <= x.open.min(x.close)));
        assert!(c.iter().all(|x| x.volume > 0.0));
        let span = c.last().unwrap().start - c[0].start;
        if interval == Interval::M1 {
            assert!((1_440..=1_442).contains(&c.len()), "{} one-minute candles", c.len());
            assert!(span >= 1_439 * MINUTE, "a day of minutes, not {span} ms");
        } else {
            let buckets = (24 * 60 * MINUTE) / interval.millis();
            assert!(c.len() as i64 >= buckets.max(1), "{interval:?}: {} candles", c.len());
            assert!(c.len() as i64 <= buckets + 2, "{interval:?}: {} candles", c.len());
        }
    }
    // Without a query: one-minute candles, the newest 500.
    assert_eq!(get_candles(&s, "MSFT", "").await.len(), 500);
    s.stop().await;
}

#[tokio::test]
async fn limit_from_and_to_select_buckets_in_either_time_form() {
    let s = Server::start(ServeArgs::for_tests()).await;
    // A range an hour back: every candle in it is closed, so answers agree.
    let to = Interval::M1.bucket(Timestamp::now().millis()) - 60 * MINUTE;
    let from = to - 30 * MINUTE + 1; // the first bucket is the next minute
    let all = get_candles(&s, "NVDA", &format!("to={to}&limit=5000")).await;
    assert_eq!(all.last().unwrap().start, to);
    let ten = get_candles(&s, "NVDA", &format!("to={to}&limit=10")).await;
    assert_eq!(ten, all[all.len() - 10..], "the newest ten in range");

    let by_ms = get_candles(&s, "NVDA", &format!("from={from}&to={to}")).await;
    let (f, t) = (Timestamp::from_millis(from), Timestamp::from_millis(to));
    let rfc = format!("from={}&to={}", rfc3339(f), rfc3339(t));
    let by_text = get_candles(&s, "NVDA", &rfc).await;
    assert_eq!(by_ms, by_text);
    assert_eq!(by_ms.len(), 30);
    assert_eq!((by_ms[0].start, by_ms[29].start), (from - 1 + MINUTE, to));

    // A 5m candle is its five 1m candles merged.
    let fives = get_candles(&s, "NVDA", &format!("interval=5m&to={to}&limit=3")).await;
    let five = fives[1];
    let q = format!("from={}&to={}", five.start, five.start + 4 * MINUTE);
    let ones = get_candles(&s, "NVDA", &q).await;
    assert_eq!(ones.len(), 5);
    let merged = Candle {
        start: five.start,
        open: ones[0].open,
        high: ones.iter().map(|c| c.high).fold(f64::MIN, f64::max),
        low: ones.iter().map(|c| c.low).fold(f64::MAX, f64::min),
        close: ones[4].close,
        volume: ones.iter().map(|c| c.volume).sum(),
    };
    assert_eq!(five, merged);
    s.stop().await;
}

fn rfc3339(t: Timestamp) -> String {
    let d = chrono::DateTime::from_timestamp_millis(t.millis()).unwrap();
    d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn candle_errors_use_the_envelope() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (st, v) = s.get(&candles_path("AAPL", "interval=2m")).await;
    assert_error(st, &v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let (st, v) = s.get(&candles_path("NVDX", "interval=1m")).await;
    assert_error(st, &v, StatusCode::NOT_FOUND, "not_found");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("symbol") && message.contains("NVDX"), "{message}");
    for bad in ["limit=0", "limit=ten", "limit=-3", "from=yesterday", "to=1.5e"] {
        let (st, v) = s.get(&candles_path("AAPL", bad)).await;
        assert_error(st, &v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    s.stop().await;
}

#[tokio::test]
async fn a_limit_over_5000_is_clamped() {
    // At 86400 times real time the clock passes a day a second and the
    // recorder stores each, until more than 5000 minutes are kept (a week
    // is kept: 10080).
    let args = ServeArgs { time_scale: 86_400.0, ..ServeArgs::for_tests() };
    let s = Server::start(args).await;
    let mut seen = 0;
    for _ in 0..300 {
        let c = get_candles(&s, "AAPL", "limit=99999").await;
        assert!(c.len() <= 5_000, "{} candles", c.len());
        seen = c.len();
        if seen == 5_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 5_000);
    s.stop().await;
}

#[tokio::test]
async fn the_newest_candle_joins_the_live_price() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let last = *get_candles(&s, "TSLA", "limit=1").await.last().unwrap();
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    subscribe(&mut ws, "TSLA").await;
    let (bytes, binary) = next_frame(&mut ws).await;
    let price = decode_price_frame(&bytes, binary).unwrap().items[0].price.unwrap();
    let gap = (last.close - price).abs() / price;
    assert!(gap < 0.01, "newest close {} vs first live price {price}", last.close);
    s.stop().await;
}

#[tokio::test]
async fn a_symbol_subscribed_on_the_feed_gets_history() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (st, v) = s.get(&candles_path("ZZTOP", "")).await;
    assert_error(st, &v, StatusCode::NOT_FOUND, "not_found");
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    subscribe(&mut ws, "zztop").await;
    next_frame(&mut ws).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let c = loop {
        let (st, v) = s.get(&candles_path("ZZTOP", "limit=5000")).await;
        if st == StatusCode::OK {
            break candles(&v);
        }
        assert!(tokio::time::Instant::now() < deadline, "no history: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(c.len() >= 1_440, "{} candles", c.len());
    s.stop().await;
}

async fn samples(s: &Server, query: &str) -> (StatusCode, Value) {
    s.get(&format!("{}{query}", protocol::paths::MONITORING_HISTORY)).await
}

#[tokio::test]
async fn monitoring_history_covers_the_minutes_asked_for() {
    let s = Server::start(ServeArgs::for_tests()).await;
    for (query, minutes) in [("", 60), ("?minutes=5", 5), ("?minutes=99999", 1_440)] {
        let before = Timestamp::now().millis();
        let (st, v) = samples(&s, query).await;
        let after = Timestamp::now().millis();
        assert_eq!(st, StatusCode::OK);
        let body: MonitoringHistoryBody = serde_json::from_value(v.clone()).unwrap();
        let series = body.validate();
        assert_eq!(series.rejected, 0, "oldest first, each sane");
        let typed: MonitoringHistory = serde_json::from_value(v).unwrap();
        assert_eq!(typed.samples.len(), series.samples.len());
        let stamps: Vec<i64> = series.samples.iter().map(|x| x.timestamp.millis()).collect();
        let (first, last) = (stamps[0], *stamps.last().unwrap());
        assert!(first >= before - minutes * MINUTE && last <= after, "{query}");
        // About one sample every ten seconds, from the start of the span.
        assert!(first < after - minutes * MINUTE + 20_000, "{query}: starts late");
        let expected = minutes * 6;
        assert!(stamps.len() as i64 >= expected - 2, "{query}: {} samples", stamps.len());
        assert!(stamps.len() as i64 <= expected + 2, "{query}: {} samples", stamps.len());
    }
    for bad in ["?minutes=0", "?minutes=soon", "?minutes="] {
        let (st, v) = samples(&s, bad).await;
        assert_error(st, &v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    s.stop().await;
}
