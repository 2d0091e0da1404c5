//! The whole program in tmux: `meridian --demo` at 80x24 runs `:` commands
//! typed as a user types them (a tab by name, a symbol added, an unknown
//! command refused in the palette), and after quitting and starting again
//! Up in the palette recalls the last command from the data directory.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const WAIT: Duration = Duration::from_secs(30);

/// Start the demo keeping its data in `data`, and wait until it is drawn.
fn demo(t: &Tmux, data: &Path) {
    t.send_line(&format!("{BIN} --demo --data-dir {}; echo EXIT=$?", data.display()));
    t.wait_for(|s| s.contains("DEMO") && s.contains("Insights"), WAIT, "the demo's first frame");
}

#[test]
fn commands_run_from_the_palette_and_are_recalled_after_a_restart() {
    let t = Tmux::start(80, 24);
    let data = t.home().join("data");
    demo(&t, &data);

    t.send_line(":markets");
    t.wait_for(|s| s.contains("Watchlist ·"), WAIT, "the Markets tab");
    t.send_line(":symbol add ORCL");
    t.wait_for(|s| s.contains("added ORCL"), WAIT, "the symbol added");
    t.send_line(":xyz");
    let screen = t.wait_for(|s| s.contains("unknown command: xyz"), WAIT, "the refusal");
    assert!(screen.contains(" :xyz"), "the text stays in the prompt\n{screen}");
    t.send_keys("Escape");
    t.wait_for(|s| !s.contains("unknown command"), WAIT, "the palette closed");
    t.send_keys("q");
    t.wait_for(|s| s.lines().any(|l| l == "EXIT=0"), WAIT, "a clean exit");

    demo(&t, &data);
    t.send_keys(":");
    t.wait_for(|s| s.contains("┌ Command"), WAIT, "the palette open");
    t.send_keys("Up");
    t.wait_for(|s| s.contains(" :symbol add ORCL"), WAIT, "the last command recalled");
    t.send_keys("Up");
    t.wait_for(|s| s.contains(" :markets"), WAIT, "the one before it");
    t.send_keys("Enter");
    let screen = t.wait_for(|s| s.contains("Watchlist ·"), WAIT, "the recalled command run");
    assert!(screen.contains("ORCL"), "the watchlist was kept too\n{screen}");
    t.send_keys("q");
    t.wait_for(|s| s.lines().filter(|l| *l == "EXIT=0").count() == 2, WAIT, "a clean exit");
}
