//! The flow-control state machine with time driven by hand.

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Flow control as the loop starts it: the first request written at `t0`.
fn asked(t0: Instant) -> Flow {
    let mut flow = Flow::new(FlowControl::Auto);
    assert!(flow.wants_probe(), "the first request goes out before any frame");
    flow.on_probe(t0, true);
    flow
}

/// A frame at `now`, with the request that follows it when one is wanted.
fn frame(flow: &mut Flow, now: Instant) {
    assert!(flow.may_draw(now), "a frame may go out at {now:?}");
    flow.on_frame(now);
    if flow.wants_probe() {
        flow.on_probe(now, true);
    }
}

/// The terminal has answered the first request 20 ms after `t0`.
fn answering(t0: Instant) -> Flow {
    let mut flow = asked(t0);
    flow.on_answer(t0 + ms(20));
    assert_eq!(flow.state(), FlowState::On);
    flow
}

#[test]
fn an_answer_opens_the_gate_and_the_next_frame_waits_for_it() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    frame(&mut flow, t0 + ms(30));
    // Still no answer: every frame that falls due is held back.
    for step in 1..100 {
        assert!(!flow.may_draw(t0 + ms(30 + step * 33)), "held at step {step}");
    }
    flow.on_answer(t0 + ms(3400));
    assert!(flow.may_draw(t0 + ms(3400)), "the answer opens the gate at once");
}

#[test]
fn frames_in_flight_never_exceed_the_limit() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    let mut now = t0 + ms(20);
    let mut in_flight = 0usize;
    // Frames fall due every 33 ms; the terminal answers every 7th step.
    for step in 0..2000u64 {
        now += ms(33);
        if step % 7 == 6 && in_flight > 0 {
            flow.on_answer(now);
            in_flight -= 1;
        }
        if flow.may_draw(now) {
            flow.on_frame(now);
            assert!(flow.wants_probe());
            flow.on_probe(now, true);
            in_flight += 1;
        }
        assert!(in_flight <= IN_FLIGHT, "{in_flight} frames unanswered at step {step}");
        assert_eq!(flow.awaiting_answer(), in_flight > 0);
    }
}

#[test]
fn until_the_first_answer_frames_go_out_four_a_second_without_requests() {
    let t0 = Instant::now();
    let mut flow = asked(t0);
    assert_eq!(flow.state(), FlowState::Probing);
    frame(&mut flow, t0);
    assert!(!flow.wants_probe(), "one request at a time until the terminal answers");
    assert!(!flow.may_draw(t0 + ms(100)));
    assert_eq!(flow.wake_at(), Some(t0 + PROBING_INTERVAL));
    frame(&mut flow, t0 + ms(250));
    let mut drawn = 0;
    for i in 1..=60 {
        let now = t0 + ms(250 + i * 10);
        if flow.may_draw(now) {
            flow.on_frame(now);
            drawn += 1;
        }
    }
    assert_eq!(drawn, 2, "600 ms more: two more frames");
}

#[test]
fn a_terminal_that_never_answers_gets_timed_frames_for_the_session() {
    let t0 = Instant::now();
    let mut flow = asked(t0);
    frame(&mut flow, t0);
    flow.may_draw(t0 + ms(2999));
    assert_eq!(flow.state(), FlowState::Probing, "still waiting for a first answer");
    assert!(flow.may_draw(t0 + NEVER_ANSWERED));
    let off = FlowState::Off(FlowOff::NeverAnswered(NEVER_ANSWERED));
    assert_eq!(flow.state(), off, "why is remembered");
    assert!(!flow.wants_probe(), "no more requests once given up");
    // An answer after giving up does not bring flow control back: the
    // session keeps to what diagnostics said.
    flow.on_answer(t0 + ms(3500));
    assert_eq!(flow.state(), off);
    for i in 0..100 {
        let now = t0 + ms(3500 + i * 33);
        assert!(flow.may_draw(now));
        flow.on_frame(now);
        assert!(!flow.wants_probe());
    }
    assert_eq!(flow.wake_at(), None);
    assert_eq!(flow.round_trip(t0 + ms(7000)), None, "nothing was timed");
}

#[test]
fn off_never_gates_and_never_asks() {
    let t0 = Instant::now();
    let mut flow = Flow::new(FlowControl::Off);
    assert_eq!(flow.state(), FlowState::Off(FlowOff::Config));
    assert!(!flow.wants_probe());
    for i in 0..100 {
        assert!(flow.may_draw(t0 + ms(i)));
        flow.on_frame(t0 + ms(i));
        assert!(!flow.wants_probe());
    }
}

#[test]
fn a_screen_that_cannot_be_asked_turns_flow_control_off() {
    let t0 = Instant::now();
    let mut flow = Flow::new(FlowControl::Auto);
    flow.on_probe(t0, false);
    assert_eq!(flow.state(), FlowState::Off(FlowOff::NoTerminal));
    assert!(flow.may_draw(t0) && !flow.wants_probe());
}

#[test]
fn a_lost_answer_holds_the_screen_only_until_the_stall_limit() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    let sent = t0 + ms(100);
    frame(&mut flow, sent);
    assert!(!flow.may_draw(sent + STALL_MIN - ms(1)));
    assert_eq!(flow.wake_at(), Some(sent + STALL_MIN));
    assert!(flow.may_draw(sent + STALL_MIN), "a frame goes out anyway");
    frame(&mut flow, sent + STALL_MIN);
    assert_eq!(flow.state(), FlowState::On, "one lost answer is not a silent terminal");
    assert!(!flow.may_draw(sent + STALL_MIN + ms(1)), "and the new frame waits as usual");
    flow.on_answer(sent + STALL_MIN + ms(30));
    assert!(flow.may_draw(sent + STALL_MIN + ms(30)));
}

#[test]
fn the_stall_limit_grows_with_a_slow_link_within_bounds() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    // A link where every answer takes 2 s: waiting 5 s would call every
    // other answer lost.
    let mut now = t0 + ms(20);
    for _ in 0..10 {
        frame(&mut flow, now);
        now += ms(2000);
        flow.on_answer(now);
    }
    frame(&mut flow, now);
    assert!(!flow.may_draw(now + ms(7999)));
    assert!(flow.may_draw(now + ms(8000)), "four times the p99 round trip");
    // Answers 30 s apart: the guard still fires at 20 s.
    flow.on_answer(now + ms(30_000));
    let now = now + ms(30_000);
    frame(&mut flow, now);
    assert!(flow.may_draw(now + STALL_MAX));
}

#[test]
fn answers_that_stop_coming_end_in_timed_frames() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    let mut now = t0 + ms(100);
    frame(&mut flow, now);
    for _ in 0..STALLS_TO_GIVE_UP - 1 {
        now += STALL_MIN;
        frame(&mut flow, now);
        assert_eq!(flow.state(), FlowState::On);
    }
    // An answer between stalls starts the count again.
    flow.on_answer(now + ms(10));
    now += ms(10);
    frame(&mut flow, now);
    for _ in 0..STALLS_TO_GIVE_UP {
        now += STALL_MIN;
        frame(&mut flow, now);
    }
    assert_eq!(flow.state(), FlowState::Off(FlowOff::StoppedAnswering));
    assert!(flow.may_draw(now) && !flow.wants_probe() && !flow.awaiting_answer());
}

#[test]
fn the_round_trip_is_p50_and_p99_of_the_last_seconds() {
    let t0 = Instant::now();
    let mut flow = answering(t0);
    // Old and slow, then 100 recent answers of 1..=100 ms.
    let mut now = t0 + ms(20);
    for _ in 0..50 {
        frame(&mut flow, now);
        now += ms(900);
        flow.on_answer(now);
    }
    now += WINDOW;
    for rtt in 1..=100 {
        frame(&mut flow, now);
        now += ms(rtt);
        flow.on_answer(now);
    }
    let rt = flow.round_trip(now).expect("answers came");
    assert_eq!((rt.p50, rt.p99), (ms(50), ms(99)));
    // Long after, the newest few still stand for the link.
    let later = flow.round_trip(now + ms(60_000)).expect("kept");
    assert_eq!((later.p50, later.p99), (ms(98), ms(100)));
}

#[test]
fn the_round_trip_counts_from_the_request_to_its_answer() {
    let t0 = Instant::now();
    let flow = answering(t0);
    let rt = flow.round_trip(t0 + ms(20)).expect("the first answer is timed");
    assert_eq!((rt.p50, rt.p99), (ms(20), ms(20)));
    assert_eq!(Flow::new(FlowControl::Auto).round_trip(t0), None);
}

#[test]
fn the_meter_counts_the_frame_slots_a_held_frame_waited_through() {
    let t0 = Instant::now();
    let interval = ms(33);
    let flow = answering(t0);
    let mut meter = Meter::new(t0, interval);
    meter.drawn(t0);
    // Due at 40 ms, held until the answer at 150 ms: 3 slots skipped.
    meter.held(t0 + ms(40));
    meter.held(t0 + ms(90));
    meter.drawn(t0 + ms(150));
    // Held only briefly: nothing skipped.
    meter.held(t0 + ms(200));
    meter.drawn(t0 + ms(210));
    // Held across the report: counted up to it, then on from there.
    meter.held(t0 + ms(900));
    let stats = meter.report(t0 + ms(1000), 8000, &flow);
    assert_eq!((stats.frames, stats.skipped), (3, 6));
    assert_eq!((stats.recent_frames, stats.recent_skipped), (3, 6));
    assert_eq!(stats.bytes_per_sec, 8000);
    assert_eq!(stats.flow, FlowState::On);
    assert_eq!(stats.frame_interval, interval);
    meter.drawn(t0 + ms(1020));
    let stats = meter.report(t0 + ms(2000), 10_000, &flow);
    assert_eq!((stats.frames, stats.skipped), (4, 6));
    assert_eq!((stats.recent_frames, stats.recent_skipped), (1, 0));
    assert_eq!(stats.bytes_per_sec, 2000);
}
