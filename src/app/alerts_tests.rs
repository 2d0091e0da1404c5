#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use super::*;

const WALL: Timestamp = Timestamp(1_705_660_245_000);

fn alert(id: &str, severity: Severity, state: AlertState, started_s_ago: i64) -> Alert {
    Alert {
        id: Id(id.into()),
        severity,
        title: format!("title {id}"),
        state,
        started_at: Some(Timestamp(WALL.0 - started_s_ago * 1000)),
        ..Alert::default()
    }
}

fn ids(a: &Alerts) -> Vec<String> {
    a.visible(WALL).iter().map(|r| r.alert.id.as_str().to_owned()).collect()
}

#[test]
fn firing_first_then_acknowledged_and_snoozed_then_resolved() {
    let now = Instant::now();
    let mut a = Alerts { state_filter: StateFilter::All, ..Alerts::default() };
    a.upsert(alert("res", Severity::Critical, AlertState::Resolved, 5), Origin::Backend, now);
    a.upsert(alert("ack", Severity::Critical, AlertState::Acknowledged, 5), Origin::Backend, now);
    a.upsert(alert("info", Severity::Info, AlertState::Firing, 1), Origin::Backend, now);
    a.upsert(alert("old", Severity::Critical, AlertState::Firing, 60), Origin::Backend, now);
    a.upsert(alert("new", Severity::Critical, AlertState::Firing, 10), Origin::Backend, now);
    let mut snoozed = alert("snz", Severity::Warning, AlertState::Snoozed, 5);
    snoozed.snoozed_until = Some(Timestamp(WALL.0 + 60_000));
    a.upsert(snoozed, Origin::Backend, now);
    assert_eq!(ids(&a), ["new", "old", "info", "ack", "snz", "res"]);
}

#[test]
fn a_snooze_that_ended_reads_firing_again() {
    let now = Instant::now();
    let mut a = Alerts::default();
    let mut s = alert("s", Severity::Warning, AlertState::Snoozed, 5);
    s.snoozed_until = Some(Timestamp(WALL.0 - 1));
    a.upsert(s, Origin::Backend, now);
    assert_eq!(a.get(&Id("s".into())).unwrap().state(WALL), AlertState::Firing);
    assert_eq!(a.counts(WALL), (1, 0, 0));
}

#[test]
fn an_update_replaces_the_row_and_keeps_when_it_was_first_seen() {
    let t0 = Instant::now();
    let mut a = Alerts::default();
    assert!(a.upsert(alert("x", Severity::Warning, AlertState::Firing, 5), Origin::Backend, t0));
    let mut acked = alert("x", Severity::Warning, AlertState::Acknowledged, 5);
    acked.acked_by = Some("ana".into());
    let later = t0 + Duration::from_secs(9);
    assert!(!a.upsert(acked, Origin::Backend, later), "not a new alert");
    assert_eq!(a.len(), 1);
    let row = a.get(&Id("x".into())).unwrap();
    assert_eq!(row.alert.acked_by.as_deref(), Some("ana"));
    assert_eq!(row.seen, t0);
}

#[test]
fn filters_by_state_and_severity() {
    let now = Instant::now();
    let mut a = Alerts::default();
    a.upsert(alert("c", Severity::Critical, AlertState::Firing, 1), Origin::Backend, now);
    a.upsert(alert("w", Severity::Warning, AlertState::Acknowledged, 1), Origin::Backend, now);
    a.upsert(alert("i", Severity::Info, AlertState::Firing, 1), Origin::Backend, now);
    a.upsert(alert("r", Severity::Critical, AlertState::Resolved, 1), Origin::Backend, now);
    assert_eq!(ids(&a), ["c", "i", "w"], "active by default");
    a.state_filter = StateFilter::Firing;
    assert_eq!(ids(&a), ["c", "i"]);
    a.state_filter = StateFilter::All;
    a.severity_filter = SeverityFilter::WarningUp;
    assert_eq!(ids(&a), ["c", "w", "r"]);
    a.severity_filter = SeverityFilter::Critical;
    assert_eq!(ids(&a), ["c", "r"]);
}

#[test]
fn a_critical_alert_gets_one_toast_ever_and_at_most_three_stack() {
    let now = Instant::now();
    let mut a = Alerts::default();
    let crit = |id: &str| alert(id, Severity::Critical, AlertState::Firing, 1);
    assert!(a.on_live(crit("1"), now, WALL));
    assert!(!a.on_live(crit("1"), now, WALL), "the same alert again: no second toast");
    assert!(!a.on_live(alert("w", Severity::Warning, AlertState::Firing, 1), now, WALL));
    for id in ["2", "3", "4"] {
        assert!(a.on_live(crit(id), now, WALL));
    }
    let shown: Vec<&str> = a.live_toasts(now, WALL).iter().map(|r| r.alert.id.as_str()).collect();
    assert_eq!(shown, ["4", "3", "2"]);
    a.dismiss(Some(&Id("4".into())));
    assert_eq!(a.live_toasts(now, WALL).len(), 2);
    assert!(a.live_toasts(now + TOAST, WALL).is_empty(), "toasts go after a while");
    // Acknowledged elsewhere: its toast goes at once.
    a.upsert(alert("3", Severity::Critical, AlertState::Acknowledged, 1), Origin::Backend, now);
    assert_eq!(a.live_toasts(now, WALL).len(), 1);
}

#[test]
fn an_alertmanager_poll_resolves_what_it_no_longer_holds_and_toasts_only_news() {
    let now = Instant::now();
    let mut a = Alerts::default();
    let labels = BTreeMap::from([("alertname".to_owned(), "Down".to_owned())]);
    let crit = |id: &str| (alert(id, Severity::Critical, AlertState::Firing, 1), labels.clone());
    let news = a.apply_poll(vec![crit("a"), crit("b")], true, now, WALL);
    assert!(news.is_empty(), "what was firing before we started is not news");
    let news = a.apply_poll(vec![crit("b"), crit("c")], false, now, WALL);
    assert_eq!(news, [Id("c".into())]);
    let gone = a.get(&Id("a".into())).unwrap();
    assert_eq!((gone.alert.state, gone.alert.resolved_at), (AlertState::Resolved, Some(WALL)));
    // Our backend's alerts are not Alertmanager's to resolve.
    a.upsert(alert("ours", Severity::Info, AlertState::Firing, 1), Origin::Backend, now);
    a.apply_poll(Vec::new(), false, now, WALL);
    assert_eq!(a.get(&Id("ours".into())).unwrap().alert.state, AlertState::Firing);
}

#[test]
fn the_cursor_follows_the_selected_alert_and_can_stay_in_place() {
    let now = Instant::now();
    let mut a = Alerts::default();
    for (id, ago) in [("a", 1), ("b", 2), ("c", 3)] {
        a.upsert(alert(id, Severity::Critical, AlertState::Firing, ago), Origin::Backend, now);
    }
    a.move_selection(1, WALL);
    assert_eq!(a.selected_row(WALL).unwrap().alert.id.as_str(), "b");
    // A newer alert arrives above: the cursor stays on b.
    a.upsert(alert("z", Severity::Critical, AlertState::Firing, 0), Origin::Backend, now);
    assert_eq!(a.selected_row(WALL).unwrap().alert.id.as_str(), "b");
    // b is acknowledged and moves down: select what took its place.
    let visible = a.visible(WALL);
    let at = a.cursor(&visible);
    a.get_mut(&Id("b".into())).unwrap().alert.state = AlertState::Acknowledged;
    a.select_at(at, WALL);
    assert_eq!(a.selected_row(WALL).unwrap().alert.id.as_str(), "c");
}

#[test]
fn the_inbox_is_capped_dropping_resolved_alerts_first() {
    let now = Instant::now();
    let mut a = Alerts::default();
    a.upsert(alert("keep", Severity::Critical, AlertState::Firing, 1), Origin::Backend, now);
    for i in 0..MAX_ALERTS {
        let at = now + Duration::from_millis(i as u64 + 1);
        a.upsert(
            alert(&format!("r{i}"), Severity::Info, AlertState::Resolved, 1),
            Origin::Backend,
            at,
        );
    }
    assert_eq!(a.len(), MAX_ALERTS);
    assert!(a.get(&Id("keep".into())).is_some(), "the firing alert outlives resolved ones");
    assert!(a.get(&Id("r0".into())).is_none(), "the oldest resolved went");
}
