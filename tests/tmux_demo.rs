//! The whole program in tmux: `meridian --demo` at 80x24 shows the five
//! tabs and live prices, and `q` leaves the terminal as it was.

mod common;

use std::time::Duration;

use common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

/// Symbol and last price of each watchlist row on screen.
fn prices(screen: &str) -> Vec<(String, String)> {
    screen
        .lines()
        .filter_map(|l| {
            let mut cells = l.trim_matches(|c| c == '│' || c == ' ').split_whitespace();
            let (sym, last) = (cells.next()?, cells.next()?);
            let is_price = last.contains('.') && last.parse::<f64>().is_ok();
            (["AAPL", "MSFT", "GOOGL", "NVDA"].contains(&sym) && is_price)
                .then(|| (sym.to_owned(), last.to_owned()))
        })
        .collect()
}

/// The printed `EXIT=<status>` line, once the program has ended. The typed
/// command line holds "EXIT=$?" too, which is not a status.
fn exit_status(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        let rest = l.strip_prefix("EXIT=")?;
        rest.starts_with(|c: char| c.is_ascii_digit()).then(|| rest.trim().to_owned())
    })
}

fn prompt_is_back(screen: &str) -> bool {
    screen.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("READY$"))
}

/// Start the demo in a fresh 80x24 tmux and wait until it is drawn.
fn start_demo() -> Tmux {
    let t = Tmux::start(80, 24);
    let data = t.home().join("data");
    t.send_line(&format!("{BIN} --demo --data-dir {}; echo EXIT=$?", data.display()));
    t.wait_for(
        |s| {
            ["Insights", "Status", "Metrics", "Markets", "Reports"].iter().all(|n| s.contains(n))
                && s.contains("DEMO")
        },
        Duration::from_secs(30),
        "the five tab names and the DEMO marker",
    );
    t
}

#[test]
fn demo_shows_live_tabs_and_quits_cleanly() {
    let t = start_demo();
    let screen = t.capture();
    assert!(!screen.contains("READY$"), "the console should own the screen:\n{screen}");

    t.send_keys("4");
    let first =
        t.wait_for(|s| prices(s).len() == 4, Duration::from_secs(20), "prices on the Markets tab");
    let before = prices(&first);
    let second = t.wait_for(
        |s| prices(s).len() == 4 && prices(s) != before,
        Duration::from_secs(20),
        "a price to change",
    );
    assert_ne!(prices(&second), before);

    t.send_keys("q");
    // The typed command line contains "EXIT=$?" too; wait for the printed status.
    let exited = |s: &str| {
        s.lines()
            .any(|l| l.starts_with("EXIT=") && l[5..].starts_with(|c: char| c.is_ascii_digit()))
    };
    let end = t.wait_for(exited, Duration::from_secs(15), "the program to exit");
    assert!(end.contains("EXIT=0"), "exit status should be 0:\n{end}");
    let prompt_last = |s: &str| {
        s.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("READY$"))
    };
    let end = t.wait_for(prompt_last, Duration::from_secs(5), "the shell prompt to be back");
    assert!(!end.contains("Watchlist"), "the alternate screen should be gone:\n{end}");
}

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal() {
    for (signal, status) in [("TERM", "143"), ("HUP", "129"), ("INT", "130")] {
        let t = start_demo();
        t.signal(signal);
        let end = t.wait_for(
            |s| exit_status(s).is_some(),
            Duration::from_secs(15),
            "the program to exit",
        );
        assert_eq!(exit_status(&end).as_deref(), Some(status), "SIG{signal}:\n{end}");
        let end = t.wait_for(prompt_is_back, Duration::from_secs(5), "the shell prompt to be back");
        assert!(
            !end.contains("Watchlist") && !end.contains("MERIDIAN"),
            "alternate screen left:\n{end}"
        );
        // Raw mode is off again: typed text echoes and runs.
        t.send_line("echo cooked-$((40+2))");
        t.wait_for(
            |s| s.contains("cooked-42"),
            Duration::from_secs(5),
            "the shell to echo in cooked mode",
        );
    }
}
