//! Fixed-size history of recent values, for sparklines.

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    values: VecDeque<f64>,
    cap: usize,
}

impl History {
    pub(crate) fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        History { values: VecDeque::with_capacity(cap), cap }
    }

    pub(crate) fn push(&mut self, v: f64) {
        if self.values.len() == self.cap {
            self.values.pop_front();
        }
        self.values.push_back(v);
    }

    /// Replace the newest value (or push the first).
    pub(crate) fn set_last(&mut self, v: f64) {
        match self.values.back_mut() {
            Some(last) => *last = v,
            None => self.values.push_back(v),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn last(&self) -> Option<f64> {
        self.values.back().copied()
    }

    pub(crate) fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = f64> + ExactSizeIterator + Clone + '_ {
        self.values.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_newest_values() {
        let mut h = History::new(3);
        for v in 1..=5 {
            h.push(v as f64);
        }
        assert_eq!(h.iter().collect::<Vec<_>>(), vec![3.0, 4.0, 5.0]);
        assert_eq!(h.len(), 3);
        assert_eq!(h.last(), Some(5.0));
    }
}
