//! Price-feed frames (protocol §1) decoded in one pass, straight from the
//! bytes into [`PriceUpdate`]s: no intermediate `serde_json::Value`, and the
//! symbol is borrowed from the frame until it is known to be clean.
//!
//! A frame is one update (an object / MessagePack map) or a batch (an array).
//! Every batch element is read leniently: a field of the wrong type, an
//! unknown `type`, a missing symbol or an element that is not an object at
//! all rejects that element only (it is consumed and counted). Only malformed
//! syntax, or a frame that is neither an object nor an array, fails the frame.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::value::{
    Error as ValueError, F64Deserializer, I64Deserializer, StrDeserializer, U64Deserializer,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::decode::{DecodeError, Decoded};
use super::{PriceKind, PriceUpdate, Timestamp};
use crate::sanitize::clean_cow;

/// Decode a price-feed frame: a JSON object, a JSON array of them, or (when
/// `binary`) a MessagePack map or array of maps.
pub fn decode_price_frame(data: &[u8], binary: bool) -> Result<Decoded<PriceUpdate>, DecodeError> {
    let mut items = Vec::new();
    let rejected = for_each_price(data, binary, |u| items.push(u))?;
    Ok(Decoded { items, rejected })
}

/// Decode a price-feed frame like [`decode_price_frame`], handing each valid
/// update to `f` as it is read instead of collecting them. Returns how many
/// items were rejected.
///
/// On `Err` the frame is bad as a whole, but `f` may already have been called
/// for the valid updates that came before the error (say, the first items of
/// a truncated batch).
pub fn for_each_price(
    data: &[u8],
    binary: bool,
    mut f: impl FnMut(PriceUpdate),
) -> Result<usize, DecodeError> {
    let frame = Frame { f: &mut f };
    let shape = if binary {
        // Like `rmp_serde::from_slice` (and the decoder this replaced),
        // bytes after the first MessagePack value are not looked at.
        frame.deserialize(&mut rmp_serde::Deserializer::from_read_ref(data))?
    } else {
        let mut de = serde_json::Deserializer::from_slice(data);
        let shape = frame.deserialize(&mut de)?;
        de.end()?;
        shape
    };
    match shape {
        Shape::Items { rejected } => Ok(rejected),
        Shape::Other => Err(DecodeError::NotAnObject),
    }
}

/// `visit_*` methods for the kinds of value a visitor does not want: the
/// value is consumed (nested content included, so the rest of the frame
/// still decodes) and the visitor answers `$bad`.
macro_rules! refuse {
    ($bad:expr => $($kind:ident)*) => { $(refuse!(@$kind $bad);)* };
    (@bool $bad:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($bad)
        }
    };
    (@num $bad:expr) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($bad)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($bad)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($bad)
        }
    };
    (@str $bad:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($bad)
        }
    };
    (@unit $bad:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($bad)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($bad)
        }
    };
    (@bytes $bad:expr) => {
        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
            Ok($bad)
        }
    };
    (@seq $bad:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_seq(seq)?;
            Ok($bad)
        }
    };
    (@map $bad:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_map(map)?;
            Ok($bad)
        }
    };
    (@wrapped $bad:expr) => {
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_ignored_any(IgnoredAny)?;
            Ok($bad)
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> Result<Self::Value, D::Error> {
            d.deserialize_ignored_any(IgnoredAny)?;
            Ok($bad)
        }
    };
}

/// What the top level of a frame turned out to be.
enum Shape {
    /// An object or an array; valid updates went to the callback.
    Items { rejected: usize },
    /// Anything else: the frame is not a price frame.
    Other,
}

/// The whole frame, carrying the callback that receives each valid update.
struct Frame<'f, F> {
    f: &'f mut F,
}

impl<F: FnMut(PriceUpdate)> Frame<'_, F> {
    /// Hand over a valid item; answer 1 for a rejected one.
    fn emit(&mut self, item: Option<PriceUpdate>) -> usize {
        match item {
            Some(u) => {
                (self.f)(u);
                0
            }
            None => 1,
        }
    }
}

impl<'de, F: FnMut(PriceUpdate)> DeserializeSeed<'de> for Frame<'_, F> {
    type Value = Shape;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(PriceUpdate)> Visitor<'de> for Frame<'_, F> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a price update or an array of them")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<Shape, A::Error> {
        let rejected = self.emit(read_update(map)?);
        Ok(Shape::Items { rejected })
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Shape, A::Error> {
        let mut rejected = 0;
        while let Some(Item(item)) = seq.next_element()? {
            rejected += self.emit(item);
        }
        Ok(Shape::Items { rejected })
    }

    refuse!(Shape::Other => bool num str unit bytes wrapped);
}

/// One batch element: an update if it was a valid one, `None` for anything
/// else (which has been consumed all the same).
struct Item(Option<PriceUpdate>);

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
        read_update(map).map(Item)
    }

    refuse!(Item(None) => bool num str unit bytes seq wrapped);
}

/// A field as read: absent (or `null`), a usable value, or present but
/// unusable (which rejects the item). A later duplicate key overwrites an
/// earlier one, as it did when frames went through `serde_json::Value`.
#[derive(Default)]
enum Slot<T> {
    #[default]
    Absent,
    Val(T),
    Bad,
}

impl<T> Slot<T> {
    /// `Some(None)` when absent, `None` when bad.
    fn optional(self) -> Option<Option<T>> {
        match self {
            Slot::Absent => Some(None),
            Slot::Val(v) => Some(Some(v)),
            Slot::Bad => None,
        }
    }

    fn required(self) -> Option<T> {
        match self {
            Slot::Val(v) => Some(v),
            Slot::Absent | Slot::Bad => None,
        }
    }
}

/// Read one update's fields; `Ok(None)` when it is not a valid update.
fn read_update<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<PriceUpdate>, A::Error> {
    let mut kind = Slot::Absent;
    let mut symbol = Slot::Absent;
    let (mut price, mut bid, mut ask, mut volume) =
        (Slot::Absent, Slot::Absent, Slot::Absent, Slot::Absent);
    let mut timestamp = Slot::Absent;
    while let Some(key) = map.next_key()? {
        match key {
            Key::Type => kind = map.next_value_seed(KindField)?,
            Key::Symbol => symbol = map.next_value_seed(SymbolField)?,
            Key::Price => price = map.next_value_seed(NumberField)?,
            Key::Bid => bid = map.next_value_seed(NumberField)?,
            Key::Ask => ask = map.next_value_seed(NumberField)?,
            Key::Volume => volume = map.next_value_seed(NumberField)?,
            Key::Timestamp => timestamp = map.next_value_seed(TimestampField)?,
            Key::Other => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(build(kind, symbol, price, bid, ask, volume, timestamp))
}

fn build(
    kind: Slot<PriceKind>,
    symbol: Slot<Cow<'_, str>>,
    price: Slot<f64>,
    bid: Slot<f64>,
    ask: Slot<f64>,
    volume: Slot<f64>,
    timestamp: Slot<Timestamp>,
) -> Option<PriceUpdate> {
    let update = PriceUpdate {
        kind: kind.required()?,
        price: price.optional()?,
        bid: bid.optional()?,
        ask: ask.optional()?,
        volume: volume.optional()?,
        timestamp: timestamp.optional()?,
        symbol: clean_symbol(symbol.required()?),
    };
    update.is_valid().then_some(update)
}

/// The symbol through the same rule as `sanitize::clean`, allocating once.
fn clean_symbol(raw: Cow<'_, str>) -> String {
    match raw {
        Cow::Borrowed(s) => clean_cow(s).into_owned(),
        Cow::Owned(s) => {
            if let Cow::Owned(cleaned) = clean_cow(&s) {
                cleaned
            } else {
                s
            }
        }
    }
}

/// The fields of a PriceUpdate, by wire name.
enum Key {
    Type,
    Symbol,
    Price,
    Bid,
    Ask,
    Volume,
    Timestamp,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // As bytes: serde_json then hands over the key without checking its
        // UTF-8, which only matters for keys that name no field anyway.
        d.deserialize_bytes(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(match v {
            b"type" => Key::Type,
            b"symbol" => Key::Symbol,
            b"price" => Key::Price,
            b"bid" => Key::Bid,
            b"ask" => Key::Ask,
            b"volume" => Key::Volume,
            b"timestamp" => Key::Timestamp,
            _ => Key::Other,
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        self.visit_bytes(v.as_bytes())
    }

    // MessagePack keys need not be strings; such a key names no field.
    refuse!(Key::Other => bool num unit seq map wrapped);
}

/// `type`: `snapshot` or `delta`; anything else rejects the item.
struct KindField;

impl<'de> DeserializeSeed<'de> for KindField {
    type Value = Slot<PriceKind>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KindField {
    type Value = Slot<PriceKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"snapshot\" or \"delta\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match v {
            "snapshot" => Slot::Val(PriceKind::Snapshot),
            "delta" => Slot::Val(PriceKind::Delta),
            _ => Slot::Bad,
        })
    }

    refuse!(Slot::Bad => bool num unit bytes seq map wrapped);
}

/// `symbol`: a string, borrowed from the frame when the format allows.
/// `null` or any other type rejects the item.
struct SymbolField;

impl<'de> DeserializeSeed<'de> for SymbolField {
    type Value = Slot<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SymbolField {
    type Value = Slot<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Slot::Val(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Slot::Val(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Slot::Val(Cow::Owned(v)))
    }

    refuse!(Slot::Bad => bool num unit bytes seq map wrapped);
}

/// `price`, `bid`, `ask`, `volume`: any number; `null` is absent; any other
/// type rejects the item. Range checks are [`PriceUpdate::is_valid`]'s.
struct NumberField;

impl<'de> DeserializeSeed<'de> for NumberField {
    type Value = Slot<f64>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NumberField {
    type Value = Slot<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or null")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Slot::Val(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Slot::Val(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Slot::Val(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Absent)
    }

    refuse!(Slot::Bad => bool str bytes seq map wrapped);
}

/// `timestamp`: either wire form, through [`Timestamp`]'s own `Deserialize`;
/// `null` is absent; anything it refuses rejects the item.
struct TimestampField;

impl TimestampField {
    fn from<'de, D: Deserializer<'de, Error = ValueError>>(d: D) -> Slot<Timestamp> {
        Timestamp::deserialize(d).map_or(Slot::Bad, Slot::Val)
    }
}

impl<'de> DeserializeSeed<'de> for TimestampField {
    type Value = Slot<Timestamp>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TimestampField {
    type Value = Slot<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp or null")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::from(I64Deserializer::new(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::from(U64Deserializer::new(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::from(F64Deserializer::new(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Self::from(StrDeserializer::new(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Slot::Absent)
    }

    refuse!(Slot::Bad => bool bytes seq map wrapped);
}

#[cfg(test)]
mod tests {
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
            t(
                r#"{"type":"delta","symbol":"A","price":1e-320,"bid":123456789012345678901234}"#,
                1,
                0,
            ),
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
        assert_eq!(d.items[0].symbol, "AA[2JPL 1");
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
}
