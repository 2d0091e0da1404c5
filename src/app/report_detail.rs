//! A report full screen (Enter on Reports): which report is open, by id,
//! and how far down it is scrolled. While it is open it owns the keyboard
//! ([`super::Layer::ReportDetail`]): the moves scroll it, `]` and `[` show
//! the next and previous report of the list, the decision keys and `y` act
//! on it alone (never on the reports marked in the list), and Esc goes back
//! to the list with the cursor on the report that was open.
//!
//! After a decision the detail stays on the same report, now showing the
//! new status (and that it is on its way): the reviewer sees what they did
//! before moving on, and never finds the figures of another account under
//! their eyes without asking for them (`]` does that).
//!
//! [`App::open_report_detail`] and [`App::close_report_detail`] are the only
//! places a detail opens or closes; moving to another report closes one and
//! opens the other through them.

use std::cell::Cell;

use super::{App, Effect, Tab};
use crate::keymap::Action;
use crate::protocol::{Id, Report, ValidationStatus};

/// The open report and its scroll position.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDetail {
    /// The report shown, by id: the same report while the list around it
    /// changes (live updates, new pages, decisions), or none at all.
    pub id: Id,
    /// The first line shown.
    pub scroll: usize,
    /// The list's row the report was on when it opened, and its status
    /// then: once decided the queue re-sorts it away, and the report that
    /// takes this row is the one that came after it.
    row: usize,
    status: ValidationStatus,
    /// What the last frame had room for: the largest useful offset and
    /// the lines on screen. Drawing writes it (and nothing else), so the
    /// keys stop at the end and page by what is visible.
    view: Cell<Option<(usize, usize)>>,
}

impl ReportDetail {
    fn new(r: &Report, row: usize) -> Self {
        let (id, status) = (r.id.clone(), r.validation_status);
        ReportDetail { id, scroll: 0, row, status, view: Cell::new(None) }
    }

    /// The first line to draw for `lines` lines of content, `height` on
    /// screen; remembered for the keys.
    pub(crate) fn shown(&self, lines: usize, height: usize) -> usize {
        let max = lines.saturating_sub(height);
        self.view.set(Some((max, height)));
        self.scroll.min(max)
    }

    /// Scroll by `delta` lines (clamped to what the last frame could show).
    fn scroll_by(&mut self, delta: isize) {
        let max = self.view.get().map_or(usize::MAX / 2, |(max, _)| max);
        let from = self.scroll.min(max);
        self.scroll = from.saturating_add_signed(delta).min(max);
    }

    /// A page: the lines on screen less one, so a line carries over.
    fn page(&self) -> isize {
        self.view.get().map_or(10, |(_, h)| h.saturating_sub(1).max(1)) as isize
    }
}

impl App {
    /// Open the report under the list's cursor full screen, and claim it
    /// when it is pending (§5a). The one place a detail opens.
    pub(crate) fn open_report_detail(&mut self, fx: &mut Vec<Effect>) {
        if let Some(r) = self.reports.selected_item() {
            let id = r.id.clone();
            self.report_detail = Some(ReportDetail::new(r, self.reports.selected));
            self.claim(&id, fx);
        }
    }

    /// Close the detail, the list's cursor on the report that was open
    /// (where it is now) if the list still shows it, and give back the
    /// claim. The one place a detail closes.
    pub(crate) fn close_report_detail(&mut self, fx: &mut Vec<Effect>) {
        let Some(d) = self.report_detail.take() else { return };
        self.release(fx);
        if let Some(i) = self.reports.shown().iter().position(|r| r.id == d.id) {
            self.reports.selected = i;
        }
    }

    /// The keymap section of the screen under any overlay: the tab's, or
    /// the report detail's while it is open (for the `?` overlay).
    pub(crate) fn screen_context(&self) -> crate::keymap::Context {
        if self.report_detail_open() {
            crate::keymap::Context::ReportDetail
        } else {
            self.tab.context()
        }
    }

    /// Whether the Reports tab shows a report full screen.
    pub(crate) fn report_detail_open(&self) -> bool {
        self.tab == Tab::Reports && self.report_detail.is_some()
    }

    /// The open report as the list holds it now; None when no detail is
    /// open or the list no longer holds it (the detail then says so).
    pub(crate) fn detail_report(&self) -> Option<&Report> {
        let id = &self.report_detail.as_ref()?.id;
        self.reports.items.iter().find(|r| r.id == *id)
    }

    /// What a decision on Reports is about: the open report in the detail
    /// (if it can still be decided), else the marked reports or the one
    /// under the cursor.
    pub(super) fn decision_targets(&self) -> Vec<&Report> {
        if !self.report_detail_open() {
            return self.reports.targets();
        }
        let pending = |r: &&Report| r.validation_status == ValidationStatus::Pending;
        self.detail_report().into_iter().filter(pending).collect()
    }

    /// The report `y` copies: the open one, else the one under the cursor.
    pub(super) fn copied_report(&self) -> Option<&Report> {
        if self.report_detail_open() { self.detail_report() } else { self.reports.selected_item() }
    }

    /// A key in the detail. Returns true when the screen must be redrawn.
    pub(super) fn on_report_detail(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        let Some(d) = self.report_detail.as_mut() else { return false };
        let page = d.page();
        match action {
            Action::Back if self.show_diagnostics => return self.on_tab_action(action, fx),
            Action::Back => self.close_report_detail(fx),
            Action::Up => d.scroll_by(-1),
            Action::Down => d.scroll_by(1),
            Action::PageUp => d.scroll_by(-page),
            Action::PageDown => d.scroll_by(page),
            Action::Top => d.scroll = 0,
            Action::Bottom => d.scroll_by(isize::MAX / 2),
            Action::NextReport => self.step_report_detail(1, fx),
            Action::PrevReport => self.step_report_detail(-1, fx),
            Action::Approve | Action::ApproveWithNotes | Action::Reject | Action::Flag => {
                match self.detail_report().map(|r| r.validation_status) {
                    Some(ValidationStatus::Pending) => return self.on_tab_action(action, fx),
                    Some(status) => {
                        self.message =
                            Some(format!("this report is {}: nothing to decide", status.as_str()));
                    }
                    None => self.message = Some("this report is no longer in the list".into()),
                }
            }
            _ => return self.on_tab_action(action, fx),
        }
        true
    }

    /// Show the report after (`delta` 1) or before (-1) the open one in
    /// the list as the reviewer met it: its neighbour where it is now; once
    /// it was decided (and the queue re-sorted it away) or left the list,
    /// the report now on the row it had, which came after it. Near the end
    /// the next page is fetched, as the list's own cursor does.
    fn step_report_detail(&mut self, delta: isize, fx: &mut Vec<Effect>) {
        let Some(d) = self.report_detail.as_ref() else { return };
        let row = d.row;
        let here = self.reports.shown().iter().position(|r| r.id == d.id);
        // Moved away: decided here or elsewhere and re-sorted, or gone.
        let moved = here != Some(row)
            && !self.detail_report().is_some_and(|r| r.validation_status == d.status);
        self.close_report_detail(fx);
        let Some(last) = self.reports.shown().len().checked_sub(1) else { return };
        if !moved {
            let before = self.reports.selected;
            self.move_cursor(delta, fx);
            if self.reports.selected == before {
                self.message = Some(match (delta > 0, self.reports.paging.has_more) {
                    (true, true) => "loading the next reports…".into(),
                    (true, false) => "this is the last report in the list".into(),
                    (false, _) => "this is the first report in the list".into(),
                });
            }
        } else {
            let to = if delta > 0 { row } else { row.saturating_sub(1) };
            self.reports.selected = to.min(last);
            self.move_cursor(0, fx);
        }
        self.open_report_detail(fx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stops_where_the_last_frame_ended() {
        let report: Report = serde_json::from_value(serde_json::json!({"id": 1})).unwrap();
        let mut d = ReportDetail::new(&report, 0);
        d.scroll_by(3);
        assert_eq!(d.scroll, 3, "before any frame the keys move freely");
        assert_eq!(d.shown(30, 20), 3);
        d.scroll_by(100);
        assert_eq!(d.scroll, 10, "no further than the last line at the bottom");
        d.scroll_by(-1);
        assert_eq!(d.scroll, 9, "and one up moves at once");
        assert_eq!(d.page(), 19);
        assert_eq!(d.shown(12, 20), 0, "the window grew: everything fits");
        d.scroll_by(-1);
        assert_eq!(d.scroll, 0);
    }
}
