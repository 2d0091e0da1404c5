//! Checks shared by the fuzz targets. Each one states a promise that
//! meridian documents; a target panics (and libFuzzer reports a crash) only
//! when meridian panics or breaks one of these promises.
//!
//! - `protocol/mod.rs`: "Every string a server sends is sanitised here, as it
//!   is decoded" — every typed text field (those read through
//!   `sanitize::de_text` / `de_opt_text` / `de_multiline`, and string ids)
//!   comes out as `clean` (or `clean_multiline`) would leave it. Raw JSON
//!   kept as `serde_json::Value` (report positions, totals, `error.current`,
//!   feedback distribution keys) is cleaned where it is displayed instead,
//!   so it is not checked here.
//! - `protocol/price_decode.rs`: every batch element is consumed and either
//!   handed over or counted as rejected; a valid update has a non-empty
//!   symbol and finite, non-negative numbers (`PriceUpdate::is_valid`).

use meridian::protocol::{
    Alert, BackfillJob, FeedbackStats, HealthMessage, Id, Insight, Kpi, PriceUpdate, Report,
    ReportAnalytics, SystemStatus, decode_price_frame, for_each_price,
};
use meridian::sanitize::{clean, clean_multiline};

/// `MERIDIAN_FUZZ_DEBUG=1` makes the targets print what each input decoded
/// to (for looking at seeds and crashes; too slow for fuzzing).
pub fn debug() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MERIDIAN_FUZZ_DEBUG").is_some_and(|v| v == "1"))
}

/// A one-line text field: `clean` must leave it as it is.
pub fn assert_clean(s: &str, what: &str) {
    assert_eq!(clean(s), s, "{what} is not clean: {s:?}");
}

/// A multi-line text field: `clean_multiline` must leave it as it is.
pub fn assert_clean_multiline(s: &str, what: &str) {
    assert_eq!(clean_multiline(s), s, "{what} is not clean (multi-line): {s:?}");
}

pub fn assert_clean_opt(s: &Option<String>, what: &str) {
    if let Some(s) = s {
        assert_clean(s, what);
    }
}

/// An id sent as a string is cleaned; one sent as a number is its digits.
pub fn assert_clean_id(id: &Id, what: &str) {
    assert_clean(id.as_str(), what);
}

/// How many items a frame holds at the top level (an array's length, 1 for
/// a single object), when the frame parses as a generic value at all.
fn top_level_items(data: &[u8], binary: bool) -> Option<usize> {
    let v: serde_json::Value = if binary {
        rmp_serde::from_slice(data).ok()?
    } else {
        serde_json::from_slice(data).ok()?
    };
    match v {
        serde_json::Value::Array(a) => Some(a.len()),
        serde_json::Value::Object(_) => Some(1),
        _ => None,
    }
}

/// `decode_price_frame` and `for_each_price` on the same bytes.
pub fn check_price_frame(data: &[u8], binary: bool) {
    let collected = decode_price_frame(data, binary);
    if debug() {
        eprintln!("decode_price_frame: {collected:?}");
    }
    let mut streamed = Vec::new();
    let streamed_result = for_each_price(data, binary, |u| streamed.push(u));

    match (&collected, &streamed_result) {
        (Ok(d), Ok(rejected)) => {
            // The same frame, read twice: the same updates, the same count.
            assert_eq!(d.items, streamed, "for_each_price disagrees on the updates");
            assert_eq!(d.rejected, *rejected, "for_each_price disagrees on rejections");
            for u in &d.items {
                check_price_update(u);
            }
            // Every element of a batch is either an update or rejected.
            if let Some(n) = top_level_items(data, binary) {
                assert_eq!(
                    d.items.len() + d.rejected,
                    n,
                    "{} updates + {} rejected != {n} elements in the frame",
                    d.items.len(),
                    d.rejected
                );
            }
        }
        (Err(_), Err(_)) => {
            // A bad frame: `for_each_price` may already have handed over
            // the updates before the error (documented); they must still be
            // valid ones.
            for u in &streamed {
                check_price_update(u);
            }
        }
        (a, b) => panic!(
            "decode_price_frame and for_each_price disagree: {:?} vs {:?}",
            a.as_ref().map(|d| (d.items.len(), d.rejected)).map_err(ToString::to_string),
            b.as_ref().map_err(ToString::to_string)
        ),
    }
}

/// A decoded update is valid, its symbol clean, and it survives the
/// reference server's encodings (JSON, and MessagePack via `write_named`):
/// what the console decoded, re-encoded, decodes to the same update.
///
/// Through JSON a number may come back one or two ULPs off: serde_json
/// prints the shortest exact form but parses floats "best effort" unless its
/// `float_roundtrip` feature is on (it is not), so numbers are compared
/// within 2 ULPs there; everything else, and MessagePack, must be exact.
fn check_price_update(u: &PriceUpdate) {
    assert!(u.is_valid(), "an invalid update was accepted: {u:?}");
    assert!(!u.symbol.is_empty(), "empty symbol accepted");
    assert_clean(&u.symbol, "price symbol");

    let json = serde_json::to_vec(u).expect("a decoded update serialises to JSON");
    let again = decode_price_frame(&json, false).expect("re-encoded JSON update decodes");
    assert_eq!((again.items.len(), again.rejected), (1, 0), "JSON round trip: {again:?}");
    let v = &again.items[0];
    let same = (v.kind, &v.symbol, v.timestamp) == (u.kind, &u.symbol, u.timestamp)
        && [(v.price, u.price), (v.bid, u.bid), (v.ask, u.ask), (v.volume, u.volume)]
            .into_iter()
            .all(|(a, b)| within_2_ulps(a, b));
    assert!(same, "JSON round trip: {u:?} came back as {v:?}");

    let packed = rmp_serde::to_vec_named(u).expect("a decoded update serialises to MessagePack");
    let again = decode_price_frame(&packed, true).expect("re-encoded MessagePack update decodes");
    assert_eq!((again.items, again.rejected), (vec![u.clone()], 0), "MessagePack round trip");
}

/// Both absent, or equal up to 2 units in the last place (the numbers are
/// finite and non-negative: `is_valid`).
fn within_2_ulps(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a == b || a.to_bits().abs_diff(b.to_bits()) <= 2,
        _ => false,
    }
}

/// Every element of a backfill or health frame is a job/message or counted.
/// (`meridian::protocol::Decoded` is not exported, so the caller passes
/// its two counts.)
pub fn check_counts(items: usize, rejected: usize, data: &[u8], binary: bool) {
    if let Some(n) = top_level_items(data, binary) {
        assert_eq!(items + rejected, n, "{items} items + {rejected} rejected != {n} elements");
    }
}

pub fn check_backfill_job(j: &BackfillJob) {
    assert_clean(&j.job_id, "backfill job_id");
    assert_clean(&j.name, "backfill name");
    assert_clean_opt(&j.last_error, "backfill last_error");
}

pub fn check_system_status(s: &SystemStatus) {
    for svc in &s.services {
        assert_clean(&svc.name, "service name");
        assert_clean_opt(&svc.message, "service message");
    }
}

pub fn check_insight(i: &Insight) {
    assert_clean_id(&i.id, "insight id");
    assert_clean(&i.title, "insight title");
    assert_clean_multiline(&i.summary, "insight summary");
    assert_clean(&i.category, "insight category");
}

pub fn check_feedback(f: &FeedbackStats) {
    assert_clean_id(&f.insight_id, "feedback insight_id");
}

pub fn check_report(r: &Report) {
    assert_clean_id(&r.id, "report id");
    for (s, what) in [
        (&r.account_number, "report account_number"),
        (&r.account_title, "report account_title"),
        (&r.client_id, "report client_id"),
        (&r.report_date, "report report_date"),
        (&r.trade_date, "report trade_date"),
        (&r.processing_status, "report processing_status"),
    ] {
        assert_clean(s, what);
    }
    for (s, what) in [
        (&r.created_by, "report created_by"),
        (&r.approved_by, "report approved_by"),
        (&r.notes, "report notes"),
        (&r.source_file_name, "report source_file_name"),
    ] {
        assert_clean_opt(s, what);
    }
}

pub fn check_analytics(a: &ReportAnalytics) {
    for t in &a.trends {
        assert_clean(&t.date, "trend date");
    }
}

pub fn check_kpi(k: &Kpi) {
    assert_clean_id(&k.id, "kpi id");
    assert_clean(&k.name, "kpi name");
    assert_clean(&k.unit, "kpi unit");
}

pub fn check_alert(a: &Alert) {
    assert_clean_id(&a.id, "alert id");
    assert_clean(&a.title, "alert title");
    assert_clean(&a.message, "alert message");
    assert_clean(&a.source, "alert source");
    assert_clean_opt(&a.acked_by, "alert acked_by");
    assert_clean_opt(&a.ack_note, "alert ack_note");
}

pub fn check_health_message(m: &HealthMessage) {
    match m {
        HealthMessage::SystemStatus(s) => check_system_status(s),
        HealthMessage::SignalMetrics(s) => {
            for metric in &s.metrics {
                assert_clean(&metric.name, "signal metric name");
                assert_clean_opt(&metric.unit, "signal metric unit");
            }
        }
        HealthMessage::InsightMetrics(_) => {}
        HealthMessage::InsightCreated(i) => check_insight(i),
        HealthMessage::FeedbackUpdated(f) => check_feedback(f),
        HealthMessage::ReportUpdated(r) => check_report(r),
        HealthMessage::KpiUpdated(k) => check_kpi(k),
        HealthMessage::Alert(a) => check_alert(a),
        HealthMessage::AlertUpdated(a) => check_alert(a),
        HealthMessage::Unknown(kind) => assert_clean(kind, "unknown health type"),
    }
}

/// The promises of `protocol/history.rs` for one body (see the `history`
/// target).
pub fn check_history(data: &[u8]) {
    use meridian::protocol::{CandleBody, MonitoringHistoryBody};
    if let Ok(body) = serde_json::from_slice::<CandleBody>(data) {
        let sent = body.candles.len();
        let s = body.validate();
        assert_eq!(s.candles.len() + s.rejected as usize, sent, "candles lost or invented");
        assert!(s.candles.iter().all(|c| c.is_sane()), "an impossible candle was kept");
        assert!(s.candles.windows(2).all(|w| w[0].start < w[1].start), "out of order kept");
        if debug() {
            eprintln!("candles: {} kept, {} dropped", s.candles.len(), s.rejected);
        }
    }
    if let Ok(body) = serde_json::from_slice::<MonitoringHistoryBody>(data) {
        let sent = body.samples.len();
        let s = body.validate();
        assert_eq!(s.samples.len() + s.rejected as usize, sent, "samples lost or invented");
        assert!(s.samples.windows(2).all(|w| w[0].timestamp < w[1].timestamp), "out of order");
        for x in &s.samples {
            let (p, f) = (&x.processing, &x.performance);
            let all = [p.queue_depth, p.error_rate, f.api_p99_ms, f.cpu_pct, f.memory_pct];
            assert!(all.iter().all(|v| v.is_finite() && *v >= 0.0), "a bad sample was kept");
        }
    }
}

// ---- Venue feeds (`meridian::venues`) ----

/// A venue's text that may reach the screen: clean.
fn assert_venue_text(s: &str, what: &str) {
    assert!(!s.chars().any(char::is_control), "{what} has a control character: {s:?}");
    assert_eq!(clean(s), s, "{what} is not clean: {s:?}");
}

/// One event a venue adapter produced keeps the promises of `venues/mod.rs`.
fn check_venue_event(e: &meridian::venues::VenueEvent) {
    use meridian::venues::VenueEvent;
    match e {
        VenueEvent::Update { update, .. } => {
            assert!(!update.symbol.is_empty(), "an update without a symbol: {update:?}");
            assert_venue_text(&update.symbol, "symbol");
            let numbers = [update.price, update.bid, update.ask, update.volume, update.open];
            for v in numbers.into_iter().flatten() {
                assert!(v.is_finite() && v >= 0.0, "a bad number in {update:?}");
            }
        }
        VenueEvent::Alive(symbol) => {
            if let Some(s) = symbol {
                assert!(!s.is_empty(), "a heartbeat for an empty symbol");
                assert_venue_text(s, "heartbeat symbol");
            }
        }
        VenueEvent::Rejected { symbol, reason } => {
            assert_venue_text(reason, "refusal reason");
            if let Some(s) = symbol {
                assert_venue_text(s, "refused symbol");
            }
        }
        VenueEvent::Error(text) => assert_venue_text(text, "venue error"),
    }
}

/// A venue frame after subscribing to `symbol`: decoding never panics,
/// every event keeps its promises, and the same bytes read as that venue's
/// candles give sane candles in order (or a clean error).
pub fn check_venue(format: meridian::venues::PricesFormat, symbol: &str, data: &[u8]) {
    use meridian::venues::decode_venue_candles;
    let mut adapter = format.adapter().expect("a venue has an adapter");
    assert_eq!(adapter.subscribe(&[symbol.to_owned()]).len(), 1);
    let mut out = Vec::new();
    if let Err(e) = adapter.decode(data, &mut out) {
        assert_venue_text(&e.0, "decode error");
    }
    out.iter().for_each(check_venue_event);
    match decode_venue_candles(format, data) {
        Ok(series) => {
            assert!(series.candles.iter().all(|c| c.is_sane()), "an insane candle kept");
            assert!(
                series.candles.windows(2).all(|w| w[0].start < w[1].start),
                "candles out of order"
            );
        }
        Err(e) => assert_venue_text(&e.0, "candles error"),
    }
}
