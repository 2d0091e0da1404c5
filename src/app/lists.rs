//! The Insights and Reports tabs' state: server lists with a cursor that
//! stays on the item the user is on while items arrive live. A `/` filter
//! narrows what is loaded to the rows shown; the cursor, paging and every
//! action work on the rows shown.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use super::ListFilter;
use super::filter::ReportFilter;
use super::paging::{Paging, merge_page, reselect};
use super::scroll::ScrollState;
use crate::protocol::{FeedbackStats, Id, Insight, Report, ValidationStatus};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insights {
    pub items: Vec<Insight>,
    /// The server's total, more pages, and how the last fetch went.
    pub paging: Paging,
    pub selected: usize,
    /// Where the list's view starts, kept between frames.
    pub scroll: ScrollState,
    /// Feedback statistics per insight, fetched for the detail pane.
    pub stats: HashMap<Id, FeedbackStats>,
    /// `/`: the insights shown are those whose title or category match.
    pub filter: ListFilter,
}

/// The offset of the next page when the cursor, on row `cursor` of the
/// `shown` rows, is near their end (the filter may hide most of the
/// `loaded` items: what counts is how near the end of what is shown the
/// cursor is, and the next page starts after what is loaded).
fn next_page(
    paging: &mut Paging,
    cursor: usize,
    shown: usize,
    loaded: usize,
    now: Instant,
) -> Option<u32> {
    let hidden = loaded.saturating_sub(shown);
    paging.next_page(cursor + hidden, loaded, now)
}

impl Insights {
    /// A page arrived: offset 0 replaces the list, later pages append.
    /// The server says only the total, so more pages exist while the
    /// pages so far stop short of it.
    pub(crate) fn set_page(&mut self, offset: u32, items: Vec<Insight>, total: u64, now: Instant) {
        let keep = self.selected_id();
        let has_more = !items.is_empty() && u64::from(offset) + (items.len() as u64) < total;
        merge_page(&mut self.items, offset, items, |i| &i.id);
        self.paging.arrived(total, has_more, now);
        self.reselect(keep);
    }

    /// A new insight arrives on top without moving the cursor off the item
    /// the user is on.
    pub(crate) fn insert_new(&mut self, insight: Insight) {
        if let Some(existing) = self.items.iter_mut().find(|i| i.id == insight.id) {
            *existing = insight;
            return;
        }
        let keep = self.selected_id();
        self.items.insert(0, insight);
        self.paging.total += 1;
        self.reselect(keep);
    }

    /// The insights the filter shows, in order.
    pub(crate) fn shown(&self) -> Vec<&Insight> {
        self.items.iter().filter(|i| self.filter.matches(&[&i.title, &i.category])).collect()
    }

    /// A new filter; the cursor stays on its insight if that is still
    /// shown, else goes to the first row.
    pub(crate) fn set_filter(&mut self, filter: ListFilter) {
        let keep = self.selected_id();
        self.filter = filter;
        self.selected =
            keep.and_then(|id| self.shown().iter().position(|i| i.id == id)).unwrap_or(0);
    }

    /// Move the cursor over the rows shown. Returns the offset of the next
    /// page when the cursor came near the end of them and there is more.
    pub(crate) fn move_selection(&mut self, delta: isize, now: Instant) -> Option<u32> {
        let shown = self.shown().len();
        self.selected = super::step(self.selected, delta, shown);
        next_page(&mut self.paging, self.selected, shown, self.items.len(), now)
    }

    fn selected_id(&self) -> Option<Id> {
        self.selected_item().map(|i| i.id.clone())
    }

    fn reselect(&mut self, id: Option<Id>) {
        self.selected = reselect(&self.shown(), id.as_ref(), self.selected, |i| &i.id);
    }

    pub(crate) fn apply_stats(&mut self, s: &FeedbackStats) -> bool {
        self.stats.insert(s.insight_id.clone(), s.clone());
        match self.items.iter_mut().find(|i| i.id == s.insight_id) {
            Some(i) => {
                i.avg_rating = s.avg_rating;
                i.rating_count = s.rating_count;
                i.flag_count = s.flag_count;
                true
            }
            None => false,
        }
    }

    pub(crate) fn selected_item(&self) -> Option<&Insight> {
        self.shown().get(self.selected).copied()
    }

    /// Show a rating before the server confirms it.
    pub(crate) fn rate_locally(&mut self, id: &Id, rating: u8) {
        if let Some(i) = self.items.iter_mut().find(|i| i.id == *id) {
            let n = i.rating_count as f64;
            i.avg_rating = (i.avg_rating * n + f64::from(rating)) / (n + 1.0);
            i.rating_count += 1;
        }
    }

    pub(crate) fn flag_locally(&mut self, id: &Id) {
        if let Some(i) = self.items.iter_mut().find(|i| i.id == *id) {
            i.flag_count += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reports {
    pub items: Vec<Report>,
    /// The server's total, more pages, and how the last fetch went.
    pub paging: Paging,
    pub selected: usize,
    /// Where the list's view starts, kept between frames.
    pub scroll: ScrollState,
    pub filter: ReportFilter,
    /// Reports marked with Space for a bulk decision.
    pub marked: BTreeSet<Id>,
}

fn status_rank(s: ValidationStatus) -> u8 {
    match s {
        ValidationStatus::Pending => 0,
        ValidationStatus::Flagged => 1,
        _ => 2,
    }
}

impl Reports {
    /// A page arrived: offset 0 replaces the list, later pages append.
    pub(crate) fn set_page(
        &mut self,
        offset: u32,
        items: Vec<Report>,
        total: u64,
        has_more: bool,
        now: Instant,
    ) {
        let keep = self.selected_id();
        merge_page(&mut self.items, offset, items, |r| &r.id);
        self.items.sort_by_key(|r| status_rank(r.validation_status));
        self.paging.arrived(total, has_more, now);
        let ids: BTreeSet<&Id> = self.items.iter().map(|r| &r.id).collect();
        self.marked.retain(|id| ids.contains(id));
        self.reselect(keep);
    }

    /// The reports a decision is for, those that can still be decided of:
    /// the marked ones the filter shows, or, when none of them is shown,
    /// the one under the cursor. A marked report the filter hides is never
    /// decided unseen; it stays marked (the title counts it).
    pub(crate) fn targets(&self) -> Vec<&Report> {
        let pending = |r: &&Report| r.validation_status == ValidationStatus::Pending;
        let shown = self.shown();
        let marked: Vec<&Report> =
            shown.iter().copied().filter(|r| self.marked.contains(&r.id)).collect();
        if marked.is_empty() {
            self.selected_item().into_iter().filter(pending).collect()
        } else {
            marked.into_iter().filter(pending).collect()
        }
    }

    /// The reports the filter's words show (all loaded without words).
    pub(crate) fn shown(&self) -> Vec<&Report> {
        let words = &self.filter.words;
        self.items
            .iter()
            .filter(|r| words.matches(&[r.id.as_str(), &r.account_number, &r.account_title]))
            .collect()
    }

    /// Marked reports the filter hides.
    pub(crate) fn marked_hidden(&self) -> usize {
        let shown = self.shown();
        self.marked.iter().filter(|id| !shown.iter().any(|r| r.id == **id)).count()
    }

    /// New words to find among what is loaded (the server's part of the
    /// filter unchanged); the cursor stays on its report if still shown,
    /// else goes to the first row.
    pub(crate) fn set_words(&mut self, words: ListFilter) {
        let keep = self.selected_id();
        self.filter.words = words;
        self.selected =
            keep.and_then(|id| self.shown().iter().position(|r| r.id == id)).unwrap_or(0);
    }

    /// Move the cursor over the rows shown. Returns the offset of the next
    /// page when the cursor came near the end of them and there is more.
    pub(crate) fn move_selection(&mut self, delta: isize, now: Instant) -> Option<u32> {
        let shown = self.shown().len();
        self.selected = super::step(self.selected, delta, shown);
        next_page(&mut self.paging, self.selected, shown, self.items.len(), now)
    }

    /// Mark the report under the cursor (or unmark it) and move on to the
    /// next row shown.
    pub(crate) fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id()
            && !self.marked.remove(&id)
        {
            self.marked.insert(id);
        }
        self.selected = super::step(self.selected, 1, self.shown().len());
    }

    /// Show a decision before the server confirms it.
    pub(crate) fn decide_locally(
        &mut self,
        id: &Id,
        status: ValidationStatus,
        notes: Option<String>,
    ) {
        if let Some(r) = self.items.iter_mut().find(|r| r.id == *id) {
            r.validation_status = status;
            if notes.is_some() {
                r.notes = notes;
            }
        }
    }

    /// A report changed (here or elsewhere): update it and keep the queue
    /// order (pending first). The cursor stays on the report it was on;
    /// if that report itself moved away, on the row where it was.
    pub(crate) fn apply_update(&mut self, r: Report) -> bool {
        let keep = self.selected_id();
        let moved_selected = keep.as_ref() == Some(&r.id);
        match self.items.iter_mut().find(|x| x.id == r.id) {
            Some(slot) => *slot = r,
            None if r.validation_status == ValidationStatus::Pending => {
                self.items.push(r);
                self.paging.total += 1;
            }
            None => return false,
        }
        self.items.sort_by_key(|r| status_rank(r.validation_status));
        if moved_selected {
            self.selected = self.selected.min(self.shown().len().saturating_sub(1));
        } else {
            self.reselect(keep);
        }
        true
    }

    fn selected_id(&self) -> Option<Id> {
        self.selected_item().map(|r| r.id.clone())
    }

    fn reselect(&mut self, id: Option<Id>) {
        self.selected = reselect(&self.shown(), id.as_ref(), self.selected, |r| &r.id);
    }

    pub(crate) fn selected_item(&self) -> Option<&Report> {
        self.shown().get(self.selected).copied()
    }

    pub(crate) fn pending(&self) -> usize {
        self.items.iter().filter(|r| r.validation_status == ValidationStatus::Pending).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insight(id: i64) -> Insight {
        Insight {
            id: id.into(),
            title: format!("i{id}"),
            summary: String::new(),
            category: "c".into(),
            confidence: 0.5,
            created_at: None,
            avg_rating: 0.0,
            rating_count: 0,
            flag_count: 0,
        }
    }

    #[test]
    fn new_insight_does_not_move_the_cursor_off_the_item() {
        let mut l = Insights::default();
        l.set_page(0, vec![insight(1), insight(2), insight(3)], 3, Instant::now());
        l.selected = 1;
        l.insert_new(insight(9));
        assert_eq!(l.selected_item().map(|i| i.id.as_str()), Some("2"));
        assert_eq!(l.items[0].id.as_str(), "9");
        assert_eq!(l.paging.total, 4);
    }
}
