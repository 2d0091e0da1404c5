//! A hostile server (`serve --hostile`) wraps every insight title and
//! summary, service message and alert in terminal attacks: title sets,
//! a clipboard write, links with hidden targets, a cursor query, a reset,
//! bidi overrides. The real console in tmux shows the plain text, and the
//! terminal keeps its title and clipboard.

mod common;

use std::time::Duration;

use common::backend::Backend;
use common::tmux::Tmux;
use meridian::server::ServeArgs;

const BIN: &str = env!("CARGO_BIN_EXE_meridian");

fn untouched(screen: &str) -> bool {
    !screen.contains("pwned") && !screen.contains('\u{202E}')
}

#[test]
fn a_hostile_server_cannot_reach_the_terminal() {
    let mut backend = Backend::start(ServeArgs { hostile: true, ..ServeArgs::for_tests() });
    let title = backend.first_insight_title();
    assert!(!title.is_empty() && untouched(&title), "decoded title: {title:?}");
    let shown: String = title.chars().take(20).collect();

    let t = Tmux::start(120, 32);
    // An OSC 52 that got through would add a paste buffer.
    t.set_global("set-clipboard", "on");
    let title_before = t.pane_title();
    let data = t.home().join("data");
    t.send_line(&format!(
        "{BIN} --server {} --data-dir {}; echo EXIT=$?",
        backend.url(),
        data.display()
    ));
    let screen = t.wait_for(
        |s| s.contains("Insights ·") && s.contains(&shown),
        Duration::from_secs(30),
        "the insights list with the first title in plain text",
    );
    assert!(untouched(&screen), "{screen}");
    // Service messages and alerts, as the ticks bring them.
    t.send_keys("2");
    t.wait_for(|s| s.contains("Alerts"), Duration::from_secs(10), "the status tab");
    std::thread::sleep(Duration::from_secs(2));
    let screen = t.capture();
    assert!(untouched(&screen), "{screen}");
    assert!(screen.contains("MERIDIAN"), "the console is still drawn:\n{screen}");

    assert_eq!(t.pane_title(), title_before, "the terminal title was set");
    assert_eq!(t.buffers(), "", "the clipboard was written");
    t.send_keys("q");
    let end = t.wait_for(|s| s.contains("EXIT=0"), Duration::from_secs(10), "a clean exit");
    assert!(untouched(&end), "{end}");
    backend.stop();
}
