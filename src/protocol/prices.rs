//! Price feed messages (`/ws/prices`), protocol section 1.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// Client-to-server control message on the price feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PriceCommand {
    Subscribe { symbol: String },
    Unsubscribe { symbol: String },
}

/// `snapshot` carries the full state, `delta` only the fields that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceKind {
    Snapshot,
    Delta,
}

/// One PriceUpdate as it appears on the wire. Every numeric field is optional
/// so that a `delta` can leave it out; a `snapshot` is expected to carry
/// `price`, `bid` and `ask`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceUpdate {
    #[serde(rename = "type")]
    pub kind: PriceKind,
    #[serde(deserialize_with = "crate::sanitize::de_text")]
    pub symbol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bid: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// The reference for the change columns when the source gives one (a
    /// venue's 24h open). Not on the Meridian wire: the console's own
    /// reference there is the first price of the session.
    #[serde(skip)]
    pub open: Option<f64>,
}

impl PriceUpdate {
    /// A snapshot with no symbol and no fields: a slot to write into.
    pub fn blank() -> Self {
        PriceUpdate {
            kind: PriceKind::Snapshot,
            symbol: String::new(),
            price: None,
            bid: None,
            ask: None,
            timestamp: None,
            volume: None,
            open: None,
        }
    }

    /// A delta that carries nothing: `symbol`'s price is still what it was,
    /// as of now (a venue's heartbeat vouching for it).
    pub fn alive(symbol: String) -> Self {
        PriceUpdate { kind: PriceKind::Delta, symbol, ..PriceUpdate::blank() }
    }

    /// Whether the update carries no field at all (see [`Self::alive`]).
    pub fn is_empty(&self) -> bool {
        self.price.is_none()
            && self.bid.is_none()
            && self.ask.is_none()
            && self.volume.is_none()
            && self.open.is_none()
            && self.timestamp.is_none()
    }

    /// A price that is not finite or is negative is rejected (protocol §1).
    pub fn is_valid(&self) -> bool {
        let ok = |v: Option<f64>| v.is_none_or(|p| p.is_finite() && p >= 0.0);
        !self.symbol.is_empty()
            && ok(self.price)
            && ok(self.bid)
            && ok(self.ask)
            && ok(self.volume)
            && ok(self.open)
    }
}

/// 1-12 characters of A-Z, 0-9 and `.-/^=`, after upper-casing.
pub(crate) fn normalize_symbol(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err("empty symbol".into());
    }
    if s.len() > 12 {
        return Err(format!("`{s}` is longer than 12 characters"));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || ".-/^=".contains(*c))) {
        return Err(format!("`{c}` is not allowed in a symbol (A-Z, 0-9, . - / ^ =)"));
    }
    Ok(s)
}
