//! Review workflows: the dialogs (confirm, text entry, rating, filter,
//! outbox view) and the decisions they turn into outbox actions. Decisions
//! show at once (optimistically) and are marked pending until delivered.

use chrono::NaiveDate;
use ratatui_textarea::TextArea;

use super::{App, Tab};
use crate::api::ReportQuery;
use crate::event::Effect;
use crate::outbox::{Action, Item, ItemStatus};
use crate::protocol::{Id, ValidationStatus};

/// Reports fetched per page.
pub const REPORT_PAGE: u32 = 50;

/// Filter for the report queue, typed as `status:pending account:ACC-1
/// from:2024-01-01 to:2024-01-31` (any subset, any order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub status: Option<String>,
    pub account: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl ReportFilter {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut f = ReportFilter::default();
        for token in text.split_whitespace() {
            let Some((key, value)) = token.split_once(':') else {
                return Err(format!("`{token}`: write key:value (status, account, from, to)"));
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
        Ok(f)
    }

    pub(crate) fn to_text(&self) -> String {
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

/// What a confirmed dialog does.
#[derive(Debug, Clone, PartialEq)]
pub enum OnConfirm {
    Enqueue(Vec<Action>),
    DropItem(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    pub on_yes: OnConfirm,
}

/// What submitted text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    ApproveNotes(Vec<Id>),
    Reject(Vec<Id>),
    FlagReport(Vec<Id>),
    Comment(Id),
    FlagInsight(Id),
    Filter,
    /// Acknowledge this alert, the text being an optional note.
    AckNote(Id),
    /// Snooze this alert for the duration typed.
    SnoozeFor(Id),
    /// A price alert on this symbol, the text being its rule.
    PriceAlert(String),
    /// The watchlist's `/` filter (empty: none).
    WatchlistFilter,
}

#[derive(Debug, Clone)]
pub struct TextEntry {
    pub title: String,
    pub editor: TextArea<'static>,
    /// Enter adds a line and Ctrl-S submits; otherwise Enter submits.
    pub multiline: bool,
    pub required: bool,
    pub purpose: Purpose,
    pub error: Option<String>,
}

impl TextEntry {
    pub(super) fn new(
        title: String,
        purpose: Purpose,
        multiline: bool,
        required: bool,
        initial: &str,
    ) -> Self {
        let mut editor = TextArea::new(vec![initial.to_owned()]);
        editor.move_cursor(ratatui_textarea::CursorMove::End);
        TextEntry { title, editor, multiline, required, purpose, error: None }
    }

    pub(crate) fn text(&self) -> String {
        self.editor.lines().join("\n").trim().to_owned()
    }

    /// The keymap section that serves this entry.
    pub(crate) fn context(&self) -> crate::keymap::Context {
        use crate::keymap::Context;
        if self.multiline { Context::Note } else { Context::Text }
    }
}

#[derive(Debug, Clone)]
pub enum Modal {
    Confirm(Confirm),
    Text(Box<TextEntry>),
    /// `r` was pressed on an insight: waiting for 1-5.
    Rate {
        insight: Id,
        title: String,
    },
    /// The outbox view, with its cursor.
    Outbox {
        selected: usize,
    },
    /// The price alerts' list, with its cursor.
    PriceAlerts {
        selected: usize,
    },
}

impl Modal {
    pub(super) fn text(entry: TextEntry) -> Modal {
        Modal::Text(Box::new(entry))
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") }
}

impl App {
    /// Items not yet delivered (pending or failed).
    pub(crate) fn undelivered(&self) -> impl Iterator<Item = &Item> {
        self.outbox.iter().filter(|i| i.status != ItemStatus::Delivered)
    }

    /// Whether an action on this report or insight is still on its way.
    pub(crate) fn has_pending(&self, report: Option<&Id>, insight: Option<&Id>) -> bool {
        self.undelivered().any(|i| {
            i.status == ItemStatus::Pending
                && ((report.is_some() && i.action.report() == report)
                    || (insight.is_some() && i.action.insight() == insight))
        })
    }

    /// An action key on a read-only token: say so instead of acting.
    pub(super) fn refuse_if_read_only(&mut self) -> bool {
        match &self.read_only {
            Some(why) => {
                self.message = Some(format!("read-only: {why}"));
                true
            }
            None => false,
        }
    }

    pub(super) fn begin_approve(&mut self, with_notes: bool) {
        if self.refuse_if_read_only() {
            return;
        }
        let targets: Vec<(Id, String)> = self
            .decision_targets()
            .iter()
            .map(|r| (r.id.clone(), format!("{} {}", r.account_number, r.account_title)))
            .collect();
        if targets.is_empty() {
            self.message = Some("nothing pending to approve here".into());
            return;
        }
        let ids: Vec<Id> = targets.iter().map(|(id, _)| id.clone()).collect();
        if with_notes {
            let title = format!("Approve {} with notes", plural(ids.len(), "report"));
            self.modal = Some(Modal::text(TextEntry::new(
                title,
                Purpose::ApproveNotes(ids),
                false,
                true,
                "",
            )));
            return;
        }
        let actions =
            ids.iter().map(|id| Action::Approve { report: id.clone(), notes: None }).collect();
        let mut lines: Vec<String> =
            targets.iter().take(6).map(|(id, who)| format!("report {id} · {who}")).collect();
        if targets.len() > 6 {
            lines.push(format!("… and {} more", targets.len() - 6));
        }
        self.modal = Some(Modal::Confirm(Confirm {
            title: format!("Approve {}?", plural(targets.len(), "report")),
            lines,
            on_yes: OnConfirm::Enqueue(actions),
        }));
    }

    pub(super) fn begin_reason(&mut self, reject: bool) {
        if self.refuse_if_read_only() {
            return;
        }
        let ids: Vec<Id> = self.decision_targets().iter().map(|r| r.id.clone()).collect();
        if ids.is_empty() {
            self.message = Some("nothing pending to decide here".into());
            return;
        }
        let (verb, purpose) = if reject {
            ("Reject", Purpose::Reject(ids.clone()))
        } else {
            ("Flag", Purpose::FlagReport(ids.clone()))
        };
        let title = format!("{verb} {}: reason (required)", plural(ids.len(), "report"));
        self.modal = Some(Modal::text(TextEntry::new(title, purpose, false, true, "")));
    }

    pub(super) fn begin_insight(&mut self, what: InsightAction) {
        if self.refuse_if_read_only() {
            return;
        }
        let Some(i) = self.insights.selected_item() else { return };
        let (id, title) = (i.id.clone(), i.title.clone());
        self.modal = Some(match what {
            InsightAction::Rate => Modal::Rate { insight: id, title },
            InsightAction::Comment => Modal::text(TextEntry::new(
                format!("Comment on “{title}”"),
                Purpose::Comment(id),
                true,
                true,
                "",
            )),
            InsightAction::Flag => Modal::text(TextEntry::new(
                format!("Flag “{title}”: reason (required)"),
                Purpose::FlagInsight(id),
                false,
                true,
                "",
            )),
        });
    }

    pub(super) fn begin_filter(&mut self) {
        let text = self.reports.filter.to_text();
        let entry = TextEntry::new(
            "Filter: status:pending account:ACC from:YYYY-MM-DD to:YYYY-MM-DD (empty: all)".into(),
            Purpose::Filter,
            false,
            false,
            &text,
        );
        self.modal = Some(Modal::text(entry));
    }

    /// A rating chosen in the rating dialog: shown at once, then sent.
    pub(super) fn rate(&mut self, insight: Id, rating: u8, fx: &mut Vec<Effect>) {
        self.insights.rate_locally(&insight, rating);
        self.message = Some(format!("rated {rating}★ (sending)"));
        fx.push(Effect::Enqueue(vec![Action::Rate { insight, rating }]));
    }

    pub(super) fn submit_text(
        &mut self,
        purpose: Purpose,
        text: String,
        fx: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let actions = match purpose {
            Purpose::AckNote(_) | Purpose::SnoozeFor(_) => {
                return self.submit_alert(purpose, text, fx);
            }
            Purpose::PriceAlert(symbol) => return self.submit_price_alert(&symbol, &text, fx),
            Purpose::WatchlistFilter => {
                self.markets.filter = super::ListFilter::new(&text);
                self.markets.selected = 0;
                return Ok(());
            }
            Purpose::Filter => {
                let filter = ReportFilter::parse(&text)?;
                self.reports.filter = filter;
                self.reports.marked.clear();
                self.reports.paging.load.start(self.now);
                fx.push(Effect::FetchReports(self.reports.filter.query(REPORT_PAGE, 0)));
                return Ok(());
            }
            Purpose::ApproveNotes(ids) => ids
                .into_iter()
                .map(|report| Action::Approve { report, notes: Some(text.clone()) })
                .collect(),
            Purpose::Reject(ids) => ids
                .into_iter()
                .map(|report| Action::Reject { report, reason: text.clone() })
                .collect(),
            Purpose::FlagReport(ids) => ids
                .into_iter()
                .map(|report| Action::FlagReport { report, reason: text.clone() })
                .collect(),
            Purpose::Comment(insight) => vec![Action::Comment { insight, text }],
            Purpose::FlagInsight(insight) => {
                self.insights.flag_locally(&insight);
                vec![Action::FlagInsight { insight, reason: text }]
            }
        };
        self.enqueue(actions, fx);
        Ok(())
    }

    /// Carry out a confirmed dialog; returns the dialog to show next.
    pub(super) fn confirm(&mut self, on_yes: OnConfirm, fx: &mut Vec<Effect>) -> Option<Modal> {
        match on_yes {
            OnConfirm::Enqueue(actions) => {
                self.enqueue(actions, fx);
                None
            }
            OnConfirm::DropItem(id) => {
                fx.push(Effect::OutboxDrop(id));
                self.message = Some("dropped".into());
                Some(Modal::Outbox { selected: 0 })
            }
        }
    }

    /// Apply decisions locally, then hand them to the outbox.
    pub(super) fn enqueue(&mut self, actions: Vec<Action>, fx: &mut Vec<Effect>) {
        let single = actions.len() == 1;
        for a in &actions {
            let (status, notes) = match a {
                Action::Approve { notes, .. } => (ValidationStatus::Approved, notes.clone()),
                Action::Reject { reason, .. } => (ValidationStatus::Rejected, Some(reason.clone())),
                Action::FlagReport { reason, .. } => {
                    (ValidationStatus::Flagged, Some(reason.clone()))
                }
                _ => continue,
            };
            if let Some(id) = a.report() {
                self.reports.decide_locally(id, status, notes);
            }
        }
        // From the detail a decision is about the open report alone: the
        // marks and the list's cursor stay for when the list is back.
        if actions.iter().any(|a| a.report().is_some()) && !self.report_detail_open() {
            self.reports.marked.clear();
            if single && self.tab == Tab::Reports {
                // Approve and move on: the next row is the next to review.
                self.reports.selected =
                    super::step(self.reports.selected, 1, self.reports.items.len());
            }
        }
        self.message = Some(match actions.as_slice() {
            [one] => format!("{} (sending)", one.describe()),
            many => format!("{} actions (sending)", many.len()),
        });
        fx.push(Effect::Enqueue(actions));
    }

    /// The outbox view's rows: undelivered first (oldest first), then the
    /// recently delivered.
    pub(crate) fn outbox_view_items(&self) -> Vec<&Item> {
        let mut items: Vec<&Item> = self.undelivered().collect();
        items.extend(self.outbox.iter().filter(|i| i.status == ItemStatus::Delivered));
        items
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightAction {
    Rate,
    Comment,
    Flag,
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bad_filters_say_what_is_wrong() {
        assert!(ReportFilter::parse("status:maybe").unwrap_err().contains("pending"));
        assert!(ReportFilter::parse("from:2024-13-01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(ReportFilter::parse("colour:red").unwrap_err().contains("unknown filter"));
        assert!(ReportFilter::parse("account").unwrap_err().contains("key:value"));
        assert!(
            ReportFilter::parse("from:2024-02-01 to:2024-01-01").unwrap_err().contains("after")
        );
    }
}
