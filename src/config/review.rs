//! `[review]`: how decisions are made and how margin reports read to a
//! reviewer: the undo window, claims, and the levels past which a report's
//! total or risk metric is highlighted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Seconds a decision waits in the outbox before it is sent, while `u`
    /// can take it back; 0 sends at once.
    pub undo_secs: u64,
    /// Opening a pending report's detail claims it, so that other reviewers
    /// see who is looking (protocol §5a).
    pub claim_on_open: bool,
    /// Levels by metric key as the backend sends it (`margin_utilization`),
    /// checked against a report's totals and risk metrics.
    pub thresholds: BTreeMap<String, Threshold>,
}

/// One metric's levels. Higher values are the worse ones, unless `crit`
/// is below `warn`: then lower values are (a buying power that shrinks).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub warn: f64,
    pub crit: f64,
}

/// How far past its levels a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breach {
    Warn,
    Crit,
}

impl Breach {
    pub fn word(self) -> &'static str {
        match self {
            Breach::Warn => "warn",
            Breach::Crit => "crit",
        }
    }
}

impl Threshold {
    /// Whether lower values are the worse ones.
    pub fn lower_is_worse(&self) -> bool {
        self.crit < self.warn
    }

    /// The level `v` reaches (at or past it), if any. Not a number never
    /// does: it is shown as missing, not as a breach.
    pub fn breach(&self, v: f64) -> Option<Breach> {
        let past = |level: f64| if self.lower_is_worse() { v <= level } else { v >= level };
        if !v.is_finite() {
            None
        } else if past(self.crit) {
            Some(Breach::Crit)
        } else if past(self.warn) {
            Some(Breach::Warn)
        } else {
            None
        }
    }

    /// The level of `breach`.
    pub fn level(&self, breach: Breach) -> f64 {
        match breach {
            Breach::Warn => self.warn,
            Breach::Crit => self.crit,
        }
    }
}

impl ReviewConfig {
    /// The levels for `key`, its case ignored.
    pub fn threshold(&self, key: &str) -> Option<&Threshold> {
        self.thresholds.get(key).or_else(|| {
            self.thresholds.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, t)| t)
        })
    }
}

impl Default for ReviewConfig {
    fn default() -> ReviewConfig {
        let levels = |warn, crit| Threshold { warn, crit };
        ReviewConfig {
            undo_secs: 5,
            claim_on_open: true,
            thresholds: BTreeMap::from([
                ("margin_utilization".to_owned(), levels(0.8, 0.9)),
                ("leverage".to_owned(), levels(3.0, 4.0)),
                ("concentration".to_owned(), levels(0.5, 0.7)),
            ]),
        }
    }
}

/// The longest undo window: beyond it a decision would sit unsent for long
/// enough to surprise whoever made it.
const MAX_UNDO_SECS: u64 = 60;

/// The undo window within bounds; each threshold a metric name, and levels
/// that are numbers.
pub(super) fn validate(config: &ReviewConfig) -> Result<(), (String, String)> {
    if config.undo_secs > MAX_UNDO_SECS {
        let message = format!("must be 0 to {MAX_UNDO_SECS} seconds, got {}", config.undo_secs);
        return Err(("review.undo_secs".into(), message));
    }
    for (key, t) in &config.thresholds {
        let path = format!("review.thresholds.{key}");
        if key.trim().is_empty() {
            return Err((path, "needs a metric name".into()));
        }
        if !(t.warn.is_finite() && t.crit.is_finite()) {
            let message = format!("warn and crit must be numbers, got {} and {}", t.warn, t.crit);
            return Err((path, message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_is_worse_unless_crit_is_below_warn() {
        let util = Threshold { warn: 0.8, crit: 0.9 };
        assert_eq!(util.breach(0.79), None);
        assert_eq!(util.breach(0.8), Some(Breach::Warn), "at the level counts");
        assert_eq!(util.breach(0.95), Some(Breach::Crit));
        assert_eq!(util.breach(f64::NAN), None);
        let power = Threshold { warn: 100_000.0, crit: 50_000.0 };
        assert!(power.lower_is_worse());
        assert_eq!(power.breach(150_000.0), None);
        assert_eq!(power.breach(80_000.0), Some(Breach::Warn));
        assert_eq!(power.breach(-1.0), Some(Breach::Crit));
        assert_eq!(power.level(Breach::Crit), 50_000.0);
    }

    #[test]
    fn keys_match_whatever_their_case() {
        let c = ReviewConfig::default();
        assert_eq!(c.threshold("Margin_Utilization"), c.threshold("margin_utilization"));
        assert!(c.threshold("margin_utilization").is_some());
        assert!(c.threshold("equity").is_none());
    }
}
