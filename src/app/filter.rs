//! `/` on a list: free text that narrows it to the rows whose fields hold
//! every word typed (any case, anywhere in any field). One type for every
//! list that filters this way, so they match and highlight alike.

use std::ops::Range;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// The words, lower-cased; empty: no filter.
    words: Vec<String>,
    /// As typed, for the title and to edit again.
    pub text: String,
}

impl ListFilter {
    pub fn new(text: &str) -> ListFilter {
        let text = text.trim().to_owned();
        let words = text.split_whitespace().map(str::to_lowercase).collect();
        ListFilter { words, text }
    }

    pub fn is_active(&self) -> bool {
        !self.words.is_empty()
    }

    /// Whether a row with these fields stays: every word is in one of them.
    pub fn matches(&self, fields: &[&str]) -> bool {
        self.words.iter().all(|w| fields.iter().any(|f| f.to_lowercase().contains(w.as_str())))
    }

    /// Where the words are in `field` (byte ranges, in order, not
    /// overlapping), for highlighting.
    pub fn spans(&self, field: &str) -> Vec<Range<usize>> {
        let lower = field.to_lowercase();
        if lower.len() != field.len() {
            return Vec::new(); // a case change moved the bytes: highlight nothing
        }
        let mut out: Vec<Range<usize>> = self
            .words
            .iter()
            .flat_map(|w| lower.match_indices(w.as_str()).map(|(i, m)| i..i + m.len()))
            .collect();
        out.sort_by_key(|r| r.start);
        out.dedup_by(|b, a| b.start < a.end);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_be_somewhere_in_any_case() {
        let f = ListFilter::new("  btc USD ");
        assert!(f.is_active());
        assert_eq!(f.text, "btc USD");
        assert!(f.matches(&["BTC-USD"]));
        assert!(f.matches(&["BTC", "usd coin"]));
        assert!(!f.matches(&["ETH-USD"]));
        assert!(ListFilter::new("").matches(&["anything"]));
        assert!(!ListFilter::new(" ").is_active());
    }

    #[test]
    fn matches_are_found_for_highlighting() {
        let f = ListFilter::new("us btc");
        assert_eq!(f.spans("BTC-USD"), [0..3, 4..6]);
        assert_eq!(ListFilter::new("s").spans("SSS"), [0..1, 1..2, 2..3]);
    }
}
