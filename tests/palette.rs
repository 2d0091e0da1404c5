//! The `:` command palette through the keys, as a user types it: a tab by
//! name, a symbol added with its argument, a theme, read-only turned on
//! and off, Tab completion, the history recalled with Up (and kept across
//! a restart), and what it says of a command it does not know or that
//! does not work on this tab.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::keys::{enqueued, press, press_mod, typed};
use common::screen::{draw, rows, terminal};
use crossterm::event::{KeyCode, KeyModifiers};
use meridian::app::{App, Layer, Modal, Tab};
use meridian::event::Effect;
use ratatui::style::{Color, Modifier};

/// `:`, the command, Enter: the effects of the whole.
fn run(app: &mut App, command: &str) -> Vec<Effect> {
    let mut fx = press(app, KeyCode::Char(':'));
    typed(app, command);
    fx.extend(press(app, KeyCode::Enter));
    fx
}

fn on(tab: Tab) -> App {
    let mut app = common::fixture::populated();
    app.tab = tab;
    app
}

fn prompt_text(app: &App) -> String {
    app.palette.prompt.as_ref().expect("the palette is open").text()
}

fn screen(app: &App) -> String {
    rows(app, 80, 24).join("\n")
}

fn history(fx: &[Effect]) -> Option<Vec<String>> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SavePaletteHistory(h) => Some(h.clone()),
        _ => None,
    })
}

#[test]
fn a_tab_by_name_switches_to_it_and_is_remembered() {
    let mut app = on(Tab::Insights);
    press(&mut app, KeyCode::Char(':'));
    assert_eq!(app.layer(), Layer::Palette);
    typed(&mut app, "markets");
    assert_eq!(app.tab, Tab::Insights, "typing runs nothing");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Markets);
    assert_eq!(app.layer(), Layer::Tab(Tab::Markets), "the palette closed");
    assert_eq!(history(&fx), Some(vec!["markets".to_owned()]), "kept in the data directory");
    run(&mut app, "tab5");
    assert_eq!(app.tab, Tab::Reports);
}

#[test]
fn symbol_add_puts_it_on_the_watchlist_and_a_bad_one_says_why() {
    let mut app = on(Tab::Markets);
    let fx = run(&mut app, "symbol add ORCL");
    assert!(app.markets.symbols.contains(&"ORCL".to_owned()), "{:?}", app.markets.symbols);
    assert!(fx.contains(&Effect::Subscribe("ORCL".into())), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveWatchlist(s) if s.contains(&"ORCL".into()))));
    assert_eq!(app.message.as_deref(), Some("added ORCL"));
    assert!(app.markets.input.is_none(), "no add-symbol prompt is left open");

    run(&mut app, "add-symbol NVDA");
    assert_eq!(app.message.as_deref(), Some("NVDA is already on the watchlist"));

    // A bad symbol: the symbol check's own words, the palette still open.
    let before = app.markets.symbols.clone();
    let fx = run(&mut app, "symbol add a b");
    assert_eq!(app.layer(), Layer::Palette);
    assert_eq!(prompt_text(&app), "symbol add a b", "the text is kept to correct");
    let said = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    let mut typed_in_prompt = on(Tab::Markets);
    press(&mut typed_in_prompt, KeyCode::Char('a'));
    typed(&mut typed_in_prompt, "a b");
    press(&mut typed_in_prompt, KeyCode::Enter);
    assert_eq!(Some(said.clone()), typed_in_prompt.markets.input_error, "the same check");
    assert!(screen(&app).contains(&said), "{}", screen(&app));
    assert_eq!(app.markets.symbols, before);
    assert!(history(&fx).is_none(), "what did not run is not remembered");
}

#[test]
fn symbol_remove_takes_the_symbol_named() {
    let mut app = on(Tab::Markets);
    let fx = run(&mut app, "symbol remove msft");
    assert!(!app.markets.symbols.contains(&"MSFT".to_owned()));
    assert!(fx.contains(&Effect::Unsubscribe("MSFT".into())), "{fx:?}");
    run(&mut app, "symbol remove ZZZ");
    assert!(screen(&app).contains("ZZZ is not on the watchlist"));
}

#[test]
fn theme_mono_draws_without_colour_and_theme_alone_cycles() {
    let mut app = on(Tab::Markets);
    let coloured = |app: &App| {
        let term = terminal(app, 80, 24);
        let buf = term.backend().buffer();
        buf.content.iter().filter(|c| c.fg != Color::Reset || c.bg != Color::Reset).count()
    };
    assert!(coloured(&app) > 0, "the default theme has colours");
    run(&mut app, "theme mono");
    assert_eq!(app.palette.theme_name(), "mono");
    assert_eq!(coloured(&app), 0, "mono draws no colour at all");
    assert!(app.message.as_deref().unwrap().starts_with("theme: mono"));

    run(&mut app, "theme");
    assert_eq!(app.palette.theme_name(), "default", "round to the next one");
    press_mod(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert_eq!(app.palette.theme_name(), "mono", "and the theme key does the same");

    run(&mut app, "theme neon");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert!(error.starts_with("unknown theme `neon` (expected one of: default, mono)"), "{error}");
}

#[test]
fn read_only_refuses_decision_keys_until_it_is_turned_off() {
    let mut app = on(Tab::Reports);
    run(&mut app, "read-only");
    assert!(draw(&app, 100, 30).contains("READ-ONLY"));
    let fx = press(&mut app, KeyCode::Char('a'));
    assert!(app.modal.is_none(), "no approval dialog");
    assert!(enqueued(&fx).is_empty());
    let said = app.message.clone().unwrap();
    assert!(said.starts_with("read-only: turned on for this session"), "{said}");
    // A decision from the palette is refused the same way, and says so there.
    run(&mut app, "reject bad data");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert!(error.starts_with("read-only:"), "{error}");
    press(&mut app, KeyCode::Esc);

    run(&mut app, "read_only");
    assert_eq!(app.read_only, None);
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "approving works again");
}

#[test]
fn read_only_chosen_at_start_stays_and_says_why() {
    let mut app = on(Tab::Reports);
    app.read_only = Some("chosen with --read-only (user.read_only)".into());
    run(&mut app, "read-only");
    assert!(app.read_only.is_some());
    assert_eq!(
        app.message.as_deref(),
        Some("read-only stays on: chosen with --read-only (user.read_only)")
    );
}

#[test]
fn up_recalls_the_commands_run_before() {
    let mut app = on(Tab::Insights);
    run(&mut app, "metrics");
    run(&mut app, "theme mono");
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Up);
    assert_eq!(prompt_text(&app), "theme mono");
    assert!(screen(&app).contains("history 2 of 2"), "{}", screen(&app));
    press(&mut app, KeyCode::Up);
    assert_eq!(prompt_text(&app), "metrics");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(prompt_text(&app), "", "past the newest: what was typed");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Metrics, "a recalled command runs again");
}

#[test]
fn the_history_is_kept_across_a_restart() {
    meridian::tls::install_crypto();
    let dir = tempfile::tempdir().unwrap();
    let mut app = on(Tab::Insights);
    run(&mut app, "markets");
    let fx = run(&mut app, "symbol add ORCL");
    // What the driver does with the effect, then a new run from that directory.
    meridian::palette_history::save(dir.path(), &history(&fx).unwrap()).unwrap();
    let config = meridian::config::Config::default();
    let mut next = common::console(&config, vec!["AAPL".into()], dir.path()).app;
    press(&mut next, KeyCode::Char(':'));
    press(&mut next, KeyCode::Up);
    assert_eq!(prompt_text(&next), "symbol add ORCL");
    press(&mut next, KeyCode::Up);
    assert_eq!(prompt_text(&next), "markets");
}

#[test]
fn an_unknown_command_keeps_the_palette_open_and_says_so() {
    let mut app = on(Tab::Markets);
    let fx = run(&mut app, "xyz");
    assert_eq!(app.layer(), Layer::Palette);
    assert_eq!(prompt_text(&app), "xyz");
    assert!(screen(&app).contains("unknown command: xyz"), "{}", screen(&app));
    assert!(history(&fx).is_none() && enqueued(&fx).is_empty(), "{fx:?}");
    // Typing again clears the message; Esc closes with nothing run.
    press(&mut app, KeyCode::Backspace);
    assert!(!screen(&app).contains("unknown command"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::Tab(Tab::Markets));
    assert_eq!(app.tab, Tab::Markets);
}

#[test]
fn an_action_that_does_not_work_on_this_tab_says_where_it_does() {
    let mut app = on(Tab::Markets);
    run(&mut app, "approve");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert_eq!(error, "approve: not available on Markets (it works on Reports)");
    press(&mut app, KeyCode::Esc);
    run(&mut app, "retry");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert_eq!(error, "retry: not available on Markets (it works in: outbox)");
    press(&mut app, KeyCode::Esc);
    run(&mut app, "markets now");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert_eq!(error, "tab4 takes no argument (“now”)");
}

#[test]
fn filter_applies_what_the_tabs_slash_does() {
    let mut app = on(Tab::Reports);
    let fx = run(&mut app, "filter status:pending");
    assert_eq!(app.reports.filter.status.as_deref(), Some("pending"));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::FetchReports(q) if q.status.as_deref() == Some("pending"))
        )
    );
    assert!(app.modal.is_none(), "no filter dialog is left open");
    run(&mut app, "filter status:maybe");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert!(error.starts_with("status `maybe`"), "{error}");
    assert!(app.modal.is_none());
    press(&mut app, KeyCode::Esc);

    let mut app = on(Tab::Markets);
    run(&mut app, "filter ms");
    assert!(screen(&app).contains("1 of 8 symbols · filter: ms"), "{}", screen(&app));
    // Without an argument it opens the prompt, as `/` does.
    run(&mut app, "filter");
    assert!(matches!(&app.modal, Some(Modal::Text(e)) if e.editor.lines() == ["ms"]));
}

#[test]
fn tab_completes_and_chooses_among_the_candidates() {
    let mut app = on(Tab::Insights);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "mar");
    press(&mut app, KeyCode::Tab);
    assert_eq!(prompt_text(&app), "markets");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Markets);

    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "them");
    press(&mut app, KeyCode::Tab);
    assert_eq!(prompt_text(&app), "theme ", "the argument comes next");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(prompt_text(&app), "theme mono");
    press(&mut app, KeyCode::Up);
    assert_eq!(prompt_text(&app), "theme default");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(prompt_text(&app), "theme mono", "shift-tab goes round backwards");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.palette.theme_name(), "mono");
}

#[test]
fn snooze_and_rate_take_their_argument_at_once() {
    let mut app = on(Tab::Insights);
    let fx = run(&mut app, "rate 4");
    let sent = enqueued(&fx);
    assert!(matches!(&sent[..], [meridian::outbox::Action::Rate { rating: 4, .. }]), "{sent:?}");
    run(&mut app, "rate 9");
    let error = app.palette.prompt.as_ref().unwrap().error.clone().unwrap();
    assert_eq!(error, "rate: 1 to 5 stars, not “9”");
    press(&mut app, KeyCode::Esc);

    let mut app = on(Tab::Alerts);
    let fx = run(&mut app, "snooze 2h");
    let sent = enqueued(&fx);
    assert!(matches!(&sent[..], [meridian::outbox::Action::SnoozeAlert { .. }]), "{sent:?}");
    run(&mut app, "snooze soon");
    assert!(app.palette.prompt.as_ref().unwrap().error.is_some(), "the duration check's words");
}

#[test]
fn backspace_on_an_empty_prompt_closes_it() {
    let mut app = on(Tab::Markets);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "q");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.layer(), Layer::Palette);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.layer(), Layer::Tab(Tab::Markets));
    assert!(!app.quitting);
}

#[test]
fn a_long_line_stays_on_one_row_with_the_cursor_in_sight() {
    let mut app = on(Tab::Markets);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, &"x".repeat(500));
    assert_eq!(prompt_text(&app).chars().count(), meridian::palette_history::MAX_CHARS);
    let shown = rows(&app, 80, 24);
    let row = shown.iter().find(|r| r.contains(" :…")).expect("the prompt row, cut at the left");
    let inner = row.trim_matches('│');
    assert!(inner.starts_with(" :…x") && inner.trim_end().ends_with('x'), "{row}");
    assert!(draw(&app, 80, 24).contains("a command is at most 200 characters"));
}

#[test]
fn the_open_palette_at_80x24() {
    let mut app = on(Tab::Markets);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "re");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("palette_markets_80x24", draw(&app, 80, 24));
    // The chosen candidate is highlighted across the row; what does not
    // work on this tab is greyed.
    let term = terminal(&app, 80, 24);
    let buf = term.backend().buffer();
    let theme = meridian::theme::Theme::by_name("default").unwrap();
    let shown = rows(&app, 80, 24);
    let row_of =
        |name: &str| shown.iter().position(|r| r.starts_with(&format!("│ {name} "))).unwrap();
    let style_at = |y: usize, x: u16| buf[(x, y as u16)].style();
    let refresh = row_of("refresh");
    assert!(style_at(refresh, 2).add_modifier.contains(Modifier::REVERSED));
    assert!(style_at(refresh, 70).add_modifier.contains(Modifier::REVERSED), "the whole row");
    assert!(!style_at(row_of("redraw"), 2).add_modifier.contains(Modifier::REVERSED));
    assert_eq!(style_at(row_of("retry"), 2).fg, theme.muted.fg);
}

#[test]
fn with_nothing_run_yet_up_moves_in_the_list_and_ctrl_p_says_so() {
    let mut app = on(Tab::Status);
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Up);
    let p = app.palette.prompt.as_ref().unwrap();
    assert_eq!(p.selected, Some(p.candidates.len() - 1), "the last candidate");
    assert_eq!(p.text(), p.candidates.last().unwrap().text);
    press_mod(&mut app, KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert!(screen(&app).contains("no command run yet: nothing to recall"), "{}", screen(&app));
}

#[test]
fn over_a_report_detail_the_palette_runs_the_details_commands() {
    let mut app = on(Tab::Reports);
    press(&mut app, KeyCode::Enter);
    let first = app.report_detail.as_ref().expect("the detail").id.clone();
    run(&mut app, "next-report");
    let now = app.report_detail.as_ref().expect("still a detail").id.clone();
    assert_ne!(now, first, "] from the palette shows the next report");
    assert_eq!(app.reports.items[app.reports.selected].id, now, "the list follows");
}
