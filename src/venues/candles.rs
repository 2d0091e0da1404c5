//! Candles from each venue's public REST API: where to ask
//! ([`rest_base`], [`candle_request`]) and how to read the answer
//! ([`decode_venue_candles`]). Like the contract's candles (§1a), every row
//! is checked on its own: a row that is malformed, impossible or not after
//! the one before is dropped and counted, and the rest is kept.
//!
//! Also home to [`number`], the lenient number reader the adapters share.

use serde_json::Value;

use super::{PricesFormat, VenueError, host_of};
use crate::protocol::{Candle, CandleSeries, Interval, decode_candles};
use crate::sanitize::clean;

/// One GET: the URL and its query parameters (to be encoded by the client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandleRequest {
    pub url: String,
    pub query: Vec<(String, String)>,
}

/// Most klines Binance returns for one request.
const BINANCE_MAX: u32 = 1000;

/// The REST base for a venue whose feed is at `ws_url`: the venue's public
/// API for its well-known WebSocket hosts, otherwise the same host and port
/// with `ws` → `http`, `wss` → `https` and no path (so a local replay
/// server serves both). `None` for our contract, whose REST base is the
/// server's, and for a URL that is not `ws(s)://` or `http(s)://`.
pub fn rest_base(format: PricesFormat, ws_url: &str) -> Option<String> {
    if !format.is_venue() {
        return None;
    }
    let host = host_of(ws_url)?;
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    let known = match format {
        PricesFormat::Coinbase if under("coinbase.com") && host.contains("sandbox") => {
            Some("https://api-public.sandbox.exchange.coinbase.com")
        }
        PricesFormat::Coinbase if under("coinbase.com") => {
            Some("https://api.exchange.coinbase.com")
        }
        PricesFormat::Kraken if under("kraken.com") => Some("https://api.kraken.com"),
        PricesFormat::Binance if under("binance.vision") && host.contains("testnet") => {
            Some("https://testnet.binance.vision")
        }
        PricesFormat::Binance if under("binance.com") || under("binance.vision") => {
            Some("https://api.binance.com")
        }
        _ => None,
    };
    match known {
        Some(base) => Some(base.to_owned()),
        None => same_host(ws_url),
    }
}

/// `ws://h:p/x` → `http://h:p`, `wss://h/x` → `https://h`.
fn same_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "http",
        "wss" | "https" => "https",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    (!host_port.is_empty()).then(|| format!("{scheme}://{host_port}"))
}

/// The request for the latest candles of `symbol` (as the user wrote it)
/// at `interval`; `None` for our contract (its own endpoint, §1a).
/// Coinbase has no limit parameter and answers at most 300 candles.
pub fn candle_request(
    format: PricesFormat,
    rest_base: &str,
    symbol: &str,
    interval: Interval,
    limit: u32,
) -> Option<CandleRequest> {
    let base = rest_base.trim_end_matches('/');
    let pair = |k: &str, v: String| (k.to_owned(), v);
    let seconds = interval.millis() / 1000;
    let (url, query) = match format {
        PricesFormat::Meridian => return None,
        PricesFormat::Coinbase => (
            format!("{base}/products/{}/candles", path_segment(symbol)),
            vec![pair("granularity", seconds.to_string())],
        ),
        PricesFormat::Kraken => (
            format!("{base}/0/public/OHLC"),
            // The REST API takes the pair without WebSocket v2's slash
            // (`BTCUSD` for `BTC/USD`).
            vec![
                pair("pair", symbol.replace('/', "")),
                pair("interval", (seconds / 60).to_string()),
            ],
        ),
        PricesFormat::Binance => (
            format!("{base}/api/v3/klines"),
            vec![
                pair("symbol", symbol.to_owned()),
                pair("interval", interval.as_str().to_owned()),
                pair("limit", limit.clamp(1, BINANCE_MAX).to_string()),
            ],
        ),
    };
    Some(CandleRequest { url, query })
}

/// `s` percent-encoded for one URL path segment.
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Read a venue's candles answer, oldest first. A body that is not the
/// venue's documented shape, or is the venue's error answer, is an error
/// (its text cleaned); bad rows are dropped and counted.
pub fn decode_venue_candles(format: PricesFormat, body: &[u8]) -> Result<CandleSeries, VenueError> {
    if format == PricesFormat::Meridian {
        return decode_candles(body).map_err(VenueError::from);
    }
    let v: Value = serde_json::from_slice(body)?;
    match (format, v) {
        // [time s, low, high, open, close, volume], newest first.
        (PricesFormat::Coinbase, Value::Array(mut rows)) => {
            rows.reverse();
            Ok(keep(&rows, |r| row(r, 1000, [3, 2, 1, 4, 5])))
        }
        (PricesFormat::Kraken, v) => kraken(&v),
        // [open time ms, open, high, low, close, volume, ...], oldest first.
        (PricesFormat::Binance, Value::Array(rows)) => {
            Ok(keep(&rows, |r| row(r, 1, [1, 2, 3, 4, 5])))
        }
        (_, other) => Err(error_answer(&other)),
    }
}

/// Kraken's `{"error":[...],"result":{"<pair>":[[time s, open, high, low,
/// close, vwap, volume, count], ...],"last":...}}`, oldest first.
fn kraken(v: &Value) -> Result<CandleSeries, VenueError> {
    let errors: Vec<&str> = match v.get("error") {
        Some(Value::Array(e)) => e.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !errors.is_empty() {
        return Err(VenueError(clean(&errors.join(", "))));
    }
    let result = v
        .get("result")
        .and_then(Value::as_object)
        .ok_or_else(|| VenueError("Kraken answer without a result".into()))?;
    let rows = result.iter().find(|(k, _)| k.as_str() != "last").and_then(|(_, v)| v.as_array());
    Ok(rows.map(|rows| keep(rows, |r| row(r, 1000, [1, 2, 3, 4, 6]))).unwrap_or_default())
}

/// The error text of an answer that is not a list of candles: Coinbase's
/// `{"message":...}`, Binance's `{"code":...,"msg":...}`.
fn error_answer(v: &Value) -> VenueError {
    let text = ["message", "msg"].iter().find_map(|k| v.get(*k).and_then(Value::as_str));
    match text.map(clean).filter(|t| !t.is_empty()) {
        Some(t) => VenueError(t),
        None => VenueError("unexpected candles answer (not a list)".into()),
    }
}

/// Keep the rows that read as sane candles strictly after the one before.
fn keep(rows: &[Value], read: impl Fn(&Value) -> Option<Candle>) -> CandleSeries {
    let mut series = CandleSeries::default();
    for r in rows {
        match read(r) {
            Some(c) if c.is_sane() && series.candles.last().is_none_or(|p| c.start > p.start) => {
                series.candles.push(c);
            }
            _ => series.rejected = series.rejected.saturating_add(1),
        }
    }
    series
}

/// One array row: its time (element 0, times `scale` to make
/// milliseconds) and open, high, low, close, volume at the indices `at`.
fn row(r: &Value, scale: i64, at: [usize; 5]) -> Option<Candle> {
    let r = r.as_array()?;
    let start = integer(r.first()?)?.checked_mul(scale)?;
    let n = |i: usize| number(r.get(at[i]));
    Some(Candle { start, open: n(0)?, high: n(1)?, low: n(2)?, close: n(3)?, volume: n(4)? })
}

/// A whole number, written as a JSON number or a string.
fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A venue number, written as a JSON number or a decimal string: `None`
/// when absent, not a number, not finite or negative.
pub(super) fn number(v: Option<&Value>) -> Option<f64> {
    signed(v).filter(|x| *x >= 0.0)
}

/// Like [`number`], negative allowed (a change).
pub(super) fn signed(v: Option<&Value>) -> Option<f64> {
    let x = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn rest_bases_of_the_well_known_hosts_and_of_a_replay_server() {
        use PricesFormat::{Binance, Coinbase, Kraken, Meridian};
        let cases = [
            (
                Coinbase,
                "wss://ws-feed.exchange.coinbase.com",
                Some("https://api.exchange.coinbase.com"),
            ),
            (
                Coinbase,
                "wss://ws-feed-public.sandbox.exchange.coinbase.com",
                Some("https://api-public.sandbox.exchange.coinbase.com"),
            ),
            (Kraken, "wss://ws.kraken.com/v2", Some("https://api.kraken.com")),
            (Binance, "wss://stream.binance.com:9443/stream", Some("https://api.binance.com")),
            (Binance, "wss://data-stream.binance.vision/stream", Some("https://api.binance.com")),
            (Binance, "ws://127.0.0.1:9100/stream?x=1", Some("http://127.0.0.1:9100")),
            (Kraken, "wss://user@replay.local:8443/v2", Some("https://replay.local:8443")),
            (Coinbase, "ws://[::1]:7000", Some("http://[::1]:7000")),
            (Coinbase, "wss://ws.kraken.com/v2", Some("https://ws.kraken.com")),
            (Coinbase, "ftp://ws-feed.example", None),
            (Meridian, "wss://ws-feed.exchange.coinbase.com", None),
        ];
        for (format, url, want) in cases {
            assert_eq!(rest_base(format, url).as_deref(), want, "{format} {url}");
        }
    }

    #[test]
    fn candle_requests_follow_each_venue() {
        let q =
            |r: &CandleRequest| r.query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
        let c = candle_request(PricesFormat::Coinbase, "https://a/", "BTC-USD", Interval::M15, 500)
            .unwrap();
        assert_eq!(c.url, "https://a/products/BTC-USD/candles");
        assert_eq!(q(&c), ["granularity=900"]);
        let c =
            candle_request(PricesFormat::Coinbase, "https://a", "A/B", Interval::D1, 5).unwrap();
        assert_eq!(c.url, "https://a/products/A%2FB/candles");
        assert_eq!(q(&c), ["granularity=86400"]);
        let k =
            candle_request(PricesFormat::Kraken, "https://k", "BTC/USD", Interval::H1, 10).unwrap();
        assert_eq!(k.url, "https://k/0/public/OHLC");
        assert_eq!(q(&k), ["pair=BTCUSD", "interval=60"]);
        let b = candle_request(PricesFormat::Binance, "https://b", "BTCUSDT", Interval::M5, 5000)
            .unwrap();
        assert_eq!(b.url, "https://b/api/v3/klines");
        assert_eq!(q(&b), ["symbol=BTCUSDT", "interval=5m", "limit=1000"]);
        let b =
            candle_request(PricesFormat::Binance, "https://b", "BTCUSDT", Interval::D1, 0).unwrap();
        assert_eq!(q(&b)[1..], ["interval=1d", "limit=1"]);
        assert_eq!(
            candle_request(PricesFormat::Meridian, "https://m", "AAPL", Interval::M1, 5),
            None
        );
    }

    fn starts(s: &CandleSeries) -> Vec<i64> {
        s.candles.iter().map(|c| c.start).collect()
    }

    #[test]
    fn coinbase_candles_come_newest_first_and_leave_oldest_first() {
        let body = br#"[[1700000120,10,12,11,11.5,3],[1700000060,"9","11","10","10.5","2.5"],
            [1700000000,9,10,9.5,9.8,1]]"#;
        let s = decode_venue_candles(PricesFormat::Coinbase, body).unwrap();
        assert_eq!(starts(&s), [1_700_000_000_000, 1_700_000_060_000, 1_700_000_120_000]);
        assert_eq!(s.rejected, 0);
        let c = s.candles[2];
        assert_eq!((c.open, c.high, c.low, c.close, c.volume), (11.0, 12.0, 10.0, 11.5, 3.0));
        assert_eq!(s.candles[1].open, 10.0, "numbers written as strings are read");
        let err =
            decode_venue_candles(PricesFormat::Coinbase, br#"{"message":"NotFound\u001b[2J"}"#);
        assert_eq!(err, Err(VenueError("NotFound".into())), "the whole escape sequence goes");
    }

    #[test]
    fn insane_and_out_of_order_candles_are_counted() {
        // Oldest first once reversed: 0, 60 (high under low), 120 (a
        // negative), 120 ("x"), 180, 180 again, 60 (backwards), not a row.
        let body = br#"["row",[60,1,2,1,1,1],[180,1,2,1,1,1],[180,1,2,1.5,1,1],[120,1,2,"x",1,1],
            [120,-1,2,1,1,1],[60,2,1,1.5,1.5,1],[0,1,2,1,1,1]]"#;
        let s = decode_venue_candles(PricesFormat::Coinbase, body).unwrap();
        assert_eq!(starts(&s), [0, 180_000]);
        assert_eq!(s.rejected, 6);
        assert_eq!(s.candles.len() as u32 + s.rejected, 8, "kept and dropped add up");
    }

    #[test]
    fn kraken_candles_and_its_error_array() {
        let body = br#"{"error":[],"result":{"XXBTZUSD":[
            [1688671200,"30306.1","30306.2","30305.7","30305.7","30306.1","3.39243896",23],
            [1688671260,"30305.7","30305.7","30300.0","30301.1","30302.0","1.5",4],
            [1688671260,"1","1","1","1","1","1",1]],"last":1688672160}}"#;
        let s = decode_venue_candles(PricesFormat::Kraken, body).unwrap();
        assert_eq!(starts(&s), [1_688_671_200_000, 1_688_671_260_000]);
        assert_eq!(s.rejected, 1);
        let c = s.candles[0];
        assert_eq!((c.open, c.high, c.low, c.close), (30306.1, 30306.2, 30305.7, 30305.7));
        assert_eq!(c.volume, 3.39243896, "volume is element 6, not the vwap");
        let err = br#"{"error":["EQuery:Unknown asset pair","EGeneral:\u0007Bad"]}"#;
        assert_eq!(
            decode_venue_candles(PricesFormat::Kraken, err),
            Err(VenueError("EQuery:Unknown asset pair, EGeneral:Bad".into()))
        );
        assert!(decode_venue_candles(PricesFormat::Kraken, b"[]").is_err());
    }

    #[test]
    fn binance_klines_and_its_error_body() {
        let body = br#"[[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100",
            "148976.11427815",1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","0"],
            [1499040060000,"NaN","1","0","0.5","1",0,"0",0,"0","0","0"]]"#;
        let s = decode_venue_candles(PricesFormat::Binance, body).unwrap();
        assert_eq!(starts(&s), [1_499_040_000_000]);
        assert_eq!(s.rejected, 1);
        assert_eq!(s.candles[0].close, 0.015771);
        assert_eq!(s.candles[0].volume, 148976.11427815);
        assert_eq!(
            decode_venue_candles(
                PricesFormat::Binance,
                br#"{"code":-1121,"msg":"Invalid symbol."}"#
            ),
            Err(VenueError("Invalid symbol.".into()))
        );
        assert!(decode_venue_candles(PricesFormat::Binance, b"[[1,2").is_err());
    }

    #[test]
    fn meridian_bodies_use_the_contract_decoder() {
        let body = br#"{"candles":[{"time":60000,"open":1,"high":2,"low":0.5,"close":1.5}]}"#;
        let s = decode_venue_candles(PricesFormat::Meridian, body).unwrap();
        assert_eq!(starts(&s), [60_000]);
    }

    #[test]
    fn numbers_are_finite_and_signed_only_when_asked() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(number(Some(&v("\"1.5\""))), Some(1.5));
        assert_eq!(number(Some(&v("-1"))), None);
        assert_eq!(signed(Some(&v("-1"))), Some(-1.0));
        assert_eq!(number(Some(&v("\"inf\""))), None);
        assert_eq!(number(Some(&v("\"1e400\""))), None);
        assert_eq!(number(Some(&v("true"))), None);
        assert_eq!(number(None), None);
    }
}
