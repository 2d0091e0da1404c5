//! The console's UI loop (`Core`) run headless against the reference server:
//! the loop the terminal console and the benchmarks share draws live prices
//! and ends with the status of the signal that stopped it.

mod common;

use std::time::Duration;

use meridian::app::{App, Tab};
use meridian::config::Config;
use meridian::event::Event;
use meridian::server::{ServeArgs, start};
use meridian::theme::Theme;
use meridian::tui::{Core, Screen, TestScreen};
use tokio::sync::mpsc;

/// Draws into a `TestBackend`; once AAPL's row shows a price, asks the loop
/// to stop as SIGTERM would.
struct StopWhenPriced {
    inner: TestScreen,
    stop: mpsc::Sender<Event>,
    sent: bool,
}

impl Screen for StopWhenPriced {
    fn draw(&mut self, app: &App, theme: &Theme) -> std::io::Result<()> {
        self.inner.draw(app, theme)?;
        let priced = app.markets.quotes.get("AAPL").is_some_and(|q| q.last.is_some());
        if priced && !self.sent {
            self.sent = self.stop.try_send(Event::Terminate(143)).is_ok();
        }
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()
    }
    fn bell(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn screen_text(s: &TestScreen) -> String {
    let buf = s.terminal.backend().buffer();
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_draws_live_prices_and_ends_with_the_signal_status() {
    meridian::tls::install_crypto();
    let server = start(ServeArgs::for_tests()).await.expect("server");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::default();
    config.server.url = server.base_url();
    let symbols = vec!["AAPL".to_owned(), "MSFT".to_owned()];
    let mut console = common::console(&config, symbols, dir.path());
    console.app.tab = Tab::Markets;
    let core = Core::start(console).expect("core starts");
    let mut screen = StopWhenPriced {
        inner: TestScreen::new(100, 30).expect("screen"),
        stop: core.sender(),
        sent: false,
    };
    let status = tokio::time::timeout(Duration::from_secs(20), core.run(&mut screen))
        .await
        .expect("the loop ends after the stop event")
        .expect("the loop runs without error");
    assert_eq!(status, 143, "the exit status is the signal's");
    let text = screen_text(&screen.inner);
    let row = text.lines().find(|l| l.contains("AAPL")).expect("AAPL row on screen");
    assert!(row.chars().any(|c| c.is_ascii_digit()) && !row.contains("waiting"), "{text}");
    server.shutdown().await.expect("server stops");
}
