//! The Insights and Reports tabs' state: server lists with a cursor that
//! stays on the item the user is on while items arrive live.

use std::collections::{BTreeSet, HashMap};

use super::review::ReportFilter;
use crate::protocol::{FeedbackStats, Id, Insight, Report, ValidationStatus};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insights {
    pub items: Vec<Insight>,
    pub total: u64,
    pub selected: usize,
    pub loaded: bool,
    pub error: Option<String>,
    /// Feedback statistics per insight, fetched for the detail pane.
    pub stats: HashMap<Id, FeedbackStats>,
}

impl Insights {
    pub fn set(&mut self, items: Vec<Insight>, total: u64) {
        let keep = self.items.get(self.selected).map(|i| i.id.clone());
        self.items = items;
        self.total = total;
        self.loaded = true;
        self.error = None;
        self.selected = keep
            .and_then(|id| self.items.iter().position(|i| i.id == id))
            .unwrap_or(0)
            .min(self.items.len().saturating_sub(1));
    }

    /// A new insight arrives on top without moving the cursor off the item
    /// the user is on.
    pub fn insert_new(&mut self, insight: Insight) {
        if let Some(existing) = self.items.iter_mut().find(|i| i.id == insight.id) {
            *existing = insight;
            return;
        }
        self.items.insert(0, insight);
        self.total += 1;
        if self.items.len() > 1 {
            self.selected += 1;
        }
    }

    pub fn apply_stats(&mut self, s: &FeedbackStats) -> bool {
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

    pub fn selected_item(&self) -> Option<&Insight> {
        self.items.get(self.selected)
    }

    /// Show a rating before the server confirms it.
    pub fn rate_locally(&mut self, id: &Id, rating: u8) {
        if let Some(i) = self.items.iter_mut().find(|i| i.id == *id) {
            let n = i.rating_count as f64;
            i.avg_rating = (i.avg_rating * n + f64::from(rating)) / (n + 1.0);
            i.rating_count += 1;
        }
    }

    pub fn flag_locally(&mut self, id: &Id) {
        if let Some(i) = self.items.iter_mut().find(|i| i.id == *id) {
            i.flag_count += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reports {
    pub items: Vec<Report>,
    pub total: u64,
    pub has_more: bool,
    pub selected: usize,
    pub loaded: bool,
    /// A page is being fetched.
    pub loading: bool,
    pub error: Option<String>,
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
    pub fn set_page(&mut self, offset: u32, mut items: Vec<Report>, total: u64, has_more: bool) {
        let keep = self.selected_id();
        if offset == 0 {
            self.items.clear();
        }
        items.retain(|r| !self.items.iter().any(|x| x.id == r.id));
        self.items.extend(items);
        self.items.sort_by_key(|r| status_rank(r.validation_status));
        self.total = total;
        self.has_more = has_more;
        self.loaded = true;
        self.loading = false;
        self.error = None;
        let ids: BTreeSet<&Id> = self.items.iter().map(|r| &r.id).collect();
        self.marked.retain(|id| ids.contains(id));
        self.reselect(keep);
    }

    pub fn set(&mut self, items: Vec<Report>, total: u64, has_more: bool) {
        self.set_page(0, items, total, has_more);
    }

    /// Marked reports, or the one under the cursor, that can still be decided.
    pub fn targets(&self) -> Vec<&Report> {
        let pending = |r: &&Report| r.validation_status == ValidationStatus::Pending;
        if self.marked.is_empty() {
            self.selected_item().into_iter().filter(pending).collect()
        } else {
            self.items.iter().filter(|r| self.marked.contains(&r.id)).filter(pending).collect()
        }
    }

    /// Show a decision before the server confirms it.
    pub fn decide_locally(&mut self, id: &Id, status: ValidationStatus, notes: Option<String>) {
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
    pub fn apply_update(&mut self, r: Report) -> bool {
        let keep = self.selected_id();
        let moved_selected = keep.as_ref() == Some(&r.id);
        match self.items.iter_mut().find(|x| x.id == r.id) {
            Some(slot) => *slot = r,
            None if r.validation_status == ValidationStatus::Pending => {
                self.items.push(r);
                self.total += 1;
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
        self.selected = id
            .and_then(|id| self.items.iter().position(|r| r.id == id))
            .unwrap_or(self.selected)
            .min(self.items.len().saturating_sub(1));
    }

    pub fn selected_item(&self) -> Option<&Report> {
        self.items.get(self.selected)
    }

    pub fn pending(&self) -> usize {
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
        l.set(vec![insight(1), insight(2), insight(3)], 3);
        l.selected = 1;
        l.insert_new(insight(9));
        assert_eq!(l.selected_item().map(|i| i.id.as_str()), Some("2"));
        assert_eq!(l.items[0].id.as_str(), "9");
        assert_eq!(l.total, 4);
    }
}
