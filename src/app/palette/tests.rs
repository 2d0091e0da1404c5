//! Parsing, resolution and completion, on a plain state.

use std::collections::HashMap;
use std::time::Instant;

use super::commands::{commands, resolve, words};
use super::*;
use crate::app::{Settings, Tab};
use crate::keymap::{Context, Keymap};

fn app(tab: Tab) -> App {
    let symbols = ["AAPL", "MSFT", "NVDA"].map(String::from).to_vec();
    let mut app = App::new(Settings::default(), Keymap::default_map(), symbols, Instant::now());
    app.tab = tab;
    app
}

fn labels(app: &App, text: &str) -> Vec<String> {
    app.candidates(text).into_iter().map(|c| c.label).collect()
}

#[test]
fn every_action_is_a_command_and_every_command_an_action() {
    let table = commands();
    for &a in Action::ALL {
        assert!(table.iter().any(|c| c.action == a), "{} has no command", a.name());
        assert_eq!(resolve(a.name()), Some((a, "")), "{} by its keymap name", a.name());
    }
    let mut seen: HashMap<Vec<String>, Action> = HashMap::new();
    for c in &table {
        assert_eq!(resolve(&c.name), Some((c.action, "")), "`{}` resolves to its action", c.name);
        let words = words(&c.name);
        if let Some(other) = seen.insert(words, c.action) {
            assert_eq!(other, c.action, "`{}` names two actions", c.name);
        }
    }
}

#[test]
fn a_line_is_a_command_then_its_argument_as_typed() {
    assert_eq!(resolve("symbol add NVDA"), Some((Action::AddSymbol, "NVDA")));
    assert_eq!(resolve("  add-symbol   brk.b "), Some((Action::AddSymbol, "brk.b")));
    assert_eq!(resolve("add symbol NVDA"), Some((Action::AddSymbol, "NVDA")));
    assert_eq!(resolve("Read-Only"), Some((Action::ReadOnly, "")));
    assert_eq!(resolve("read_only"), Some((Action::ReadOnly, "")));
    assert_eq!(resolve("markets"), Some((Action::Tab4, "")));
    assert_eq!(resolve("alerts"), Some((Action::Tab6, "")));
    assert_eq!(resolve("price-alerts"), Some((Action::PriceAlerts, "")));
    assert_eq!(
        resolve("filter status:pending  account:ACC-1"),
        Some((Action::Filter, "status:pending  account:ACC-1"))
    );
    assert_eq!(resolve("set-alert -2%"), Some((Action::SetAlert, "-2%")));
    // The longest command wins: `approve with notes` is not `approve` + text.
    assert_eq!(resolve("approve with notes ok"), Some((Action::ApproveWithNotes, "ok")));
    assert_eq!(resolve("approve"), Some((Action::Approve, "")));
    assert_eq!(resolve("xyz"), None);
    assert_eq!(resolve("symbol"), None);
    assert_eq!(resolve(""), None);
}

#[test]
fn commands_are_completed_best_first_and_what_works_here_first() {
    let markets = app(Tab::Markets);
    let found = labels(&markets, "mar");
    assert_eq!(found, ["markets"]);
    let found = labels(&markets, "sym");
    assert_eq!(found, ["symbol add", "symbol remove", "add-symbol", "remove-symbol"]);
    // A word inside a name matches too, after the names that start so.
    let found = labels(&markets, "al");
    assert_eq!(found[0], "alerts", "{found:?}");
    assert!(found.contains(&"set-alert".to_owned()), "{found:?}");
    // What does not work on this tab is listed only when named, last.
    let found = markets.candidates("appr");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|c| !c.available));
    assert!(!labels(&markets, "").contains(&"approve".to_owned()));
    assert!(labels(&markets, "").contains(&"add-symbol".to_owned()));
    // Choosing a command that takes an argument leaves room for it.
    let theme = &markets.candidates("them")[0];
    assert_eq!((theme.label.as_str(), theme.text.as_str()), ("theme", "theme "));
    assert_eq!(markets.candidates("mar")[0].text, "markets");
}

#[test]
fn arguments_are_completed_where_they_are_known() {
    let mut markets = app(Tab::Markets);
    assert_eq!(labels(&markets, "theme "), ["default", "mono"]);
    assert_eq!(labels(&markets, "theme m"), ["mono"]);
    assert_eq!(markets.candidates("theme m")[0].text, "theme mono");
    assert_eq!(labels(&markets, "symbol remove "), ["AAPL", "MSFT", "NVDA"]);
    assert_eq!(labels(&markets, "symbol remove n"), ["NVDA"]);
    assert_eq!(labels(&markets, "add-symbol "), Vec::<String>::new());
    markets.markets.filter = crate::app::ListFilter::new("ap");
    assert_eq!(labels(&markets, "remove-symbol "), ["AAPL"], "what the list shows");

    let reports = app(Tab::Reports);
    assert_eq!(labels(&reports, "filter "), ["status:", "account:", "from:", "to:"]);
    assert_eq!(labels(&reports, "filter status:p"), ["status:pending"]);
    let next = reports.candidates("filter status:pending a");
    assert_eq!(next[0].text, "filter status:pending account:");
    // The watchlist's filter is free text: nothing to offer.
    assert!(labels(&markets, "filter ").is_empty());

    let insights = app(Tab::Insights);
    assert_eq!(labels(&insights, "rate ").len(), 5);
}

#[test]
fn keys_fill_the_prompt_and_walk_the_history() {
    let mut a = app(Tab::Markets);
    a.palette.history = vec!["theme mono".into(), "markets".into()];
    a.open_palette();
    a.recall(1);
    assert_eq!(a.palette.prompt.as_ref().map(Prompt::text).as_deref(), Some("markets"));
    a.recall(1);
    a.recall(1);
    assert_eq!(a.palette.prompt.as_ref().map(Prompt::text).as_deref(), Some("theme mono"));
    a.recall(-1);
    a.recall(-1);
    assert_eq!(a.palette.prompt.as_ref().map(Prompt::text).as_deref(), Some(""));
    assert_eq!(a.palette.prompt.as_ref().and_then(|p| p.recalled), None);

    a.palette.prompt.as_mut().unwrap().set_text("the");
    a.refresh_candidates();
    a.choose(1);
    let p = a.palette.prompt.as_ref().unwrap();
    assert_eq!(p.text(), "theme ", "one candidate is taken");
    assert_eq!(p.candidates.len(), 2, "and the list moves on to the themes");
    a.choose(1);
    a.choose(1);
    let p = a.palette.prompt.as_ref().unwrap();
    assert_eq!((p.text().as_str(), p.selected), ("theme mono", Some(1)));
    a.choose(1);
    assert_eq!(a.palette.prompt.as_ref().unwrap().text(), "theme default", "round again");
}

#[test]
fn the_palette_has_its_own_keys() {
    let map = Keymap::default_map();
    let help = map.help(Context::Palette);
    let names: Vec<&str> = help.iter().map(|e| e.action.name()).collect();
    for want in ["submit", "cancel", "complete", "complete_prev", "history_prev", "history_next"] {
        assert!(names.contains(&want), "{want} is bound in [palette]: {names:?}");
    }
    assert_eq!(map.first_key(Context::Global, Action::Palette), ":");
    assert!(map.keys(Context::Global, Action::ReadOnly).is_empty(), "read_only has no key");
}
