//! How a fetch from the server stands, kept beside the last good data it
//! brought: a failure with data on screen is still shown.

use std::time::Instant;

use crate::api::{ApiError, ErrorKind};

/// The state of the last request for one piece of server data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// A request is in flight.
    Loading { since: Instant },
    /// The last request succeeded.
    Loaded { at: Instant },
    /// The last request failed; the data beside it (if any) is older.
    /// `kind` says whether asking again can help.
    Failed { at: Instant, reason: String, kind: ErrorKind },
}

impl Load {
    /// A request was sent.
    pub(crate) fn start(&mut self, now: Instant) {
        *self = Load::Loading { since: now };
    }

    /// The answer arrived and its data was taken.
    pub(crate) fn succeed(&mut self, now: Instant) {
        *self = Load::Loaded { at: now };
    }

    /// The request failed; the data already held stays.
    pub(crate) fn fail(&mut self, now: Instant, error: &ApiError) {
        *self = Load::Failed { at: now, reason: error.to_string(), kind: error.kind() };
    }

    /// A request to Prometheus or Alertmanager failed.
    pub(crate) fn fail_source(&mut self, now: Instant, error: &crate::sources::SourceError) {
        *self = Load::Failed { at: now, reason: error.to_string(), kind: error.kind() };
    }

    /// Newer data arrived another way (a live feed): a failure no longer
    /// describes what is on screen. A request in flight stays in flight.
    pub(crate) fn refreshed(&mut self, now: Instant) {
        if !self.is_loading() {
            self.succeed(now);
        }
    }

    pub(crate) fn is_loading(&self) -> bool {
        matches!(self, Load::Loading { .. })
    }

    /// When the last request failed, and why.
    pub(crate) fn failure(&self) -> Option<(Instant, &str)> {
        match self {
            Load::Failed { at, reason, .. } => Some((*at, reason)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_failure_is_kept_until_the_next_answer_or_newer_data() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        let mut l = Load::default();
        l.start(t0);
        assert!(l.is_loading());
        let refused = ApiError::Network { url: "http://h/x".into(), reason: "refused".into() };
        l.fail(t1, &refused);
        assert_eq!(l.failure(), Some((t1, "cannot reach http://h/x: refused")));
        l.refreshed(t1);
        assert_eq!(l, Load::Loaded { at: t1 });
        l.start(t1);
        l.refreshed(t1);
        assert!(l.is_loading(), "a feed update does not end a request in flight");
    }
}
