//! What the console writes to the terminal for a desktop notification: the
//! raw bytes of a `TermScreen` (the screen the console draws on), between
//! frames, with a hostile title from a server.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

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
