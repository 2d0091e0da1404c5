//! Price alerts as a trader uses them, through the keys: `t` and a rule on
//! the selected symbol, crossings up and down, moves in percent from the
//! price then, one firing per alert (a toast, the bell, a notification),
//! no firing from a stale or absent feed nor for a crossing that happened
//! while the feed was away, and the alerts kept across a restart.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::time::{Duration, Instant};

use common::keys::{press, typed};
use crossterm::event::KeyCode;
use meridian::app::{App, Settings, Tab};
use meridian::event::{Effect, Event, FeedEvent, FeedKind, Link};
use meridian::keymap::Keymap;
use meridian::price_alerts::{self, PriceAlerts};
use meridian::protocol::PriceUpdate;

fn app() -> App {
    let settings = Settings { bell: true, ..Settings::default() };
    let mut a = App::new(
        settings,
        Keymap::default_map(),
        vec!["BTC-USD".into(), "ETH-USD".into()],
        Instant::now(),
    );
    a.tab = Tab::Markets;
    a
}

/// A price received from the feed `secs` after the app's start.
fn tick(a: &mut App, symbol: &str, price: f64, secs: u64) -> Vec<Effect> {
    a.now += Duration::from_secs(secs);
    let u = PriceUpdate { symbol: symbol.into(), price: Some(price), ..PriceUpdate::blank() };
    let mut fx = Vec::new();
    a.update(Event::Feed(FeedEvent::Prices(vec![u])), &mut fx);
    fx
}

/// Set an alert with the keys on the selected row (BTC-USD).
fn set(a: &mut App, rule: &str) -> Vec<Effect> {
    press(a, KeyCode::Char('t'));
    typed(a, rule);
    press(a, KeyCode::Enter)
}

fn notified(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(format!("{:?}", n)),
            _ => None,
        })
        .collect()
}

fn saved(fx: &[Effect]) -> Option<Vec<price_alerts::PriceAlert>> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SavePriceAlerts(list) => Some(list.clone()),
        _ => None,
    })
}

#[test]
fn crossing_up_fires_once_with_a_toast_the_bell_and_a_notification() {
    let mut a = app();
    tick(&mut a, "BTC-USD", 150.0, 0);
    let fx = set(&mut a, "above 155");
    assert!(a.modal.is_none(), "the entry closed: {:?}", a.message);
    assert_eq!(saved(&fx).unwrap().len(), 1, "saved at once");
    assert!(tick(&mut a, "BTC-USD", 154.9, 1).iter().all(|e| !matches!(e, Effect::Notify(_))));

    let fx = tick(&mut a, "BTC-USD", 155.2, 1);
    let n = notified(&fx);
    assert_eq!(n.len(), 1, "{fx:?}");
    assert!(
        n[0].contains("BTC-USD") && n[0].contains("155.00") && n[0].contains("155.20"),
        "{n:?}"
    );
    assert!(fx.contains(&Effect::Bell));
    let toasts: Vec<_> = a.live_price_toasts().collect();
    assert_eq!(toasts.len(), 1);
    assert!(toasts[0].up && toasts[0].text.contains("crossed above"), "{:?}", toasts[0]);
    assert!(saved(&fx).unwrap()[0].fired.is_some(), "the firing is saved");

    for p in [156.0, 150.0, 160.0] {
        assert!(notified(&tick(&mut a, "BTC-USD", p, 1)).is_empty(), "fires once only, {p}");
    }
}

#[test]
fn crossing_down_and_moves_in_percent_from_the_price_then() {
    let mut a = app();
    tick(&mut a, "BTC-USD", 100.0, 0);
    set(&mut a, "below 95");
    set(&mut a, "+2%");
    set(&mut a, "-5%");
    let levels: Vec<f64> = a.price_alerts.all().iter().map(|x| x.level).collect();
    assert_eq!(levels.len(), 3, "{:?}", a.message);
    assert!((levels[1] - 102.0).abs() < 1e-9 && (levels[2] - 95.0).abs() < 1e-9, "{levels:?}");

    assert_eq!(notified(&tick(&mut a, "BTC-USD", 102.5, 1)).len(), 1, "+2% fired");
    let fx = tick(&mut a, "BTC-USD", 94.0, 1);
    assert_eq!(notified(&fx).len(), 2, "below 95 and -5% fire together");
    assert!(!a.live_price_toasts().next().unwrap().up);
    assert!(notified(&tick(&mut a, "ETH-USD", 1.0, 1)).is_empty(), "other symbols untouched");
}

#[test]
fn a_rule_that_cannot_be_kept_says_why_and_keeps_the_entry_open() {
    let mut a = app();
    // No live price yet: a move has nothing to start from.
    set(&mut a, "+2%");
    assert!(a.modal.is_some());
    let err = format!("{:?}", a.modal);
    assert!(err.contains("no live price"), "{err}");
    press(&mut a, KeyCode::Esc);

    tick(&mut a, "BTC-USD", 150.0, 0);
    // A stale price is no reference either.
    a.now += Duration::from_secs(60);
    set(&mut a, "-2%");
    assert!(format!("{:?}", a.modal).contains("no live price"), "{:?}", a.modal);
    press(&mut a, KeyCode::Esc);

    tick(&mut a, "BTC-USD", 150.0, 0);
    set(&mut a, "above 140");
    assert!(format!("{:?}", a.modal).contains("already above"), "{:?}", a.modal);
    assert!(a.price_alerts.is_empty());
}

#[test]
fn a_feed_away_never_fires_and_coming_back_fires_only_if_the_price_is_across() {
    let mut a = app();
    tick(&mut a, "BTC-USD", 150.0, 0);
    set(&mut a, "above 155");
    set(&mut a, "below 140");
    let mut fx = Vec::new();
    let lost = Link::Reconnecting { attempt: 1, retry_in_ms: 1000, error: "closed".into() };
    a.update(Event::Feed(FeedEvent::Link(FeedKind::Prices, lost)), &mut fx);
    // Minutes go by with no price: the last one is stale, nothing fires.
    for _ in 0..5 {
        a.now += Duration::from_secs(60);
        a.update(Event::Tick, &mut fx);
    }
    assert!(notified(&fx).is_empty());
    a.update(Event::Feed(FeedEvent::Link(FeedKind::Prices, Link::Connected)), &mut fx);
    // Whatever happened while away (say 160 and back), the price now is
    // between the levels: nothing fires.
    assert!(notified(&tick(&mut a, "BTC-USD", 151.0, 1)).is_empty());
    // The next received price across fires.
    assert_eq!(notified(&tick(&mut a, "BTC-USD", 139.0, 1)).len(), 1);
}

#[test]
fn alerts_are_kept_across_a_restart_and_a_fired_one_never_fires_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app();
    tick(&mut a, "BTC-USD", 150.0, 0);
    set(&mut a, "above 155");
    let fx = set(&mut a, "below 145");
    price_alerts::save(dir.path(), &saved(&fx).unwrap()).unwrap();
    let fx = tick(&mut a, "BTC-USD", 156.0, 1);
    price_alerts::save(dir.path(), &saved(&fx).unwrap()).unwrap();

    // A new run: the list comes back from the data directory.
    let mut b = app();
    b.price_alerts = PriceAlerts::from_saved(price_alerts::load(dir.path()).unwrap());
    assert_eq!(b.price_alerts.len(), 2);
    assert_eq!(b.price_alerts.armed_for("BTC-USD").count(), 1, "the fired one stays fired");
    assert!(notified(&tick(&mut b, "BTC-USD", 157.0, 1)).is_empty());
    assert_eq!(notified(&tick(&mut b, "BTC-USD", 144.0, 1)).len(), 1, "the armed one still fires");
}

#[test]
fn the_list_shows_armed_and_fired_alerts_and_removes_one() {
    let mut a = app();
    tick(&mut a, "BTC-USD", 150.0, 0);
    set(&mut a, "above 155");
    set(&mut a, "below 140");
    tick(&mut a, "BTC-USD", 139.0, 1);
    press(&mut a, KeyCode::Char('T'));
    assert_eq!(a.layer(), meridian::app::Layer::PriceAlerts);
    // Armed first: `d` on the first row removes "above 155".
    let fx = press(&mut a, KeyCode::Char('d'));
    let left = saved(&fx).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].level, 140.0);
    assert!(a.message.as_deref().unwrap().contains("removed BTC-USD above 155"), "{:?}", a.message);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.layer(), meridian::app::Layer::Tab(Tab::Markets));
}
