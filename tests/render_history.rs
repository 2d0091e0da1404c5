//! The Status and Metrics tabs after the monitoring history (§3a) arrived:
//! the sparklines open full and every panel says the time it shows.
//! Compared with the snapshot files under tests/snapshots/.

mod common;

use std::time::Duration;

use common::screen::{draw, rows};
use meridian::api::ApiError;
use meridian::app::{App, Load, Tab};
use meridian::event::{ApiEvent, Event};
use meridian::protocol::{MonitoringSample, Performance, Processing, SampleSeries, Timestamp};

/// An hour of samples, one every 10 s, the newest 2 s before the app's
/// wall clock; each figure moves on its own slow wave.
fn an_hour_of_samples(app: &App) -> SampleSeries {
    let newest = app.wall.millis() - 2_000;
    let samples = (0..360i64)
        .rev()
        .map(|k| {
            let x = k as f64 / 12.0;
            MonitoringSample {
                timestamp: Timestamp(newest - k * 10_000),
                processing: Processing {
                    queue_depth: 300.0 + 120.0 * (x * 0.9).sin(),
                    processed_per_sec: 1200.0 + 150.0 * (x * 0.5).cos(),
                    error_rate: 0.01 + 0.005 * (x * 1.3).sin(),
                },
                performance: Performance {
                    api_p50_ms: 18.0 + 4.0 * (x * 0.7).cos(),
                    api_p99_ms: 240.0 + 80.0 * (x * 0.4).sin(),
                    cpu_pct: 60.0 + 10.0 * (x * 0.6).sin(),
                    memory_pct: 70.0 + 2.0 * (x * 0.2).cos(),
                },
            }
        })
        .collect();
    SampleSeries { samples, rejected: 0 }
}

/// The populated app with the history answer fed through `App::update`.
fn with_history() -> App {
    let mut app = common::fixture::populated();
    let series = an_hour_of_samples(&app);
    app.update(Event::Api(ApiEvent::MonitoringHistory(Ok(series))), &mut Vec::new());
    app
}

#[test]
fn status_opens_with_the_last_hour_at_200x50() {
    let mut app = with_history();
    app.tab = Tab::Status;
    let screen = rows(&app, 200, 50);
    // The wide panel shows 48 of the 120 half-minute points.
    let title = screen.iter().find(|r| r.contains("Processing")).expect("processing panel");
    assert!(title.contains("Processing · last 24m"), "{title}");
    let spark_row = screen.iter().find(|r| r.contains("api p99")).expect("p99 row");
    let spark = spark_row.split("api p99").nth(1).unwrap_or_default();
    let bars = spark.chars().filter(|c| ('▁'..='█').contains(c)).count();
    assert_eq!(bars, 48, "the sparkline is full: {spark_row}");
    // The banner's 30 points cover 15 minutes.
    assert!(screen[2].contains("last 15m "), "{}", screen[2]);
    insta::assert_snapshot!("status_history_200x50", draw(&app, 200, 50));
}

#[test]
fn status_opens_with_the_last_hour_at_80x24() {
    let mut app = with_history();
    app.tab = Tab::Status;
    // Too narrow for the processing panel or the banner's sparkline: one
    // line of trends under the banner.
    let trends = rows(&app, 80, 24).swap_remove(3);
    assert!(trends.starts_with(" last 14m · p99 "), "29 half-minute points: {trends}");
    let bars = trends.chars().filter(|c| ('▁'..='█').contains(c)).count();
    assert_eq!(bars, 2 * 29, "both sparklines are full: {trends}");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Backfill jobs") && screen.contains("Alerts"), "{screen}");
    insta::assert_snapshot!("status_history_80x24", screen);
}

#[test]
fn metrics_says_the_span_of_each_panel_at_200x50() {
    let mut app = with_history();
    app.tab = Tab::Metrics;
    // As `App::start` records it: the fixture's clock started 20 s ago.
    app.metrics.live_since = Some(app.now - Duration::from_secs(20));
    let screen = draw(&app, 200, 50);
    assert!(screen.contains("KPIs · 30 pts over 29h"), "{screen}");
    assert!(screen.contains("Signals & insights · since start 20s"), "{screen}");
    insta::assert_snapshot!("metrics_history_200x50", screen);
}

#[test]
fn a_backend_without_history_says_so_once_and_stays_live() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Status;
    let gone = ApiError::Unavailable { path: "/api/v1/monitoring/history".into() };
    app.update(Event::Api(ApiEvent::MonitoringHistory(Err(gone))), &mut Vec::new());
    let screen = rows(&app, 200, 50);
    let said = screen.iter().filter(|r| r.contains("history not available from this backend"));
    assert_eq!(said.count(), 1, "{screen:#?}");
    let title = screen.iter().find(|r| r.contains("Processing")).expect("processing panel");
    assert!(title.contains("Processing · last 10s"), "live only, one point a second: {title}");
    // The narrow layout says it on its trend line.
    let screen = rows(&app, 80, 24);
    let said = screen.iter().filter(|r| r.contains("history not available from this backend"));
    assert_eq!(said.count(), 1, "{screen:#?}");
    assert!(screen[3].starts_with(" last 8s · p99 "), "8 of 10 points fit: {}", screen[3]);
}

#[test]
fn the_processing_panel_says_when_history_is_loading_or_failed() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Status;
    app.status.history_load = Load::Loading { since: app.now };
    let screen = rows(&app, 200, 50);
    assert!(screen.iter().any(|r| r.contains("loading history…")), "{screen:#?}");
    let refused = ApiError::Network { url: "http://h/x".into(), reason: "refused".into() };
    app.update(Event::Api(ApiEvent::MonitoringHistory(Err(refused))), &mut Vec::new());
    let screen = rows(&app, 200, 50);
    let title = screen.iter().find(|r| r.contains("Processing")).expect("processing panel");
    assert!(title.contains("history refresh failed"), "{title}");
}
