//! Flow control by the terminal's own answers (issue 16), as a pure state
//! machine: the UI loop tells it what it wrote and what came back, with the
//! time, and asks whether a frame may go out now.
//!
//! After each frame the loop asks the terminal for its primary device
//! attributes (`ESC [ c`). A terminal answers a query only after it has
//! processed everything written before it, so the answer says the frame is
//! on the screen; until it comes, the next frame waits and the state keeps
//! changing underneath. Over a slow link the screen then shows fewer frames,
//! each of the newest state, instead of a queue of old ones.
//!
//! ```text
//!            answer                      timeout, never answered
//!  Probing ─────────▶ On      Probing ─────────────────────────▶ Off
//!  (one request out,  (a frame waits      (timed frames for the rest of
//!   frames at most     for the answer      the session, and why)
//!   4 a second)        to the one before)
//! ```

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::config::FlowControl;
use crate::event::{FlowOff, FlowState, OutputStats, RoundTrip};

/// Frames written whose answer has not come back, at most. One, because
/// the promise is that a key's effect is on the screen within one round
/// trip plus one frame: with two in flight a key's frame waits behind two.
/// The cost is at most one frame per round trip on a link that is slow to
/// answer but fast to carry, which still draws the newest state each time.
pub(crate) const IN_FLIGHT: usize = 1;

/// Until the terminal first answers, frames go out at most this often: a
/// terminal that never answers still draws four times a second while we
/// wait to find out, and a slow link gets only a few frames ahead.
pub(crate) const PROBING_INTERVAL: Duration = Duration::from_millis(250);

/// A terminal that has not answered this long after the first request does
/// not answer. The first request goes out before the first frame, so its
/// answer waits for one trip over the link, not for a screenful of output
/// squeezed through it; three seconds is beyond any interactive link.
pub(crate) const NEVER_ANSWERED: Duration = Duration::from_secs(3);

/// Once answers have come, silence means a slow link: keep waiting, but a
/// lost answer must not freeze the screen for good. A frame goes out anyway
/// after four times the recent p99 round trip, within these bounds: never
/// sooner than 5 s (a whole screen redrawn over 8 KB/s takes about that),
/// never later than 20 s.
const STALL_FACTOR: u32 = 4;
const STALL_MIN: Duration = Duration::from_secs(5);
const STALL_MAX: Duration = Duration::from_secs(20);

/// This many stalls in a row, with no answer between them, mean the
/// terminal has stopped answering (e.g. reattached from one that does not):
/// frames are timed from then on instead of one per stall limit.
const STALLS_TO_GIVE_UP: u32 = 3;

/// Round trips from this far back feed the estimate...
const WINDOW: Duration = Duration::from_secs(10);
/// ...but always at least the newest few, however old, so a link slower
/// than the window still has a figure.
const MIN_SAMPLES: usize = 4;
/// And never more than these (an answer per frame, 240 frames a second).
const MAX_SAMPLES: usize = 2048;

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    state: FlowState,
    /// When each request still unanswered was written, oldest first.
    in_flight: VecDeque<Instant>,
    /// When the first request was written.
    asked_at: Option<Instant>,
    last_frame: Option<Instant>,
    /// (when it came, round trip), oldest first.
    samples: VecDeque<(Instant, Duration)>,
    /// Frames sent by the stall guard since the last answer.
    stalls: u32,
    /// How long silence lasts before the stall guard lets a frame out,
    /// from the round trips up to the newest answer.
    stall_limit: Duration,
}

impl Flow {
    pub(crate) fn new(setting: FlowControl) -> Flow {
        let state = match setting {
            FlowControl::Auto => FlowState::Probing,
            FlowControl::Off => FlowState::Off(FlowOff::Config),
        };
        Flow {
            state,
            in_flight: VecDeque::new(),
            asked_at: None,
            last_frame: None,
            samples: VecDeque::new(),
            stalls: 0,
            stall_limit: STALL_MIN,
        }
    }

    pub(crate) fn state(&self) -> FlowState {
        self.state
    }

    /// Whether the loop should ask the terminal now: once before the first
    /// frame, then after every frame while flow control is on.
    pub(crate) fn wants_probe(&self) -> bool {
        match self.state {
            FlowState::Probing => self.asked_at.is_none(),
            FlowState::On => true,
            FlowState::Off(_) => false,
        }
    }

    /// The loop asked (or, `written` false, the screen had nothing to ask:
    /// it is not a terminal, and frames are timed).
    pub(crate) fn on_probe(&mut self, now: Instant, written: bool) {
        if !written {
            self.give_up(FlowOff::NoTerminal);
            return;
        }
        self.asked_at.get_or_insert(now);
        self.in_flight.push_back(now);
    }

    /// Whether a frame may be written now. Flow control falls back to
    /// timed frames here when the first answer is overdue.
    pub(crate) fn may_draw(&mut self, now: Instant) -> bool {
        if self.state == FlowState::Probing
            && self.asked_at.is_some_and(|t| now.saturating_duration_since(t) >= NEVER_ANSWERED)
        {
            self.give_up(FlowOff::NeverAnswered(NEVER_ANSWERED));
        }
        match self.state {
            FlowState::Off(_) => true,
            FlowState::Probing => {
                self.last_frame.is_none_or(|t| now.saturating_duration_since(t) >= PROBING_INTERVAL)
            }
            FlowState::On => self.in_flight.len() < IN_FLIGHT || self.stalled(now),
        }
    }

    /// A frame was written (before its request, if one follows). A frame
    /// the stall guard let out writes the oldest answer off as lost; if it
    /// was only late, it will be taken for the next frame's, which opens
    /// the gate one answer early, once.
    pub(crate) fn on_frame(&mut self, now: Instant) {
        self.last_frame = Some(now);
        if self.state == FlowState::On && self.in_flight.len() >= IN_FLIGHT {
            self.in_flight.pop_front();
            self.stalls += 1;
            if self.stalls >= STALLS_TO_GIVE_UP {
                self.give_up(FlowOff::StoppedAnswering);
            }
        }
    }

    /// The terminal answered: the oldest request's frame is on the screen.
    /// An answer after giving up changes nothing: the fallback holds for
    /// the session, as diagnostics say.
    pub(crate) fn on_answer(&mut self, now: Instant) {
        if matches!(self.state, FlowState::Off(_)) {
            return;
        }
        self.state = FlowState::On;
        self.stalls = 0;
        // An answer with nothing outstanding is a late one to a request
        // the stall guard wrote off: it proves the terminal answers, but
        // it times nothing.
        let Some(sent) = self.in_flight.pop_front() else { return };
        if self.samples.len() == MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back((now, now.saturating_duration_since(sent)));
        // Stalls are judged by how the link was up to this answer, not by
        // how long it has been quiet since.
        let p99 = self.round_trip(now).map_or(Duration::ZERO, |r| r.p99);
        self.stall_limit = (p99 * STALL_FACTOR).clamp(STALL_MIN, STALL_MAX);
    }

    /// When [`Flow::may_draw`] could turn true without an answer, if it is
    /// false now: the loop sleeps until then.
    pub(crate) fn wake_at(&self) -> Option<Instant> {
        match self.state {
            FlowState::Off(_) => None,
            FlowState::Probing => {
                let next = self.last_frame.map(|t| t + PROBING_INTERVAL);
                let timeout = self.asked_at.map(|t| t + NEVER_ANSWERED);
                next.into_iter().chain(timeout).min()
            }
            FlowState::On => self.in_flight.front().map(|t| *t + self.stall_limit),
        }
    }

    /// Whether an answer is still to come for a frame on the screen.
    pub(crate) fn awaiting_answer(&self) -> bool {
        self.state == FlowState::On && !self.in_flight.is_empty()
    }

    /// p50 and p99 of the round trips of the last [`WINDOW`] (at least the
    /// newest [`MIN_SAMPLES`]); none before the first answer.
    pub(crate) fn round_trip(&self, now: Instant) -> Option<RoundTrip> {
        let recent = self.samples.len().saturating_sub(MIN_SAMPLES);
        let mut rtts: Vec<Duration> = self
            .samples
            .iter()
            .enumerate()
            .filter(|(i, (at, _))| *i >= recent || now.saturating_duration_since(*at) <= WINDOW)
            .map(|(_, (_, rtt))| *rtt)
            .collect();
        if rtts.is_empty() {
            return None;
        }
        rtts.sort_unstable();
        Some(RoundTrip { p50: percentile(&rtts, 50), p99: percentile(&rtts, 99) })
    }

    fn stalled(&self, now: Instant) -> bool {
        self.in_flight
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.stall_limit)
    }

    fn give_up(&mut self, why: FlowOff) {
        self.state = FlowState::Off(why);
        self.in_flight.clear();
    }
}

/// Frames written and held back, and bytes, for the loop's report.
#[derive(Debug, Clone)]
pub(crate) struct Meter {
    interval: Duration,
    frames: u64,
    skipped: u64,
    /// Since when a due frame has been held back (moved on as the frame
    /// slots in between are counted as skipped).
    held_since: Option<Instant>,
    /// At the last report: when, frames, skipped, bytes written.
    last: (Instant, u64, u64, u64),
}

impl Meter {
    pub(crate) fn new(now: Instant, interval: Duration) -> Meter {
        Meter { interval, frames: 0, skipped: 0, held_since: None, last: (now, 0, 0, 0) }
    }

    /// Something changed and the frame rate allowed a frame, but flow
    /// control held it back.
    pub(crate) fn held(&mut self, now: Instant) {
        self.held_since.get_or_insert(now);
    }

    pub(crate) fn drawn(&mut self, now: Instant) {
        self.settle(now);
        self.held_since = None;
        self.frames += 1;
    }

    /// Count the frame slots a held frame has waited through as skipped:
    /// the frames the frame rate alone would have written meanwhile.
    fn settle(&mut self, now: Instant) {
        let Some(since) = self.held_since else { return };
        let step = self.interval.as_nanos().max(1);
        let slots = now.saturating_duration_since(since).as_nanos() / step;
        self.skipped += slots as u64;
        self.held_since = Some(since + Duration::from_nanos((slots * step) as u64));
    }

    /// The figures since the last report; `bytes` is the total written.
    pub(crate) fn report(&mut self, now: Instant, bytes: u64, flow: &Flow) -> OutputStats {
        self.settle(now);
        let (at, frames, skipped, written) = self.last;
        let secs = now.saturating_duration_since(at).as_secs_f64();
        let bytes_per_sec = if secs > 0.0 {
            (bytes.saturating_sub(written) as f64 / secs).round() as u64
        } else {
            0
        };
        self.last = (now, self.frames, self.skipped, bytes);
        OutputStats {
            frames: self.frames,
            skipped: self.skipped,
            recent_frames: self.frames - frames,
            recent_skipped: self.skipped - skipped,
            bytes_per_sec,
            round_trip: flow.round_trip(now),
            flow: flow.state(),
            frame_interval: self.interval,
        }
    }
}

/// The nearest-rank `p`th percentile of sorted, non-empty `values`.
fn percentile(values: &[Duration], p: usize) -> Duration {
    let rank = (values.len() * p).div_ceil(100).max(1);
    values[rank - 1]
}

#[cfg(test)]
#[path = "flow_tests.rs"]
mod tests;
