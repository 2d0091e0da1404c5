//! Insights, feedback (ratings, comments, flags) and KPIs in SQLite.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::protocol::{
    Direction, FeedbackStats, Id, Insight, InsightList, InsightMetrics, Kpi, KpiStatus, Timestamp,
};

const INSIGHT_COLUMNS: &str = "i.id, i.title, i.summary, i.category, i.confidence, i.created_at,
    (SELECT AVG(rating) FROM feedback f WHERE f.insight_id = i.id AND f.kind = 'rating'),
    (SELECT COUNT(*) FROM feedback f WHERE f.insight_id = i.id AND f.kind = 'rating'),
    (SELECT COUNT(*) FROM feedback f WHERE f.insight_id = i.id AND f.kind = 'flag')";

fn insight_row(r: &Row<'_>) -> rusqlite::Result<Insight> {
    Ok(Insight {
        id: Id::from(r.get::<_, i64>(0)?),
        title: r.get(1)?,
        summary: r.get(2)?,
        category: r.get(3)?,
        confidence: r.get(4)?,
        created_at: Some(Timestamp(r.get(5)?)),
        avg_rating: r.get::<_, Option<f64>>(6)?.unwrap_or(0.0),
        rating_count: r.get(7)?,
        flag_count: r.get(8)?,
    })
}

/// Newest first.
pub(crate) fn list_insights(
    conn: &Connection,
    limit: u32,
    offset: u32,
) -> anyhow::Result<InsightList> {
    let total: u64 = conn.query_row("SELECT COUNT(*) FROM insights", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {INSIGHT_COLUMNS} FROM insights i
         ORDER BY i.created_at DESC, i.id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let insights =
        stmt.query_map(params![limit, offset], insight_row)?.collect::<Result<_, _>>()?;
    Ok(InsightList { insights, total })
}

pub(crate) fn get_insight(conn: &Connection, id: i64) -> anyhow::Result<Option<Insight>> {
    let sql = format!("SELECT {INSIGHT_COLUMNS} FROM insights i WHERE i.id = ?1");
    Ok(conn.query_row(&sql, [id], insight_row).optional()?)
}

/// A new insight, as the simulation generates them. Returns it as stored.
pub(crate) fn insert_insight(
    conn: &Connection,
    title: &str,
    summary: &str,
    category: &str,
    confidence: f64,
) -> anyhow::Result<Insight> {
    conn.execute(
        "INSERT INTO insights (title, summary, category, confidence, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![title, summary, category, confidence, Timestamp::now().0],
    )?;
    let id = conn.last_insert_rowid();
    get_insight(conn, id)?.ok_or_else(|| anyhow::anyhow!("insight {id} vanished"))
}

fn insight_exists(conn: &Connection, id: i64) -> anyhow::Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM insights WHERE id = ?1)", [id], |r| r.get(0))?)
}

/// FeedbackStats of one insight, or None when there is no such insight.
pub(crate) fn feedback_stats(conn: &Connection, id: i64) -> anyhow::Result<Option<FeedbackStats>> {
    if !insight_exists(conn, id)? {
        return Ok(None);
    }
    let mut distribution: BTreeMap<String, u64> = (1..=5).map(|n| (n.to_string(), 0)).collect();
    let mut stmt = conn.prepare(
        "SELECT rating, COUNT(*) FROM feedback
         WHERE insight_id = ?1 AND kind = 'rating' GROUP BY rating",
    )?;
    let (mut sum, mut count) = (0u64, 0u64);
    for row in stmt.query_map([id], |r| Ok((r.get::<_, u64>(0)?, r.get::<_, u64>(1)?)))? {
        let (rating, n) = row?;
        distribution.insert(rating.to_string(), n);
        sum += rating * n;
        count += n;
    }
    let kind_count = |kind: &str| -> anyhow::Result<u64> {
        Ok(conn.query_row(
            "SELECT COUNT(*) FROM feedback WHERE insight_id = ?1 AND kind = ?2",
            params![id, kind],
            |r| r.get(0),
        )?)
    };
    Ok(Some(FeedbackStats {
        insight_id: Id::from(id),
        avg_rating: if count == 0 { 0.0 } else { sum as f64 / count as f64 },
        rating_count: count,
        distribution,
        comment_count: kind_count("comment")?,
        flag_count: kind_count("flag")?,
    }))
}

/// One piece of feedback on an insight.
#[derive(Debug, Clone)]
pub(crate) enum Feedback {
    Rating(u8),
    Comment(String),
    Flag(String),
}

/// Record feedback; None when the insight does not exist.
pub(crate) fn add_feedback(
    conn: &Connection,
    id: i64,
    fb: Feedback,
) -> anyhow::Result<Option<FeedbackStats>> {
    if !insight_exists(conn, id)? {
        return Ok(None);
    }
    let (kind, rating, text) = match fb {
        Feedback::Rating(n) => ("rating", Some(n), None),
        Feedback::Comment(t) => ("comment", None, Some(t)),
        Feedback::Flag(t) => ("flag", None, Some(t)),
    };
    conn.execute(
        "INSERT INTO feedback (insight_id, kind, rating, text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, kind, rating, text, Timestamp::now().0],
    )?;
    feedback_stats(conn, id)
}

pub(crate) fn insight_metrics(conn: &Connection) -> anyhow::Result<InsightMetrics> {
    let hour_ago = Timestamp::now().0 - 3_600_000;
    Ok(conn.query_row(
        "SELECT COUNT(*),
                (SELECT COUNT(*) FROM insights WHERE created_at >= ?1),
                (SELECT AVG(rating) FROM feedback WHERE kind = 'rating'),
                AVG(confidence),
                (SELECT COUNT(DISTINCT insight_id) FROM feedback WHERE kind = 'flag')
         FROM insights",
        [hour_ago],
        |r| {
            Ok(InsightMetrics {
                total: r.get(0)?,
                generated_last_hour: r.get(1)?,
                avg_rating: r.get::<_, Option<f64>>(2)?.unwrap_or(0.0),
                avg_confidence: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
                flagged: r.get(4)?,
            })
        },
    )?)
}

/// Where a KPI stands against its thresholds.
pub(crate) fn kpi_status(k: &Kpi) -> KpiStatus {
    let (v, t) = (k.current_value, &k.target.threshold);
    let better_or_equal = |a: f64, b: f64| match k.direction {
        Direction::HigherIsBetter => a >= b,
        Direction::LowerIsBetter => a <= b,
    };
    if better_or_equal(v, t.warning) {
        KpiStatus::OnTrack
    } else if better_or_equal(v, t.critical) {
        KpiStatus::AtRisk
    } else {
        KpiStatus::OffTrack
    }
}

pub(crate) fn put_kpi(conn: &Connection, k: &Kpi, position: usize) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO kpis (id, position, body) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        params![k.id.as_str(), position as i64, serde_json::to_string(k)?],
    )?;
    Ok(())
}

pub(crate) fn list_kpis(conn: &Connection) -> anyhow::Result<Vec<Kpi>> {
    let mut stmt = conn.prepare("SELECT body FROM kpis ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut kpis = Vec::new();
    for body in rows {
        kpis.push(serde_json::from_str(&body?)?);
    }
    Ok(kpis)
}
