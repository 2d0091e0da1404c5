//! Review workflows: the dialogs (confirm, text entry, rating, filter,
//! outbox view) and the decisions they turn into outbox actions. Decisions
//! show at once (optimistically) and are marked pending until delivered.

use ratatui_textarea::TextArea;

use super::{App, ReportFilter, Tab};
use crate::event::Effect;
use crate::outbox::{Action, Item, ItemStatus};
use crate::protocol::{Id, ValidationStatus};

/// Reports fetched per page.
pub const REPORT_PAGE: u32 = 50;

/// What a confirmed dialog does.
#[derive(Debug, Clone, PartialEq)]
pub enum OnConfirm {
    Enqueue(Vec<Action>),
    DropItem(i64),
    /// Go on with a decision on reports someone else is reviewing.
    Decide(super::claims::Decide),
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
    /// The `/` filter of the list on this tab (empty: none); Reports' is
    /// [`Purpose::Filter`].
    ListFilter(Tab),
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

    /// `/`: edit the filter of the list on the tab shown.
    pub(super) fn begin_filter(&mut self) {
        if self.tab != Tab::Reports {
            self.begin_list_filter(self.tab);
            return;
        }
        let text = self.reports.filter.to_text();
        let entry = TextEntry::new(
            "Filter: status:pending account:ACC from:/to:YYYY-MM-DD, and words".into(),
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
        self.enqueue(vec![Action::Rate { insight, rating }], fx);
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
            Purpose::ListFilter(tab) => {
                self.set_list_filter(tab, super::ListFilter::new(&text), fx);
                return Ok(());
            }
            Purpose::Filter => {
                self.set_report_filter(ReportFilter::parse(&text)?, fx);
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
            OnConfirm::Decide(decide) => self.decide_anyway(decide),
        }
    }

    /// Apply decisions locally, then hand them to the outbox.
    pub(super) fn enqueue(&mut self, actions: Vec<Action>, fx: &mut Vec<Effect>) {
        let single = actions.len() == 1;
        let cursor_on = self.reports.selected_item().map(|r| r.id.clone());
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
        let decided: Vec<&Id> = actions.iter().filter_map(Action::report).collect();
        // From the detail a decision is about the open report alone: the
        // marks and the list's cursor stay for when the list is back.
        if !decided.is_empty() && !self.report_detail_open() {
            // Marks the filter hid were not decided: they stay.
            self.reports.marked.retain(|id| !decided.contains(&id));
            if single && self.tab == Tab::Reports {
                // Approve and move on: the next row shown is the next to review.
                let shown = self.reports.shown().len();
                self.reports.selected = super::step(self.reports.selected, 1, shown);
            }
        }
        self.message = Some(match actions.as_slice() {
            [one] => format!("{} (sending)", one.describe()),
            many => format!("{} actions (sending)", many.len()),
        });
        let cursor_on = cursor_on.filter(|_| self.tab == Tab::Reports);
        let batch = self.queue(actions, cursor_on);
        fx.push(batch);
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
