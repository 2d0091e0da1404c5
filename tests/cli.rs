//! The real binary against real and broken config files: errors are one
//! line naming file, line and key, the terminal is never touched, and the
//! token never shows.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

/// The binary with a private home and no MERIDIAN_* from the caller.
fn meridian(home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("MERIDIAN_")) {
        cmd.env_remove(k);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .args(args)
        .output()
        .expect("run meridian")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_bad_key_names_file_line_and_key_and_leaves_the_terminal_alone() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bad.toml");
    std::fs::write(&file, "[server]\nurl = \"http://127.0.0.1:9\"\n\n[ui]\nfsp = 60\n").unwrap();
    let out = meridian(home.path(), &["--config", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:5", file.display())), "file and line: {err}");
    assert!(err.contains("fsp"), "the key: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty() && !err.contains('\x1b'), "no terminal control written");
}

#[test]
fn a_bad_value_quoted_in_an_error_cannot_drive_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("evil.toml");
    // TOML escapes give real ESC and BEL characters in the values.
    for body in [
        "[ui]\ntheme = \"\\u001b]0;pwned\\u0007\"\n",
        "[log]\nlevel = \"\\u001b[2J\\u001bc\"\n",
        "[markets]\nsymbols = [\"\\u009b6n\"]\n",
    ] {
        std::fs::write(&file, body).unwrap();
        let out = meridian(home.path(), &["--config", file.to_str().unwrap(), "config", "show"]);
        assert_ne!(out.status.code(), Some(0), "{body}");
        let err = text(&out.stderr);
        assert!(err.contains("evil.toml:2"), "still names the place: {err:?}");
        assert!(!err.trim_end().chars().any(char::is_control), "{body}: {err:?}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err:?}");
    }
}

#[test]
fn a_missing_config_file_is_an_error_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let out = meridian(home.path(), &["--config", "/nonexistent/meridian.toml", "config", "show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/meridian.toml"));
}

#[test]
fn config_init_writes_the_commented_default_once() {
    let home = tempfile::tempdir().unwrap();
    let out = meridian(home.path(), &["config", "path"]);
    assert!(out.status.success());
    let path = text(&out.stdout).trim().to_owned();
    assert!(path.starts_with(home.path().to_str().unwrap()), "{path}");

    let out = meridian(home.path(), &["config", "init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), meridian::config::DEFAULT_TOML);
    let again = meridian(home.path(), &["config", "init"]);
    assert!(!again.status.success(), "does not overwrite without --force");
    assert!(text(&again.stderr).contains("--force"));
    assert!(meridian(home.path(), &["config", "init", "--force"]).status.success());
}

#[test]
fn config_show_redacts_the_token_and_applies_flags() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("MERIDIAN_TOKEN", "s3cr3t-t0ken")
        .env("MERIDIAN_SERVER", "https://ops.example.com")
        .args(["config", "show", "--symbols", "aapl,msft"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(!shown.contains("s3cr3t"), "token leaked: {shown}");
    assert!(shown.contains("redacted"));
    assert!(shown.contains("https://ops.example.com"), "env twin of --server applied: {shown}");
    assert!(
        shown.contains("\"AAPL\"") && shown.contains("\"MSFT\""),
        "symbols normalised: {shown}"
    );
}

#[test]
fn help_lists_the_public_flags() {
    let home = tempfile::tempdir().unwrap();
    let out = meridian(home.path(), &["--help"]);
    let help = text(&out.stdout);
    for flag in [
        "--demo",
        "--server",
        "--prices-url",
        "--backfill-url",
        "--health-url",
        "--data-dir",
        "--config",
        "--symbols",
        "--log-level",
        "MERIDIAN_SERVER",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn the_console_refuses_to_start_without_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let out = meridian(
        home.path(),
        &["--server", "http://127.0.0.1:9", "--data-dir", data.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("terminal"), "{}", text(&out.stderr));
}
