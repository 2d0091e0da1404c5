//! Config profiles as a user meets them: `config show` from the real
//! binary, the header's badge (an 80x24 snapshot, crowded headers, the
//! mono theme), and the real console in tmux started with `--profile`
//! against a reference server, reading its data, and a read-only profile
//! refusing a decision key.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::backend::Backend;
use common::cli::{BIN, bare, run};
use common::tmux::Tmux;
use meridian::app::{App, Tab};
use meridian::config::{Config, Overrides};
use meridian::server::ServeArgs;
use meridian::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const TOKEN: &str = "pr0d-s3cret-never-shown";

/// A config file in `dir` with a base server, a production profile
/// (read-only, its own token file) and a staging one; `staging` is the
/// server the staging profile names.
fn write_config(dir: &Path, staging: &str) -> PathBuf {
    std::fs::write(dir.join("prod-token"), format!("{TOKEN}\n")).unwrap();
    let path = dir.join("config.toml");
    let text = format!(
        r#"[server]
url = "http://127.0.0.1:9"

[ui]
fps = 20

[profiles.prod]
colour = "red"
server.url = "https://meridian.prod.example"
server.token_file = "prod-token"
user.read_only = true

[profiles.staging]
color = "yellow"
server.url = "{staging}"
"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn config_show_prints_the_chosen_profile_and_never_its_token() {
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), "http://staging.example:8080");
    let file = config.to_str().unwrap();
    let out = run(
        bare(home.path()).args(["--profile", "prod", "--config", file, "config", "show"]),
        "config show",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let shown = out.stdout;
    assert!(shown.contains("# profile: prod, chosen by --profile\n"), "{shown}");
    assert!(shown.contains("# other profiles: staging\n"), "{shown}");
    assert!(shown.contains("# token: set (redacted)\n"), "{shown}");
    assert!(
        shown.contains(&format!("#   server.url         {file}:9 (profile prod)\n")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("#   user.read_only     {file}:11 (profile prod)\n")),
        "{shown}"
    );
    assert!(shown.contains("url = \"https://meridian.prod.example\""), "{shown}");
    assert!(shown.contains("read_only = true"), "{shown}");
    assert!(shown.contains("fps = 20"), "the base file's own settings stay: {shown}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");

    // MERIDIAN_PROFILE chooses too, below the flag.
    let out = run(
        bare(home.path())
            .env("MERIDIAN_PROFILE", "staging")
            .args(["--config", file, "config", "show"]),
        "config show",
    );
    assert!(
        out.stdout.contains("# profile: staging, chosen by environment variable MERIDIAN_PROFILE"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("url = \"http://staging.example:8080\""), "{}", out.stdout);
}

#[test]
fn an_unknown_profile_is_one_line_naming_the_file_and_the_choices() {
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), "http://staging.example:8080");
    let file = config.to_str().unwrap();
    let out = run(
        bare(home.path()).args(["--profile", "prdo", "--config", file, "config", "show"]),
        "config show",
    );
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr.trim(),
        format!("meridian: --profile: unknown profile `prdo`; {file} defines prod, staging")
    );
    // The headless commands load the same config: the same answer.
    let out = run(
        bare(home.path()).args(["--profile", "prdo", "--config", file, "reports", "list"]),
        "reports list",
    );
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("unknown profile `prdo`"), "{}", out.stderr);
}

#[test]
fn a_headless_decision_under_a_read_only_profile_is_refused_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), "http://staging.example:8080");
    let file = config.to_str().unwrap();
    let out = run(
        bare(home.path()).args(["--profile", "prod", "--config", file, "reports", "approve", "7"]),
        "reports approve",
    );
    assert_ne!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("read-only, chosen by profile prod (profiles.prod.user.read_only)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("not queued"), "{}", out.stderr);
    let outbox = home.path().join(".local/share/meridian/profiles/prod/outbox.db");
    assert!(!outbox.exists() || sql_i64(&outbox, "SELECT count(*) FROM outbox") == 0);
}

/// The populated screens with what the launcher builds for `profile` of
/// the config file: the badge, the server and read-only.
fn app_for(profile: &str) -> App {
    meridian::tls::install_crypto();
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), "http://staging.example:8080");
    let ov = Overrides {
        config_file: Some(path),
        profile: Some(profile.into()),
        ..Overrides::default()
    };
    let config = Config::load(&ov, &|_| None).unwrap().config;
    let console = common::console(&config, vec!["AAPL".into()], dir.path());
    let mut app = common::fixture::populated();
    app.settings.demo = false;
    app.settings.profile = console.app.settings.profile.clone();
    app.settings.server_label = console.app.settings.server_label.clone();
    app.read_only = console.app.read_only.clone();
    app
}

/// A frame of `app` in `theme`.
fn terminal(app: &App, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| meridian::ui::render(f, app, theme)).unwrap();
    term
}

/// The header row as text, and the style of the cell where `word` starts.
fn header(term: &Terminal<TestBackend>, word: &str) -> (String, ratatui::style::Style) {
    let buf = term.backend().buffer();
    let row: String = (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect();
    let at = row.find(word).unwrap_or_else(|| panic!("{word} not in {row:?}"));
    let x = row[..at].chars().count() as u16;
    (row, buf[(x, 0)].style())
}

#[test]
fn the_header_names_a_prod_profile_in_red_at_80x24() {
    let mut app = app_for("prod");
    // Read-only: nothing was queued.
    app.outbox.clear();
    app.tab = Tab::Insights;
    let term = terminal(&app, &Theme::default(), 80, 24);
    let (row, style) = header(&term, "prod");
    assert!(row.starts_with(" MERIDIAN  prod  READ-ONLY "), "{row:?}");
    assert!(row.contains("health"), "the feeds keep their place: {row:?}");
    assert_eq!((style.bg, style.fg), (Some(Color::Red), Some(Color::White)));
    insta::assert_snapshot!("profile_prod_insights_80x24", term.backend().to_string());
}

#[test]
fn a_crowded_header_keeps_the_badge_and_what_it_already_showed() {
    // The demo, a pending and a failed decision fill 80 columns already:
    // the wordmark gives way to the badge.
    let mut app = common::fixture::populated();
    app.settings.profile =
        Some(meridian::config::ActiveProfile { name: "prod".into(), colour: Some(Color::Red) });
    let term = terminal(&app, &Theme::default(), 80, 24);
    let (row, _) = header(&term, "prod");
    assert!(row.starts_with(" prod  DEMO  ⧗1 pending  !1 failed "), "{row:?}");
    assert!(row.trim_end().ends_with("health ↻ 5s"), "{row:?}");
    // A long name is shortened rather than pushing anything out.
    app.settings.profile =
        Some(meridian::config::ActiveProfile { name: "production-eu-west".into(), colour: None });
    let term = terminal(&app, &Theme::default(), 80, 24);
    let (row, style) = header(&term, "prod");
    assert!(row.starts_with(" product…  DEMO  ⧗1 pending  !1 failed "), "{row:?}");
    assert_eq!(style.bg, Some(Color::Red), "production is red by default");
    // With room, nothing is shortened.
    let term = terminal(&app, &Theme::default(), 160, 48);
    assert!(header(&term, "prod").0.starts_with(" MERIDIAN  production-eu-west  DEMO "));
}

#[test]
fn the_badge_takes_its_colour_else_the_accent_and_reads_without_colour() {
    let app = app_for("staging");
    let term = terminal(&app, &Theme::default(), 100, 30);
    let (row, style) = header(&term, "staging");
    assert!(row.starts_with(" MERIDIAN  staging  "), "{row:?}");
    assert!(!row.contains("READ-ONLY"), "{row:?}");
    assert_eq!((style.bg, style.fg), (Some(Color::Yellow), Some(Color::Black)));

    let mut lab = app_for("staging");
    lab.settings.profile =
        Some(meridian::config::ActiveProfile { name: "lab".into(), colour: None });
    let accent = Theme::default().accent.fg;
    assert_eq!(header(&terminal(&lab, &Theme::default(), 100, 30), "lab").1.bg, accent);

    // Mono: reversed, and underlined too for production.
    let mono = Theme::by_name("mono").unwrap();
    let (_, style) = header(&terminal(&app, &mono, 100, 30), "staging");
    let plain = |c: Option<Color>| matches!(c, None | Some(Color::Reset));
    assert!(plain(style.fg) && plain(style.bg), "{style:?}");
    assert!(style.add_modifier.contains(Modifier::REVERSED), "{style:?}");
    assert!(!style.add_modifier.contains(Modifier::UNDERLINED), "{style:?}");
    let (_, style) = header(&terminal(&app_for("prod"), &mono, 100, 30), "prod");
    assert!(style.add_modifier.contains(Modifier::REVERSED | Modifier::UNDERLINED), "{style:?}");
}

fn sql_i64(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The console in tmux with `--profile NAME --config FILE`.
fn start_console(t: &Tmux, profile: &str, config: &Path, data: &Path) {
    t.send_line(&format!(
        "{BIN} --profile {profile} --config {} --data-dir {} --symbols AAPL; echo EXIT=$?",
        config.display(),
        data.display()
    ));
}

#[test]
fn a_staging_profile_reaches_its_server_and_says_so_in_the_header() {
    let backend = Backend::start(ServeArgs::for_tests());
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &backend.url());
    let data = dir.path().join("data");
    let title = backend.first_insight_title();

    let t = Tmux::start(100, 30);
    start_console(&t, "staging", &config, &data);
    let screen = t.wait_for(
        |s| s.contains("Insights ·") && s.contains(&title[..title.len().min(20)]),
        Duration::from_secs(30),
        "insights from the staging server",
    );
    let head = screen.lines().next().unwrap();
    assert!(head.starts_with(" MERIDIAN  staging "), "{head}");
    assert!(head.contains(&backend.url()), "the profile's server is named: {head}");
    t.wait_for(
        |s| s.matches('●').count() >= 3,
        Duration::from_secs(20),
        "all three feeds connected",
    );
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "the console to quit");
    // The profile's own data directory.
    assert!(data.join("profiles/staging/meridian.log").is_file());
}

#[test]
fn a_read_only_profile_refuses_a_decision_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let backend = Backend::start(ServeArgs { db: Some(db.clone()), ..ServeArgs::for_tests() });
    // The production profile, pointed at this server.
    let config = write_config(dir.path(), "http://unused.example");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("https://meridian.prod.example", &backend.url())).unwrap();
    let data = dir.path().join("data");
    let approved = "SELECT count(*) FROM reports WHERE validation_status = 'approved'";
    let before = sql_i64(&db, approved);

    let t = Tmux::start(100, 30);
    start_console(&t, "prod", &config, &data);
    t.wait_for(
        |s| s.contains("Insights ·") && s.contains("Rating"),
        Duration::from_secs(30),
        "insights",
    );
    let head = t.capture().lines().next().unwrap().to_owned();
    assert!(head.starts_with(" MERIDIAN  prod  READ-ONLY "), "{head}");
    t.send_keys("5");
    t.wait_for(|s| s.contains("Reports ·"), Duration::from_secs(10), "the report queue");
    t.send_keys("a");
    let screen = t.wait_for(|s| s.contains("read-only:"), Duration::from_secs(5), "the refusal");
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains("read-only: chosen by profile prod"), "{footer}");
    assert!(!screen.contains("Approve 1 report?"), "no confirm dialog: {screen}");
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "the console to quit");
    let outbox = data.join("profiles/prod/outbox.db");
    assert_eq!(sql_i64(&outbox, "SELECT count(*) FROM outbox"), 0, "nothing queued");
    assert_eq!(sql_i64(&db, approved), before, "nothing approved");
    assert!(!t.capture().contains(TOKEN), "the profile's token stays off screen");
}
