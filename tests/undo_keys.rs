//! The undo window on the state, key by key: a decision is handed to the
//! outbox held for `review.undo_secs`, the footer counts it down, `u` takes
//! it back (the outbox says whether it still could), and the report shows
//! as it was.

mod common;

use common::fixture::{reports_tab, status_of};

use std::time::Duration;

use common::keys::{enqueued, press};
use crossterm::event::KeyCode;
use meridian::app::{App, Tab, held_line};
use meridian::event::{Effect, Event};
use meridian::outbox::{Action, Batch};
use meridian::protocol::{Id, ValidationStatus};

fn batch(fx: &[Effect]) -> &Batch {
    fx.iter()
        .find_map(|e| match e {
            Effect::Enqueue(b) => Some(b),
            _ => None,
        })
        .expect("a batch for the outbox")
}

/// Press `u`: the keys it asks the outbox to take back.
fn undo(app: &mut App) -> Vec<String> {
    let fx = press(app, KeyCode::Char('u'));
    match fx.as_slice() {
        [Effect::Undo(keys)] => keys.clone(),
        other => panic!("expected one undo, got {other:?}"),
    }
}

/// The outbox's answer: it took back `taken` of `asked`.
fn answer(app: &mut App, asked: Vec<String>, taken: Vec<String>) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.update(Event::Undone { asked, taken }, &mut fx);
    fx
}

fn approve_first(app: &mut App) -> Vec<Effect> {
    press(app, KeyCode::Char('a'));
    press(app, KeyCode::Char('y'))
}

#[test]
fn a_decision_is_held_for_the_window_and_the_footer_counts_it_down() {
    let mut app = reports_tab();
    let fx = approve_first(&mut app);
    let b = batch(&fx);
    assert_eq!(b.hold, Duration::from_secs(5));
    assert_eq!(b.actions, vec![Action::Approve { report: Id::from(100), notes: None }]);
    assert_eq!(b.keys.len(), 1);
    let held = app.undoable().expect("held").clone();
    assert_eq!(held.keys, b.keys, "undo names the outbox item by its key");
    assert_eq!(held_line(&held, app.now, "u"), "approving report 100 in 5s · u undo");
    app.now += Duration::from_millis(1_200);
    assert_eq!(held_line(&held, app.now, "u"), "approving report 100 in 4s · u undo");
    app.now += Duration::from_secs(4);
    assert!(app.undoable().is_none(), "the window has passed");
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.message.as_deref(), Some("nothing to undo: every decision has been sent"));
}

#[test]
fn u_takes_back_the_decision_and_the_report_is_pending_again_under_the_cursor() {
    let mut app = reports_tab();
    approve_first(&mut app);
    assert_eq!(status_of(&app, "100"), ValidationStatus::Approved, "shown at once");
    assert_eq!(app.reports.selected, 1, "the cursor moved on");
    let held = app.undoable().expect("held").keys.clone();
    let asked = undo(&mut app);
    assert_eq!(asked, held);
    assert!(app.undoable().is_none(), "u asks once");
    let fx = answer(&mut app, asked.clone(), asked);
    assert_eq!(status_of(&app, "100"), ValidationStatus::Pending);
    assert_eq!(app.reports.items[app.reports.selected].id.as_str(), "100", "back on it");
    assert_eq!(app.message.as_deref(), Some("undone, never sent: approving report 100"));
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchReports(_))), "the truth is reloaded");
    assert!(enqueued(&fx).is_empty());
}

#[test]
fn too_late_is_said_and_the_decision_stands() {
    let mut app = reports_tab();
    approve_first(&mut app);
    let asked = undo(&mut app);
    answer(&mut app, asked, Vec::new());
    assert_eq!(status_of(&app, "100"), ValidationStatus::Approved);
    assert_eq!(app.message.as_deref(), Some("too late: approving report 100 was already sent"));
}

#[test]
fn u_takes_back_the_newest_decision_first() {
    let mut app = reports_tab();
    approve_first(&mut app); // report 100; the cursor moves to the next
    let fx = approve_first(&mut app);
    let second = batch(&fx).keys.clone();
    assert_eq!(undo(&mut app), second);
    assert!(app.undoable().is_some(), "the first is still held");
}

#[test]
fn a_bulk_decision_is_taken_back_whole() {
    let mut app = reports_tab();
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    let fx = approve_first(&mut app);
    assert_eq!(batch(&fx).keys.len(), 2);
    let held = app.undoable().expect("held").clone();
    assert_eq!(held.label(), "approving 2 reports");
    let asked = undo(&mut app);
    answer(&mut app, asked.clone(), asked);
    assert_eq!(status_of(&app, "100"), ValidationStatus::Pending);
    assert_eq!(app.message.as_deref(), Some("undone, never sent: approving 2 reports"));
}

#[test]
fn a_rating_is_held_like_a_decision() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    press(&mut app, KeyCode::Char('r'));
    let fx = press(&mut app, KeyCode::Char('4'));
    assert_eq!(batch(&fx).hold, Duration::from_secs(5));
    assert!(app.undoable().is_some_and(|h| h.label().starts_with("rating insight")));
}

#[test]
fn with_no_window_decisions_go_at_once_and_u_says_why_it_cannot_help() {
    let mut app = reports_tab();
    app.settings.review.undo_secs = 0;
    let fx = approve_first(&mut app);
    assert_eq!(batch(&fx).hold, Duration::ZERO);
    assert!(app.undoable().is_none());
    press(&mut app, KeyCode::Char('u'));
    assert!(app.message.as_deref().is_some_and(|m| m.contains("review.undo_secs = 0")));
}
