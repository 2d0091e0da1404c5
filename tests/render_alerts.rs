//! The on-call screens drawn with `TestBackend` and kept as snapshots: the
//! Alerts tab (an inbox in every state), the critical toasts stacked over
//! another tab without covering its selected row, and the console reading
//! Prometheus and Alertmanager without a backend.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::oncall::{critical_burst, inbox, sources_only};
use common::screen::draw;
use meridian::app::Tab;

#[test]
fn the_inbox_at_80x24_lists_firing_first_and_says_who_is_on_what() {
    let app = inbox();
    let screen = draw(&app, 80, 24);
    let row = |needle: &str| {
        screen
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}\n{screen}"))
    };
    // Firing (critical first), then acknowledged and snoozed (newest
    // first); resolved ones only with the `all` filter.
    assert!(row("postgres is down") < row("Insight generator down"), "{screen}");
    assert!(row("Insight generator down") < row("Deploy finished"), "{screen}");
    assert!(row("Deploy finished") < row("TLS certificate"), "{screen}");
    assert!(row("TLS certificate") < row("disk /var"), "{screen}");
    assert!(!screen.contains("kafka is down"), "{screen}");
    assert!(screen.contains("ana 1h ago: rotating"), "{screen}");
    assert!(screen.contains("until Jan 20 09:32 UTC"), "{screen}");
    insta::assert_snapshot!("alerts_80x24", screen);
}

#[test]
fn the_inbox_at_200x50_has_messages_sources_and_the_selected_alert_in_full() {
    let mut app = inbox();
    app.alerts.state_filter = meridian::app::StateFilter::All;
    let screen = draw(&app, 200, 50);
    assert!(screen.contains("kafka is down") && screen.contains("resolved 1h ago"), "{screen}");
    assert!(screen.contains("started 2024-01-19T10:28:20.000Z (4m ago)"), "{screen}");
    insta::assert_snapshot!("alerts_200x50", screen);
}

/// The selected report's row as drawn without toasts, then with three:
/// every character of it is still on screen.
fn toasts_spare_the_selected_row(w: u16, h: u16) -> String {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    let plain = draw(&app, w, h);
    let selected = app.reports.items[app.reports.selected].account_title.clone();
    let row = plain.lines().find(|l| l.contains(&selected)).unwrap().to_owned();
    critical_burst(&mut app, 4);
    let screen = draw(&app, w, h);
    assert_eq!(screen.matches("unreachable · no scrape").count(), 3, "three stacked\n{screen}");
    assert!(screen.contains("node-3 unreachable"), "the newest on top\n{screen}");
    assert!(!screen.contains("node-0 unreachable"), "the oldest went\n{screen}");
    assert!(screen.lines().any(|l| l == row), "the selected row is covered\n{row}\n{screen}");
    screen
}

#[test]
fn three_toasts_stack_at_80x24_and_leave_the_selected_row_alone() {
    insta::assert_snapshot!("toasts_reports_80x24", toasts_spare_the_selected_row(80, 24));
}

#[test]
fn three_toasts_stack_at_200x50_and_leave_the_selected_row_alone() {
    insta::assert_snapshot!("toasts_reports_200x50", toasts_spare_the_selected_row(200, 50));
}

#[test]
fn toasts_move_up_when_the_selected_row_is_low() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    for _ in 0..12 {
        common::keys::press(&mut app, crossterm::event::KeyCode::Char('j'));
    }
    let plain = draw(&app, 80, 24);
    let selected = app.reports.items[app.reports.selected].account_title.clone();
    let row = plain.lines().find(|l| l.contains(&selected)).unwrap().to_owned();
    critical_burst(&mut app, 1);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("node-0 unreachable"), "{screen}");
    assert!(screen.lines().any(|l| l == row), "{row}\n{screen}");
}

#[test]
fn without_a_backend_alertmanager_and_prometheus_make_an_on_call_console() {
    let mut app = sources_only();
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("InstanceDown") && screen.contains("bo 30m ago"), "{screen}");
    assert!(screen.contains("prometheus ●") && screen.contains("no backend"), "{screen}");
    insta::assert_snapshot!("sources_alerts_80x24", screen);
    app.tab = Tab::Status;
    let screen = draw(&app, 200, 50);
    for needle in ["DOWN", "gone", "prometheus", "scrape time", "4 ms", "· last 1", "InstanceDown"]
    {
        assert!(screen.contains(needle), "{needle}\n{screen}");
    }
    insta::assert_snapshot!("sources_status_200x50", screen);
    app.tab = Tab::Insights;
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("no backend configured") && screen.contains("--server URL"),
        "{screen}"
    );
    app.tab = Tab::Metrics;
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("samples scraped"), "{screen}");
    insta::assert_snapshot!("sources_metrics_80x24", screen);
}

#[test]
fn a_long_inbox_scrolls_to_the_cursor() {
    use crossterm::event::KeyCode;
    let mut app = inbox();
    common::oncall::critical_burst(&mut app, 40);
    app.alerts.dismiss(None);
    common::keys::press(&mut app, KeyCode::Char('G'));
    let last = app.alerts.selected_row(app.wall).unwrap().alert.title.clone();
    let screen = draw(&app, 80, 24);
    assert!(screen.contains(&last), "{last}\n{screen}");
    assert!(!screen.contains("node-0 unreachable"), "the top scrolled away\n{screen}");
    common::keys::press(&mut app, KeyCode::Char('g'));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("node-0 unreachable"), "{screen}");
}

#[test]
fn beside_a_backend_alertmanagers_alerts_join_the_inbox() {
    use meridian::event::Event;
    use meridian::sources::{SourceEvent, SourcedAlert};
    let mut app = inbox();
    app.alerts.am = Some(meridian::app::AmSource::new("http://am:9093".into(), app.now));
    let alert: meridian::protocol::Alert = serde_json::from_value(serde_json::json!({
        "id": "fp9", "severity": "critical", "title": "InstanceDown",
        "message": "node-7 down", "source": "alertmanager/node", "state": "firing"}))
    .unwrap();
    let polled = vec![SourcedAlert { alert, labels: Default::default() }];
    app.update(Event::Source(SourceEvent::Alertmanager(Ok(polled))), &mut Vec::new());
    let screen = draw(&app, 120, 30);
    for needle in ["InstanceDown", "postgres is down", "Alertmanager http://am:9093", "health"] {
        assert!(screen.contains(needle), "{needle}\n{screen}");
    }
    assert!(!screen.contains("no backend"), "{screen}");
}
