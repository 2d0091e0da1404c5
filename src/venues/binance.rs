//! Binance spot's public market streams, combined
//! (`wss://stream.binance.com:9443/stream`): `<symbol>@ticker`, the
//! rolling 24h ticker, and the answers to `SUBSCRIBE` / `UNSUBSCRIBE`.
//! <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::candles::number;
use super::coinbase::{Symbols, named_in};
use super::{Adapter, VenueError, VenueEvent};
use crate::protocol::{PriceKind, PriceUpdate, Timestamp};
use crate::sanitize::clean;

/// Subscribe requests awaiting their answer, at most (the oldest is
/// forgotten first; an answer normally comes within a second).
const PENDING_MAX: usize = 64;

#[derive(Debug, Default)]
pub struct Binance {
    symbols: Symbols,
    /// The last request `id` sent.
    id: u64,
    /// The symbols of each subscribe request not yet answered, by id.
    pending: BTreeMap<u64, Vec<String>>,
}

impl Binance {
    fn request(&mut self, method: &str, symbols: &[String]) -> String {
        self.id += 1;
        let streams: Vec<String> =
            symbols.iter().map(|s| format!("{}@ticker", s.to_ascii_lowercase())).collect();
        json!({"method": method, "params": streams, "id": self.id}).to_string()
    }
}

impl Adapter for Binance {
    fn subscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.add(symbols);
        let msg = self.request("SUBSCRIBE", symbols);
        self.pending.insert(self.id, symbols.to_vec());
        while self.pending.len() > PENDING_MAX {
            self.pending.pop_first();
        }
        vec![msg]
    }

    fn unsubscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.remove(symbols);
        vec![self.request("UNSUBSCRIBE", symbols)]
    }

    fn decode(&mut self, frame: &[u8], out: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        let Value::Object(m) = serde_json::from_slice(frame)? else {
            return Err(VenueError("not a JSON object".into()));
        };
        // The combined stream's wrapper, or a raw stream's event.
        if let Some(data) = m.get("data") {
            let Value::Object(d) = data else {
                return Err(VenueError("stream data that is not an object".into()));
            };
            return self.event(d, out);
        }
        if m.contains_key("e") {
            return self.event(&m, out);
        }
        let id = m.get("id").and_then(Value::as_u64);
        let error = match m.get("error") {
            Some(Value::Object(e)) => Some(e),
            Some(_) => return Err(VenueError("an error that is not an object".into())),
            None if m.contains_key("msg") => Some(&m),
            None => None,
        };
        if let Some(e) = error {
            out.push(self.failure(id, e));
        } else if m.contains_key("result") && m.contains_key("id") {
            // `{"result":null,"id":1}`: the request was accepted.
            id.map(|id| self.pending.remove(&id));
        } else {
            return Err(VenueError("neither stream data nor a request's answer".into()));
        }
        Ok(())
    }
}

impl Binance {
    fn event(&self, d: &Map<String, Value>, out: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        match d.get("e").and_then(Value::as_str) {
            Some("24hrTicker") => {
                out.push(self.ticker(d)?);
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err(VenueError("stream data without an event type".into())),
        }
    }

    fn ticker(&self, d: &Map<String, Value>) -> Result<VenueEvent, VenueError> {
        let symbol = self
            .symbols
            .of(d.get("s"))
            .ok_or_else(|| VenueError("a ticker without a symbol".into()))?;
        let n = |k: &str| number(d.get(k));
        let update = PriceUpdate {
            kind: PriceKind::Snapshot,
            symbol,
            price: n("c"),
            bid: n("b"),
            ask: n("a"),
            timestamp: d.get("E").and_then(Value::as_i64).map(Timestamp::from_millis),
            volume: n("v"),
            open: n("o"),
        };
        Ok(VenueEvent::Update { update, seq: None })
    }

    /// `{"error":{"code":2,"msg":"..."},"id":1}` (or the flat form): a
    /// refusal of the request's one symbol or of the symbol the message
    /// names, an error otherwise.
    fn failure(&mut self, id: Option<u64>, e: &Map<String, Value>) -> VenueEvent {
        let msg = e.get("msg").and_then(Value::as_str).map(clean).filter(|t| !t.is_empty());
        let msg = msg.unwrap_or_else(|| match e.get("code").and_then(Value::as_i64) {
            Some(code) => format!("request refused (code {code})"),
            None => "request refused".into(),
        });
        let asked = id.and_then(|id| self.pending.remove(&id));
        let symbol = match &asked {
            Some(one) if one.len() == 1 => one.first().cloned(),
            Some(many) => named_in(&msg, many).cloned(),
            // An answer to a request we do not know (or an unsubscribe).
            None => named_in(&msg, self.symbols.all()).cloned(),
        };
        match symbol {
            Some(symbol) => VenueEvent::Rejected { symbol: Some(symbol), reason: msg },
            None => VenueEvent::Error(msg),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::venues::testing::{self, SECTIONS, sections};

    const FIXTURE: &str = include_str!("../../tests/fixtures/venues/binance.jsonl");

    fn subscribed(symbols: &[&str]) -> Binance {
        testing::subscribed(symbols)
    }

    fn decode(b: &mut Binance, frame: &str) -> Result<Vec<VenueEvent>, VenueError> {
        testing::decode(b, frame)
    }

    fn update(out: &[VenueEvent]) -> &PriceUpdate {
        match out {
            [VenueEvent::Update { update, seq: None }] => update,
            other => panic!("not one update without a sequence: {other:?}"),
        }
    }

    const TICKER: &str = r#"{"e":"24hrTicker","E":1672515782136,"s":"BNBBTC","p":"0.0015","P":"250.00","w":"0.0018","x":"0.0009","c":"0.0025","Q":"10","b":"0.0024","B":"10","a":"0.0026","A":"100","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151}"#;

    #[test]
    fn subscribe_and_unsubscribe_messages_name_lower_case_streams() {
        let mut b = Binance::default();
        let msgs = b.subscribe(&["BTCUSDT".into(), "ETHUSDT".into()]);
        assert_eq!(msgs.len(), 1);
        let v: Value = serde_json::from_str(&msgs[0]).unwrap();
        assert_eq!(v["method"], "SUBSCRIBE");
        assert_eq!(v["params"], json!(["btcusdt@ticker", "ethusdt@ticker"]));
        assert_eq!(v["id"], 1);
        let v: Value = serde_json::from_str(&b.unsubscribe(&["ETHUSDT".into()])[0]).unwrap();
        assert_eq!(v["method"], "UNSUBSCRIBE");
        assert_eq!(v["params"], json!(["ethusdt@ticker"]));
        assert_eq!(v["id"], 2);
    }

    #[test]
    fn the_documented_ticker_combined_and_raw() {
        let mut b = subscribed(&["BNBBTC"]);
        let combined = format!(r#"{{"stream":"bnbbtc@ticker","data":{TICKER}}}"#);
        for frame in [combined.as_str(), TICKER] {
            let out = decode(&mut b, frame).unwrap();
            let u = update(&out);
            assert_eq!((u.kind, u.symbol.as_str()), (PriceKind::Snapshot, "BNBBTC"));
            assert_eq!((u.price, u.bid, u.ask), (Some(0.0025), Some(0.0024), Some(0.0026)));
            assert_eq!((u.volume, u.open), (Some(10000.0), Some(0.0010)));
            assert_eq!(u.timestamp, Some(Timestamp::from_millis(1_672_515_782_136)));
        }
        let lower = TICKER.replace("BNBBTC", "xrpusdt");
        assert_eq!(update(&decode(&mut b, &lower).unwrap()).symbol, "XRPUSDT", "upper-cased");
    }

    #[test]
    fn other_events_acks_and_bad_frames() {
        let mut b = subscribed(&["BTCUSDT"]);
        assert_eq!(
            decode(&mut b, r#"{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT"}}"#)
                .unwrap(),
            []
        );
        assert_eq!(decode(&mut b, r#"{"result":null,"id":1}"#).unwrap(), []);
        assert!(b.pending.is_empty(), "an accepted request is forgotten");
        assert!(decode(&mut b, r#"{"stream":"x","data":[1]}"#).is_err());
        assert!(decode(&mut b, r#"{"stream":"x","data":{"s":"BTCUSDT"}}"#).is_err());
        assert!(
            decode(&mut b, r#"{"e":"24hrTicker","c":"1"}"#).is_err(),
            "a ticker needs a symbol"
        );
        assert!(decode(&mut b, r#"{"hello":1}"#).is_err());
        assert!(decode(&mut b, r#"{"e":"24hrTicker","s":"BTC"#).is_err());
    }

    #[test]
    fn refusals_name_the_symbol_of_the_request() {
        let mut b = subscribed(&["BTCUSDX"]);
        b.subscribe(&["ETHUSDT".into(), "SOLUSDX".into()]);
        let one = r#"{"error":{"code":2,"msg":"Invalid request: unknown\u009b2J symbol"},"id":1}"#;
        assert_eq!(
            decode(&mut b, one).unwrap(),
            [VenueEvent::Rejected {
                symbol: Some("BTCUSDX".into()),
                reason: "Invalid request: unknown symbol".into()
            }]
        );
        let named = r#"{"code":2,"msg":"Invalid request: unknown symbol solusdx","id":2}"#;
        let out = decode(&mut b, named).unwrap();
        assert!(
            matches!(&out[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "SOLUSDX")
        );
        b.subscribe(&["ADAUSDT".into(), "DOTUSDT".into()]);
        let vague = r#"{"error":{"code":3,"msg":"Too many requests"},"id":3}"#;
        assert_eq!(decode(&mut b, vague).unwrap(), [VenueEvent::Error("Too many requests".into())]);
        let unknown_id =
            r#"{"error":{"code":2,"msg":"Invalid request: unknown symbol BTCUSDX"},"id":99}"#;
        let out = decode(&mut b, unknown_id).unwrap();
        assert!(
            matches!(&out[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "BTCUSDX")
        );
        let no_msg = r#"{"error":{"code":-1},"id":null}"#;
        assert_eq!(
            decode(&mut b, no_msg).unwrap(),
            [VenueEvent::Error("request refused (code -1)".into())]
        );
    }

    #[test]
    fn pending_requests_are_bounded() {
        let mut b = Binance::default();
        for i in 0..(PENDING_MAX + 10) {
            b.subscribe(&[format!("S{i}USDT")]);
        }
        assert_eq!(b.pending.len(), PENDING_MAX);
        assert_eq!(b.pending.first_key_value().map(|(k, _)| *k), Some(11));
    }

    #[test]
    fn the_fixture_decodes_section_by_section() {
        let mut b = subscribed(&["BTCUSDT", "ETHUSDT", "BTCUSDX"]);
        let all = sections(FIXTURE);
        assert_eq!(all.iter().map(|(n, _)| *n).collect::<Vec<_>>(), SECTIONS);
        let mut seen = Vec::new();
        for (name, lines) in all {
            assert!(!lines.is_empty(), "{name}");
            for line in lines {
                let got = decode(&mut b, line);
                match name {
                    "subscribed" => assert_eq!(got.unwrap(), []),
                    "malformed" => assert!(got.is_err()),
                    "unknown" => assert!(
                        matches!(&got.unwrap()[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "BTCUSDX")
                    ),
                    _ => {
                        let out = got.unwrap();
                        let u = update(&out);
                        assert!(
                            u.is_valid()
                                && u.price.is_some()
                                && u.open.is_some()
                                && u.timestamp.is_some()
                        );
                        seen.push(u.symbol.clone());
                    }
                }
            }
        }
        assert!(
            seen.contains(&"BTCUSDT".to_owned()) && seen.contains(&"ETHUSDT".to_owned()),
            "{seen:?}"
        );
    }
}
