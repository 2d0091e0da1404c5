//! Demo data, embedded in the binary so `meridian --demo` works from any
//! directory. Loaded into an empty database on first start; dates are moved
//! so that the newest record is recent, which keeps `analytics?days=30` and
//! the KPI sparklines meaningful whenever the demo runs.

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::db_insights::{kpi_status, put_kpi};
use super::db_reports::put_report;
use crate::protocol::{Insight, Kpi, Report, Timestamp};

const REPORTS: &str = include_str!("../../assets/reports.json");
const INSIGHTS: &str = include_str!("../../assets/insights.json");
const KPIS: &str = include_str!("../../assets/kpis.json");

const DAY_MS: i64 = 86_400_000;

fn count(conn: &Connection, table: &str) -> anyhow::Result<i64> {
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
}

fn shift(ts: &mut Option<Timestamp>, ms: i64) {
    if let Some(t) = ts {
        t.0 += ms;
    }
}

fn shift_date(date: &mut String, days: i64) {
    if let Ok(d) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        *date = (d + Duration::days(days)).format("%Y-%m-%d").to_string();
    }
}

/// Load each demo table that is still empty. Returns how many rows were added.
pub(crate) fn seed_if_empty(conn: &mut Connection) -> anyhow::Result<usize> {
    let tx = conn.transaction()?;
    let mut added = 0;
    if count(&tx, "reports")? == 0 {
        let mut reports: Vec<Report> = serde_json::from_str(REPORTS)?;
        let newest = reports
            .iter()
            .filter_map(|r| NaiveDate::parse_from_str(&r.report_date, "%Y-%m-%d").ok())
            .max();
        let days = newest.map_or(0, |d| (Utc::now().date_naive() - d).num_days());
        for r in &mut reports {
            shift_date(&mut r.report_date, days);
            shift_date(&mut r.trade_date, days);
            shift(&mut r.created_at, days * DAY_MS);
            shift(&mut r.updated_at, days * DAY_MS);
            shift(&mut r.approved_at, days * DAY_MS);
            put_report(&tx, r)?;
            added += 1;
        }
    }
    if count(&tx, "insights")? == 0 {
        let insights: Vec<Insight> = serde_json::from_str(INSIGHTS)?;
        let newest = insights.iter().filter_map(|i| i.created_at).max().unwrap_or_default();
        let ms = Timestamp::now().0 - 2 * 3_600_000 - newest.0;
        for i in insights {
            let created = i.created_at.unwrap_or(newest).0 + ms;
            tx.execute(
                "INSERT INTO insights (id, title, summary, category, confidence, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    i.id.as_str().parse::<i64>()?,
                    i.title,
                    i.summary,
                    i.category,
                    i.confidence,
                    created
                ],
            )?;
            added += 1;
        }
    }
    if count(&tx, "kpis")? == 0 {
        let kpis: Vec<Kpi> = serde_json::from_str(KPIS)?;
        for (pos, mut k) in kpis.into_iter().enumerate() {
            let newest = k.history.iter().filter_map(|p| p.recorded_at).max().unwrap_or_default();
            let ms = Timestamp::now().0 - newest.0;
            for p in &mut k.history {
                shift(&mut p.recorded_at, ms);
            }
            k.status = kpi_status(&k);
            put_kpi(&tx, &k, pos)?;
            added += 1;
        }
    }
    tx.commit()?;
    Ok(added)
}
