//! Helpers shared by the integration tests: the real server in-process on
//! a loopback port 0 with thin HTTP / WebSocket clients around it, a
//! populated App for render tests (`fixture`), and tmux (`tmux`).
#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

pub mod backend;
pub mod cli;
pub mod feed_console;
pub mod fixture;
pub mod keys;
pub mod oncall;
pub mod promstack;
pub mod review;
pub mod screen;
pub mod tls;
pub mod tmux;
pub mod venue;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use meridian::protocol::{self, Report, ReportList};
use meridian::server::{ServeArgs, ServerHandle, start};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const WAIT: Duration = Duration::from_secs(5);

pub struct Server {
    pub handle: ServerHandle,
    pub http: Client,
}

impl Server {
    pub async fn start(args: ServeArgs) -> Self {
        // reqwest is built with `rustls-no-provider`: even a plain-http
        // Client refuses to build without one. Err = already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Server { handle: start(args).await.unwrap(), http: Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.handle.addr())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.http.get(self.url(path)).send().await.unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .header(protocol::IDEMPOTENCY_HEADER, key)
            .json(&body)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap())
    }

    pub async fn ws(&self, path: &str) -> Ws {
        tokio_tungstenite::connect_async(self.ws_url(path)).await.unwrap().0
    }

    pub async fn first_pending(&self) -> Report {
        let (_, v) = self.get("/api/v1/reports?status=pending&limit=1").await;
        serde_json::from_value::<ReportList>(v).unwrap().reports.remove(0)
    }

    pub async fn stop(self) {
        self.handle.shutdown().await.unwrap();
    }
}

pub fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_else(|| panic!("not an error envelope: {v}"))
}

/// Next data frame (text or binary) within [`WAIT`].
pub async fn next_frame(ws: &mut Ws) -> (Vec<u8>, bool) {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next()).await.unwrap().unwrap().unwrap();
        match msg {
            Message::Text(t) => return (t.as_bytes().to_vec(), false),
            Message::Binary(b) => return (b.to_vec(), true),
            _ => {}
        }
    }
}

pub async fn subscribe(ws: &mut Ws, symbol: &str) {
    let cmd = json!({"type": "subscribe", "symbol": symbol}).to_string();
    ws.send(Message::text(cmd)).await.unwrap();
}

/// The console as `meridian` builds it for `config` (no token, the default
/// keys and theme), watching `symbols`, keeping its data in `data_dir`:
/// ready for `tui::Core` to run headless.
pub fn console(
    config: &meridian::config::Config,
    symbols: Vec<String>,
    data_dir: &std::path::Path,
) -> meridian::tui::Console {
    meridian::launch::build_console(
        config,
        meridian::remote::Remote::default(),
        symbols,
        data_dir.to_path_buf(),
        false,
        meridian::keymap::Keymap::default_map(),
        meridian::theme::Theme::by_name("default").expect("built-in theme"),
    )
    .expect("console")
}
