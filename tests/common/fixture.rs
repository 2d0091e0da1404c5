//! A deterministic, fully populated App for render tests: every tab has
//! data, one symbol is stale, one backfill job failed, one alert is
//! critical, one feed is reconnecting.

use std::time::{Duration, Instant};

use meridian::app::{App, Settings};
use meridian::event::{ApiEvent, Event, FeedEvent, FeedKind, Link};
use meridian::keymap::Keymap;
use meridian::outbox::{Action, Item, ItemStatus, OutboxEvent};
use meridian::protocol::*;
use serde_json::json;

fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("fixture JSON matches the contract")
}

pub const SYMBOLS: [&str; 8] = ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "JPM"];

/// The App at `t0 + 20s`, populated by feeding it events as the network
/// would.
#[allow(clippy::too_many_lines)] // test data, one recipe read top to bottom
pub fn populated() -> App {
    let t0 = Instant::now();
    let settings = Settings {
        demo: true,
        server_label: "http://127.0.0.1:8080".into(),
        ..Settings::default()
    };
    let mut app = App::new(
        settings,
        Keymap::default_map(),
        SYMBOLS.iter().map(|s| s.to_string()).collect(),
        t0,
    );
    let mut fx = Vec::new();
    let mut at = |app: &mut App, secs: f64, ev: Event| {
        app.now = t0 + Duration::from_secs_f64(secs);
        app.update(ev, &mut fx);
    };
    at(&mut app, 0.0, Event::Feed(FeedEvent::Link(FeedKind::Prices, Link::Connected)));
    at(&mut app, 0.0, Event::Feed(FeedEvent::Link(FeedKind::Backfill, Link::Connected)));
    at(&mut app, 0.0, Event::Feed(FeedEvent::Link(FeedKind::Health, Link::Connected)));

    // Prices: 30 ticks per symbol; TSLA stops after the first few (stale).
    for step in 0..30u32 {
        let updates: Vec<PriceUpdate> = SYMBOLS
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != "TSLA" || step < 5)
            .map(|(i, s)| {
                let base = 100.0 + 50.0 * i as f64;
                let wave = ((step as f64 + i as f64) * 0.7).sin() * (1.0 + i as f64 * 0.3)
                    + step as f64 * 0.05 * (i as f64 - 3.5);
                let p = ((base + wave) * 100.0).round() / 100.0;
                PriceUpdate {
                    kind: if step == 0 { PriceKind::Snapshot } else { PriceKind::Delta },
                    symbol: s.to_string(),
                    price: Some(p),
                    bid: Some(p - 0.01),
                    ask: Some(p + 0.02),
                    timestamp: Some(Timestamp(1_705_660_245_000 + step as i64 * 20_000)),
                    volume: Some(1000.0 * (i as f64 + 1.0) * (step as f64 + 1.0)),
                    open: None,
                }
            })
            .collect();
        at(&mut app, 5.0 + step as f64 * 0.5, Event::Feed(FeedEvent::Prices(updates)));
    }

    let status: SystemStatus = from(json!({
        "overall": "degraded",
        "services": [
            {"name": "api-gateway", "status": "healthy", "latency_ms": 12.0, "uptime_pct": 99.98, "checked_at": 1705660245000i64},
            {"name": "pricing-engine", "status": "healthy", "latency_ms": 4.2, "uptime_pct": 99.99},
            {"name": "report-extractor", "status": "degraded", "latency_ms": 840.0, "uptime_pct": 98.1, "message": "queue backing up"},
            {"name": "postgres", "status": "healthy", "latency_ms": 2.1, "uptime_pct": 100.0},
            {"name": "insight-generator", "status": "down", "latency_ms": 0.0, "uptime_pct": 91.5, "message": "OOM killed"},
            {"name": "ws-broker", "status": "healthy", "latency_ms": 1.3, "uptime_pct": 99.95}
        ],
        "processing": {"queue_depth": 342, "processed_per_sec": 1250.5, "error_rate": 0.0123},
        "performance": {"api_p50_ms": 18, "api_p99_ms": 240, "cpu_pct": 63.5, "memory_pct": 71.2},
        "websocket_connections": 17
    }));
    for k in 0..10 {
        let mut s = status.clone();
        s.processing.processed_per_sec = 1000.0 + 40.0 * (k as f64 * 0.9).sin() * k as f64;
        at(
            &mut app,
            10.0 + k as f64,
            Event::Feed(FeedEvent::Health(vec![HealthMessage::SystemStatus(s)])),
        );
    }
    let jobs: Vec<BackfillJob> = vec![
        from(
            json!({"job_id": "blocks-2019", "name": "Blocks 2019", "status": "running", "processed": 12345, "total": 50000, "rate_per_sec": 812.5, "eta_seconds": 58, "errors": 2, "last_error": "timeout fetching block 881"}),
        ),
        from(
            json!({"job_id": "trades-eu", "name": "EU trades", "status": "running", "processed": 7000, "total": 10000, "rate_per_sec": 100.0, "errors": 0}),
        ),
        from(
            json!({"job_id": "quotes-2020", "name": "Quotes 2020", "status": "failed", "processed": 4410, "total": 20000, "rate_per_sec": 0.0, "errors": 57, "last_error": "upstream 503 after 5 retries"}),
        ),
        from(
            json!({"job_id": "fx-rates", "name": "FX rates", "status": "paused", "processed": 300, "total": 1200, "rate_per_sec": 0.0, "errors": 0}),
        ),
        from(
            json!({"job_id": "options-q1", "name": "Options Q1", "status": "completed", "processed": 9000, "total": 9000, "rate_per_sec": 0.0, "errors": 0}),
        ),
    ];
    at(&mut app, 12.0, Event::Feed(FeedEvent::Backfill(jobs)));
    let alerts: Vec<Alert> = vec![
        from(
            json!({"id": "a1", "severity": "info", "title": "Deploy finished", "message": "api-gateway v2.3.1", "source": "ci"}),
        ),
        from(
            json!({"id": "a2", "severity": "warning", "title": "Extractor latency", "message": "p99 above 800ms", "source": "report-extractor"}),
        ),
        from(
            json!({"id": "a3", "severity": "critical", "title": "Insight generator down", "message": "OOM killed, restarting", "source": "insight-generator"}),
        ),
    ];
    for (i, a) in alerts.into_iter().enumerate() {
        at(&mut app, 3.0 + i as f64, Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(a)])));
    }
    // The critical one's toast was seen and dismissed: the tabs' own
    // snapshots show the tabs (the toasts have theirs).
    app.alerts.dismiss(None);

    let kpis: KpiList = from(json!({"kpis": [
        kpi("k1", "Report approval time", "min", 42.0, "lower_is_better", 30.0, 45.0, 60.0),
        kpi("k2", "Extraction accuracy", "%", 97.2, "higher_is_better", 98.0, 96.0, 93.0),
        kpi("k3", "Reports processed", "/day", 1180.0, "higher_is_better", 1000.0, 800.0, 600.0),
        kpi("k4", "API error rate", "%", 2.4, "lower_is_better", 0.5, 1.0, 2.0),
        kpi("k5", "Insight rating", "/5", 4.1, "higher_is_better", 4.0, 3.5, 3.0),
        kpi("k6", "Feed lag", "ms", 85.0, "lower_is_better", 100.0, 250.0, 500.0),
    ]}));
    at(&mut app, 15.0, Event::Api(ApiEvent::Kpis(Ok(kpis))));
    for k in 0..20 {
        let m: SignalMetrics = from(json!({"metrics": [
            {"name": "signals_per_min", "value": 120.0 + (k as f64).sin() * 30.0, "unit": "/min"},
            {"name": "hit_rate", "value": 0.55 + (k as f64 * 0.3).cos() * 0.05},
            {"name": "avg_latency", "value": 35.0 + k as f64, "unit": "ms"}
        ]}));
        at(&mut app, 15.0, Event::Feed(FeedEvent::Health(vec![HealthMessage::SignalMetrics(m)])));
    }
    let im: InsightMetrics = from(
        json!({"total": 30, "generated_last_hour": 4, "avg_rating": 3.8, "avg_confidence": 0.82, "flagged": 2}),
    );
    at(&mut app, 15.0, Event::Feed(FeedEvent::Health(vec![HealthMessage::InsightMetrics(im)])));

    let insights: Vec<Insight> = (0..12).map(insight).collect();
    let page = Ok(InsightList { insights, total: 30 });
    at(&mut app, 16.0, Event::Api(ApiEvent::Insights { offset: 0, result: page }));

    let reports: Vec<Report> = (0..12).map(report).collect();
    at(
        &mut app,
        16.0,
        Event::Api(ApiEvent::Reports {
            offset: 0,
            result: Ok(ReportList { reports, total: 57, has_more: true }),
        }),
    );

    let trends: Vec<_> = (0..30)
        .map(|d| json!({"date": format!("2024-01-{:02}", d + 1), "reports": 3 + (d * 7) % 5, "confidence": 0.8 + ((d % 4) as f64) * 0.03}))
        .collect();
    let analytics: ReportAnalytics = from(json!({
        "summary": {"total_reports": 57, "unique_accounts": 6, "avg_confidence": 0.86, "avg_quality_score": 0.91,
                    "approval_rate": 0.64, "pending_count": 21},
        "performance": {"avg_processing_time": 1830.0, "min_processing_time": 910.0, "max_processing_time": 4200.0},
        "trends": trends
    }));
    at(&mut app, 16.0, Event::Api(ApiEvent::Analytics { days: 30, result: Ok(analytics) }));
    let stats: FeedbackStats = from(json!({"insight_id": 1, "avg_rating": 3.6, "rating_count": 14,
        "distribution": {"1": 1, "2": 1, "3": 3, "4": 6, "5": 3}, "comment_count": 4, "flag_count": 0}));
    at(&mut app, 16.0, Event::Api(ApiEvent::Stats(stats.insight_id.clone(), Ok(stats))));
    // One decision on its way, one the server refused.
    let item = |id: i64, action: Action, status: ItemStatus, attempts: u32, err: &str| Item {
        id,
        key: format!("00000000-0000-4000-8000-00000000000{id}"),
        action,
        status,
        attempts,
        last_error: Some(err.to_owned()),
        created_at: Timestamp(1_705_660_245_000),
        next_attempt_at: None,
    };
    let items = vec![
        item(
            1,
            Action::Approve { report: 101.into(), notes: None },
            ItemStatus::Pending,
            2,
            "connection refused",
        ),
        item(
            2,
            Action::Rate { insight: 2.into(), rating: 4 },
            ItemStatus::Failed,
            1,
            "HTTP 422: rating out of range",
        ),
    ];
    at(&mut app, 17.0, Event::Outbox(OutboxEvent::Changed(items)));
    app.wall = Timestamp(1_705_660_245_000 + 95_000);

    at(
        &mut app,
        18.0,
        Event::Feed(FeedEvent::Link(
            FeedKind::Health,
            Link::Reconnecting { attempt: 1, retry_in_ms: 400, error: "connection reset".into() },
        )),
    );
    app.now = t0 + Duration::from_secs(20);
    app
}

/// The `i`th insight (from 0) as the server sends it; id `i + 1`.
pub fn insight(i: usize) -> Insight {
    from(json!({
        "id": i + 1, "title": format!("{} exposure drifting above policy band {}", (["Tech", "Energy", "FX", "Rates"][i % 4]), i + 1),
        "summary": "Concentration in the top five positions rose 6 points week over week.\nConsider rebalancing before the quarterly review.",
        "category": (["risk", "opportunity", "compliance"][i % 3]), "confidence": (0.6 + (i as f64) * 0.03).min(0.99),
        "created_at": "2024-01-19T10:30:45Z", "avg_rating": (i % 5) as f64 * 0.9, "rating_count": i * 2, "flag_count": i % 4 / 3
    }))
}

/// The `i`th report (from 0) as the server sends it; id `100 + i`.
pub fn report(i: usize) -> Report {
    from(json!({
        "id": 100 + i, "account_number": format!("ACC-{:04}", 1000 + i % 6 * 7), "account_title": (["Halvorsen Capital", "Blue Fir Partners", "Okafor Family Trust", "Meridian Alpha", "Kestrel Macro", "Ivy Lane LLC"][i % 6]),
        "client_id": format!("C{}", i % 6), "report_date": format!("2024-01-{:02}", 19 - i % 18), "trade_date": format!("2024-01-{:02}", 18 - i % 18),
        "positions": [{"symbol": "AAPL", "quantity": 1200, "price": 150.25, "market_value": 180300.0, "margin_requirement": 45075.0},
                      {"symbol": "NVDA", "quantity": 300, "price": 610.1, "market_value": 183030.0, "margin_requirement": 54909.0}],
        "account_totals": {"equity": 512000.0, "margin_used": 99984.0, "buying_power": 824032.0},
        "risk_metrics": {"leverage": 1.42, "concentration": 0.36, "var_95": 18250.0},
        "extraction_confidence": (0.97 - i as f64 * 0.02).max(0.1), "data_quality_score": 0.93, "validation_status": (["pending", "pending", "approved", "pending", "rejected", "flagged"][i % 6]),
        "processing_status": "extracted", "created_by": "extractor", "source_file_name": format!("margin_{i}.pdf"), "processing_time_ms": 1830,
        "created_at": 1705660245000i64, "updated_at": "2024-01-19T10:30:45Z"
    }))
}

#[allow(clippy::too_many_arguments)]
fn kpi(
    id: &str,
    name: &str,
    unit: &str,
    v: f64,
    dir: &str,
    target: f64,
    warn: f64,
    crit: f64,
) -> serde_json::Value {
    let history: Vec<_> = (0..30)
        .map(|k| json!({"value": v * (1.0 + ((k as f64) * 0.4).sin() * 0.08), "recorded_at": 1705660245000i64 - (30 - k) * 3_600_000}))
        .collect();
    json!({"id": id, "name": name, "unit": unit, "current_value": v, "direction": dir,
           "target": {"value": target, "threshold": {"warning": warn, "critical": crit}}, "status": "ON_TRACK", "history": history})
}

/// A watchlist of `n` symbols after `seconds` of one tick per symbol every
/// 50 ms: every row has data and a sparkline as long as the history keeps.
/// Returns the app and the instant its clock is at.
pub fn busy_watchlist(n: usize, seconds: u32) -> App {
    let t0 = Instant::now();
    let symbols: Vec<String> = (0..n).map(|i| format!("S{i:04}")).collect();
    let mut app = App::new(Settings::default(), Keymap::default_map(), symbols.clone(), t0);
    app.tab = meridian::app::Tab::Markets;
    let mut fx = Vec::new();
    for step in 0..seconds * 20 {
        let updates = symbols
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let p = 50.0 + i as f64 * 7.0 + ((step as f64 + i as f64) * 0.37).sin() * 2.0;
                let p = (p * 100.0).round() / 100.0;
                PriceUpdate {
                    kind: PriceKind::Snapshot,
                    symbol: s.clone(),
                    price: Some(p),
                    bid: Some(p - 0.01),
                    ask: Some(p + 0.02),
                    timestamp: Some(Timestamp(1_705_660_245_000 + step as i64 * 50)),
                    open: None,
                    volume: Some(1000.0 + step as f64 * 100.0),
                }
            })
            .collect();
        app.now = t0 + Duration::from_millis(step as u64 * 50);
        app.update(Event::Feed(FeedEvent::Prices(updates)), &mut fx);
    }
    app
}

/// A day of one-minute candles for `symbol` ending at the minute the
/// populated fixture's ticks start in (10:30 UTC), wandering around 100 as
/// AAPL's ticks do, with one quiet and one busy hour of volume.
pub fn day_of_candles(minutes: i64) -> meridian::protocol::CandleSeries {
    let end = 1_705_660_200_000;
    let candles = (0..minutes)
        .map(|i| {
            let t = i as f64;
            let mid = 100.0 + 3.0 * (t / 180.0).sin() + 0.8 * (t / 17.0).cos();
            let open = ((mid - 0.1 * (t / 3.0).sin()) * 100.0).round() / 100.0;
            let close = ((mid + 0.1 * (t / 5.0).cos()) * 100.0).round() / 100.0;
            meridian::protocol::Candle {
                start: end - (minutes - 1 - i) * 60_000,
                open,
                high: open.max(close) + 0.15,
                low: open.min(close) - 0.12,
                close,
                volume: 20_000.0 + 15_000.0 * (t / 60.0).sin().abs(),
            }
        })
        .collect();
    meridian::protocol::CandleSeries { candles, rejected: 0 }
}

/// The populated fixture on Markets, its chart (AAPL, the selected symbol)
/// answered with `history`, as the key and the fetch would do it.
pub fn charted(history: Result<meridian::protocol::CandleSeries, meridian::api::ApiError>) -> App {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use meridian::event::ApiEvent;
    let mut app = populated();
    let mut fx = Vec::new();
    app.update(Event::Key(KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE)), &mut fx);
    let symbol = app.markets.chart.as_ref().map(|c| c.symbol.clone()).expect("a chart");
    let interval = app.markets.interval;
    app.update(Event::Api(ApiEvent::Candles { symbol, interval, result: history }), &mut fx);
    app
}

/// The populated console on its Reports tab.
pub fn reports_tab() -> App {
    let mut app = populated();
    app.tab = meridian::app::Tab::Reports;
    app
}

/// Report `id`'s status as the list shows it.
pub fn status_of(app: &App, id: &str) -> ValidationStatus {
    app.reports.items.iter().find(|r| r.id.as_str() == id).expect("report loaded").validation_status
}

/// A new critical alert arrives on the health feed: its toast goes up.
pub fn critical_alert_arrives(app: &mut App) {
    let alert = Alert {
        id: "a9".into(),
        severity: Severity::Critical,
        title: "Price feed lagging".into(),
        message: "ticks 4s behind exchange".into(),
        source: "price-ingest".into(),
        ..Alert::default()
    };
    app.update(Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(alert)])), &mut Vec::new());
}
