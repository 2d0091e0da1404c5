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

#[path = "price_fields.rs"]
mod fields;
use fields::*;

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
        open: None,
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

#[cfg(test)]
#[path = "price_decode_tests.rs"]
mod tests;
