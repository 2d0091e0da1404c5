//! The price feed client against a scripted WebSocket server on loopback:
//! every frame shape the contract allows (protocol §1), bad frames, the
//! watchlist across a reconnect, and a peer that stops answering pings.
//! The client's events go into a real App, as in the console.

mod common;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use meridian::event::Link;
use meridian::feeds::{self, Backoff, FeedOptions, PriceCommand};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use common::feed_console::{FeedConsole as Console, WAIT};

type ServerWs = WebSocketStream<TcpStream>;

/// Start a WebSocket server on a loopback port 0 that runs `script` for the
/// n-th connection (0-based). Returns the feed URL.
async fn serve<F, Fut>(script: F) -> String
where
    F: Fn(usize, ServerWs) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let url = format!("ws://{}/ws/prices", listener.local_addr().expect("local address"));
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { continue };
            tokio::spawn(script(n, ws));
        }
    });
    url
}

/// Read and discard until the client goes away (answers its pings).
async fn drain(ws: &mut ServerWs) {
    while let Some(Ok(_)) = ws.next().await {}
}

fn opts(url: String) -> FeedOptions {
    FeedOptions {
        url,
        token: None,
        tls: None,
        connect_timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_millis(20), cap: Duration::from_millis(100) },
        ping_interval: Duration::from_secs(15),
        max_frame_bytes: 1 << 20,
        format: meridian::venues::PricesFormat::Meridian,
    }
}

fn syms(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The feed console, with what these tests read of its quotes.
trait Quotes {
    fn quotes(&self) -> BTreeMap<String, [Option<f64>; 4]>;
}

impl Quotes for Console {
    /// (last, bid, ask, volume) per symbol with a quote.
    fn quotes(&self) -> BTreeMap<String, [Option<f64>; 4]> {
        let q = &self.app.markets.quotes;
        q.iter().map(|(s, q)| (s.clone(), [q.last, q.bid, q.ask, q.volume])).collect()
    }
}

fn text(v: &Value) -> Message {
    Message::text(v.to_string())
}

fn msgpack(v: &Value) -> Message {
    Message::binary(rmp_serde::to_vec_named(v).expect("MessagePack encoding"))
}

/// Snapshots for AAPL and MSFT, then deltas that each leave fields out.
fn script_updates() -> (Vec<Value>, Vec<Value>) {
    let snapshots = vec![
        json!({"type":"snapshot","symbol":"AAPL","price":150.25,"bid":150.24,"ask":150.26,
               "timestamp":1705660245123_u64,"volume":1200}),
        json!({"type":"snapshot","symbol":"MSFT","price":400.5,"bid":400.4,"ask":400.6,
               "timestamp":"2024-01-19T10:30:45Z","volume":500,"exchange":"XNAS"}),
    ];
    let deltas = vec![
        json!({"type":"delta","symbol":"AAPL","price":151.0,"timestamp":1705660246000_u64}),
        json!({"type":"delta","symbol":"MSFT","bid":399.5}),
        json!({"type":"delta","symbol":"AAPL","ask":151.5,"volume":1300}),
        json!({"type":"delta","symbol":"MSFT","price":401.0,"volume":650.5}),
    ];
    (snapshots, deltas)
}

/// The last frame of every run: when its quote shows up, every earlier frame
/// has been applied (frames are handled in order and events are ordered).
fn end_marker() -> Value {
    json!({"type":"snapshot","symbol":"END","price":1.0,"bid":0.5,"ask":1.5})
}

/// A server that sends `frames` to every connection, then reads until the
/// client goes away.
async fn serve_frames(frames: Vec<Message>) -> String {
    serve(move |_, mut ws| {
        let frames = frames.clone();
        async move {
            for f in frames {
                ws.send(f).await.expect("client reads");
            }
            drain(&mut ws).await;
        }
    })
    .await
}

async fn run_frames(frames: Vec<Message>) -> Console {
    let count = frames.len() as u64;
    let url = serve_frames(frames).await;
    let mut c = Console::start(opts(url), syms(&["AAPL", "MSFT", "END"]));
    c.pump("the end marker", |a| a.markets.quotes.contains_key("END")).await;
    c.pump("every frame to be counted", |a| a.feeds.prices.messages >= count).await;
    assert_eq!(c.app.feeds.prices.messages, count);
    assert_eq!(c.app.feeds.prices.rejected, 0);
    c
}

#[tokio::test]
async fn json_batch_and_msgpack_frames_give_the_same_state() {
    meridian::tls::install_crypto();
    let (snapshots, deltas) = script_updates();
    let all: Vec<Value> = snapshots.iter().chain(&deltas).chain([&end_marker()]).cloned().collect();

    let objects = all.iter().map(text).collect();
    let batches = vec![
        text(&Value::Array(snapshots.clone())),
        text(&Value::Array(deltas.clone())),
        text(&json!([end_marker()])),
    ];
    // Snapshots as single maps, the deltas as one array of maps.
    let mut packed: Vec<Message> = snapshots.iter().map(msgpack).collect();
    packed.push(msgpack(&Value::Array(deltas.clone())));
    packed.push(msgpack(&end_marker()));

    let by_object = run_frames(objects).await.quotes();
    let by_batch = run_frames(batches).await.quotes();
    let by_msgpack = run_frames(packed).await.quotes();

    let expected: BTreeMap<String, [Option<f64>; 4]> = [
        ("AAPL", [Some(151.0), Some(150.24), Some(151.5), Some(1300.0)]),
        ("MSFT", [Some(401.0), Some(399.5), Some(400.6), Some(650.5)]),
        ("END", [Some(1.0), Some(0.5), Some(1.5), None]),
    ]
    .into_iter()
    .map(|(s, q)| (s.to_string(), q))
    .collect();
    assert_eq!(by_object, expected, "one JSON object per frame");
    assert_eq!(by_batch, expected, "JSON arrays");
    assert_eq!(by_msgpack, expected, "MessagePack");
}

#[tokio::test]
async fn malformed_oversize_and_unknown_frames_are_counted_and_skipped() {
    meridian::tls::install_crypto();
    let good = json!({"type":"snapshot","symbol":"AAPL","price":150.0,"bid":149.9,"ask":150.1,
                      "volume":1200});
    // Valid JSON that would change the quote if it were not dropped for size.
    let pad = "x".repeat(10 * 1024);
    let oversize = json!({"type":"snapshot","symbol":"AAPL","price":999.0,"volume":7,"pad":pad});
    let frames = vec![
        text(&good),
        Message::text("{not json"),
        text(&json!({"type":"weird","symbol":"AAPL"})),
        text(&json!({"type":"delta","symbol":"AAPL","price":-5.0})),
        Message::text("42"),
        text(&oversize),
        // One good item and one bad item in a batch.
        text(&json!([{"type":"delta","symbol":"AAPL","bid":150.4}, 7])),
        // A batch cut short: its valid first item must not apply either.
        Message::text(r#"[{"type":"delta","symbol":"AAPL","volume":5},{"type":"del"#),
        text(&json!({"type":"delta","symbol":"AAPL","price":150.5})),
    ];
    let bad = 7;
    let url = serve_frames(frames).await;
    let mut c = Console::start(FeedOptions { max_frame_bytes: 4096, ..opts(url) }, syms(&["AAPL"]));
    c.pump("the last valid price and every rejection counted", |a| {
        a.markets.quotes.get("AAPL").is_some_and(|q| q.last == Some(150.5))
            && a.feeds.prices.rejected >= bad
    })
    .await;

    assert_eq!(c.app.feeds.prices.rejected, bad);
    assert_eq!(c.quotes()["AAPL"], [Some(150.5), Some(150.4), Some(150.1), Some(1200.0)]);
    assert_eq!(c.app.feeds.prices.link, Link::Connected);
    assert_eq!(c.app.feeds.prices.reconnects, 0);
    assert_eq!(c.links(), [&Link::Connecting, &Link::Connected], "the link was kept");
}

/// Text frames a server connection received, tagged with its index.
type Heard = mpsc::UnboundedSender<(usize, String)>;

/// Next text frame the server heard, skipping ones from `other` connections.
async fn heard(rx: &mut mpsc::UnboundedReceiver<(usize, String)>, conn: usize) -> Value {
    loop {
        let (n, t) = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("timed out waiting for a client message")
            .expect("server alive");
        if n == conn {
            return serde_json::from_str(&t).expect("client sends JSON");
        }
    }
}

fn sub(symbol: &str) -> Value {
    json!({"type":"subscribe","symbol":symbol})
}

fn unsub(symbol: &str) -> Value {
    json!({"type":"unsubscribe","symbol":symbol})
}

#[tokio::test]
async fn the_client_subscribes_to_every_watched_symbol_on_connect_and_after_a_reconnect() {
    meridian::tls::install_crypto();
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel();
    let url = serve(move |n, mut ws| {
        let heard_tx: Heard = heard_tx.clone();
        async move {
            while let Some(Ok(m)) = ws.next().await {
                let Message::Text(t) = m else { continue };
                let _ = heard_tx.send((n, t.to_string()));
                // The first connection is dropped once MSFT is unsubscribed.
                if n == 0 && serde_json::from_str::<Value>(&t).ok() == Some(unsub("MSFT")) {
                    let _ = ws.close(None).await;
                    return;
                }
            }
        }
    })
    .await;
    let mut c = Console::start(opts(url), syms(&["AAPL", "MSFT"]));
    c.pump("the first connection", |a| a.feeds.prices.link == Link::Connected).await;
    // Commands are read only after the initial subscriptions went out.
    c.cmds.send(PriceCommand::Subscribe("NVDA".into())).await.unwrap();
    c.cmds.send(PriceCommand::Unsubscribe("MSFT".into())).await.unwrap();
    let mut first = Vec::new();
    for _ in 0..4 {
        first.push(heard(&mut heard_rx, 0).await);
    }
    assert_eq!(first, [sub("AAPL"), sub("MSFT"), sub("NVDA"), unsub("MSFT")]);

    c.pump("the reconnect", |a| a.feeds.prices.reconnects == 1).await;
    assert_eq!(c.app.feeds.prices.link, Link::Connected);
    assert!(
        c.links().iter().any(|l| matches!(l, Link::Reconnecting { attempt: 1, .. })),
        "the drop was reported: {:?}",
        c.links()
    );
    // A marker subscription goes out after the resubscriptions, so every
    // frame heard before it is the resubscription.
    c.cmds.send(PriceCommand::Subscribe("MARK".into())).await.unwrap();
    let mut again = Vec::new();
    loop {
        let m = heard(&mut heard_rx, 1).await;
        if m == sub("MARK") {
            break;
        }
        again.push(m);
    }
    assert_eq!(again, [sub("AAPL"), sub("NVDA")]);
}

#[tokio::test]
async fn updates_for_unsubscribed_symbols_are_ignored() {
    meridian::tls::install_crypto();
    let url = serve(|_, mut ws| async move {
        while let Some(Ok(m)) = ws.next().await {
            let Message::Text(t) = m else { continue };
            let frames = match serde_json::from_str::<Value>(&t).unwrap() {
                m if m == sub("MSFT") => {
                    vec![json!({"type":"snapshot","symbol":"MSFT","price":400.0})]
                }
                m if m == unsub("MSFT") => vec![
                    json!({"type":"snapshot","symbol":"MSFT","price":999.0}),
                    json!({"type":"snapshot","symbol":"EVIL","price":1.0}),
                    json!([{"type":"delta","symbol":"EVIL","price":2.0},
                           {"type":"snapshot","symbol":"AAPL","price":150.0}]),
                ],
                _ => continue,
            };
            for f in &frames {
                ws.send(text(f)).await.unwrap();
            }
        }
    })
    .await;
    // The App keeps MSFT on its list, so only the feed client's filter stands
    // between a stray MSFT update and the quote.
    let mut c = Console::start(opts(url), syms(&["AAPL", "MSFT"]));
    c.pump("the MSFT quote", |a| a.markets.quotes.contains_key("MSFT")).await;
    let before = c.seen.len();
    c.cmds.send(PriceCommand::Unsubscribe("MSFT".into())).await.unwrap();
    c.pump("the AAPL quote sent after the ignored ones", |a| a.markets.quotes.contains_key("AAPL"))
        .await;

    assert_eq!(c.priced_symbols(before), ["AAPL"], "nothing but AAPL after the unsubscribe");
    assert!(!c.app.markets.quotes.contains_key("EVIL"));
    assert_eq!(c.app.markets.quotes["MSFT"].last, Some(400.0));
}

#[tokio::test]
async fn a_silent_peer_is_declared_dead_after_two_missed_pongs() {
    meridian::tls::install_crypto();
    // Holds every accepted WebSocket without ever polling it, so pings are
    // never read and never answered.
    let url = serve(|_, ws| async move {
        let _held = ws;
        std::future::pending::<()>().await;
    })
    .await;
    let mut c = Console::start(
        FeedOptions { ping_interval: Duration::from_millis(100), ..opts(url) },
        syms(&["AAPL"]),
    );
    c.pump("the dead link to be noticed", |a| {
        matches!(a.feeds.prices.link, Link::Reconnecting { .. })
    })
    .await;
    let Link::Reconnecting { attempt, error, .. } = &c.app.feeds.prices.link else {
        unreachable!()
    };
    assert_eq!(*attempt, 1);
    assert!(error.contains("pong"), "error: {error}");
    assert!(c.links().contains(&&Link::Connected), "it had connected first");
}

/// Far over the configured limit but under the memory bound
/// (`feeds::hard_limit`): dropped, counted, and the connection kept.
#[tokio::test]
async fn a_frame_far_over_the_limit_is_dropped_and_the_link_kept() {
    meridian::tls::install_crypto();
    let huge = text(&json!({"type":"snapshot","symbol":"AAPL","price":999.0,
                            "pad":"x".repeat(100 * 1024)}));
    let frames = vec![huge, text(&json!({"type":"snapshot","symbol":"AAPL","price":150.0}))];
    let url = serve_frames(frames).await;
    let mut c = Console::start(FeedOptions { max_frame_bytes: 4096, ..opts(url) }, syms(&["AAPL"]));
    c.pump("the price after the huge frame, or the link lost", |a| {
        a.markets.quotes.contains_key("AAPL")
            || matches!(a.feeds.prices.link, Link::Reconnecting { .. })
    })
    .await;
    assert_eq!(c.links(), [&Link::Connecting, &Link::Connected], "the link was kept");
    assert_eq!(c.app.markets.quotes["AAPL"].last, Some(150.0));
}

/// Over the memory bound: tokio-tungstenite ends the stream, so the frame
/// costs the connection; it is still counted, and the feed comes back.
#[tokio::test]
async fn a_frame_over_the_memory_bound_is_counted_and_the_feed_reconnects() {
    meridian::tls::install_crypto();
    let max = 4096;
    let monster = "x".repeat(feeds::hard_limit(max) + 1024);
    let url = serve(move |n, mut ws| {
        let monster = monster.clone();
        async move {
            if n == 0 {
                ws.send(Message::text(monster)).await.expect("client reads");
            } else {
                let ok = text(&json!({"type":"snapshot","symbol":"AAPL","price":150.0}));
                ws.send(ok).await.expect("client reads");
            }
            drain(&mut ws).await;
        }
    })
    .await;
    let mut c = Console::start(FeedOptions { max_frame_bytes: max, ..opts(url) }, syms(&["AAPL"]));
    c.pump("a price from the second connection", |a| a.markets.quotes.contains_key("AAPL")).await;
    assert_eq!(c.app.feeds.prices.reconnects, 1);
    c.pump("the oversize frame to be counted", |a| a.feeds.prices.rejected >= 1).await;
}

#[tokio::test]
async fn a_hostile_close_reason_reaches_the_state_without_its_escapes() {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    meridian::tls::install_crypto();
    let url = serve(|_, mut ws| async move {
        let reason = "bye\x1b]0;pwned\x07\x1b[2J\u{202E}now";
        let frame = CloseFrame { code: CloseCode::Away, reason: reason.into() };
        let _ = ws.send(Message::Close(Some(frame))).await;
        drain(&mut ws).await;
    })
    .await;
    let mut c = Console::start(opts(url), syms(&["AAPL"]));
    c.pump("the close to be reported", |a| {
        matches!(a.feeds.prices.link, Link::Reconnecting { .. })
    })
    .await;
    let Link::Reconnecting { error, .. } = &c.app.feeds.prices.link else { unreachable!() };
    assert!(error.contains("closed by server (1001 byenow)"), "error: {error:?}");
}
