//! The backfill and monitoring feeds: the current state on connect, then
//! whatever the ticker and the REST handlers broadcast. Also the connection
//! guard every WebSocket session holds.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use tokio::sync::broadcast::{self, error::RecvError};

use super::{AppState, backfill, db_insights, health_frame};
use crate::protocol::health_types as ht;

/// Counts a live session for `websocket_connections` and for shutdown.
pub(crate) struct Session(AppState);

impl Session {
    pub(crate) fn open(app: &AppState) -> Self {
        app.ws_connections.fetch_add(1, Ordering::Relaxed);
        Session(app.clone())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.0.ws_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How long a session waits to deliver its close frame at shutdown.
pub(crate) const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// The close frame sent when the server stops.
pub(crate) fn going_away() -> Message {
    Message::Close(Some(CloseFrame {
        code: close_code::AWAY,
        reason: Utf8Bytes::from_static("server shutting down"),
    }))
}

pub(crate) async fn backfill(ws: WebSocketUpgrade, State(app): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| async move {
        let _session = Session::open(&app);
        // Subscribe before taking the snapshot so no progress falls between.
        let rx = app.backfill_tx.subscribe();
        let jobs = app.sim().backfill.jobs();
        let initial = jobs.iter().filter_map(|j| backfill::progress_frame(j).ok()).map(Into::into);
        forward(&app, socket, initial.collect(), rx).await;
    })
}

pub(crate) async fn monitoring(ws: WebSocketUpgrade, State(app): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| async move {
        let _session = Session::open(&app);
        let rx = app.monitoring_tx.subscribe();
        let mut initial = Vec::new();
        initial.extend(health_frame(ht::SYSTEM_STATUS, app.system_status()).ok());
        initial.extend(health_frame(ht::SIGNAL_METRICS, app.sim().monitor.signals()).ok());
        match app.db.call(|c| db_insights::insight_metrics(c)).await {
            Ok(m) => initial.extend(health_frame(ht::INSIGHT_METRICS, m).ok()),
            Err(e) => tracing::warn!(error = %e, "insight metrics unavailable"),
        }
        forward(&app, socket, initial, rx).await;
    })
}

/// Send `initial`, then every broadcast frame, until the client leaves or
/// the server stops. Client messages are read (to see pings and closes) and
/// otherwise ignored. A client too slow to keep up skips what it missed.
async fn forward(
    app: &AppState,
    mut socket: WebSocket,
    initial: Vec<Utf8Bytes>,
    mut rx: broadcast::Receiver<Utf8Bytes>,
) {
    let mut shutdown = app.shutdown.clone();
    for frame in initial {
        if socket.send(Message::Text(frame)).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            frame = rx.recv() => match frame {
                Ok(frame) => tokio::select! {
                    sent = socket.send(Message::Text(frame)) => if sent.is_err() {
                        return;
                    },
                    // A client that stops reading must not keep shutdown waiting.
                    _ = super::stopped(&mut shutdown) => break,
                },
                Err(RecvError::Lagged(n)) => tracing::debug!(skipped = n, "slow feed client"),
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
            _ = super::stopped(&mut shutdown) => break,
        }
    }
    let _ = tokio::time::timeout(CLOSE_WAIT, socket.send(going_away())).await;
}
