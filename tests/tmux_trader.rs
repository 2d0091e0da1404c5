//! A trader's console with no backend at all: `meridian --prices-format
//! coinbase` against a local server replaying Coinbase's documented frames,
//! in tmux at 80x24. It opens on Markets with live prices, names the venue
//! in the header, says "no backend configured" on the tabs that need one,
//! shows a refused product on its row, fetches the detail's history from
//! the venue's candles, and a price alert set with `t` fires on a received
//! price (the toast) and is still listed, fired, after a restart.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::tmux::Tmux;
use common::venue::{Replay, candles_body, fixture};

const BIN: &str = env!("CARGO_BIN_EXE_meridian");
const WAIT: Duration = Duration::from_secs(20);

/// Coinbase as documented: a refused product fails the whole message; any
/// other subscription is acknowledged and answered with the products' data.
fn coinbase() -> common::venue::Script {
    let f = fixture("coinbase");
    let (refusal, ack) = (f["unknown"].clone(), f["subscribed"].clone());
    let data: Vec<String> = f["snapshot"].iter().chain(&f["updates"]).cloned().collect();
    Arc::new(move |_, msg: &str| {
        if !msg.contains("\"subscribe\"") {
            return Vec::new();
        }
        if msg.contains("BTC-USDX") {
            return refusal.clone();
        }
        let mut out = ack.clone();
        out.extend(
            data.iter().filter(|d| msg.contains("ETH-USD") || !d.contains("ETH-USD")).cloned(),
        );
        out
    })
}

fn console(t: &Tmux, replay: &Replay, dir: &std::path::Path) {
    t.send_line(&format!(
        "{BIN} --config {dir}/none.toml --data-dir {dir}/data --prices-format coinbase --prices-url {} --symbols BTC-USD,ETH-USD,BTC-USDX; echo EXIT=$?",
        replay.ws,
        dir = dir.display(),
    ));
}

#[test]
fn a_venue_alone_makes_a_trader_console_with_price_alerts() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let replay = rt.block_on(Replay::start(coinbase()));
    replay.set_candles(axum::http::StatusCode::OK, candles_body("coinbase"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("none.toml"), "").unwrap();
    let t = Tmux::start(80, 24);
    console(&t, &replay, dir.path());

    let screen = t.wait_for(|s| s.contains("67,009.87"), WAIT, "BTC-USD's price from the venue");
    assert!(screen.contains("4 Markets") && screen.contains("coinbase"), "{screen}");
    assert!(screen.contains("no backend"), "{screen}");
    assert!(screen.contains("+859.86"), "the change from Coinbase's 24h open\n{screen}");
    t.wait_for(
        |s| s.contains("BTC-USDX is not a valid product"),
        WAIT,
        "the refused product's row",
    );

    // The detail's history comes from the venue's candles endpoint.
    t.send_keys("Enter");
    t.wait_for(|s| s.contains("BTC-USD") && s.contains("1m"), WAIT, "the detail");
    let asked =
        || replay.candle_queries().iter().any(|q| q.starts_with("/products/BTC-USD/candles"));
    let deadline = std::time::Instant::now() + WAIT;
    while !asked() {
        assert!(
            std::time::Instant::now() < deadline,
            "no candles asked: {:?}",
            replay.candle_queries()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.send_keys("Escape");
    t.wait_for(|s| s.contains("Watchlist"), WAIT, "back on the watchlist");

    // Tabs that need a Meridian backend say so, and nothing reconnects.
    t.send_keys("1");
    let insights =
        t.wait_for(|s| s.contains("no backend configured"), WAIT, "Insights without a backend");
    assert!(!insights.contains("reconnecting"), "{insights}");
    t.send_keys("4");

    // A price alert on the selected symbol, fired by the next received price.
    t.send_keys("t");
    t.wait_for(|s| s.contains("Price alert on BTC-USD"), WAIT, "the rule entry");
    t.send_line("above 67015");
    t.wait_for(|s| s.contains("price alert set"), WAIT, "the alert armed");
    replay.push(&fixture("coinbase")["gap"][0]);
    t.wait_for(|s| s.contains("PRICE ALERT") && s.contains("crossed above"), WAIT, "the toast");

    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), WAIT, "a clean exit");
    t.send_line("clear");
    console(&t, &replay, dir.path());
    t.wait_for(|s| s.contains("67,009.87"), WAIT, "prices after a restart");
    t.send_keys("T");
    let list = t.wait_for(|s| s.contains("Price alerts"), WAIT, "the alerts list");
    assert!(
        list.contains("above 67,015.00") && list.contains("fired"),
        "kept across the restart\n{list}"
    );
    t.send_keys("Escape");
    t.wait_for(|s| !s.contains("Price alerts"), WAIT, "the list closed");
    t.send_keys("q");
    t.wait_for(|s| s.contains("EXIT=0"), WAIT, "a clean exit");
}
