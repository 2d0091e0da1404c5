//! `/` and Esc on every list: `/` opens a one-line entry holding the
//! list's filter as typed, Enter applies it (empty: none), Esc on the tab
//! clears it. The cursor stays on the row it was on when that row is still
//! shown, else goes to the first row shown. Reports' filter has a part the
//! server applies (`status:` …) besides its words; see [`App::set_report_filter`].

use super::review::{Modal, Purpose, REPORT_PAGE, TextEntry};
use super::{App, ListFilter, ReportFilter, Tab};
use crate::event::Effect;

/// The entry's title: what the words are matched against (short enough
/// for the dialog at 80 columns).
fn entry_title(tab: Tab) -> &'static str {
    match tab {
        Tab::Markets => "Filter the watchlist: symbols holding every word (empty shows all)",
        Tab::Insights => "Filter insights: title or category holding every word (empty: all)",
        Tab::Alerts => "Filter alerts: id, title, message, source, labels, severity",
        Tab::Status => "Filter jobs: id, name and status holding every word (empty: all)",
        Tab::Reports | Tab::Metrics => "Filter (empty: all)",
    }
}

impl App {
    /// The `/` filter of the list on `tab` (for Reports, its words).
    pub fn list_filter(&self, tab: Tab) -> Option<&ListFilter> {
        match tab {
            Tab::Markets => Some(&self.markets.filter),
            Tab::Insights => Some(&self.insights.filter),
            Tab::Alerts => Some(&self.alerts.filter),
            Tab::Status => Some(&self.status.jobs_filter),
            Tab::Reports => Some(&self.reports.filter.words),
            Tab::Metrics => None,
        }
    }

    /// `/` on a list other than Reports': edit its filter.
    pub(super) fn begin_list_filter(&mut self, tab: Tab) {
        let Some(initial) = self.list_filter(tab).map(|f| f.text.clone()) else { return };
        let entry = TextEntry::new(
            entry_title(tab).into(),
            Purpose::ListFilter(tab),
            false,
            false,
            &initial,
        );
        self.modal = Some(Modal::text(entry));
    }

    /// Filter the list on `tab` (a filter that matches everything: none).
    pub(super) fn set_list_filter(&mut self, tab: Tab, filter: ListFilter, fx: &mut Vec<Effect>) {
        match tab {
            Tab::Markets => {
                let m = &mut self.markets;
                let keep = m.selected_symbol();
                m.filter = filter;
                let rows = m.rows();
                m.selected = keep.and_then(|s| rows.iter().position(|r| *r == s)).unwrap_or(0);
            }
            Tab::Insights => {
                self.insights.set_filter(filter);
                self.more_if_near_the_end(tab, fx);
                self.want_stats(fx);
            }
            Tab::Alerts => {
                // The cursor follows an alert by id: it is now on the one
                // shown under it, and stays there when the words go.
                let a = &mut self.alerts;
                a.filter = filter;
                a.selected = a.selected_row(self.wall).map(|r| r.alert.id.clone());
            }
            Tab::Status => self.status.jobs_filter = filter,
            Tab::Reports => {
                self.reports.set_words(filter);
                self.more_if_near_the_end(tab, fx);
            }
            Tab::Metrics => {}
        }
    }

    /// The Reports filter typed: words alone changed narrow what is loaded
    /// at once; a new server part fetches the queue again from its first
    /// page (marks go: the rows they were on may not come back).
    pub(super) fn set_report_filter(&mut self, filter: ReportFilter, fx: &mut Vec<Effect>) {
        let words = filter.words.clone();
        if !filter.same_query(&self.reports.filter) {
            let r = &mut self.reports;
            r.filter = ReportFilter { words: r.filter.words.clone(), ..filter };
            r.marked.clear();
            r.paging.load.start(self.now);
            fx.push(Effect::FetchReports(r.filter.query(REPORT_PAGE, 0)));
        }
        self.set_list_filter(Tab::Reports, words, fx);
    }

    /// Esc on a tab: clear its filter. On Reports the words go first, then,
    /// at a second Esc, the server's part (the queue is fetched again).
    /// Returns false when there was nothing to clear.
    pub(super) fn clear_filter(&mut self, fx: &mut Vec<Effect>) -> bool {
        let tab = self.tab;
        if self.list_filter(tab).is_some_and(ListFilter::is_active) {
            self.set_list_filter(tab, ListFilter::default(), fx);
            return true;
        }
        let server = self.reports.filter.server_text();
        if tab != Tab::Reports || server.is_empty() {
            return false;
        }
        self.set_report_filter(ReportFilter::default(), fx);
        self.message = Some(format!("filter {server} cleared: the whole queue"));
        true
    }

    /// After the rows shown changed: the next page, if the cursor is now
    /// as near the end of them as scrolling there would fetch it.
    fn more_if_near_the_end(&mut self, tab: Tab, fx: &mut Vec<Effect>) {
        let now = self.now;
        match tab {
            Tab::Insights => {
                if let Some(offset) = self.insights.move_selection(0, now) {
                    fx.push(Effect::FetchInsights { offset });
                }
            }
            Tab::Reports => {
                if let Some(offset) = self.reports.move_selection(0, now) {
                    let query = self.reports.filter.query(REPORT_PAGE, offset);
                    fx.push(Effect::FetchReports(query));
                }
            }
            _ => {}
        }
    }
}
