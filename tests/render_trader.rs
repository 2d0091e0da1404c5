//! The trader's screens from a populated state: holdings with value, P&L
//! and a total row (80x24 and 160x48), the same screen private, a price
//! alert's marker on its row, the list of alerts, a fired alert's toast,
//! a product the venue refused, and the chart's line at an alert's level.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::screen::draw;
use meridian::app::{App, Tab};
use meridian::config::PositionConfig;
use meridian::event::{Event, FeedEvent};
use meridian::protocol::PriceUpdate;

fn holding(symbol: &str, quantity: f64, cost: f64) -> PositionConfig {
    PositionConfig { symbol: symbol.into(), quantity, cost }
}

/// The populated app on Markets with three holdings (one short, one in a
/// symbol with a stale price).
fn with_holdings() -> App {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    app.markets.set_positions(vec![
        holding("AAPL", 100.0, 95.5),
        holding("MSFT", -20.0, 160.0),
        holding("TSLA", 10.0, 400.0),
    ]);
    app
}

#[test]
fn holdings_show_value_pnl_and_a_total() {
    let app = with_holdings();
    let narrow = draw(&app, 80, 24);
    for heading in ["Value", "P&L", "P&L%", "Total"] {
        assert!(narrow.contains(heading), "{heading}\n{narrow}");
    }
    assert!(narrow.contains("1 stale"), "the total says what it rests on\n{narrow}");
    insta::assert_snapshot!("holdings_80x24", narrow);
    let wide = draw(&app, 160, 48);
    assert!(wide.contains("Qty") && wide.contains("Bid"), "{wide}");
    insta::assert_snapshot!("holdings_160x48", wide);
}

#[test]
fn private_hides_quantities_values_and_pnl() {
    let mut app = with_holdings();
    let shown = draw(&app, 160, 48);
    common::keys::press(&mut app, crossterm::event::KeyCode::Char('p'));
    assert!(app.markets.private);
    let hidden = draw(&app, 160, 48);
    assert!(hidden.contains("•••"), "{hidden}");
    // Prices stay; what the trader holds does not show.
    let aapl = |s: &str| s.lines().find(|l| l.contains("AAPL")).unwrap().to_owned();
    assert!(aapl(&shown).contains("100"), "{}", aapl(&shown));
    assert!(!aapl(&hidden).contains(" 100 "), "{}", aapl(&hidden));
    insta::assert_snapshot!("holdings_private_160x48", hidden);
}

#[test]
fn an_armed_alert_marks_its_row_and_the_list_shows_it() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let now = chrono::DateTime::from_timestamp(1_705_660_800, 0).unwrap();
    app.price_alerts.add("AAPL", "above 500", None, now).unwrap();
    app.price_alerts.add("MSFT", "below 10", None, now).unwrap();
    app.price_alerts.on_price("MSFT", 9.0, now);
    let screen = draw(&app, 80, 24);
    let row = screen.lines().find(|l| l.contains("AAPL")).unwrap();
    assert!(row.contains('◆'), "{row}");
    let msft = screen.lines().find(|l| l.contains("MSFT")).unwrap();
    assert!(!msft.contains('◆'), "a fired alert is no longer marked: {msft}");
    common::keys::press(&mut app, crossterm::event::KeyCode::Char('T'));
    let list = draw(&app, 80, 24);
    assert!(list.contains("1 armed") && list.contains("fired"), "{list}");
    insta::assert_snapshot!("price_alerts_list_80x24", list);
}

#[test]
fn a_fired_alert_shows_a_toast_above_the_watchlist() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let last = app.markets.quotes["NVDA"].last.unwrap();
    app.price_alerts
        .add("NVDA", &format!("below {}", last - 1.0), Some(last), app.wall_utc())
        .unwrap();
    let u = PriceUpdate {
        kind: meridian::protocol::PriceKind::Delta,
        symbol: "NVDA".into(),
        price: Some(last - 2.0),
        ..PriceUpdate::blank()
    };
    let mut fx = Vec::new();
    app.update(Event::Feed(FeedEvent::Prices(vec![u])), &mut fx);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("PRICE ALERT") && screen.contains("NVDA crossed below"), "{screen}");
    insta::assert_snapshot!("price_toast_80x24", screen);
}

#[test]
fn a_refused_product_says_why_on_its_row() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    app.markets.add("BTC-USDX").unwrap();
    let why = "BTC-USDX is not a valid product".to_owned();
    let ev = FeedEvent::Refused { symbol: Some("BTC-USDX".into()), reason: why.clone() };
    app.update(Event::Feed(ev), &mut Vec::new());
    let screen = draw(&app, 80, 24);
    let row = screen.lines().find(|l| l.contains("BTC-USDX")).unwrap();
    assert!(row.contains(&why), "{row}");
}
