//! The chart of one symbol: a line of closes over the whole series above,
//! candles of the chosen time frame below, with price and time axes,
//! volume bars, the last price marked and a cursor. The same candle panel
//! sits under the watchlist on tall terminals.
//!
//! ```text
//! ┌ AAPL 154.12 +0.25 (+0.16%) · bid 154.11 · ask 154.14 · 0s ─────────┐
//! │155.20 ┤      ⣀⡠⠤⠒⠉ closes of every candle loaded                    │
//! │151.02 ┤⠒⠉                                                           │
//! │       09:12                                     now               │
//! ├ 1m candles · 38 · high 155.20 · low 151.02 · vol 1.2M ─────────────┤
//! │ │█ │░ █                                                 ┤155.20   │
//! │ ▂▅ ▃ █                                                  volume    │
//! │ 10:00       10:12                                       time      │
//! └ 10:32 · O 154.10 H 154.40 L 153.90 C 154.20 V 12.3K ───────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart as LineChart, Dataset, GraphType};

use super::{panel, placeholder};
use crate::app::{App, Chart, HistoryState, Quote, window_stats};
use crate::keymap::{Action, Context};
use crate::protocol::{Candle, Interval, Timestamp};
use crate::theme::Theme;
use crate::ui::candles::{CandleChart, CandleStyles};
use crate::ui::fmt;

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme, symbol: &str) {
    let Some(q) = app.markets.quotes.get(symbol) else {
        let block = panel(format!(" {symbol} "), theme);
        let back = app.keymap.first_key(Context::Markets, Action::Back);
        let text = format!("waiting for the first price… ({back} returns)");
        placeholder(f, area, block, Line::styled(text, theme.muted));
        return;
    };
    let chart = app.markets.chart.as_ref().filter(|c| c.symbol == symbol);
    // Short terminals give the candles the larger share: they carry more.
    let line_share = if area.height < 30 { 40 } else { 45 };
    let [line_area, candle_area] = Layout::vertical([
        Constraint::Percentage(line_share),
        Constraint::Percentage(100 - line_share),
    ])
    .areas(area);
    render_line(f, line_area, app, theme, symbol, q, chart);
    match chart {
        Some(chart) => render_candles(f, candle_area, app, theme, chart, None),
        None => placeholder(
            f,
            candle_area,
            panel(" candles ", theme),
            Line::styled("no chart yet…", theme.muted),
        ),
    }
}

/// The symbol, its price, change, then (`full`) bid, ask and age; STALE
/// and its age whenever it is.
pub(super) fn quote_title<'a>(
    app: &App,
    theme: &Theme,
    symbol: &str,
    q: &Quote,
    full: bool,
) -> Line<'a> {
    let stale = q.is_stale(app.now, app.settings.prices_stale_after);
    let value = if stale { theme.stale } else { theme.title };
    let mut spans = vec![
        Span::styled(format!(" {symbol} "), theme.title),
        Span::styled(fmt::price(q.last), value),
    ];
    if let Some((c, p)) = q.change() {
        let style = super::markets::change_style(c, theme);
        spans.push(Span::styled(format!(" {c:+.2} ({p:+.2}%)"), style));
    }
    let age = fmt::age(q.age(app.now));
    match (full, stale) {
        (true, _) => {
            spans.push(Span::styled(
                format!(" · bid {} · ask {} ", fmt::price(q.bid), fmt::price(q.ask)),
                theme.muted,
            ));
            spans.push(if stale {
                Span::styled(format!("· STALE {age} "), theme.warn)
            } else {
                Span::styled(format!("· {age} "), theme.muted)
            });
        }
        (false, true) => spans.push(Span::styled(format!(" · STALE {age} ·"), theme.warn)),
        (false, false) => spans.push(Span::styled(" ·", theme.muted)),
    }
    Line::from(spans)
}

/// The closes of every candle loaded, so its span follows the time frame.
fn render_line(
    f: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    symbol: &str,
    q: &Quote,
    chart: Option<&Chart>,
) {
    let block = panel(quote_title(app, theme, symbol, q, true), theme);
    let candles = chart.map_or(&[][..], |c| &c.candles[..]);
    if candles.len() < 2 {
        placeholder(f, area, block, Line::styled("collecting prices…", theme.muted));
        return;
    }
    // Two braille dots per column: more points than that draw nothing more.
    let step = candles.len().div_ceil(usize::from(area.width.max(1)) * 2).max(1);
    let mut points: Vec<(f64, f64)> =
        candles.iter().enumerate().step_by(step).map(|(i, c)| (i as f64, c.close)).collect();
    let last = candles.len() - 1;
    if points.last().is_some_and(|p| p.0 < last as f64) {
        points.push((last as f64, candles[last].close));
    }
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, p)| (l.min(*p), h.max(*p)));
    let pad = ((hi - lo) * 0.05).max(0.01);
    let stale = q.is_stale(app.now, app.settings.prices_stale_after);
    let interval = chart.map_or(Interval::M1, |c| c.interval);
    let data = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(if stale { theme.stale } else { theme.accent })
        .data(&points);
    let mid = candles[last / 2].start;
    let x_labels = [stamp(candles[0].start, interval), stamp(mid, interval), "now".into()];
    // Labels sit at the ends of the axis and halfway: they name its bounds.
    let (bottom, top) = (lo - pad, hi + pad);
    let y_labels = [bottom, (bottom + top) / 2.0, top].map(|p| Span::raw(fmt::price(Some(p))));
    let line = LineChart::new(vec![data])
        .block(block)
        .x_axis(
            Axis::default()
                .bounds([0.0, last as f64])
                .style(theme.muted)
                .labels(x_labels.map(Span::raw)),
        )
        .y_axis(Axis::default().bounds([bottom, top]).style(theme.muted).labels(y_labels));
    f.render_widget(line, area);
}

/// The candle panel: time frame, window high, low and volume in the title,
/// the cursor's candle (or the history's state) along the bottom. With
/// `quote`, the title starts with the symbol and its price (the split
/// layout, where no line panel above names it).
pub(super) fn render_candles(
    f: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    chart: &Chart,
    quote: Option<&Quote>,
) {
    let mut title = match quote {
        Some(q) => quote_title(app, theme, &chart.symbol, q, false),
        None => Line::default(),
    };
    // The candles in view: the newest while following, else a view that
    // moves only when the cursor would leave it.
    let probe = panel("", theme).inner(area);
    let room = CandleChart::window(100_000, None, probe).len();
    let len = chart.candles.len();
    let start = chart.view.show(chart.cursor.unwrap_or(len.saturating_sub(1)), len, room);
    let shown = &chart.candles[start..(start + room).min(len)];
    let mut text = format!(" {} candles", chart.interval.as_str());
    if let Some((hi, lo, vol)) = window_stats(shown.iter()) {
        text.push_str(&format!(
            " · {} · high {} · low {} · vol {} ",
            shown.len(),
            fmt::price(Some(hi)),
            fmt::price(Some(lo)),
            fmt::compact(vol)
        ));
    } else {
        text.push(' ');
    }
    title.spans.push(Span::styled(text, theme.title));
    let block = panel(title, theme).title_bottom(bottom_line(app, theme, chart));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if chart.candles.is_empty() {
        let note = Line::styled("waiting for the first price…", theme.muted);
        f.render_widget(ratatui::widgets::Paragraph::new(note), inner);
        return;
    }
    let styles = CandleStyles {
        up: theme.up,
        down: theme.down,
        wick: theme.muted,
        axis: theme.muted,
        volume: theme.muted,
        cursor: theme.selected,
        last: theme.accent,
    };
    let last = app.markets.quotes.get(&chart.symbol).and_then(|q| q.last);
    let levels: Vec<f64> = app.price_alerts.armed_for(&chart.symbol).map(|a| a.level).collect();
    let widget = CandleChart {
        candles: shown,
        interval: chart.interval,
        cursor: chart.cursor.map(|c| c.saturating_sub(start)),
        last,
        levels: &levels,
        styles,
    };
    f.render_widget(widget, inner);
}

/// Along the bottom border: the cursor's candle, else how the history
/// stands when it is not simply loaded, else the keys for the chart.
fn bottom_line<'a>(app: &App, theme: &Theme, chart: &Chart) -> Line<'a> {
    if let Some(c) = chart.at_cursor() {
        return Line::styled(cursor_text(c, chart.interval), theme.title);
    }
    let note = match &chart.history {
        HistoryState::Loading => Some(("loading history…".to_owned(), theme.muted)),
        HistoryState::NoSymbol => Some((format!("no history for {}", chart.symbol), theme.muted)),
        HistoryState::Unavailable => {
            Some(("history not available from this backend".to_owned(), theme.muted))
        }
        HistoryState::Failed(why) => {
            Some((format!("history failed: {}", crate::sanitize::clean(why)), theme.warn))
        }
        HistoryState::Loaded { .. } => None,
    };
    if let Some((text, style)) = note {
        return Line::styled(format!(" {text} "), style);
    }
    let key = |a| app.keymap.first_key(Context::Markets, a);
    Line::styled(
        format!(
            " {}/{} candle · {} time frame ",
            key(Action::CursorLeft),
            key(Action::CursorRight),
            key(Action::TimeFrame)
        ),
        theme.muted,
    )
}

/// "10:32 · O 154.10 H 154.40 L 153.90 C 154.20 V 12.3K".
fn cursor_text(c: &Candle, interval: Interval) -> String {
    format!(
        " {} · O {} H {} L {} C {} V {} ",
        stamp(c.start, interval),
        fmt::price(Some(c.open)),
        fmt::price(Some(c.high)),
        fmt::price(Some(c.low)),
        fmt::price(Some(c.close)),
        fmt::compact(c.volume)
    )
}

/// A candle's start in UTC: the date for daily candles, else date and time.
fn stamp(ms: i64, interval: Interval) -> String {
    let at = Timestamp::from_millis(ms).to_datetime();
    match interval {
        Interval::D1 => at.format("%Y-%m-%d").to_string(),
        _ => at.format("%m-%d %H:%M").to_string(),
    }
}
