//! What Prometheus and Alertmanager said, into the state: Alertmanager's
//! alerts into the inbox (a new critical one after the first poll gets its
//! toast and notification), Prometheus's jobs and panels into [`super::Prom`].

use super::App;
use crate::event::Effect;
use crate::sources::SourceEvent;

impl App {
    pub(super) fn on_source(&mut self, ev: SourceEvent, fx: &mut Vec<Effect>) -> bool {
        let (now, wall) = (self.now, self.wall);
        match ev {
            SourceEvent::Alertmanager(result) => {
                let Some(am) = self.alerts.am.as_mut() else { return false };
                match result {
                    Ok(alerts) => {
                        am.load.succeed(now);
                        let first = !std::mem::replace(&mut am.polled, true);
                        let polled = alerts.into_iter().map(|s| (s.alert, s.labels)).collect();
                        for id in self.alerts.apply_poll(polled, first, now, wall) {
                            self.alert_raised(&id, fx);
                        }
                    }
                    Err(e) => am.load.fail_source(now, &e),
                }
            }
            SourceEvent::PromServices(r) => {
                let Some(p) = self.prom.as_mut() else { return false };
                p.set_services(r, now);
            }
            SourceEvent::PromRange { index, result } => {
                let Some(p) = self.prom.as_mut() else { return false };
                p.apply_range(index, result, now, wall);
            }
            SourceEvent::PromValue { index, result } => {
                let Some(p) = self.prom.as_mut() else { return false };
                p.apply_value(index, result, now);
            }
        }
        true
    }
}
