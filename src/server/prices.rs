//! Price frames for `/ws/prices`.
//!
//! Every connection reads the same simulated market ([`super::market`]):
//! the price of an update is the symbol's path at the update's stamp, plus
//! at most a cent of per-connection noise (so a burst with identical stamps
//! still carries changes). The spread and the cumulative volume are the
//! connection's own seeded dice. Updates are written into reused slots and
//! serialized into a reused buffer, so a steady stream allocates about once
//! per frame, not once per update.

use axum::body::Bytes;
use axum::extract::ws::{Message, Utf8Bytes};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::market::{PathCursor, PricePath, cents, fnv1a};
use super::options::PriceFormat;
use crate::protocol::{PriceKind, PriceUpdate, Timestamp};

/// A full snapshot is re-sent after this many deltas.
const SNAPSHOT_EVERY: u32 = 100;

/// Upper-case and check a symbol from a client (the contract's rule,
/// shared with the console). None if it is not one.
pub(crate) fn normalize_symbol(raw: &str) -> Option<String> {
    crate::protocol::normalize_symbol(raw).ok()
}

/// One symbol on one connection: its place on the market's price path,
/// its own spread and volume dice, and what the client was last told.
pub struct SymbolWalk {
    symbol: String,
    path: PathCursor,
    rng: SmallRng,
    /// Per-connection noise on the path's price, in cents (-1, 0 or 1).
    noise: f64,
    spread: f64,
    volume: f64,
    /// price, bid, ask, volume as last sent; None until the first snapshot.
    sent: Option<[f64; 4]>,
    since_snapshot: u32,
}

impl SymbolWalk {
    pub fn new(symbol: &str, seed: u64) -> Self {
        let h = fnv1a(symbol);
        let mut rng = SmallRng::seed_from_u64(seed ^ h);
        let spread = rng.random_range(1..=4) as f64 / 100.0;
        let volume = rng.random_range(1_000..50_000) as f64;
        SymbolWalk {
            symbol: symbol.to_owned(),
            path: PathCursor::new(PricePath::new(symbol, seed)),
            rng,
            noise: 0.0,
            spread,
            volume,
            sent: None,
            since_snapshot: 0,
        }
    }

    pub(crate) fn symbol(&self) -> &str {
        &self.symbol
    }

    /// Make the next update a snapshot (after a repeated subscribe).
    pub(crate) fn force_snapshot(&mut self) {
        self.sent = None;
    }

    fn step(&mut self) {
        if self.rng.random_bool(0.5) {
            self.noise = f64::from(self.rng.random_range(-1_i32..=1)) / 100.0;
        }
        if self.rng.random_bool(0.1) {
            self.spread = self.rng.random_range(1..=4) as f64 / 100.0;
        }
        if self.rng.random_bool(0.6) {
            self.volume += self.rng.random_range(1..40) as f64 * 100.0;
        }
    }

    /// Write the next update, stamped `now` and priced from the market at
    /// `now`, into `out`, reusing its allocation: a snapshot first and
    /// every [`SNAPSHOT_EVERY`] updates, otherwise a delta carrying only the
    /// fields that changed. A snapshot carries the path's price exactly.
    pub fn next_into(&mut self, out: &mut PriceUpdate, now: Timestamp) {
        let snapshot = self.sent.is_none() || self.since_snapshot >= SNAPSHOT_EVERY;
        if snapshot {
            self.noise = 0.0;
        } else {
            self.step();
        }
        let price = cents((self.path.price(now.millis()) + self.noise).max(0.01));
        let half = self.spread / 2.0;
        let fields = [price, cents(price - half), cents(price + half), self.volume];
        out.symbol.clear();
        out.symbol.push_str(&self.symbol);
        out.timestamp = Some(now);
        let changed = |i: usize| match self.sent {
            Some(prev) if !snapshot && prev[i] == fields[i] => None,
            _ => Some(fields[i]),
        };
        out.kind = if snapshot { PriceKind::Snapshot } else { PriceKind::Delta };
        out.price = changed(0);
        out.bid = changed(1);
        out.ask = changed(2);
        out.volume = changed(3);
        self.since_snapshot = if snapshot { 0 } else { self.since_snapshot + 1 };
        self.sent = Some(fields);
    }
}

/// Collects updates into frames of `batch` and encodes them.
pub(crate) struct FrameWriter {
    format: PriceFormat,
    batch: usize,
    slots: Vec<PriceUpdate>,
    len: usize,
    buf: Vec<u8>,
}

impl FrameWriter {
    pub(crate) fn new(format: PriceFormat, batch: usize) -> Self {
        FrameWriter { format, batch: batch.max(1), slots: Vec::new(), len: 0, buf: Vec::new() }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.len >= self.batch
    }

    pub(crate) fn batch(&self) -> usize {
        self.batch
    }

    /// The next free slot of the frame being built.
    pub(crate) fn slot(&mut self) -> &mut PriceUpdate {
        if self.len == self.slots.len() {
            self.slots.push(PriceUpdate::blank());
        }
        self.len += 1;
        &mut self.slots[self.len - 1]
    }

    /// Encode the updates gathered so far into one message, if there are any.
    /// With a batch of 1 an update goes out as a single object, otherwise as
    /// an array.
    pub(crate) fn finish(&mut self) -> anyhow::Result<Option<Message>> {
        if self.len == 0 {
            return Ok(None);
        }
        let items = &self.slots[..self.len];
        self.buf.clear();
        match (self.format, self.batch) {
            (PriceFormat::Json, 1) => serde_json::to_writer(&mut self.buf, &items[0])?,
            (PriceFormat::Json, _) => serde_json::to_writer(&mut self.buf, items)?,
            (PriceFormat::Msgpack, 1) => rmp_serde::encode::write_named(&mut self.buf, &items[0])?,
            (PriceFormat::Msgpack, _) => rmp_serde::encode::write_named(&mut self.buf, items)?,
        }
        self.len = 0;
        let bytes = Bytes::copy_from_slice(&self.buf);
        Ok(Some(match self.format {
            PriceFormat::Json => Message::Text(Utf8Bytes::try_from(bytes)?),
            PriceFormat::Msgpack => Message::Binary(bytes),
        }))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::protocol::decode_price_frame;

    #[test]
    fn first_update_is_a_snapshot_then_deltas_carry_changes_only() {
        let mut w = SymbolWalk::new("AAPL", 42);
        let mut fw = FrameWriter::new(PriceFormat::Json, 1);
        w.next_into(fw.slot(), Timestamp::now());
        let Some(Message::Text(t)) = fw.finish().unwrap() else { panic!("no text frame") };
        let d = decode_price_frame(t.as_bytes(), false).unwrap();
        assert_eq!(d.items[0].kind, PriceKind::Snapshot);
        assert!(d.items[0].price.is_some() && d.items[0].bid < d.items[0].ask);
        let mut deltas = 0;
        for _ in 0..50 {
            let u = fw.slot();
            w.next_into(u, Timestamp::now());
            deltas += usize::from(u.kind == PriceKind::Delta);
            fw.finish().unwrap();
        }
        assert_eq!(deltas, 50);
    }

    #[test]
    fn every_connection_prices_from_the_same_market() {
        const T0: i64 = 1_705_660_200_000;
        let path = PricePath::new("MSFT", 7);
        let (mut a, mut b) = (SymbolWalk::new("MSFT", 7), SymbolWalk::new("MSFT", 7));
        let (mut ua, mut ub) = (PriceUpdate::blank(), PriceUpdate::blank());
        let mut price = 0.0;
        for k in 0..400 {
            let now = Timestamp::from_millis(T0 + k * 250);
            a.next_into(&mut ua, now);
            b.next_into(&mut ub, now);
            assert_eq!(ua, ub, "the same seed gives the same updates");
            price = ua.price.unwrap_or(price);
            let off = (price - path.price(now.millis())).abs();
            assert!(off <= 0.0151, "update {k}: {price} is {off} off the market");
        }
        // A connection opened later starts exactly at the market's price.
        let last = Timestamp::from_millis(T0 + 399 * 250);
        let mut late = SymbolWalk::new("MSFT", 7);
        late.next_into(&mut ub, last);
        assert_eq!(ub.price, Some(cents(path.price(last.millis()))));
    }

    #[test]
    fn batches_decode_as_arrays_in_both_formats() {
        for (format, binary) in [(PriceFormat::Json, false), (PriceFormat::Msgpack, true)] {
            let mut w = SymbolWalk::new("TSLA", 1);
            let mut fw = FrameWriter::new(format, 10);
            while !fw.is_full() {
                w.next_into(fw.slot(), Timestamp::now());
            }
            let msg = fw.finish().unwrap().unwrap();
            let d = decode_price_frame(&msg.into_data(), binary).unwrap();
            assert_eq!((d.items.len(), d.rejected), (10, 0));
        }
    }

    #[test]
    fn symbols_are_upper_cased_and_checked() {
        assert_eq!(normalize_symbol(" aapl ").as_deref(), Some("AAPL"));
        assert_eq!(normalize_symbol("brk.b").as_deref(), Some("BRK.B"));
        assert_eq!(normalize_symbol(""), None);
        assert_eq!(normalize_symbol("a\u{1b}[2J"), None);
    }
}
