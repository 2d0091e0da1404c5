//! The state machine driven by keys and events, as a user would.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::event::{ApiEvent, FeedKind, Link};
use crate::protocol::{PriceKind, PriceUpdate};

pub(crate) fn app() -> App {
    App::new(
        Settings::default(),
        Keymap::default_map(),
        vec!["AAPL".into(), "MSFT".into()],
        Instant::now(),
    )
}

pub(crate) fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), &mut fx);
    fx
}

pub(crate) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn tabs_switch_by_number_tab_and_backtab() {
    let mut a = app();
    assert_eq!(a.tab, Tab::Insights);
    key(&mut a, KeyCode::Char('4'));
    assert_eq!(a.tab, Tab::Markets);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.tab, Tab::Reports);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.tab, Tab::Alerts);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.tab, Tab::Insights, "tab wraps around");
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.tab, Tab::Alerts);
}

#[test]
fn quit_by_q_and_ctrl_c() {
    let mut a = app();
    assert_eq!(key(&mut a, KeyCode::Char('q')), vec![Effect::Quit]);
    let mut b = app();
    let mut fx = Vec::new();
    b.update(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), &mut fx);
    assert_eq!(fx, vec![Effect::Quit]);
}

#[test]
fn help_overlay_opens_and_swallows_other_keys() {
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    assert!(a.show_help);
    key(&mut a, KeyCode::Char('4'));
    assert_eq!(a.tab, Tab::Insights, "keys behind the overlay do nothing");
    key(&mut a, KeyCode::Esc);
    assert!(!a.show_help);
}

#[test]
fn adding_a_symbol_validates_subscribes_and_saves() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    key(&mut a, KeyCode::Char('a'));
    assert!(a.markets.input.is_some());
    typed(&mut a, "q!");
    assert_eq!(a.markets.input.as_deref(), Some("q!"), "q is text in the prompt, not quit");
    assert!(key(&mut a, KeyCode::Enter).is_empty());
    assert!(a.markets.input_error.is_some(), "an invalid symbol is explained");
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    typed(&mut a, "nvda");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![
            Effect::Subscribe("NVDA".into()),
            Effect::SaveWatchlist(vec!["AAPL".into(), "MSFT".into(), "NVDA".into()]),
            // Its trend opens with history.
            Effect::FetchTrends { symbols: vec!["NVDA".into()], limit: 120 },
        ]
    );
    assert!(a.markets.input.is_none());
}

#[test]
fn removing_a_symbol_unsubscribes_and_saves() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    key(&mut a, KeyCode::Down);
    let fx = key(&mut a, KeyCode::Char('d'));
    assert_eq!(
        fx,
        vec![Effect::Unsubscribe("MSFT".into()), Effect::SaveWatchlist(vec!["AAPL".into()])]
    );
}

#[test]
fn feed_link_changes_show_in_the_header_state() {
    let mut a = app();
    let mut fx = Vec::new();
    a.update(Event::Feed(FeedEvent::Link(FeedKind::Prices, Link::Connected)), &mut fx);
    assert_eq!(a.feeds.prices.indicator(), Indicator::Connected);
    let u = PriceUpdate {
        kind: PriceKind::Snapshot,
        symbol: "AAPL".into(),
        price: Some(1.0),
        bid: None,
        ask: None,
        timestamp: None,
        volume: None,
        open: None,
    };
    assert!(a.update(Event::Feed(FeedEvent::Prices(vec![u])), &mut fx));
    assert!(a.feeds.prices.last_message.is_some());
    a.update(
        Event::Feed(FeedEvent::Link(
            FeedKind::Prices,
            Link::Reconnecting { attempt: 4, retry_in_ms: 2000, error: "refused".into() },
        )),
        &mut fx,
    );
    assert_eq!(a.feeds.prices.indicator(), Indicator::Down);
    assert_eq!(a.markets.quotes["AAPL"].last, Some(1.0), "the last good data stays");
}

#[test]
fn enter_opens_the_detail_of_the_selected_symbol_and_esc_closes_it() {
    let mut a = app();
    key(&mut a, KeyCode::Char('4'));
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    assert!(a.markets.detail);
    assert_eq!(a.markets.selected_symbol().as_deref(), Some("MSFT"));
    key(&mut a, KeyCode::Esc);
    assert!(!a.markets.detail);
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Enter);
    assert!(!a.markets.detail, "Enter does nothing on a tab without a detail view yet");
}

#[test]
fn diagnostics_toggle_with_d_and_close_with_esc() {
    let mut a = app();
    key(&mut a, KeyCode::Char('D'));
    assert!(a.show_diagnostics);
    key(&mut a, KeyCode::Esc);
    assert!(!a.show_diagnostics);
    key(&mut a, KeyCode::Char('D'));
    key(&mut a, KeyCode::Char('D'));
    assert!(!a.show_diagnostics);
}

#[test]
fn a_critical_alert_rings_the_bell_only_when_enabled() {
    use crate::protocol::{Alert, HealthMessage, Severity};
    let alert = |sev| {
        Event::Feed(FeedEvent::Health(vec![HealthMessage::Alert(Alert {
            id: crate::protocol::Id(format!("{sev:?}")),
            severity: sev,
            title: "t".into(),
            message: "m".into(),
            source: "s".into(),
            ..Alert::default()
        })]))
    };
    let bells = |fx: &[Effect]| fx.iter().filter(|e| **e == Effect::Bell).count();
    let mut quiet = app();
    let mut fx = Vec::new();
    quiet.update(alert(Severity::Critical), &mut fx);
    assert_eq!(bells(&fx), 0);
    assert!(matches!(fx.as_slice(), [Effect::Notify(n)] if n.title == "CRITICAL: t"), "{fx:?}");
    fx.clear();
    let mut loud = App::new(
        Settings { bell: true, ..Settings::default() },
        Keymap::default_map(),
        vec![],
        Instant::now(),
    );
    loud.update(alert(Severity::Warning), &mut fx);
    assert!(fx.is_empty(), "only critical alerts ring");
    loud.update(alert(Severity::Critical), &mut fx);
    assert_eq!(bells(&fx), 1);
    // Notifications off: the bell alone.
    let mut bell_only = App::new(
        Settings {
            bell: true,
            notify: crate::config::NotifyConfig { alerts: false, ..Default::default() },
            ..Settings::default()
        },
        Keymap::default_map(),
        vec![],
        Instant::now(),
    );
    fx.clear();
    bell_only.update(alert(Severity::Critical), &mut fx);
    assert_eq!(fx, vec![Effect::Bell]);
}

#[test]
fn p_on_metrics_switches_the_analytics_period_and_fetches_it() {
    let mut a = app();
    key(&mut a, KeyCode::Char('3'));
    assert_eq!(key(&mut a, KeyCode::Char('p')), vec![Effect::FetchAnalytics(90)]);
    assert_eq!(key(&mut a, KeyCode::Char('p')), vec![Effect::FetchAnalytics(7)]);
    assert!(
        a.metrics.analytics_load.is_loading(),
        "the old period's numbers say a new one is coming"
    );
    key(&mut a, KeyCode::Char('4'));
    assert!(key(&mut a, KeyCode::Char('p')).is_empty(), "p means nothing on Markets");
}

fn insight(id: u64) -> crate::protocol::Insight {
    crate::protocol::Insight {
        id: (id as i64).into(),
        title: format!("insight {id}"),
        summary: String::new(),
        category: "risk".into(),
        confidence: 0.5,
        created_at: None,
        avg_rating: 0.0,
        rating_count: 0,
        flag_count: 0,
    }
}

/// The server's answer to an insights fetch: insights `offset+1..` of
/// `total`, at most 50.
fn insights_page(offset: u32, total: u64) -> Event {
    let page = (u64::from(offset) + 1..=total).take(50).map(insight).collect();
    let result = Ok(crate::protocol::InsightList { insights: page, total });
    Event::Api(ApiEvent::Insights { offset, result })
}

#[test]
fn moving_down_reaches_the_last_insight_past_the_first_page() {
    let mut a = app();
    let mut fx = a.start();
    let mut fetches = 0;
    for _ in 0..130 {
        for effect in std::mem::take(&mut fx) {
            if let Effect::FetchInsights { offset } = effect {
                fetches += 1;
                a.update(insights_page(offset, 120), &mut fx);
            }
        }
        fx.extend(key(&mut a, KeyCode::Down));
    }
    let on = a.insights.selected_item().map(|i| i.title.clone());
    assert_eq!(on.as_deref(), Some("insight 120"), "the cursor reaches the end");
    assert_eq!(a.insights.items.len(), 120);
    assert_eq!(fetches, 3, "the first page, then two more as the cursor neared the end");
}
