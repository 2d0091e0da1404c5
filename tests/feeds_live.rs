//! The console's network side against the reference server on loopback:
//! feed tasks and the REST client feed the same App the TUI draws.

use std::time::{Duration, Instant};

use meridian::api::{ApiClient, ReportQuery};
use meridian::app::{App, Settings};
use meridian::event::{Event, FeedEvent, FeedKind, Link};
use meridian::feeds::{self, Backoff, FeedOptions, PriceCommand};
use meridian::keymap::Keymap;
use meridian::protocol::JobStatus;
use meridian::server::{ServeArgs, start};
use tokio::sync::mpsc;

fn opts(url: String) -> FeedOptions {
    FeedOptions {
        url,
        token: None,
        tls: None,
        connect_timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(500) },
        ping_interval: Duration::from_secs(15),
        max_frame_bytes: 1 << 20,
        format: meridian::venues::PricesFormat::Meridian,
    }
}

/// Apply events to `app` until `done` holds (bounded: a liveness check).
async fn pump(
    app: &mut App,
    rx: &mut mpsc::Receiver<Event>,
    what: &str,
    done: impl Fn(&App) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut fx = Vec::new();
    while !done(app) {
        let left = deadline.saturating_duration_since(Instant::now());
        let ev = tokio::time::timeout(left, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .expect("feeds alive");
        app.now = Instant::now();
        app.update(ev, &mut fx);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_fill_every_panel_and_follow_the_watchlist() {
    meridian::tls::install_crypto();
    let server = start(ServeArgs::for_tests()).await.unwrap();
    let ws = server.base_url().replace("http://", "ws://");
    let (tx, mut rx) = mpsc::channel(1024);
    let symbols = vec!["AAPL".to_string(), "MSFT".to_string()];
    let mut app =
        App::new(Settings::default(), Keymap::default_map(), symbols.clone(), Instant::now());
    let cmds = feeds::spawn_prices(opts(format!("{ws}/ws/prices")), symbols, tx.clone());
    let backfill =
        feeds::spawn_feed(FeedKind::Backfill, opts(format!("{ws}/ws/backfill")), tx.clone());
    let health =
        feeds::spawn_feed(FeedKind::Health, opts(format!("{ws}/ws/monitoring")), tx.clone());
    drop(tx);

    pump(&mut app, &mut rx, "prices, jobs and system status", |a| {
        a.markets.quotes.len() == 2 && !a.status.jobs.is_empty() && a.status.system.is_some()
    })
    .await;
    for kind in FeedKind::ALL {
        assert_eq!(app.feeds.get(kind).link, Link::Connected, "{kind:?}");
    }
    assert!(app.status.jobs.values().any(|j| j.status == JobStatus::Failed));
    assert!(app.markets.quotes.values().all(|q| q.last.is_some_and(|p| p > 0.0)));

    // A symbol added to the watchlist starts flowing; one removed stops.
    app.markets.add("NVDA").unwrap();
    cmds.send(PriceCommand::Subscribe("NVDA".into())).await.unwrap();
    pump(&mut app, &mut rx, "NVDA quotes", |a| a.markets.quotes.contains_key("NVDA")).await;

    // The REST side fills the lists.
    let api = ApiClient::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap();
    let reports = api.reports(&ReportQuery { limit: 20, ..Default::default() }).await.unwrap();
    assert!(reports.total >= 50 && reports.reports.len() == 20 && reports.has_more);
    let insights = api.insights(50, 0).await.unwrap();
    assert!(insights.insights.len() >= 30);
    assert_eq!(api.kpis().await.unwrap().kpis.len(), 6);

    // The server goes away: every feed says so, and the last data stays.
    server.shutdown().await.unwrap();
    pump(&mut app, &mut rx, "every feed to notice the server is gone", |a| {
        FeedKind::ALL.iter().all(|k| matches!(a.feeds.get(*k).link, Link::Reconnecting { .. }))
    })
    .await;
    assert!(app.markets.quotes["AAPL"].last.is_some(), "last good price kept");

    // The UI goes away: every task notices the closed channel and stops
    // (the price task's end closes its command channel).
    drop(rx);
    let stopped = async {
        backfill.await.unwrap();
        health.await.unwrap();
        cmds.closed().await;
    };
    tokio::time::timeout(Duration::from_secs(20), stopped).await.expect("every feed task stops");
}

#[tokio::test]
async fn a_refused_connection_reports_reconnecting_with_backoff() {
    // A port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (tx, mut rx) = mpsc::channel(64);
    feeds::spawn_feed(FeedKind::Health, opts(format!("ws://127.0.0.1:{port}/ws/monitoring")), tx);
    let mut attempts = Vec::new();
    while attempts.len() < 3 {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        if let Event::Feed(FeedEvent::Link(_, Link::Reconnecting { attempt, retry_in_ms, .. })) = ev
        {
            assert!(retry_in_ms <= 500, "capped by the configured backoff");
            attempts.push(attempt);
        }
    }
    assert_eq!(attempts, vec![1, 2, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_server_restart_the_feed_reconnects_and_resubscribes_every_symbol() {
    meridian::tls::install_crypto();
    let server = start(ServeArgs::for_tests()).await.unwrap();
    let addr = server.addr();
    let (tx, mut rx) = mpsc::channel(1024);
    let symbols: Vec<String> = ["AAPL", "MSFT", "NVDA"].map(String::from).to_vec();
    let mut app =
        App::new(Settings::default(), Keymap::default_map(), symbols.clone(), Instant::now());
    let _cmds =
        feeds::spawn_prices(opts(format!("ws://{addr}/ws/prices")), symbols.clone(), tx.clone());
    pump(&mut app, &mut rx, "first prices", |a| a.markets.quotes.len() == 3).await;

    server.shutdown().await.unwrap();
    pump(&mut app, &mut rx, "the feed to notice", |a| {
        matches!(a.feeds.prices.link, Link::Reconnecting { .. })
    })
    .await;
    let restarted_at = Instant::now();
    let again = start(ServeArgs { listen: addr, ..ServeArgs::for_tests() }).await.unwrap();
    pump(&mut app, &mut rx, "every symbol flowing again after the reconnect", |a| {
        a.feeds.prices.link == Link::Connected
            && symbols
                .iter()
                .all(|s| a.markets.quotes[s].received_at.is_some_and(|t| t > restarted_at))
    })
    .await;
    assert_eq!(app.feeds.prices.reconnects, 1);
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rate_limited_handshake_waits_at_least_retry_after() {
    // A server that answers every handshake with 429 and Retry-After: 2.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let (tx, mut rx) = mpsc::channel(64);
    feeds::spawn_feed(FeedKind::Health, opts(format!("ws://{addr}/ws/monitoring")), tx);
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        if let Event::Feed(FeedEvent::Link(_, Link::Reconnecting { retry_in_ms, error, .. })) = ev {
            assert!(error.contains("429"), "{error}");
            assert!(
                retry_in_ms >= 2000,
                "Retry-After honoured over the 500 ms backoff cap: {retry_in_ms}"
            );
            break;
        }
    }
}
