//! On-call fixtures: the populated App with an inbox of alerts in every
//! state, and a console without a backend that reads Prometheus and
//! Alertmanager.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use meridian::app::{AmSource, App, Prom, Settings, Tab};
use meridian::event::{ApiEvent, Event, FeedEvent};
use meridian::keymap::Keymap;
use meridian::protocol::*;
use meridian::sources::{RangeSeries, Sample, SourceEvent, SourcedAlert};
use serde_json::json;

fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("fixture JSON matches the contract")
}

/// The wall clock of the fixtures (2024-01-19 10:32:20 UTC).
pub const WALL: i64 = 1_705_660_245_000 + 95_000;
const MIN: i64 = 60_000;

/// The populated App with the backend's alert list answered: firing,
/// acknowledged (with a note), snoozed and resolved alerts, on the Alerts tab.
pub fn inbox() -> App {
    let mut app = super::fixture::populated();
    let list: AlertList = from(json!({"alerts": [
        {"id": "b1", "severity": "critical", "title": "postgres is down",
         "message": "primary unreachable; failing over", "source": "postgres",
         "state": "firing", "started_at": WALL - 4 * MIN},
        {"id": "b2", "severity": "warning", "title": "disk /var 91% full on batch-2",
         "message": "log rotation is behind; 6 GB left", "source": "batch-2",
         "state": "acknowledged", "started_at": WALL - 95 * MIN, "acked_by": "ana",
         "acked_at": WALL - 80 * MIN, "ack_note": "rotating logs by hand"},
        {"id": "b3", "severity": "warning", "title": "TLS certificate expires in 9 days",
         "message": "api.meridian.example", "source": "cert-watch", "state": "snoozed",
         "started_at": WALL - 40 * MIN, "snoozed_until": WALL + 23 * 60 * MIN},
        {"id": "b4", "severity": "critical", "title": "kafka is down",
         "message": "broker 2 unreachable", "source": "kafka", "state": "resolved",
         "started_at": WALL - 130 * MIN, "resolved_at": WALL - 118 * MIN},
    ]}));
    app.wall = Timestamp(WALL);
    app.update(Event::Api(ApiEvent::Alerts(Ok(list))), &mut Vec::new());
    app.tab = Tab::Alerts;
    app
}

/// `n` new critical alerts arriving live, `secs` apart.
pub fn critical_burst(app: &mut App, n: usize) {
    for i in 0..n {
        let a: Alert = from(json!({"id": format!("c{i}"), "severity": "critical",
            "title": format!("node-{i} unreachable"), "message": "no scrape for 2 minutes",
            "source": format!("node-{i}"), "started_at": WALL}));
        app.update(Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(a)])), &mut Vec::new());
    }
}

fn service(name: &str, status: Health, latency_ms: f64, message: &str) -> Service {
    Service {
        name: name.into(),
        status,
        latency_ms,
        uptime_pct: if status == Health::Down { 0.0 } else { 100.0 },
        message: Some(message.into()),
        checked_at: Some(Timestamp(WALL)),
    }
}

/// A console without a backend, reading Prometheus (two jobs, three
/// panels with history) and Alertmanager (one firing, one acknowledged
/// alert), as their answers would arrive.
pub fn sources_only() -> App {
    let now = Instant::now();
    let settings = Settings { backend: false, ..Settings::default() };
    let mut app = App::new(settings, Keymap::default_map(), Vec::new(), now);
    app.wall = Timestamp(WALL);
    let panels = [
        ("targets up".to_owned(), None),
        ("scrape time".to_owned(), Some("ms".to_owned())),
        ("samples scraped".to_owned(), None),
    ];
    app.prom =
        Some(Prom::new("http://127.0.0.1:9090".into(), &panels, 120, Duration::from_secs(15), now));
    app.alerts.am = Some(AmSource::new("http://127.0.0.1:9093".into(), now));
    let mut send = |ev: SourceEvent| app.update(Event::Source(ev), &mut Vec::new());
    send(SourceEvent::PromServices(Ok(vec![
        service("gone", Health::Down, 0.0, "0/1 targets up"),
        service("node", Health::Degraded, 12.0, "2/3 targets up"),
        service("prometheus", Health::Healthy, 4.2, "1/1 targets up"),
    ])));
    for (index, base) in [(0, 2.0), (1, 4.0), (2, 600.0)] {
        let points = (0..60)
            .map(|k| {
                let t = Timestamp(WALL - (59 - k) * 15_000);
                (t, base + (k as f64 / 7.0).sin() * base / 4.0)
            })
            .collect();
        send(SourceEvent::PromRange {
            index,
            result: Ok(vec![RangeSeries { labels: BTreeMap::new(), points }]),
        });
        let sample = Sample { labels: BTreeMap::new(), at: Timestamp(WALL), value: base };
        send(SourceEvent::PromValue { index, result: Ok(vec![sample]) });
    }
    let labels = |name: &str| {
        BTreeMap::from([
            ("alertname".to_owned(), name.to_owned()),
            ("job".to_owned(), "node".to_owned()),
            ("severity".to_owned(), "critical".to_owned()),
        ])
    };
    let firing: Alert = from(json!({"id": "fp1", "severity": "critical", "title": "InstanceDown",
        "message": "node-3 has been down for 5 minutes", "source": "alertmanager/node",
        "state": "firing", "started_at": WALL - 6 * MIN}));
    let acked: Alert = from(json!({"id": "fp2", "severity": "warning", "title": "HighLatency",
        "message": "p99 above 800ms on api", "source": "alertmanager/api",
        "state": "acknowledged", "started_at": WALL - 50 * MIN, "acked_by": "bo",
        "acked_at": WALL - 30 * MIN, "ack_note": "deploy rolling back"}));
    send(SourceEvent::Alertmanager(Ok(vec![
        SourcedAlert { alert: firing, labels: labels("InstanceDown") },
        SourcedAlert { alert: acked, labels: labels("HighLatency") },
    ])));
    app.tab = Tab::Alerts;
    app
}
