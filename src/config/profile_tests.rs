//! Profiles: how one is chosen, what it overrides and what stays above it,
//! and the errors a user gets for a wrong name, key or colour.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::style::Color;

use super::super::{Config, ConfigError, Loaded, Origin, Overrides, ProfileLine};

const FILE: &str = r#"profile = "staging"

[server]
url = "http://base.example:8080"
prices_url = "ws://base.example:8080/custom/prices"
token_file = "base-token"

[ui]
fps = 20

[profiles.prod]
colour = "red"
server.url = "https://prod.example"
server.token_command = "echo prod-token"
user.read_only = true
sources.alertmanager.url = "https://am.prod.example"

[profiles.staging]
color = "Yellow"
server.url = "http://staging.example:8080"

[profiles.lab]
"#;

/// `text` as a config file in a temp dir, with `base-token` beside it.
fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write config");
    std::fs::write(dir.path().join("base-token"), "base-token\n").expect("write token");
    (dir, path)
}

fn load_with(path: &Path, ov: Overrides, vars: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let ov = Overrides { config_file: Some(path.to_owned()), ..ov };
    Config::load(&ov, &|name| vars.get(name).cloned())
}

fn flag(name: &str) -> Overrides {
    Overrides { profile: Some(name.into()), ..Overrides::default() }
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, Path::new("config.toml"))
}

#[test]
fn the_flag_beats_the_environment_which_beats_the_files_choice() {
    let (_dir, path) = file(FILE);
    let chosen = |ov: Overrides, vars: &[(&str, &str)]| {
        let loaded = load_with(&path, ov, vars).expect("loads");
        (loaded.config.profile.clone().expect("a profile"), loaded.profile_chosen_by)
    };
    assert_eq!(
        chosen(Overrides::default(), &[]),
        ("staging".into(), Some(Origin::File { path: path.clone(), line: 1 }))
    );
    let env = [("MERIDIAN_PROFILE", "lab")];
    assert_eq!(
        chosen(Overrides::default(), &env),
        ("lab".into(), Some(Origin::Env("MERIDIAN_PROFILE".into())))
    );
    assert_eq!(chosen(flag("prod"), &env), ("prod".into(), Some(Origin::Flag("--profile"))));
    // No profile anywhere: none.
    let (_dir, plain) = file("[ui]\nfps = 20\n");
    assert_eq!(load_with(&plain, Overrides::default(), &[]).expect("loads").config.profile, None);
}

#[test]
fn a_profile_sits_above_the_file_and_below_the_environment_and_flags() {
    let (dir, path) = file(FILE);
    let loaded = load_with(&path, flag("prod"), &[]).expect("loads");
    let c = &loaded.config;
    assert_eq!(c.server.url, "https://prod.example", "profile over file");
    assert_eq!(c.ui.fps, 20, "the file's other settings stay");
    assert!(c.user.read_only);
    assert_eq!(c.sources.alertmanager.url.as_deref(), Some("https://am.prod.example"));
    // Another server: the base's own price feed is not carried over.
    assert_eq!(c.prices_url(), "wss://prod.example/ws/prices");
    // The profile's token source replaces the base's token file.
    assert_eq!(c.server.token_file, None);
    assert_eq!(loaded.token.as_ref().map(crate::token::Token::expose), Some("prod-token"));
    assert_eq!(
        loaded.overridden.get("server.url"),
        Some(&Origin::Profile(Box::new(ProfileLine {
            name: "prod".into(),
            path: path.clone(),
            line: 13
        })))
    );

    let vars = [("MERIDIAN_SERVER_URL", "http://env.example"), ("MERIDIAN_USER_READ_ONLY", "0")];
    let c = load_with(&path, flag("prod"), &vars).expect("loads").config;
    assert_eq!(c.server.url, "http://env.example", "environment over profile");
    assert!(!c.user.read_only, "environment over profile");
    let ov = Overrides { server: Some("http://flag.example".into()), ..flag("prod") };
    let c = load_with(&path, ov, &vars).expect("loads").config;
    assert_eq!(c.server.url, "http://flag.example", "flag over environment");

    // A profile that sets no token keeps the base's token file.
    let loaded = load_with(&path, flag("lab"), &[]).expect("loads");
    assert_eq!(loaded.config.server.url, "http://base.example:8080");
    assert_eq!(loaded.config.server.token_file, Some(PathBuf::from("base-token")));
    assert_eq!(loaded.token.as_ref().map(crate::token::Token::expose), Some("base-token"));
    assert_eq!(loaded.config.prices_url(), "ws://base.example:8080/custom/prices");
    drop(dir);
}

#[test]
fn each_profile_keeps_its_own_data_directory_unless_it_names_one() {
    let (dir, path) = file(FILE);
    let data = dir.path().join("data");
    let ov = Overrides { data_dir: Some(data.clone()), ..flag("staging") };
    let c = load_with(&path, ov, &[]).expect("loads").config;
    assert_eq!(c.data_dir(), data.join("profiles/staging"));
    let (_dir, own) = file("[profiles.ci]\ndata_dir = \"/srv/ci\"\n");
    let c = load_with(&own, flag("ci"), &[]).expect("loads").config;
    assert_eq!(c.data_dir(), Path::new("/srv/ci"));
}

#[test]
fn an_unknown_profile_lists_the_defined_ones_and_names_the_file() {
    let (_dir, path) = file(FILE);
    let e = load_with(&path, flag("prdo"), &[]).expect_err("unknown").to_string();
    assert_eq!(
        e,
        format!("--profile: unknown profile `prdo`; {} defines lab, prod, staging", path.display())
    );
    let e = load_with(&path, Overrides::default(), &[("MERIDIAN_PROFILE", "qa")])
        .expect_err("unknown")
        .to_string();
    assert!(e.starts_with("environment variable MERIDIAN_PROFILE: unknown profile `qa`"), "{e}");
    // The file's own choice must name one of its profiles.
    let (_dir, bad) = file("# mine\nprofile = \"dev\"\n\n[profiles.prod]\n");
    let e = load_with(&bad, flag("prod"), &[]).expect_err("unknown").to_string();
    assert_eq!(
        e,
        format!("{}:2: unknown profile `dev`; {} defines prod", bad.display(), bad.display())
    );
    let e = parse("profile = \"dev\"\n").expect_err("unknown").to_string();
    assert_eq!(
        e,
        "config.toml:1: profile: unknown profile `dev`; this file defines no profiles (no [profiles.NAME] table)"
    );
}

#[test]
fn without_a_config_file_a_profile_cannot_be_found() {
    let ov = Overrides { profile: Some("prod".into()), ..Overrides::default() };
    // No file given, and the platform path (if any) is left out of the
    // answer only when it does not exist.
    if Config::default_path().is_some_and(|p| p.is_file()) {
        return;
    }
    let e = Config::load(&ov, &|_| None).expect_err("unknown").to_string();
    assert!(e.starts_with("--profile: unknown profile `prod`; no config file was read"), "{e}");
}

#[test]
fn an_unknown_key_in_a_profile_names_the_line_and_the_table() {
    let text = "[ui]\nfps = 30\n\n[profiles.prod]\ncolour = \"red\"\nserver.url = \"https://p\"\nserver.fps = 3\n";
    let e = parse(text).expect_err("unknown key");
    assert_eq!(e.key().as_deref(), Some("profiles.prod.server.fps"));
    let e = e.to_string();
    assert!(
        e.starts_with("config.toml:7: unknown key `fps` in [profiles.prod.server] (expected one of: url, prices_url"),
        "{e}"
    );
    let e = parse("[profiles.prod]\nread_only = true\n").expect_err("unknown key").to_string();
    assert!(e.starts_with("config.toml:2: unknown key `read_only` in [profiles.prod] (expected one of: color, colour, data_dir, server, feeds, user, sources)"), "{e}");
    let e = parse("[profiles.prod.ui]\nfps = 3\n").expect_err("unknown key").to_string();
    assert!(e.starts_with("config.toml:1: unknown key `ui` in [profiles.prod]"), "{e}");
}

#[test]
fn colours_are_the_themes_names_in_either_spelling_and_prod_is_red() {
    let c = parse(FILE).expect("valid");
    let colour = |c: &Config, name: &str| {
        let mut c = c.clone();
        c.profile = Some(name.into());
        c.active_profile().expect("active").badge_colour()
    };
    assert_eq!(colour(&c, "prod"), Some(Color::Red));
    assert_eq!(colour(&c, "staging"), Some(Color::Yellow), "`color` and any case");
    assert_eq!(colour(&c, "lab"), None, "the theme's accent");
    let c = parse(
        "[profiles.production]\n[profiles.prod]\n[profiles.prod-eu]\n[profiles.products]\n[profiles.blue-prod]\ncolour = \"lightblue\"\n",
    )
    .expect("valid");
    assert_eq!(colour(&c, "production"), Some(Color::Red));
    assert_eq!(colour(&c, "prod"), Some(Color::Red));
    assert_eq!(colour(&c, "prod-eu"), Some(Color::Red));
    assert_eq!(colour(&c, "products"), None);
    assert_eq!(colour(&c, "prod-eu"), Some(Color::Red));
    assert_eq!(colour(&c, "products"), None);
    assert_eq!(colour(&c, "blue-prod"), Some(Color::LightBlue));
    let e = parse("[profiles.prod]\n\ncolour = \"pink\"\n").expect_err("bad colour").to_string();
    assert!(
        e.starts_with("config.toml:3: profiles.prod.colour: unknown colour `pink` (use one of"),
        "{e}"
    );
    assert!(Config::default().active_profile().is_none());
}

#[test]
fn a_profile_name_must_fit_the_header_and_a_directory() {
    let e = parse("[profiles.\"../etc\"]\ncolour = \"red\"\n").expect_err("bad name").to_string();
    assert!(e.starts_with("config.toml:1: profiles: profile names are 1 to 32 letters"), "{e}");
    assert!(parse("[profiles.eu-west_2]\n").is_ok());
}

#[test]
fn a_profiles_values_are_checked_and_blamed_on_its_lines() {
    let e = parse("[profiles.prod]\nserver.url = \"ftp://x\"\n").expect_err("bad url").to_string();
    assert!(
        e.starts_with("config.toml:2: profiles.prod.server.url: URL `ftp://x` must start with"),
        "{e}"
    );
    let both = "[profiles.prod.server]\ntoken_file = \"t\"\ntoken_command = \"echo x\"\n";
    assert!(parse(both).expect_err("both").to_string().contains("not both"));
    // When the profile is in use, a bad resolved value names the profile.
    let (_dir, path) = file("[profiles.prod]\nserver.health_url = \"http://h\"\n");
    let e = load_with(&path, flag("prod"), &[]).expect_err("bad").to_string();
    assert!(
        e.ends_with(
            ":2 (profile prod): server.health_url: URL `http://h` must start with ws:// or wss://"
        ),
        "{e}"
    );
}

#[test]
fn read_only_from_a_profile_says_so() {
    let (_dir, path) = file(FILE);
    let c = load_with(&path, flag("prod"), &[]).expect("loads").config;
    assert_eq!(
        c.read_only_reason().as_deref(),
        Some("chosen by profile prod (profiles.prod.user.read_only)")
    );
    let ov = Overrides { read_only: true, ..flag("staging") };
    let c = load_with(&path, ov, &[]).expect("loads").config;
    assert_eq!(c.read_only_reason().as_deref(), Some("chosen with --read-only (user.read_only)"));
    assert_eq!(load_with(&path, flag("lab"), &[]).expect("loads").config.read_only_reason(), None);
}

#[test]
fn a_relative_token_file_in_a_profile_is_beside_the_config_file() {
    let (dir, path) = file("[profiles.qa.server]\ntoken_file = \"qa-token\"\n");
    std::fs::write(dir.path().join("qa-token"), "qa-secret\n").expect("write");
    let loaded = load_with(&path, flag("qa"), &[]).expect("loads");
    assert_eq!(loaded.token.as_ref().map(crate::token::Token::expose), Some("qa-secret"));
}

#[test]
fn profiles_serialise_back_to_an_equal_config() {
    let c = parse(FILE).expect("valid");
    let text = toml::to_string(&c).expect("serialises");
    assert_eq!(parse(&text).expect("re-parses"), c);
}

#[test]
fn show_names_the_profile_its_chooser_and_where_each_override_came_from() {
    let (_dir, path) = file(FILE);
    let ov = Overrides { fps: Some(60), ..flag("prod") };
    let shown = load_with(&path, ov, &[("MERIDIAN_TOKEN", "s3cret")])
        .expect("loads")
        .show()
        .expect("shows");
    assert!(shown.contains("# profile: prod, chosen by --profile\n"), "{shown}");
    assert!(shown.contains("# other profiles: lab, staging\n"), "{shown}");
    assert!(
        shown.contains(&format!(
            "#   server.url                {}:13 (profile prod)\n",
            path.display()
        )),
        "{shown}"
    );
    assert!(shown.contains("#   ui.fps                    --fps\n"), "{shown}");
    assert!(shown.contains("profile = \"prod\""), "{shown}");
    assert!(shown.contains("url = \"https://prod.example\""), "{shown}");
    assert!(!shown.contains("[profiles"), "the tables are already applied: {shown}");
    assert!(!shown.contains("s3cret") && shown.contains("# token: set (redacted)"), "{shown}");
}

#[test]
fn the_commented_example_in_the_default_config_is_a_valid_profile_pair() {
    let start = super::super::DEFAULT_TOML.find("# [profiles.prod]").expect("the example");
    let example: String = super::super::DEFAULT_TOML[start..]
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
        .map(|l| format!("{l}\n"))
        .collect();
    let c = parse(&example).expect("the example parses");
    assert_eq!(c.profiles.keys().collect::<Vec<_>>(), ["prod", "staging"]);
    assert_eq!(c.profiles["prod"].user.read_only, Some(true));
    assert_eq!(c.profiles["staging"].server.token_file, Some(PathBuf::from("staging-token")));
}
