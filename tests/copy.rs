//! `y` on each tab copies the selected row's identity (a report's id and
//! account, a symbol and its last price, an alert's id and title, an
//! insight's title), the footer says what; `ui.clipboard = false` turns it
//! off; a tab without rows to copy says so.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::keys::press;
use crossterm::event::KeyCode;
use meridian::app::Tab;
use meridian::event::Effect;

fn copied(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Copy(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn y_copies_what_identifies_the_selected_row_on_each_tab() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let last = app.markets.quotes["AAPL"].last.unwrap();
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(copied(&fx), [format!("AAPL {last:.2}")]);
    assert_eq!(app.message.as_deref(), Some(format!("copied AAPL {last:.2}").as_str()));

    app.tab = Tab::Reports;
    let r = app.reports.items[app.reports.selected].clone();
    let fx = press(&mut app, KeyCode::Char('y'));
    assert_eq!(copied(&fx), [format!("{} {}", r.id, r.account_number)]);

    app.tab = Tab::Insights;
    let title = app.insights.items[app.insights.selected].title.clone();
    assert_eq!(copied(&press(&mut app, KeyCode::Char('y'))), [title]);

    app.tab = Tab::Alerts;
    let row = app.alerts.selected_row(app.wall).unwrap();
    let alert = format!("{} {}", row.alert.id, row.alert.title);
    assert_eq!(copied(&press(&mut app, KeyCode::Char('y'))), [alert]);

    app.tab = Tab::Status;
    assert!(copied(&press(&mut app, KeyCode::Char('y'))).is_empty(), "no rows to copy here");
}

#[test]
fn with_the_clipboard_off_nothing_is_written() {
    let mut app = common::fixture::populated();
    app.settings.clipboard = false;
    app.tab = Tab::Markets;
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(copied(&fx).is_empty());
    assert!(app.message.as_deref().unwrap().contains("ui.clipboard"), "{:?}", app.message);
}
