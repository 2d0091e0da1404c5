//! The real console in tmux over https and wss, against the reference server
//! behind a TLS front whose CA only a file knows: trusted through
//! `server.ca_file`, refused with a reason without it, and with `--insecure`
//! connected under a banner that stays up on every tab.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod common;

use std::time::Duration;

use common::backend::Backend;
use common::tmux::Tmux;
use meridian::server::ServeArgs;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const BANNER: &str = "INSECURE: TLS NOT VERIFIED";

fn feeds_up(screen: &str) -> bool {
    screen.matches('●').count() >= 3
}

#[test]
fn the_console_over_tls_trusts_the_ca_file_and_says_when_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::start(ServeArgs::for_tests());
    let (front, ca_file) = backend.tls_front(dir.path());
    let data = dir.path().join("data");
    let console = |flags: &str| {
        let t = Tmux::start(100, 30);
        t.send_line(&format!(
            "{BIN} --server https://{front} --data-dir {} {flags}; echo EXIT=$?",
            data.display()
        ));
        t
    };
    let quit = |t: &Tmux| {
        t.send_keys("q");
        t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "the console to quit");
    };

    // Trusted through the CA file: lists and all three feeds, no banner.
    let t = Tmux::start(100, 30);
    t.send_line(&format!(
        "MERIDIAN_SERVER_CA_FILE={} {BIN} --server https://{front} --data-dir {}; echo EXIT=$?",
        ca_file.display(),
        data.display()
    ));
    let screen = t.wait_for(
        |s| s.contains("Rating") && feeds_up(s),
        Duration::from_secs(30),
        "insights and feeds over TLS",
    );
    assert!(!screen.contains(BANNER), "{screen}");
    quit(&t);

    // Without it: nothing connects, and the panel says why in full.
    let t = console("");
    let screen = t.wait_for(
        |s| s.contains("server.ca_file)"),
        Duration::from_secs(30),
        "the reason, wrapped in the panel",
    );
    assert!(screen.contains("not signed by a trusted CA"), "{screen}");
    assert!(!feeds_up(&screen), "{screen}");
    quit(&t);

    // --insecure: connected, and the banner on every tab.
    let t = console("--insecure");
    t.wait_for(|s| s.contains("Rating") && feeds_up(s), Duration::from_secs(30), "insecure");
    for tab in ["1", "2", "3", "4", "5"] {
        t.send_keys(tab);
        std::thread::sleep(Duration::from_millis(150));
        let screen = t.capture();
        let title = screen.lines().next().unwrap_or_default();
        assert!(title.contains(BANNER), "tab {tab}: {title}");
    }
    quit(&t);
}
