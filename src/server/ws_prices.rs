//! `/ws/prices`: per-connection subscriptions, each symbol priced from the
//! shared simulated market; a symbol new to the server gets its history. With `--price-rate R` every subscribed symbol gets R updates per
//! second, spread evenly over time across the symbols; with 0 the session
//! writes as fast as the socket takes them.

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::time::{MissedTickBehavior, interval};

use super::prices::{FrameWriter, SymbolWalk, normalize_symbol};
use super::ws::{CLOSE_WAIT, Session, going_away};
use super::{AppState, stopped};
use crate::protocol::PriceCommand;

/// Shortest timer period; faster rates send several updates per tick.
const MIN_PERIOD: Duration = Duration::from_millis(2);
/// In fast mode, frames fed before each flush.
const FAST_BURST: usize = 64;

pub(crate) async fn prices(ws: WebSocketUpgrade, State(app): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| async move {
        let _session = Session::open(&app);
        if let Err(e) = session(&app, socket).await {
            tracing::debug!(error = %e, "price session ended");
        }
    })
}

struct Feed {
    app: AppState,
    clock: super::options::PriceClock,
    walks: Vec<SymbolWalk>,
    next: usize,
    writer: FrameWriter,
}

impl Feed {
    /// Apply a client command; a new subscription gets its snapshot at once.
    async fn command(
        &mut self,
        text: &str,
        tx: &mut SplitSink<WebSocket, Message>,
    ) -> anyhow::Result<()> {
        let Ok(cmd) = serde_json::from_str::<PriceCommand>(text) else {
            tracing::debug!("ignoring price-feed message that is not a command");
            return Ok(());
        };
        match cmd {
            PriceCommand::Subscribe { symbol } => {
                let Some(symbol) = normalize_symbol(&symbol) else { return Ok(()) };
                let i = match self.walks.iter().position(|w| w.symbol() == symbol) {
                    Some(i) => i,
                    None => {
                        super::history::request(&self.app, &symbol);
                        self.walks.push(SymbolWalk::new(&symbol, self.app.args.seed));
                        self.walks.len() - 1
                    }
                };
                self.walks[i].force_snapshot();
                self.walks[i].next_into(self.writer.slot(), self.clock.now());
                if let Some(frame) = self.writer.finish()? {
                    tx.send(frame).await?;
                }
            }
            PriceCommand::Unsubscribe { symbol } => {
                let symbol = normalize_symbol(&symbol).unwrap_or(symbol);
                self.walks.retain(|w| w.symbol() != symbol);
            }
        }
        Ok(())
    }

    /// Write `count` updates, round-robin over the subscriptions, feeding
    /// each full frame to the sink (no flush).
    async fn produce(
        &mut self,
        count: usize,
        tx: &mut SplitSink<WebSocket, Message>,
    ) -> anyhow::Result<()> {
        // One clock read per burst: the stamps are the send time to the ms.
        let now = self.clock.now();
        for _ in 0..count {
            if self.walks.is_empty() {
                break;
            }
            self.next %= self.walks.len();
            self.walks[self.next].next_into(self.writer.slot(), now);
            self.next += 1;
            if self.writer.is_full()
                && let Some(frame) = self.writer.finish()?
            {
                tx.feed(frame).await?;
            }
        }
        Ok(())
    }

    /// Send what is left of a partial frame and flush.
    async fn flush(&mut self, tx: &mut SplitSink<WebSocket, Message>) -> anyhow::Result<()> {
        if let Some(frame) = self.writer.finish()? {
            tx.feed(frame).await?;
        }
        tx.flush().await?;
        Ok(())
    }
}

/// Spreads `rate` updates per second per symbol evenly over time, as ticks
/// of a real market arrive, rather than one burst for every symbol at once.
struct Pace {
    rate: f64,
    credit: f64,
    last: std::time::Instant,
}

impl Pace {
    fn new(rate: f64) -> Self {
        Pace { rate, credit: 0.0, last: std::time::Instant::now() }
    }

    /// Timer period for `symbols` subscriptions: one update per tick when
    /// the timer can go that fast.
    fn period(&self, symbols: usize) -> Duration {
        let total = self.rate * symbols.max(1) as f64;
        Duration::from_secs_f64((1.0 / total).min(3600.0)).max(MIN_PERIOD)
    }

    /// Updates due since the last call (at most one second's worth, so a
    /// stalled socket does not cause a burst).
    fn owed(&mut self, symbols: usize) -> usize {
        let now = std::time::Instant::now();
        let per_sec = self.rate * symbols as f64;
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.credit = (self.credit + per_sec * elapsed).min(per_sec.max(1.0));
        let n = self.credit.floor();
        self.credit -= n;
        n as usize
    }
}

/// What arrived from the client: keep going or stop.
fn incoming(msg: Option<Result<Message, axum::Error>>) -> Option<Option<String>> {
    match msg {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => None,
        Some(Ok(Message::Text(t))) => Some(Some(t.as_str().to_owned())),
        Some(Ok(_)) => Some(None),
    }
}

async fn session(app: &AppState, socket: WebSocket) -> anyhow::Result<()> {
    let (mut tx, mut rx): (_, SplitStream<WebSocket>) = socket.split();
    let args = &app.args;
    let mut feed = Feed {
        app: app.clone(),
        clock: app.price_clock,
        walks: Vec::new(),
        next: 0,
        writer: FrameWriter::new(args.price_format, args.price_batch),
    };
    let fast = !(args.price_rate.is_finite() && args.price_rate > 0.0);
    let mut pace = Pace::new(args.price_rate);
    let mut every = interval(pace.period(feed.walks.len()));
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut shutdown = app.shutdown.clone();
    loop {
        if *shutdown.borrow() {
            break;
        }
        if fast && !feed.walks.is_empty() {
            // Take any pending commands without waiting, then a burst.
            while let Some(msg) = rx.next().now_or_never() {
                match incoming(msg) {
                    None => return Ok(()),
                    Some(Some(text)) => feed.command(&text, &mut tx).await?,
                    Some(None) => {}
                }
            }
            let burst = (FAST_BURST * feed.writer.batch()).max(feed.walks.len());
            // A client that stops reading must not keep shutdown waiting.
            tokio::select! {
                r = async {
                    feed.produce(burst, &mut tx).await?;
                    feed.flush(&mut tx).await
                } => r?,
                _ = stopped(&mut shutdown) => break,
            }
            continue;
        }
        tokio::select! {
            msg = rx.next() => match incoming(msg) {
                None => return Ok(()),
                Some(Some(text)) => {
                    let before = feed.walks.len();
                    feed.command(&text, &mut tx).await?;
                    if feed.walks.len() != before {
                        if before == 0 {
                            pace.last = std::time::Instant::now(); // no credit while idle
                        }
                        every = interval(pace.period(feed.walks.len()));
                        every.set_missed_tick_behavior(MissedTickBehavior::Skip);
                    }
                }
                Some(None) => {}
            },
            _ = every.tick(), if !feed.walks.is_empty() => {
                let n = pace.owed(feed.walks.len());
                tokio::select! {
                    r = async {
                        feed.produce(n, &mut tx).await?;
                        feed.flush(&mut tx).await
                    } => r?,
                    _ = stopped(&mut shutdown) => break,
                }
            }
            _ = shutdown.changed() => {}
        }
    }
    // Best effort: a client that does not read gets no close frame.
    let _ = tokio::time::timeout(CLOSE_WAIT, tx.send(going_away())).await;
    Ok(())
}
