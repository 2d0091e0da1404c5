//! Kraken's WebSocket v2 public feed (`wss://ws.kraken.com/v2`): the
//! `ticker` channel, heartbeats, and the answers to requests.
//! <https://docs.kraken.com/api/docs/websocket-v2/ticker>

use serde_json::{Map, Value, json};

use super::candles::{number, signed};
use super::coinbase::{Symbols, named_in};
use super::{Adapter, VenueError, VenueEvent};
use crate::protocol::{PriceKind, PriceUpdate};
use crate::sanitize::clean;

#[derive(Debug, Default)]
pub struct Kraken {
    symbols: Symbols,
    /// The last `req_id` sent.
    req_id: u64,
}

impl Kraken {
    fn request(&mut self, method: &str, symbols: &[String]) -> String {
        self.req_id += 1;
        json!({
            "method": method,
            "params": {"channel": "ticker", "symbol": symbols},
            "req_id": self.req_id,
        })
        .to_string()
    }
}

impl Adapter for Kraken {
    fn subscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.add(symbols);
        vec![self.request("subscribe", symbols)]
    }

    fn unsubscribe(&mut self, symbols: &[String]) -> Vec<String> {
        self.symbols.remove(symbols);
        vec![self.request("unsubscribe", symbols)]
    }

    fn decode(&mut self, frame: &[u8], out: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        let Value::Object(m) = serde_json::from_slice(frame)? else {
            return Err(VenueError("not a JSON object".into()));
        };
        if let Some(channel) = m.get("channel") {
            match channel.as_str() {
                Some("ticker") => self.tickers(&m, out)?,
                Some("heartbeat") => out.push(VenueEvent::Alive(None)),
                // `status` and channels we did not ask for.
                Some(_) => {}
                None => return Err(VenueError("a channel that is not a string".into())),
            }
            return Ok(());
        }
        if m.contains_key("method") || m.contains_key("error") {
            let failed = m.get("success") == Some(&Value::Bool(false)) || m.contains_key("error");
            if failed {
                out.push(self.failure(&m));
            }
            // Otherwise an ack or a pong.
            return Ok(());
        }
        Err(VenueError("neither a channel message nor a request's answer".into()))
    }
}

impl Kraken {
    /// `{"channel":"ticker","type":"snapshot"|"update","data":[{...}]}`:
    /// every element is a whole state. An element that is not an object or
    /// names no symbol is skipped.
    fn tickers(&self, m: &Map<String, Value>, out: &mut Vec<VenueEvent>) -> Result<(), VenueError> {
        let data = m
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| VenueError("a ticker without a data array".into()))?;
        for o in data.iter().filter_map(Value::as_object) {
            let Some(symbol) = self.symbols.of(o.get("symbol")) else { continue };
            let n = |k: &str| number(o.get(k));
            let price = n("last");
            let open = price
                .zip(signed(o.get("change")))
                .map(|(last, change)| last - change)
                .filter(|v| v.is_finite() && *v >= 0.0);
            let update = PriceUpdate {
                kind: PriceKind::Snapshot,
                symbol,
                price,
                bid: n("bid"),
                ask: n("ask"),
                // The v2 ticker carries no time: the console stamps it.
                timestamp: None,
                volume: n("volume"),
                open,
            };
            out.push(VenueEvent::Update { update, seq: None });
        }
        Ok(())
    }

    /// `{"error":"Currency pair not supported BTC/USDX","method":"subscribe",
    /// "success":false,"symbol":"BTC/USDX",...}`.
    fn failure(&self, m: &Map<String, Value>) -> VenueEvent {
        let reason = m
            .get("error")
            .and_then(Value::as_str)
            .map(clean)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "request refused".into());
        match m.get("method").and_then(Value::as_str) {
            Some("subscribe") => {
                let symbol = self
                    .symbols
                    .of(m.get("symbol"))
                    .or_else(|| named_in(&reason, self.symbols.all()).cloned());
                VenueEvent::Rejected { symbol, reason }
            }
            Some(method) => VenueEvent::Error(clean(&format!("{method}: {reason}"))),
            None => VenueEvent::Error(reason),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::venues::testing::{self, SECTIONS, sections};

    const FIXTURE: &str = include_str!("../../tests/fixtures/venues/kraken.jsonl");

    fn subscribed(symbols: &[&str]) -> Kraken {
        testing::subscribed(symbols)
    }

    fn decode(k: &mut Kraken, frame: &str) -> Result<Vec<VenueEvent>, VenueError> {
        testing::decode(k, frame)
    }

    fn updates(out: &[VenueEvent]) -> Vec<&PriceUpdate> {
        out.iter()
            .map(|e| match e {
                VenueEvent::Update { update, seq: None } => update,
                other => panic!("not an update without a sequence: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn subscribe_and_unsubscribe_messages_count_their_requests() {
        let mut k = Kraken::default();
        let msgs = k.subscribe(&["BTC/USD".into(), "ETH/USD".into()]);
        assert_eq!(msgs.len(), 1);
        let v: Value = serde_json::from_str(&msgs[0]).unwrap();
        assert_eq!(v["method"], "subscribe");
        assert_eq!(v["params"], json!({"channel": "ticker", "symbol": ["BTC/USD", "ETH/USD"]}));
        assert_eq!(v["req_id"], 1);
        let v: Value = serde_json::from_str(&k.unsubscribe(&["ETH/USD".into()])[0]).unwrap();
        assert_eq!(v["method"], "unsubscribe");
        assert_eq!(v["params"], json!({"channel": "ticker", "symbol": ["ETH/USD"]}));
        assert_eq!(v["req_id"], 2);
        assert!(!k.rejects_whole_request());
    }

    #[test]
    fn the_documented_ticker_and_its_open() {
        let mut k = subscribed(&["ALGO/USD"]);
        let frame = r#"{"channel":"ticker","type":"snapshot","data":[{"symbol":"ALGO/USD","bid":0.10025,"bid_qty":740.0,"ask":0.10036,"ask_qty":1361.44813783,"last":0.10035,"volume":997038.98383185,"vwap":0.10148,"low":0.09979,"high":0.10285,"change":-0.00017,"change_pct":-0.17}]}"#;
        let out = decode(&mut k, frame).unwrap();
        let [u] = updates(&out)[..] else { panic!("{out:?}") };
        assert_eq!((u.kind, u.symbol.as_str()), (PriceKind::Snapshot, "ALGO/USD"));
        assert_eq!((u.price, u.bid, u.ask), (Some(0.10035), Some(0.10025), Some(0.10036)));
        assert_eq!((u.volume, u.timestamp), (Some(997_038.983_831_85), None));
        assert!((u.open.unwrap() - 0.10052).abs() < 1e-12, "last - change: {:?}", u.open);
        let update =
            frame.replace("snapshot", "update").replace(r#""change":-0.00017"#, r#""change":0.2"#);
        let out = decode(&mut k, &update).unwrap();
        assert_eq!(updates(&out)[0].open, None, "an open below zero is no open");
    }

    #[test]
    fn elements_without_a_symbol_are_skipped_but_a_bad_frame_is_an_error() {
        let mut k = subscribed(&["BTC/USD"]);
        let frame = r#"{"channel":"ticker","type":"update","data":[7,{"bid":1},{"symbol":"btc/usd","last":"x"}]}"#;
        let out = decode(&mut k, frame).unwrap();
        let [u] = updates(&out)[..] else { panic!("{out:?}") };
        assert_eq!((u.symbol.as_str(), u.price, u.open), ("BTC/USD", None, None));
        assert!(decode(&mut k, r#"{"channel":"ticker","type":"update","data":{}}"#).is_err());
        assert!(decode(&mut k, r#"{"channel":"ticker","data":[{"symbol":"BTC/USD""#).is_err());
        assert!(decode(&mut k, r#"{"channel":5}"#).is_err());
        assert!(decode(&mut k, r#"{"foo":1}"#).is_err());
        assert!(decode(&mut k, "null").is_err());
    }

    #[test]
    fn heartbeats_status_acks_and_pongs() {
        let mut k = subscribed(&["BTC/USD"]);
        assert_eq!(
            decode(&mut k, r#"{"channel":"heartbeat"}"#).unwrap(),
            [VenueEvent::Alive(None)]
        );
        let status = r#"{"channel":"status","data":[{"api_version":"v2","connection_id":12393906104898154338,"system":"online","version":"2.0.0"}],"type":"update"}"#;
        assert_eq!(decode(&mut k, status).unwrap(), []);
        let ack = r#"{"method":"subscribe","req_id":1,"result":{"channel":"ticker","snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#;
        assert_eq!(decode(&mut k, ack).unwrap(), []);
        let pong = r#"{"method":"pong","req_id":4,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}"#;
        assert_eq!(decode(&mut k, pong).unwrap(), []);
    }

    #[test]
    fn refusals_name_their_symbol_and_are_cleaned() {
        let mut k = subscribed(&["BTC/USD", "BTC/USDX"]);
        let frame = r#"{"error":"Currency pair not supported\u001b[2J BTC/USDX","method":"subscribe","req_id":1,"success":false,"symbol":"btc/usdx","time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#;
        let out = decode(&mut k, frame).unwrap();
        let [VenueEvent::Rejected { symbol, reason }] = out.as_slice() else { panic!("{out:?}") };
        assert_eq!(symbol.as_deref(), Some("BTC/USDX"));
        assert!(reason.starts_with("Currency pair not supported") && reason.ends_with("BTC/USDX"));
        assert!(!reason.chars().any(crate::sanitize::is_dangerous), "{reason:?}");
        let unnamed = r#"{"error":"Currency pair not supported BTC/USDX","method":"subscribe","success":false}"#;
        let out = decode(&mut k, unnamed).unwrap();
        assert!(
            matches!(&out[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "BTC/USDX")
        );
        let vague = r#"{"error":"Exceeded msg rate","method":"subscribe","success":false}"#;
        let out = decode(&mut k, vague).unwrap();
        assert!(
            matches!(&out[..], [VenueEvent::Rejected { symbol: None, reason }] if reason == "Exceeded msg rate")
        );
        let unsub = r#"{"error":"Subscription Not Found","method":"unsubscribe","success":false}"#;
        assert_eq!(
            decode(&mut k, unsub).unwrap(),
            [VenueEvent::Error("unsubscribe: Subscription Not Found".into())]
        );
    }

    #[test]
    fn the_fixture_decodes_section_by_section() {
        let mut k = subscribed(&["BTC/USD", "ETH/USD", "BTC/USDX"]);
        let all = sections(FIXTURE);
        assert_eq!(all.iter().map(|(n, _)| *n).collect::<Vec<_>>(), SECTIONS);
        let mut seen = Vec::new();
        for (name, lines) in all {
            assert!(!lines.is_empty(), "{name}");
            for line in lines {
                let got = decode(&mut k, line);
                match name {
                    "subscribed" => assert_eq!(got.unwrap(), []),
                    "heartbeat" => assert_eq!(got.unwrap(), [VenueEvent::Alive(None)]),
                    "malformed" => assert!(got.is_err()),
                    "unknown" => assert!(
                        matches!(&got.unwrap()[..], [VenueEvent::Rejected { symbol: Some(s), .. }] if s == "BTC/USDX")
                    ),
                    _ => {
                        for u in updates(&got.unwrap()) {
                            assert!(u.is_valid() && u.price.is_some() && u.open.is_some(), "{u:?}");
                            seen.push(u.symbol.clone());
                        }
                    }
                }
            }
        }
        assert!(
            seen.contains(&"BTC/USD".to_owned()) && seen.contains(&"ETH/USD".to_owned()),
            "{seen:?}"
        );
    }
}
