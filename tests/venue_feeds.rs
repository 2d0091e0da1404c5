//! Each venue adapter against a local server that replays frames in the
//! venue's documented shape (`tests/fixtures/venues/`): the subscribe flow,
//! the snapshot then updates reaching the watchlist with the venue's 24h
//! open as the change's reference, heartbeats keeping a quiet price fresh,
//! a sequence gap and a sequence going backwards, a malformed frame, a
//! product the venue refuses, and the venue's candles. Only loopback.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::feed_console::FeedConsole;
use common::venue::{Replay, Script, candles_body, fixture};
use meridian::app::Settings;
use meridian::event::{FeedEvent, Link};
use meridian::feeds::{Backoff, FeedOptions};
use meridian::protocol::Interval;
use meridian::venues::{PricesFormat, VenueClient};
use serde_json::Value;

/// One venue, its symbols as it writes them, and what its fixture ends on.
#[derive(Clone, Copy)]
struct Venue {
    format: PricesFormat,
    btc: &'static str,
    eth: &'static str,
    unknown: &'static str,
    /// BTC's last price after the fixture's updates, and its 24h open.
    btc_last: f64,
    btc_open: f64,
    /// What the candles request for BTC, 3 one-minute candles, asks.
    candles_path: &'static str,
}

const COINBASE: Venue = Venue {
    format: PricesFormat::Coinbase,
    btc: "BTC-USD",
    eth: "ETH-USD",
    unknown: "BTC-USDX",
    btc_last: 67009.87,
    btc_open: 66150.01,
    candles_path: "/products/BTC-USD/candles?granularity=60",
};
const KRAKEN: Venue = Venue {
    format: PricesFormat::Kraken,
    btc: "BTC/USD",
    eth: "ETH/USD",
    unknown: "BTC/USDX",
    btc_last: 26372.6,
    btc_open: 26260.0,
    candles_path: "/0/public/OHLC?pair=BTCUSD&interval=1",
};
const BINANCE: Venue = Venue {
    format: PricesFormat::Binance,
    btc: "BTCUSDT",
    eth: "ETHUSDT",
    unknown: "BTCUSDX",
    btc_last: 67015.10,
    btc_open: 66150.01,
    candles_path: "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3",
};
const VENUES: [Venue; 3] = [COINBASE, KRAKEN, BINANCE];

impl Venue {
    fn name(self) -> &'static str {
        self.format.as_str()
    }

    fn section(self, name: &str) -> Vec<String> {
        fixture(self.name()).remove(name).unwrap_or_else(|| panic!("{}: no {name}", self.name()))
    }

    /// The venue as documented: a subscription naming the unknown product
    /// is refused (Coinbase refuses the whole message, the others that
    /// product alone); any other is acknowledged and answered with the
    /// snapshot and the updates.
    fn script(self) -> Script {
        let unknown = self.unknown;
        let whole = self.format == PricesFormat::Coinbase;
        let (refusal, ack) = (self.section("unknown"), self.section("subscribed"));
        let data: Vec<String> =
            self.section("snapshot").into_iter().chain(self.section("updates")).collect();
        let symbols = [self.btc, self.eth];
        Arc::new(move |_, msg: &str| {
            let lower = msg.to_ascii_lowercase();
            if !lower.contains("subscribe") || lower.contains("unsubscribe") {
                return Vec::new();
            }
            let mut out = Vec::new();
            if msg.contains(unknown) || lower.contains(&unknown.to_ascii_lowercase()) {
                out.extend(refusal.clone());
                if whole {
                    return out;
                }
            }
            out.extend(ack.clone());
            // The data of the products asked for, as a venue sends it.
            let has =
                |hay: &str, s: &str| hay.to_ascii_lowercase().contains(&s.to_ascii_lowercase());
            let wanted: Vec<&str> = symbols.into_iter().filter(|s| has(msg, s)).collect();
            out.extend(data.iter().filter(|f| wanted.iter().any(|s| has(f, s))).cloned());
            out
        })
    }
}

fn opts(url: String, format: PricesFormat) -> FeedOptions {
    FeedOptions {
        url,
        token: None,
        tls: None,
        connect_timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(200) },
        ping_interval: Duration::from_secs(15),
        max_frame_bytes: 1 << 20,
        format,
    }
}

/// The feed console on a venue's feed, with what these tests read.
trait VenueConsole {
    fn connects(&self) -> usize;
    fn prices_of(&self, symbol: &str) -> Vec<f64>;
}

fn start(replay: &Replay, v: Venue, symbols: &[&str], stale_after: Duration) -> FeedConsole {
    let symbols: Vec<String> = symbols.iter().map(|s| s.to_string()).collect();
    let settings = Settings { prices_stale_after: stale_after, ..Settings::default() };
    FeedConsole::with_settings(settings, opts(replay.ws.clone(), v.format), symbols)
}

impl VenueConsole for FeedConsole {
    fn connects(&self) -> usize {
        self.links().into_iter().filter(|l| matches!(l, Link::Connected)).count()
    }

    /// Every price that reached the state for `symbol`.
    fn prices_of(&self, symbol: &str) -> Vec<f64> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                FeedEvent::Prices(us) => {
                    Some(us.iter().filter(|u| u.symbol == symbol).filter_map(|u| u.price))
                }
                _ => None,
            })
            .flatten()
            .collect()
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The subscription each venue documents, for BTC and ETH.
fn assert_documented_subscribe(v: Venue, msg: &Value) {
    let strs = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
    };
    match v.format {
        PricesFormat::Coinbase => {
            assert_eq!(msg["type"], "subscribe", "{msg}");
            assert_eq!(strs(&msg["product_ids"]), [v.btc, v.eth], "one message for all products");
            assert_eq!(strs(&msg["channels"]), ["ticker", "heartbeat"], "{msg}");
        }
        PricesFormat::Kraken => {
            assert_eq!(msg["method"], "subscribe", "{msg}");
            assert_eq!(msg["params"]["channel"], "ticker", "{msg}");
            assert_eq!(strs(&msg["params"]["symbol"]), [v.btc, v.eth], "{msg}");
        }
        PricesFormat::Binance => {
            assert_eq!(msg["method"], "SUBSCRIBE", "{msg}");
            assert_eq!(strs(&msg["params"]), ["btcusdt@ticker", "ethusdt@ticker"], "{msg}");
            assert!(msg["id"].is_u64(), "{msg}");
        }
        PricesFormat::Meridian => unreachable!(),
    }
}

#[tokio::test]
async fn each_venue_is_subscribed_as_documented_and_its_snapshot_then_updates_fill_the_watchlist() {
    for v in VENUES {
        let replay = Replay::start(v.script()).await;
        let mut c = start(&replay, v, &[v.btc, v.eth], Duration::from_secs(30));
        c.pump(v.name(), |a| {
            a.markets.quotes.get(v.btc).and_then(|q| q.last) == Some(v.btc_last)
                && a.markets.quotes.get(v.eth).is_some_and(|q| q.last.is_some())
        })
        .await;
        let heard = replay.heard();
        assert_eq!(heard.len(), 1, "{}: one subscription for the watchlist: {heard:?}", v.name());
        assert_documented_subscribe(v, &json(&heard[0].1));
        let q = &c.app.markets.quotes[v.btc];
        assert!(q.bid.is_some() && q.ask.is_some() && q.volume.is_some(), "{}: {q:?}", v.name());
        let open = q.open.unwrap();
        assert!(
            (open - v.btc_open).abs() < 1e-6,
            "{}: the change is from the 24h open, {open}",
            v.name()
        );
        let (change, _) = q.change().unwrap();
        assert!((change - (v.btc_last - v.btc_open)).abs() < 1e-6, "{}", v.name());
        assert_eq!(c.app.feeds.prices.rejected, 0, "{}", v.name());
    }
}

#[tokio::test]
async fn a_venue_heartbeat_keeps_a_quiet_price_fresh_and_its_end_lets_it_go_stale() {
    // Binance has no text heartbeat (its keepalive is a WebSocket ping).
    for v in [COINBASE, KRAKEN] {
        let replay = Replay::start(v.script()).await;
        let stale_after = Duration::from_millis(400);
        let mut c = start(&replay, v, &[v.btc, v.eth], stale_after);
        c.pump("the snapshot", |a| a.markets.quotes.contains_key(v.btc)).await;
        let beat = v.section("heartbeat").remove(0);
        for _ in 0..10 {
            replay.push(&beat);
            c.settle(Duration::from_millis(100)).await;
        }
        let q = &c.app.markets.quotes[v.btc];
        assert!(
            !q.is_stale(c.app.now, stale_after),
            "{}: heartbeats vouch for the price",
            v.name()
        );
        assert_eq!(q.last, Some(v.btc_last), "{}: a heartbeat changes no number", v.name());
        c.settle(Duration::from_millis(700)).await;
        let q = &c.app.markets.quotes[v.btc];
        assert!(q.is_stale(c.app.now, stale_after), "{}: no heartbeat, no freshness", v.name());
    }
}

#[tokio::test]
async fn a_sequence_gap_is_counted_and_a_sequence_going_backwards_is_dropped_and_resubscribed() {
    let v = COINBASE;
    let replay = Replay::start(v.script()).await;
    let mut c = start(&replay, v, &[v.btc, v.eth], Duration::from_secs(30));
    c.pump("the updates", |a| a.markets.quotes.get(v.btc).and_then(|q| q.last) == Some(v.btc_last))
        .await;

    replay.push(&v.section("gap")[0]);
    c.pump("the gap counted", |a| a.feeds.prices.seq_breaks == 1).await;
    c.pump("the price after the gap", |a| a.markets.quotes[v.btc].last == Some(67020.0)).await;

    replay.push(&v.section("backwards")[0]);
    c.settle(Duration::from_secs(1)).await;
    eprintln!("SEEN {:#?} HEARD {:?}", &c.seen[c.seen.len().saturating_sub(4)..], replay.heard());
    c.pump("the step back counted", |a| a.feeds.prices.seq_breaks == 2).await;
    let heard = replay.wait_heard(2).await;
    let again = json(&heard[1].1);
    assert_eq!(again["type"], "subscribe", "{again}");
    assert_eq!(
        again["product_ids"],
        serde_json::json!([v.btc]),
        "a fresh subscription for that product"
    );
    assert!(!c.prices_of(v.btc).contains(&67001.0), "the stale ticker never reached the state");
    assert_eq!(c.connects(), 1, "no reconnect");
}

#[tokio::test]
async fn a_malformed_frame_is_counted_and_skipped_and_the_link_kept() {
    for v in VENUES {
        let replay = Replay::start(v.script()).await;
        let mut c = start(&replay, v, &[v.btc, v.eth], Duration::from_secs(30));
        c.pump("the updates", |a| {
            a.markets.quotes.get(v.btc).and_then(|q| q.last) == Some(v.btc_last)
        })
        .await;
        replay.push(&v.section("malformed")[0]);
        replay.push(&v.section("gap")[0]);
        c.pump("the bad frame counted and the next one applied", |a| {
            a.feeds.prices.rejected == 1 && a.markets.quotes[v.btc].last != Some(v.btc_last)
        })
        .await;
        assert_eq!(c.connects(), 1, "{}: the link is kept", v.name());
        assert_eq!(replay.connections(), 1, "{}", v.name());
    }
}

#[tokio::test]
async fn a_product_the_venue_refuses_is_said_on_its_row_and_never_asked_for_again() {
    for v in VENUES {
        let replay = Replay::start(v.script()).await;
        let mut c = start(&replay, v, &[v.btc, v.unknown], Duration::from_secs(30));
        c.pump("the refusal", |a| a.markets.refused.contains_key(v.unknown)).await;
        c.pump("the other symbol's price", |a| {
            a.markets.quotes.get(v.btc).and_then(|q| q.last) == Some(v.btc_last)
        })
        .await;
        let why = &c.app.markets.refused[v.unknown];
        assert!(why.contains(v.unknown), "{}: the venue's words name it: {why}", v.name());
        c.settle(Duration::from_millis(400)).await;
        assert_eq!(c.connects(), 1, "{}: no reconnect loop", v.name());
        assert!(!c.app.markets.quotes.contains_key(v.unknown), "{}", v.name());
        let heard = replay.heard();
        if v.format == PricesFormat::Coinbase {
            // The whole message was refused: the rest subscribed again.
            assert_eq!(heard.len(), 2, "{heard:?}");
            assert_eq!(json(&heard[1].1)["product_ids"], serde_json::json!([v.btc]));
        } else {
            assert_eq!(heard.len(), 1, "{}: {heard:?}", v.name());
        }
    }
}

#[tokio::test]
async fn venue_candles_come_from_its_rest_api_oldest_first() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    for v in VENUES {
        let replay = Replay::start(v.script()).await;
        replay.set_candles(axum::http::StatusCode::OK, candles_body(v.name()));
        let client =
            VenueClient::new(v.format, &replay.ws, Duration::from_secs(5), None).unwrap().unwrap();
        let series = client.candles(v.btc, Interval::M1, 3).await.unwrap();
        assert_eq!(replay.candle_queries(), [v.candles_path], "{}", v.name());
        let starts: Vec<i64> = series.candles.iter().map(|c| c.start).collect();
        assert_eq!(
            starts,
            [1_733_220_120_000, 1_733_220_180_000, 1_733_220_240_000],
            "{}",
            v.name()
        );
        let newest = series.candles[2];
        assert_eq!(
            (newest.open, newest.close, newest.high, newest.low),
            (97040.0, 97045.0, 97052.0, 97034.0),
            "{}",
            v.name()
        );
        assert!((newest.volume - 16.5).abs() < 1e-9, "{}", v.name());
        assert_eq!(series.rejected, 0, "{}", v.name());
    }
}

#[tokio::test]
async fn a_symbol_the_venue_does_not_list_gets_its_own_words_on_the_chart() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cases = [
        (
            BINANCE,
            axum::http::StatusCode::BAD_REQUEST,
            r#"{"code":-1121,"msg":"Invalid symbol."}"#,
            "Invalid symbol",
        ),
        (
            KRAKEN,
            axum::http::StatusCode::OK,
            r#"{"error":["EQuery:Unknown asset pair"],"result":{}}"#,
            "Unknown asset pair",
        ),
        (COINBASE, axum::http::StatusCode::NOT_FOUND, r#"{"message":"NotFound"}"#, "NotFound"),
    ];
    for (v, status, body, said) in cases {
        let replay = Replay::start(v.script()).await;
        replay.set_candles(status, body.into());
        let client =
            VenueClient::new(v.format, &replay.ws, Duration::from_secs(5), None).unwrap().unwrap();
        let e = client.candles(v.unknown, Interval::M1, 3).await.unwrap_err();
        assert!(e.to_string().contains(said), "{}: {e}", v.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_prices_speaks_a_venue_too() {
    let v = KRAKEN;
    let replay = Replay::start(v.script()).await;
    let ws = replay.ws.clone();
    let run = tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let args =
            ["--prices-format", "kraken", "--prices-url", &ws, "--symbols", "BTC/USD,BTC/USDX"];
        let tail = ["tail", "prices", "--count", "1"];
        let all: Vec<&str> = args.iter().chain(&tail).copied().collect();
        common::cli::meridian(home.path(), "http://127.0.0.1:9", &all)
    })
    .await
    .unwrap();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<Value> = run.stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(lines.iter().all(|l| l["symbol"] == "BTC/USD" && l["price"].is_f64()), "{lines:?}");
    assert!(run.stderr.contains("BTC/USDX"), "the refusal is said on stderr: {}", run.stderr);
}
