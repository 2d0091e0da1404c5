//! What a reviewer asked for: one variant per POST of the contract (§4, §5).
//! Stored as JSON in the outbox, so the serde shape is part of the file
//! format: add variants, never rename them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::{
    AckRequest, ApproveRequest, CommentRequest, Id, InsightFlagRequest, RateRequest, ReasonRequest,
    SnoozeRequest, Timestamp, paths,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    Approve {
        report: Id,
        notes: Option<String>,
    },
    Reject {
        report: Id,
        reason: String,
    },
    FlagReport {
        report: Id,
        reason: String,
    },
    Rate {
        insight: Id,
        rating: u8,
    },
    Comment {
        insight: Id,
        text: String,
    },
    FlagInsight {
        insight: Id,
        reason: String,
    },
    /// Acknowledge an alert (§3b), or, for an Alertmanager alert, the
    /// silence that stands for it.
    AckAlert {
        alert: Id,
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        silence: Option<Silence>,
    },
    /// Snooze an alert until a time (§3b), or silence it until then.
    SnoozeAlert {
        alert: Id,
        until: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        silence: Option<Silence>,
    },
}

/// An alert that lives in Alertmanager: acknowledging or snoozing it is a
/// silence matching exactly its labels, ending at `ends_at` (fixed when
/// the decision is queued, so a retry asks for the same silence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Silence {
    pub labels: BTreeMap<String, String>,
    pub ends_at: Timestamp,
}

impl Action {
    /// The POST path, relative to the server base.
    pub(crate) fn path(&self) -> String {
        let report = |id: &Id, verb: &str| {
            format!("{}/{}/{verb}", paths::REPORTS, paths::segment(id.as_str()))
        };
        match self {
            Action::Approve { report: id, .. } => report(id, "approve"),
            Action::Reject { report: id, .. } => report(id, "reject"),
            Action::FlagReport { report: id, .. } => report(id, "flag"),
            Action::Rate { .. } => paths::FEEDBACK_RATE.to_owned(),
            Action::Comment { .. } => paths::FEEDBACK_COMMENT.to_owned(),
            Action::FlagInsight { .. } => paths::FEEDBACK_FLAG.to_owned(),
            Action::AckAlert { alert, .. } => {
                format!("{}/{}/ack", paths::ALERTS, paths::segment(alert.as_str()))
            }
            Action::SnoozeAlert { alert, .. } => {
                format!("{}/{}/snooze", paths::ALERTS, paths::segment(alert.as_str()))
            }
        }
    }

    /// The request body the contract asks for.
    pub(crate) fn body(&self) -> Value {
        let json = match self {
            Action::Approve { notes, .. } => {
                serde_json::to_value(ApproveRequest { notes: notes.clone() })
            }
            Action::Reject { reason, .. } | Action::FlagReport { reason, .. } => {
                serde_json::to_value(ReasonRequest { reason: reason.clone() })
            }
            Action::Rate { insight, rating } => {
                serde_json::to_value(RateRequest { insight_id: insight.clone(), rating: *rating })
            }
            Action::Comment { insight, text } => serde_json::to_value(CommentRequest {
                insight_id: insight.clone(),
                comment: text.clone(),
            }),
            Action::FlagInsight { insight, reason } => serde_json::to_value(InsightFlagRequest {
                insight_id: insight.clone(),
                reason: reason.clone(),
            }),
            Action::AckAlert { note, .. } => {
                serde_json::to_value(AckRequest { note: note.clone() })
            }
            Action::SnoozeAlert { until, .. } => {
                serde_json::to_value(SnoozeRequest { until: *until })
            }
        };
        // Plain structs of strings and integers always serialize.
        json.unwrap_or(Value::Null)
    }

    /// Short text for lists and logs; never holds notes, reasons or comments.
    pub(crate) fn describe(&self) -> String {
        match self {
            Action::Approve { report, .. } => format!("approve report {report}"),
            Action::Reject { report, .. } => format!("reject report {report}"),
            Action::FlagReport { report, .. } => format!("flag report {report}"),
            Action::Rate { insight, rating } => format!("rate insight {insight} ★{rating}"),
            Action::Comment { insight, .. } => format!("comment on insight {insight}"),
            Action::FlagInsight { insight, .. } => format!("flag insight {insight}"),
            Action::AckAlert { alert, .. } => format!("acknowledge alert {alert}"),
            Action::SnoozeAlert { alert, until, .. } => {
                format!("snooze alert {alert} until {}", until.hm_utc())
            }
        }
    }

    /// The verb in progress, for the undo window ("approving").
    pub(crate) fn doing_verb(&self) -> &'static str {
        match self {
            Action::Approve { .. } => "approving",
            Action::Reject { .. } => "rejecting",
            Action::FlagReport { .. } | Action::FlagInsight { .. } => "flagging",
            Action::Rate { .. } => "rating",
            Action::Comment { .. } => "commenting on",
            Action::AckAlert { .. } => "acknowledging",
            Action::SnoozeAlert { .. } => "snoozing",
        }
    }

    /// "approving report 17": what the undo window is holding.
    pub(crate) fn doing(&self) -> String {
        let verb = self.doing_verb();
        match self {
            Action::Approve { report, .. }
            | Action::Reject { report, .. }
            | Action::FlagReport { report, .. } => format!("{verb} report {report}"),
            Action::Rate { insight, rating } => format!("{verb} insight {insight} {rating}★"),
            Action::Comment { insight, .. } | Action::FlagInsight { insight, .. } => {
                format!("{verb} insight {insight}")
            }
            Action::AckAlert { alert, .. } | Action::SnoozeAlert { alert, .. } => {
                format!("{verb} alert {alert}")
            }
        }
    }

    pub(crate) fn report(&self) -> Option<&Id> {
        match self {
            Action::Approve { report, .. }
            | Action::Reject { report, .. }
            | Action::FlagReport { report, .. } => Some(report),
            _ => None,
        }
    }

    pub(crate) fn alert(&self) -> Option<&Id> {
        match self {
            Action::AckAlert { alert, .. } | Action::SnoozeAlert { alert, .. } => Some(alert),
            _ => None,
        }
    }

    /// The Alertmanager silence this action stands for, if it is one.
    pub(crate) fn silence(&self) -> Option<&Silence> {
        match self {
            Action::AckAlert { silence, .. } | Action::SnoozeAlert { silence, .. } => {
                silence.as_ref()
            }
            _ => None,
        }
    }

    pub(crate) fn insight(&self) -> Option<&Id> {
        match self {
            Action::Rate { insight, .. }
            | Action::Comment { insight, .. }
            | Action::FlagInsight { insight, .. } => Some(insight),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_bodies_follow_the_contract() {
        let a = Action::Approve { report: Id::from(17), notes: None };
        assert_eq!(a.path(), "/api/v1/reports/17/approve");
        assert_eq!(a.body(), json!({}));
        let a = Action::Reject { report: Id::from("r 1/2"), reason: "dup".into() };
        assert_eq!(a.path(), "/api/v1/reports/r%201%2F2/reject");
        assert_eq!(a.body(), json!({"reason": "dup"}));
        let a = Action::Rate { insight: Id::from(4), rating: 3 };
        assert_eq!(a.path(), "/api/v1/feedback/rate");
        assert_eq!(a.body(), json!({"insight_id": 4, "rating": 3}));
        let a = Action::Comment { insight: Id::from(4), text: "ok".into() };
        assert_eq!(a.body(), json!({"insight_id": 4, "comment": "ok"}));
        assert_eq!(a.describe(), "comment on insight 4");
        assert_eq!(
            Action::Rate { insight: Id::from(4), rating: 3 }.describe(),
            "rate insight 4 ★3"
        );
    }

    #[test]
    fn stored_form_is_tagged_and_round_trips() {
        let a = Action::FlagInsight { insight: Id::from(9), reason: "spam".into() };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v, json!({"kind": "flag_insight", "insight": 9, "reason": "spam"}));
        assert_eq!(serde_json::from_value::<Action>(v).unwrap(), a);
        assert_eq!(a.insight(), Some(&Id::from(9)));
        assert_eq!(a.report(), None);
    }

    #[test]
    fn alert_decisions_follow_the_contract_and_keep_their_silence() {
        let a =
            Action::AckAlert { alert: Id::from("a/1"), note: Some("on it".into()), silence: None };
        assert_eq!(a.path(), "/api/v1/alerts/a%2F1/ack");
        assert_eq!(a.body(), json!({"note": "on it"}));
        assert_eq!(a.describe(), "acknowledge alert a/1");
        let until = Timestamp(1_705_660_245_000);
        let s = Action::SnoozeAlert { alert: Id::from(3), until, silence: None };
        assert_eq!(s.path(), "/api/v1/alerts/3/snooze");
        assert_eq!(s.body(), json!({"until": 1_705_660_245_000_i64}));
        assert_eq!(s.alert(), Some(&Id::from(3)));
        // The stored form of an Alertmanager acknowledgement keeps the
        // labels and the end, so a retry asks for the same silence.
        let labels = BTreeMap::from([("alertname".to_owned(), "Down".to_owned())]);
        let a = Action::AckAlert {
            alert: Id::from("fp"),
            note: None,
            silence: Some(Silence { labels, ends_at: until }),
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["silence"]["labels"], json!({"alertname": "Down"}));
        assert_eq!(serde_json::from_value::<Action>(v).unwrap(), a);
        // An action stored before silences existed still reads.
        let old = json!({"kind": "ack_alert", "alert": "x", "note": null});
        assert!(serde_json::from_value::<Action>(old).unwrap().silence().is_none());
    }
}
