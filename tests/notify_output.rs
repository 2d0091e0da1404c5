//! What the console writes to the terminal for a desktop notification: the
//! raw bytes of a `TermScreen` (the screen the console draws on), between
//! frames, with a hostile title from a server.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use meridian::app::{App, Settings};
use meridian::keymap::Keymap;
use meridian::notify::{Notification, encode};
use meridian::theme::Theme;
use meridian::tui::{Screen, TermScreen};

/// Everything written, as the terminal would read it.
#[derive(Clone, Default)]
struct Raw(Arc<Mutex<Vec<u8>>>);

impl Write for Raw {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The console's real loop (`tui::Core`) drawing to a raw screen: its event
/// sender, its task, and everything it writes.
fn run_on_raw(
    console: meridian::tui::Console,
) -> (
    tokio::sync::mpsc::Sender<meridian::event::Event>,
    tokio::task::JoinHandle<anyhow::Result<u8>>,
    Raw,
) {
    let core = meridian::tui::Core::start(console).unwrap();
    let sender = core.sender();
    let raw = Raw::default();
    let mut screen = TermScreen::fixed(raw.clone(), 100, 30).unwrap();
    let run = tokio::spawn(async move { core.run(&mut screen).await });
    (sender, run, raw)
}

/// Wait (bounded) until `needle` has been written.
async fn wait_for_bytes(raw: &Raw, needle: &[u8], what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while count(&raw.0.lock().unwrap(), needle) == 0 {
        let out = String::from_utf8_lossy(&raw.0.lock().unwrap()).into_owned();
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}: {out}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn a_notification_reaches_the_terminal_as_osc_9_and_osc_777_and_a_hostile_title_stays_text() {
    let raw = Raw::default();
    let mut screen = TermScreen::fixed(raw.clone(), 100, 30).unwrap();
    let app = App::new(
        Settings::default(),
        Keymap::default_map(),
        vec!["AAPL".into()],
        std::time::Instant::now(),
    );
    let theme = Theme::by_name("default").unwrap();
    screen.draw(&app, &theme).unwrap();
    screen.flush().unwrap();

    let title = "\x1b]0;pwned\x07CPU\u{9b}31m high; \x1b[2Jnow\nplease";
    let n = Notification::new(title, "api-gateway; 97%");
    screen.notify(&encode(&n, false, false)).unwrap();
    screen.draw(&app, &theme).unwrap();
    screen.flush().unwrap();

    let out = raw.0.lock().unwrap().clone();
    let osc9: &[u8] = b"\x1b]9;CPU high, now please: api-gateway, 97%\x07";
    let osc777: &[u8] = b"\x1b]777;notify;CPU high, now please;api-gateway, 97%\x07";
    assert_eq!(count(&out, osc9), 1, "{}", String::from_utf8_lossy(&out));
    assert_eq!(count(&out, osc777), 1, "{}", String::from_utf8_lossy(&out));
    // No other OSC, no title change, no clear, nothing of the attack.
    assert_eq!(count(&out, b"\x1b]"), 2, "only our two sequences");
    assert_eq!(count(&out, b"pwned"), 0);
    assert_eq!(count(&out, b"\x1b[2J"), 0);
    assert_eq!(count(&out, "\u{9b}".as_bytes()), 0);
    assert_eq!(count(&out, b"\x07"), 2, "only our two terminators");
    assert_eq!(screen.bytes_written(), out.len() as u64, "the notification is counted");

    // Inside tmux: passed through, the inner ESCs doubled.
    let before = raw.0.lock().unwrap().len();
    screen.notify(&encode(&n, true, false)).unwrap();
    let tmux = raw.0.lock().unwrap()[before..].to_vec();
    assert!(tmux.starts_with(b"\x1bPtmux;\x1b\x1b]9;CPU high"), "{tmux:?}");
    assert!(tmux.ends_with(b"97%\x07\x1b\\"), "{tmux:?}");
    assert_eq!(count(&tmux, b"\x1bPtmux;"), 2);
}

/// Each OSC in `out` is one of ours (9 or 777 `notify`), and its text up to
/// the BEL holds no ESC, BEL or C1 control: hostile text stayed text.
fn only_clean_notifications(out: &[u8]) -> usize {
    let text = String::from_utf8_lossy(out);
    let mut n = 0;
    for (at, _) in text.match_indices("\x1b]") {
        let rest = &text[at + 2..];
        assert!(
            rest.starts_with("9;") || rest.starts_with("777;notify;"),
            "another OSC: {rest:.40?}"
        );
        let end = rest.find('\x07').expect("terminated by BEL");
        let body = &rest[..end];
        assert!(!body.chars().any(|c| c.is_control() || c == '\u{9b}'), "{body:?}");
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_critical_alert_from_a_hostile_server_is_written_as_one_clean_notification() {
    use meridian::event::Event;
    meridian::tls::install_crypto();
    let args =
        meridian::server::ServeArgs { hostile: true, ..meridian::server::ServeArgs::for_tests() };
    let server = meridian::server::start(args).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = meridian::config::Config::default();
    config.server.url = server.base_url();
    config.notify.jobs = false;
    let console = common::console(&config, vec!["AAPL".into()], dir.path());
    let (stop, run, raw) = run_on_raw(console);
    wait_for_bytes(&raw, b"\x1b]9;CRITICAL: ", "a notification of a critical alert").await;
    stop.send(Event::Terminate(143)).await.unwrap();
    assert_eq!(run.await.unwrap().unwrap(), 143);
    server.shutdown().await.unwrap();
    let out = raw.0.lock().unwrap().clone();
    let notifications = only_clean_notifications(&out);
    assert!(notifications >= 2, "OSC 9 and OSC 777 for each alert");
    assert_eq!(count(&out, b"\x1b]9;"), count(&out, b"\x1b]777;notify;"));
    assert_eq!(count(&out, b"pwned"), 0, "{}", String::from_utf8_lossy(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_alert_from_a_venue_feed_is_written_as_osc_9_and_osc_777() {
    use common::venue::{Replay, fixture};
    use meridian::event::Event;
    meridian::tls::install_crypto();
    // Coinbase on loopback, answering the subscription with its snapshot.
    let frames = fixture("coinbase");
    let snapshot = frames["snapshot"].clone();
    let replay = Replay::start(std::sync::Arc::new(move |_, msg: &str| {
        if msg.contains("\"subscribe\"") { snapshot.clone() } else { Vec::new() }
    }))
    .await;
    let dir = tempfile::tempdir().unwrap();
    // An alert armed in an earlier run, kept in the data directory.
    let mut alerts = meridian::price_alerts::PriceAlerts::default();
    alerts.add("BTC-USD", "above 67000", None, chrono::Utc::now()).unwrap();
    meridian::price_alerts::save(dir.path(), alerts.all()).unwrap();

    let mut config = meridian::config::Config::default();
    config.feeds.prices_format = Some(meridian::venues::PricesFormat::Coinbase);
    config.server.prices_url = Some(replay.ws.clone());
    // As `meridian --prices-format coinbase` loads it: no backend wanted.
    let remote = meridian::remote::Remote { backend: false, ..Default::default() };
    let console = meridian::launch::build_console(
        &config,
        remote,
        vec!["BTC-USD".into(), "ETH-USD".into()],
        dir.path().to_path_buf(),
        false,
        meridian::keymap::Keymap::default_map(),
        meridian::theme::Theme::by_name("default").unwrap(),
    )
    .unwrap();
    assert_eq!(console.app.tab, meridian::app::Tab::Markets, "a trader's console opens on Markets");
    let (stop, run, raw) = run_on_raw(console);
    let osc9: &[u8] = b"\x1b]9;Meridian: BTC-USD: BTC-USD crossed above 67,000.00 at 67,012.45\x07";
    wait_for_bytes(&raw, osc9, "the price alert's notification").await;
    stop.send(Event::Terminate(143)).await.unwrap();
    assert_eq!(run.await.unwrap().unwrap(), 143);
    let out = raw.0.lock().unwrap().clone();
    assert_eq!(count(&out, osc9), 1, "once");
    assert_eq!(count(&out, b"\x1b]777;notify;Meridian: BTC-USD;BTC-USD crossed above"), 1);
    assert_eq!(only_clean_notifications(&out), 2);
    // Fired, and kept so: a restart does not fire it again.
    let kept = meridian::price_alerts::load(dir.path()).unwrap();
    assert!(kept[0].fired.is_some(), "{kept:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_puts_the_selected_symbol_and_its_price_on_the_clipboard_as_osc_52() {
    use base64::Engine as _;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use meridian::event::Event;
    meridian::tls::install_crypto();
    let server = meridian::server::start(meridian::server::ServeArgs::for_tests()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = meridian::config::Config::default();
    config.server.url = server.base_url();
    let console = common::console(&config, vec!["AAPL".into()], dir.path());
    let (keys, run, raw) = run_on_raw(console);
    let key = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    keys.send(key('4')).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let copied = loop {
        assert!(std::time::Instant::now() < deadline, "nothing copied");
        keys.send(key('y')).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let out = raw.0.lock().unwrap().clone();
        let Some(at) = out.windows(7).rposition(|w| w == b"\x1b]52;c;") else { continue };
        let rest = &out[at + 7..];
        let end = rest.iter().position(|b| *b == 0x07).expect("a terminated OSC 52");
        let text = base64::engine::general_purpose::STANDARD.decode(&rest[..end]).unwrap();
        let text = String::from_utf8(text).unwrap();
        // Until the first price arrives, the symbol alone is copied.
        if text.contains(' ') {
            break text;
        }
    };
    keys.send(Event::Terminate(143)).await.unwrap();
    assert_eq!(run.await.unwrap().unwrap(), 143);
    server.shutdown().await.unwrap();
    let (symbol, price) = copied.split_once(' ').unwrap();
    assert_eq!(symbol, "AAPL");
    assert!(price.parse::<f64>().unwrap() > 0.0, "{copied}");
    let out = raw.0.lock().unwrap().clone();
    assert!(count(&out, format!("copied {copied}").as_bytes()) > 0, "the footer confirms");
}
