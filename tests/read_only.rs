//! `--read-only`: the user chooses to look without touching. The console
//! says READ-ONLY in its header and queues nothing whatever keys are
//! pressed; the command line queues nothing either and says so.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::cli::meridian;
use common::keys::{enqueued, press, typed};
use common::screen::draw;
use crossterm::event::KeyCode;
use meridian::app::Tab;
use meridian::config::{Config, Overrides};

#[test]
fn the_flag_reaches_the_config_from_the_command_line_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "").unwrap();
    let ov = Overrides { config_file: Some(path.clone()), read_only: true, ..Overrides::default() };
    assert!(Config::load(&ov, &|_| None).unwrap().config.user.read_only);
    let ov = Overrides { config_file: Some(path), ..Overrides::default() };
    let env = |k: &str| (k == "MERIDIAN_USER_READ_ONLY").then(|| "true".to_owned());
    assert!(Config::load(&ov, &env).unwrap().config.user.read_only);
}

#[test]
fn a_read_only_console_says_so_and_queues_nothing_from_any_key() {
    meridian::tls::install_crypto();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.user.read_only = true;
    let console = common::console(&config, vec!["AAPL".into()], dir.path());
    let mut app = common::fixture::populated();
    // The state the launcher builds, on the populated screens.
    app.read_only = console.app.read_only.clone();
    assert!(app.read_only.as_deref().unwrap().contains("--read-only"));
    assert!(draw(&app, 100, 30).contains("READ-ONLY"));

    let mut fx = Vec::new();
    app.tab = Tab::Reports;
    for key in ['a', 'y', 'A', 'x', 'f'] {
        fx.extend(press(&mut app, KeyCode::Char(key)));
        typed(&mut app, "why");
        fx.extend(press(&mut app, KeyCode::Enter));
        press(&mut app, KeyCode::Esc);
    }
    app.tab = Tab::Insights;
    for key in ['r', 'c', 'f'] {
        fx.extend(press(&mut app, KeyCode::Char(key)));
        fx.extend(press(&mut app, KeyCode::Char('5')));
        fx.extend(press(&mut app, KeyCode::Enter));
        press(&mut app, KeyCode::Esc);
    }
    app.tab = Tab::Alerts;
    for key in ['a', 's'] {
        fx.extend(press(&mut app, KeyCode::Char(key)));
        fx.extend(press(&mut app, KeyCode::Enter));
        press(&mut app, KeyCode::Esc);
    }
    assert!(enqueued(&fx).is_empty(), "{:?}", enqueued(&fx));
    app.tab = Tab::Reports;
    press(&mut app, KeyCode::Char('a'));
    assert!(app.message.as_deref().unwrap().starts_with("read-only: chosen with --read-only"));
}

#[test]
fn the_command_line_queues_nothing_when_read_only() {
    let home = tempfile::tempdir().unwrap();
    let run =
        meridian(home.path(), "http://127.0.0.1:9", &["--read-only", "reports", "approve", "7"]);
    assert_ne!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("read-only") && run.stderr.contains("not queued"),
        "{}",
        run.stderr
    );
    let db = home.path().join("data/outbox.db");
    assert!(
        !db.exists() || meridian::outbox::Outbox::open(&db).unwrap().pending_count().unwrap() == 0
    );
}
