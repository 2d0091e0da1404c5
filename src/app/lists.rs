//! The Insights and Reports tabs' state: server lists with a cursor that
//! stays on the item the user is on while items arrive live.

use crate::protocol::{FeedbackStats, Id, Insight, Report, ValidationStatus};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insights {
    pub items: Vec<Insight>,
    pub total: u64,
    pub selected: usize,
    pub loaded: bool,
    pub error: Option<String>,
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
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reports {
    pub items: Vec<Report>,
    pub total: u64,
    pub has_more: bool,
    pub selected: usize,
    pub loaded: bool,
    pub error: Option<String>,
}

fn status_rank(s: ValidationStatus) -> u8 {
    match s {
        ValidationStatus::Pending => 0,
        ValidationStatus::Flagged => 1,
        _ => 2,
    }
}

impl Reports {
    pub fn set(&mut self, mut items: Vec<Report>, total: u64, has_more: bool) {
        let keep = self.selected_id();
        items.sort_by_key(|r| status_rank(r.validation_status));
        self.items = items;
        self.total = total;
        self.has_more = has_more;
        self.loaded = true;
        self.error = None;
        self.reselect(keep);
    }

    /// A report changed elsewhere: update it in place and keep the queue
    /// order (pending first), keeping the cursor on the same report.
    pub fn apply_update(&mut self, r: Report) -> bool {
        let keep = self.selected_id();
        match self.items.iter_mut().find(|x| x.id == r.id) {
            Some(slot) => *slot = r,
            None if r.validation_status == ValidationStatus::Pending => {
                self.items.push(r);
                self.total += 1;
            }
            None => return false,
        }
        self.items.sort_by_key(|r| status_rank(r.validation_status));
        self.reselect(keep);
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
