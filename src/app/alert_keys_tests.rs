#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::BTreeMap;
use std::time::Instant;

use crossterm::event::KeyCode;

use super::*;
use crate::app::tests::{key, typed};
use crate::event::{Event, FeedEvent};
use crate::keymap::Keymap;
use crate::outbox::Action as Out;
use crate::protocol::{Alert, HealthMessage, Severity, Timestamp};

const WALL: Timestamp = Timestamp(1_705_660_245_000);
const HOUR: i64 = 3_600_000;

fn app() -> App {
    let settings = crate::app::Settings { user: "ana".into(), ..Default::default() };
    let mut a = App::new(settings, Keymap::default_map(), Vec::new(), Instant::now());
    a.wall = WALL;
    a
}

fn critical(id: &str) -> Alert {
    Alert {
        id: Id(id.into()),
        severity: Severity::Critical,
        title: format!("disk full {id}"),
        started_at: Some(WALL),
        ..Alert::default()
    }
}

fn live(app: &mut App, a: Alert) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.update(Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(a)])), &mut fx);
    fx
}

fn enqueued(fx: &[Effect]) -> Vec<Out> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Enqueue(b) => Some(b.actions.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_on_the_alerts_tab_asks_for_a_note_and_queues_one_acknowledgement() {
    let mut a = app();
    live(&mut a, critical("a1"));
    live(&mut a, critical("a2"));
    key(&mut a, KeyCode::Char('6'));
    assert_eq!(a.tab, Tab::Alerts);
    key(&mut a, KeyCode::Char('a'));
    assert!(matches!(&a.modal, Some(Modal::Text(e)) if e.title.contains("Acknowledge")));
    typed(&mut a, "on it");
    let fx = key(&mut a, KeyCode::Enter);
    let selected = |a: &App| a.alerts.selected_row(WALL).map(|r| r.alert.id.as_str().to_owned());
    // Both started together: the first listed is the newest by arrival
    // order of the sort, whichever it is; it is the one acknowledged.
    let [Out::AckAlert { ref alert, ref note, silence: None }] = enqueued(&fx)[..] else {
        panic!("one acknowledgement: {fx:?}")
    };
    assert_eq!(note.as_deref(), Some("on it"));
    let row = a.alerts.get(alert).unwrap();
    assert_eq!(row.alert.state, AlertState::Acknowledged, "shown at once");
    assert_eq!(row.alert.acked_by.as_deref(), Some("ana"));
    assert_ne!(
        selected(&a).as_deref(),
        Some(alert.as_str()),
        "the cursor stays on the next firing one"
    );
}

#[test]
fn an_acknowledged_alert_is_not_acknowledged_twice() {
    let mut a = app();
    let acked =
        Alert { state: AlertState::Acknowledged, acked_by: Some("bo".into()), ..critical("a1") };
    live(&mut a, acked);
    key(&mut a, KeyCode::Char('6'));
    key(&mut a, KeyCode::Char('a'));
    assert!(a.modal.is_none());
    assert!(a.message.as_deref().unwrap().contains("already acknowledged by bo"));
    // A resolved one cannot be snoozed either.
    a.alerts.state_filter = crate::app::StateFilter::All;
    let resolved = Alert { id: Id("r".into()), state: AlertState::Resolved, ..critical("r") };
    a.alerts.upsert(resolved, Origin::Backend, a.now);
    a.alerts.selected = Some(Id("r".into()));
    key(&mut a, KeyCode::Char('s'));
    assert!(a.message.as_deref().unwrap().contains("resolved"), "{:?}", a.message);
}

#[test]
fn s_snoozes_for_an_hour_by_default_and_refuses_a_bad_duration() {
    let mut a = app();
    live(&mut a, critical("a1"));
    key(&mut a, KeyCode::Char('6'));
    key(&mut a, KeyCode::Char('s'));
    for _ in 0..2 {
        key(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "soon");
    let fx = key(&mut a, KeyCode::Enter);
    assert!(enqueued(&fx).is_empty());
    let Some(Modal::Text(e)) = &a.modal else { panic!("still open") };
    assert!(e.error.as_deref().unwrap().contains("30m, 1h"), "{:?}", e.error);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('s'));
    let fx = key(&mut a, KeyCode::Enter);
    let [Out::SnoozeAlert { until, .. }] = enqueued(&fx)[..] else { panic!("{fx:?}") };
    assert_eq!(until.0, WALL.0 + HOUR);
    assert_eq!(a.alerts.counts(WALL), (0, 0, 1));
}

#[test]
fn an_alertmanager_alert_is_acknowledged_with_a_silence_on_its_labels() {
    let mut a = app();
    a.settings.ack_hours = 4;
    let labels = BTreeMap::from([("alertname".to_owned(), "Down".to_owned())]);
    a.alerts.apply_poll(vec![(critical("fp1"), labels.clone())], true, a.now, WALL);
    key(&mut a, KeyCode::Char('6'));
    key(&mut a, KeyCode::Char('a'));
    let fx = key(&mut a, KeyCode::Enter);
    let [Out::AckAlert { note: None, silence: Some(ref s), .. }] = enqueued(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!((&s.labels, s.ends_at.0), (&labels, WALL.0 + 4 * HOUR));
    // The same alert again while that is on its way: not a second one.
    a.outbox = vec![crate::outbox::Item {
        id: 1,
        key: "k".into(),
        action: enqueued(&fx).remove(0),
        status: crate::outbox::ItemStatus::Pending,
        attempts: 0,
        last_error: None,
        created_at: WALL,
        next_attempt_at: Some(WALL),
    }];
    a.alerts.get_mut(&Id("fp1".into())).unwrap().alert.state = AlertState::Firing;
    key(&mut a, KeyCode::Char('a'));
    assert!(a.modal.is_none());
    assert!(a.message.as_deref().unwrap().contains("already queued"), "{:?}", a.message);
}

#[test]
fn a_toast_is_reached_with_n_and_acknowledged_with_a_from_any_tab() {
    let mut a = app();
    live(&mut a, critical("a1"));
    live(&mut a, critical("a2"));
    key(&mut a, KeyCode::Char('5'));
    assert_eq!(a.alerts.live_toasts(a.now, WALL).len(), 2);
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(a.layer(), crate::app::Layer::Toast);
    assert_eq!(a.alerts.focus.as_ref().unwrap().as_str(), "a2", "the newest");
    key(&mut a, KeyCode::Down);
    assert_eq!(a.alerts.focus.as_ref().unwrap().as_str(), "a1");
    key(&mut a, KeyCode::Char('a'));
    let fx = key(&mut a, KeyCode::Enter);
    let [Out::AckAlert { ref alert, .. }] = enqueued(&fx)[..] else { panic!("{fx:?}") };
    assert_eq!(alert.as_str(), "a1");
    assert_eq!(a.tab, Tab::Reports, "acknowledged without leaving the tab");
    let left: Vec<&str> =
        a.alerts.live_toasts(a.now, WALL).iter().map(|r| r.alert.id.as_str()).collect();
    assert_eq!(left, ["a2"], "an acknowledged alert's toast goes");
    // X takes the rest down; n then says there is none.
    key(&mut a, KeyCode::Char('X'));
    assert!(a.alerts.live_toasts(a.now, WALL).is_empty());
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(a.layer(), crate::app::Layer::Tab(Tab::Reports));
}

#[test]
fn enter_on_a_toast_shows_its_alert_in_the_alerts_tab_and_x_dismisses_one() {
    let mut a = app();
    for id in ["a1", "a2", "a3"] {
        live(&mut a, critical(id));
    }
    key(&mut a, KeyCode::Char('n'));
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(a.alerts.focus.as_ref().unwrap().as_str(), "a2", "focus moves to the next");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.tab, Tab::Alerts);
    assert_eq!(a.alerts.selected_row(WALL).unwrap().alert.id.as_str(), "a2");
    assert_eq!(a.layer(), crate::app::Layer::Tab(Tab::Alerts));
}

#[test]
fn a_backfill_job_that_finishes_is_a_notification_once_and_an_old_one_is_not() {
    use crate::protocol::{BackfillJob, JobStatus};
    let job = |status, processed| BackfillJob {
        job_id: "j1".into(),
        name: "Quotes 2021".into(),
        status,
        processed,
        total: 100,
        rate_per_sec: 0.0,
        eta_seconds: None,
        errors: 0,
        last_error: (status == JobStatus::Failed).then(|| "upstream 503".into()),
        started_at: None,
        updated_at: None,
    };
    let feed = |a: &mut App, j: BackfillJob| {
        let mut fx = Vec::new();
        a.update(Event::Feed(FeedEvent::Backfill(vec![j])), &mut fx);
        fx
    };
    let mut a = app();
    assert!(feed(&mut a, job(JobStatus::Running, 10)).is_empty());
    let fx = feed(&mut a, job(JobStatus::Failed, 40));
    let [Effect::Notify(n)] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(n.title, "Backfill Quotes 2021 failed");
    assert_eq!(n.body, "40 of 100 processed · upstream 503");
    assert!(feed(&mut a, job(JobStatus::Failed, 40)).is_empty(), "once");
    // A job already over when first seen is not news.
    let mut b = app();
    assert!(feed(&mut b, job(JobStatus::Completed, 100)).is_empty());
    // With notify.jobs off, nothing.
    let mut c = app();
    c.settings.notify.jobs = false;
    feed(&mut c, job(JobStatus::Running, 10));
    assert!(feed(&mut c, job(JobStatus::Completed, 100)).is_empty());
}
