//! A tap on the console's price feed: a WebSocket proxy on loopback in
//! front of the reference server's `/ws/prices`. It passes every message
//! through and notes, per symbol, each price the console was sent and the
//! server's stamp of it, so a price on the far screen can be dated.
//!
//! A second client of the server would not do: each connection gets random
//! walks of its own, paced from its own start, so it would see the same
//! prices at other times.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use meridian::protocol::for_each_price;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

/// Each symbol's prices, in the order the server sent them: (cents, the
/// server's stamp in Unix milliseconds) whenever the price changed.
#[derive(Default)]
pub struct Published(Mutex<HashMap<String, Vec<(i64, i64)>>>);

impl Published {
    fn note(&self, data: &[u8], binary: bool) {
        let mut seen = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = for_each_price(data, binary, |u| {
            let (Some(price), Some(stamp)) = (u.price, u.timestamp) else { return };
            let cents = (price * 100.0).round() as i64;
            let prices = seen.entry(u.symbol).or_default();
            if prices.last().is_none_or(|(c, _)| *c != cents) {
                prices.push((cents, stamp.millis()));
            }
        });
    }

    /// The stamp of the latest change of `symbol` to `cents` stamped at or
    /// before `by_ms`: the tick a screen drawn at `by_ms` showing that
    /// price is showing.
    pub fn dated(&self, symbol: &str, cents: i64, by_ms: f64) -> Option<i64> {
        let seen = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let prices = seen.get(symbol)?;
        let upto = prices.partition_point(|(_, at)| (*at as f64) <= by_ms);
        prices[..upto].iter().rev().find(|(c, _)| *c == cents).map(|(_, at)| *at)
    }
}

/// The proxy, on a one-worker runtime of its own.
pub struct Tap {
    _rt: tokio::runtime::Runtime,
    /// The URL to give the console as `--prices-url`.
    pub url: String,
    pub published: Arc<Published>,
}

impl Tap {
    /// Proxy to `upstream` (the server's `ws://.../ws/prices`).
    pub fn start(upstream: String) -> Tap {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let url = format!("ws://{}/ws/prices", listener.local_addr().expect("address"));
        let published = Arc::new(Published::default());
        let p = published.clone();
        rt.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (upstream, p) = (upstream.clone(), p.clone());
                // Ends when either side does (the console is killed at the
                // end of a run, which resets the connection).
                tokio::spawn(async move { relay(stream, &upstream, &p).await });
            }
        });
        Tap { _rt: rt, url, published }
    }
}

/// One connection: pass messages both ways until either side ends. Pings
/// are answered on each side by tungstenite; data and closes pass through.
async fn relay(stream: TcpStream, upstream: &str, published: &Published) -> anyhow::Result<()> {
    let console = tokio_tungstenite::accept_async(stream).await?;
    let (server, _) = tokio_tungstenite::connect_async(upstream).await?;
    let (mut to_console, mut from_console) = console.split();
    let (mut to_server, mut from_server) = server.split();
    let up = async {
        while let Some(msg) = from_console.next().await {
            let msg = msg?;
            if msg.is_text() || msg.is_binary() || msg.is_close() {
                to_server.send(msg).await?;
            }
        }
        anyhow::Ok(())
    };
    let down = async {
        while let Some(msg) = from_server.next().await {
            let msg = msg?;
            match &msg {
                Message::Text(t) => published.note(t.as_bytes(), false),
                Message::Binary(b) => published.note(b, true),
                Message::Close(_) => {}
                _ => continue,
            }
            to_console.send(msg).await?;
        }
        anyhow::Ok(())
    };
    tokio::select! {
        r = up => r,
        r = down => r,
    }
}
