//! A crypto venue's public ticker feed on loopback, as a firehose: once the
//! client's subscribe message arrives, one ticker a frame in the venue's
//! documented shape (`tests/fixtures/venues/*.jsonl`), as fast as the
//! socket takes them, cycling over the symbols. Venues do not batch, so
//! frames are updates. Also the bare client loop that gives the console's
//! ceiling: subscribe, then count frames or run the venue's adapter.

use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use meridian::venues::{PricesFormat, VenueEvent};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::ingest::{Window, one_core};

/// Price variants per symbol: the frames of one cycle differ from the last.
const VARIANTS: usize = 8;
/// Frames written before each flush.
const FLUSH_EVERY: usize = 64;

/// Symbols as the venue spells them, `n` of them, that its adapter maps
/// back (short, and within the protocol's symbol characters).
pub fn symbols(format: PricesFormat, n: usize) -> Vec<String> {
    let one = |i: usize| match format {
        PricesFormat::Coinbase => format!("S{i:04}-USD"),
        PricesFormat::Kraken => format!("S{i:04}/USD"),
        PricesFormat::Binance => format!("S{i:04}USDT"),
        PricesFormat::Meridian => format!("S{i:04}"),
    };
    (0..n).map(one).collect()
}

/// One prebuilt frame: `head`, then (Coinbase) the product's sequence
/// number, then `tail`. Without a sequence, `head` is the whole frame.
struct Frame {
    head: Utf8Bytes,
    tail: Option<String>,
}

/// One ticker's figures.
struct Quote {
    last: f64,
    open: f64,
    bid: f64,
    ask: f64,
    /// Milliseconds since the epoch, and the same as RFC 3339.
    ms: i64,
    time: String,
}

/// Every frame of the firehose, `VARIANTS` per symbol, the price a little
/// different in each: `frames[v * n + i]` is symbol `i`'s variant `v`.
fn frames(format: PricesFormat, symbols: &[String]) -> Vec<Frame> {
    let now = chrono::Utc::now();
    let time = now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let mut out = Vec::with_capacity(VARIANTS * symbols.len());
    for v in 0..VARIANTS {
        for (i, sym) in symbols.iter().enumerate() {
            let open = 100.0 + (i % 97) as f64;
            let last = open * (1.0 + 0.001 * (v as f64 - 3.5));
            let (bid, ask) = (last - 0.01, last + 0.01);
            let ms = now.timestamp_millis() + v as i64;
            let q = Quote { last, open, bid, ask, ms, time: time.clone() };
            out.push(match format {
                PricesFormat::Coinbase => coinbase(sym, &q),
                PricesFormat::Kraken => Frame { head: kraken(sym, &q).into(), tail: None },
                PricesFormat::Binance => Frame { head: binance(sym, &q).into(), tail: None },
                PricesFormat::Meridian => panic!("not a venue: {format}"),
            });
        }
    }
    out
}

/// The `ticker` channel's message; the sequence goes between the parts.
fn coinbase(sym: &str, q: &Quote) -> Frame {
    let Quote { last, open, bid, ask, ms, ref time } = *q;
    let (low, high) = (open * 0.95, open * 1.05);
    let tail = format!(
        r#","product_id":"{sym}","price":"{last:.2}","open_24h":"{open:.2}","volume_24h":"10563.48193114","low_24h":"{low:.2}","high_24h":"{high:.2}","volume_30d":"351822.7716","best_bid":"{bid:.2}","best_bid_size":"0.05000000","best_ask":"{ask:.2}","best_ask_size":"0.31234567","side":"buy","time":"{time}","trade_id":{ms},"last_size":"0.00120000"}}"#
    );
    Frame { head: r#"{"type":"ticker","sequence":"#.into(), tail: Some(tail) }
}

/// Kraken v2's `ticker` update, one element.
fn kraken(sym: &str, q: &Quote) -> String {
    let Quote { last, open, bid, ask, .. } = *q;
    let (low, high, change) = (open * 0.95, open * 1.05, last - open);
    let pct = change / open * 100.0;
    format!(
        r#"{{"channel":"ticker","type":"update","data":[{{"symbol":"{sym}","bid":{bid:.2},"bid_qty":0.50243891,"ask":{ask:.2},"ask_qty":3.17806,"last":{last:.2},"volume":1216.25829384,"vwap":{open:.2},"low":{low:.2},"high":{high:.2},"change":{change:.2},"change_pct":{pct:.2}}}]}}"#
    )
}

/// Binance's `<symbol>@ticker` event in the combined stream's wrapper.
fn binance(sym: &str, q: &Quote) -> String {
    let Quote { last, open, bid, ask, ms, .. } = *q;
    let (low, high, change) = (open * 0.95, open * 1.05, last - open);
    let (pct, stream, day_ago) = (change / open * 100.0, sym.to_ascii_lowercase(), ms - 86_400_000);
    format!(
        r#"{{"stream":"{stream}@ticker","data":{{"e":"24hrTicker","E":{ms},"s":"{sym}","p":"{change:.8}","P":"{pct:.3}","w":"{open:.8}","x":"{open:.8}","c":"{last:.8}","Q":"0.00150000","b":"{bid:.8}","B":"2.51000000","a":"{ask:.8}","A":"0.84000000","o":"{open:.8}","h":"{high:.8}","l":"{low:.8}","v":"21563.48193000","q":"1445021754.66002846","O":{day_ago},"C":{ms},"F":3590000000,"L":3591200000,"n":1200001}}}}"#
    )
}

/// What the venue answers to a subscribe message, before the tickers.
fn acks(format: PricesFormat, symbols: &[String], request: &str) -> Vec<String> {
    match format {
        PricesFormat::Coinbase => {
            let ids = serde_json::to_string(symbols).expect("ids");
            vec![format!(
                r#"{{"type":"subscriptions","channels":[{{"name":"ticker","product_ids":{ids},"account_ids":null}},{{"name":"heartbeat","product_ids":{ids},"account_ids":null}}]}}"#
            )]
        }
        PricesFormat::Kraken => symbols
            .iter()
            .map(|s| {
                format!(
                    r#"{{"method":"subscribe","req_id":1,"result":{{"channel":"ticker","snapshot":true,"symbol":"{s}"}},"success":true}}"#
                )
            })
            .collect(),
        PricesFormat::Binance | PricesFormat::Meridian => {
            // `{"result":null,"id":1}`, with the request's id.
            let req: serde_json::Value = serde_json::from_str(request).unwrap_or_default();
            vec![format!(r#"{{"result":null,"id":{}}}"#, req["id"].as_u64().unwrap_or(1))]
        }
    }
}

/// The firehose, on a thread and runtime of its own (off the console's
/// core). Serves every connection until the client goes; lives as long as
/// the process (a benchmark's servers are few).
pub struct Firehose {
    url: String,
}

impl Firehose {
    pub fn start(format: PricesFormat, symbols: Vec<String>) -> Firehose {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            one_core().block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                tx.send(listener.local_addr().expect("address")).expect("started");
                let frames = Arc::new(frames(format, &symbols));
                let symbols = Arc::new(symbols);
                while let Ok((tcp, _)) = listener.accept().await {
                    tokio::spawn(serve(format, symbols.clone(), frames.clone(), tcp));
                }
            });
        });
        let addr = rx.recv().expect("the firehose started");
        Firehose { url: format!("ws://{addr}/") }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

/// One client: wait for its subscribe message, answer it, then send
/// tickers until the client goes. Its pings are read (and answered) by a
/// task of their own.
async fn serve(
    format: PricesFormat,
    symbols: Arc<Vec<String>>,
    frames: Arc<Vec<Frame>>,
    tcp: tokio::net::TcpStream,
) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { return };
    let request = loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => break t.to_string(),
            Some(Ok(_)) => {}
            _ => return,
        }
    };
    for ack in acks(format, &symbols, &request) {
        if ws.feed(Message::text(ack)).await.is_err() {
            return;
        }
    }
    let (mut tx, mut rx) = ws.split();
    tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });
    let n = symbols.len();
    for k in 0usize.. {
        let (round, i) = (k / n, k % n);
        let f = &frames[(round % VARIANTS) * n + i];
        let msg = match &f.tail {
            // Each product's sequence goes up by one a round: in order.
            Some(tail) => Message::text(format!("{}{}{tail}", f.head, 90_000_000 + round)),
            None => Message::Text(f.head.clone()),
        };
        if tx.feed(msg).await.is_err() {
            return;
        }
        if k % FLUSH_EVERY == FLUSH_EVERY - 1 && tx.flush().await.is_err() {
            return;
        }
    }
}

/// The bare client loop: connect, subscribe as the adapter does, read
/// frames for the window. With `decode`, every frame goes through the
/// venue's adapter into a reused buffer and the price updates are counted;
/// without, text frames are counted. Returns updates per second.
pub fn bare(format: PricesFormat, url: &str, watch: &[String], decode: bool, w: Window) -> f64 {
    let mut adapter = format.adapter().expect("a venue");
    one_core().block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
        for m in adapter.subscribe(watch) {
            ws.feed(Message::text(m)).await.expect("subscribe");
        }
        ws.flush().await.expect("flush");
        let measure_from = Instant::now() + w.warmup;
        let end = measure_from + w.measure;
        let (mut updates, mut measuring_since) = (0u64, None);
        let mut events = Vec::new();
        while let Some(Ok(msg)) = ws.next().await {
            let now = Instant::now();
            if now >= end {
                break;
            }
            let n = match (&msg, decode) {
                (Message::Text(t), true) => {
                    events.clear();
                    let ok = adapter.decode(t.as_bytes(), &mut events).is_ok();
                    let is_update = |e: &&VenueEvent| matches!(e, VenueEvent::Update { .. });
                    if ok { events.iter().filter(is_update).count() as u64 } else { 0 }
                }
                (Message::Text(_), false) => 1,
                _ => 0,
            };
            if now >= measure_from {
                measuring_since.get_or_insert(now);
                updates += n;
            }
        }
        let secs = measuring_since.map_or(0.0, |t: Instant| t.elapsed().as_secs_f64());
        if secs <= 0.0 { 0.0 } else { updates as f64 / secs }
    })
}
