//! Claims on reports (protocol §5a): a reviewer says they are looking at a
//! pending report, so others can leave it to them. A claim lapses on its own
//! `lapse` after `claimed_at`; a lapsed claim is never reported and anyone
//! may take the report over. Each function runs inside the caller's
//! transaction.

use std::time::Duration;

use rusqlite::Connection;

use super::db_reports::{get_report, put_report};
use crate::protocol::{Report, Timestamp, ValidationStatus};

/// The time a claim is judged at, and how long claims hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimClock {
    pub now: Timestamp,
    pub lapse: Duration,
}

impl ClaimClock {
    /// Claims made at or before this instant have lapsed.
    pub(crate) fn lapsed(self) -> Timestamp {
        self.now.minus(self.lapse)
    }
}

/// What a claim or release came to.
#[derive(Debug)]
pub(crate) enum Claimed {
    /// Claimed, renewed or released: the report now; broadcast it.
    Changed(Box<Report>),
    /// Nothing to release: the report as it is.
    Unchanged(Box<Report>),
    /// Someone else holds a claim that has not lapsed: the report with it.
    HeldBy(Box<Report>),
    /// The report is decided; there is nothing left to claim.
    Decided(Box<Report>),
    NotFound,
}

/// `who` claims report `id`, or renews their claim. Taken over when the
/// claim of someone else has lapsed.
pub(crate) fn claim(
    conn: &Connection,
    id: i64,
    who: &str,
    clock: ClaimClock,
) -> anyhow::Result<Claimed> {
    let Some(mut report) = get_report(conn, id, clock.lapsed())? else {
        return Ok(Claimed::NotFound);
    };
    if report.validation_status != ValidationStatus::Pending {
        return Ok(Claimed::Decided(Box::new(report)));
    }
    if report.claimed_by.as_deref().is_some_and(|holder| holder != who) {
        return Ok(Claimed::HeldBy(Box::new(report)));
    }
    (report.claimed_by, report.claimed_at) = (Some(who.to_owned()), Some(clock.now));
    put_report(conn, &report)?;
    Ok(Claimed::Changed(Box::new(report)))
}

/// `who` gives up their claim on report `id`. Releasing a report nobody
/// holds changes nothing; a claim of someone else stays theirs.
pub(crate) fn release(
    conn: &Connection,
    id: i64,
    who: &str,
    clock: ClaimClock,
) -> anyhow::Result<Claimed> {
    let Some(mut report) = get_report(conn, id, clock.lapsed())? else {
        return Ok(Claimed::NotFound);
    };
    match report.claimed_by.as_deref() {
        None => Ok(Claimed::Unchanged(Box::new(report))),
        Some(holder) if holder != who => Ok(Claimed::HeldBy(Box::new(report))),
        Some(_) => {
            (report.claimed_by, report.claimed_at) = (None, None);
            put_report(conn, &report)?;
            Ok(Claimed::Changed(Box::new(report)))
        }
    }
}

/// Clear the claims made at or before `lapsed`, and return those reports
/// as they now are, so that every console can hear the claims are gone.
pub(crate) fn clear_lapsed(conn: &Connection, lapsed: Timestamp) -> anyhow::Result<Vec<Report>> {
    let mut stmt = conn.prepare(
        "UPDATE reports SET claimed_by = NULL, claimed_at = NULL
         WHERE claimed_by IS NOT NULL AND claimed_at <= ?1
         RETURNING body",
    )?;
    let bodies = stmt.query_map([lapsed.millis()], |r| r.get::<_, String>(0))?;
    let mut reports = Vec::new();
    for body in bodies {
        reports.push(serde_json::from_str(&body?)?);
    }
    Ok(reports)
}

#[cfg(test)]
#[path = "db_claims_tests.rs"]
mod tests;
