//! The Metrics tab's state: KPIs, signal metrics and insight metrics, each
//! with a client-side history.

use super::history::History;
use crate::protocol::{InsightMetrics, Kpi, SignalMetrics};

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub name: String,
    pub unit: Option<String>,
    pub history: History,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub kpis: Vec<Kpi>,
    pub signals: Vec<Signal>,
    pub insights: Option<InsightMetrics>,
    pub insight_avg_rating: History,
    pub error: Option<String>,
    history_points: usize,
}

impl Metrics {
    pub fn new(history_points: usize) -> Self {
        Metrics {
            kpis: Vec::new(),
            signals: Vec::new(),
            insights: None,
            insight_avg_rating: History::new(history_points),
            error: None,
            history_points,
        }
    }

    pub fn set_kpis(&mut self, kpis: Vec<Kpi>) {
        self.kpis = kpis;
        self.error = None;
    }

    /// Replace a KPI by id, or append it.
    pub fn upsert_kpi(&mut self, k: Kpi) {
        match self.kpis.iter_mut().find(|x| x.id == k.id) {
            Some(slot) => *slot = k,
            None => self.kpis.push(k),
        }
    }

    pub fn push_signals(&mut self, m: SignalMetrics) {
        for s in m.metrics {
            let idx = match self.signals.iter().position(|x| x.name == s.name) {
                Some(i) => i,
                None => {
                    self.signals.push(Signal {
                        name: s.name.clone(),
                        unit: s.unit.clone(),
                        history: History::new(self.history_points),
                    });
                    self.signals.len() - 1
                }
            };
            self.signals[idx].history.push(s.value);
            if s.unit.is_some() {
                self.signals[idx].unit = s.unit;
            }
        }
    }

    pub fn set_insight_metrics(&mut self, m: InsightMetrics) {
        self.insight_avg_rating.push(m.avg_rating);
        self.insights = Some(m);
    }
}
