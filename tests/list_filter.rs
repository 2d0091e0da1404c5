//! `/` on every list (the watchlist, Insights, Alerts, the Status tab's
//! backfill jobs; Reports in `list_filter_reports.rs`): the rows holding
//! every word typed stay, the title says how many of how many, the match
//! is highlighted, the cursor and the actions work on what is shown, and
//! Esc brings the whole list back.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::keys::{enqueued, press, typed};
use common::screen::draw;
use crossterm::event::KeyCode;
use meridian::app::Tab;
use meridian::event::Effect;
use meridian::outbox::Action;

/// `/`, the filter as typed so far erased, `text`, Enter.
fn filter(app: &mut meridian::app::App, text: &str) -> Vec<Effect> {
    let before = app.list_filter(app.tab).map_or(0, |f| f.text.chars().count());
    press(app, KeyCode::Char('/'));
    for _ in 0..before {
        press(app, KeyCode::Backspace);
    }
    typed(app, text);
    press(app, KeyCode::Enter)
}

#[test]
fn the_watchlist_narrows_to_what_matches_and_esc_brings_it_back() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    filter(&mut app, "m");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("4 of 8 symbols · filter: m"), "{screen}");
    for shown in ["MSFT", "AMZN", "META", "JPM"] {
        assert!(screen.contains(shown), "{shown}\n{screen}");
    }
    for hidden in ["AAPL", "GOOGL", "NVDA", "TSLA"] {
        assert!(!screen.contains(hidden), "{hidden}\n{screen}");
    }
    // The cursor moves over what is shown; `y` copies what it is on.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t.starts_with("JPM ")), "{fx:?}");

    press(&mut app, KeyCode::Esc);
    assert!(draw(&app, 80, 24).contains("8 symbols · sort"));
}

#[test]
fn no_match_says_so_and_how_to_clear_it() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    filter(&mut app, "zzz");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("No symbol matches “zzz” (esc clears the filter)"), "{screen}");
    // Typing `/` again edits what was typed.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "jp");
    press(&mut app, KeyCode::Enter);
    assert!(draw(&app, 80, 24).contains("1 of 8 symbols · filter: jp"));
}

#[test]
fn the_match_is_highlighted_in_the_symbol() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    filter(&mut app, "SF");
    let rows = common::screen::rows(&app, 80, 24);
    let y = rows.iter().position(|r| r.contains("MSFT")).unwrap();
    let byte = rows[y].find("MSFT").unwrap();
    let x = rows[y][..byte].chars().count() + 1; // "SF" starts one column in
    let term = common::screen::terminal(&app, 80, 24);
    let buf = term.backend().buffer();
    let theme = meridian::theme::Theme::by_name("default").unwrap();
    let fg = |x: usize| buf[(x as u16, y as u16)].fg;
    assert_eq!(fg(x), theme.accent.fg.unwrap(), "S is highlighted");
    assert_eq!(fg(x + 1), theme.accent.fg.unwrap(), "F is highlighted");
    assert_ne!(fg(x + 2), theme.accent.fg.unwrap(), "T is not");
}

#[test]
fn insights_narrow_by_title_and_category_and_actions_hit_the_row_shown() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    // 12 of the server's 30 are loaded ("loaded": there is more to come);
    // "FX" is in the titles of 3, 7, 11.
    let fx = filter(&mut app, "fx");
    let screen = draw(&app, 200, 30);
    assert!(screen.contains("Insights · 3 of 12 loaded · filter: fx"), "{screen}");
    assert!(screen.contains("FX exposure drifting above policy band 7"), "{screen}");
    assert!(!screen.contains("Tech exposure"), "{screen}");
    // The cursor is near the end of what is shown: the next page is asked
    // for after the 12 loaded, as scrolling there would.
    assert!(fx.contains(&Effect::FetchInsights { offset: 12 }), "{fx:?}");

    // Rating the second row shown rates insight 7, not the second loaded.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('r'));
    let fx = press(&mut app, KeyCode::Char('4'));
    assert_eq!(enqueued(&fx), [Action::Rate { insight: 7.into(), rating: 4 }]);

    // A word for the title and one for the category: both must be there.
    filter(&mut app, "risk tech");
    let screen = draw(&app, 200, 30);
    assert!(screen.contains("Insights · 1 of 12 loaded · filter: risk tech"), "{screen}");
    assert!(screen.contains("Tech exposure drifting above policy band 1 "), "{screen}");

    // Esc: every insight again, the cursor still on the one it was on.
    filter(&mut app, "fx");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    let screen = draw(&app, 200, 30);
    assert!(screen.contains("Insights · 30 "), "{screen}");
    assert!(!screen.contains("filter:"), "{screen}");
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t.ends_with("band 7")), "{fx:?}");
}

#[test]
fn insights_say_when_nothing_loaded_matches_and_down_loads_more() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    filter(&mut app, "zzz");
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("No insight loaded matches “zzz” (down loads more, esc clears the filter)"),
        "{screen}"
    );
    // Nothing to rate or copy: no hidden insight is acted on.
    assert!(press(&mut app, KeyCode::Char('r')).is_empty());
    assert!(app.modal.is_none(), "no rating dialog without a row shown");
}

#[test]
fn alerts_narrow_with_the_state_and_severity_filters_and_ack_the_row_shown() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Alerts;
    // The cursor on the warning, then words that hide it.
    press(&mut app, KeyCode::Down);
    filter(&mut app, "deploy");
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("Alerts · 1 of 3 · filter: deploy · "), "{screen}");
    assert!(screen.contains("Deploy finished"), "{screen}");
    assert!(!screen.contains("Extractor latency"), "{screen}");
    // Esc: the whole list, the cursor still on the alert it was on.
    press(&mut app, KeyCode::Esc);
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t.starts_with("a1 ")), "{fx:?}");
    // `a` acknowledges the alert under the cursor, the one shown.
    press(&mut app, KeyCode::Up); // onto the warning again, then hide it
    filter(&mut app, "deploy");
    press(&mut app, KeyCode::Char('a'));
    let fx = press(&mut app, KeyCode::Enter);
    let acked = enqueued(&fx);
    assert!(
        matches!(&acked[..], [Action::AckAlert { alert, .. }] if alert.as_str() == "a1"),
        "{acked:?}"
    );

    // The severity shown is matched too, and every filter applies at once.
    filter(&mut app, "crit");
    assert!(draw(&app, 120, 30).contains("Insight generator down"));
    filter(&mut app, "deploy");
    press(&mut app, KeyCode::Char('v')); // warning and up: the info alert goes
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("No alert matches “deploy” (esc clears the filter)"), "{screen}");
    // The Status tab's alerts are not narrowed by words typed here.
    app.tab = Tab::Status;
    assert!(draw(&app, 120, 40).contains("Insight generator down"));
    app.tab = Tab::Alerts;

    press(&mut app, KeyCode::Esc);
    let screen = draw(&app, 120, 30);
    assert!(!screen.contains("filter:"), "{screen}");
    assert!(screen.contains("Extractor latency"), "{screen}");
}

#[test]
fn backfill_jobs_narrow_by_id_name_and_status() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Status;
    filter(&mut app, "20");
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("Backfill jobs · 2 of 5 · filter: 20"), "{screen}");
    for shown in ["Blocks 2019", "Quotes 2020"] {
        assert!(screen.contains(shown), "{shown}\n{screen}");
    }
    for hidden in ["EU trades", "FX rates", "Options Q1"] {
        assert!(!screen.contains(hidden), "{hidden}\n{screen}");
    }
    // The status as shown, and the job's id, are words to find too.
    filter(&mut app, "failed");
    assert!(draw(&app, 120, 40).contains("Backfill jobs · 1 of 5 · filter: failed"));
    filter(&mut app, "trades-eu");
    assert!(draw(&app, 120, 40).contains("EU trades"));
    filter(&mut app, "nothing");
    assert!(draw(&app, 120, 40).contains("No job matches “nothing” (esc clears the filter)"));

    press(&mut app, KeyCode::Esc);
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("Backfill jobs ─"), "{screen}");
    assert!(screen.contains("EU trades") && screen.contains("Options Q1"), "{screen}");
}

#[test]
fn the_match_is_highlighted_in_a_table_cell() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    filter(&mut app, "policy");
    let rows = common::screen::rows(&app, 200, 30);
    // The second row shown: the first is under the selection.
    let y = rows.iter().position(|r| r.contains("band 5")).unwrap();
    let x = rows[y][..rows[y].find("policy").unwrap()].chars().count();
    let term = common::screen::terminal(&app, 200, 30);
    let buf = term.backend().buffer();
    let accent = meridian::theme::Theme::by_name("default").unwrap().accent.fg.unwrap();
    let fg = |x: usize| buf[(x as u16, y as u16)].fg;
    assert_eq!((fg(x), fg(x + 5)), (accent, accent), "“policy” is highlighted");
    assert_ne!(fg(x - 2), accent, "the word before it is not");
}

#[test]
fn a_toast_opened_from_another_tab_shows_its_alert_whatever_was_typed() {
    use meridian::event::{Event, FeedEvent};
    use meridian::protocol::{Alert, HealthMessage};
    let mut app = common::fixture::populated();
    app.tab = Tab::Alerts;
    filter(&mut app, "deploy");
    app.tab = Tab::Markets;
    let alert: Alert = serde_json::from_value(serde_json::json!({
        "id": "a9", "severity": "critical", "title": "Ledger out of balance",
        "message": "3 accounts", "source": "ledger"
    }))
    .unwrap();
    let live = Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(alert)]));
    app.update(live, &mut Vec::new());
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Alerts);
    assert!(!draw(&app, 120, 30).contains("filter: deploy"), "the words that hid it are gone");
    // Acting now acts on the alert the toast was about.
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Copy(t)] if t.starts_with("a9 ")), "{fx:?}");
}
