//! The single-pass price decoder against the `Value`-based decoder it
//! replaced (kept here as the oracle), on fixed and seeded random frames.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;

use super::*;

/// The decoder this module replaced, kept as the oracle: the whole frame
/// into a `Value`, then each item through `PriceUpdate`'s derived
/// `Deserialize` and `is_valid`.
fn reference_decode(data: &[u8], binary: bool) -> Result<Decoded<PriceUpdate>, DecodeError> {
    let value: Value =
        if binary { rmp_serde::from_slice(data)? } else { serde_json::from_slice(data)? };
    let items = match value {
        Value::Array(items) => items,
        v @ Value::Object(_) => vec![v],
        _ => return Err(DecodeError::NotAnObject),
    };
    let mut out = Decoded { items: Vec::new(), rejected: 0 };
    for item in items {
        match serde_json::from_value::<PriceUpdate>(item).ok().filter(PriceUpdate::is_valid) {
            Some(u) => out.items.push(u),
            None => out.rejected += 1,
        }
    }
    Ok(out)
}

/// Both decoders on `frame`, as JSON and (when it is JSON at all) as the
/// MessagePack encoding of the same value; all must agree. Returns the
/// new decoder's answer.
fn agree(frame: &str) -> Result<Decoded<PriceUpdate>, DecodeError> {
    let new = decode_price_frame(frame.as_bytes(), false);
    let old = reference_decode(frame.as_bytes(), false);
    match (&new, &old) {
        (Ok(n), Ok(o)) => assert_eq!(n, o, "{frame}"),
        (Err(DecodeError::NotAnObject), Err(DecodeError::NotAnObject))
        | (Err(DecodeError::Json(_)), Err(DecodeError::Json(_))) => {}
        _ => panic!("{frame}: new {new:?}, reference {old:?}"),
    }
    if let Ok(value) = serde_json::from_str::<Value>(frame) {
        let packed = rmp_serde::to_vec_named(&value).unwrap();
        let new_bin = decode_price_frame(&packed, true);
        match (&new, &new_bin) {
            (Ok(n), Ok(b)) => assert_eq!(n, b, "msgpack of {frame}"),
            (Err(DecodeError::NotAnObject), Err(DecodeError::NotAnObject)) => {}
            _ => panic!("msgpack of {frame}: json {new:?}, msgpack {new_bin:?}"),
        }
        if let Ok(b) = &new_bin {
            assert_eq!(b, &reference_decode(&packed, true).unwrap(), "msgpack of {frame}");
        }
    }
    new
}

const ONE: &str = r#"{"type":"snapshot","symbol":"AAPL","price":150.25,"bid":150.24,
    "ask":150.26,"timestamp":1705660245123,"volume":1200,"exchange":"XNAS"}"#;

/// (frame, valid items, rejected items)
fn table() -> Vec<(String, usize, usize)> {
    let t = |s: &str, ok, bad| (s.to_string(), ok, bad);
    vec![
        t(ONE, 1, 0),
        (format!("[{ONE},{ONE}]"), 2, 0),
        t("[]", 0, 0),
        t(r#"{"type":"delta","symbol":"MSFT","bid":1.5}"#, 1, 0),
        t(r#"{"symbol":"MSFT","bid":1.5,"type":"delta"}"#, 1, 0),
        t(
            r#"[{"type":"delta","symbol":"A","price":null,"bid":null,"ask":null,
              "volume":null,"timestamp":null}]"#,
            1,
            0,
        ),
        (
            format!(
                r#"[7,"x",null,[],{{}},true,-1.5,{ONE},[[1,2],{{"a":[]}}],{{"type":"weird","symbol":"Y"}},
                {{"type":"Snapshot","symbol":"Y"}},{{"type":null,"symbol":"Y"}},{{"type":1,"symbol":"Y"}},
                {{"type":"snapshot","symbol":"X","price":-1}},{{"type":"delta","symbol":"X","volume":-0.5}},
                {{"type":"snapshot","symbol":"X","price":"150.25"}},{{"type":"delta","symbol":"X","bid":true}},
                {{"type":"delta","symbol":"X","ask":[1]}},{{"type":"delta","symbol":"X","ask":{{"v":1}}}},
                {{"type":"delta","price":1}},{{"type":"delta","symbol":null}},{{"type":"delta","symbol":5}},
                {{"type":"delta","symbol":["A"]}},{{"symbol":"A","price":1}},{{"type":"delta","symbol":""}}]"#
            ),
            1,
            24,
        ),
        // Sanitised symbols: escaped controls, raw bidi, only invisible.
        t(r#"{"type":"delta","symbol":"AA\u001b[2JPL\u202e\t1","bid":1}"#, 1, 0),
        t("{\"type\":\"delta\",\"symbol\":\"AB\u{202E}C\u{200B}\",\"bid\":1}", 1, 0),
        t(r#"{"type":"delta","symbol":"\u200b\u2066","bid":1}"#, 0, 1),
        t(r#"{"type":"delta","symbol":"A\"B\\C","bid":1}"#, 1, 0),
        t("{\"type\":\"delta\",\"symbol\":\"株式\",\"bid\":1}", 1, 0),
        // Unknown fields of every shape are skipped.
        t(
            r#"{"type":"delta","meta":{"a":[1,{"b":2}]},"symbol":"A","x":null,"y":"s",
              "z":[[],{}],"w":-1e300,"price":2}"#,
            1,
            0,
        ),
        // Timestamps: both forms; null is absent; anything else rejects.
        t(r#"{"type":"delta","symbol":"A","timestamp":"2024-01-19T10:30:45.123Z"}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","timestamp":"2024-01-19T11:30:45+01:00"}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","timestamp":1705660245123}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","timestamp":-5}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","timestamp":1705660245123.9}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","timestamp":"yesterday"}"#, 0, 1),
        t(r#"{"type":"delta","symbol":"A","timestamp":true}"#, 0, 1),
        t(r#"{"type":"delta","symbol":"A","timestamp":[1]}"#, 0, 1),
        t(r#"{"type":"delta","symbol":"A","timestamp":9.5e15}"#, 0, 1),
        t(r#"{"type":"delta","symbol":"A","timestamp":18446744073709551615}"#, 0, 1),
        // Numbers of every shape JSON has.
        t(
            r#"{"type":"delta","symbol":"A","price":18446744073709551615,"bid":0,
              "ask":1.5e2,"volume":-0.0}"#,
            1,
            0,
        ),
        t(r#"{"type":"delta","symbol":"A","price":1e-320,"bid":123456789012345678901234}"#, 1, 0),
        // Escapes in keys and in `type`.
        t(r#"{"ty\u0070e":"snaps\u0068ot","symbol":"A","price":1}"#, 1, 0),
        // Duplicate keys: the last one wins, as with `Value`.
        t(r#"{"type":"delta","symbol":"A","price":"x","price":2}"#, 1, 0),
        t(r#"{"type":"delta","symbol":"A","price":2,"price":"x"}"#, 0, 1),
        t(r#"{"type":"weird","symbol":"A","type":"delta","symbol":"B"}"#, 1, 0),
        // Not a price frame at all.
        t("7", 0, 0),
        t(r#""x""#, 0, 0),
        t("null", 0, 0),
        t("true", 0, 0),
    ]
}

#[test]
fn agrees_with_the_value_based_decoder_on_a_table_of_frames() {
    for (frame, ok, bad) in table() {
        match agree(&frame) {
            Ok(d) => assert_eq!((d.items.len(), d.rejected), (ok, bad), "{frame}"),
            Err(DecodeError::NotAnObject) => assert_eq!((ok, bad), (0, 0), "{frame}"),
            Err(e) => panic!("{frame}: {e}"),
        }
    }
}

#[test]
fn symbols_are_sanitised_as_clean_does() {
    let d = agree(r#"{"type":"delta","symbol":"AA\u001b[2JPL\u202e\t1"}"#).unwrap();
    assert_eq!(d.items[0].symbol, "AAPL 1");
    let long = format!(r#"{{"type":"delta","symbol":"{}"}}"#, "Z".repeat(5000));
    let d = agree(&long).unwrap();
    assert_eq!(d.items[0].symbol, crate::sanitize::clean(&"Z".repeat(5000)));
}

#[test]
fn every_decoded_update_round_trips_through_messagepack() {
    let mut all = Vec::new();
    for (frame, _, _) in table() {
        if let Ok(d) = decode_price_frame(frame.as_bytes(), false) {
            for u in d.items {
                let one = decode_price_frame(&rmp_serde::to_vec_named(&u).unwrap(), true);
                assert_eq!(one.unwrap().items, vec![u.clone()]);
                all.push(u);
            }
        }
    }
    let batch = decode_price_frame(&rmp_serde::to_vec_named(&all).unwrap(), true).unwrap();
    assert_eq!((batch.items, batch.rejected), (all, 0));
}

#[test]
fn messagepack_numbers_of_every_width_are_accepted() {
    #[derive(Serialize)]
    struct Wide<P, B, A, V, T> {
        r#type: &'static str,
        symbol: &'static str,
        price: P,
        bid: B,
        ask: A,
        volume: V,
        timestamp: T,
    }
    let check = |bytes: Vec<u8>, want: [f64; 4], ts: i64| {
        let d = decode_price_frame(&bytes, true).unwrap();
        assert_eq!(d.rejected, 0);
        let u = &d.items[0];
        assert_eq!([u.price, u.bid, u.ask, u.volume], want.map(Some));
        assert_eq!(u.timestamp, Some(Timestamp(ts)));
    };
    // fixint, u8, u16, u32 / negative fixint timestamp.
    let w = Wide {
        r#type: "delta",
        symbol: "A",
        price: 7u8,
        bid: 200u8,
        ask: 300u16,
        volume: 70_000u32,
        timestamp: -5i8,
    };
    check(rmp_serde::to_vec_named(&w).unwrap(), [7.0, 200.0, 300.0, 70_000.0], -5);
    // u64, f32, f64, i64 / u64 timestamp.
    let w = Wide {
        r#type: "delta",
        symbol: "A",
        price: 5_000_000_000u64,
        bid: 1.5f32,
        ask: 2.25f64,
        volume: 9i64,
        timestamp: 1_705_660_245_123u64,
    };
    check(rmp_serde::to_vec_named(&w).unwrap(), [5e9, 1.5, 2.25, 9.0], 1_705_660_245_123);
    // i16 / i32 timestamps and a negative i32 price (rejected, consumed).
    let w = Wide {
        r#type: "delta",
        symbol: "A",
        price: -70_000i32,
        bid: 1i16,
        ask: 1i64,
        volume: 1u8,
        timestamp: -300i16,
    };
    let packed = rmp_serde::to_vec_named(&[&w, &w]).unwrap();
    let d = decode_price_frame(&packed, true).unwrap();
    assert_eq!((d.items.len(), d.rejected), (0, 2));
}

#[test]
fn arrays_posing_as_updates_are_rejected() {
    // The old decoder accepted these by accident: serde lets a derived
    // struct be read from a sequence, and an enum from a one-entry map.
    // The contract says a PriceUpdate is an object with a string `type`.
    for frame in [
        r#"[["delta","AAPL"]]"#,
        r#"[["snapshot","AAPL",1.0,1.0,1.0,null,null]]"#,
        r#"{"type":{"delta":null},"symbol":"AAPL"}"#,
    ] {
        let d = decode_price_frame(frame.as_bytes(), false).unwrap();
        assert_eq!((d.items.len(), d.rejected), (0, 1), "{frame}");
        assert_eq!(reference_decode(frame.as_bytes(), false).unwrap().items.len(), 1);
    }
}

#[test]
fn for_each_price_hands_over_what_decode_price_frame_collects() {
    let frame = format!(r#"[{ONE},7,{ONE}]"#);
    let mut seen = Vec::new();
    let rejected = for_each_price(frame.as_bytes(), false, |u| seen.push(u)).unwrap();
    let d = decode_price_frame(frame.as_bytes(), false).unwrap();
    assert_eq!((seen, rejected), (d.items, d.rejected));
    assert!(matches!(for_each_price(b"42", false, |_| {}), Err(DecodeError::NotAnObject)));
}

#[test]
fn truncated_and_garbled_frames_are_errors() {
    let batch = format!(r#"[{ONE},{{"type":"delta","symbol":"MSFT","bid":1.5}}]"#);
    for end in 0..batch.len() {
        let Some(prefix) = batch.get(..end) else { continue };
        assert!(decode_price_frame(prefix.as_bytes(), false).is_err(), "{prefix}");
    }
    for garbled in [
        format!("{ONE} x"),
        format!("[{ONE}]]"),
        format!("[{ONE},]"),
        format!("{ONE}{ONE}"),
        r#"{"type":"delta","symbol":"A","price":1e400}"#.to_string(),
        r#"{"type":"delta","symbol":"A\x"}"#.to_string(),
    ] {
        assert!(decode_price_frame(garbled.as_bytes(), false).is_err(), "{garbled}");
    }
    let value: Value = serde_json::from_str(&batch).unwrap();
    let packed = rmp_serde::to_vec_named(&value).unwrap();
    for end in 0..packed.len() {
        assert!(decode_price_frame(&packed[..end], true).is_err(), "msgpack prefix {end}");
    }
    // An array header promising more items than follow.
    let mut more = packed.clone();
    more[0] += 1;
    assert!(decode_price_frame(&more, true).is_err());
}

/// Random JSON-ish frames from a fixed seed: valid and broken items,
/// junk values, then sometimes truncated, garbled or replaced by noise.
struct Gen(SmallRng);

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.0.random_range(0..xs.len())]
    }

    fn one_in(&mut self, n: u32) -> bool {
        self.0.random_range(0..n) == 0
    }

    fn number(&mut self) -> String {
        match self.0.random_range(0..4) {
            0 => self.0.random_range(-5i64..100_000).to_string(),
            1 => format!("{}", self.0.random_range(-10.0f64..1e6)),
            2 => format!("{:e}", self.0.random_range(0.0f64..1e9)),
            _ => self
                .pick(&[
                    "0",
                    "-0.0",
                    "1e3",
                    "1.5E-7",
                    "18446744073709551615",
                    "-9223372036854775808",
                    "123456789012345678901234",
                    "1705660245123",
                ])
                .to_string(),
        }
    }

    /// Any JSON value; never the words "snapshot" or "delta" (see
    /// `arrays_posing_as_updates_are_rejected`), and arrays start with a
    /// number.
    fn junk(&mut self, depth: u32) -> String {
        let kinds = if depth > 3 { 4 } else { 6 };
        match self.0.random_range(0..kinds) {
            0 => self.number(),
            1 => self.pick(&["null", "true", "false"]).to_string(),
            2 => self.pick(&[r#""""#, r#""x""#, r#""AAPL""#, r#""a\"b\u0000""#]).to_string(),
            3 => self.pick(&["[]", "{}", "[1,[2,[3]]]"]).to_string(),
            4 => {
                let mut parts = vec![self.number()];
                for _ in 0..self.0.random_range(0..4) {
                    parts.push(self.junk(depth + 1));
                }
                format!("[{}]", parts.join(","))
            }
            _ => {
                let mut parts = Vec::new();
                for _ in 0..self.0.random_range(0..4) {
                    let k = self.pick(&["a", "meta", "type", "price", "symbol", "t"]);
                    parts.push(format!(r#""{k}":{}"#, self.junk(depth + 1)));
                }
                format!("{{{}}}", parts.join(","))
            }
        }
    }

    fn field(&mut self, name: &str) -> String {
        if self.one_in(12) {
            return self.junk(1);
        }
        match name {
            "type" => self.pick(&[r#""snapshot""#, r#""delta""#, r#""Delta""#, r#""""#]).into(),
            "symbol" => self
                .pick(&[
                    r#""AAPL""#,
                    r#""BRK.B""#,
                    r#""""#,
                    r#""A\u001b[2JB""#,
                    "\"X\u{202E}Y\"",
                    r#""\u200b""#,
                    r#""x\ty""#,
                    "\"株\"",
                    r#""A\"B""#,
                ])
                .into(),
            "timestamp" => match self.0.random_range(0..3) {
                0 => self.number(),
                1 => self
                    .pick(&[
                        r#""2024-01-19T10:30:45Z""#,
                        r#""2024-01-19T11:30:45.123+01:00""#,
                        r#""yesterday""#,
                        "null",
                    ])
                    .into(),
                _ => "9.5e15".into(),
            },
            _ if self.one_in(6) => "null".into(),
            _ => self.number(),
        }
    }

    fn item(&mut self) -> String {
        let mut names =
            vec!["type", "symbol", "price", "bid", "ask", "volume", "timestamp", "exchange"];
        names.retain(|n| !self.one_in(if matches!(*n, "type" | "symbol") { 20 } else { 5 }));
        if self.one_in(5) {
            let dup = self.pick(&["type", "symbol", "price", "timestamp"]);
            names.push(dup);
        }
        for i in (1..names.len()).rev() {
            names.swap(i, self.0.random_range(0..=i));
        }
        let fields: Vec<String> =
            names.iter().map(|n| format!(r#""{n}":{}"#, self.field(n))).collect();
        format!("{{{}}}", fields.join(", "))
    }

    fn frame(&mut self) -> Vec<u8> {
        let text = match self.0.random_range(0..6) {
            0 => self.item(),
            1 => self.junk(0),
            _ => {
                let n = self.0.random_range(0..8);
                let items: Vec<String> = (0..n)
                    .map(|_| if self.one_in(4) { self.junk(1) } else { self.item() })
                    .collect();
                format!("[{}]", items.join(","))
            }
        };
        let mut bytes = text.into_bytes();
        match self.0.random_range(0..10) {
            0 if !bytes.is_empty() => bytes.truncate(self.0.random_range(0..bytes.len())),
            1 if !bytes.is_empty() => {
                let i = self.0.random_range(0..bytes.len());
                bytes[i] = self.0.random();
            }
            2 => bytes.extend_from_slice(self.pick(&[" ", "]", "x", "{}", "\n"]).as_bytes()),
            3 => {
                let n = self.0.random_range(0..40);
                bytes = (0..n).map(|_| self.0.random()).collect();
            }
            _ => {}
        }
        bytes
    }
}

#[test]
fn random_frames_never_panic_and_agree_with_the_reference() {
    let mut g = Gen(SmallRng::seed_from_u64(0x4d65_7269_6469_616e));
    let (mut compared, mut items, mut valid) = (0, 0, 0);
    for _ in 0..4000 {
        let frame = g.frame();
        let new = decode_price_frame(&frame, false);
        // The noise is also fed to the MessagePack decoder: no panic.
        let _ = decode_price_frame(&frame, true);
        // Where the reference errs the new decoder may not: it skips
        // unknown fields without checking their UTF-8 or number range.
        if let Ok(old) = reference_decode(&frame, false) {
            let text = String::from_utf8(frame).unwrap();
            assert_eq!(agree(&text).unwrap(), old);
            compared += 1;
            items += old.items.len() + old.rejected;
            valid += old.items.len();
        } else if let Err(DecodeError::NotAnObject) = reference_decode(&frame, false) {
            assert!(matches!(new, Err(DecodeError::NotAnObject)), "{frame:?}");
        }
    }
    // The generator must keep producing frames worth comparing, with
    // valid updates among them.
    assert!(compared > 2000 && items > 5000 && valid > 500, "{compared}, {items}, {valid}");
}
