//! Coinbase Exchange's public feed (`wss://ws-feed.exchange.coinbase.com`):
//! the `ticker` and `heartbeat` channels.
//! <https://docs.cdp.coinbase.com/exchange/websocket-feed/channels>
//!
//! Also home to the symbol helpers the other adapters share
//! ([`Symbols`], [`named_in`]).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::candles::number;
use super::{Adapter, VenueError, VenueEvent};
use crate::protocol::{PriceKind, PriceUpdate, Timestamp};
use crate::sanitize::clean;

const CHANNELS: [&str; 2] = ["ticker", "heartbeat"];

#[derive(Debug, Default)]
pub struct Coinbase {
    symbols: Symbols,
    /// The product ids of the last subscribe message (to recognise the one
    /// an error names).
    last_asked: Vec<String>,
}

fn request(kind: &str, symbols: &[String]) -> String {
    json!({"type": kind, "product_ids": symbols, "channels": CHANNELS}).to_string()
}

impl Adapter for Coinbase {
    fn subscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.add(symbols);
        self.last_asked = symbols.to_vec();
        vec![request("subscribe", symbols)]
    }

    fn unsubscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.remove(symbols);
        vec![request("unsubscribe", symbols)]
    }

    fn decode(&mut self, frame: &[u8], out: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        let Value::Object(m) = serde_json::from_slice(frame)? else {
            return Err(VenueError("not a JSON object".into()));
        };
        let Some(kind) = m.get("type").and_then(Value::as_str) else {
            return Err(VenueError("a message without a type".into()));
        };
        match kind {
            "ticker" => out.push(self.ticker(&m)?),
            "heartbeat" => out.push(VenueEvent::Alive(self.symbols.of(m.get("product_id")))),
            "error" => out.push(self.error(&m)),
            // `subscriptions` (the ack), and types added later: "clients
            // are expected to ignore messages they do not support".
            _ => {}
        }
        Ok(())
    }

    fn rejects_whole_request(&self) -> bool {
        true
    }
}

impl Coinbase {
    fn ticker(&self, m: &Map<String, Value>) -> Result<VenueEvent, VenueError> {
        let symbol = self
            .symbols
            .of(m.get("product_id"))
            .ok_or_else(|| VenueError("a ticker without a product_id".into()))?;
        let n = |k: &str| number(m.get(k));
        let update = PriceUpdate {
            kind: PriceKind::Snapshot,
            symbol,
            price: n("price"),
            bid: n("best_bid"),
            ask: n("best_ask"),
            timestamp: m.get("time").and_then(Value::as_str).and_then(Timestamp::parse_rfc3339),
            volume: n("volume_24h"),
            open: n("open_24h"),
        };
        Ok(VenueEvent::Update { update, seq: m.get("sequence").and_then(Value::as_u64) })
    }

    /// `{"type":"error","message":"Failed to subscribe","reason":"BTC-USDX
    /// is not a valid product"}`: a refusal when it names a product just
    /// asked for, an error otherwise.
    fn error(&self, m: &Map<String, Value>) -> VenueEvent {
        let text = |k: &str| m.get(k).and_then(Value::as_str).map(clean).filter(|t| !t.is_empty());
        let (message, reason) = (text("message"), text("reason"));
        let named =
            [&reason, &message].into_iter().flatten().find_map(|t| named_in(t, &self.last_asked));
        match (named, message, reason) {
            (Some(symbol), message, reason) => VenueEvent::Rejected {
                symbol: Some(symbol.clone()),
                reason: reason.or(message).unwrap_or_default(),
            },
            (None, Some(m), Some(r)) => VenueEvent::Error(clean(&format!("{m}: {r}"))),
            (None, Some(t), None) | (None, None, Some(t)) => VenueEvent::Error(t),
            (None, None, None) => VenueEvent::Error("an error without a message".into()),
        }
    }
}

/// The symbols subscribed, as the user wrote them: a venue's spelling of
/// one (in any case) maps back to it.
#[derive(Debug, Default)]
pub(super) struct Symbols {
    /// As the user wrote them, in the order subscribed.
    list: Vec<String>,
    /// The same, keyed by their upper-case spelling: one lookup per ticker
    /// (a scan of a 1,000-symbol watchlist cost a fifth of the decoding).
    by_upper: HashMap<String, usize>,
}

impl Symbols {
    pub(super) fn add(&mut self, symbols: &[String]) {
        for s in symbols {
            let key = s.to_ascii_uppercase();
            if !self.by_upper.contains_key(&key) {
                self.by_upper.insert(key, self.list.len());
                self.list.push(s.clone());
            }
        }
    }

    pub(super) fn remove(&mut self, symbols: &[String]) {
        let gone: Vec<String> = symbols.iter().map(|s| s.to_ascii_uppercase()).collect();
        self.list.retain(|k| !gone.contains(&k.to_ascii_uppercase()));
        self.by_upper =
            self.list.iter().enumerate().map(|(i, k)| (k.to_ascii_uppercase(), i)).collect();
    }

    pub(super) fn all(&self) -> &[String] {
        &self.list
    }

    /// The symbol a venue's string names: the subscribed one it spells,
    /// else the string cleaned and upper-cased; `None` when that is empty
    /// or `v` is not a string.
    pub(super) fn of(&self, v: Option<&Value>) -> Option<String> {
        let raw = v?.as_str()?.trim();
        let known = if raw.bytes().any(|b| b.is_ascii_lowercase()) {
            self.by_upper.get(&raw.to_ascii_uppercase())
        } else {
            self.by_upper.get(raw)
        };
        if let Some(&i) = known {
            return Some(self.list[i].clone());
        }
        let s = clean(raw).trim().to_ascii_uppercase();
        (!s.is_empty()).then_some(s)
    }
}

/// The first of `symbols` that `text` names as a whole token, in any case
/// ("BTC-USD" is not named by "BTC-USDX"; a full stop may end the sentence).
pub(super) fn named_in<'a>(text: &str, symbols: &'a [String]) -> Option<&'a String> {
    let hay = text.to_ascii_uppercase();
    let joins = |c: char| c.is_alphanumeric() || "-/_.".contains(c);
    symbols.iter().find(|s| {
        let s = s.to_ascii_uppercase();
        !s.is_empty()
            && hay.match_indices(&s).any(|(i, _)| {
                let before = hay[..i].chars().next_back();
                let after = &hay[i + s.len()..];
                let after =
                    after.strip_prefix('.').filter(|a| !a.starts_with(joins)).unwrap_or(after);
                !before.is_some_and(joins) && !after.starts_with(joins)
            })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::venues::testing::{self, SECTIONS, sections};

    const FIXTURE: &str = include_str!("../../tests/fixtures/venues/coinbase.jsonl");

    fn subscribed(symbols: &[&str]) -> Coinbase {
        testing::subscribed(symbols)
    }

    fn decode(c: &mut Coinbase, frame: &str) -> Result<Vec<VenueEvent>, VenueError> {
        testing::decode(c, frame)
    }

    fn update(e: &VenueEvent) -> (&PriceUpdate, Option<u64>) {
        match e {
            VenueEvent::Update { update, seq } => (update, *seq),
            other => panic!("not an update: {other:?}"),
        }
    }

    #[test]
    fn subscribe_and_unsubscribe_messages() {
        let mut c = Coinbase::default();
        let msgs = c.subscribe(&["BTC-USD".into(), "ETH-USD".into()]);
        assert_eq!(msgs.len(), 1);
        let v: Value = serde_json::from_str(&msgs[0]).unwrap();
        assert_eq!(v["type"], "subscribe");
        assert_eq!(v["product_ids"], json!(["BTC-USD", "ETH-USD"]));
        assert_eq!(v["channels"], json!(["ticker", "heartbeat"]));
        let v: Value = serde_json::from_str(&c.unsubscribe(&["ETH-USD".into()])[0]).unwrap();
        assert_eq!(v["type"], "unsubscribe");
        assert_eq!(v["product_ids"], json!(["ETH-USD"]));
        assert_eq!(v["channels"], json!(["ticker", "heartbeat"]));
        assert!(c.rejects_whole_request());
    }

    #[test]
    fn the_documented_ticker_is_a_whole_snapshot() {
        let mut c = subscribed(&["ETH-USD"]);
        let frame = r#"{"type":"ticker","sequence":37475248783,"product_id":"eth-usd","price":"1285.22","open_24h":"1310.79","volume_24h":"245532.79269678","low_24h":"1280.52","high_24h":"1313.8","volume_30d":"9788783.6","best_bid":"1285.04","best_bid_size":"0.46688654","best_ask":"1285.27","best_ask_size":"1.5663704","side":"buy","time":"2022-10-19T23:28:22.061769Z","trade_id":370843401,"last_size":"11.4396987"}"#;
        let out = decode(&mut c, frame).unwrap();
        assert_eq!(out.len(), 1);
        let (u, seq) = update(&out[0]);
        assert_eq!(seq, Some(37_475_248_783));
        assert_eq!(u.kind, PriceKind::Snapshot);
        assert_eq!(u.symbol, "ETH-USD", "the symbol as the user wrote it");
        assert_eq!((u.price, u.bid, u.ask), (Some(1285.22), Some(1285.04), Some(1285.27)));
        assert_eq!((u.volume, u.open), (Some(245_532.792_696_78), Some(1310.79)));
        assert_eq!(u.timestamp, Timestamp::parse_rfc3339("2022-10-19T23:28:22.061Z"));
    }

    #[test]
    fn bad_fields_are_none_and_a_ticker_needs_a_product() {
        let mut c = subscribed(&["BTC-USD"]);
        let frame = r#"{"type":"ticker","product_id":"BTC-USD","price":"-1","best_bid":"abc","best_ask":5,"volume_24h":"NaN","time":"soon","new_field":[1]}"#;
        let out = decode(&mut c, frame).unwrap();
        let (u, seq) = update(&out[0]);
        assert_eq!((u.price, u.bid, u.ask, u.volume, u.open), (None, None, Some(5.0), None, None));
        assert_eq!((u.timestamp, seq), (None, None));
        assert!(decode(&mut c, r#"{"type":"ticker","price":"1"}"#).is_err());
        assert!(decode(&mut c, r#"{"type":"ticker","product_id":"\u0007"}"#).is_err());
    }

    #[test]
    fn heartbeats_acks_and_unknown_types() {
        let mut c = subscribed(&["BTC-USD"]);
        let hb = r#"{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}"#;
        assert_eq!(decode(&mut c, hb).unwrap(), [VenueEvent::Alive(Some("BTC-USD".into()))]);
        let ack =
            r#"{"type":"subscriptions","channels":[{"name":"ticker","product_ids":["BTC-USD"]}]}"#;
        assert_eq!(decode(&mut c, ack).unwrap(), []);
        assert_eq!(decode(&mut c, r#"{"type":"l2update","changes":[]}"#).unwrap(), []);
        assert!(decode(&mut c, "[1,2]").is_err());
        assert!(decode(&mut c, r#"{"product_id":"BTC-USD"}"#).is_err());
        assert!(decode(&mut c, r#"{"type":"ticker","product_id":"BTC-USD""#).is_err());
    }

    #[test]
    fn an_unknown_product_is_rejected_by_name_and_reasons_are_cleaned() {
        let mut c = subscribed(&["BTC-USD", "BTC-USDX"]);
        let frame = r#"{"type":"error","message":"Failed to subscribe","reason":"btc-usdx\u001b]0;pwn\u0007 is not a valid\u202e product"}"#;
        let out = decode(&mut c, frame).unwrap();
        let [VenueEvent::Rejected { symbol, reason }] = out.as_slice() else { panic!("{out:?}") };
        assert_eq!(symbol.as_deref(), Some("BTC-USDX"), "a whole token, not BTC-USD");
        assert!(
            reason.starts_with("btc-usdx") && reason.ends_with("is not a valid product"),
            "{reason}"
        );
        assert!(!reason.chars().any(crate::sanitize::is_dangerous), "{reason:?}");
        let other = r#"{"type":"error","message":"Failed\u0000 to subscribe","reason":"ETH-EUR is not a valid product"}"#;
        assert_eq!(
            decode(&mut c, other).unwrap(),
            [VenueEvent::Error("Failed to subscribe: ETH-EUR is not a valid product".into())]
        );
        assert_eq!(
            decode(&mut c, r#"{"type":"error","message":"rate limited"}"#).unwrap(),
            [VenueEvent::Error("rate limited".into())]
        );
    }

    #[test]
    fn whole_tokens_are_named() {
        let syms: Vec<String> =
            ["BTC-USD", "BRK", "ETH/USD"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(named_in("BTC-USDX is bad", &syms), None);
        assert_eq!(
            named_in("unknown product btc-usd.", &syms).map(String::as_str),
            Some("BTC-USD")
        );
        assert_eq!(named_in("BRK.B and XBRK", &syms), None);
        assert_eq!(named_in("pair (eth/usd) halted", &syms).map(String::as_str), Some("ETH/USD"));
        assert_eq!(named_in("ETH/USDT", &syms), None);
    }

    #[test]
    fn the_fixture_decodes_section_by_section() {
        let mut c = subscribed(&["BTC-USD", "ETH-USD", "BTC-USDX"]);
        let mut seqs = Vec::new();
        assert_eq!(sections(FIXTURE).iter().map(|(n, _)| *n).collect::<Vec<_>>(), SECTIONS);
        for (name, lines) in sections(FIXTURE) {
            assert!(!lines.is_empty(), "{name}");
            for line in lines {
                let got = decode(&mut c, line);
                match name {
                    "subscribed" => assert_eq!(got.unwrap(), []),
                    "snapshot" | "updates" | "gap" | "backwards" => {
                        let out = got.unwrap();
                        let (u, seq) = update(&out[0]);
                        assert!(u.is_valid() && u.price.is_some() && u.open.is_some(), "{u:?}");
                        seqs.push((u.symbol.clone(), seq.unwrap()));
                    }
                    "heartbeat" => {
                        assert_eq!(got.unwrap(), [VenueEvent::Alive(Some("BTC-USD".into()))])
                    }
                    "malformed" => assert!(got.is_err()),
                    "unknown" => assert!(
                        matches!(&got.unwrap()[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "BTC-USDX")
                    ),
                    other => panic!("unexpected section {other}"),
                }
            }
        }
        let mut seq = super::super::Sequences::default();
        let steps: Vec<_> = seqs.iter().map(|(s, n)| seq.step(s, *n)).collect();
        use super::super::Step::{Backwards, Gap, InOrder};
        assert_eq!(steps, [InOrder, InOrder, InOrder, InOrder, InOrder, Gap(7), Backwards]);
    }
}
