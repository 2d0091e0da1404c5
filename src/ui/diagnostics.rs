//! The diagnostics popup (`D`): per-feed counters and link state, how the
//! terminal keeps up with the output, then what failed out of sight (tasks
//! that stopped, answers the outbox could not read).
//!
//! ```text
//! ┌ Feeds · D or esc closes ─────────────────────────────────────────┐
//! │ Feed      State         Msgs   Bytes  Errors Reconn  Age  Backoff │
//! │ prices    connected     12.3K  1.4M   0      1       0s   —       │
//! │ health    reconnecting  310    88.1K  2      3       12s  1.6s    │
//! │ health: connection refused                                       │
//! │ flow control on · round trip p50 420ms, p99 1.2s                 │
//! │ frames 1.2K written, 9.8K held back · now 3/s, 27 held/s, 8.1K B/s│
//! │ the link is the limit: price flashes and quiet ages left out     │
//! │ the clock stopped unexpectedly: attempt to add with overflow     │
//! │ outbox: 2 answers could not be read                              │
//! │   last: approve report 17: the answer is not a Report (…)        │
//! └──────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Row, Table};

use super::fmt;
use super::header::round_trip;
use crate::app::{App, Indicator, RTT_WARN};
use crate::event::{FeedKind, FlowOff, FlowState, Link};
use crate::keymap::Action;
use crate::theme::Theme;

pub(crate) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for kind in FeedKind::ALL {
        let feed = app.feeds.get(kind);
        let (state, style) = match (feed.indicator(), &feed.link) {
            (_, Link::Stopped { .. }) => ("stopped", theme.crit),
            (Indicator::Connected, _) => ("connected", theme.ok),
            (Indicator::Reconnecting, _) => ("reconnecting", theme.warn),
            (Indicator::Down, _) => ("down", theme.crit),
        };
        let backoff = match &feed.link {
            Link::Reconnecting { retry_in_ms, error, .. } => {
                errors.push(Line::styled(format!(" {}: {}", kind.label(), error), theme.muted));
                format!("{:.1}s", *retry_in_ms as f64 / 1000.0)
            }
            _ => "—".into(),
        };
        let num = |v: u64| Cell::from(Line::from(fmt::compact(v as f64)).right_aligned());
        rows.push(Row::new(vec![
            Cell::from(kind.label()),
            Cell::from(state).style(style),
            num(feed.messages),
            num(feed.bytes),
            num(feed.rejected).style(if feed.rejected > 0 { theme.warn } else { theme.base }),
            num(feed.seq_breaks).style(if feed.seq_breaks > 0 { theme.warn } else { theme.base }),
            num(feed.reconnects),
            Cell::from(Line::from(fmt::age(feed.age(app.now))).right_aligned()),
            Cell::from(Line::from(backoff).right_aligned()),
        ]));
    }
    let widths = [
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(8),
    ];
    let header = Row::new(
        ["Feed", "State", "Msgs", "Bytes", "Errors", "Seq", "Reconn", "Age", "Backoff"].map(|h| {
            if matches!(h, "Feed" | "State") {
                Line::from(h)
            } else {
                Line::from(h).right_aligned()
            }
        }),
    )
    .style(theme.title);
    errors.extend(source_lines(app, theme));
    errors.extend(output_lines(app, theme));
    errors.extend(fault_lines(app, theme));
    let height = 2 + 1 + rows.len() as u16 + errors.len() as u16;
    let rect = super::centered(area, 78, height);
    f.render_widget(Clear, rect);
    let ctx = app.tab.context();
    let title = format!(
        " Feeds · {} or {} closes ",
        app.keymap.first_key(ctx, Action::Diagnostics),
        app.keymap.first_key(ctx, Action::Back)
    );
    let block = Block::bordered().title(title).border_style(theme.border);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [table_area, error_area] =
        Layout::vertical([Constraint::Length(1 + rows.len() as u16), Constraint::Min(0)])
            .areas(inner);
    f.render_widget(Table::new(rows, widths).header(header), table_area);
    f.render_widget(ratatui::widgets::Paragraph::new(errors), error_area);
}

/// Prometheus and Alertmanager: where, and how their last answer went.
fn source_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let line = |name: &str, label: &str, load: &crate::app::Load| match load.failure() {
        Some((at, why)) => Line::styled(
            format!(
                " {name} {label}: failed {} ago: {}",
                fmt::age(Some(app.now.saturating_duration_since(at))),
                crate::sanitize::clean(why)
            ),
            theme.warn,
        ),
        None if load.is_loading() => Line::styled(format!(" {name} {label}: asking…"), theme.muted),
        None => Line::styled(format!(" {name} {label}: answering"), theme.base),
    };
    let mut lines = Vec::new();
    if let Some(p) = &app.prom {
        lines.push(line("prometheus", &p.label, &p.services_load));
    }
    if let Some(am) = &app.alerts.am {
        lines.push(line("alertmanager", &am.label, &am.load));
    }
    lines
}

/// How the terminal keeps up: flow control and the round trip, frames
/// written and held back, bytes; nothing before the first report.
fn output_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let Some(stats) = &app.output.stats else { return Vec::new() };
    let (state, style) = match stats.flow {
        FlowState::Probing => {
            ("flow control: waiting for the terminal's first answer".into(), theme.muted)
        }
        FlowState::On => ("flow control on".into(), theme.base),
        FlowState::Off(FlowOff::Config) => ("flow control off (config)".into(), theme.muted),
        FlowState::Off(FlowOff::NoTerminal) => {
            ("flow control off: not a terminal".into(), theme.muted)
        }
        FlowState::Off(FlowOff::NeverAnswered(after)) => (
            format!(
                "flow control off: the terminal did not answer in {} s; timed frames",
                after.as_secs()
            ),
            theme.warn,
        ),
        FlowState::Off(FlowOff::StoppedAnswering) => {
            ("flow control off: the terminal stopped answering; timed frames".into(), theme.warn)
        }
    };
    let mut first = vec![Span::styled(format!(" {state}"), style)];
    if let Some(rt) = stats.round_trip {
        let style = if rt.p50 >= RTT_WARN { theme.warn } else { theme.base };
        let text = format!(" · round trip p50 {}, p99 {}", round_trip(rt.p50), round_trip(rt.p99));
        first.push(Span::styled(text, style));
    }
    let n = |v: u64| fmt::compact(v as f64);
    let mut lines = vec![
        Line::from(first),
        Line::styled(
            format!(
                " frames {} written, {} held back · now {}/s, {} held/s, {} B/s",
                n(stats.frames),
                n(stats.skipped),
                n(stats.recent_frames),
                n(stats.recent_skipped),
                n(stats.bytes_per_sec),
            ),
            if stats.recent_skipped > 0 { theme.warn } else { theme.base },
        ),
    ];
    if app.output.shed_churn {
        let text = " the link is the limit: price flashes and quiet ages left out";
        lines.push(Line::styled(text, theme.warn));
    }
    lines
}

/// One line per kind of failure out of sight, none when all is well.
fn fault_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let faults = &app.faults;
    let mut lines: Vec<Line<'static>> =
        faults.tasks.iter().map(|f| Line::styled(format!(" {f}"), theme.crit)).collect();
    if faults.undecodable_answers > 0 {
        let n = faults.undecodable_answers;
        let answers = if n == 1 { "answer" } else { "answers" };
        lines.push(Line::styled(format!(" outbox: {n} {answers} could not be read"), theme.warn));
        if let Some(last) = &faults.last_undecodable {
            lines.push(Line::styled(format!("   last: {last}"), theme.muted));
        }
    }
    let samples = app.status.samples_rejected;
    if samples > 0 {
        let what = if samples == 1 { "sample" } else { "samples" };
        lines.push(Line::styled(
            format!(" history: {samples} monitoring {what} dropped (out of order or not numbers)"),
            theme.warn,
        ));
    }
    let candles = app.markets.candles_rejected;
    if candles > 0 {
        let what = if candles == 1 { "candle" } else { "candles" };
        lines.push(Line::styled(
            format!(" history: {candles} {what} dropped (impossible, out of order or repeated)"),
            theme.warn,
        ));
    }
    lines
}
