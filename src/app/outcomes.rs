//! What the state does with outbox reports (delivered, conflict, refused)
//! and with cursor moves that need data (stats, the next page).

use super::{App, Tab};
use crate::event::Effect;
use crate::outbox::{Action, Answer, OutboxEvent};

impl App {
    pub(super) fn move_cursor(&mut self, delta: isize, fx: &mut Vec<Effect>) {
        match self.tab {
            Tab::Markets => self.markets.move_selection(delta),
            Tab::Insights => {
                let more = self.insights.move_selection(delta, self.now);
                self.want_stats(fx);
                if let Some(offset) = more {
                    fx.push(Effect::FetchInsights { offset });
                }
            }
            Tab::Reports => {
                let r = &mut self.reports;
                if let Some(offset) = r.move_selection(delta, self.now) {
                    fx.push(Effect::FetchReports(r.filter.query(super::REPORT_PAGE, offset)));
                }
            }
            Tab::Alerts => self.alerts.move_selection(delta, self.wall),
            Tab::Status | Tab::Metrics => {}
        }
    }

    /// Fetch the feedback statistics of the selected insight once.
    pub(super) fn want_stats(&mut self, fx: &mut Vec<Effect>) {
        if let Some(i) = self.insights.selected_item()
            && !self.insights.stats.contains_key(&i.id)
        {
            fx.push(Effect::FetchStats(i.id.clone()));
        }
    }

    /// The server's word on an alert: its row, whoever it came from.
    fn alert_answer(&mut self, a: crate::protocol::Alert) {
        let origin = self.alerts.get(&a.id).map_or(super::Origin::Backend, |r| r.origin.clone());
        self.alerts.upsert(a, origin, self.now);
    }

    /// Undo optimistic changes by loading the truth again.
    pub(super) fn reload(&mut self, action: &Action, fx: &mut Vec<Effect>) {
        if action.silence().is_some() {
            fx.push(Effect::PollSources);
        } else if action.alert().is_some() {
            self.alerts.load.start(self.now);
            fx.push(Effect::FetchAlerts { all: true });
        } else if action.report().is_some() {
            self.reports.paging.load.start(self.now);
            fx.push(Effect::FetchReports(self.reports.filter.query(super::REPORT_PAGE, 0)));
        } else {
            self.insights.paging.load.start(self.now);
            fx.push(Effect::FetchInsights { offset: 0 });
            if let Some(id) = action.insight() {
                fx.push(Effect::FetchStats(id.clone()));
            }
        }
    }

    pub(super) fn on_outbox(&mut self, ev: OutboxEvent, fx: &mut Vec<Effect>) -> bool {
        match ev {
            OutboxEvent::Changed(items) => self.outbox = items,
            OutboxEvent::Delivered { item, answer } => {
                match answer {
                    Some(Answer::Report(r)) => {
                        self.reports.apply_update(*r);
                    }
                    Some(Answer::Stats(s)) => {
                        self.insights.apply_stats(&s);
                    }
                    Some(Answer::Alert(Some(a))) => self.alert_answer(*a),
                    // Alertmanager answers a silence with its id: the row
                    // already shows the decision; a poll now confirms it.
                    Some(Answer::Alert(None)) => fx.push(Effect::PollSources),
                    // Applied, but we cannot tell how: load what is true.
                    None => self.reload(&item.action, fx),
                }
                if item.action.report().is_some() {
                    // Approval rates and pending counts moved.
                    fx.push(Effect::FetchAnalytics(self.metrics.analytics_days));
                }
            }
            OutboxEvent::Conflict { item, message, current } => {
                let what = item.action.describe();
                match current {
                    Some(Answer::Report(r)) => {
                        self.message = Some(format!(
                            "{what}: already {} by {}",
                            r.validation_status.as_str(),
                            r.approved_by.as_deref().unwrap_or("someone else")
                        ));
                        self.reports.apply_update(*r);
                    }
                    Some(Answer::Stats(s)) => {
                        self.message = Some(format!("{what}: {message}"));
                        self.insights.apply_stats(&s);
                    }
                    Some(Answer::Alert(a)) => {
                        self.message = Some(format!("{what}: {message}"));
                        if let Some(a) = a {
                            self.alert_answer(*a);
                        }
                    }
                    None => {
                        self.message = Some(format!("{what}: {message}"));
                        self.reload(&item.action, fx);
                    }
                }
            }
            OutboxEvent::Forbidden { item, message } => {
                self.read_only = Some(if message.is_empty() {
                    "this token may not act".into()
                } else {
                    message
                });
                self.message = Some(format!(
                    "{}: not allowed with this token; actions are off",
                    item.action.describe()
                ));
                self.reload(&item.action, fx);
            }
            OutboxEvent::Rejected { item, status, message } => {
                self.message =
                    Some(format!("{} failed ({status}): {message}", item.action.describe()));
                self.reload(&item.action, fx);
            }
            OutboxEvent::Undecodable { total, reason } => {
                self.faults.undecodable_answers = total;
                self.faults.last_undecodable = Some(reason);
            }
            OutboxEvent::Stopped(failed) => return self.on_task_failed(failed, fx),
        }
        true
    }
}
