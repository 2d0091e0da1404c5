//! Wire timestamps: the contract allows integer milliseconds since the Unix
//! epoch or an RFC 3339 string for every `timestamp` and `*_at` field.

use std::fmt;

use chrono::{DateTime, TimeZone, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as sent on the wire, held as milliseconds since the epoch.
///
/// Deserializes from either form; serializes as integer milliseconds (the
/// compact form). Use [`Timestamp::to_rfc3339`] when the string form is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now().timestamp_millis())
    }

    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub(crate) fn to_datetime(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0).single().unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    }

    pub(crate) fn to_rfc3339(self) -> String {
        self.to_datetime().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    /// `d` later (saturating).
    pub(crate) fn plus(self, d: std::time::Duration) -> Self {
        Timestamp(self.0.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
    }

    /// `d` earlier (saturating).
    pub(crate) fn minus(self, d: std::time::Duration) -> Self {
        Timestamp(self.0.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
    }

    /// "14:05 UTC": a time of day for short messages.
    pub(crate) fn hm_utc(self) -> String {
        self.to_datetime().format("%H:%M UTC").to_string()
    }

    pub(crate) fn parse_rfc3339(s: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(s.trim()).ok().map(|d| Timestamp(d.timestamp_millis()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("milliseconds since the Unix epoch or an RFC 3339 string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v).map(Timestamp).map_err(|_| E::custom("timestamp out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        if v.is_finite() && v.abs() < 9.0e15 {
            Ok(Timestamp(v as i64))
        } else {
            Err(E::custom("timestamp out of range"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse_rfc3339(v).ok_or_else(|| E::custom(format!("bad RFC 3339 time {v:?}")))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_give_the_same_instant() {
        let a: Timestamp = serde_json::from_str("1705660245123").unwrap();
        let b: Timestamp = serde_json::from_str("\"2024-01-19T10:30:45.123Z\"").unwrap();
        assert_eq!(a, b);
        let c: Timestamp = serde_json::from_str("\"2024-01-19T11:30:45.123+01:00\"").unwrap();
        assert_eq!(a, c);
    }

    #[test]
    fn garbage_is_an_error_not_a_zero() {
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
    }

    #[test]
    fn round_trips_as_millis() {
        let t = Timestamp(1_705_660_245_123);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1705660245123");
        assert_eq!(t.to_rfc3339(), "2024-01-19T10:30:45.123Z");
    }
}
