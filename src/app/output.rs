//! How the link to the terminal keeps up, as the UI loop reports it once a
//! second, and what the screen leaves out while the link is the limit.

use std::time::Duration;

use crate::event::{FlowState, OutputStats};

/// The round trip shows in the header from this long...
pub const RTT_SHOWN: Duration = Duration::from_millis(250);
/// ...and in the warning colour from this long.
pub const RTT_WARN: Duration = Duration::from_secs(1);

/// Reports in a row with the link keeping up before the optional churn
/// comes back: dropping it makes frames smaller, and without a pause the
/// flash would come and go every other second on a link near its limit.
const CALM_REPORTS: u32 = 5;

/// The link is the limit when at least this share of the frames that fell
/// due in a report were held back (and a few, not one odd late answer)...
const HELD_SHARE: u64 = 4;
const HELD_AT_LEAST: u64 = 3;
/// ...or when a round trip takes this many frame intervals.
const SLOW_INTERVALS: u32 = 4;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// The newest report; none in the first second.
    pub stats: Option<OutputStats>,
    /// The link is the limit: leave out optional churn (the per-tick
    /// flash, the ages of quiet rows counting up every second), so that the
    /// frames that do go out carry what matters.
    pub shed_churn: bool,
    /// Reports in a row in which the link kept up.
    calm: u32,
}

impl Output {
    /// Take a report. Returns whether the header or the churn rule changed.
    pub(crate) fn apply(&mut self, stats: OutputStats) -> bool {
        let before = (self.slow_round_trip(), self.shed_churn);
        if link_limited(&stats) {
            self.shed_churn = true;
            self.calm = 0;
        } else {
            self.calm = self.calm.saturating_add(1);
            if self.calm >= CALM_REPORTS {
                self.shed_churn = false;
            }
        }
        self.stats = Some(stats);
        before != (self.slow_round_trip(), self.shed_churn)
    }

    /// The round trip's p50, when it is long enough to mention.
    pub fn slow_round_trip(&self) -> Option<Duration> {
        let p50 = self.stats.as_ref()?.round_trip?.p50;
        (p50 >= RTT_SHOWN).then_some(p50)
    }
}

/// Whether the link, not the state, decides what reaches the screen. Only
/// frames held back for an answer count: while the first answer is awaited
/// frames are held to four a second whatever the link.
fn link_limited(s: &OutputStats) -> bool {
    let due = s.recent_frames + s.recent_skipped;
    let held = s.flow == FlowState::On
        && s.recent_skipped >= HELD_AT_LEAST
        && s.recent_skipped * HELD_SHARE >= due;
    let slow = s.round_trip.is_some_and(|r| r.p50 >= s.frame_interval * SLOW_INTERVALS);
    held || slow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{FlowOff, RoundTrip};

    fn report(frames: u64, skipped: u64, p50_ms: Option<u64>) -> OutputStats {
        let ms = Duration::from_millis;
        OutputStats {
            recent_frames: frames,
            recent_skipped: skipped,
            round_trip: p50_ms.map(|p| RoundTrip { p50: ms(p), p99: ms(p * 2) }),
            flow: FlowState::On,
            frame_interval: ms(33),
            ..OutputStats::default()
        }
    }

    #[test]
    fn churn_goes_when_frames_are_held_back_and_comes_back_after_five_calm_seconds() {
        let mut out = Output::default();
        assert!(!out.apply(report(30, 0, Some(2))), "a fast terminal changes nothing");
        assert!(!out.apply(report(29, 1, Some(40))), "one late answer is not a slow link");
        assert!(out.apply(report(4, 26, Some(200))), "held back: the churn goes");
        assert!(out.shed_churn);
        for second in 1..CALM_REPORTS {
            assert!(!out.apply(report(30, 0, Some(2))), "second {second}");
            assert!(out.shed_churn, "still shed after {second} calm seconds");
        }
        assert!(out.apply(report(30, 0, Some(2))));
        assert!(!out.shed_churn);
    }

    #[test]
    fn frames_held_before_the_first_answer_say_nothing_about_the_link() {
        let mut out = Output::default();
        let probing = OutputStats { flow: FlowState::Probing, ..report(4, 26, None) };
        assert!(!out.apply(probing));
        let off = FlowState::Off(FlowOff::NeverAnswered(Duration::from_secs(3)));
        assert!(!out.apply(OutputStats { flow: off, ..report(4, 26, None) }));
        assert!(!out.shed_churn);
    }

    #[test]
    fn a_round_trip_of_several_frames_sheds_churn_even_when_nothing_is_due() {
        let mut out = Output::default();
        assert!(out.apply(report(1, 0, Some(140))));
        assert!(out.shed_churn);
        let mut quiet = Output::default();
        quiet.apply(report(1, 0, Some(100)));
        assert!(!quiet.shed_churn, "three frame intervals is not yet the limit");
    }

    #[test]
    fn the_round_trip_is_worth_showing_from_a_quarter_second() {
        let mut out = Output::default();
        out.apply(report(30, 0, Some(249)));
        assert_eq!(out.slow_round_trip(), None);
        assert!(out.apply(report(3, 20, Some(420))), "the header changes");
        assert_eq!(out.slow_round_trip(), Some(Duration::from_millis(420)));
        out.apply(report(3, 20, None));
        assert_eq!(out.slow_round_trip(), None, "no answers, no figure");
    }
}
