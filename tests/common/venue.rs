//! A venue on loopback: a server that speaks a venue's public WebSocket
//! feed and REST candles by replaying frames kept in
//! `tests/fixtures/venues/`, in the shapes the venue's public documentation
//! gives. It records what the client sends, answers each message through a
//! test's script, and can push frames at any time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::sync::broadcast;

/// A fixture file's frames by section (`# name` lines open a section).
pub fn fixture(venue: &str) -> BTreeMap<String, Vec<String>> {
    let path = format!("{}/tests/fixtures/venues/{venue}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('#') {
            section = name.split_whitespace().next().unwrap_or_default().to_owned();
            out.entry(section.clone()).or_default();
        } else if !line.trim().is_empty() {
            out.entry(section.clone()).or_default().push(line.to_owned());
        }
    }
    out
}

/// A candles body kept beside the feed fixtures.
pub fn candles_body(venue: &str) -> String {
    let path = format!("{}/tests/fixtures/venues/{venue}_candles.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the server answers to one client message: (connection, text).
pub type Script = Arc<dyn Fn(usize, &str) -> Vec<String> + Send + Sync>;

#[derive(Clone)]
struct Shared {
    script: Script,
    heard: Arc<Mutex<Vec<(usize, String)>>>,
    connections: Arc<AtomicUsize>,
    push: broadcast::Sender<String>,
    candles: Arc<Mutex<(StatusCode, String)>>,
    candle_queries: Arc<Mutex<Vec<String>>>,
}

pub struct Replay {
    /// The feed's URL (any path answers).
    pub ws: String,
    /// The REST base.
    pub http: String,
    shared: Shared,
}

impl Replay {
    pub async fn start(script: Script) -> Replay {
        let (push, _) = broadcast::channel(1024);
        let shared = Shared {
            script,
            heard: Arc::default(),
            connections: Arc::default(),
            push,
            candles: Arc::new(Mutex::new((StatusCode::OK, "[]".into()))),
            candle_queries: Arc::default(),
        };
        let state = shared.clone();
        let app = Router::new()
            .route("/products/{id}/candles", axum::routing::get(candles))
            .route("/0/public/OHLC", axum::routing::get(candles))
            .route("/api/v3/klines", axum::routing::get(candles))
            .fallback(upgrade)
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Replay { ws: format!("ws://{addr}/feed"), http: format!("http://{addr}"), shared }
    }

    /// Send `frame` to every open connection.
    pub fn push(&self, frame: &str) {
        let _ = self.shared.push.send(frame.to_owned());
    }

    /// Every message the clients sent, with the connection it came on.
    pub fn heard(&self) -> Vec<(usize, String)> {
        self.shared.heard.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// What the candles endpoints answer from now on.
    pub fn set_candles(&self, status: StatusCode, body: String) {
        *self.shared.candles.lock().unwrap() = (status, body);
    }

    /// The path and query of each candles request.
    pub fn candle_queries(&self) -> Vec<String> {
        self.shared.candle_queries.lock().unwrap().clone()
    }

    /// Wait (bounded) until a client has sent `n` messages in all.
    pub async fn wait_heard(&self, n: usize) -> Vec<(usize, String)> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let heard = self.heard();
            if heard.len() >= n {
                return heard;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {n} messages: {heard:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn candles(
    axum::extract::State(s): axum::extract::State<Shared>,
    uri: axum::http::Uri,
) -> impl IntoResponse {
    s.candle_queries.lock().unwrap().push(uri.to_string());
    let (status, body) = s.candles.lock().unwrap().clone();
    (status, [("content-type", "application/json")], body)
}

async fn upgrade(
    axum::extract::State(s): axum::extract::State<Shared>,
    ws: WebSocketUpgrade,
) -> impl IntoResponse {
    let n = s.connections.fetch_add(1, Ordering::SeqCst);
    ws.on_upgrade(move |socket| session(s, n, socket))
}

async fn session(s: Shared, n: usize, mut socket: WebSocket) {
    let mut pushed = s.push.subscribe();
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let Some(Ok(msg)) = msg else { return };
                if let Message::Text(t) = msg {
                    s.heard.lock().unwrap().push((n, t.to_string()));
                    for frame in (s.script)(n, t.as_str()) {
                        if socket.send(Message::Text(frame.into())).await.is_err() {
                            return;
                        }
                    }
                }
            }
            frame = pushed.recv() => {
                let Ok(frame) = frame else { return };
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
