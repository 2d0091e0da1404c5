//! What the screen says about a slow link to the terminal (issue 16): the
//! round trip in the header, the output figures under `D`, and the churn
//! the watchlist leaves out while the link is the limit. The figures reach
//! the state as the UI loop sends them, through `App::update`.

mod common;

use std::time::Duration;

use meridian::app::{App, Tab};
use meridian::event::{Event, FeedEvent, FlowOff, FlowState, OutputStats, RoundTrip};
use meridian::protocol::{PriceKind, PriceUpdate};
use meridian::theme::Theme;
use ratatui::buffer::Buffer;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn draw(app: &App, w: u16, h: u16) -> (String, Buffer) {
    let term = common::screen::terminal(app, w, h);
    (term.backend().to_string(), term.backend().buffer().clone())
}

/// One second of a link that holds most frames back, as the loop reports it.
fn slow_link(p50: u64, p99: u64, flow: FlowState) -> OutputStats {
    OutputStats {
        frames: 1234,
        skipped: 9876,
        recent_frames: 4,
        recent_skipped: 26,
        bytes_per_sec: 8100,
        round_trip: Some(RoundTrip { p50: ms(p50), p99: ms(p99) }),
        flow,
        frame_interval: ms(33),
    }
}

fn report(app: &mut App, stats: OutputStats) -> bool {
    app.update(Event::Output(stats), &mut Vec::new())
}

fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {screen}"))
}

/// The watchlist's rows, without the header (whose feed ages count on).
fn watchlist(screen: &str) -> Vec<&str> {
    screen.lines().skip(3).collect()
}

/// AAPL ticks up now: its price flashes.
fn tick_up(app: &mut App) -> String {
    let last = app.markets.quotes["AAPL"].last.expect("a price");
    let price = last + 1.0;
    let tick = PriceUpdate {
        kind: PriceKind::Delta,
        symbol: "AAPL".into(),
        price: Some(price),
        bid: None,
        ask: None,
        timestamp: None,
        volume: None,
        open: None,
    };
    app.update(Event::Feed(FeedEvent::Prices(vec![tick])), &mut Vec::new());
    format!("{price:.2}")
}

/// The foreground colour of the first cell of `text` on the row of `sym`.
fn colour_of(screen: &str, buf: &Buffer, sym: &str, text: &str) -> Option<ratatui::style::Color> {
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(sym))?;
    let col = line.find(text)?;
    let x = line[..col].chars().count() as u16;
    // `to_string` quotes each line: one character before the first cell.
    buf[(x - 1, y as u16)].fg.into()
}

#[test]
fn a_slow_round_trip_shows_in_the_header_in_the_warning_colour_over_a_second() {
    let theme = Theme::by_name("default").expect("theme");
    let mut app = common::fixture::populated();
    report(&mut app, slow_link(120, 300, FlowState::On));
    let (screen, _) = draw(&app, 100, 30);
    assert!(!header(&screen).contains("rtt"), "a quick link says nothing");

    assert!(report(&mut app, slow_link(420, 1200, FlowState::On)), "the header changes");
    let (screen, buf) = draw(&app, 100, 30);
    assert!(header(&screen).contains("!1 failed  rtt 420ms "), "{screen}");
    assert_ne!(colour_of(&screen, &buf, "rtt", "rtt 420ms"), theme.warn.fg);
    insta::assert_snapshot!("insights_slow_link_100x30", screen);

    report(&mut app, slow_link(1400, 2100, FlowState::On));
    let (screen, buf) = draw(&app, 100, 30);
    assert!(header(&screen).contains("rtt 1.4s"), "{screen}");
    assert_eq!(colour_of(&screen, &buf, "rtt", "rtt 1.4s"), theme.warn.fg);
    // Where the outbox's badges fill the row, they stay and the figure goes
    // whole rather than cut.
    let (narrow, _) = draw(&app, 80, 24);
    assert!(header(&narrow).contains("!1 failed") && !header(&narrow).contains("rtt"), "{narrow}");
}

#[test]
fn while_the_link_is_the_limit_prices_do_not_flash_and_quiet_ages_stop_counting() {
    let theme = Theme::by_name("default").expect("theme");
    let mut app = common::fixture::populated();
    app.tab = Tab::Markets;
    let price = tick_up(&mut app);
    let (screen, buf) = draw(&app, 80, 24);
    assert_eq!(colour_of(&screen, &buf, "AAPL", &price), theme.up.fg, "a tick flashes");
    let now = app.now;
    // A second later the ages of rows that did not change have moved.
    app.now = now + Duration::from_secs(1);
    let (later, _) = draw(&app, 80, 24);
    assert_ne!(watchlist(&screen), watchlist(&later), "ages count up every second");

    app.now = now;
    assert!(report(&mut app, slow_link(420, 1200, FlowState::On)));
    assert!(app.output.shed_churn);
    let (screen, buf) = draw(&app, 80, 24);
    assert_ne!(colour_of(&screen, &buf, "AAPL", &price), theme.up.fg, "no flash");
    assert!(line_with(&screen, "AAPL").contains("<5s"), "{screen}");
    let tsla = line_with(&screen, "TSLA");
    assert!(tsla.contains("13s") && tsla.contains("stale"), "a stale row keeps its age: {tsla}");
    app.now = now + Duration::from_secs(2);
    let (later, _) = draw(&app, 80, 24);
    let changed: Vec<_> =
        watchlist(&screen).into_iter().zip(watchlist(&later)).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "only the stale row's age moves: {changed:?}");
    assert!(changed[0].1.contains("TSLA") && changed[0].1.contains("15s"), "{changed:?}");
}

#[test]
fn diagnostics_show_frames_bytes_the_round_trip_and_flow_control() {
    let mut app = common::fixture::populated();
    app.show_diagnostics = true;
    assert!(report(&mut app, slow_link(420, 1200, FlowState::On)), "the popup shows figures");
    let (screen, _) = draw(&app, 80, 24);
    assert!(screen.contains("flow control on · round trip p50 420ms, p99 1.2s"), "{screen}");
    assert!(screen.contains("frames 1234 written, 9876 held back"), "{screen}");
    assert!(screen.contains("now 4/s, 26 held/s, 8100 B/s"), "{screen}");
    assert!(screen.contains("the link is the limit"), "{screen}");
    insta::assert_snapshot!("diagnostics_slow_link_80x24", screen);

    let never = FlowState::Off(FlowOff::NeverAnswered(Duration::from_secs(3)));
    report(&mut app, OutputStats { round_trip: None, flow: never, ..slow_link(0, 0, never) });
    let (screen, _) = draw(&app, 80, 24);
    assert!(
        screen.contains("flow control off: the terminal did not answer in 3 s; timed frames"),
        "{screen}"
    );
    assert!(!screen.contains("round trip"), "nothing was timed: {screen}");
    let off = FlowState::Off(FlowOff::Config);
    report(&mut app, OutputStats { round_trip: None, ..slow_link(0, 0, off) });
    assert!(draw(&app, 80, 24).0.contains("flow control off (config)"));
}
