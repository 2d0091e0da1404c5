//! A margin report full screen, as a reviewer at 80x24 over SSH and one at
//! 200x50 see it: large, negative, missing and NaN figures, a threshold
//! crossed, long notes; and the keys that open it, scroll it, decide on it
//! and go back to the list.

mod common;

use common::keys::{enqueued, press};
use common::screen::{draw, rows, terminal};

use crossterm::event::KeyCode;
use meridian::app::{App, Layer, Tab};
use meridian::event::{ApiEvent, Event, FeedEvent};
use meridian::outbox::{Action, Item, ItemStatus, OutboxEvent};
use meridian::protocol::{HealthMessage, Id, Report, ReportList, Timestamp, ValidationStatus};
use ratatui::style::Color;
use serde_json::json;

/// Report 100 as a backend with large books sends it: a short position,
/// a price and a margin that are null or absent, a total sent as the
/// string "NaN", an extra column, margin utilisation past its critical
/// level and leverage past its warning level, and notes that wrap.
fn margin_report() -> Report {
    serde_json::from_value(json!({
        "id": 100, "account_number": "ACC-10231", "account_title": "Halvorsen Capital Partners LP",
        "client_id": "CL-0041", "report_date": "2024-01-19", "trade_date": "2024-01-18",
        "positions": [
            {"symbol": "GLD", "quantity": 2050, "price": 213.96, "market_value": 438618.0, "margin_requirement": 109654.5},
            {"symbol": "TLT", "quantity": -2842, "price": 91.18, "market_value": -259134.5, "margin_requirement": 77740.35, "desk": "rates"},
            {"symbol": "NVDA", "quantity": 600, "price": 907.15, "market_value": 544302.0, "margin_requirement": 136075.5},
            {"symbol": "BRK.A", "quantity": 3, "price": 612240.0, "market_value": 1836720.0, "margin_requirement": null},
            {"symbol": "XYZ", "quantity": 1500, "price": null, "market_value": null},
            {"symbol": "PENNY", "quantity": 250000, "price": 0.0412, "market_value": 10300.0, "margin_requirement": 10300.0},
            {"symbol": "SPX-FUT", "quantity": -40, "price": 5120.25, "market_value": -1_024_050_000_000.0, "margin_requirement": 1_250_000.0}
        ],
        "account_totals": {"equity": 3942806.2, "margin_used": 760241.18, "maintenance_margin": null,
                           "buying_power": -259134.5, "net_liquidation": "NaN"},
        "risk_metrics": {"margin_utilization": 0.931, "leverage": 3.42, "concentration": 0.36, "var_95": 544302.0},
        "extraction_confidence": 0.848, "data_quality_score": 0.582, "validation_status": "pending",
        "processing_status": "extracted", "created_by": "extractor-v3", "source_file_name": "margin_acc-10231_20240119.pdf",
        "processing_time_ms": 5617,
        "notes": "Custodian file arrived late; the futures leg was keyed by hand and the BRK.A margin requirement is missing from the extract. Check the TLT short against the prime broker's locate before approving, and call the desk if the utilisation is still above policy after the close."
    }))
    .expect("contract JSON")
}

/// The populated console on Reports with report 100 replaced by
/// [`margin_report`] (as a live update would) and its detail open.
fn detail_open() -> App {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    let update = HealthMessage::ReportUpdated(Box::new(margin_report()));
    app.update(Event::Feed(FeedEvent::Health(vec![update])), &mut Vec::new());
    assert_eq!(app.reports.items[app.reports.selected].id, Id::from(100));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.layer(), Layer::ReportDetail);
    app
}

fn status_of(app: &App, id: i64) -> ValidationStatus {
    let id = Id::from(id);
    app.reports.items.iter().find(|r| r.id == id).expect("listed").validation_status
}

#[test]
fn the_detail_at_80x24_puts_what_matters_first_and_scrolls_to_the_rest() {
    let mut app = detail_open();
    let screen = draw(&app, 80, 24);
    for wanted in [
        "Report 100 · ACC-10231 Halvorsen Capital Partners LP · pending",
        "▲ crit Margin utilization 93.1% (crit at 90.0% or more)",
        "3,942,806.20",
        "-259,134.50",
        "lines 1–19 of",
        "esc back  a approve",
    ] {
        assert!(screen.contains(wanted), "{wanted:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("report_detail_80x24", screen);
    press(&mut app, KeyCode::End);
    let bottom = draw(&app, 80, 24);
    assert!(bottom.contains("SPX-FUT") && bottom.contains("-1,024,050,000,000.00"), "{bottom}");
    insta::assert_snapshot!("report_detail_80x24_bottom", bottom);
}

#[test]
fn the_detail_at_200x50_shows_everything_at_once() {
    let app = detail_open();
    let screen = draw(&app, 200, 50);
    assert!(!screen.contains("lines 1–"), "no scrolling needed:\n{screen}");
    assert!(screen.contains("Desk"), "the extra column has room:\n{screen}");
    insta::assert_snapshot!("report_detail_200x50", screen);
}

#[test]
fn figures_past_a_level_or_below_zero_are_coloured_as_well_as_marked() {
    let app = detail_open();
    let term = terminal(&app, 200, 50);
    let buf = term.backend().buffer();
    let lines = rows(&app, 200, 50);
    let colour_of = |text: &str, nth: usize| {
        let (y, line) =
            lines.iter().enumerate().filter(|(_, l)| l.contains(text)).nth(nth).expect(text);
        let x = line[..line.find(text).expect(text)].chars().count();
        buf[(x as u16, y as u16)].fg
    };
    // The first 93.1% is the attention line, the second the risk table.
    assert_eq!(colour_of("93.1%", 1), Color::Red, "crit");
    assert_eq!(colour_of("3.42", 0), Color::Yellow, "warn");
    assert_eq!(colour_of("-259,134.50", 0), Color::Red, "negative");
    assert_eq!(colour_of("3,942,806.20", 0), Color::Reset, "ordinary");
}

#[test]
fn enter_opens_keys_scroll_a_approves_the_open_report_and_esc_returns_to_it() {
    let mut app = detail_open();
    let top = rows(&app, 80, 24);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let scrolled = rows(&app, 80, 24);
    assert_eq!(scrolled[3], top[5], "two lines up");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let end = rows(&app, 80, 24);
    press(&mut app, KeyCode::Down);
    assert_eq!(rows(&app, 80, 24), end, "the end stops the scrolling");
    press(&mut app, KeyCode::Up);
    assert_ne!(rows(&app, 80, 24), end, "and one up moves at once");
    press(&mut app, KeyCode::Home);
    assert_eq!(rows(&app, 80, 24), top);

    press(&mut app, KeyCode::Char('a'));
    let fx = press(&mut app, KeyCode::Char('y'));
    let approve = Action::Approve { report: Id::from(100), notes: None };
    assert_eq!(enqueued(&fx), vec![approve.clone()]);
    assert_eq!(app.layer(), Layer::ReportDetail, "the detail stays on the report decided");
    // The outbox takes it and says so, as the sender does.
    let item = Item {
        id: 7,
        key: "00000000-0000-4000-8000-000000000007".into(),
        action: approve,
        status: ItemStatus::Pending,
        attempts: 0,
        last_error: None,
        created_at: Timestamp(1_705_660_245_000),
        next_attempt_at: None,
    };
    app.update(Event::Outbox(OutboxEvent::Changed(vec![item])), &mut Vec::new());
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("· approved ⧗ sending"), "{screen}");
    assert!(screen.contains("approved by console (sending)"), "{screen}");
    press(&mut app, KeyCode::Char('x'));
    assert!(app.modal.is_none(), "nothing left to decide on it");
    assert_eq!(app.message.as_deref(), Some("this report is approved: nothing to decide"));

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::Tab(Tab::Reports));
    let sel = &app.reports.items[app.reports.selected];
    assert_eq!(sel.id, Id::from(100), "the cursor is on the report that was open");
    assert_eq!(status_of(&app, 100), ValidationStatus::Approved);
}

#[test]
fn decisions_in_the_detail_leave_the_marked_reports_alone() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.reports.marked.len(), 2);
    press(&mut app, KeyCode::Enter);
    let open = app.report_detail.as_ref().expect("open").id.clone();
    press(&mut app, KeyCode::Char('x'));
    common::keys::typed(&mut app, "totals do not reconcile");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        enqueued(&fx),
        vec![Action::Reject { report: open, reason: "totals do not reconcile".into() }],
        "the open report only"
    );
    assert_eq!(app.reports.marked.len(), 2, "the marks wait for the list");
}

#[test]
fn brackets_show_the_next_and_previous_report_and_y_copies_the_open_one() {
    let mut app = detail_open();
    press(&mut app, KeyCode::Char(']'));
    let next = app.report_detail.as_ref().expect("still open").id.clone();
    assert_ne!(next, Id::from(100));
    assert!(draw(&app, 80, 24).contains(&format!("Report {next} ·")));
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.report_detail.as_ref().expect("open").id, Id::from(100));
    assert_eq!(app.message.as_deref(), Some("this is the first report in the list"));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(
        fx.iter().any(|e| matches!(e, meridian::event::Effect::Copy(t) if t == "100 ACC-10231")),
        "{fx:?}"
    );
}

#[test]
fn a_report_that_leaves_the_list_is_said_to_be_gone_not_replaced() {
    let mut app = detail_open();
    let others: Vec<Report> = (1..6).map(common::fixture::report).collect();
    let page = Ok(ReportList { reports: others, total: 5, has_more: false });
    app.update(Event::Api(ApiEvent::Reports { offset: 0, result: page }), &mut Vec::new());
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("report 100 is no longer in the list"), "{screen}");
    assert!(!screen.contains("Report 101"), "{screen}");
    insta::assert_snapshot!("report_detail_gone_80x24", screen);
    press(&mut app, KeyCode::Char('a'));
    assert!(app.modal.is_none());
    assert_eq!(app.message.as_deref(), Some("this report is no longer in the list"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::Tab(Tab::Reports));
}

#[test]
fn the_list_says_what_matters_about_the_report_under_the_cursor() {
    let mut app = detail_open();
    press(&mut app, KeyCode::Esc);
    let narrow = draw(&app, 80, 24);
    assert!(
        narrow.contains("margin utilization 93.1% ▲ crit") && narrow.contains("enter opens it"),
        "{narrow}"
    );
    insta::assert_snapshot!("reports_list_summary_80x24", narrow);
    let wide = draw(&app, 160, 48);
    assert!(wide.contains("enter opens it full screen"), "{wide}");
    insta::assert_snapshot!("reports_list_preview_160x48", wide);
}

#[test]
fn a_critical_toast_sits_below_the_detail_not_over_it() {
    let mut app = detail_open();
    common::fixture::critical_alert_arrives(&mut app);
    let screen = rows(&app, 80, 24);
    let bottom = screen.iter().position(|l| l.starts_with('└')).expect("the detail's bottom");
    let toast = screen.iter().position(|l| l.contains("CRITICAL")).expect("the toast");
    assert!(toast > bottom, "{screen:#?}");
    insta::assert_snapshot!("report_detail_toast_80x24", draw(&app, 80, 24));
}

#[test]
fn help_in_the_detail_lists_the_detail_keys() {
    let mut app = detail_open();
    press(&mut app, KeyCode::Char('?'));
    let screen = draw(&app, 120, 40);
    for wanted in
        ["Report detail", "Approve the selected report(s)", "Show the next report in the list"]
    {
        assert!(screen.contains(wanted), "{wanted:?} missing:\n{screen}");
    }
    assert!(!screen.contains("Select or unselect the current row"), "no marking here:\n{screen}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.layer(), Layer::ReportDetail, "Esc closes the help, not the detail");
}

#[test]
fn after_a_decision_the_next_report_is_the_one_that_followed_it_in_the_queue() {
    for confirmed in [false, true] {
        let mut app = detail_open();
        press(&mut app, KeyCode::Char('a'));
        press(&mut app, KeyCode::Char('y'));
        if confirmed {
            // The server's word re-sorts the queue: report 100 joins the
            // approved ones further down.
            let mut decided = margin_report();
            decided.validation_status = ValidationStatus::Approved;
            decided.approved_by = Some("console".into());
            let update = HealthMessage::ReportUpdated(Box::new(decided));
            app.update(Event::Feed(FeedEvent::Health(vec![update])), &mut Vec::new());
            assert_ne!(app.reports.items[0].id, Id::from(100));
        }
        press(&mut app, KeyCode::Char(']'));
        let open = &app.report_detail.as_ref().expect("open").id;
        assert_eq!(*open, Id::from(101), "confirmed: {confirmed}");
        assert_eq!(status_of(&app, 101), ValidationStatus::Pending);
    }
}
