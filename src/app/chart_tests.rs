use super::*;

const MIN: i64 = 60_000;
/// 2024-01-19 10:30 UTC, a minute boundary.
const T0: i64 = 1_705_660_200_000;

fn candle(min: i64, close: f64, volume: f64) -> Candle {
    Candle {
        start: T0 + min * MIN,
        open: close,
        high: close + 1.0,
        low: close - 1.0,
        close,
        volume,
    }
}

fn chart_with_ticks(ticks: &[(i64, f64, f64)]) -> Chart {
    let mut c = Chart::new("AAPL", Interval::M1, std::iter::empty(), Instant::now());
    for &(ms, price, traded) in ticks {
        c.on_tick(T0 + ms, price, traded);
    }
    c
}

fn starts(c: &Chart) -> Vec<i64> {
    c.candles.iter().map(|k| (k.start - T0) / MIN).collect()
}

#[test]
fn the_open_minute_is_counted_once_and_extended_by_later_ticks() {
    // Live ticks in minutes 4 and 5 arrived before the answer.
    let mut c = chart_with_ticks(&[(4 * MIN + 10, 100.0, 5.0), (5 * MIN + 1_000, 101.0, 7.0)]);
    // The history's newest candle is minute 5, still open, with its ticks.
    let history: Vec<Candle> = (0..6).map(|m| candle(m, 100.0 + m as f64, 10.0)).collect();
    c.on_history(CandleSeries { candles: history, rejected: 0 });
    assert_eq!(starts(&c), vec![0, 1, 2, 3, 4, 5], "no duplicate minute at the seam");
    assert_eq!(c.candles[5].volume, 10.0, "the live copy of minute 5 is not added twice");
    // A tick after the answer extends the open minute.
    c.on_tick(T0 + 5 * MIN + 30_000, 120.0, 3.0);
    let last = c.candles[5];
    assert_eq!((last.close, last.high, last.volume), (120.0, 120.0, 13.0));
    // The next minute opens a new candle.
    c.on_tick(T0 + 6 * MIN, 119.0, 1.0);
    assert_eq!(starts(&c), vec![0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(c.history, HistoryState::Loaded { count: 6 });
}

#[test]
fn live_candles_newer_than_the_history_are_kept_after_it() {
    // The answer was computed before minute 7 began; the feed got there first.
    let mut c = chart_with_ticks(&[(6 * MIN, 90.0, 1.0), (7 * MIN + 5, 91.0, 2.0)]);
    let history: Vec<Candle> = (0..7).map(|m| candle(m, 100.0, 10.0)).collect();
    c.on_history(CandleSeries { candles: history, rejected: 0 });
    assert_eq!(starts(&c), vec![0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(c.candles[6].close, 100.0, "history wins its own buckets");
    assert_eq!(c.candles[7].close, 91.0, "the live minute after it stays");
}

#[test]
fn a_gap_between_history_and_live_stays_a_gap_in_time_not_a_lost_candle() {
    let mut c = chart_with_ticks(&[(30 * MIN, 90.0, 1.0)]);
    let history: Vec<Candle> = (0..3).map(|m| candle(m, 100.0, 10.0)).collect();
    c.on_history(CandleSeries { candles: history, rejected: 0 });
    assert_eq!(starts(&c), vec![0, 1, 2, 30]);
}

#[test]
fn late_ticks_for_older_buckets_do_not_reopen_them() {
    let c = chart_with_ticks(&[(2 * MIN, 100.0, 1.0), (MIN, 50.0, 100.0)]);
    assert_eq!(starts(&c), vec![2]);
    assert_eq!((c.candles[0].low, c.candles[0].volume), (100.0, 1.0));
}

#[test]
fn an_empty_history_keeps_the_live_chart() {
    let mut c = chart_with_ticks(&[(0, 100.0, 1.0)]);
    c.on_history(CandleSeries::default());
    assert_eq!(starts(&c), vec![0]);
    assert_eq!(c.history, HistoryState::Loaded { count: 0 });
}

#[test]
fn minutes_fold_into_larger_intervals() {
    let minutes: Vec<Candle> = (0..12).map(|m| candle(m, 100.0 + m as f64, 1.0)).collect();
    let five = aggregate(minutes.iter(), Interval::M5);
    assert_eq!(five.len(), 3);
    assert_eq!((five[0].open, five[0].close, five[0].volume), (100.0, 104.0, 5.0));
    assert_eq!((five[0].high, five[0].low), (105.0, 99.0));
    assert_eq!(five[2].volume, 2.0, "the open bucket holds what came so far");
    // Ticks into a five-minute chart land in five-minute buckets.
    let mut c = Chart::new("AAPL", Interval::M5, minutes.iter(), Instant::now());
    c.on_tick(T0 + 14 * MIN, 130.0, 1.0);
    c.on_tick(T0 + 15 * MIN, 131.0, 1.0);
    assert_eq!(starts(&c), vec![0, 5, 10, 15]);
    assert_eq!(c.candles[2].close, 130.0);
}

#[test]
fn the_cursor_starts_at_the_newest_and_lets_go_past_it() {
    let history: Vec<Candle> = (0..5).map(|m| candle(m, 100.0, 1.0)).collect();
    let mut c = chart_with_ticks(&[]);
    c.on_history(CandleSeries { candles: history, rejected: 0 });
    c.move_cursor(1);
    assert_eq!(c.cursor, None, "right does nothing while following");
    c.move_cursor(-1);
    assert_eq!(c.cursor, Some(4));
    c.move_cursor(-10);
    assert_eq!(c.cursor, Some(0));
    assert_eq!(c.at_cursor().map(|k| k.start), Some(T0));
    c.move_cursor(4);
    c.move_cursor(1);
    assert_eq!(c.cursor, None, "right past the newest follows live again");
}

#[test]
fn the_chart_keeps_a_bounded_number_of_candles_and_the_cursor_on_its_candle() {
    let mut c = chart_with_ticks(&[]);
    for m in 0..CHART_CAP as i64 {
        c.on_tick(T0 + m * MIN, 100.0, 1.0);
    }
    c.move_cursor(-1);
    let held = c.at_cursor().map(|k| k.start);
    c.on_tick(T0 + CHART_CAP as i64 * MIN, 100.0, 1.0);
    assert_eq!(c.candles.len(), CHART_CAP);
    assert_eq!(c.at_cursor().map(|k| k.start), held);
}
