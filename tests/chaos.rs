//! Chaos, bounded and on loopback: the reference server is stopped and
//! started again five times while the console's real loop (`tui::Core`)
//! ingests prices and a reviewer rates insights from the keyboard, 200
//! times. Afterwards every rating is in the server's database exactly once
//! (one row per Idempotency-Key), every feed came back after each restart,
//! and the watchlist was subscribed again (each symbol priced after the
//! last restart).

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use meridian::app::{App, Tab};
use meridian::config::Config;
use meridian::event::{Event, FeedKind, Link};
use meridian::outbox::ItemStatus;
use meridian::server::{ServeArgs, ServerHandle, start};
use meridian::theme::Theme;
use meridian::tui::{Core, Screen, TestScreen};

const RESTARTS: usize = 5;
const ACTIONS: usize = 200;
const SYMBOLS: [&str; 3] = ["AAPL", "MSFT", "NVDA"];
/// Bound for anything the test waits for (liveness, not speed).
const WAIT: Duration = Duration::from_secs(60);

/// What the console's state showed, frame by frame.
#[derive(Default)]
struct Seen {
    insights: usize,
    pending: usize,
    /// Connections made, per feed.
    connected: HashMap<&'static str, usize>,
    links: HashMap<&'static str, Link>,
    /// When each symbol's price last changed.
    priced_at: HashMap<String, Instant>,
    stamps: HashMap<String, i64>,
    frames: u64,
}

struct Recorder {
    inner: TestScreen,
    seen: Arc<Mutex<Seen>>,
}

impl Screen for Recorder {
    fn draw(&mut self, app: &App, theme: &Theme) -> std::io::Result<()> {
        self.inner.draw(app, theme)?;
        let mut s = self.seen.lock().unwrap();
        s.frames += 1;
        s.insights = app.insights.items.len();
        s.pending = app.outbox.iter().filter(|i| i.status == ItemStatus::Pending).count();
        for (kind, state) in [
            (FeedKind::Prices, &app.feeds.prices),
            (FeedKind::Backfill, &app.feeds.backfill),
            (FeedKind::Health, &app.feeds.health),
        ] {
            let was = s.links.insert(kind.label(), state.link.clone());
            if state.link == Link::Connected && was.as_ref() != Some(&Link::Connected) {
                *s.connected.entry(kind.label()).or_default() += 1;
            }
        }
        for sym in SYMBOLS {
            let stamp = app.markets.quotes.get(sym).and_then(|q| q.server_time).map(|t| t.millis());
            if let Some(stamp) = stamp
                && s.stamps.insert(sym.to_owned(), stamp) != Some(stamp)
            {
                s.priced_at.insert(sym.to_owned(), Instant::now());
            }
        }
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()
    }
    fn bell(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the server's database");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

async fn until(seen: &Mutex<Seen>, what: &str, cond: impl Fn(&Seen) -> bool) {
    let start = Instant::now();
    while !cond(&seen.lock().unwrap()) {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restarts_lose_no_action_and_every_feed_resumes() {
    meridian::tls::install_crypto();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("server.db");
    let args = |listen| ServeArgs { listen, db: Some(db.clone()), ..ServeArgs::for_tests() };
    let mut server: Option<ServerHandle> =
        Some(start(args(ServeArgs::for_tests().listen)).await.expect("server"));
    let addr = server.as_ref().unwrap().addr();
    let ratings = || count(&db, "SELECT count(*) FROM feedback WHERE kind = 'rating'");
    let keys = || {
        count(&db, "SELECT count(*) FROM idempotency WHERE request = 'POST /api/v1/feedback/rate'")
    };
    let (ratings_before, keys_before) = (ratings(), keys());

    let mut config = Config::default();
    config.server.url = server.as_ref().unwrap().base_url();
    config.feeds.backoff_base_ms = 50;
    config.feeds.backoff_cap_ms = 500;
    let symbols = SYMBOLS.iter().map(|s| s.to_string()).collect();
    let mut console = common::console(&config, symbols, &dir.path().join("data"));
    console.app.tab = Tab::Insights;
    let core = Core::start(console).expect("core starts");
    let tx = core.sender();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut screen = Recorder { inner: TestScreen::new(120, 40).unwrap(), seen: seen.clone() };
    let ui = tokio::spawn(async move { core.run(&mut screen).await });

    until(&seen, "the insights list", |s| s.insights > 0).await;
    let mut last_restart = Instant::now();
    // Ratings typed in six bursts: while the server is up, and while it is
    // down (those wait in the outbox and go out after the restart).
    let per_burst = ACTIONS / (2 * RESTARTS + 2);
    let type_ratings = async |n: usize| {
        for _ in 0..n {
            tx.send(key('r')).await.unwrap();
            tx.send(key('4')).await.unwrap();
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    for round in 0..RESTARTS {
        type_ratings(per_burst).await;
        server.take().unwrap().shutdown().await.expect("server stops");
        type_ratings(per_burst).await;
        until(&seen, "ratings queued while the server is down", |s| s.pending > 0).await;
        server = Some(start(args(addr)).await.expect("server restarts on the same address"));
        last_restart = Instant::now();
        let want = round + 2;
        until(&seen, "every feed back after the restart", |s| {
            ["prices", "backfill", "health"]
                .iter()
                .all(|f| s.connected.get(f).copied().unwrap_or(0) >= want)
        })
        .await;
    }
    type_ratings(ACTIONS - 2 * RESTARTS * per_burst).await;

    until(&seen, "the outbox to empty", |s| s.pending == 0 && s.frames > 0).await;
    until(&seen, "every symbol priced after the last restart", |s| {
        SYMBOLS.iter().all(|sym| s.priced_at.get(*sym).is_some_and(|t| *t > last_restart))
    })
    .await;
    let applied = ratings() - ratings_before;
    let stored_keys = keys() - keys_before;
    let connected = seen.lock().unwrap().connected.clone();
    println!(
        "chaos: {RESTARTS} restarts, {ACTIONS} ratings typed, {applied} applied, {stored_keys} idempotency keys, connections {connected:?}"
    );
    assert_eq!(applied, ACTIONS as i64, "every rating applied exactly once");
    assert_eq!(stored_keys, ACTIONS as i64, "one key per rating");
    for feed in ["prices", "backfill", "health"] {
        assert!(
            connected[feed] > RESTARTS,
            "{feed} reconnected after every restart: {connected:?}"
        );
    }

    tx.send(Event::Terminate(0)).await.unwrap();
    tokio::time::timeout(WAIT, ui).await.expect("the loop ends").unwrap().expect("no error");
    server.take().unwrap().shutdown().await.expect("server stops");
}
