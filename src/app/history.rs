//! Fixed-size history of recent values, for sparklines.

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    values: VecDeque<f64>,
    cap: usize,
}

impl History {
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        History { values: VecDeque::with_capacity(cap), cap }
    }

    pub fn push(&mut self, v: f64) {
        if self.values.len() == self.cap {
            self.values.pop_front();
        }
        self.values.push_back(v);
    }

    /// Replace the newest value (or push the first).
    pub fn set_last(&mut self, v: f64) {
        match self.values.back_mut() {
            Some(last) => *last = v,
            None => self.values.push_back(v),
        }
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn last(&self) -> Option<f64> {
        self.values.back().copied()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = f64> + ExactSizeIterator + Clone + '_ {
        self.values.iter().copied()
    }

    /// The newest `n` values, oldest first.
    pub fn tail(&self, n: usize) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().copied().skip(self.values.len().saturating_sub(n))
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
        assert_eq!(h.tail(2).collect::<Vec<_>>(), vec![4.0, 5.0]);
        assert_eq!(h.last(), Some(5.0));
    }
}
