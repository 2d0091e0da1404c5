//! Backfill feed (§2) and health feed (§3) messages, and the monitoring REST
//! bodies that share their shapes.

use serde::{Deserialize, Serialize};

use super::{Alert, FeedbackStats, Insight, Kpi, Report, Timestamp};
use crate::sanitize::{de_opt_text, de_text};

/// The envelope every backfill and health message comes in.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Envelope<T> {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    pub data: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    #[default]
    Pending,
    Running,
    Paused,
    Completed,
    Failed,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackfillJob {
    #[serde(deserialize_with = "de_text")]
    pub job_id: String,
    #[serde(default, deserialize_with = "de_text")]
    pub name: String,
    #[serde(default)]
    pub status: JobStatus,
    #[serde(default)]
    pub processed: u64,
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub rate_per_sec: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_seconds: Option<f64>,
    #[serde(default)]
    pub errors: u64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct BackfillList {
    #[serde(default)]
    pub jobs: Vec<BackfillJob>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Degraded,
    Down,
    #[default]
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    #[serde(deserialize_with = "de_text")]
    pub name: String,
    #[serde(default)]
    pub status: Health,
    #[serde(default)]
    pub latency_ms: f64,
    #[serde(default)]
    pub uptime_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Processing {
    #[serde(default)]
    pub queue_depth: f64,
    #[serde(default)]
    pub processed_per_sec: f64,
    #[serde(default)]
    pub error_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Performance {
    #[serde(default)]
    pub api_p50_ms: f64,
    #[serde(default)]
    pub api_p99_ms: f64,
    #[serde(default)]
    pub cpu_pct: f64,
    #[serde(default)]
    pub memory_pct: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SystemStatus {
    #[serde(default)]
    pub overall: Health,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub processing: Processing,
    #[serde(default)]
    pub performance: Performance,
    #[serde(default)]
    pub websocket_connections: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalMetric {
    #[serde(deserialize_with = "de_text")]
    pub name: String,
    #[serde(default)]
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "de_opt_text")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SignalMetrics {
    #[serde(default)]
    pub metrics: Vec<SignalMetric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InsightMetrics {
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub generated_last_hour: u64,
    #[serde(default)]
    pub avg_rating: f64,
    #[serde(default)]
    pub avg_confidence: f64,
    #[serde(default)]
    pub flagged: u64,
}

/// A decoded health-feed message. Unknown `type`s are surfaced as
/// [`HealthMessage::Unknown`] so the caller can count them.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthMessage {
    SystemStatus(SystemStatus),
    SignalMetrics(SignalMetrics),
    InsightMetrics(InsightMetrics),
    InsightCreated(Box<Insight>),
    FeedbackUpdated(FeedbackStats),
    ReportUpdated(Box<Report>),
    KpiUpdated(Box<Kpi>),
    Alert(Alert),
    /// An alert's state changed (§3b).
    AlertUpdated(Box<Alert>),
    Unknown(String),
}

/// Health message type names, as on the wire.
pub mod health_types {
    pub(crate) const SYSTEM_STATUS: &str = "system_status";
    pub(crate) const SIGNAL_METRICS: &str = "signal_metrics";
    pub(crate) const INSIGHT_METRICS: &str = "insight_metrics";
    pub(crate) const INSIGHT_CREATED: &str = "insight_created";
    pub(crate) const FEEDBACK_UPDATED: &str = "feedback_updated";
    pub(crate) const REPORT_UPDATED: &str = "report_updated";
    pub(crate) const KPI_UPDATED: &str = "kpi_updated";
    pub(crate) const ALERT: &str = "alert";
    /// An alert's state changed (§3b).
    pub(crate) const ALERT_UPDATED: &str = "alert_updated";
}

/// Backfill message type name.
pub(crate) const BACKFILL_PROGRESS: &str = "backfill_progress";
