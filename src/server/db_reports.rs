//! Margin reports in SQLite: listing with filters, decisions, analytics.
//! Each row keeps the whole Report as JSON next to the columns we filter on;
//! its claim (§5a) lives in its own columns, and is left out of what is read
//! once it has lapsed.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::protocol::{
    AnalyticsPerformance, AnalyticsSummary, Id, Report, ReportAnalytics, ReportList, Timestamp,
    TrendPoint, ValidationStatus,
};

/// Insert or overwrite one report, its claim included.
pub(crate) fn put_report(conn: &Connection, r: &Report) -> anyhow::Result<()> {
    let id: i64 = r.id.as_str().parse()?;
    let body = Report { claimed_by: None, claimed_at: None, ..r.clone() };
    conn.execute(
        "INSERT OR REPLACE INTO reports (id, account_number, report_date, validation_status,
             extraction_confidence, data_quality_score, processing_time_ms, body,
             claimed_by, claimed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            r.account_number,
            r.report_date,
            r.validation_status.as_str(),
            r.extraction_confidence,
            r.data_quality_score,
            r.processing_time_ms,
            serde_json::to_string(&body)?,
            r.claimed_by,
            r.claimed_at.map(Timestamp::millis),
        ],
    )?;
    Ok(())
}

/// The columns [`report_of`] reads, in its order.
const REPORT_COLUMNS: &str = "body, claimed_by, claimed_at";

/// A row's report, with its claim unless the claim was made at or before
/// `lapsed` (that is, has lapsed).
fn report_of(row: &Row<'_>, lapsed: Timestamp) -> rusqlite::Result<anyhow::Result<Report>> {
    let (body, by, at) = (row.get::<_, String>(0)?, row.get(1)?, row.get::<_, Option<i64>>(2)?);
    Ok(serde_json::from_str::<Report>(&body).map_err(Into::into).map(|mut r| {
        if let (Some(by), Some(at)) = (by, at.map(Timestamp))
            && at > lapsed
        {
            (r.claimed_by, r.claimed_at) = (Some(by), Some(at));
        }
        r
    }))
}

/// One report; claims made at or before `lapsed` are left out.
pub(crate) fn get_report(
    conn: &Connection,
    id: i64,
    lapsed: Timestamp,
) -> anyhow::Result<Option<Report>> {
    conn.query_row(&format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?1"), [id], |r| {
        report_of(r, lapsed)
    })
    .optional()?
    .transpose()
}

/// Filters of `GET /api/v1/reports`, already validated.
#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    pub status: Option<ValidationStatus>,
    pub account: Option<String>,
    /// Inclusive `YYYY-MM-DD` bounds on `report_date`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

const WHERE: &str = "WHERE (?1 IS NULL OR validation_status = ?1)
      AND (?2 IS NULL OR account_number = ?2)
      AND (?3 IS NULL OR report_date >= ?3)
      AND (?4 IS NULL OR report_date <= ?4)";

/// Pending first, then newest report date first; claims made at or before
/// `lapsed` are left out.
pub(crate) fn list_reports(
    conn: &Connection,
    f: &ReportFilter,
    lapsed: Timestamp,
) -> anyhow::Result<ReportList> {
    let status = f.status.map(ValidationStatus::as_str);
    let args = params![status, f.account, f.from, f.to];
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM reports {WHERE}"), args, |r| r.get(0))?;
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM reports {WHERE}
         ORDER BY validation_status = 'pending' DESC, report_date DESC, id DESC
         LIMIT ?5 OFFSET ?6"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params![status, f.account, f.from, f.to, f.limit, f.offset], |r| {
            report_of(r, lapsed)
        })?;
    let mut reports = Vec::new();
    for report in rows {
        reports.push(report??);
    }
    let total = u64::try_from(total).unwrap_or_default();
    let has_more = u64::from(f.offset) + (reports.len() as u64) < total;
    Ok(ReportList { reports, total, has_more })
}

/// A reviewer's decision on a pending report.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    pub status: ValidationStatus,
    pub reviewer: String,
    pub notes: Option<String>,
}

/// What became of a decision.
#[derive(Debug)]
pub(crate) enum Decided {
    Applied(Box<Report>),
    NotFound,
    /// The report is no longer pending; here it is as it stands.
    Conflict(Box<Report>),
}

/// Decide report `id`, inside the caller's transaction. A decision releases
/// the claim, whoever holds it; a conflict shows the claim unless it was
/// made at or before `lapsed`.
pub(crate) fn decide(
    conn: &Connection,
    id: i64,
    d: Decision,
    lapsed: Timestamp,
) -> anyhow::Result<Decided> {
    let Some(mut report) = get_report(conn, id, lapsed)? else {
        return Ok(Decided::NotFound);
    };
    if report.validation_status != ValidationStatus::Pending {
        return Ok(Decided::Conflict(Box::new(report)));
    }
    let now = Timestamp::now();
    report.validation_status = d.status;
    report.approved_by = Some(d.reviewer);
    report.approved_at = Some(now);
    report.updated_at = Some(now);
    (report.claimed_by, report.claimed_at) = (None, None);
    if d.notes.is_some() {
        report.notes = d.notes;
    }
    put_report(conn, &report)?;
    Ok(Decided::Applied(Box::new(report)))
}

/// Analytics over the reports whose `report_date` falls in the last `days`.
pub(crate) fn analytics(conn: &Connection, days: u32) -> anyhow::Result<ReportAnalytics> {
    let since = (Utc::now().date_naive() - Duration::days(i64::from(days))).to_string();
    let mut stmt = conn.prepare(
        "SELECT account_number, report_date, validation_status, extraction_confidence,
                data_quality_score, processing_time_ms
         FROM reports WHERE report_date >= ?1",
    )?;
    let rows = stmt.query_map([&since], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, f64>(3)?,
            r.get::<_, f64>(4)?,
            r.get::<_, Option<f64>>(5)?,
        ))
    })?;
    let mut accounts = std::collections::BTreeSet::new();
    let mut by_day: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    let (mut n, mut conf, mut quality, mut approved, mut decided, mut pending) =
        (0u64, 0.0, 0.0, 0u64, 0u64, 0u64);
    let mut times: Vec<f64> = Vec::new();
    for row in rows {
        let (account, date, status, c, q, t) = row?;
        n += 1;
        conf += c;
        quality += q;
        match status.as_str() {
            "pending" => pending += 1,
            "approved" => {
                approved += 1;
                decided += 1;
            }
            _ => decided += 1,
        }
        accounts.insert(account);
        times.extend(t);
        let day = by_day.entry(date).or_default();
        day.0 += 1;
        day.1 += c;
    }
    let avg = |sum: f64, count: u64| if count == 0 { 0.0 } else { sum / count as f64 };
    let summary = AnalyticsSummary {
        total_reports: n,
        unique_accounts: accounts.len() as u64,
        avg_confidence: avg(conf, n),
        avg_quality_score: avg(quality, n),
        approval_rate: avg(approved as f64, decided),
        pending_count: pending,
    };
    let performance = AnalyticsPerformance {
        avg_processing_time: avg(times.iter().sum(), times.len() as u64),
        min_processing_time: times.iter().copied().reduce(f64::min).unwrap_or(0.0),
        max_processing_time: times.iter().copied().reduce(f64::max).unwrap_or(0.0),
    };
    let trends = by_day
        .into_iter()
        .map(|(date, (reports, c))| TrendPoint { date, reports, confidence: avg(c, reports) })
        .collect();
    Ok(ReportAnalytics { summary, performance, trends })
}

/// Parse a report id from the path; anything that is not one is unknown.
pub(crate) fn parse_id(id: &str) -> Option<i64> {
    id.parse::<i64>().ok().filter(|n| Id::from(*n).as_str() == id)
}
