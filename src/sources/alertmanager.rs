//! The Alertmanager API v2: the alerts it holds (with the silences that
//! silence them) mapped onto [`Alert`], and the silences that stand for an
//! acknowledgement or a snooze. An acknowledgement is a silence whose
//! comment is [`ack_comment`]; a snooze one whose comment is anything else,
//! usually [`snooze_comment`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use serde_json::json;

use super::{Http, SourceError};
use crate::protocol::{Alert, AlertState, Id, Severity, Timestamp};
use crate::sanitize::clean;
use crate::token::Token;

const ALERTS: &str = "/api/v2/alerts";
const SILENCES: &str = "/api/v2/silences";

/// A client for one Alertmanager.
#[derive(Debug, Clone)]
pub struct Alertmanager {
    http: Http,
}

/// An alert as Meridian shows it, with its labels (cleaned): the labels are
/// what a silence for it matches.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedAlert {
    pub alert: Alert,
    pub labels: BTreeMap<String, String>,
}

/// The silence [`Alertmanager::ensure_silence`] found or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceOutcome {
    pub id: String,
    /// False when a matching silence was already there (a retry).
    pub created: bool,
}

/// `GettableAlert` of the v2 API (unknown fields ignored; text raw, as
/// sent: [`map_alerts`] cleans it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub starts_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub ends_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub status: AlertStatus,
}

/// `active`, `suppressed` or `unprocessed`, and by what it is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

/// `GettableSilence` of the v2 API (unknown fields ignored; text raw).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableSilence {
    pub id: String,
    #[serde(default)]
    pub status: SilenceStatus,
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub starts_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub ends_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
}

/// `active`, `pending` or `expired`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct SilenceStatus {
    #[serde(default)]
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub is_regex: bool,
    /// Absent before Alertmanager 0.22: equality.
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// A time, or `None` when it is absent or unreadable (one odd field does
/// not hide the alert).
fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

impl Alertmanager {
    /// A client for the Alertmanager at `base` (e.g. `http://127.0.0.1:9093`).
    /// `token`, when given, goes in an `Authorization: Bearer` header (for a
    /// proxy in front); `tls` is the TLS setup for https.
    pub fn new(
        base: &str,
        token: Option<&Token>,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, SourceError> {
        Ok(Alertmanager { http: Http::new(base, token, timeout, tls)? })
    }

    /// The base URL without credentials, for messages.
    pub fn base(&self) -> &str {
        &self.http.shown
    }

    /// Every alert Alertmanager holds (active, silenced, inhibited), mapped,
    /// with the silences that silence them (see [`map_alerts`]).
    pub async fn poll(&self) -> Result<Vec<SourcedAlert>, SourceError> {
        let query = [
            ("active", "true"),
            ("silenced", "true"),
            ("inhibited", "true"),
            ("unprocessed", "true"),
        ];
        let alerts: Vec<GettableAlert> =
            self.http.json(ALERTS, self.http.get(ALERTS).query(&query)).await?;
        // Read after the alerts, so every silence they name is in the list.
        let silences = self.silences().await?;
        Ok(map_alerts(&alerts, &silences))
    }

    /// Every silence Alertmanager holds, expired ones included (raw text).
    pub async fn silences(&self) -> Result<Vec<GettableSilence>, SourceError> {
        self.http.json(SILENCES, self.http.get(SILENCES)).await
    }

    /// Ensure one active silence by `created_by` matching exactly `labels`
    /// (every label, by equality) exists, ending at `ends_at`. An active or
    /// pending silence by the same `created_by` with the same matchers is
    /// returned as it is (`created: false`), so a retry, from this client or
    /// a new one, does not add a second; otherwise one is created, starting
    /// now.
    pub async fn ensure_silence(
        &self,
        labels: &BTreeMap<String, String>,
        created_by: &str,
        comment: &str,
        ends_at: Timestamp,
    ) -> Result<SilenceOutcome, SourceError> {
        if labels.is_empty() {
            return Err(SourceError::Setup("a silence needs at least one label to match".into()));
        }
        let existing = self.silences().await?;
        let wish = Wish { labels, created_by, comment, ends_at };
        if let Some(s) = existing.iter().find(|s| is_ours(s, &wish)) {
            return Ok(SilenceOutcome { id: clean(&s.id), created: false });
        }
        let matchers: Vec<_> = labels
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value, "isRegex": false, "isEqual": true}))
            .collect();
        let body = json!({
            "matchers": matchers,
            "startsAt": Timestamp::now().to_rfc3339(),
            "endsAt": ends_at.to_rfc3339(),
            "createdBy": created_by,
            "comment": comment,
        });
        let posted: Posted = self.http.json(SILENCES, self.http.post(SILENCES).json(&body)).await?;
        Ok(SilenceOutcome { id: clean(&posted.silence_id), created: true })
    }

    /// End the silence `id` now (`DELETE /api/v2/silence/{id}`).
    pub async fn expire_silence(&self, id: &str) -> Result<(), SourceError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SourceError::Setup(format!("`{}` is not a silence id", clean(id))));
        }
        let path = format!("/api/v2/silence/{id}");
        self.http.send(&path, self.http.delete(&path)).await.map(drop)
    }
}

/// The answer to a new silence.
#[derive(Deserialize)]
struct Posted {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

/// The silence a decision asks for.
pub(crate) struct Wish<'a> {
    pub labels: &'a BTreeMap<String, String>,
    pub created_by: &'a str,
    pub comment: &'a str,
    pub ends_at: Timestamp,
}

/// How far a snooze's end may be from the one asked for and still be the
/// same decision (Alertmanager keeps the time as sent; this is slack).
const SAME_END_MS: i64 = 60_000;

/// An active or pending silence that is this decision, made before (a
/// retry, a restart, a second key press): by the same user, with exactly
/// the alert's labels as equality matchers, of the same kind, and for a
/// snooze, ending when this one would. An acknowledgement by the same user
/// is one whatever its end; a new snooze until another time is a new one.
pub(crate) fn is_ours(s: &GettableSilence, wish: &Wish<'_>) -> bool {
    let (labels, created_by) = (wish.labels, wish.created_by);
    let ack = ack_note(wish.comment).is_some();
    let same_kind = ack_note(&s.comment).is_some() == ack;
    let same_end = ack || s.ends_at.is_some_and(|e| (e.0 - wish.ends_at.0).abs() <= SAME_END_MS);
    let live = same_kind && same_end && matches!(s.status.state.as_str(), "active" | "pending");
    let exact = s.matchers.iter().all(|m| m.is_equal && !m.is_regex);
    let set: BTreeMap<&str, &str> =
        s.matchers.iter().map(|m| (m.name.as_str(), m.value.as_str())).collect();
    live && exact
        && s.created_by == created_by
        && set.len() == s.matchers.len()
        && set.len() == labels.len()
        && labels.iter().all(|(k, v)| set.get(k.as_str()) == Some(&v.as_str()))
}

/// The comment of an acknowledgement: `ack`, or `ack: <note>`.
pub fn ack_comment(note: Option<&str>) -> String {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) => format!("ack: {note}"),
        None => "ack".to_owned(),
    }
}

/// The comment of a snooze: `snooze until 2026-12-02 15:04 UTC`.
pub fn snooze_comment(until: Timestamp) -> String {
    format!("snooze until {}", until.to_datetime().format("%Y-%m-%d %H:%M UTC"))
}

/// When `comment` is an acknowledgement (`ack`, `ack: <note>`, also `acked`
/// or `acknowledged ...` as people write them by hand), its note.
fn ack_note(comment: &str) -> Option<Option<String>> {
    let c = comment.trim_start();
    let word_end = c.find(|ch: char| !ch.is_alphanumeric()).unwrap_or(c.len());
    let word = c[..word_end].to_lowercase();
    if !matches!(word.as_str(), "ack" | "acked" | "acknowledge" | "acknowledged") {
        return None;
    }
    let note =
        c[word_end..].trim_start_matches(|ch: char| ch == ':' || ch == '-' || ch.is_whitespace());
    Some(Some(clean(note.trim())).filter(|n| !n.is_empty()))
}

/// Alerts as Meridian shows them, every string cleaned:
/// - `id` the fingerprint, `title` the `alertname` label, `message` the
///   `summary` annotation (else `description`), `source` `alertmanager` or
///   `alertmanager/<job>`, `severity` from the `severity` label;
/// - `active`, `unprocessed` and suppressed only by inhibition: Firing;
///   silenced by an acknowledgement ([`ack_comment`]): Acknowledged by its
///   author with its note; by any other silence: Snoozed until its end. Of
///   several silences an acknowledgement wins, else the one ending last.
pub fn map_alerts(alerts: &[GettableAlert], silences: &[GettableSilence]) -> Vec<SourcedAlert> {
    let by_id: HashMap<&str, &GettableSilence> =
        silences.iter().map(|s| (s.id.as_str(), s)).collect();
    alerts.iter().map(|a| map_alert(a, &by_id)).collect()
}

fn map_alert(a: &GettableAlert, silences: &HashMap<&str, &GettableSilence>) -> SourcedAlert {
    let labels = cleaned(&a.labels);
    let annotation =
        |k: &str| a.annotations.get(k).map(|v| clean(v.trim())).filter(|v| !v.is_empty());
    let source = match labels.get("job").filter(|j| !j.is_empty()) {
        Some(job) => format!("alertmanager/{job}"),
        None => "alertmanager".to_owned(),
    };
    let mut alert = Alert {
        id: Id(clean(&a.fingerprint)),
        severity: severity(labels.get("severity").map(String::as_str)),
        title: labels.get("alertname").cloned().unwrap_or_default(),
        message: annotation("summary").or_else(|| annotation("description")).unwrap_or_default(),
        source,
        state: AlertState::Firing,
        started_at: a.starts_at,
        resolved_at: None,
        acked_by: None,
        acked_at: None,
        ack_note: None,
        snoozed_until: None,
    };
    if a.status.state == "suppressed" && !a.status.silenced_by.is_empty() {
        let applying = a.status.silenced_by.iter().filter_map(|id| silences.get(id.as_str()));
        apply_silence(&mut alert, applying.copied().collect());
    }
    SourcedAlert { alert, labels }
}

/// The state a silenced alert shows. A silence Alertmanager names but did
/// not list (gone meanwhile) still silences: Snoozed, with no details.
fn apply_silence(alert: &mut Alert, applying: Vec<&GettableSilence>) {
    let author = |s: &GettableSilence| Some(clean(&s.created_by)).filter(|c| !c.is_empty());
    let ack = applying
        .iter()
        .filter_map(|s| ack_note(&s.comment).map(|note| (*s, note)))
        .max_by_key(|(s, _)| s.ends_at);
    if let Some((s, note)) = ack {
        alert.state = AlertState::Acknowledged;
        alert.acked_by = author(s);
        alert.acked_at = s.starts_at.or(s.updated_at);
        alert.ack_note = note;
        return;
    }
    alert.state = AlertState::Snoozed;
    if let Some(s) = applying.iter().max_by_key(|s| s.ends_at) {
        alert.acked_by = author(s);
        alert.snoozed_until = s.ends_at;
    }
}

/// `severity` label, case-insensitive; absent or unknown is a warning.
fn severity(label: Option<&str>) -> Severity {
    match label.map(|s| s.trim().to_lowercase()).as_deref() {
        Some("critical" | "page" | "error" | "high") => Severity::Critical,
        Some("info" | "low" | "none") => Severity::Info,
        _ => Severity::Warning,
    }
}

fn cleaned(labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels.iter().map(|(k, v)| (clean(k), clean(v))).collect()
}

#[cfg(test)]
#[path = "alertmanager_tests.rs"]
mod tests;
