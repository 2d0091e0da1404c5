//! `/` on the watchlist: the symbols holding every word typed stay, the
//! title says how many of how many, the match is highlighted, the cursor
//! and `y` work on what is shown, and Esc brings the whole list back.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::keys::{press, typed};
use common::screen::draw;
use crossterm::event::KeyCode;
use meridian::app::Tab;
use meridian::event::Effect;

fn filter(app: &mut meridian::app::App, text: &str) {
    press(app, KeyCode::Char('/'));
    typed(app, text);
    press(app, KeyCode::Enter);
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
