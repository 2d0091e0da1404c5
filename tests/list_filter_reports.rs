//! `/` on Reports: `key:value` words go to the server as before; any other
//! words narrow the reports loaded to those holding them in their id,
//! account number or account title. The title says both, decisions and `y`
//! work on the rows shown, marks the words hide are never decided unseen,
//! and Esc clears the words, then (again) the server's part.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::keys::{enqueued, press, typed};
use common::screen::draw;
use crossterm::event::KeyCode;
use meridian::api::ReportQuery;
use meridian::app::{App, Modal, Tab};
use meridian::event::Effect;
use meridian::outbox::Action;

fn reports() -> App {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    app
}

/// `/`, what is typed after what the entry holds, Enter: the effects.
fn filter(app: &mut App, text: &str) -> Vec<Effect> {
    press(app, KeyCode::Char('/'));
    typed(app, text);
    press(app, KeyCode::Enter)
}

fn fetches(fx: &[Effect]) -> Vec<&ReportQuery> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchReports(q) => Some(q),
            _ => None,
        })
        .collect()
}

/// The report ids a confirmation dialog names.
fn confirming(app: &App) -> Vec<String> {
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("no confirmation: {:?}", app.modal) };
    c.lines
        .iter()
        .filter_map(|l| l.strip_prefix("report ")?.split(' ').next())
        .map(Into::into)
        .collect()
}

#[test]
fn words_narrow_what_is_loaded_without_asking_the_server_again() {
    let mut app = reports();
    // 12 of 57 loaded; "Meridian Alpha" holds reports 103 and 109.
    let fx = filter(&mut app, "alpha");
    // No new query from the first page: the words are not the server's.
    // The cursor is near the end of what is shown, so the page after the
    // 12 loaded is asked for, with the same (empty) server filter.
    let asked: Vec<(Option<&str>, u32)> =
        fetches(&fx).iter().map(|q| (q.status.as_deref(), q.offset)).collect();
    assert_eq!(asked, [(None, 12)]);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("Reports · 2 of 12 loaded · filter: alpha · 6 pending "), "{screen}");
    assert!(screen.contains("Meridian Alpha"), "{screen}");
    assert!(!screen.contains("Halvorsen"), "{screen}");

    // `y` and `a` work on the row under the cursor among those shown.
    press(&mut app, KeyCode::Down);
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t == "109 ACC-1021"), "{fx:?}");
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(confirming(&app), ["109"]);
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(enqueued(&fx), [Action::Approve { report: 109.into(), notes: None }]);
}

#[test]
fn the_server_part_and_the_words_combine_and_esc_clears_words_then_the_rest() {
    let mut app = reports();
    filter(&mut app, "alpha");
    // The entry holds the words; the server's part is added to them.
    let fx = filter(&mut app, " status:pending");
    let asked: Vec<(Option<&str>, u32)> =
        fetches(&fx).iter().map(|q| (q.status.as_deref(), q.offset)).collect();
    assert_eq!(asked, [(Some("pending"), 0)], "the server's part changed: from the first page");
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("· status:pending · filter: alpha "), "{screen}");

    // Esc: the words go at once, the server's part stays.
    let fx = press(&mut app, KeyCode::Esc);
    assert!(fetches(&fx).iter().all(|q| q.offset > 0), "no new query: {fx:?}");
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("· status:pending "), "{screen}");
    assert!(!screen.contains("filter: alpha"), "{screen}");
    assert!(screen.contains("Halvorsen"), "{screen}");

    // Esc again: the server's part goes, the whole queue is fetched.
    let fx = press(&mut app, KeyCode::Esc);
    let asked: Vec<(Option<&str>, u32)> =
        fetches(&fx).iter().map(|q| (q.status.as_deref(), q.offset)).collect();
    assert_eq!(asked, [(None, 0)]);
    let title = common::screen::rows(&app, 100, 30).remove(2);
    assert!(title.starts_with("┌ Reports · 6 pending · 12 of 57 · loading… ─"), "{title}");
    assert!(
        app.message.as_deref().unwrap().contains("status:pending cleared"),
        "{:?}",
        app.message
    );
    assert!(press(&mut app, KeyCode::Esc).is_empty(), "nothing left to clear");
}

#[test]
fn a_mark_the_words_hide_is_counted_and_never_decided_unseen() {
    let mut app = reports();
    // Mark the first report (100, Halvorsen), then show only Meridian Alpha.
    press(&mut app, KeyCode::Char(' '));
    filter(&mut app, "alpha");
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("· 1 marked (1 hidden) "), "{screen}");
    // No marked report is shown: `a` is for the row under the cursor.
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(confirming(&app), ["103"]);
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(enqueued(&fx), [Action::Approve { report: 103.into(), notes: None }]);
    // The hidden mark is still there for when it is shown again.
    assert!(draw(&app, 100, 30).contains("· 1 marked (1 hidden) "));

    // Marks on rows shown: the decision is for those, not the hidden one.
    // (Approving moved the cursor on to 109.)
    press(&mut app, KeyCode::Char(' '));
    assert!(draw(&app, 100, 30).contains("· 2 marked (1 hidden) "));
    press(&mut app, KeyCode::Char('x'));
    typed(&mut app, "wrong account");
    let fx = press(&mut app, KeyCode::Enter);
    let rejected = enqueued(&fx);
    assert!(
        matches!(&rejected[..], [Action::Reject { report, .. }] if report.as_str() == "109"),
        "{rejected:?}"
    );
    press(&mut app, KeyCode::Esc);
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("· 1 marked "), "{screen}");
    assert!(!screen.contains("hidden"), "{screen}");
}

#[test]
fn no_loaded_report_matching_says_so_and_the_match_is_highlighted() {
    let mut app = reports();
    filter(&mut app, "zzz");
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("No report loaded matches “zzz” (down loads more, esc clears the filter)"),
        "{screen}"
    );
    assert!(press(&mut app, KeyCode::Char('a')).is_empty());
    assert!(app.modal.is_none(), "nothing shown, nothing to approve");

    press(&mut app, KeyCode::Esc);
    filter(&mut app, "fir");
    let rows = common::screen::rows(&app, 100, 30);
    // The second Blue Fir row: the first is under the selection.
    let y = rows.iter().enumerate().filter(|(_, r)| r.contains("Blue Fir")).nth(1).unwrap().0;
    let x = rows[y][..rows[y].find("Fir").unwrap()].chars().count();
    let term = common::screen::terminal(&app, 100, 30);
    let buf = term.backend().buffer();
    let accent = meridian::theme::Theme::by_name("default").unwrap().accent.fg.unwrap();
    let fg = |x: usize| buf[(x as u16, y as u16)].fg;
    assert_eq!((fg(x), fg(x + 2)), (accent, accent), "“Fir” is highlighted");
    assert_ne!(fg(x - 2), accent, "“Blue” is not");
}
