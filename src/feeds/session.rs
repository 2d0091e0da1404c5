//! One connected feed session: read, decode, coalesce, forward; answer
//! watchlist commands; ping and notice a dead link.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::SendError;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::venue::VenueLink;
use super::{FeedOptions, PriceCommand, Subscriptions, coalesce::Coalescer};
use crate::event::{Event, FeedEvent, FeedKind};
use crate::protocol::{
    PriceCommand as WireCommand, PriceUpdate, decode_backfill, decode_health, for_each_price,
};

pub(crate) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Missed pongs after which the link is declared dead.
const MAX_MISSED_PONGS: u32 = 2;
/// While the UI is busy, how soon to look again whether it is free.
const UI_BUSY_RECHECK: Duration = Duration::from_millis(1);
/// How often counters are reported to the UI.
const COUNTER_INTERVAL: Duration = Duration::from_millis(500);

/// The most a single message may take in memory. tokio-tungstenite ends
/// the stream on any read error, so a message over *its* limit costs the
/// connection; the configured `max_frame_bytes` is therefore enforced by us
/// (`Session::on_frame`: dropped, counted, connection kept), and
/// tungstenite's limit sits well above it as the memory bound.
pub fn hard_limit(max_frame_bytes: usize) -> usize {
    max_frame_bytes.saturating_mul(16).max(1024 * 1024)
}

/// Why a connection attempt failed, and how long the server asked us to
/// wait (`Retry-After` on a 429 or 503 handshake answer).
#[derive(Debug)]
pub(crate) struct ConnectError {
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl From<String> for ConnectError {
    fn from(message: String) -> Self {
        ConnectError { message, retry_after: None }
    }
}

pub(crate) async fn connect(opts: &FeedOptions) -> Result<Ws, ConnectError> {
    let mut req =
        opts.url.as_str().into_client_request().map_err(|e| format!("bad feed URL: {e}"))?;
    if let Some(token) = &opts.token {
        let value = HeaderValue::from_str(&token.bearer())
            .map_err(|_| "token is not a valid header value".to_string())?;
        req.headers_mut().insert("Authorization", value);
    }
    let limit = hard_limit(opts.max_frame_bytes);
    let cfg = WebSocketConfig::default().max_message_size(Some(limit)).max_frame_size(Some(limit));
    let connector = opts.tls.clone().map(tokio_tungstenite::Connector::Rustls);
    let fut = tokio_tungstenite::connect_async_tls_with_config(req, Some(cfg), true, connector);
    match tokio::time::timeout(opts.connect_timeout, fut).await {
        Err(_) => Err(format!("connect timed out after {:?}", opts.connect_timeout).into()),
        Ok(Err(e)) => Err(ConnectError { message: describe(&e), retry_after: retry_after(&e) }),
        Ok(Ok((ws, _))) => Ok(ws),
    }
}

/// `Retry-After: <seconds>` from a refused handshake (429 or 503).
fn retry_after(e: &tokio_tungstenite::tungstenite::Error) -> Option<Duration> {
    let tokio_tungstenite::tungstenite::Error::Http(resp) = e else { return None };
    if !matches!(resp.status().as_u16(), 429 | 503) {
        return None;
    }
    let secs: u64 = resp.headers().get("retry-after")?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs.min(3600)))
}

fn is_too_long(e: &tokio_tungstenite::tungstenite::Error) -> bool {
    use tokio_tungstenite::tungstenite::error::{CapacityError, Error as E};
    matches!(e, E::Capacity(CapacityError::MessageTooLong { .. }))
}

/// A failed handshake, said so a user knows what to change.
fn describe(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    use tokio_tungstenite::tungstenite::error::{ProtocolError, TlsError};
    if let Some(tls) = crate::tls::explain(e) {
        return tls;
    }
    match e {
        E::Tls(TlsError::Rustls(tls)) => crate::tls::explain_rustls(tls),
        E::Http(resp) => refused(resp.status()),
        E::Protocol(ProtocolError::HttparseError(parse)) => {
            let text = parse.to_string();
            crate::tls::explain_plain_to_tls(&text, "wss").unwrap_or_else(|| e.to_string())
        }
        E::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// An HTTP answer where `101 Switching Protocols` was expected.
fn refused(status: tokio_tungstenite::tungstenite::http::StatusCode) -> String {
    let why = match status.as_u16() {
        401 => "the token is missing or was refused",
        403 => "this token may not read this feed",
        404 => "no WebSocket feed at this URL",
        500.. => "server error",
        _ => "not a WebSocket endpoint (a WebSocket feed answers 101)",
    };
    format!("server answered HTTP {status}: {why}")
}

pub(crate) enum End {
    /// The UI is gone: stop for good.
    Stop,
    /// The link failed: reconnect.
    Lost(String),
}

pub(crate) struct Session<'a> {
    kind: FeedKind,
    opts: &'a FeedOptions,
    tx: &'a mpsc::Sender<Event>,
    symbols: &'a mut Subscriptions,
    prices: Coalescer,
    /// Updates of the frame being decoded.
    batch: Vec<PriceUpdate>,
    messages: u64,
    bytes: u64,
    rejected: u64,
    /// Pings sent since the last pong.
    missed_pongs: u32,
    /// A venue's public feed, when the prices come from one.
    venue: Option<VenueLink>,
}

impl<'a> Session<'a> {
    pub(crate) fn new(
        kind: FeedKind,
        opts: &'a FeedOptions,
        tx: &'a mpsc::Sender<Event>,
        symbols: &'a mut Subscriptions,
    ) -> Self {
        let prices = Coalescer::watching(symbols.iter());
        let venue = if kind == FeedKind::Prices { VenueLink::new(opts.format) } else { None };
        Session {
            kind,
            opts,
            tx,
            symbols,
            prices,
            batch: Vec::new(),
            messages: 0,
            bytes: 0,
            rejected: 0,
            missed_pongs: 0,
            venue,
        }
    }

    /// Run the session until the link fails or the UI goes away; what was
    /// counted but not yet reported is reported on the way out.
    pub async fn run(mut self, ws: Ws, cmds: Option<&mut mpsc::Receiver<PriceCommand>>) -> End {
        let end = self.read_loop(ws, cmds).await;
        self.report_counters();
        end
    }

    /// Report counters since the last report, unless the channel is full
    /// (then they are kept for the next report).
    fn report_counters(&mut self) {
        let seq_breaks = self.venue.as_ref().map_or(0, |v| v.seq_breaks);
        if self.messages + self.rejected + seq_breaks == 0 {
            return;
        }
        let ev = FeedEvent::Counters {
            feed: self.kind,
            messages: self.messages,
            bytes: self.bytes,
            rejected: self.rejected,
            seq_breaks,
        };
        if self.tx.try_send(Event::Feed(ev)).is_ok() {
            (self.messages, self.bytes, self.rejected) = (0, 0, 0);
            if let Some(v) = &mut self.venue {
                v.seq_breaks = 0;
            }
        }
    }

    /// What a new connection sends first: the watchlist's subscriptions.
    fn first_messages(&mut self) -> Vec<Message> {
        if let Some(v) = &mut self.venue {
            return v.on_connect(self.symbols).into_iter().map(Message::text).collect();
        }
        self.symbols
            .iter()
            .map(|s| command(&WireCommand::Subscribe { symbol: s.clone() }))
            .collect()
    }

    /// After a venue frame: tell the UI what the venue refused, send the
    /// resubscriptions it called for, and count a heartbeat as liveness.
    async fn after_venue_frame(&mut self, ws: &mut Ws) -> Option<End> {
        let v = self.venue.as_mut()?;
        if std::mem::take(&mut v.alive) {
            self.missed_pongs = 0;
        }
        let (said, out) = (std::mem::take(&mut v.said), std::mem::take(&mut v.outgoing));
        for ev in said {
            if self.tx.send(Event::Feed(ev)).await.is_err() {
                return Some(End::Stop);
            }
        }
        for m in out {
            if let Err(e) = ws.send(Message::text(m)).await {
                return Some(End::Lost(e.to_string()));
            }
        }
        None
    }

    async fn read_loop(
        &mut self,
        mut ws: Ws,
        mut cmds: Option<&mut mpsc::Receiver<PriceCommand>>,
    ) -> End {
        for m in self.first_messages() {
            if let Err(e) = ws.send(m).await {
                return End::Lost(e.to_string());
            }
        }
        let mut ping = tokio::time::interval(self.opts.ping_interval);
        ping.reset();
        let mut counters = tokio::time::interval(COUNTER_INTERVAL);
        loop {
            let has_prices = !self.prices.is_empty();
            // Hand prices over only when the UI has taken everything queued:
            // at most one batch waits, and while the UI is busy, updates keep
            // merging per symbol here (memory stays flat under a firehose).
            let ui_idle = self.tx.capacity() == self.tx.max_capacity();
            // Each arm is one call: rustfmt cannot format inside `select!`.
            let end = tokio::select! {
                msg = ws.next() => self.on_message(msg, &mut ws).await,
                cmd = next_command(&mut cmds) => self.on_command(cmd, &mut ws).await,
                _ = tokio::time::sleep(UI_BUSY_RECHECK), if has_prices && !ui_idle => None,
                permit = self.tx.reserve(), if has_prices && ui_idle => self.hand_over(permit),
                _ = ping.tick() => self.on_ping(&mut ws).await,
                _ = counters.tick() => self.on_counter_tick(),
            };
            if let Some(end) = end {
                return end;
            }
        }
    }

    /// One message off the socket (or its end).
    async fn on_message(
        &mut self,
        msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        ws: &mut Ws,
    ) -> Option<End> {
        let data = match msg {
            None => return Some(End::Lost("connection closed".into())),
            Some(Err(e)) => {
                if is_too_long(&e) {
                    self.rejected += 1;
                }
                return Some(End::Lost(describe(&e)));
            }
            Some(Ok(m)) => m,
        };
        match data {
            Message::Text(t) => match self.on_frame(t.as_bytes(), false).await {
                None => self.after_venue_frame(ws).await,
                end => end,
            },
            Message::Binary(b) => self.on_frame(&b, true).await,
            Message::Pong(_) => {
                self.missed_pongs = 0;
                None
            }
            Message::Close(frame) => {
                // The reason is the server's text: cleaned before it can
                // reach the screen.
                let why = frame.map_or_else(
                    || "closed by server".into(),
                    |f| {
                        let reason = crate::sanitize::clean(&f.reason);
                        format!("closed by server ({} {reason})", u16::from(f.code))
                    },
                );
                Some(End::Lost(why))
            }
            Message::Ping(_) | Message::Frame(_) => None,
        }
    }

    /// A watchlist change: remember it, filter by it, tell the server.
    async fn on_command(&mut self, cmd: PriceCommand, ws: &mut Ws) -> Option<End> {
        self.symbols.apply(&cmd);
        if let Some(v) = &mut self.venue {
            let out = match &cmd {
                PriceCommand::Subscribe(s) => {
                    self.prices.watch(s);
                    v.subscribe(s)
                }
                PriceCommand::Unsubscribe(s) => {
                    self.prices.unwatch(s);
                    v.unsubscribe(s)
                }
            };
            for m in out {
                if let Err(e) = ws.send(Message::text(m)).await {
                    return Some(End::Lost(e.to_string()));
                }
            }
            return None;
        }
        let wire = match &cmd {
            PriceCommand::Subscribe(s) => {
                self.prices.watch(s);
                WireCommand::Subscribe { symbol: s.clone() }
            }
            PriceCommand::Unsubscribe(s) => {
                self.prices.unwatch(s);
                WireCommand::Unsubscribe { symbol: s.clone() }
            }
        };
        ws.send(command(&wire)).await.err().map(|e| End::Lost(e.to_string()))
    }

    /// The UI has room: hand it every price merged so far, as one event.
    fn hand_over(&mut self, permit: Result<mpsc::Permit<'_, Event>, SendError<()>>) -> Option<End> {
        let Ok(permit) = permit else { return Some(End::Stop) };
        permit.send(Event::Feed(FeedEvent::Prices(self.prices.take())));
        None
    }

    /// Ping, unless the last pings went unanswered: then the link is dead.
    async fn on_ping(&mut self, ws: &mut Ws) -> Option<End> {
        if self.missed_pongs >= MAX_MISSED_PONGS {
            return Some(End::Lost(format!("no pong for {MAX_MISSED_PONGS} pings")));
        }
        self.missed_pongs += 1;
        ws.send(Message::Ping(Bytes::new())).await.err().map(|e| End::Lost(e.to_string()))
    }

    fn on_counter_tick(&mut self) -> Option<End> {
        self.report_counters();
        self.tx.is_closed().then_some(End::Stop)
    }

    /// Decode one frame. Bad frames are counted and skipped.
    async fn on_frame(&mut self, data: &[u8], binary: bool) -> Option<End> {
        self.bytes += data.len() as u64;
        if data.len() > self.opts.max_frame_bytes {
            self.rejected += 1;
            tracing::debug!(feed = self.kind.label(), len = data.len(), "oversize frame dropped");
            return None;
        }
        self.messages += 1;
        let event = match self.kind {
            FeedKind::Prices if self.venue.is_some() => return self.on_venue_frame(data, binary),
            FeedKind::Prices => {
                // A frame is applied whole or not at all: updates are
                // collected first, in a buffer reused across frames.
                let mut batch = std::mem::take(&mut self.batch);
                batch.clear();
                let result = for_each_price(data, binary, |u| batch.push(u));
                let end = match result {
                    Ok(rejected) => {
                        self.rejected += rejected as u64;
                        // Updates for symbols not (or no longer) watched
                        // are dropped here (protocol §1).
                        for u in batch.drain(..) {
                            self.prices.push(u);
                        }
                        None
                    }
                    Err(e) => self.bad(e),
                };
                self.batch = batch;
                return end;
            }
            FeedKind::Backfill => match decode_backfill(data, binary) {
                Ok(d) => {
                    self.rejected += d.rejected as u64;
                    FeedEvent::Backfill(d.items)
                }
                Err(e) => return self.bad(e),
            },
            FeedKind::Health => match decode_health(data, binary) {
                Ok(d) => {
                    self.rejected += d.rejected as u64;
                    FeedEvent::Health(d.items)
                }
                Err(e) => return self.bad(e),
            },
        };
        if self.tx.send(Event::Feed(event)).await.is_err() { Some(End::Stop) } else { None }
    }

    /// A venue's frame: text only (the venues speak JSON).
    fn on_venue_frame(&mut self, data: &[u8], binary: bool) -> Option<End> {
        let v = self.venue.as_mut()?;
        let read = if binary {
            Err(crate::venues::VenueError("a binary frame where the venue sends text".into()))
        } else {
            v.on_frame(data, self.symbols, &mut self.prices)
        };
        if let Err(e) = read {
            self.rejected += 1;
            tracing::debug!(feed = self.kind.label(), error = %e, "venue frame skipped");
        }
        None
    }

    fn bad(&mut self, e: crate::protocol::DecodeError) -> Option<End> {
        self.rejected += 1;
        tracing::debug!(feed = self.kind.label(), error = %e, "frame skipped");
        None
    }
}

fn command(c: &WireCommand) -> Message {
    Message::text(serde_json::to_string(c).unwrap_or_default())
}

/// The next watchlist command. A closed command channel is let go and the
/// session goes on without one (this never resolves again).
async fn next_command<T>(rx: &mut Option<&mut mpsc::Receiver<T>>) -> T {
    if let Some(open) = rx {
        if let Some(cmd) = open.recv().await {
            return cmd;
        }
        *rx = None;
    }
    std::future::pending().await
}
