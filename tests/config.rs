//! The config layer through its public API: layering, error messages,
//! feed URLs, keymap and themes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use meridian::config::{Config, ConfigError, DEFAULT_TOML, Loaded, Overrides};
use meridian::keymap::{Action, Context, Keymap, KeymapError, KeymapOverrides};
use meridian::theme::Theme;
use tempfile::TempDir;

/// A temp dir holding `config.toml` with `text`.
fn config_file(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write config");
    (dir, path)
}

fn load_with(path: &Path, ov: Overrides, vars: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let ov = Overrides { config_file: Some(path.to_owned()), ..ov };
    Config::load(&ov, &|name| vars.get(name).cloned())
}

fn load(path: &Path, vars: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
    load_with(path, Overrides::default(), vars)
}

#[test]
fn empty_file_gives_defaults() {
    let (_dir, path) = config_file("");
    let loaded = load(&path, &[]).expect("loads");
    assert_eq!(loaded.config, Config::default());
    assert_eq!(loaded.source.as_deref(), Some(path.as_path()));
    assert_eq!(loaded.token, None);
    let c = &loaded.config;
    assert_eq!((c.ui.fps, c.ui.theme.as_str(), c.log.level.as_str()), (30, "default", "info"));
    assert_eq!(c.server.url, "http://127.0.0.1:8080");
    assert_eq!(c.markets.symbols.len(), 8);
}

#[test]
fn default_toml_equals_default() {
    let parsed = Config::from_toml_str(DEFAULT_TOML, Path::new("default.toml")).expect("valid");
    assert_eq!(parsed, Config::default());
}

#[test]
fn file_overrides_defaults() {
    let (_dir, path) = config_file(
        "[ui]\nfps = 60\ntheme = \"mono\"\n\n[markets]\nsymbols = [\"spy\", \"qqq\"]\n",
    );
    let c = load(&path, &[]).expect("loads").config;
    assert_eq!((c.ui.fps, c.ui.theme.as_str()), (60, "mono"));
    assert_eq!(c.markets.symbols, ["SPY", "QQQ"]);
    assert_eq!(c.feeds, Config::default().feeds);
}

#[test]
fn env_overrides_file() {
    let (_dir, path) = config_file("[ui]\nfps = 60\n");
    let vars = [
        ("MERIDIAN_UI_FPS", "90"),
        ("MERIDIAN_UI_BELL", "true"),
        ("MERIDIAN_FEEDS_PRICES_STALE_AFTER_SECS", "2"),
        ("MERIDIAN_MARKETS_SYMBOLS", "aapl,MSFT"),
    ];
    let c = load(&path, &vars).expect("loads").config;
    assert_eq!(c.ui.fps, 90);
    assert!(c.ui.bell);
    assert_eq!(c.feeds.prices_stale_after_secs, 2.0);
    assert_eq!(c.markets.symbols, ["AAPL", "MSFT"]);
}

#[test]
fn bad_env_value_names_the_variable() {
    let (_dir, path) = config_file("");
    let e = load(&path, &[("MERIDIAN_UI_FPS", "fast")]).expect_err("rejected").to_string();
    assert!(e.contains("MERIDIAN_UI_FPS") && e.contains("ui.fps"), "{e}");
    let e = load(&path, &[("MERIDIAN_UI_FPS", "0")]).expect_err("rejected").to_string();
    assert_eq!(e, "environment variable MERIDIAN_UI_FPS: ui.fps: must be between 1 and 240, got 0");
    let e = load(&path, &[("MERIDIAN_UI_FPS", "-1")]).expect_err("rejected").to_string();
    assert!(e.starts_with("environment variable MERIDIAN_UI_FPS: ui.fps: invalid value"), "{e}");
}

#[test]
fn overrides_beat_env() {
    let (_dir, path) = config_file("[ui]\nfps = 60\n[server]\nurl = \"http://file:1\"\n");
    let ov = Overrides {
        fps: Some(120),
        server: Some("https://flag.example".into()),
        symbols: Some(vec!["ibm".into()]),
        log_level: Some("DEBUG".into()),
        ..Overrides::default()
    };
    let vars = [("MERIDIAN_UI_FPS", "90"), ("MERIDIAN_SERVER_URL", "http://env:2")];
    let c = load_with(&path, ov, &vars).expect("loads").config;
    assert_eq!(c.ui.fps, 120);
    assert_eq!(c.server.url, "https://flag.example");
    assert_eq!(c.markets.symbols, ["IBM"]);
    assert_eq!(c.log.level, "debug");
    let bad = Overrides { fps: Some(0), ..Overrides::default() };
    let e = load_with(&path, bad, &[]).expect_err("rejected").to_string();
    assert_eq!(e, "--fps: ui.fps: must be between 1 and 240, got 0");
}

#[test]
fn unknown_key_reports_path_and_line() {
    let (_dir, path) =
        config_file("# mine\n[server]\nurl = \"http://x:1\"\n\n[ui]\nfps = 30\nfsp = 60\n");
    let e = load(&path, &[]).expect_err("rejected");
    assert_eq!(e.key().as_deref(), Some("ui.fsp"));
    assert_eq!(
        e.to_string(),
        format!(
            "{}:7: unknown key `fsp` in [ui] (expected one of: fps, theme, bell, history_points, flow_control, clipboard)",
            path.display()
        )
    );
}

#[test]
fn type_error_reports_line_and_key() {
    let (_dir, path) = config_file("[log]\nlevel = \"info\"\n[ui]\nfps = \"fast\"\n");
    let e = load(&path, &[]).expect_err("rejected").to_string();
    assert_eq!(
        e,
        format!("{}:4: ui.fps: invalid type: string \"fast\", expected u32", path.display())
    );
}

#[test]
fn missing_explicit_config_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nope.toml");
    let e = load(&path, &[]).expect_err("rejected");
    assert!(matches!(e, ConfigError::NotFound { .. }));
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
}

fn token(loaded: &Loaded) -> Option<&str> {
    loaded.token.as_ref().map(meridian::token::Token::expose)
}

#[test]
fn token_from_env_or_file_and_never_debug_printed() {
    let (dir, path) = config_file("[server]\ntoken_file = \"token\"\n");
    std::fs::write(dir.path().join("token"), "  s3cret\n").expect("write token");
    let loaded = load(&path, &[]).expect("loads");
    assert_eq!(token(&loaded), Some("s3cret"));
    assert!(!format!("{loaded:?}").contains("s3cret"));
    let loaded = load(&path, &[("MERIDIAN_TOKEN", "from-env")]).expect("loads");
    assert_eq!(token(&loaded), Some("from-env"));
    let (_dir2, path2) = config_file("[server]\ntoken_file = \"missing\"\n");
    assert!(matches!(load(&path2, &[]), Err(ConfigError::TokenFile { .. })));
}

#[cfg(unix)]
#[test]
fn a_token_file_others_can_read_gives_a_warning() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, path) = config_file("[server]\ntoken_file = \"token\"\n");
    let file = dir.path().join("token");
    std::fs::write(&file, "s3cret\n").expect("write token");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let loaded = load(&path, &[]).expect("loads");
    assert_eq!(token(&loaded), Some("s3cret"));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(loaded.warnings[0].contains("everyone"), "{:?}", loaded.warnings);
    assert!(!loaded.warnings[0].contains("s3cret"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(load(&path, &[]).expect("loads").warnings.is_empty());
}

#[test]
fn token_from_a_command_which_the_environment_beats() {
    let (_dir, path) = config_file("[server]\ntoken_command = \"echo from-command\"\n");
    assert_eq!(token(&load(&path, &[]).expect("loads")), Some("from-command"));
    let loaded = load(&path, &[("MERIDIAN_TOKEN", "from-env")]).expect("loads");
    assert_eq!(token(&loaded), Some("from-env"));
    let (_dir, path) = config_file("[server]\ntoken_command = \"exit 4\"\n");
    let e = load(&path, &[]).expect_err("fails");
    assert!(e.to_string().contains("server.token_command `exit 4`"), "{e}");
    assert!(e.to_string().contains("exit status: 4"), "{e}");
}

#[test]
fn token_file_and_token_command_together_are_refused() {
    let (_dir, path) = config_file("[server]\ntoken_file = \"t\"\ntoken_command = \"echo x\"\n");
    let e = load(&path, &[]).expect_err("both");
    assert_eq!(e.key().as_deref(), Some("server.token_command"));
    assert!(e.to_string().contains("config.toml:3"), "{e}");
    assert!(e.to_string().contains("not both"), "{e}");
}

#[test]
fn a_relative_ca_file_is_found_beside_the_config_file() {
    let (dir, path) = config_file("[server]\nca_file = \"corp-ca.pem\"\n");
    let loaded = load(&path, &[]).expect("loads");
    assert_eq!(loaded.config.server.ca_file, Some(dir.path().join("corp-ca.pem")));
    let loaded = load(&path, &[("MERIDIAN_SERVER_CA_FILE", "/etc/ca.pem")]).expect("loads");
    assert_eq!(loaded.config.server.ca_file, Some(PathBuf::from("/etc/ca.pem")));
}

#[test]
fn feed_urls_derive_from_base_and_can_be_overridden() {
    let mut c = Config::default();
    assert_eq!(c.prices_url(), "ws://127.0.0.1:8080/ws/prices");
    assert_eq!(c.backfill_url(), "ws://127.0.0.1:8080/ws/backfill");
    assert_eq!(c.health_url(), "ws://127.0.0.1:8080/ws/monitoring");
    c.server.url = "https://ops.example.com".into();
    assert_eq!(c.prices_url(), "wss://ops.example.com/ws/prices");
    c.server.url = "https://ops.example.com/meridian/api/".into();
    assert_eq!(c.health_url(), "wss://ops.example.com/meridian/api/ws/monitoring");
    c.server.prices_url = Some("wss://feeds.example.com/p".into());
    assert_eq!(c.prices_url(), "wss://feeds.example.com/p");
    assert_eq!(c.backfill_url(), "wss://ops.example.com/meridian/api/ws/backfill");
    let ov = Overrides { backfill_url: Some("ws://b:9/x".into()), ..Overrides::default() };
    let (_dir, path) = config_file("");
    assert_eq!(load_with(&path, ov, &[]).expect("loads").config.backfill_url(), "ws://b:9/x");
}

#[test]
fn feed_url_scheme_is_checked() {
    let (_dir, path) = config_file("");
    let ov = Overrides { health_url: Some("https://x/h".into()), ..Overrides::default() };
    let e = load_with(&path, ov, &[]).expect_err("rejected").to_string();
    assert!(e.starts_with("--health-url: server.health_url: URL `https://x/h` must start"), "{e}");
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn keymap_defaults() {
    let map = Keymap::default_map();
    let a = key(KeyCode::Char('a'), KeyModifiers::NONE);
    assert_eq!(map.action(Context::Markets, &a), Some(Action::AddSymbol));
    assert_eq!(map.action(Context::Reports, &a), Some(Action::Approve));
    let back_tab = key(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(map.action(Context::Status, &back_tab), Some(Action::PrevTab));
    let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(map.action(Context::Insights, &ctrl_c), Some(Action::Quit));
    let upper_a = key(KeyCode::Char('A'), KeyModifiers::SHIFT);
    assert_eq!(map.action(Context::Reports, &upper_a), Some(Action::ApproveWithNotes));
}

#[test]
fn keymap_overrides_from_config_file() {
    let (_dir, path) = config_file("[keys.markets]\nadd_symbol = [\"a\", \"+\"]\n");
    let c = load(&path, &[]).expect("loads").config;
    let map = Keymap::with_overrides(&c.keys).expect("valid");
    let plus = key(KeyCode::Char('+'), KeyModifiers::NONE);
    assert_eq!(map.action(Context::Markets, &plus), Some(Action::AddSymbol));
    assert_eq!(map.help(Context::Markets)[0].keys, "a, +");
}

#[test]
fn keymap_duplicates_are_rejected_with_line() {
    let mut o = KeymapOverrides::new();
    o.entry("reports".into()).or_default().insert("reject".into(), vec!["a".into()]);
    assert!(matches!(Keymap::with_overrides(&o), Err(KeymapError::Duplicate { .. })));
    let (_dir, path) = config_file("[ui]\nfps = 30\n\n[keys.reports]\nreject = [\"a\"]\n");
    let e = load(&path, &[]).expect_err("rejected").to_string();
    assert_eq!(
        e,
        format!("{}:5: keys.reports: key `a` is bound to both approve and reject", path.display())
    );
    let (_dir, path) = config_file("[keys.global]\nrefresh = [\"s\"]\n");
    let e = load(&path, &[]).expect_err("rejected").to_string();
    assert!(e.contains(":2: keys.markets.cycle_sort: key `s` is already bound"), "{e}");
}

#[test]
fn keymap_help_and_hint_are_generated() {
    let map = Keymap::default_map();
    let help = map.help(Context::Reports);
    assert_eq!(help[0].keys, "a");
    assert_eq!(help[0].description, "Approve the selected report(s)");
    assert!(help.iter().any(|e| e.keys == "q, ctrl-c" && e.context == Context::Global));
    assert_eq!(
        map.hint(Context::Reports, &[Action::Quit, Action::Approve, Action::Filter]),
        "q quit  a approve  / filter"
    );
}

#[test]
fn themes_parse_and_mono_has_no_colours() {
    assert_eq!(Theme::names(), ["default", "mono"]);
    let mono = Theme::by_name("mono").expect("mono");
    for (role, style) in mono.styles() {
        assert_eq!((style.fg, style.bg), (None, None), "{role}");
    }
    assert_ne!(mono.stale, mono.base);
    assert_ne!(mono.up, mono.down);
    assert!(Theme::by_name("default").expect("default").ok.fg.is_some());
    let (_dir, path) = config_file("[ui]\ntheme = \"solarized\"\n");
    let e = load(&path, &[]).expect_err("rejected").to_string();
    assert!(
        e.ends_with(":2: ui.theme: unknown theme `solarized` (expected one of: default, mono)"),
        "{e}"
    );
}

/// Found by the `config` fuzz target (fuzz/regressions/config): a syntax
/// error's snippet of the file carried its control characters, a carriage
/// return and a NUL among them, onto the user's terminal.
#[test]
fn a_syntax_error_never_echoes_control_characters_from_the_file() {
    let (_dir, path) = config_file("l=\"\u{16}\r\0/\"");
    let e = load(&path, &[]).expect_err("a syntax error").to_string();
    assert!(e.contains("config.toml:1"), "{e}");
    assert!(!e.chars().any(char::is_control), "{e:?}");
}
