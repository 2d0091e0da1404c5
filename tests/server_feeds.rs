//! The reference server's WebSocket feeds against the wire contract
//! (`docs/protocol.md` sections 1-3): snapshots, subscriptions, batches in
//! both encodings, the first messages of each feed, shutdown and the price
//! clock.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{Server, WAIT, key, next_frame, subscribe};
use futures_util::{SinkExt, StreamExt};
use meridian::protocol::{
    self, BackfillJob, Envelope, HealthMessage, JobStatus, PriceKind, decode_backfill,
    decode_health, decode_price_frame,
};
use meridian::server::{PriceFormat, ServeArgs};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn price_feed_sends_a_snapshot_then_only_subscribed_symbols() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    subscribe(&mut ws, "aapl").await;
    let (bytes, binary) = next_frame(&mut ws).await;
    let first = decode_price_frame(&bytes, binary).unwrap().items.remove(0);
    assert_eq!((first.kind, first.symbol.as_str()), (PriceKind::Snapshot, "AAPL"));
    assert!(first.bid.is_some() && first.ask.is_some() && first.price.is_some());
    let mut deltas = 0;
    for _ in 0..10 {
        let (bytes, binary) = next_frame(&mut ws).await;
        for u in decode_price_frame(&bytes, binary).unwrap().items {
            assert_eq!(u.symbol, "AAPL");
            deltas += usize::from(u.kind == PriceKind::Delta);
        }
    }
    assert!(deltas > 5);
    let unsub = json!({"type": "unsubscribe", "symbol": "AAPL"}).to_string();
    ws.send(Message::text(unsub)).await.unwrap();
    subscribe(&mut ws, "MSFT").await;
    // Allow for AAPL frames already in flight, then only MSFT.
    let mut seen_msft = 0;
    while seen_msft < 5 {
        let (bytes, binary) = next_frame(&mut ws).await;
        for u in decode_price_frame(&bytes, binary).unwrap().items {
            if u.symbol == "MSFT" {
                seen_msft += 1;
            } else {
                assert!(seen_msft == 0, "AAPL after unsubscribe: {u:?}");
            }
        }
    }
    s.stop().await;
}

async fn batch_frames(format: PriceFormat) {
    // Updates are spread over time; at 6000 a second, each 2 ms tick has
    // about twelve, enough to fill batches of five.
    let args = ServeArgs {
        price_batch: 5,
        price_rate: 1000.0,
        price_format: format,
        ..ServeArgs::for_tests()
    };
    let s = Server::start(args).await;
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    let symbols = ["NVDA", "TSLA", "AMD", "INTC", "QCOM", "AVGO"];
    for sym in symbols {
        subscribe(&mut ws, sym).await;
    }
    let want_binary = format == PriceFormat::Msgpack;
    let mut full = 0;
    for _ in 0..16 {
        let (bytes, binary) = next_frame(&mut ws).await;
        assert_eq!(binary, want_binary);
        let d = decode_price_frame(&bytes, binary).unwrap();
        assert_eq!(d.rejected, 0);
        assert!(d.items.iter().all(|u| symbols.contains(&u.symbol.as_str())));
        full += usize::from(d.items.len() == 5);
    }
    assert!(full > 0);
    s.stop().await;
}

#[tokio::test]
async fn price_batches_decode_as_json_arrays() {
    batch_frames(PriceFormat::Json).await;
}

#[tokio::test]
async fn price_batches_decode_as_msgpack_arrays() {
    batch_frames(PriceFormat::Msgpack).await;
}

/// Counted, not timed: a paced feed sends an update or two per frame as its
/// timer ticks, an unthrottled one fills every frame to the batch size and
/// sends the next at once, however fast or busy the machine is.
#[tokio::test]
async fn price_feed_unthrottled_sends_full_batches_back_to_back() {
    const BATCH: usize = 500;
    const FRAMES: usize = 40;
    let args = ServeArgs { price_rate: 0.0, price_batch: BATCH, ..ServeArgs::for_tests() };
    let s = Server::start(args).await;
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    let symbols = ["A", "B", "C", "D", "E", "F", "G", "H"];
    for sym in symbols {
        subscribe(&mut ws, sym).await;
    }
    let (mut updates, mut full) = (0usize, 0usize);
    for _ in 0..FRAMES {
        let (bytes, binary) = next_frame(&mut ws).await;
        let n = decode_price_frame(&bytes, binary).unwrap().items.len();
        updates += n;
        full += usize::from(n == BATCH);
    }
    // Each subscription's snapshot is a frame of its own; every other frame
    // is a full batch.
    assert!(full >= FRAMES - symbols.len(), "{full} of {FRAMES} frames full");
    assert!(updates > 10_000, "{updates} updates in {FRAMES} frames");
    s.stop().await;
}

#[tokio::test]
async fn backfill_feed_starts_with_every_job() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let mut ws = s.ws(protocol::paths::WS_BACKFILL).await;
    let mut jobs: Vec<BackfillJob> = Vec::new();
    for _ in 0..6 {
        let (bytes, binary) = next_frame(&mut ws).await;
        let raw: Envelope<Value> = serde_json::from_slice(&bytes).unwrap();
        assert!(raw.data["started_at"].is_string() || raw.data.get("started_at").is_none());
        jobs.extend(decode_backfill(&bytes, binary).unwrap().items);
    }
    let has = |st: JobStatus| jobs.iter().find(|j| j.status == st).cloned();
    let failed = has(JobStatus::Failed).expect("a failed job");
    assert!(failed.errors > 0 && failed.last_error.is_some());
    assert!(has(JobStatus::Paused).is_some() && has(JobStatus::Completed).is_some());
    assert!(has(JobStatus::Running).is_some());
    // Progress follows.
    let (bytes, binary) = next_frame(&mut ws).await;
    assert_eq!(decode_backfill(&bytes, binary).unwrap().items.len(), 1);
    s.stop().await;
}

#[tokio::test]
async fn monitoring_feed_starts_with_status_and_announces_feedback() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let mut ws = s.ws(protocol::paths::WS_MONITORING).await;
    let mut first = Vec::new();
    for _ in 0..3 {
        let (bytes, binary) = next_frame(&mut ws).await;
        first.extend(decode_health(&bytes, binary).unwrap().items);
    }
    assert!(
        matches!(first[0], HealthMessage::SystemStatus(ref st) if st.websocket_connections >= 1)
    );
    assert!(matches!(first[1], HealthMessage::SignalMetrics(_)));
    assert!(matches!(first[2], HealthMessage::InsightMetrics(_)));
    s.post(protocol::paths::FEEDBACK_RATE, &key(), json!({"insight_id": 2, "rating": 5})).await;
    loop {
        let (bytes, binary) = next_frame(&mut ws).await;
        let items = decode_health(&bytes, binary).unwrap().items;
        if let Some(HealthMessage::FeedbackUpdated(stats)) = items.first() {
            assert_eq!(stats.insight_id, protocol::Id::from(2));
            break;
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn shutdown_closes_open_feeds() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let mut feeds = Vec::new();
    for path in [protocol::paths::WS_MONITORING, protocol::paths::WS_BACKFILL] {
        feeds.push(s.ws(path).await);
    }
    let mut prices = s.ws(protocol::paths::WS_PRICES).await;
    subscribe(&mut prices, "AAPL").await;
    next_frame(&mut prices).await;
    feeds.push(prices);
    // Shutdown does not wait for the clients to leave (the timeout only
    // guards against a hang; it is no speed claim).
    tokio::time::timeout(WAIT * 4, s.stop()).await.expect("shutdown ends with feeds open");
    for mut ws in feeds {
        // Drain what was in flight; the stream must end with a close.
        let ended = tokio::time::timeout(WAIT, async {
            while let Some(Ok(msg)) = ws.next().await {
                if msg.is_close() {
                    return true;
                }
            }
            true
        });
        assert!(ended.await.unwrap());
    }
}

#[tokio::test]
async fn a_time_scale_speeds_up_the_price_stamps() {
    // At 600 times real time a minute of stamps passes in a tenth of a
    // second: enough to fill candle history quickly in demos and benches.
    let args = ServeArgs { time_scale: 600.0, ..ServeArgs::for_tests() };
    let s = Server::start(args).await;
    let mut ws = s.ws(protocol::paths::WS_PRICES).await;
    subscribe(&mut ws, "AAPL").await;
    let stamp = |bytes: &[u8], binary| {
        let d = decode_price_frame(bytes, binary).unwrap();
        d.items[0].timestamp.expect("the reference server stamps every update").millis()
    };
    // Updates go out 20 times a second (50 ms apart, never in a burst), so
    // ten of them span about 5 minutes of stamps at 600x and half a second
    // at 1x. Counting frames, not timing them: a slow machine only spreads
    // them further apart.
    let mut stamps = Vec::new();
    for _ in 0..10 {
        let (bytes, binary) = next_frame(&mut ws).await;
        stamps.push(stamp(&bytes, binary));
    }
    let span = stamps[9] - stamps[0];
    assert!(span >= 20_000, "ten updates span {span} ms of stamps: {stamps:?}");
    s.stop().await;
}
