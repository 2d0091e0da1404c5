//! Per-symbol coalescing of price updates: while the UI is busy, updates
//! for one symbol merge into one (latest wins; a delta keeps the fields it
//! does not carry).

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use crate::protocol::{PriceKind, PriceUpdate};

/// Pending updates keyed by their own symbol (no second copy of it), with
/// a fast hasher, randomly seeded: symbols come from the network.
#[derive(Default)]
pub struct Coalescer {
    pending: HashTable<PriceUpdate>,
    hasher: RandomState,
}

impl std::fmt::Debug for Coalescer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer").field("pending", &self.pending.len()).finish()
    }
}

impl Coalescer {
    pub fn push(&mut self, u: PriceUpdate) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(u.symbol.as_str());
        let same = |p: &PriceUpdate| p.symbol == u.symbol;
        match self.pending.entry(hash, same, |p| hasher.hash_one(p.symbol.as_str())) {
            Entry::Occupied(mut e) if u.kind == PriceKind::Delta => {
                let prev = e.get_mut();
                prev.price = u.price.or(prev.price);
                prev.bid = u.bid.or(prev.bid);
                prev.ask = u.ask.or(prev.ask);
                prev.volume = u.volume.or(prev.volume);
                prev.timestamp = u.timestamp.or(prev.timestamp);
            }
            Entry::Occupied(mut e) => *e.get_mut() = u,
            Entry::Vacant(e) => {
                e.insert(u);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn take(&mut self) -> Vec<PriceUpdate> {
        self.pending.drain().collect()
    }

    pub fn forget(&mut self, symbol: &str) {
        let hash = self.hasher.hash_one(symbol);
        if let Ok(e) = self.pending.find_entry(hash, |p| p.symbol == symbol) {
            e.remove();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(kind: PriceKind, price: Option<f64>, bid: Option<f64>) -> PriceUpdate {
        PriceUpdate {
            kind,
            symbol: "AAPL".into(),
            price,
            bid,
            ask: None,
            timestamp: None,
            volume: None,
        }
    }

    #[test]
    fn deltas_merge_and_latest_wins() {
        let mut c = Coalescer::default();
        c.push(u(PriceKind::Snapshot, Some(1.0), Some(0.9)));
        c.push(u(PriceKind::Delta, Some(2.0), None));
        c.push(u(PriceKind::Delta, None, Some(1.9)));
        let out = c.take();
        assert_eq!(out, vec![u(PriceKind::Snapshot, Some(2.0), Some(1.9))]);
        assert!(c.is_empty());
    }

    #[test]
    fn a_snapshot_replaces_and_forget_drops_a_symbol() {
        let mut c = Coalescer::default();
        c.push(u(PriceKind::Delta, Some(1.0), Some(0.9)));
        c.push(u(PriceKind::Snapshot, Some(3.0), None));
        c.push(PriceUpdate { symbol: "MSFT".into(), ..u(PriceKind::Snapshot, Some(5.0), None) });
        c.forget("MSFT");
        assert_eq!(c.take(), vec![u(PriceKind::Snapshot, Some(3.0), None)]);
    }
}
