//! What the state does with REST answers: lists, statistics, status,
//! charts and claims.

use super::App;
use crate::event::{ApiEvent, Effect};

impl App {
    pub(super) fn on_api(&mut self, ev: ApiEvent, fx: &mut Vec<Effect>) -> bool {
        let now = self.now;
        match ev {
            ApiEvent::Insights { offset, result: Ok(l) } => {
                self.insights.set_page(offset, l.insights, l.total, now);
                self.want_stats(fx);
            }
            ApiEvent::Insights { result: Err(e), .. } => self.insights.paging.load.fail(now, &e),
            ApiEvent::Reports { offset, result: Ok(l) } => {
                self.reports.set_page(offset, l.reports, l.total, l.has_more, now);
            }
            ApiEvent::Reports { result: Err(e), .. } => self.reports.paging.load.fail(now, &e),
            ApiEvent::Stats(_, Ok(s)) => {
                self.insights.apply_stats(&s);
            }
            ApiEvent::Stats(id, Err(e)) => {
                self.message = Some(format!("feedback for insight {id}: {e}"))
            }
            ApiEvent::Kpis(Ok(l)) => self.metrics.set_kpis(l.kpis, now),
            ApiEvent::Kpis(Err(e)) => self.metrics.kpis_load.fail(now, &e),
            ApiEvent::Analytics { days, result } => self.metrics.set_analytics(days, result, now),
            ApiEvent::Status(Ok(s)) => {
                self.status.set_system(s, now);
                self.status.system_load.succeed(now);
            }
            ApiEvent::Status(Err(e)) => self.status.system_load.fail(now, &e),
            ApiEvent::Backfill(Ok(jobs)) => {
                self.status.upsert_jobs(jobs, now);
                self.status.jobs_load.succeed(now);
            }
            ApiEvent::Backfill(Err(e)) => self.status.jobs_load.fail(now, &e),
            ApiEvent::Candles { symbol, interval, result } => {
                self.on_candles(&symbol, interval, result, fx);
            }
            ApiEvent::MonitoringHistory(r) => self.status.apply_history(r, now, self.wall),
            ApiEvent::Trend { symbol, result } => self.on_trend(&symbol, result),
            ApiEvent::Alerts(Ok(l)) => self.alerts.apply_list(l.alerts, now),
            ApiEvent::Claim { id, release, result } => self.on_claim(&id, release, result),
            ApiEvent::Alerts(Err(e)) => {
                self.alerts.unavailable = matches!(e, crate::api::ApiError::Unavailable { .. });
                self.alerts.load.fail(now, &e);
            }
        }
        true
    }
}
