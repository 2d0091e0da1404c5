//! Frame decoders. A frame is one WebSocket message; it may hold one update
//! or a batch (a JSON array). Items that fail to decode or validate are
//! counted in the result, never fatal. Price frames, the hot path, have their
//! own single-pass decoder in `price_decode`.

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use super::{BACKFILL_PROGRESS, BackfillJob, Envelope, HealthMessage, health_types as ht};

#[derive(Debug, Error)]
pub enum DecodeError {
    #[error("malformed JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("malformed MessagePack: {0}")]
    MsgPack(#[from] rmp_serde::decode::Error),
    #[error("frame is neither an object nor an array")]
    NotAnObject,
}

/// What a frame held: the items that decoded, and how many did not (bad
/// shape, unknown type, invalid price).
#[derive(Debug, Default, PartialEq)]
pub struct Decoded<T> {
    pub items: Vec<T>,
    pub rejected: usize,
}

fn frame_items(data: &[u8], binary: bool) -> Result<Vec<Value>, DecodeError> {
    let value: Value =
        if binary { rmp_serde::from_slice(data)? } else { serde_json::from_slice(data)? };
    match value {
        Value::Array(items) => Ok(items),
        v @ Value::Object(_) => Ok(vec![v]),
        _ => Err(DecodeError::NotAnObject),
    }
}

fn decode_each<T>(
    data: &[u8],
    binary: bool,
    mut one: impl FnMut(Value) -> Option<T>,
) -> Result<Decoded<T>, DecodeError> {
    let mut out = Decoded { items: Vec::new(), rejected: 0 };
    for item in frame_items(data, binary)? {
        match one(item) {
            Some(v) => out.items.push(v),
            None => out.rejected += 1,
        }
    }
    Ok(out)
}

/// Decode a backfill-feed frame into jobs.
pub fn decode_backfill(data: &[u8], binary: bool) -> Result<Decoded<BackfillJob>, DecodeError> {
    decode_each(data, binary, |v| {
        let env: Envelope<Value> = serde_json::from_value(v).ok()?;
        if env.kind != BACKFILL_PROGRESS {
            return None;
        }
        serde_json::from_value(env.data).ok()
    })
}

fn data<T: DeserializeOwned>(v: Value) -> Option<T> {
    serde_json::from_value(v).ok()
}

/// Decode a health-feed frame. Unknown types come back as
/// [`HealthMessage::Unknown`]; known types with a bad body are rejected.
pub fn decode_health(
    data_bytes: &[u8],
    binary: bool,
) -> Result<Decoded<HealthMessage>, DecodeError> {
    decode_each(data_bytes, binary, |v| {
        let env: Envelope<Value> = serde_json::from_value(v).ok()?;
        let d = env.data;
        Some(match env.kind.as_str() {
            ht::SYSTEM_STATUS => HealthMessage::SystemStatus(data(d)?),
            ht::SIGNAL_METRICS => HealthMessage::SignalMetrics(data(d)?),
            ht::INSIGHT_METRICS => HealthMessage::InsightMetrics(data(d)?),
            ht::INSIGHT_CREATED => HealthMessage::InsightCreated(Box::new(data(d)?)),
            ht::FEEDBACK_UPDATED => HealthMessage::FeedbackUpdated(data(d)?),
            ht::REPORT_UPDATED => HealthMessage::ReportUpdated(Box::new(data(d)?)),
            ht::KPI_UPDATED => HealthMessage::KpiUpdated(Box::new(data(d)?)),
            ht::ALERT => HealthMessage::Alert(data(d)?),
            ht::ALERT_UPDATED => HealthMessage::AlertUpdated(Box::new(data(d)?)),
            other => HealthMessage::Unknown(crate::sanitize::clean(other)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{PriceKind, Timestamp, decode_price_frame};

    const ONE: &str = r#"{"type":"snapshot","symbol":"AAPL","price":150.25,"bid":150.24,
        "ask":150.26,"timestamp":1705660245123,"volume":1200,"exchange":"XNAS"}"#;

    #[test]
    fn object_batch_and_msgpack_decode_alike() {
        let single = decode_price_frame(ONE.as_bytes(), false).unwrap();
        let batch = decode_price_frame(format!("[{ONE},{ONE}]").as_bytes(), false).unwrap();
        let u = &single.items[0];
        assert_eq!(u.kind, PriceKind::Snapshot);
        assert_eq!(u.price, Some(150.25));
        assert_eq!(u.timestamp, Some(Timestamp(1_705_660_245_123)));
        assert_eq!(batch.items, vec![u.clone(), u.clone()]);
        let packed = rmp_serde::to_vec_named(u).unwrap();
        let bin = decode_price_frame(&packed, true).unwrap();
        assert_eq!(bin.items, vec![u.clone()]);
    }

    #[test]
    fn delta_keeps_absent_fields_absent() {
        let d =
            decode_price_frame(br#"{"type":"delta","symbol":"MSFT","bid":1.5}"#, false).unwrap();
        assert_eq!(d.items[0].price, None);
        assert_eq!(d.items[0].bid, Some(1.5));
    }

    #[test]
    fn bad_items_in_a_batch_are_counted_not_fatal() {
        let frame = format!(
            r#"[{ONE},{{"type":"snapshot","symbol":"X","price":-1}},{{"type":"weird","symbol":"Y"}},7]"#
        );
        let d = decode_price_frame(frame.as_bytes(), false).unwrap();
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.rejected, 3);
        assert!(decode_price_frame(b"{not json", false).is_err());
    }

    #[test]
    fn health_unknown_type_is_reported() {
        let d = decode_health(br#"{"type":"solar_flare","data":{}}"#, false).unwrap();
        assert_eq!(d.items, vec![HealthMessage::Unknown("solar_flare".into())]);
    }

    #[test]
    fn backfill_accepts_rfc3339_times() {
        let f = br#"{"type":"backfill_progress","timestamp":"2024-01-19T10:30:45Z","data":{
          "job_id":"blocks-2019","name":"Blocks 2019","status":"running",
          "processed":12345,"total":50000,"rate_per_sec":812.5,"eta_seconds":58,
          "errors":2,"last_error":"timeout fetching block 881",
          "started_at":"2024-01-19T10:20:00Z","updated_at":1705660245000}}"#;
        let d = decode_backfill(f, false).unwrap();
        assert_eq!(d.items[0].processed, 12345);
        assert_eq!(d.items[0].updated_at, Some(Timestamp(1_705_660_245_000)));
    }

    #[test]
    fn an_alert_update_decodes_with_its_state() {
        let frame = br#"{"type":"alert_updated","data":{"id":"a1","severity":"critical",
            "title":"db down","state":"acknowledged","acked_by":"ana","acked_at":"2024-01-19T10:31:00Z"}}"#;
        let Ok(d) = decode_health(frame, false) else { panic!("decodes") };
        let [HealthMessage::AlertUpdated(a)] = &d.items[..] else { panic!("{:?}", d.items) };
        assert_eq!(a.state, crate::protocol::AlertState::Acknowledged);
        assert_eq!(a.acked_by.as_deref(), Some("ana"));
        assert_eq!(a.acked_at.map(|t| t.millis()), Some(1_705_660_260_000));
    }

    #[test]
    fn a_report_update_carries_its_claim() {
        let frame = br#"{"type":"report_updated","timestamp":1705660260000,"data":{"id":17,
            "validation_status":"pending","claimed_by":"ana","claimed_at":"2024-01-19T10:31:00Z"}}"#;
        let Ok(d) = decode_health(frame, false) else { panic!("decodes") };
        let [HealthMessage::ReportUpdated(r)] = &d.items[..] else { panic!("{:?}", d.items) };
        assert_eq!(r.claimed_by.as_deref(), Some("ana"));
        assert_eq!(r.claimed_at, Some(Timestamp(1_705_660_260_000)));
    }
}
