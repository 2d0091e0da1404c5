//! `/` on a list: free text that narrows it to the rows whose fields hold
//! every word typed (any case, anywhere in any field). One type for every
//! list that filters this way, so they match and highlight alike. The
//! report queue's filter adds a part the server applies.

use std::ops::Range;

use chrono::NaiveDate;

use crate::api::ReportQuery;

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

/// Filter for the report queue, typed as `status:pending account:ACC-1
/// from:2024-01-01 to:2024-01-31` (any subset, any order), which the
/// server applies, and words, which narrow what is loaded to the reports
/// holding each of them in their id, account number or account title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub status: Option<String>,
    pub account: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The words that are not `key:value`: never sent, matched here.
    pub words: super::ListFilter,
}

impl ReportFilter {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut f = ReportFilter::default();
        let mut words = Vec::new();
        for token in text.split_whitespace() {
            let Some((key, value)) = token.split_once(':') else {
                words.push(token);
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(format!("`{key}:` needs a value"));
            }
            match key {
                "status" => match value {
                    "all" => f.status = None,
                    "pending" | "approved" | "rejected" | "flagged" => {
                        f.status = Some(value.into())
                    }
                    _ => {
                        return Err(format!(
                            "status `{value}`: pending, approved, rejected, flagged or all"
                        ));
                    }
                },
                "account" => f.account = Some(value.into()),
                "from" | "to" => {
                    NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .map_err(|_| format!("{key} `{value}`: a date as YYYY-MM-DD"))?;
                    *(if key == "from" { &mut f.from } else { &mut f.to }) = Some(value.into());
                }
                _ => return Err(format!("unknown filter `{key}` (status, account, from, to)")),
            }
        }
        if let (Some(a), Some(b)) = (&f.from, &f.to)
            && a > b
        {
            return Err(format!("from {a} is after to {b}"));
        }
        f.words = super::ListFilter::new(&words.join(" "));
        Ok(f)
    }

    /// The whole filter as it is typed: the server's part, then the words.
    pub(crate) fn to_text(&self) -> String {
        let server = self.server_text();
        match (server.is_empty(), self.words.is_active()) {
            (_, false) => server,
            (true, true) => self.words.text.clone(),
            (false, true) => format!("{server} {}", self.words.text),
        }
    }

    /// The part the server applies, as typed (`status:pending account:…`).
    pub(crate) fn server_text(&self) -> String {
        let parts = [
            ("status", &self.status),
            ("account", &self.account),
            ("from", &self.from),
            ("to", &self.to),
        ];
        parts
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the server would answer both filters alike (only the words
    /// differ, if anything).
    pub(crate) fn same_query(&self, other: &ReportFilter) -> bool {
        (&self.status, &self.account, &self.from, &self.to)
            == (&other.status, &other.account, &other.from, &other.to)
    }

    pub(crate) fn query(&self, limit: u32, offset: u32) -> ReportQuery {
        ReportQuery {
            status: self.status.clone(),
            account: self.account.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit,
            offset,
        }
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

    #[test]
    fn filters_parse_and_print_back() {
        let f = ReportFilter::parse("status:pending  account:ACC-1 from:2024-01-01 to:2024-01-31")
            .unwrap();
        assert_eq!(f.status.as_deref(), Some("pending"));
        assert_eq!(f.to_text(), "status:pending account:ACC-1 from:2024-01-01 to:2024-01-31");
        assert_eq!(ReportFilter::parse("").unwrap(), ReportFilter::default());
        assert_eq!(ReportFilter::parse("status:all").unwrap().status, None);
    }

    #[test]
    fn words_that_are_not_key_value_are_found_here_not_sent() {
        let f = ReportFilter::parse("acme status:pending  Fund").unwrap();
        assert_eq!(f.status.as_deref(), Some("pending"));
        assert_eq!(f.words.text, "acme Fund");
        assert_eq!(f.to_text(), "status:pending acme Fund");
        assert_eq!(f.server_text(), "status:pending");
        assert!(f.same_query(&ReportFilter::parse("status:pending").unwrap()));
        assert!(!f.same_query(&ReportFilter::parse("acme").unwrap()));
        let q = f.query(50, 0);
        assert_eq!(
            (q.status.as_deref(), q.account, q.from, q.to),
            (Some("pending"), None, None, None)
        );
        assert_eq!(ReportFilter::parse("acme").unwrap().to_text(), "acme");
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        assert!(ReportFilter::parse("status:maybe").unwrap_err().contains("pending"));
        assert!(ReportFilter::parse("from:2024-13-01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(ReportFilter::parse("colour:red").unwrap_err().contains("unknown filter"));
        assert!(ReportFilter::parse("account:").unwrap_err().contains("needs a value"));
        assert!(
            ReportFilter::parse("from:2024-02-01 to:2024-01-01").unwrap_err().contains("after")
        );
    }
}
