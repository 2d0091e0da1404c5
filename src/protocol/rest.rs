//! REST bodies: insights and feedback (§4), reports (§5), KPIs (§6), errors
//! (§7), and the alert shape of the health feed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Id, Timestamp};
use crate::sanitize::{de_multiline, de_opt_text, de_text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    pub id: Id,
    #[serde(default, deserialize_with = "de_text")]
    pub title: String,
    #[serde(default, deserialize_with = "de_multiline")]
    pub summary: String,
    #[serde(default, deserialize_with = "de_text")]
    pub category: String,
    #[serde(default)]
    pub confidence: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub avg_rating: f64,
    #[serde(default)]
    pub rating_count: u64,
    #[serde(default)]
    pub flag_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InsightList {
    #[serde(default)]
    pub insights: Vec<Insight>,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeedbackStats {
    pub insight_id: Id,
    #[serde(default)]
    pub avg_rating: f64,
    #[serde(default)]
    pub rating_count: u64,
    /// Rating ("1".."5") to count.
    #[serde(default)]
    pub distribution: BTreeMap<String, u64>,
    #[serde(default)]
    pub comment_count: u64,
    #[serde(default)]
    pub flag_count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RateRequest {
    pub insight_id: Id,
    pub rating: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CommentRequest {
    pub insight_id: Id,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InsightFlagRequest {
    pub insight_id: Id,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ValidationStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
    Flagged,
    #[serde(other)]
    Unknown,
}

impl ValidationStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ValidationStatus::Pending => "pending",
            ValidationStatus::Approved => "approved",
            ValidationStatus::Rejected => "rejected",
            ValidationStatus::Flagged => "flagged",
            ValidationStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: Id,
    #[serde(default, deserialize_with = "de_text")]
    pub account_number: String,
    #[serde(default, deserialize_with = "de_text")]
    pub account_title: String,
    #[serde(default, deserialize_with = "de_text")]
    pub client_id: String,
    /// A calendar date (`YYYY-MM-DD`) as sent.
    #[serde(default, deserialize_with = "de_text")]
    pub report_date: String,
    #[serde(default, deserialize_with = "de_text")]
    pub trade_date: String,
    #[serde(default)]
    pub positions: Vec<Value>,
    #[serde(default)]
    pub account_totals: Map<String, Value>,
    #[serde(default)]
    pub risk_metrics: Map<String, Value>,
    #[serde(default)]
    pub extraction_confidence: f64,
    #[serde(default)]
    pub data_quality_score: f64,
    #[serde(default)]
    pub validation_status: ValidationStatus,
    #[serde(default, deserialize_with = "de_text")]
    pub processing_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub source_file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The reviewer looking at it now (§5a); absent when nobody is, or when
    /// their claim has lapsed.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub claimed_by: Option<String>,
    /// When the claim was made or last renewed; it lapses [`CLAIM_LAPSE`]
    /// later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_at: Option<Timestamp>,
}

/// How long a claim on a report holds after `claimed_at` (§5a).
pub const CLAIM_LAPSE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl Report {
    /// Who holds the claim at `now`: `claimed_by`, unless the claim has
    /// lapsed ([`CLAIM_LAPSE`] after `claimed_at`). A claim sent without
    /// `claimed_at` is taken as held.
    pub fn claim_holder(&self, now: Timestamp) -> Option<&str> {
        let held = self.claimed_at.is_none_or(|at| now < at.plus(CLAIM_LAPSE));
        self.claimed_by.as_deref().filter(|_| held)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ReportList {
    #[serde(default)]
    pub reports: Vec<Report>,
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct ApproveRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Body of reject and flag on a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AnalyticsSummary {
    #[serde(default)]
    pub total_reports: u64,
    #[serde(default)]
    pub unique_accounts: u64,
    #[serde(default)]
    pub avg_confidence: f64,
    #[serde(default)]
    pub avg_quality_score: f64,
    #[serde(default)]
    pub approval_rate: f64,
    #[serde(default)]
    pub pending_count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AnalyticsPerformance {
    #[serde(default)]
    pub avg_processing_time: f64,
    #[serde(default)]
    pub min_processing_time: f64,
    #[serde(default)]
    pub max_processing_time: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    #[serde(deserialize_with = "de_text")]
    pub date: String,
    #[serde(default)]
    pub reports: u64,
    #[serde(default)]
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReportAnalytics {
    #[serde(default)]
    pub summary: AnalyticsSummary,
    #[serde(default)]
    pub performance: AnalyticsPerformance,
    #[serde(default)]
    pub trends: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KpiStatus {
    #[default]
    OnTrack,
    AtRisk,
    OffTrack,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Threshold {
    #[serde(default)]
    pub warning: f64,
    #[serde(default)]
    pub critical: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KpiTarget {
    #[serde(default)]
    pub value: f64,
    #[serde(default)]
    pub threshold: Threshold,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiPoint {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub id: Id,
    #[serde(default, deserialize_with = "de_text")]
    pub name: String,
    #[serde(default, deserialize_with = "de_text")]
    pub unit: String,
    #[serde(default)]
    pub current_value: f64,
    #[serde(default)]
    pub direction: Direction,
    #[serde(default)]
    pub target: KpiTarget,
    #[serde(default)]
    pub status: KpiStatus,
    #[serde(default)]
    pub history: Vec<KpiPoint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct KpiList {
    #[serde(default)]
    pub kpis: Vec<Kpi>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Info,
    Warning,
    Critical,
    #[serde(other)]
    Unknown,
}

/// Where an alert stands (§3b); absent on the wire means firing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    #[default]
    Firing,
    Acknowledged,
    Snoozed,
    Resolved,
    #[serde(other)]
    Unknown,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Snoozed => "snoozed",
            AlertState::Resolved => "resolved",
            AlertState::Unknown => "unknown",
        }
    }
}

/// An alert (§3) with its state (§3b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Alert {
    pub id: Id,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default, deserialize_with = "de_text")]
    pub title: String,
    #[serde(default, deserialize_with = "de_text")]
    pub message: String,
    #[serde(default, deserialize_with = "de_text")]
    pub source: String,
    #[serde(default)]
    pub state: AlertState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub acked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acked_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub ack_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<Timestamp>,
}

/// `GET /api/v1/alerts` (§3b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlertList {
    #[serde(default)]
    pub alerts: Vec<Alert>,
}

/// `POST /api/v1/alerts/{id}/ack` (§3b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AckRequest {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub note: Option<String>,
}

/// `POST /api/v1/alerts/{id}/snooze` (§3b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnoozeRequest {
    pub until: Timestamp,
}

/// `{"error": {"code", "message", "current"?}}` (§7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(default, deserialize_with = "de_text")]
    pub code: String,
    #[serde(default, deserialize_with = "de_text")]
    pub message: String,
    /// On 409 from a report decision or claim: the current Report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Value>,
}

impl ErrorBody {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail { code: code.to_owned(), message: message.into(), current: None },
        }
    }
}

#[cfg(test)]
#[path = "rest_tests.rs"]
mod tests;
