//! The config file parser (`Config::from_toml_str`) on arbitrary UTF-8.
//!
//! Never a panic. An error says something, and its origin (when it has one
//! in the file) is `fuzz.toml` at a 1-based line of the text. An error is
//! one line (config/error.rs: "Each message is one line naming the file and
//! line ... and the key") whenever the text cannot smuggle a line break into
//! an echoed value, i.e. has no backslash escape and no multi-line string.
//! A config that loads is normalised as documented (fps range, symbols
//! upper-cased, checked and deduplicated, log level, theme and keymap
//! valid), and `meridian config show` can print it and the printout loads
//! back to the same config.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use meridian::config::{Config, ConfigError, Origin};
use meridian::keymap::Keymap;
use meridian::theme::Theme;

const FILE: &str = "fuzz.toml";

/// Where the bad value came from, when the error knows (what the removed
/// `ConfigError::origin` answered; the variants and their fields are public).
fn origin(e: &ConfigError) -> Option<&Origin> {
    match e {
        ConfigError::Syntax { origin, .. }
        | ConfigError::UnknownKey { origin, .. }
        | ConfigError::Invalid { origin, .. }
        | ConfigError::Keymap { origin, .. } => Some(origin),
        ConfigError::NotFound { .. }
        | ConfigError::Read { .. }
        | ConfigError::TokenFile { .. }
        | ConfigError::TokenCommand { .. } => None,
    }
}

/// What meridian's symbol normalisation (`protocol::normalize_symbol`, now
/// `pub(crate)`) makes of `symbol`, asked through the public door: a config
/// whose only setting is `[markets] symbols = [symbol]`.
fn normalize_symbol(symbol: &str) -> Result<String, String> {
    let mut markets = toml::Table::new();
    markets.insert("symbols".into(), vec![toml::Value::from(symbol)].into());
    let mut doc = toml::Table::new();
    doc.insert("markets".into(), markets.into());
    let text = toml::to_string(&doc).expect("a one-symbol config can be printed");
    match Config::from_toml_str(&text, Path::new(FILE)) {
        Ok(c) => match c.markets.symbols.as_slice() {
            [one] => Ok(one.clone()),
            other => panic!("one symbol {symbol:?} loaded as {other:?}"),
        },
        Err(e) => Err(e.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = Config::from_toml_str(text, Path::new(FILE));
    if meridian_fuzz::debug() {
        match &loaded {
            Ok(c) => eprintln!("ok: {c:?}"),
            Err(e) => eprintln!("error: {e}"),
        }
    }
    match loaded {
        Ok(config) => check_config(&config),
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.trim().is_empty(), "empty config error: {e:?}");
            if let Some(Origin::File { path, line }) = origin(&e) {
                assert_eq!(path, Path::new(FILE), "{msg}");
                let lines = text.matches('\n').count() + 1;
                assert!((1..=lines).contains(line), "line {line} of {lines}: {msg}");
            }
            let can_echo_a_line_break =
                text.contains('\\') || text.contains("\"\"\"") || text.contains("'''");
            if !can_echo_a_line_break {
                assert!(!msg.contains(['\n', '\r']), "config error is not one line: {msg:?}");
            }
        }
    }
});

fn check_config(c: &Config) {
    assert!((1..=240).contains(&c.ui.fps), "fps {} accepted", c.ui.fps);
    assert!(Theme::by_name(&c.ui.theme).is_ok(), "theme {:?} accepted", c.ui.theme);
    assert!(c.ui.history_points > 0);
    assert!(
        ["trace", "debug", "info", "warn", "error"].contains(&c.log.level.as_str()),
        "log level {:?} not normalised",
        c.log.level
    );
    for (i, s) in c.markets.symbols.iter().enumerate() {
        assert_eq!(normalize_symbol(s).as_ref(), Ok(s), "symbol {s:?} not normalised");
        assert!(!c.markets.symbols[..i].contains(s), "symbol {s:?} not deduplicated");
    }
    assert!(Keymap::with_overrides(&c.keys).is_ok(), "bad keymap accepted");
    let f = &c.feeds;
    assert!(f.backoff_cap_ms >= f.backoff_base_ms && f.backoff_base_ms > 0);
    assert!(f.prices_stale_after_secs.is_finite() && f.prices_stale_after_secs > 0.0);
    assert!(f.health_stale_after_secs.is_finite() && f.health_stale_after_secs > 0.0);

    // `meridian config show` prints the effective config with
    // `toml::to_string_pretty`; that printout is a config file too.
    let shown = toml::to_string_pretty(c).expect("a loaded config can be printed");
    match Config::from_toml_str(&shown, Path::new(FILE)) {
        Ok(again) => assert_eq!(&again, c, "printed config loads differently:\n{shown}"),
        Err(e) => panic!("printed config does not load: {e}\n{shown}"),
    }
}
