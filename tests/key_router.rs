//! One layer owns the keyboard, and every layer's keys come from the keymap:
//! a user who rebinds a dialog, text-entry or outbox key gets it in the
//! dialog, in its hint line and in the footer; the old key stops working.

mod common;

use common::keys::{enqueued, press, press_mod};
use common::screen::rows;

use crossterm::event::{KeyCode, KeyModifiers};
use meridian::app::{App, Layer, Modal, Tab};
use meridian::event::Effect;
use meridian::keymap::{Keymap, KeymapOverrides};
use meridian::outbox::Action;
use meridian::protocol::{Id, ValidationStatus};

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    press(app, KeyCode::Char(c))
}

/// The populated fixture on `tab`, with the user's `[keys.*]` tables.
fn app_with(tab: Tab, keys: &str) -> App {
    let overrides: KeymapOverrides = toml::from_str(keys).expect("test TOML parses");
    let mut app = common::fixture::populated();
    app.keymap = Keymap::with_overrides(&overrides).expect("valid keymap");
    app.tab = tab;
    app
}

fn screen(app: &App) -> String {
    rows(app, 80, 24).join("\n")
}

fn footer(app: &App) -> String {
    rows(app, 80, 24).pop().unwrap_or_default().trim().to_owned()
}

fn status_of(app: &App, id: &str) -> ValidationStatus {
    app.reports.items.iter().find(|r| r.id.as_str() == id).expect("report loaded").validation_status
}

#[test]
fn the_layer_follows_what_is_open() {
    let mut app = app_with(Tab::Reports, "");
    assert_eq!(app.layer(), Layer::Tab(Tab::Reports));
    ch(&mut app, 'a');
    assert_eq!(app.layer(), Layer::Confirm);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'x');
    assert_eq!(app.layer(), Layer::Text);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'o');
    assert_eq!(app.layer(), Layer::Outbox);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, '?');
    assert_eq!(app.layer(), Layer::Help);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, '1');
    ch(&mut app, 'c');
    assert_eq!(app.layer(), Layer::Note);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'r');
    assert_eq!(app.layer(), Layer::Rate);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, '4');
    ch(&mut app, 'a');
    assert_eq!(app.layer(), Layer::SymbolPrompt);
}

#[test]
fn a_rebound_confirm_key_works_in_the_dialog_and_is_shown() {
    let mut app = app_with(Tab::Reports, "[confirm]\nconfirm = [\"o\"]\ncancel = [\"c\"]\n");
    ch(&mut app, 'a');
    let shown = screen(&app);
    assert!(shown.contains("o confirms   c cancels"), "{shown}");
    assert_eq!(footer(&app), "o confirm  c cancel");
    assert!(ch(&mut app, 'y').is_empty(), "y is no longer bound");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nor enter");
    assert_eq!(app.layer(), Layer::Confirm);
    let fx = ch(&mut app, 'o');
    assert_eq!(enqueued(&fx), vec![Action::Approve { report: Id::from(100), notes: None }]);
    assert_eq!(status_of(&app, "100"), ValidationStatus::Approved);
}

#[test]
fn a_rebound_text_key_sends_and_the_old_one_types() {
    let mut app = app_with(Tab::Reports, "[text]\nsubmit = [\"ctrl-s\"]\ncancel = [\"ctrl-g\"]\n");
    ch(&mut app, 'x');
    assert!(screen(&app).contains("ctrl-s sends · ctrl-g cancels"));
    for c in "late".chars() {
        ch(&mut app, c);
    }
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "enter no longer sends a reason");
    let Some(Modal::Text(entry)) = &app.modal else { panic!("the reason dialog stays open") };
    assert_eq!(entry.editor.lines(), ["late"], "nor starts a second line in a one-line entry");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::Text, "esc no longer cancels");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(enqueued(&fx).len(), 1);
    assert_eq!(app.layer(), Layer::Tab(Tab::Reports));
}

#[test]
fn the_add_symbol_prompt_uses_the_text_keys() {
    let mut app = app_with(Tab::Markets, "[text]\nsubmit = [\"tab\"]\n");
    ch(&mut app, 'a');
    assert!(screen(&app).contains("tab adds · esc cancels"));
    for c in "ibm".chars() {
        ch(&mut app, c);
    }
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "enter is not bound to submit now");
    let fx = press(&mut app, KeyCode::Tab);
    assert!(fx.contains(&Effect::Subscribe("IBM".into())), "{fx:?}");
}

#[test]
fn a_chord_does_not_type_into_the_symbol_prompt() {
    let mut app = app_with(Tab::Markets, "");
    ch(&mut app, 'a');
    press_mod(&mut app, KeyCode::Char('x'), KeyModifiers::CONTROL);
    ch(&mut app, 'x');
    assert_eq!(app.markets.input.as_deref(), Some("x"), "ctrl-x is not the letter x");
}

#[test]
fn a_rebound_newline_in_a_note_and_keys_that_type_letters() {
    let mut app = app_with(Tab::Insights, "[note]\nnewline = [\"ctrl-j\"]\nsubmit = [\"enter\"]\n");
    ch(&mut app, 'c');
    for c in "qjk?".chars() {
        ch(&mut app, c);
    }
    press_mod(&mut app, KeyCode::Char('j'), KeyModifiers::CONTROL);
    ch(&mut app, 'x');
    let Some(Modal::Text(entry)) = &app.modal else { panic!("the comment editor stays open") };
    assert_eq!(entry.editor.lines(), ["qjk?", "x"], "global keys type letters in a note");
    let fx = press(&mut app, KeyCode::Enter);
    assert!(matches!(&enqueued(&fx)[..], [Action::Comment { text, .. }] if text == "qjk?\nx"));
}

#[test]
fn rebound_outbox_and_rating_keys() {
    let mut app = app_with(Tab::Insights, "[rate]\nrate5 = [\"!\"]\n[outbox]\nback = [\"b\"]\n");
    ch(&mut app, 'r');
    assert!(screen(&app).contains("! ★★★★★"));
    assert!(ch(&mut app, '5').is_empty(), "5 is unbound in the rating dialog now");
    let fx = ch(&mut app, '!');
    assert!(matches!(&enqueued(&fx)[..], [Action::Rate { rating: 5, .. }]));
    ch(&mut app, 'o');
    assert_eq!(app.layer(), Layer::Outbox);
    // The rating waits out its undo window, said on the right.
    assert!(footer(&app).contains("b back"), "{}", footer(&app));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::Outbox, "esc is not bound in the outbox now");
    ch(&mut app, 'b');
    assert_eq!(app.layer(), Layer::Tab(Tab::Insights));
}

#[test]
fn help_lists_the_tab_keys_while_the_footer_shows_how_to_leave() {
    let mut app = app_with(Tab::Status, "[help]\nback = [\"h\"]\n");
    ch(&mut app, '?');
    let shown = screen(&app);
    assert!(shown.contains("Keys · h closes"), "{shown}");
    // Two columns at 80: a long description is cut at the column's edge.
    assert!(shown.contains("Refresh data from"), "{shown}");
    assert!(!shown.contains("Move the selection down"), "Status has no list to move in");
    assert_eq!(footer(&app), "h back  q quit");
    ch(&mut app, '2');
    assert_eq!(app.layer(), Layer::Help, "tab keys do nothing behind the overlay");
    ch(&mut app, 'h');
    assert_eq!(app.layer(), Layer::Tab(Tab::Status));
}

#[test]
fn a_read_only_token_hides_the_actions_that_would_be_refused() {
    let mut app = app_with(Tab::Reports, "");
    app.read_only = Some("token is read-only".into());
    let f = footer(&app);
    assert!(f.starts_with("(read-only)  q quit  ? help"), "{f}");
    assert!(!f.contains("approve") && !f.contains("reject"), "{f}");
    assert!(f.contains("/ filter"), "filtering still works: {f}");
}
