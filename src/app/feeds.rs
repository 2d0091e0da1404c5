//! What the console knows about each feed's connection, for the header
//! indicators and the diagnostics.

use std::time::{Duration, Instant};

use crate::event::{FeedKind, Link};
pub use crate::format::format_age;

#[derive(Debug, Clone, PartialEq)]
pub struct FeedState {
    pub link: Link,
    pub last_message: Option<Instant>,
    pub messages: u64,
    pub bytes: u64,
    pub rejected: u64,
    /// Gaps and backward steps in a venue's sequence numbers.
    pub seq_breaks: u64,
    /// Connections made after the first one.
    pub reconnects: u64,
    connected_before: bool,
}

impl Default for FeedState {
    fn default() -> Self {
        FeedState {
            link: Link::Connecting,
            last_message: None,
            messages: 0,
            bytes: 0,
            rejected: 0,
            seq_breaks: 0,
            reconnects: 0,
            connected_before: false,
        }
    }
}

/// The three indicator states the header shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    Connected,
    Reconnecting,
    Down,
}

/// After this many failed attempts in a row a feed is shown as down rather
/// than reconnecting (it keeps retrying either way).
const DOWN_AFTER_ATTEMPTS: u32 = 3;

impl FeedState {
    pub fn indicator(&self) -> Indicator {
        match &self.link {
            Link::Connected => Indicator::Connected,
            Link::Connecting => Indicator::Reconnecting,
            Link::Reconnecting { attempt, .. } if *attempt >= DOWN_AFTER_ATTEMPTS => {
                Indicator::Down
            }
            Link::Reconnecting { .. } => Indicator::Reconnecting,
            Link::Stopped { .. } => Indicator::Down,
        }
    }

    pub(crate) fn age(&self, now: Instant) -> Option<Duration> {
        self.last_message.map(|t| now.saturating_duration_since(t))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feeds {
    pub prices: FeedState,
    pub backfill: FeedState,
    pub health: FeedState,
}

impl Feeds {
    pub fn get(&self, kind: FeedKind) -> &FeedState {
        match kind {
            FeedKind::Prices => &self.prices,
            FeedKind::Backfill => &self.backfill,
            FeedKind::Health => &self.health,
        }
    }

    pub(crate) fn get_mut(&mut self, kind: FeedKind) -> &mut FeedState {
        match kind {
            FeedKind::Prices => &mut self.prices,
            FeedKind::Backfill => &mut self.backfill,
            FeedKind::Health => &mut self.health,
        }
    }

    pub(crate) fn set_link(&mut self, kind: FeedKind, link: Link) {
        let f = self.get_mut(kind);
        if matches!(link, Link::Connected) {
            if f.connected_before {
                f.reconnects += 1;
            }
            f.connected_before = true;
        }
        f.link = link;
    }

    pub(crate) fn count(
        &mut self,
        kind: FeedKind,
        messages: u64,
        bytes: u64,
        rejected: u64,
        now: Instant,
    ) {
        let f = self.get_mut(kind);
        f.messages += messages;
        f.bytes += bytes;
        f.rejected += rejected;
        if messages > 0 {
            f.last_message = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_failures_turn_reconnecting_into_down() {
        let mut f = FeedState {
            link: Link::Reconnecting { attempt: 1, retry_in_ms: 250, error: "refused".into() },
            ..FeedState::default()
        };
        assert_eq!(f.indicator(), Indicator::Reconnecting);
        f.link = Link::Reconnecting { attempt: 5, retry_in_ms: 4000, error: "refused".into() };
        assert_eq!(f.indicator(), Indicator::Down);
    }
}
