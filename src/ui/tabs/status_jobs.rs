//! The Status tab's backfill jobs: trouble first, each with its progress,
//! counts, rate, ETA, errors and status; `/` narrows them to the jobs
//! whose id, name or status hold every word typed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{load_title, no_data, panel, placeholder};
use crate::app::{App, ListFilter, eta_seconds, job_word, progress};
use crate::keymap::{Action, Context};
use crate::protocol::{BackfillJob, JobStatus};
use crate::theme::Theme;
use crate::ui::{fmt, highlight};

fn job_status(j: &BackfillJob, theme: &Theme) -> (Style, &'static str) {
    let style = match j.status {
        JobStatus::Running => theme.ok,
        JobStatus::Paused => theme.warn,
        JobStatus::Failed => theme.crit,
        JobStatus::Completed | JobStatus::Pending | JobStatus::Unknown => theme.muted,
    };
    (style, job_word(j.status))
}

fn gauge(frac: f64, width: usize) -> String {
    let filled = ((frac * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub(super) fn render(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.status;
    let age = s.jobs_at.map(|t| app.now.saturating_duration_since(t));
    let running = s.jobs.values().any(|j| j.status == JobStatus::Running);
    let stale = running && age.is_some_and(|a| a > app.settings.health_stale_after);
    let has_data = !s.jobs.is_empty();
    let mut jobs = s.shown_jobs();
    let title = if s.jobs_filter.is_active() {
        let count = highlight::count(jobs.len(), s.jobs.len(), "", false);
        format!(" Backfill jobs · {count} · filter: {} ", s.jobs_filter.text)
    } else {
        " Backfill jobs ".into()
    };
    let mut title = load_title(title, &s.jobs_load, has_data, app.now, theme);
    if stale {
        title.push_span(Span::styled(format!("STALE {} ", fmt::age(age)), theme.warn));
    }
    let block = panel(title, theme);
    if !has_data {
        // The feed may still bring jobs: only a failed fetch says more.
        let mut text = Line::styled("no backfill jobs reported yet", theme.muted);
        if s.jobs_load.failure().is_some() {
            text = no_data(&s.jobs_load, "backfill jobs", text, theme);
        }
        placeholder(f, area, block, text);
        return;
    }
    if jobs.is_empty() {
        let back = app.keymap.first_key(Context::Status, Action::Back);
        let line = highlight::no_match("job", &s.jobs_filter, &back, None, theme);
        placeholder(f, area, block, line);
        return;
    }
    let wide = area.width >= 110;
    jobs.sort_by_key(|j| trouble_rank(j));
    let rows: Vec<Row> =
        jobs.into_iter().map(|j| job_row(j, &s.jobs_filter, wide, stale, theme)).collect();
    let table = Table::new(rows, job_widths(wide)).header(job_header(wide, theme));
    f.render_widget(table.block(block), area);
}

/// Trouble first: failed, then running, paused, pending, done.
fn trouble_rank(j: &BackfillJob) -> u8 {
    match j.status {
        JobStatus::Failed => 0,
        JobStatus::Running => 1,
        JobStatus::Paused => 2,
        JobStatus::Pending | JobStatus::Unknown => 3,
        JobStatus::Completed => 4,
    }
}

/// Cells of the progress bar: more on a wide panel.
fn gauge_width(wide: bool) -> usize {
    if wide { 20 } else { 10 }
}

/// One job: progress, counts, rate, ETA, errors (the last one in words on
/// a wide panel) and status, all greyed when the feed went quiet.
fn job_row<'a>(
    j: &'a BackfillJob,
    words: &ListFilter,
    wide: bool,
    stale: bool,
    theme: &Theme,
) -> Row<'a> {
    let (st_style, st) = job_status(j, theme);
    let st_style = if stale { theme.stale } else { st_style };
    let frac = progress(j);
    let eta = eta_seconds(j).map(fmt::duration).unwrap_or_else(|| "—".into());
    let err = match (&j.last_error, wide) {
        (Some(e), true) if j.errors > 0 => format!("{} · {}", j.errors, e),
        _ => j.errors.to_string(),
    };
    let done = format!("{}/{}", fmt::compact(j.processed as f64), fmt::compact(j.total as f64));
    Row::new(vec![
        Cell::from(highlight::line(&j.name, words, Style::default(), theme)),
        Cell::from(format!("{} {:>5.1}%", gauge(frac, gauge_width(wide)), frac * 100.0))
            .style(st_style),
        Cell::from(Line::from(done).right_aligned()),
        Cell::from(Line::from(format!("{}/s", fmt::compact(j.rate_per_sec))).right_aligned()),
        Cell::from(Line::from(eta).right_aligned()),
        Cell::from(err).style(if j.errors > 0 { theme.crit } else { theme.muted }),
        Cell::from(st).style(st_style),
    ])
}

fn job_widths(wide: bool) -> [Constraint; 7] {
    [
        Constraint::Min(12),
        Constraint::Length(gauge_width(wide) as u16 + 7),
        Constraint::Length(13),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(if wide { 40 } else { 4 }),
        Constraint::Length(7),
    ]
}

fn job_header(wide: bool, theme: &Theme) -> Row<'static> {
    let err = if wide { "Errors" } else { "Err" };
    Row::new(["Job", "Progress", "Done/Total", "Rate", "ETA", err, "Status"]).style(theme.title)
}
