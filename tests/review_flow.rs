//! Reviewer workflows on the state, key by key: what a decision turns into
//! (outbox actions), how it shows before and after delivery, and what 409,
//! 403 and filters do.

mod common;

use common::fixture::{reports_tab, status_of};

use common::keys::{enqueued, press, press_mod, typed};

use crossterm::event::{KeyCode, KeyModifiers};
use meridian::app::{Modal, Tab};
use meridian::event::{ApiEvent, Effect, Event};
use meridian::outbox::{Action, Answer, Item, ItemStatus, OutboxEvent};
use meridian::protocol::{Id, Timestamp, ValidationStatus};

#[test]
fn approve_asks_then_queues_and_shows_the_decision_at_once() {
    let mut app = reports_tab();
    assert!(press(&mut app, KeyCode::Char('a')).is_empty(), "nothing is sent before confirming");
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(enqueued(&fx), vec![Action::Approve { report: Id::from(100), notes: None }]);
    assert_eq!(status_of(&app, "100"), ValidationStatus::Approved, "optimistic");
    assert!(app.modal.is_none());
    assert_eq!(app.reports.selected, 1, "the cursor moves on to the next report");
}

#[test]
fn esc_and_n_cancel_without_a_trace() {
    for cancel in [KeyCode::Esc, KeyCode::Char('n')] {
        let mut app = reports_tab();
        press(&mut app, KeyCode::Char('a'));
        assert!(press(&mut app, cancel).is_empty());
        assert!(app.modal.is_none());
        assert_eq!(status_of(&app, "100"), ValidationStatus::Pending);
    }
}

#[test]
fn reject_needs_a_reason() {
    let mut app = reports_tab();
    press(&mut app, KeyCode::Char('x'));
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "an empty reason is not accepted");
    let Some(Modal::Text(entry)) = &app.modal else { panic!("reason dialog stays open") };
    assert!(entry.error.is_some());
    typed(&mut app, "positions do not reconcile");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        enqueued(&fx),
        vec![Action::Reject { report: Id::from(100), reason: "positions do not reconcile".into() }]
    );
    assert_eq!(status_of(&app, "100"), ValidationStatus::Rejected);
}

#[test]
fn bulk_approve_confirms_once_for_every_marked_pending_report() {
    let mut app = reports_tab();
    for _ in 0..3 {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Char('a'));
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("one confirmation") };
    assert!(c.title.contains("3 reports"), "{}", c.title);
    let actions = enqueued(&press(&mut app, KeyCode::Enter));
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().all(|a| matches!(a, Action::Approve { .. })));
    assert!(app.reports.marked.is_empty());
}

#[test]
fn approve_with_notes_and_flag_carry_their_text() {
    let mut app = reports_tab();
    press(&mut app, KeyCode::Char('A'));
    typed(&mut app, "checked with desk");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        enqueued(&fx),
        vec![Action::Approve { report: Id::from(100), notes: Some("checked with desk".into()) }]
    );
    press(&mut app, KeyCode::Char('f'));
    typed(&mut app, "odd leverage");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        enqueued(&fx),
        vec![Action::FlagReport { report: Id::from(101), reason: "odd leverage".into() }]
    );
}

#[test]
fn rating_comment_and_flag_on_an_insight() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    let before = app.insights.items[0].rating_count;
    press(&mut app, KeyCode::Char('r'));
    let fx = press(&mut app, KeyCode::Char('4'));
    assert_eq!(enqueued(&fx), vec![Action::Rate { insight: Id::from(1), rating: 4 }]);
    assert_eq!(app.insights.items[0].rating_count, before + 1, "optimistic count");

    press(&mut app, KeyCode::Char('c'));
    typed(&mut app, "agree");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "see desk note");
    assert!(app.modal.is_some(), "Enter adds a line in the comment editor");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        enqueued(&fx),
        vec![Action::Comment { insight: Id::from(1), text: "agree\nsee desk note".into() }]
    );

    press(&mut app, KeyCode::Char('f'));
    typed(&mut app, "stale data");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        enqueued(&fx),
        vec![Action::FlagInsight { insight: Id::from(1), reason: "stale data".into() }]
    );
}

fn item(action: Action) -> Item {
    Item {
        id: 9,
        key: "k".into(),
        action,
        status: ItemStatus::Failed,
        attempts: 1,
        last_error: None,
        created_at: Timestamp(0),
        next_attempt_at: None,
    }
}

#[test]
fn a_conflict_shows_who_decided_and_takes_the_current_report() {
    let mut app = reports_tab();
    let mut current = app.reports.items[0].clone();
    current.validation_status = ValidationStatus::Rejected;
    current.approved_by = Some("alice".into());
    let ev = OutboxEvent::Conflict {
        item: item(Action::Approve { report: current.id.clone(), notes: None }),
        message: "already decided".into(),
        current: Some(Answer::Report(Box::new(current))),
    };
    app.update(Event::Outbox(ev), &mut Vec::new());
    assert_eq!(status_of(&app, "100"), ValidationStatus::Rejected);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("alice") && msg.contains("rejected"), "{msg}");
}

#[test]
fn forbidden_turns_action_keys_into_a_read_only_hint() {
    let mut app = reports_tab();
    let ev = OutboxEvent::Forbidden {
        item: item(Action::Approve { report: Id::from(100), notes: None }),
        message: "token is read-only".into(),
    };
    let mut fx = Vec::new();
    app.update(Event::Outbox(ev), &mut fx);
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchReports(_))), "optimistic state reloaded");
    assert!(press(&mut app, KeyCode::Char('a')).is_empty());
    assert!(app.modal.is_none(), "no dialog for an action that would be refused");
    assert!(app.message.clone().unwrap_or_default().contains("read-only"));
}

#[test]
fn filter_bar_refetches_from_the_first_page_and_rejects_nonsense() {
    let mut app = reports_tab();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "status:flagged account:ACC-1035");
    let fx = press(&mut app, KeyCode::Enter);
    let Some(Effect::FetchReports(q)) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(
        (q.status.as_deref(), q.account.as_deref(), q.offset),
        (Some("flagged"), Some("ACC-1035"), 0)
    );
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, " from:yesterday");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let Some(Modal::Text(entry)) = &app.modal else { panic!("stays open with the error") };
    assert!(entry.error.clone().unwrap_or_default().contains("YYYY-MM-DD"));
}

#[test]
fn scrolling_near_the_end_fetches_the_next_page_once() {
    let mut app = reports_tab();
    let mut pages = Vec::new();
    for _ in 0..20 {
        for e in press(&mut app, KeyCode::Down) {
            if let Effect::FetchReports(q) = e {
                pages.push(q.offset);
            }
        }
    }
    assert_eq!(pages, vec![12], "one request for the page after the 12 loaded");
    let more = app.reports.items[0].clone();
    let mut next = more.clone();
    next.id = Id::from(999);
    app.update(
        Event::Api(ApiEvent::Reports {
            offset: 12,
            result: Ok(meridian::protocol::ReportList {
                reports: vec![next],
                total: 57,
                has_more: true,
            }),
        }),
        &mut Vec::new(),
    );
    assert_eq!(app.reports.items.len(), 13, "appended, not replaced");
}

#[test]
fn the_outbox_view_retries_and_drops_with_confirmation() {
    let mut app = common::fixture::populated();
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Down); // the failed rating
    let fx = press(&mut app, KeyCode::Char('r'));
    assert_eq!(fx, vec![Effect::OutboxRetry(2)]);
    assert!(press(&mut app, KeyCode::Char('d')).is_empty(), "drop asks first");
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(fx, vec![Effect::OutboxDrop(2)]);
    assert!(matches!(app.modal, Some(Modal::Outbox { .. })), "back to the outbox view");
}
