//! Every tab rendered from a populated state at 80x24 and 160x48, compared
//! with the snapshot files under tests/snapshots/.

mod common;

use common::screen::draw;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use meridian::app::{App, Tab};
use meridian::event::Event;
use meridian::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn snapshot_all_tabs(w: u16, h: u16) {
    let mut app = common::fixture::populated();
    for tab in Tab::ALL {
        app.tab = tab;
        let screen = draw(&app, w, h);
        insta::assert_snapshot!(format!("{}_{w}x{h}", tab.title().to_lowercase()), screen);
    }
}

#[test]
fn tabs_at_80x24() {
    snapshot_all_tabs(80, 24);
}

#[test]
fn tabs_at_160x48() {
    snapshot_all_tabs(160, 48);
}

#[test]
fn markets_and_status_at_200x50() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    insta::assert_snapshot!("markets_200x50", draw(&app, 200, 50));
    app.tab = Tab::Status;
    insta::assert_snapshot!("status_200x50", draw(&app, 200, 50));
}

#[test]
fn a_new_critical_alert_shows_a_toast() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    common::fixture::critical_alert_arrives(&mut app);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("CRITICAL") && screen.contains("Price feed lagging"), "{screen}");
    insta::assert_snapshot!("toast_markets_80x24", screen);
}

#[test]
fn metrics_at_200x50_has_room_for_the_analytics_chart() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Metrics;
    let screen = draw(&app, 200, 50);
    assert!(screen.contains("reports per day"), "{screen}");
    insta::assert_snapshot!("metrics_200x50", screen);
}

#[test]
fn a_stale_symbol_is_marked_in_words() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let screen = draw(&app, 80, 24);
    let tsla = screen.lines().find(|l| l.contains("TSLA")).expect("TSLA row");
    assert!(tsla.contains("stale") && tsla.contains("13s"), "{tsla}");
    let aapl = screen.lines().find(|l| l.contains("AAPL")).expect("AAPL row");
    assert!(!aapl.contains("stale"), "{aapl}");
}

#[test]
fn a_symbol_without_data_yet_says_so_in_full() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    app.markets.symbols.push("NEWCO".into());
    let screen = draw(&app, 80, 24);
    let row = screen.lines().find(|l| l.contains("NEWCO")).expect("NEWCO row");
    assert!(row.contains("waiting for data…"), "{row}");
    assert!(!row.contains("stale"), "{row}");
}

#[test]
fn diagnostics_popup_shows_counters_and_the_last_error() {
    let mut app = common::fixture::populated();
    app.show_diagnostics = true;
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("connection reset"), "{screen}");
    insta::assert_snapshot!("diagnostics_80x24", screen);
}

#[test]
fn help_overlay_lists_the_keys_of_the_tab() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    app.show_help = true;
    let screen = draw(&app, 80, 24);
    insta::assert_snapshot!("help_markets_80x24", screen);
}

#[test]
fn too_small_terminal_says_so_instead_of_drawing() {
    let app = common::fixture::populated();
    let screen = draw(&app, 40, 10);
    assert!(screen.contains("Terminal too small"), "{screen}");
    assert!(!screen.contains("Insights"));
}

#[test]
fn every_size_from_tiny_to_huge_draws_without_panic() {
    let mut app = common::fixture::populated();
    for tab in Tab::ALL {
        app.tab = tab;
        for (w, h) in [(1, 1), (59, 15), (60, 16), (61, 17), (80, 24), (100, 30), (250, 80)] {
            draw(&app, w, h);
        }
    }
}

/// Press keys on a tab of the populated app, as a user would.
fn with_keys(tab: Tab, keys: &[KeyCode]) -> App {
    let mut app = common::fixture::populated();
    app.tab = tab;
    for k in keys {
        app.update(Event::Key(KeyEvent::new(*k, KeyModifiers::NONE)), &mut Vec::new());
    }
    app
}

#[test]
fn every_review_dialog_at_80x24() {
    use KeyCode::Char;
    let cases: [(&str, Tab, Vec<KeyCode>); 11] = [
        ("dialog_approve_notes", Tab::Reports, vec![Char('A'), Char('o'), Char('k')]),
        ("dialog_flag_report", Tab::Reports, vec![Char('f'), KeyCode::Enter]),
        ("dialog_flag_insight", Tab::Insights, vec![Char('f')]),
        ("dialog_outbox_drop", Tab::Insights, vec![Char('o'), KeyCode::Down, Char('d')]),
        ("dialog_approve_confirm", Tab::Reports, vec![Char('a')]),
        ("dialog_bulk_approve", Tab::Reports, vec![Char(' '), Char(' '), Char(' '), Char('a')]),
        ("dialog_reject_reason", Tab::Reports, vec![Char('x'), Char('n'), Char('o')]),
        ("dialog_filter", Tab::Reports, vec![Char('/')]),
        ("dialog_rate", Tab::Insights, vec![Char('r')]),
        (
            "dialog_comment",
            Tab::Insights,
            vec![Char('c'), Char('h'), Char('i'), KeyCode::Enter, Char('x')],
        ),
        ("dialog_outbox", Tab::Insights, vec![Char('o')]),
    ];
    for (name, tab, keys) in cases {
        let app = with_keys(tab, &keys);
        assert!(app.modal.is_some(), "{name}: a dialog is open");
        insta::assert_snapshot!(name, draw(&app, 80, 24));
    }
}

#[test]
fn review_tabs_show_pending_and_failed_actions() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("⧗1 pending") && screen.contains("!1 failed"), "{screen}");
    let row = screen.lines().find(|l| l.contains("ACC-1007")).expect("report 101 row");
    assert!(row.contains('⧗'), "report 101 is marked pending: {row}");
}

/// A watchlist longer than the screen, cursor on its last symbol: the
/// screen shows the window ending at the cursor, every row with its
/// sparkline, and the cursor row highlighted sparkline included.
#[test]
fn a_long_watchlist_scrolls_to_the_cursor_with_every_sparkline() {
    use ratatui::style::Modifier;
    let mut app = common::fixture::busy_watchlist(60, 20);
    app.markets.selected = 59;
    let theme = Theme::by_name("default").expect("built-in theme");
    let mut term = Terminal::new(TestBackend::new(120, 20)).expect("test terminal");
    term.draw(|f| meridian::ui::render(f, &app, &theme)).expect("draw");
    let buf = term.backend().buffer();
    let line = |y: u16| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>();
    let rows: Vec<(u16, String)> = (0..20)
        .map(line)
        .enumerate()
        .filter(|(_, l)| l.contains("│S00"))
        .map(|(y, l)| (y as u16, l))
        .collect();
    assert!(
        rows.len() >= 10,
        "a screenful of rows:\n{}",
        (0..20).map(line).collect::<Vec<_>>().join("\n")
    );
    let (last_y, last) = rows.last().expect("rows");
    assert!(last.contains("S0059"), "the cursor's row is on screen: {last}");
    assert!(
        rows[0].1.contains(&format!("S{:04}", 60 - rows.len())),
        "the window ends at the cursor"
    );
    for (_, l) in &rows {
        assert!(l.contains("▁") || l.contains("█"), "every row has a sparkline: {l}");
    }
    let bar = (0..120).find(|x| "▁▂▃▄▅▆▇█".contains(buf[(*x, *last_y)].symbol())).expect("a bar");
    assert!(
        buf[(bar, *last_y)].modifier.contains(Modifier::REVERSED),
        "the cursor row's sparkline is highlighted like the rest of the row"
    );
}

#[test]
fn insecure_tls_is_said_in_the_title_row_on_every_tab() {
    let mut app = common::fixture::populated();
    app.settings.insecure = true;
    // The badges that compete for the row, so the banner must come first.
    app.read_only = Some("token is read-only".into());
    for tab in Tab::ALL {
        app.tab = tab;
        let screen = draw(&app, 80, 24);
        let title = screen.lines().next().expect("a first row");
        assert!(title.contains("INSECURE: TLS NOT VERIFIED"), "{tab:?}: {title}");
    }
    let theme = Theme::by_name("default").expect("built-in theme");
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    term.draw(|f| meridian::ui::render(f, &app, &theme)).expect("draw");
    let col = draw(&app, 80, 24).lines().next().and_then(|l| l.find("INSECURE")).expect("shown");
    let cell = &term.backend().buffer()[(col as u16, 0)];
    assert_eq!(cell.bg, ratatui::style::Color::Red, "the banner is red");
    app.settings.insecure = false;
    assert!(!draw(&app, 80, 24).contains("INSECURE"));
}

#[test]
fn a_long_error_wraps_in_its_panel_instead_of_losing_its_end() {
    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    app.insights.items.clear();
    let error = "cannot reach https://127.0.0.1:18080/api/v1/insights: the server does not \
                 speak TLS on this port (use http:// or ws://)";
    let failed = meridian::event::ApiEvent::Insights {
        offset: 0,
        result: Err(meridian::api::ApiError::Setup(error.into())),
    };
    app.update(Event::Api(failed), &mut Vec::new());
    let screen = draw(&app, 80, 24);
    let joined: String =
        screen.lines().map(|l| l.trim_matches(['│', ' ', '"'])).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("(use http:// or ws://)"), "{screen}");
}

/// A fetch that got no answer.
fn unreachable(reason: &str) -> meridian::api::ApiError {
    let url = "http://127.0.0.1:8080/api/v1/x".into();
    meridian::api::ApiError::Network { url, reason: reason.into() }
}

/// A fetch answered 503 with the contract's error envelope.
fn unavailable() -> meridian::api::ApiError {
    meridian::api::ApiError::Status {
        status: reqwest::StatusCode::SERVICE_UNAVAILABLE,
        code: "overloaded".into(),
        message: "try later".into(),
        path: "/api/v1/x".into(),
    }
}

/// The populated app after `event` (a failed fetch) arrived, `secs` seconds
/// before the frame is drawn.
fn failed_ago(tab: Tab, event: meridian::event::ApiEvent, secs: u64) -> App {
    let mut app = common::fixture::populated();
    app.tab = tab;
    app.update(Event::Api(event), &mut Vec::new());
    app.now += std::time::Duration::from_secs(secs);
    app
}

/// The screen row that contains `needle`.
fn row_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}:\n{screen}"))
}

#[test]
fn a_failed_refresh_of_a_list_with_data_shows_in_its_title_and_keeps_the_rows() {
    use meridian::event::ApiEvent;
    let refused = unreachable("connection refused");
    let app = failed_ago(
        Tab::Insights,
        ApiEvent::Insights { offset: 0, result: Err(refused.clone()) },
        12,
    );
    let screen = draw(&app, 160, 48);
    let title = row_with(&screen, "┌ Insights");
    assert!(title.contains("refresh failed 12s ago: cannot reach http://127.0.0.1"), "{title}");
    assert!(screen.contains("Tech exposure drifting above policy band 1"), "rows kept: {screen}");

    let mut app =
        failed_ago(Tab::Reports, ApiEvent::Reports { offset: 0, result: Err(refused) }, 12);
    let screen = draw(&app, 160, 48);
    let title = row_with(&screen, "┌ Reports");
    assert!(title.contains("refresh failed 12s ago: cannot reach http://127.0.0.1"), "{title}");
    assert!(screen.contains("Halvorsen Capital"), "rows kept: {screen}");

    // R again: the title says it is loading, then that all is well.
    let mut fx = Vec::new();
    app.update(Event::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::NONE)), &mut fx);
    let title = draw(&app, 160, 48).lines().find(|l| l.contains("┌ Reports")).map(str::to_owned);
    assert!(title.as_deref().is_some_and(|t| t.contains("· loading…")), "{title:?}");
    let fresh = app.reports.items.clone();
    let list = meridian::protocol::ReportList { reports: fresh, total: 57, has_more: true };
    app.update(Event::Api(ApiEvent::Reports { offset: 0, result: Ok(list) }), &mut fx);
    let screen = draw(&app, 160, 48);
    let title = row_with(&screen, "┌ Reports");
    assert!(!title.contains("loading") && !title.contains("failed"), "{title}");
}

#[test]
fn a_failed_refresh_says_whether_asking_again_can_help() {
    use meridian::api::ApiError;
    use meridian::event::ApiEvent;
    let lacking = ApiError::Unavailable { path: "/api/v1/kpis".into() };
    let app = failed_ago(Tab::Metrics, ApiEvent::Kpis(Err(lacking)), 3);
    let title = row_with(&draw(&app, 160, 48), "┌ KPIs").to_owned();
    assert!(title.contains("/api/v1/kpis is not available on this backend"), "{title}");
    assert!(!title.contains("failed"), "a missing endpoint is not a failure to retry: {title}");

    let refused = ApiError::Status {
        status: reqwest::StatusCode::UNAUTHORIZED,
        code: "unauthorized".into(),
        message: String::new(),
        path: "/api/v1/kpis".into(),
    };
    let app = failed_ago(Tab::Metrics, ApiEvent::Kpis(Err(refused)), 3);
    let title = row_with(&draw(&app, 160, 48), "┌ KPIs").to_owned();
    assert!(
        title.contains("refresh refused 3s ago: the token is missing or was refused"),
        "{title}"
    );
}

#[test]
fn a_failed_refresh_of_kpis_or_analytics_shows_in_that_panel_only() {
    use meridian::event::ApiEvent;
    let app = failed_ago(Tab::Metrics, ApiEvent::Kpis(Err(unavailable())), 3);
    let screen = draw(&app, 160, 48);
    assert!(
        row_with(&screen, "┌ KPIs").contains("refresh failed 3s ago: server error (HTTP 503"),
        "{screen}"
    );
    assert!(screen.contains("Extraction accuracy"), "rows kept: {screen}");
    assert!(!row_with(&screen, "Report analytics").contains("refresh failed"), "{screen}");

    let failed = ApiEvent::Analytics { days: 30, result: Err(unavailable()) };
    let app = failed_ago(Tab::Metrics, failed, 3);
    let screen = draw(&app, 160, 48);
    assert!(row_with(&screen, "Report analytics").contains("refresh failed 3s ago"), "{screen}");
    assert!(screen.contains("57 · 6 accounts"), "data kept: {screen}");
    assert!(!row_with(&screen, "┌ KPIs").contains("refresh failed"), "{screen}");
}

#[test]
fn status_and_backfill_failures_show_separately() {
    use meridian::event::ApiEvent;
    let app = failed_ago(Tab::Status, ApiEvent::Status(Err(unreachable("timed out"))), 7);
    let screen = draw(&app, 160, 48);
    let banner = row_with(&screen, "DEGRADED");
    assert!(banner.contains("refresh failed 7s ago: cannot reach"), "{banner}");
    assert!(banner.contains("queue 342"), "the last status stays: {banner}");
    assert!(!row_with(&screen, "┌ Backfill jobs").contains("refresh failed"), "{screen}");

    let app = failed_ago(Tab::Status, ApiEvent::Backfill(Err(unreachable("timed out"))), 7);
    let screen = draw(&app, 160, 48);
    let title = row_with(&screen, "┌ Backfill jobs");
    assert!(title.contains("refresh failed 7s ago: cannot reach"), "{title}");
    assert!(screen.contains("Blocks 2019"), "the jobs stay: {screen}");
    assert!(!row_with(&screen, "DEGRADED").contains("refresh failed"), "{screen}");
}

/// Press character keys, as a user would.
fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.update(
            Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            &mut Vec::new(),
        );
    }
}

/// Where the highlighted row of the list under `heading` is on screen, and
/// the text of the list's first visible row.
fn cursor_and_top(app: &App, heading: &str) -> (u16, String) {
    use ratatui::style::Modifier;
    let theme = Theme::by_name("default").expect("built-in theme");
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    term.draw(|f| meridian::ui::render(f, app, &theme)).expect("draw");
    let buf = term.backend().buffer();
    let line = |y: u16| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>();
    let head = (0..24).find(|y| line(*y).contains(heading)).expect("the list's heading");
    let head_line = line(head);
    let x = head_line[..head_line.find(heading).unwrap_or(0)].chars().count() as u16;
    let cursor = (head + 1..24)
        .find(|y| buf[(x, *y)].modifier.contains(Modifier::REVERSED))
        .expect("a highlighted row");
    (cursor, line(head + 1))
}

/// On a list longer than its panel: `to_bottom`, then `k` six times. The
/// cursor walks up the screen; the list stays where it was.
fn moving_up_from_the_bottom_moves_the_cursor(mut app: App, to_bottom: &str, heading: &str) {
    press(&mut app, to_bottom);
    let (bottom, top) = cursor_and_top(&app, heading);
    press(&mut app, "kkkkkk");
    let (cursor, top_after) = cursor_and_top(&app, heading);
    assert_eq!(cursor, bottom - 6, "the cursor row moved up on screen");
    assert_eq!(top_after, top, "the first visible row stayed");
}

#[test]
fn moving_up_in_a_long_list_moves_the_cursor_not_the_list() {
    use meridian::event::ApiEvent;
    use meridian::protocol::{InsightList, ReportList};
    let mut app = common::fixture::populated();
    app.tab = Tab::Reports;
    let reports = (12..40).map(common::fixture::report).collect();
    let page = Ok(ReportList { reports, total: 57, has_more: true });
    app.update(Event::Api(ApiEvent::Reports { offset: 12, result: page }), &mut Vec::new());
    moving_up_from_the_bottom_moves_the_cursor(app, "G", "Account");

    let mut app = common::fixture::populated();
    app.tab = Tab::Insights;
    let insights = (12..30).map(common::fixture::insight).collect();
    let page = Ok(InsightList { insights, total: 30 });
    app.update(Event::Api(ApiEvent::Insights { offset: 12, result: page }), &mut Vec::new());
    moving_up_from_the_bottom_moves_the_cursor(app, "G", "Category");

    let watchlist = common::fixture::busy_watchlist(40, 2);
    moving_up_from_the_bottom_moves_the_cursor(watchlist, "G", "Symbol");

    // The outbox view, opened with o, moves with j and k.
    use meridian::outbox::{Action, Item, ItemStatus, OutboxEvent};
    let mut app = common::fixture::populated();
    let items = (1..=40)
        .map(|id| Item {
            id,
            key: format!("key-{id}"),
            action: Action::Approve { report: (100 + id).into(), notes: None },
            status: ItemStatus::Pending,
            attempts: 1,
            last_error: Some("connection refused".into()),
            created_at: meridian::protocol::Timestamp(1_705_660_245_000),
            next_attempt_at: None,
        })
        .collect();
    app.update(Event::Outbox(OutboxEvent::Changed(items)), &mut Vec::new());
    moving_up_from_the_bottom_moves_the_cursor(app, &format!("o{}", "j".repeat(39)), "Action");
}
