use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), KeyModifiers::NONE)
}

fn overrides(toml_text: &str) -> KeymapOverrides {
    toml::from_str(toml_text).expect("test TOML parses")
}

#[test]
fn default_map_resolves_context_then_global() {
    let map = Keymap::default_map();
    assert_eq!(map.action(Context::Markets, &ch('a')), Some(Action::AddSymbol));
    assert_eq!(map.action(Context::Reports, &ch('a')), Some(Action::Approve));
    assert_eq!(map.action(Context::Status, &ch('a')), None);
    assert_eq!(map.action(Context::Markets, &ch('q')), Some(Action::Quit));
    let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(map.action(Context::Insights, &ctrl_c), Some(Action::Quit));
    assert_eq!(map.action(Context::Insights, &ch('c')), Some(Action::Comment));
    let back_tab = press(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(map.action(Context::Metrics, &back_tab), Some(Action::PrevTab));
    let upper_a = press(KeyCode::Char('A'), KeyModifiers::SHIFT);
    assert_eq!(map.action(Context::Reports, &upper_a), Some(Action::ApproveWithNotes));
    assert_eq!(map.action(Context::Reports, &ch(' ')), Some(Action::ToggleSelect));
    assert_eq!(map.action(Context::Global, &ch('G')), Some(Action::Bottom));
}

#[test]
fn key_release_is_ignored() {
    let mut release = ch('q');
    release.kind = KeyEventKind::Release;
    assert_eq!(Keymap::default_map().action(Context::Global, &release), None);
}

#[test]
fn overrides_replace_keys_for_that_action_only() {
    let map = Keymap::with_overrides(&overrides("[markets]\nadd_symbol = [\"+\", \"i\"]\n"))
        .expect("valid overrides");
    assert_eq!(map.action(Context::Markets, &ch('+')), Some(Action::AddSymbol));
    assert_eq!(map.action(Context::Markets, &ch('i')), Some(Action::AddSymbol));
    assert_eq!(map.action(Context::Markets, &ch('a')), None);
    assert_eq!(map.action(Context::Markets, &ch('d')), Some(Action::RemoveSymbol));
    assert_eq!(map.action(Context::Reports, &ch('a')), Some(Action::Approve));
}

#[test]
fn empty_list_unbinds() {
    let map = Keymap::with_overrides(&overrides("[global]\nredraw = []\n")).expect("valid");
    let ctrl_l = press(KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert_eq!(map.action(Context::Global, &ctrl_l), None);
    assert!(map.help(Context::Global).iter().all(|e| e.description != "Redraw the whole screen"));
}

#[test]
fn rejects_bad_overrides_naming_context_and_action() {
    let err = |text: &str| Keymap::with_overrides(&overrides(text)).expect_err("rejected");
    assert_eq!(
        err("[markets]\nadd_symbol = [\"s\"]\n"),
        KeymapError::Duplicate {
            context: Context::Markets,
            key: "s".into(),
            first: Action::AddSymbol,
            second: Action::CycleSort,
        }
    );
    let shadow = err("[markets]\nadd_symbol = [\"q\"]\n");
    assert!(matches!(shadow, KeymapError::Shadows { global: Action::Quit, .. }), "{shadow}");
    assert_eq!(shadow.key_paths()[0], "keys.markets.add_symbol");
    let unknown = err("[markets]\nadd_sym = [\"+\"]\n").to_string();
    assert!(unknown.starts_with("unknown action `add_sym` in [keys.markets]"), "{unknown}");
    let context = err("[market]\nadd_symbol = [\"+\"]\n").to_string();
    assert!(context.starts_with("unknown key context `market`"), "{context}");
    let bad_key = err("[global]\nquit = [\"ctrl-bogus\"]\n").to_string();
    assert!(bad_key.starts_with("keys.global.quit: cannot parse key `ctrl-bogus`"), "{bad_key}");
}

#[test]
fn help_lists_context_then_global_in_stable_order() {
    let help = Keymap::default_map().help(Context::Markets);
    let first: Vec<(&str, &str)> =
        help.iter().take(12).map(|e| (e.keys.as_str(), e.description)).collect();
    assert_eq!(
        first,
        [
            ("a", "Add a symbol to the watch list"),
            ("d", "Remove the selected symbol"),
            ("s", "Cycle the sort column"),
            ("/", "Filter the list"),
            ("f", "Switch the chart's candles: 1m, 5m, 15m, 1h, 1d"),
            ("left, h", "Move the chart's cursor to the previous candle"),
            (
                "right, l",
                "Move the chart's cursor to the next candle (past the newest: follow live)"
            ),
            ("t", "Set a price alert on the selected symbol: above 155, below 150, +2%, -2%"),
            ("T", "List the price alerts, armed and fired"),
            ("p", "Hide or show holdings' quantities, values and P&L"),
            ("y", "Copy the selected row (id, symbol and price, title) to the clipboard"),
            ("q, ctrl-c", "Quit Meridian"),
        ]
    );
    assert_eq!(help[11].context, Context::Global);
    let prev = help.iter().find(|e| e.description == "Go to the previous tab").expect("bound");
    assert_eq!(prev.keys, "shift-tab");
    assert_eq!(Keymap::default_map().help(Context::Global).len(), 28);
}

#[test]
fn hint_uses_first_key_and_skips_unbound() {
    let map = Keymap::default_map();
    let hint = map
        .hint(Context::Markets, &[Action::Quit, Action::Help, Action::AddSymbol, Action::Approve]);
    assert_eq!(hint, "q quit  ? help  a add");
}

#[test]
fn an_action_bound_where_it_does_nothing_is_refused_with_where_it_works() {
    let e = Keymap::with_overrides(&overrides("[markets]\napprove = [\"v\"]\n")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "keys.markets.approve: approve does nothing in markets (it works in: reports, report_detail)"
    );
    assert_eq!(e.key_paths(), ["keys.markets.approve"]);
    let e = Keymap::with_overrides(&overrides("[confirm]\nretry = [\"r\"]\n")).unwrap_err();
    assert!(e.to_string().contains("(it works in: outbox)"), "{e}");
    let unbound = Keymap::with_overrides(&overrides("[markets]\napprove = []\n"));
    assert!(unbound.is_ok(), "an empty list binds nothing, so it is harmless");
}

#[test]
fn dialog_sections_stand_alone() {
    let map = Keymap::default_map();
    assert_eq!(map.action(Context::Confirm, &ch('y')), Some(Action::Confirm));
    assert_eq!(map.action(Context::Confirm, &ch('q')), None, "no fallback to global quit");
    assert_eq!(map.action(Context::Text, &ch('q')), None, "q types in a text field");
    assert_eq!(map.action(Context::Outbox, &ch('q')), Some(Action::Back));
    assert!(map.keys(Context::Rate, Action::Quit).is_empty());
    assert_eq!(map.keys_text(Context::Confirm, Action::Confirm), "y/enter", "Y only repeats y");
    // A dialog may use a key the tabs use; a duplicate inside it is refused.
    let e = Keymap::with_overrides(&overrides("[confirm]\ncancel = [\"y\"]\n")).unwrap_err();
    assert_eq!(e.key_paths(), ["keys.confirm.cancel", "keys.confirm.confirm"]);
}

#[test]
fn slash_filters_every_list_and_esc_says_it_clears_the_filter() {
    let map = Keymap::default_map();
    let lists =
        [Context::Insights, Context::Status, Context::Markets, Context::Reports, Context::Alerts];
    for ctx in lists {
        let help = map.help(ctx);
        let filter = help.iter().find(|e| e.context == ctx && e.keys == "/");
        assert_eq!(filter.map(|e| e.description), Some("Filter the list"), "{ctx:?}");
    }
    assert!(!map.help(Context::Metrics).iter().any(|e| e.keys == "/"), "Metrics has no list");
    let esc = map.help(Context::Global).into_iter().find(|e| e.keys == "esc").expect("bound");
    assert!(esc.description.ends_with("or clear the filter"), "{}", esc.description);
}
