//! The simulation clock: every `--tick-secs` it advances the backfill jobs
//! and the platform health, and broadcasts what changed (keeping a
//! monitoring sample every ten seconds); now and then it
//! writes a new insight or moves a KPI and announces that too. It also
//! clears the report claims that have lapsed and announces those reports.

use tokio::time::{MissedTickBehavior, interval};

use super::db_insights::{self, kpi_status};
use super::{AppState, backfill, db_claims};
use crate::protocol::{KpiPoint, Timestamp, health_types as ht};

/// Chance per tick of a new insight, and of a KPI moving.
const P_INSIGHT: f64 = 0.05;
const P_KPI: f64 = 0.3;
/// Points of history a KPI keeps.
const KPI_HISTORY: usize = 30;

pub async fn run(app: AppState) {
    let mut shutdown = app.shutdown.clone();
    let mut every = interval(app.args.tick());
    every.set_missed_tick_behavior(MissedTickBehavior::Skip);
    every.tick().await; // the first tick is immediate; clients get state on connect
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(e) = step(&app).await {
                    tracing::warn!(error = %e, "simulation step failed");
                }
            }
            _ = super::stopped(&mut shutdown) => return,
        }
    }
}

async fn step(app: &AppState) -> anyhow::Result<()> {
    let dt = app.args.tick().as_secs_f64();
    let (jobs, alerts, resolved, signals, insight) = {
        let mut sim = app.sim();
        let jobs = sim.backfill.tick(dt);
        let mut alerts = sim.monitor.tick(dt);
        let now = Timestamp::now();
        let resolved: Vec<_> = alerts.iter_mut().flat_map(|a| sim.alerts.raise(a, now)).collect();
        if sim.samples.due(now) {
            let sample = sim.monitor.sample(now);
            sim.samples.push(sample);
        }
        (jobs, alerts, resolved, sim.monitor.signals(), sim.monitor.maybe_insight(P_INSIGHT))
    };
    for job in &jobs {
        drop(app.backfill_tx.send(backfill::progress_frame(job)?.into()));
    }
    app.publish(ht::SYSTEM_STATUS, app.system_status());
    app.publish(ht::SIGNAL_METRICS, signals);
    for alert in alerts {
        app.publish(ht::ALERT, alert);
    }
    for alert in resolved {
        app.publish(ht::ALERT_UPDATED, alert);
    }
    if let Some(new) = insight {
        let created = app
            .db
            .call(move |c| {
                db_insights::insert_insight(
                    c,
                    &new.title,
                    &new.summary,
                    &new.category,
                    new.confidence,
                )
            })
            .await?;
        app.publish(ht::INSIGHT_CREATED, created);
    }
    let metrics = app.db.call(|c| db_insights::insight_metrics(c)).await?;
    app.publish(ht::INSIGHT_METRICS, metrics);
    clear_lapsed_claims(app).await?;
    move_kpi(app).await
}

/// A claim nobody renewed is gone (§5a): every console hears so, as a
/// `report_updated` without it.
async fn clear_lapsed_claims(app: &AppState) -> anyhow::Result<()> {
    let lapsed = app.claims_lapsed();
    for report in app.db.call(move |c| db_claims::clear_lapsed(c, lapsed)).await? {
        app.publish(ht::REPORT_UPDATED, report);
    }
    Ok(())
}

async fn move_kpi(app: &AppState) -> anyhow::Result<()> {
    let kpis = app.db.call(|c| db_insights::list_kpis(c)).await?;
    let Some((i, change)) = app.sim().monitor.maybe_kpi_move(P_KPI, kpis.len()) else {
        return Ok(());
    };
    let mut kpi = kpis[i].clone();
    kpi.current_value = ((kpi.current_value * (1.0 + change)) * 100.0).round() / 100.0;
    kpi.history.push(KpiPoint { value: kpi.current_value, recorded_at: Some(Timestamp::now()) });
    let excess = kpi.history.len().saturating_sub(KPI_HISTORY);
    kpi.history.drain(..excess);
    kpi.status = kpi_status(&kpi);
    let stored = kpi.clone();
    app.db.call(move |c| db_insights::put_kpi(c, &stored, i)).await?;
    app.publish(ht::KPI_UPDATED, kpi);
    Ok(())
}
