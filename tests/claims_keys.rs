//! Claims on the state, key by key: deciding a report someone else is
//! reviewing asks first, and the server's answers to claims show who holds
//! what (a 1.0 backend's 404 is said once and claims stop).

mod common;

use common::fixture::reports_tab;

use common::keys::{enqueued, press};
use crossterm::event::KeyCode;
use meridian::api::ApiError;
use meridian::app::{App, Modal};
use meridian::event::{ApiEvent, Event};
use meridian::outbox::Action;
use meridian::protocol::{Id, Timestamp};

/// Report `i` in the list, claimed by `who` just now.
fn claim(app: &mut App, i: usize, who: &str) -> Id {
    let wall = app.wall;
    let r = &mut app.reports.items[i];
    r.claimed_by = Some(who.into());
    r.claimed_at = Some(wall);
    r.id.clone()
}

fn confirm_title(app: &App) -> String {
    match &app.modal {
        Some(Modal::Confirm(c)) => format!("{} | {}", c.title, c.lines.join(" | ")),
        other => panic!("expected a question, got {other:?}"),
    }
}

#[test]
fn approving_a_report_someone_else_reviews_says_who_in_the_question() {
    let mut app = reports_tab();
    let id = claim(&mut app, 0, "bob");
    press(&mut app, KeyCode::Char('a'));
    let q = confirm_title(&app);
    assert!(q.contains("Approve anyway?"), "{q}");
    assert!(q.contains(&format!("report {id} (bob)")), "{q}");
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(enqueued(&fx), vec![Action::Approve { report: id, notes: None }]);
}

#[test]
fn rejecting_it_asks_before_the_reason_and_no_leaves_it_alone() {
    let mut app = reports_tab();
    claim(&mut app, 0, "bob");
    press(&mut app, KeyCode::Char('x'));
    assert!(confirm_title(&app).starts_with("Reject anyway?"));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.modal.is_none(), "nothing asked for, nothing queued");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.modal, Some(Modal::Text(_))), "then the reason, as without a claim");
}

#[test]
fn ones_own_claim_and_a_lapsed_one_ask_nothing() {
    let mut app = reports_tab();
    let me = app.settings.user.clone();
    claim(&mut app, 0, &me);
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.modal, Some(Modal::Text(_))), "my own claim");
    press(&mut app, KeyCode::Esc);
    claim(&mut app, 0, "bob");
    app.reports.items[0].claimed_at = Some(Timestamp(app.wall.0 - 16 * 60 * 1000));
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.modal, Some(Modal::Text(_))), "bob's claim lapsed after 15 minutes");
}

#[test]
fn a_claim_refused_shows_the_holder_and_a_backend_without_claims_is_said_once() {
    let mut app = reports_tab();
    let mut taken = app.reports.items[0].clone();
    taken.claimed_by = Some("carol".into());
    taken.claimed_at = Some(app.wall);
    let id = taken.id.clone();
    let conflict = ApiError::Conflict {
        path: format!("/api/v1/reports/{id}/claim"),
        message: "claimed".into(),
        current: Some(Box::new(taken)),
    };
    let ev = ApiEvent::Claim { id: id.clone(), release: false, result: Err(conflict) };
    app.update(Event::Api(ev), &mut Vec::new());
    assert_eq!(app.message.as_deref(), Some(&*format!("report {id} is being reviewed by carol")));
    assert_eq!(app.reports.items[0].claimed_by.as_deref(), Some("carol"), "the row says who");

    let gone = ApiError::Unavailable { path: format!("/api/v1/reports/{id}/claim") };
    let ev = ApiEvent::Claim { id, release: false, result: Err(gone) };
    app.update(Event::Api(ev), &mut Vec::new());
    assert!(app.claims.unavailable);
    assert!(app.message.as_deref().is_some_and(|m| m.contains("no claims")));
}

fn claims(fx: &[meridian::event::Effect]) -> Vec<(String, bool)> {
    fx.iter()
        .filter_map(|e| match e {
            meridian::event::Effect::Claim { id, release } => Some((id.to_string(), *release)),
            _ => None,
        })
        .collect()
}

#[test]
fn opening_a_pending_report_claims_it_and_leaving_releases_it() {
    let mut app = reports_tab();
    let id = app.reports.items[0].id.to_string();
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(claims(&fx), vec![(id.clone(), false)]);
    let fx = press(&mut app, KeyCode::Esc);
    assert_eq!(claims(&fx), vec![(id, true)]);
    let fx = press(&mut app, KeyCode::Esc);
    assert!(claims(&fx).is_empty(), "nothing held, nothing to give back");
}

#[test]
fn no_claim_when_switched_off_read_only_held_by_another_or_unsupported() {
    type Case = (&'static str, fn(&mut App));
    let cases: [Case; 4] = [
        ("review.claim_on_open = false", |a| a.settings.review.claim_on_open = false),
        ("read-only", |a| a.read_only = Some("chosen".into())),
        ("bob holds it", |a| {
            claim(a, 0, "bob");
        }),
        ("a 1.0 backend", |a| a.claims.unavailable = true),
    ];
    for (why, set) in cases {
        let mut app = reports_tab();
        set(&mut app);
        let fx = press(&mut app, KeyCode::Enter);
        assert!(claims(&fx).is_empty(), "{why}");
        assert!(app.report_detail.is_some(), "{why}: the detail opens all the same");
        assert!(claims(&press(&mut app, KeyCode::Esc)).is_empty(), "{why}");
    }
}

#[test]
fn a_claim_open_for_ten_minutes_is_renewed() {
    let mut app = reports_tab();
    press(&mut app, KeyCode::Enter);
    let mut fx = Vec::new();
    app.now += meridian::app::CLAIM_RENEW;
    app.update(Event::Tick, &mut fx);
    assert_eq!(claims(&fx).len(), 1);
    assert!(!claims(&fx)[0].1, "a claim, not a release");
}
