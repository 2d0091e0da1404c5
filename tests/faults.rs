//! Failures out of sight reach the screen: an answer the outbox could not
//! decode is counted in the diagnostics popup and the list is loaded again;
//! a background task that panicked is named in the footer, the popup and
//! (for a feed) its indicator, and the console runs on.

mod common;

use common::screen::draw;

use meridian::app::{Indicator, Tab};
use meridian::event::{Effect, Event, FeedKind, Task, TaskFailed};
use meridian::outbox::{Action, Item, ItemStatus, OutboxEvent};
use meridian::protocol::{Id, Timestamp};

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

#[test]
fn a_feed_task_that_panicked_is_shown_stopped_and_the_console_runs_on() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let failed = TaskFailed {
        task: Task::Feed(FeedKind::Health),
        message: "index out of bounds: the len is 3 but the index is 7".into(),
    };
    let mut fx = Vec::new();
    assert!(app.update(Event::TaskFailed(failed), &mut fx));
    assert!(!app.quitting && fx.is_empty(), "runs on: {fx:?}");
    assert_eq!(app.feeds.health.indicator(), Indicator::Down);

    let screen = draw(&app, 120, 30);
    let footer = screen.lines().nth(29).unwrap_or_default();
    assert!(footer.contains("the health feed stopped unexpectedly"), "{screen}");

    app.show_diagnostics = true;
    let screen = draw(&app, 120, 30);
    let row = screen.lines().find(|l| l.contains("│health")).unwrap_or_default();
    assert!(row.contains("stopped"), "{screen}");
    assert!(
        screen.contains("the health feed stopped unexpectedly: index out of bounds"),
        "{screen}"
    );
}

#[test]
fn a_dead_outbox_sender_or_clock_is_reported_without_ending_anything() {
    let mut app = common::fixture::populated();
    for task in [Task::Outbox, Task::Clock, Task::Fetch] {
        let failed = TaskFailed { task, message: "boom".into() };
        let mut fx = Vec::new();
        app.update(Event::TaskFailed(failed.clone()), &mut fx);
        assert!(!app.quitting && fx.is_empty(), "{task}: {fx:?}");
        assert_eq!(app.faults.tasks.last(), Some(&failed));
    }
    // The sender's own channel carries its failure when it is not the UI's.
    let failed = TaskFailed { task: Task::Outbox, message: "again".into() };
    app.update(Event::Outbox(OutboxEvent::Stopped(failed.clone())), &mut Vec::new());
    assert_eq!(app.faults.tasks.len(), 4);
    assert!(app.message.as_deref().unwrap_or_default().contains("the outbox sender stopped"));
}

#[test]
fn without_terminal_input_the_console_leaves() {
    let mut app = common::fixture::populated();
    let failed = TaskFailed { task: Task::Input, message: "bad escape".into() };
    let mut fx = Vec::new();
    app.update(Event::TaskFailed(failed), &mut fx);
    assert!(app.quitting);
    assert_eq!(fx, vec![Effect::Quit]);
}
