#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::DateTime;
use ratatui::style::{Color, Modifier};

use super::*;

/// 2024-01-19 00:00 UTC.
const DAY0: i64 = 1_705_622_400_000;
const MIN: i64 = 60_000;

fn candle(start: i64, open: f64, high: f64, low: f64, close: f64, volume: f64) -> Candle {
    Candle { start, open, high, low, close, volume }
}

/// `n` one-minute candles from `start`, a zigzag between 100 and 110.
fn series(start: i64, n: usize, step: i64) -> Vec<Candle> {
    (0..n)
        .map(|i| {
            let base = 100.0 + (i % 10) as f64;
            let (open, close) = if i % 2 == 0 { (base, base + 0.5) } else { (base + 0.5, base) };
            candle(start + i as i64 * step, open, base + 1.0, base - 1.0, close, 10.0 + i as f64)
        })
        .collect()
}

fn styles() -> CandleStyles {
    CandleStyles {
        up: Style::new().fg(Color::Green),
        down: Style::new().fg(Color::Red),
        wick: Style::new().fg(Color::Gray),
        axis: Style::new().fg(Color::DarkGray),
        volume: Style::new(),
        cursor: Style::new().add_modifier(Modifier::REVERSED),
        last: Style::new().fg(Color::Yellow),
    }
}

fn chart(candles: &[Candle], interval: Interval) -> CandleChart<'_> {
    CandleChart { candles, interval, cursor: None, last: None, levels: &[], styles: styles() }
}

/// Render into a `w`x`h` buffer holding exactly the area.
fn draw(c: CandleChart<'_>, w: u16, h: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    c.render(buf.area, &mut buf);
    buf
}

fn row(buf: &Buffer, y: u16) -> String {
    (buf.area.left()..buf.area.right()).map(|x| buf[(x, y)].symbol()).collect()
}

fn rows(buf: &Buffer) -> Vec<String> {
    (buf.area.top()..buf.area.bottom()).map(|y| row(buf, y)).collect()
}

/// The axis column's character and the label after it on row `y` of a
/// chart `w` wide.
fn axis_at(buf: &Buffer, w: u16, y: u16) -> (String, String) {
    let x = w - AXIS_W;
    let tick = buf[(x, y)].symbol().to_owned();
    let label = (x + 1..w).map(|x| buf[(x, y)].symbol()).collect::<String>();
    (tick, label.trim().to_owned())
}

#[test]
fn up_and_down_candles_draw_differently() {
    let candles = [candle(0, 1.0, 4.0, 0.0, 3.0, 0.0), candle(0, 3.0, 4.0, 0.0, 1.0, 0.0)];
    let buf = draw(chart(&candles, Interval::M1), 3, 5);
    let col = |x: u16| (0..5).map(|y| buf[(x, y)].symbol().to_owned()).collect::<String>();
    assert_eq!(col(0), "│███│", "up: wick at 4, body 3..1, wick at 0");
    assert_eq!(col(2), "│░░░│", "down: shaded body");
}

#[test]
fn price_labels_mark_the_high_the_low_and_levels_between() {
    let candles = series(DAY0, 30, MIN);
    let mut c = chart(&candles, Interval::M1);
    c.last = Some(104.7);
    let buf = draw(c, 60, 20);
    // 20 rows: 16 plot rows, 3 volume rows, the time row.
    assert_eq!(axis_at(&buf, 60, 0), ("┤".into(), "110.00".into()), "{:#?}", rows(&buf));
    assert_eq!(axis_at(&buf, 60, 15), ("┤".into(), "99.00".into()));
    let labels: Vec<(u16, String)> = (0..19)
        .map(|y| (y, axis_at(&buf, 60, y)))
        .filter(|(_, (tick, _))| tick != "│")
        .map(|(y, (_, label))| (y, label))
        .collect();
    assert!(labels.len() >= 5, "high, low, last and two or more levels: {labels:?}");
    for (y, label) in &labels {
        assert!(label.parse::<f64>().is_ok(), "one whole number per row {y}: {label:?}");
    }
    let prices: Vec<f64> = labels.iter().map(|(_, l)| l.parse().unwrap()).collect();
    assert!(prices.windows(2).all(|p| p[0] >= p[1]), "falling down the axis: {prices:?}");
}

#[test]
fn large_prices_fit_the_axis() {
    let candles = [candle(DAY0, 9_876_543.21, 9_999_999.99, 9_000_000.0, 9_100_000.0, 1.0)];
    let buf = draw(chart(&candles, Interval::M1), 40, 12);
    assert_eq!(axis_at(&buf, 40, 0).1, "9999999.99");
    let huge = [candle(DAY0, 1e12, 2e12, 1e12, 1.5e12, 1.0)];
    let buf = draw(chart(&huge, Interval::M1), 40, 12);
    assert_eq!(axis_at(&buf, 40, 0).1, "2000.0B", "compact when two decimals do not fit");
}

/// The labels of a time row: (column of the candle, text).
fn time_labels(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut x = 0;
    while x < chars.len() {
        if chars[x] == ' ' {
            x += 1;
            continue;
        }
        let end = (x..chars.len()).find(|&e| chars[e] == ' ').unwrap_or(chars.len());
        // "MM-DD HH:MM" is one label.
        let end = if chars.get(end + 1).is_some_and(char::is_ascii_digit)
            && chars.get(end + 3) == Some(&':')
        {
            end + 6
        } else {
            end
        };
        out.push((x, chars[x..end].iter().collect()));
        x = end;
    }
    out
}

#[test]
fn time_labels_match_the_candles_in_utc_and_date_a_new_day() {
    // 23:41 to 00:14 UTC, across midnight into 2024-01-19.
    let candles = series(DAY0 - 19 * MIN, 34, MIN);
    let buf = draw(chart(&candles, Interval::M1), 80, 12);
    let labels = time_labels(&row(&buf, 11));
    assert!(labels.len() >= 3, "{labels:?}");
    for (x, text) in &labels {
        assert_eq!(x % 2, 0, "a label starts under a candle: {labels:?}");
        let c = &candles[x / 2];
        let t = DateTime::from_timestamp_millis(c.start).unwrap();
        let hhmm = t.format("%H:%M").to_string();
        assert!(text.ends_with(&hhmm), "{text} under the {hhmm} candle");
    }
    assert_eq!(labels[0], (8, "01-18 23:45".into()), "the first label is dated");
    assert!(labels.contains(&(38, "01-19 00:00".into())), "midnight dated: {labels:?}");
    assert!(labels.contains(&(58, "00:10".into())), "same day, time only: {labels:?}");
}

#[test]
fn daily_candles_show_dates() {
    // 2024-01-04 (a Thursday, so a label) onwards.
    let candles = series(DAY0 - 15 * 86_400_000, 30, 86_400_000);
    let buf = draw(chart(&candles, Interval::D1), 80, 12);
    let labels = time_labels(&row(&buf, 11));
    assert_eq!(labels[..3], [(0, "01-04".into()), (14, "01-11".into()), (28, "01-18".into())]);
}

#[test]
fn the_largest_volume_gets_the_full_bar() {
    let mut candles = series(DAY0, 10, MIN);
    candles[3].volume = 500.0;
    candles[6].volume = 0.0;
    let buf = draw(chart(&candles, Interval::M1), 40, 20);
    let col = |x: u16| (16..19).map(|y| buf[(x, y)].symbol()).collect::<String>();
    assert_eq!(col(6), "███", "{:#?}", rows(&buf));
    assert_eq!(col(0), "  ▁", "a small volume still shows");
    assert_eq!(col(12), "   ", "no volume, no bar");
    assert_eq!(buf[(6, 18)].fg, Color::Red, "coloured like its down candle");
    for c in &mut candles {
        c.volume = 0.0;
    }
    let buf = draw(chart(&candles, Interval::M1), 40, 20);
    assert!((16..19).all(|y| row(&buf, y).trim_end().ends_with('│')), "zero volumes: no bars");
}

#[test]
fn the_window_follows_the_newest_or_keeps_the_cursor_in_view() {
    let area = Rect::new(0, 0, 80, 12);
    let cap = 35; // (80 - 11) columns, one candle and a gap each
    assert_eq!(CandleChart::window(1000, None, area), 1000 - cap..1000);
    assert_eq!(CandleChart::window(10, None, area), 0..10);
    assert_eq!(CandleChart::window(0, Some(3), area), 0..0);
    assert_eq!(CandleChart::window(1000, Some(990), area), 1000 - cap..1000, "in view: no scroll");
    assert_eq!(CandleChart::window(1000, Some(965), area), 965..1000);
    assert_eq!(CandleChart::window(1000, Some(964), area), 964..999, "one step, one candle");
    assert_eq!(CandleChart::window(1000, Some(10), area), 10..10 + cap, "far left");
    assert_eq!(CandleChart::window(1000, Some(5000), area), 1000 - cap..1000);
}

#[test]
fn the_cursor_column_is_styled_with_its_time() {
    let candles = series(DAY0, 100, MIN);
    let mut c = chart(&candles, Interval::M1);
    c.cursor = Some(12);
    let buf = draw(c, 80, 12);
    // Window 12..47: the cursor is the first column.
    for y in 0..10 {
        assert!(buf[(0, y)].modifier.contains(Modifier::REVERSED), "row {y}");
        assert!(!buf[(2, y)].modifier.contains(Modifier::REVERSED), "row {y}");
    }
    assert!(row(&buf, 11).starts_with("00:12"), "{:?}", row(&buf, 11));
    assert!(buf[(0, 11)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn the_last_price_is_marked_on_its_row_or_clamped_to_the_edge() {
    let candles = series(DAY0, 30, MIN); // high 110, low 99
    let mut c = chart(&candles, Interval::M1);
    c.last = Some(104.5);
    let buf = draw(c, 60, 20);
    // 16 plot rows: (110 - 104.5) / 11 * 15 = 7.5, rounds to 8.
    assert_eq!(axis_at(&buf, 60, 8), ("◀".into(), "104.50".into()), "{:#?}", rows(&buf));
    assert!(row(&buf, 8).contains('┈'), "a dotted line across the row");
    assert_eq!(buf[(50, 8)].fg, Color::Yellow);
    let mut c = chart(&candles, Interval::M1);
    c.last = Some(154.12);
    let buf = draw(c, 60, 20);
    assert_eq!(axis_at(&buf, 60, 0), ("▲".into(), "154.12".into()));
}

#[test]
fn a_flat_series_sits_on_the_middle_row() {
    let candles = [candle(DAY0, 5.0, 5.0, 5.0, 5.0, 0.0); 3];
    let buf = draw(chart(&candles, Interval::M1), 40, 10);
    // 10 rows: 8 plot rows, one volume row, the time row.
    assert_eq!(buf[(0, 4)].symbol(), "█", "{:#?}", rows(&buf));
    assert_eq!(axis_at(&buf, 40, 4), ("◀".into(), "5.00".into()));
}

#[test]
fn tiny_areas_and_series_never_panic_nor_write_outside() {
    let many = series(DAY0, 50, MIN);
    let one = [candle(DAY0, 1.0, 2.0, 0.5, 1.5, 3.0)];
    let flat = [candle(DAY0, 5.0, 5.0, 5.0, 5.0, 0.0); 4];
    let odd = [candle(i64::MIN, f64::NAN, f64::INFINITY, -1.0, 0.0, f64::NAN)];
    let cases: [&[Candle]; 5] = [&[], &one, &flat, &many, &odd];
    for candles in cases {
        for (w, h) in (0..=3).flat_map(|w| (0..=3).map(move |h| (w, h))).chain([(20, 5), (80, 12)])
        {
            let mut buf = Buffer::empty(Rect::new(0, 0, 90, 20));
            let area = Rect::new(2, 3, w, h);
            let mut c = chart(candles, Interval::H1);
            c.cursor = Some(2);
            c.render(area, &mut buf);
            for y in 0..20 {
                for x in 0..90 {
                    if !area.contains((x, y).into()) {
                        assert_eq!(buf[(x, y)].symbol(), " ", "{w}x{h} wrote at ({x}, {y})");
                    }
                }
            }
        }
    }
}

#[test]
fn eighty_by_twelve() {
    let mut candles = series(DAY0 - 20 * MIN, 60, MIN);
    candles[50].volume = 300.0;
    let mut c = chart(&candles, Interval::M1);
    c.cursor = Some(50);
    c.last = Some(105.25);
    let buf = draw(c, 80, 12);
    let text = rows(&buf).join("\n");
    println!("{text}");
    assert_eq!(text.lines().count(), 12);
}

#[test]
fn a_price_alert_level_in_view_is_a_dashed_line_marked_on_the_axis() {
    let candles = series(0, 6, 60_000);
    let (lo, hi) =
        candles.iter().fold((f64::MAX, f64::MIN), |(l, h), c| (l.min(c.low), h.max(c.high)));
    let mid = (lo + hi) / 2.0;
    let far = hi * 10.0;
    let levels = [mid, far];
    let c = CandleChart { levels: &levels, ..chart(&candles, Interval::M1) };
    let buf = draw(c, 40, 12);
    let dashed: Vec<u16> = (0..12).filter(|&y| row(&buf, y).contains('╌')).collect();
    assert_eq!(dashed.len(), 1, "one level in view, one line: {:?}", rows(&buf));
    let y = dashed[0];
    assert!(row(&buf, y).contains('◆'), "marked on the axis: {}", row(&buf, y));
    let without = draw(chart(&candles, Interval::M1), 40, 12);
    assert!(!rows(&without).iter().any(|r| r.contains('╌') || r.contains('◆')));
}
