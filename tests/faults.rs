//! Failures out of sight reach the screen: an answer the outbox could not
//! decode is counted in the diagnostics popup and the list is loaded again.

mod common;

use meridian::app::{App, Tab};
use meridian::event::{Effect, Event};
use meridian::outbox::{Action, Item, ItemStatus, OutboxEvent};
use meridian::protocol::{Id, Timestamp};
use meridian::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, w: u16, h: u16) -> String {
    let theme = Theme::by_name("default").expect("built-in theme");
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| meridian::ui::render(f, app, &theme)).expect("draw");
    term.backend().to_string()
}

fn delivered(action: Action) -> Item {
    Item {
        id: 7,
        key: "00000000-0000-4000-8000-000000000007".into(),
        action,
        status: ItemStatus::Delivered,
        attempts: 1,
        last_error: None,
        created_at: Timestamp(0),
        next_attempt_at: None,
    }
}

#[test]
fn an_undecodable_answer_is_counted_in_diagnostics_and_the_truth_reloaded() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    app.show_diagnostics = true;
    assert!(!draw(&app, 100, 30).contains("could not be read"), "nothing to report yet");

    let mut fx = Vec::new();
    let reason = "approve report 100: the answer is not a Report (expected value)".to_owned();
    app.update(Event::Outbox(OutboxEvent::Undecodable { total: 2, reason }), &mut fx);
    let item = delivered(Action::Approve { report: Id::from(100), notes: None });
    app.update(Event::Outbox(OutboxEvent::Delivered { item, answer: None }), &mut fx);

    let screen = draw(&app, 100, 30);
    assert!(screen.contains("outbox: 2 answers could not be read"), "{screen}");
    assert!(screen.contains("last: approve report 100: the answer is not a Report"), "{screen}");
    // Delivered, but how it came out is unknown: the queue is fetched again.
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchReports(q) if q.offset == 0)), "{fx:?}");
}
