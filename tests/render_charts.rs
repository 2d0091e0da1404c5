//! The Markets chart as a trader reads it: history merged with live
//! candles, price and time axes, volume, the cursor, the split layout, and
//! what it says when the backend has no history.

mod common;

use common::fixture::{charted, day_of_candles};
use common::keys::press;
use common::screen::{draw, rows};
use crossterm::event::KeyCode;
use meridian::api::ApiError;

#[test]
fn the_detail_opens_full_with_a_day_of_history_at_80x24() {
    let mut app = charted(Ok(day_of_candles(1440)));
    press(&mut app, KeyCode::Enter);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(screen.contains("1m candles"), "the time frame is named:\n{screen}");
    assert!(
        screen.contains("high") && screen.contains("low") && screen.contains("vol"),
        "{screen}"
    );
    // The line spans the whole day: its first label is yesterday's 10:31.
    assert!(screen.contains("01-18 10:31"), "the line starts a day back:\n{screen}");
    assert!(screen.contains("┤"), "a price axis:\n{screen}");
    insta::assert_snapshot!("chart_detail_80x24", draw(&app, 80, 24));
}

#[test]
fn the_detail_at_200x50() {
    let mut app = charted(Ok(day_of_candles(1440)));
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("chart_detail_200x50", draw(&app, 200, 50));
}

#[test]
fn a_tall_terminal_shows_the_selected_symbols_chart_under_the_list() {
    let mut app = charted(Ok(day_of_candles(1440)));
    let screen = rows(&app, 200, 50).join("\n");
    assert!(screen.contains("Watchlist") && screen.contains("1m candles"), "{screen}");
    assert!(screen.contains(" AAPL "), "{screen}");
    insta::assert_snapshot!("chart_split_200x50", draw(&app, 200, 50));
    // Moving the selection moves the chart.
    press(&mut app, KeyCode::Char('j'));
    let chart = app.markets.chart.as_ref().map(|c| c.symbol.clone());
    assert_eq!(chart.as_deref(), Some("MSFT"));
    let screen = rows(&app, 200, 50).join("\n");
    assert!(screen.contains("loading history…"), "{screen}");
    // A short terminal keeps the list alone.
    let short = rows(&app, 80, 24).join("\n");
    assert!(!short.contains("1m candles"), "{short}");
}

#[test]
fn the_cursor_reads_out_one_candle() {
    let mut app = charted(Ok(day_of_candles(1440)));
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::Left);
    }
    let screen = rows(&app, 80, 24).join("\n");
    let line = screen.lines().find(|l| l.contains(" O ") && l.contains(" H ")).unwrap_or_default();
    assert!(line.contains(" L ") && line.contains(" C ") && line.contains(" V "), "{screen}");
    assert!(line.contains(":"), "with its time: {line}");
}

#[test]
fn a_backend_without_history_says_so_once_and_draws_live_candles() {
    let gone = ApiError::Unavailable { path: "/api/v1/prices/AAPL/candles".into() };
    let mut app = charted(Err(gone));
    press(&mut app, KeyCode::Enter);
    let screen = rows(&app, 80, 24).join("\n");
    assert!(screen.contains("history not available from this backend"), "{screen}");
    assert!(screen.contains("1m candles"), "live candles still drawn:\n{screen}");
}

#[test]
fn pause_says_how_far_behind_the_screen_is() {
    let mut app = charted(Ok(day_of_candles(60)));
    press(&mut app, KeyCode::Char('P'));
    app.now += std::time::Duration::from_secs(12);
    let header = rows(&app, 120, 30).remove(0);
    assert!(header.contains("PAUSED 12s behind"), "{header}");
    press(&mut app, KeyCode::Char('P'));
    assert!(!rows(&app, 120, 30).remove(0).contains("PAUSED"));
}

#[test]
fn the_cursor_moves_inside_a_still_view() {
    let mut app = charted(Ok(day_of_candles(1440)));
    press(&mut app, KeyCode::Enter);
    // The bottom row inside the candle panel is the time axis; its first
    // columns carry the cursor's own time, which moves with the cursor.
    let time_axis =
        |app: &meridian::app::App| rows(app, 80, 24)[21].chars().skip(9).collect::<String>();
    let following = time_axis(&app);
    for _ in 0..60 {
        press(&mut app, KeyCode::Left);
    }
    let scrolled = time_axis(&app);
    assert_ne!(scrolled, following, "going past the left edge scrolls");
    press(&mut app, KeyCode::Right);
    assert_eq!(time_axis(&app), scrolled, "one step back right moves the cursor, not the view");
    press(&mut app, KeyCode::Esc);
    assert_eq!(time_axis(&app), following, "letting go follows the newest again");
}

#[test]
fn dropped_candles_are_counted_in_the_diagnostics() {
    let mut history = day_of_candles(30);
    history.rejected = 3;
    let mut app = charted(Ok(history));
    press(&mut app, KeyCode::Char('D'));
    let screen = rows(&app, 100, 40).join("\n");
    assert!(screen.contains("3 candles dropped"), "{screen}");
}
