//! The fields of one price update as the single-pass decoder reads them:
//! field names, and a lenient reader per field (a wrong type rejects the
//! update, never the frame).

#[allow(clippy::wildcard_imports, reason = "the parent module's decoding vocabulary")]
use super::*;

/// The fields of a PriceUpdate, by wire name.
pub(super) enum Key {
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

pub(super) struct KeyVisitor;

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
pub(super) struct KindField;

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
pub(super) struct SymbolField;

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
pub(super) struct NumberField;

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
pub(super) struct TimestampField;

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
