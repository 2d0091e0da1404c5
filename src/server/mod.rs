//! `meridian serve`: the reference server of the wire contract
//! (`docs/protocol.md`). REST handlers, three WebSocket feeds, a seeded
//! simulation and a SQLite store, started in-process by tests and the demo.

mod alerts;
mod auth;
mod backfill;
mod db;
mod db_candles;
mod db_claims;
mod db_insights;
mod db_reports;
mod error;
mod history;
mod hostile;
mod idempotency;
mod market;
mod monitor;
mod options;
mod prices;
mod rest_alerts;
mod rest_claims;
mod rest_history;
mod rest_insights;
mod rest_reports;
mod seed;
mod ticker;
mod vitals;
mod ws;
mod ws_prices;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ws::Utf8Bytes;
use axum::routing::{get, post};
use serde::Serialize;
use tokio::sync::{broadcast, oneshot, watch};
use tokio::task::JoinHandle;

pub use options::{ForceHealth, PriceFormat, ServeArgs};
/// The simulated walk of one symbol, for fixtures that need its prices.
pub use prices::SymbolWalk;

use crate::protocol::{Envelope, Timestamp, paths};
use backfill::BackfillSim;
use db::Db;
use history::History;
use monitor::MonitorSim;
use vitals::SampleLog;

/// The simulation, behind one short-lived lock.
struct Sim {
    backfill: BackfillSim,
    monitor: MonitorSim,
    /// Monitoring history (§3a).
    samples: SampleLog,
    /// Alerts with their state (§3b).
    alerts: alerts::AlertBook,
}

/// Everything the handlers share.
struct App {
    args: ServeArgs,
    db: Db,
    sim: Mutex<Sim>,
    /// Pre-serialized frames for every monitoring / backfill client.
    monitoring_tx: broadcast::Sender<Utf8Bytes>,
    backfill_tx: broadcast::Sender<Utf8Bytes>,
    /// Test aid: how many times a POST was applied, per Idempotency-Key.
    applied: Mutex<HashMap<String, u64>>,
    /// POSTs run one at a time, so a key racing with itself applies once.
    post_lock: tokio::sync::Mutex<()>,
    ws_connections: AtomicU64,
    shutdown: watch::Receiver<bool>,
    price_clock: options::PriceClock,
    /// Which symbols keep price history (§1a), and for how long.
    history: History,
}

type AppState = Arc<App>;

impl App {
    fn sim(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn system_status(&self) -> crate::protocol::SystemStatus {
        let mut status = self.sim().monitor.status(self.ws_connections.load(Ordering::Relaxed));
        if let Some(forced) = self.args.force_health {
            status.overall = forced.into();
        }
        status
    }

    /// Claims made at or before this instant have lapsed (§5a).
    fn claims_lapsed(&self) -> Timestamp {
        Timestamp::now().minus(self.args.claim_lapse())
    }

    /// Send `data` to every monitoring client as a `kind` envelope.
    fn publish<T: Serialize>(&self, kind: &str, data: T) {
        match health_frame(kind, data) {
            // No receivers is fine: nobody is watching.
            Ok(frame) => drop(self.monitoring_tx.send(frame)),
            Err(e) => tracing::warn!(error = %e, kind, "could not encode health frame"),
        }
    }
}

fn health_frame<T: Serialize>(kind: &str, data: T) -> anyhow::Result<Utf8Bytes> {
    let env = Envelope { kind: kind.to_owned(), timestamp: Some(Timestamp::now()), data };
    Ok(serde_json::to_string(&env)?.into())
}

fn router(app: AppState) -> Router {
    let api = Router::new()
        .route(paths::STATUS, get(rest_insights::status))
        .route(paths::BACKFILL, get(rest_insights::backfill))
        .route(paths::SIGNALS, get(rest_insights::signals))
        .route(paths::INSIGHT_METRICS, get(rest_insights::insight_metrics))
        .route(paths::INSIGHTS, get(rest_insights::insights))
        .route(paths::FEEDBACK_RATE, post(rest_insights::rate))
        .route(paths::FEEDBACK_COMMENT, post(rest_insights::comment))
        .route(paths::FEEDBACK_FLAG, post(rest_insights::flag))
        .route(paths::FEEDBACK_STATS, get(rest_insights::stats))
        .route(paths::KPIS, get(rest_insights::kpis))
        .route(paths::CANDLES_ROUTE, get(rest_history::candles))
        .route(paths::MONITORING_HISTORY, get(rest_history::monitoring))
        .route(paths::REPORTS, get(rest_reports::list))
        .route(paths::REPORT_ANALYTICS, get(rest_reports::analytics))
        .route("/api/v1/reports/{id}", get(rest_reports::one))
        .route("/api/v1/reports/{id}/approve", post(rest_reports::approve))
        .route("/api/v1/reports/{id}/reject", post(rest_reports::reject))
        .route("/api/v1/reports/{id}/flag", post(rest_reports::flag))
        .route(paths::REPORT_CLAIM_ROUTE, post(rest_claims::claim))
        .route(paths::REPORT_RELEASE_ROUTE, post(rest_claims::release))
        .route(paths::ALERTS, get(rest_alerts::list))
        .route("/api/v1/alerts/{id}/ack", post(rest_alerts::ack))
        .route("/api/v1/alerts/{id}/snooze", post(rest_alerts::snooze))
        .route("/api/v1/_debug/applied", get(idempotency::applied))
        .route(paths::WS_PRICES, get(ws_prices::prices))
        .route(paths::WS_BACKFILL, get(ws::backfill))
        .route(paths::WS_MONITORING, get(ws::monitoring))
        .fallback(error::no_route)
        .method_not_allowed_fallback(error::wrong_method);
    // Layers run outside-in: auth first, then idempotency.
    api.layer(axum::middleware::from_fn_with_state(app.clone(), idempotency::layer))
        .layer(axum::middleware::from_fn_with_state(app.clone(), auth::layer))
        .with_state(app)
}

/// Resolves once the server is stopping (or its stop signal is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not Send; drop it here.
    let _ = rx.wait_for(|stop| *stop).await.map(|_| ());
}

/// A running server. Dropping it also stops the server, but without
/// waiting for it; [`ServerHandle::shutdown`] waits.
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl ServerHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, close every WebSocket, and wait for the server task.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        // The task may already have ended; its result says why.
        let _ = self.shutdown.send(());
        self.task.await.context("server task panicked")?
    }
}

/// Open the database (seeding it when empty), bind, and serve in the
/// background. Returns once the socket is listening.
pub async fn start(args: ServeArgs) -> anyhow::Result<ServerHandle> {
    let (temp, path) = match &args.db {
        Some(p) => (None, p.clone()),
        None => {
            let dir = tempfile::Builder::new().prefix("meridian-serve-").tempdir()?;
            let path = dir.path().join("meridian.db");
            (Some(dir), path)
        }
    };
    let hostile = args.hostile;
    let price_clock = args.price_clock();
    let history = History::new(args.seed, args.history_days);
    let (db, history) = tokio::task::spawn_blocking(move || -> anyhow::Result<(Db, History)> {
        let db = Db::open(&path)?;
        let added = db.blocking(seed::seed_if_empty)?;
        if hostile {
            db.blocking(hostile::poison_insights)?;
        }
        // The console's default watchlist, then what an earlier run kept.
        let symbols = crate::config::MarketsConfig::default().symbols;
        for s in symbols.iter().chain(&db.blocking(|c| db_candles::symbols(c))?) {
            history.claim(s);
        }
        let t0 = std::time::Instant::now();
        let candles = db.blocking(|c| history.seed(c, &symbols, price_clock.now().millis()))?;
        let ms = t0.elapsed().as_millis();
        tracing::info!(added, candles, seeding_ms = ms, db = %path.display(), "database ready");
        Ok((db, history))
    })
    .await??;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut monitor =
        MonitorSim::new(args.seed).hostile(args.hostile).incidents(args.alerts_per_hour);
    let ticks = vitals::ticks_per_sample(args.tick());
    let samples = SampleLog::seeded(monitor.vitals_mut(), ticks, Timestamp::now());
    let app = Arc::new(App {
        sim: Mutex::new(Sim {
            backfill: BackfillSim::new(args.seed),
            monitor,
            samples,
            alerts: alerts::AlertBook::with_history(Timestamp::now()),
        }),
        args,
        db,
        monitoring_tx: broadcast::channel(1024).0,
        backfill_tx: broadcast::channel(1024).0,
        applied: Mutex::new(HashMap::new()),
        post_lock: tokio::sync::Mutex::new(()),
        ws_connections: AtomicU64::new(0),
        shutdown: stop_rx,
        price_clock,
        history,
    });
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(app, listener, stop_tx, shutdown_rx));
    Ok(ServerHandle { addr, shutdown: shutdown_tx, task, _temp: temp })
}

async fn serve(
    app: AppState,
    listener: tokio::net::TcpListener,
    stop_tx: watch::Sender<bool>,
    shutdown_rx: oneshot::Receiver<()>,
) -> anyhow::Result<()> {
    let ticker = tokio::spawn(ticker::run(app.clone()));
    let recorder = tokio::spawn(history::run(app.clone()));
    let stop = async move {
        // A dropped handle also counts as a request to stop.
        let _ = shutdown_rx.await;
        let _ = stop_tx.send(true);
    };
    let result = axum::serve(listener, router(app.clone())).with_graceful_shutdown(stop).await;
    // WebSocket sessions see the stop signal and close; give them a moment.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while app.ws_connections.load(Ordering::Relaxed) > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ticker.await.context("ticker panicked")?;
    recorder.await.context("candle recorder panicked")?;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        db.blocking(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?))
    })
    .await??;
    result.context("serving HTTP")
}

/// `meridian serve`: run until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let handle = start(args).await?;
    eprintln!("meridian serve listening on {}", handle.base_url());
    wait_for_signal().await?;
    eprintln!("meridian serve shutting down");
    handle.shutdown().await
}

#[cfg(unix)]
async fn wait_for_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> anyhow::Result<()> {
    Ok(tokio::signal::ctrl_c().await?)
}
