//! One task per WebSocket feed. Each connects (with a timeout), reads and
//! decodes frames, and sends typed events to the UI loop; on any failure it
//! reconnects with exponential backoff and full jitter, and the price feed
//! subscribes again to the whole watchlist. A closed event channel is the
//! signal to stop. Nothing here touches the terminal.

mod backoff;
mod coalesce;
mod session;
mod venue;

use std::collections::BTreeSet;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use backoff::Backoff;
pub use coalesce::Coalescer;
pub use session::hard_limit;

use crate::event::{Event, FeedEvent, FeedKind, Link, Task};
use crate::task::spawn_watched;

#[derive(Debug, Clone)]
pub struct FeedOptions {
    pub url: String,
    /// Sent as `Authorization: Bearer …`; redacts itself in logs.
    pub token: Option<crate::token::Token>,
    /// TLS for wss; `None` for tokio-tungstenite's default (webpki roots).
    pub tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    pub connect_timeout: Duration,
    pub backoff: Backoff,
    pub ping_interval: Duration,
    pub max_frame_bytes: usize,
    /// How the price feed speaks (our contract or a venue's public feed);
    /// ignored by the other feeds.
    pub format: crate::venues::PricesFormat,
}

/// Watchlist changes for the price feed task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceCommand {
    Subscribe(String),
    Unsubscribe(String),
}

/// Start the price feed. The returned sender carries watchlist changes; it
/// closes when the task ends.
pub fn spawn_prices(
    opts: FeedOptions,
    symbols: Vec<String>,
    tx: mpsc::Sender<Event>,
) -> mpsc::Sender<PriceCommand> {
    let (cmd_tx, cmd_rx) = mpsc::channel(256);
    let work = run(FeedKind::Prices, opts, tx.clone(), Some(cmd_rx), Subscriptions::new(symbols));
    spawn_watched(Task::Feed(FeedKind::Prices), tx, work);
    cmd_tx
}

/// Start the backfill or health feed; the handle ends with the task.
pub fn spawn_feed(kind: FeedKind, opts: FeedOptions, tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    let work = run(kind, opts, tx.clone(), None, Subscriptions::default());
    spawn_watched(Task::Feed(kind), tx, work)
}

async fn run(
    kind: FeedKind,
    opts: FeedOptions,
    tx: mpsc::Sender<Event>,
    mut cmds: Option<mpsc::Receiver<PriceCommand>>,
    mut symbols: Subscriptions,
) {
    let mut rng = SmallRng::from_os_rng();
    let mut attempt: u32 = 0;
    let link = |l: Link| Event::Feed(FeedEvent::Link(kind, l));
    loop {
        if tx.send(link(Link::Connecting)).await.is_err() {
            return;
        }
        let (error, retry_after) = match session::connect(&opts).await {
            Ok(ws) => {
                attempt = 0;
                if tx.send(link(Link::Connected)).await.is_err() {
                    return;
                }
                tracing::info!(feed = kind.label(), "connected");
                match session::Session::new(kind, &opts, &tx, &mut symbols)
                    .run(ws, cmds.as_mut())
                    .await
                {
                    session::End::Stop => return,
                    session::End::Lost(e) => (e, None),
                }
            }
            Err(e) => (e.message, e.retry_after),
        };
        attempt += 1;
        // The server's Retry-After, when it gave one, is a floor.
        let delay = opts.backoff.delay(attempt, &mut rng).max(retry_after.unwrap_or_default());
        tracing::warn!(feed = kind.label(), attempt, delay_ms = delay.as_millis() as u64, %error, "feed lost");
        let retry = Link::Reconnecting { attempt, retry_in_ms: delay.as_millis() as u64, error };
        if tx.send(link(retry)).await.is_err() {
            return;
        }
        // Keep taking watchlist changes while waiting, so the next
        // connection subscribes to the current list.
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                cmd = recv(&mut cmds) => match cmd {
                    Some(c) => symbols.apply(&c),
                    None => cmds = None,
                },
            }
        }
    }
}

/// Receive from an optional channel; pending forever when there is none.
pub(crate) async fn recv<T>(rx: &mut Option<mpsc::Receiver<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The symbols the price feed is subscribed to, in order: what each new
/// connection subscribes to. (Each session's [`Coalescer`] filters the
/// incoming updates by the same list.) Symbols a venue refused are kept
/// aside until the user adds them again.
#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    ordered: BTreeSet<String>,
    refused: BTreeSet<String>,
}

impl Subscriptions {
    fn new(symbols: Vec<String>) -> Self {
        let mut subs = Subscriptions::default();
        for s in symbols {
            subs.apply(&PriceCommand::Subscribe(s));
        }
        subs
    }

    pub(crate) fn apply(&mut self, c: &PriceCommand) {
        match c {
            PriceCommand::Subscribe(s) => {
                self.refused.remove(s);
                self.ordered.insert(s.clone());
            }
            PriceCommand::Unsubscribe(s) => {
                self.refused.remove(s);
                self.ordered.remove(s);
            }
        }
    }

    /// The venue refused `symbol`: not asked for again on this run unless
    /// the user adds it again.
    pub(crate) fn reject(&mut self, symbol: &str) {
        if self.ordered.contains(symbol) {
            self.refused.insert(symbol.to_owned());
        }
    }

    /// The symbols to subscribe to: all but the refused ones.
    pub(crate) fn live(&self) -> Vec<String> {
        self.ordered.difference(&self.refused).cloned().collect()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &String> {
        self.ordered.iter()
    }
}
