//! The Insights and Reports tabs' state: server lists with a cursor that
//! stays on the item the user is on while items arrive live.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

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
}

impl Insights {
    /// A page arrived: offset 0 replaces the list, later pages append.
    /// The server says only the total, so more pages exist while the
    /// pages so far stop short of it.
    pub(crate) fn set_page(&mut self, offset: u32, items: Vec<Insight>, total: u64, now: Instant) {
        let keep = self.selected_item().map(|i| i.id.clone());
        let has_more = !items.is_empty() && u64::from(offset) + (items.len() as u64) < total;
        merge_page(&mut self.items, offset, items, |i| &i.id);
        self.paging.arrived(total, has_more, now);
        self.selected = reselect(&self.items, keep.as_ref(), self.selected, |i| &i.id);
    }

    /// A new insight arrives on top without moving the cursor off the item
    /// the user is on.
    pub(crate) fn insert_new(&mut self, insight: Insight) {
        if let Some(existing) = self.items.iter_mut().find(|i| i.id == insight.id) {
            *existing = insight;
            return;
        }
        self.items.insert(0, insight);
        self.paging.total += 1;
        if self.items.len() > 1 {
            self.selected += 1;
        }
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
        self.items.get(self.selected)
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

    /// Marked reports, or the one under the cursor, that can still be decided.
    pub(crate) fn targets(&self) -> Vec<&Report> {
        let pending = |r: &&Report| r.validation_status == ValidationStatus::Pending;
        if self.marked.is_empty() {
            self.selected_item().into_iter().filter(pending).collect()
        } else {
            self.items.iter().filter(|r| self.marked.contains(&r.id)).filter(pending).collect()
        }
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
            self.selected = self.selected.min(self.items.len().saturating_sub(1));
        } else {
            self.reselect(keep);
        }
        true
    }

    fn selected_id(&self) -> Option<Id> {
        self.items.get(self.selected).map(|r| r.id.clone())
    }

    fn reselect(&mut self, id: Option<Id>) {
        self.selected = reselect(&self.items, id.as_ref(), self.selected, |r| &r.id);
    }

    pub(crate) fn selected_item(&self) -> Option<&Report> {
        self.items.get(self.selected)
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
