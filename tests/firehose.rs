//! Backpressure: the reference server sends prices for 1000 symbols as fast
//! as it can while every frame the console draws takes 40 ms (a slow
//! terminal), so the feed outruns the UI many times over. The bounded
//! channel and the per-symbol coalescing keep memory flat: the process's
//! resident memory may not keep growing over the run. (Queued instead of
//! merged, the updates would add hundreds of MB a second.)

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use meridian::app::{App, Tab};
use meridian::config::Config;
use meridian::event::Event;
use meridian::server::{ServeArgs, start};
use meridian::theme::Theme;
use meridian::tui::{Core, Screen, TestScreen};

/// Resident memory of this process (server and console both), in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    kb / 1024.0
}

/// Draws slowly, and publishes how many price messages the state has seen.
struct SlowScreen {
    inner: TestScreen,
    messages: Arc<AtomicU64>,
}

impl Screen for SlowScreen {
    fn draw(&mut self, app: &App, theme: &Theme) -> std::io::Result<()> {
        self.inner.draw(app, theme)?;
        self.messages.store(app.feeds.prices.messages, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(40));
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()
    }
    fn bell(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_firehose_faster_than_the_ui_keeps_memory_flat() {
    meridian::tls::install_crypto();
    // The server on a runtime of its own, as a remote backend would be.
    let server_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let args = ServeArgs { price_rate: 0.0, price_batch: 100, ..ServeArgs::for_tests() };
    let server = server_rt.block_on(start(args)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.server.url = server.base_url();
    let symbols: Vec<String> = (0..1000).map(|i| format!("S{i:04}")).collect();
    let mut console = common::console(&config, symbols, dir.path());
    console.app.tab = Tab::Markets;

    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let messages = Arc::new(AtomicU64::new(0));
    let mut screen =
        SlowScreen { inner: TestScreen::new(160, 48).unwrap(), messages: messages.clone() };
    let core = rt.block_on(async { Core::start(console) }).unwrap();
    let stop = core.sender();
    let ui = rt.spawn(async move { core.run(&mut screen).await });

    // Warm up: connected, every symbol's quote and history allocated.
    let start_at = Instant::now();
    while messages.load(Ordering::Relaxed) < 2_000 {
        assert!(start_at.elapsed() < Duration::from_secs(30), "no prices arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(1));
    let (base, m0) = (rss_mib(), messages.load(Ordering::Relaxed));
    let mut peak = base;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(200));
        peak = peak.max(rss_mib());
    }
    let m1 = messages.load(Ordering::Relaxed);
    let updates = (m1 - m0) * 100;
    println!(
        "firehose: {updates} updates in 4 s; RSS {base:.1} MiB after warm-up, peak {peak:.1} MiB"
    );
    assert!(m1 > m0, "prices kept arriving");
    assert!(
        peak - base < 24.0,
        "memory grew from {base:.1} to {peak:.1} MiB while {updates} updates arrived"
    );

    rt.block_on(async { stop.send(Event::Terminate(0)).await }).unwrap();
    rt.block_on(ui).unwrap().unwrap();
    server_rt.block_on(server.shutdown()).unwrap();
}
