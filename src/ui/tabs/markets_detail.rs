//! The detail view of one symbol: a price line and one-minute candles with
//! the visible window's high, low and volume.
//!
//! ```text
//! ┌ AAPL 154.12 +0.25 (+0.16%) · bid 154.11 · ask 154.14 · 0s ─┐
//! │ ⣀⡠⠤⠒⠉ price line                                             │
//! ├ 1-minute candles · 38m · high 155.20 · low 151.02 · vol 1.2M ┤
//! │ │█ │░ █                                                      │
//! └──────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

use super::{panel, placeholder};
use crate::app::{App, Candle, Quote, window_stats};
use crate::keymap::{Action, Context};
use crate::protocol::Interval;
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
    let [chart_area, candle_area] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    render_line(f, chart_area, app, theme, symbol, q);
    render_candles(f, candle_area, theme, q);
}

fn title<'a>(app: &App, theme: &Theme, symbol: &str, q: &Quote) -> Line<'a> {
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
    spans.push(Span::styled(
        format!(" · bid {} · ask {} ", fmt::price(q.bid), fmt::price(q.ask)),
        theme.muted,
    ));
    let age = fmt::age(q.age(app.now));
    spans.push(if stale {
        Span::styled(format!("· STALE {age} "), theme.warn)
    } else {
        Span::styled(format!("· {age} "), theme.muted)
    });
    Line::from(spans)
}

fn render_line(f: &mut Frame, area: Rect, app: &App, theme: &Theme, symbol: &str, q: &Quote) {
    let block = panel(title(app, theme, symbol, q), theme);
    let points: Vec<(f64, f64)> =
        q.history.iter().enumerate().map(|(i, p)| (i as f64, p)).collect();
    if points.len() < 2 {
        placeholder(f, area, block, Line::styled("collecting prices…", theme.muted));
        return;
    }
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, p)| (l.min(*p), h.max(*p)));
    let pad = ((hi - lo) * 0.05).max(0.01);
    let stale = q.is_stale(app.now, app.settings.prices_stale_after);
    let data = Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(if stale { theme.stale } else { theme.accent })
        .data(&points);
    let chart = Chart::new(vec![data])
        .block(block)
        .x_axis(
            Axis::default().bounds([0.0, (points.len() - 1) as f64]).style(theme.muted).labels([
                Span::raw(format!("-{}", span_label(points.len() - 1))),
                Span::raw("now"),
            ]),
        )
        .y_axis(
            Axis::default()
                .bounds([lo - pad, hi + pad])
                .style(theme.muted)
                .labels([Span::raw(fmt::price(Some(lo))), Span::raw(fmt::price(Some(hi)))]),
        );
    f.render_widget(chart, area);
}

fn render_candles(f: &mut Frame, area: Rect, theme: &Theme, q: &Quote) {
    let inner = area.inner(Margin::new(1, 1));
    let fit = CandleChart::window(q.candles.tail(usize::MAX).count(), None, inner).len();
    let shown: Vec<Candle> = q.candles.tail(fit).copied().collect();
    let title = match window_stats(shown.iter()) {
        Some((hi, lo, vol)) => format!(
            " 1-minute candles · {}m · high {} · low {} · vol {} ",
            shown.len(),
            fmt::price(Some(hi)),
            fmt::price(Some(lo)),
            fmt::compact(vol)
        ),
        None => " 1-minute candles ".into(),
    };
    let block = panel(title, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let styles = CandleStyles {
        up: theme.up,
        down: theme.down,
        wick: theme.muted,
        axis: theme.muted,
        volume: theme.muted,
        cursor: theme.selected,
        last: theme.accent,
    };
    let chart =
        CandleChart { candles: &shown, interval: Interval::M1, cursor: None, last: q.last, styles };
    f.render_widget(chart, inner);
}

/// How far back `buckets` trend points reach, e.g. "2m" or "45s".
fn span_label(buckets: usize) -> String {
    fmt::age(Some(crate::app::TREND_BUCKET * buckets as u32))
}
