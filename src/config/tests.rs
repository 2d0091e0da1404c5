use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, Path::new("config.toml"))
}

fn err(text: &str) -> String {
    parse(text).expect_err("rejected").to_string()
}

#[test]
fn default_toml_is_the_default() {
    assert_eq!(parse(DEFAULT_TOML).expect("default.toml is valid"), Config::default());
}

#[test]
fn empty_file_is_the_default() {
    assert_eq!(parse("").expect("valid"), Config::default());
}

#[test]
fn unknown_key_names_line_table_and_choices() {
    let text = "[server]\nurl = \"http://x\"\n\n[ui]\nfps = 20\nfsp = 30\n";
    assert_eq!(
        err(text),
        "config.toml:6: unknown key `fsp` in [ui] (expected one of: fps, theme, bell, history_points, flow_control, clipboard)"
    );
    let top = err("# c\nbogus = 1\n");
    assert!(top.starts_with("config.toml:2: unknown key `bogus` in the top level"), "{top}");
    let section = err("[uii]\nfps = 1\n");
    assert!(section.starts_with("config.toml:1: unknown key `uii` in the top level"), "{section}");
}

#[test]
fn type_error_names_line_and_key() {
    assert_eq!(
        err("[server]\n\n[ui]\nfps = \"fast\"\n"),
        "config.toml:4: ui.fps: invalid type: string \"fast\", expected u32"
    );
    let dotted = err("ui.bell = 3\n");
    assert!(dotted.starts_with("config.toml:1: ui.bell: invalid type: integer"), "{dotted}");
}

#[test]
fn syntax_error_names_line() {
    let e = err("[ui]\nfps = 30\ntheme = \"mono\n");
    assert!(e.starts_with("config.toml:3: "), "{e}");
}

#[test]
fn semantic_errors_name_line_and_key() {
    assert_eq!(
        err("[ui]\ntheme = \"mono\"\nfps = 0\n"),
        "config.toml:3: ui.fps: must be between 1 and 240, got 0"
    );
    let level = err("[log]\nlevel = \"loud\"\n");
    assert!(level.starts_with("config.toml:2: log.level: unknown log level `loud`"), "{level}");
    let theme = err("[ui]\ntheme = \"neon\"\n");
    assert!(theme.starts_with("config.toml:2: ui.theme: unknown theme `neon`"), "{theme}");
    let symbol = err("[markets]\nsymbols = [\"AAPL\", \"\"]\n");
    assert_eq!(symbol, "config.toml:2: markets.symbols: empty symbol");
    let url = err("[server]\nurl = \"ftp://x\"\n");
    assert!(url.starts_with("config.toml:2: server.url: URL `ftp://x` must start with"), "{url}");
    let feed = err("[server]\nprices_url = \"http://x/ws\"\n");
    assert!(feed.starts_with("config.toml:2: server.prices_url:"), "{feed}");
}

#[test]
fn a_user_name_that_cannot_be_sent_names_its_line() {
    let e = err("[user]\nname = \"al\\u001bex\"\n");
    assert!(e.starts_with("config.toml:2: user.name: must be 1 to 64 printable ASCII"), "{e}");
    assert!(err("[user]\nname = \"  \"\n").contains("user.name"));
    let c = parse("[user]\nname = \"r.ahmed\"\n").expect("valid");
    assert_eq!(c.user_name(), "r.ahmed");
}

#[test]
fn keymap_errors_point_at_the_binding() {
    let text = "[ui]\nfps = 30\n\n[keys.markets]\nremove_symbol = [\"x\"]\nadd_symbol = [\"s\"]\n";
    let e = err(text);
    assert!(e.starts_with("config.toml:6: keys.markets: key `s` is bound to both"), "{e}");
    let e = err("[keys.market]\nadd_symbol = [\"+\"]\n");
    assert!(e.starts_with("config.toml:1: unknown key context `market`"), "{e}");
    let e = err("[ui]\nfps = 30\n\n[keys.confirm]\nconfirm = [\"y\"]\ncancel = [\"y\"]\n");
    assert!(e.starts_with("config.toml:6: keys.confirm: key `y` is bound to both"), "{e}");
    let e = err("[keys.reports]\nup = [\"w\"]\nadd_symbol = [\"+\"]\n");
    assert!(
        e.starts_with("config.toml:3: keys.reports.add_symbol: add_symbol does nothing"),
        "{e}"
    );
    let e = err("[keys.markets]\nadd_symbol = \"a\"\n");
    assert!(e.starts_with("config.toml:2: keys.markets.add_symbol: invalid type"), "{e}");
}

#[test]
fn symbols_are_normalised() {
    let c =
        parse("[markets]\nsymbols = [\"aapl\", \"BRK.B\", \"AAPL\", \"^gspc\"]\n").expect("valid");
    assert_eq!(c.markets.symbols, ["AAPL", "BRK.B", "^GSPC"]);
    assert!(err("[markets]\nsymbols = [\"TOO-LONG-SYMBOL\"]\n").contains("longer than 12"));
    assert!(err("[markets]\nsymbols = [\"A B\"]\n").contains("not allowed in a symbol"));
}

#[test]
fn feed_urls_follow_the_base() {
    let mut c = Config::default();
    assert_eq!(c.prices_url(), "ws://127.0.0.1:8080/ws/prices");
    c.server.url = "https://ops.example.com/meridian/".into();
    assert_eq!(c.backfill_url(), "wss://ops.example.com/meridian/ws/backfill");
    assert_eq!(c.health_url(), "wss://ops.example.com/meridian/ws/monitoring");
    c.server.url = "HTTP://h:1?x=1".into();
    assert_eq!(c.prices_url(), "ws://h:1/ws/prices");
    c.server.health_url = Some("wss://elsewhere/health".into());
    assert_eq!(c.health_url(), "wss://elsewhere/health");
}

#[test]
fn duplicate_key_is_named() {
    assert_eq!(err("[ui]\nfps = 3\nfps = 4\n"), "config.toml:3: duplicate key (at `fps`)");
}

#[test]
fn serialises_back_to_an_equal_config() {
    let mut c = Config::default();
    c.server.health_url = Some("wss://h/x".into());
    c.keys.entry("markets".into()).or_default().insert("add_symbol".into(), vec!["+".into()]);
    let text = toml::to_string(&c).expect("serialises");
    assert_eq!(parse(&text).expect("re-parses"), c);
}

#[test]
fn flow_control_is_auto_or_off_and_a_bad_value_names_its_line() {
    assert_eq!(Config::default().ui.flow_control, FlowControl::Auto);
    let c = parse("[ui]\nflow_control = \"off\"\n").expect("valid");
    assert_eq!(c.ui.flow_control, FlowControl::Off);
    let e = err("[ui]\nfps = 30\nflow_control = \"on\"\n");
    assert!(e.starts_with("config.toml:3: ui.flow_control: unknown variant `on`"), "{e}");
    assert!(e.contains("`auto`") && e.contains("`off`"), "{e}");
}

#[test]
fn review_thresholds_replace_the_defaults_and_bad_ones_name_their_line() {
    let c = parse("[review.thresholds]\nbuying_power = { warn = 100000, crit = 50000 }\n")
        .expect("valid: integers are numbers too");
    assert_eq!(c.review.thresholds.len(), 1, "the table replaces the defaults");
    assert!(c.review.threshold("buying_power").is_some_and(Threshold::lower_is_worse));
    assert_eq!(
        err(
            "[review.thresholds]\nleverage = { warn = 3.0, crit = 4.0 }\nvar_95 = { warn = nan, crit = 1.0 }\n"
        ),
        "config.toml:3: review.thresholds.var_95: warn and crit must be numbers, got NaN and 1"
    );
    let unknown = err("[review.thresholds]\nleverage = { warn = 3.0, crt = 4.0 }\n");
    assert!(unknown.starts_with("config.toml:2: unknown key `crt`"), "{unknown}");
    assert!(unknown.contains("expected one of: warn, crit"), "{unknown}");
    let missing = err("[review.thresholds]\nleverage = { warn = 3.0 }\n");
    assert!(
        missing.starts_with("config.toml:2: review.thresholds.leverage: missing field `crit`"),
        "{missing}"
    );
    let section = err("[review]\nthreshold = {}\n");
    assert_eq!(
        section,
        "config.toml:2: unknown key `threshold` in [review] (expected one of: undo_secs, claim_on_open, thresholds)"
    );
}
