//! Per-symbol coalescing of price updates: while the UI is busy, updates
//! for one symbol merge into one (latest wins; a delta keeps the fields it
//! does not carry). The coalescer also knows which symbols are watched, so
//! filtering an update and merging it cost one hash lookup together.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use crate::protocol::{PriceKind, PriceUpdate};

/// One watched symbol and the update waiting for the UI, if any.
struct Slot {
    symbol: Box<str>,
    pending: Option<PriceUpdate>,
}

/// Watched symbols with their pending updates. The index is hashed by a
/// fast hasher, randomly seeded (symbols come from the network); the slots
/// with an update are listed, so taking them does not scan the watchlist.
#[derive(Default)]
pub struct Coalescer {
    slots: Vec<Slot>,
    index: HashTable<usize>,
    waiting: Vec<usize>,
    hasher: RandomState,
}

impl std::fmt::Debug for Coalescer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer")
            .field("watched", &self.slots.len())
            .field("waiting", &self.waiting.len())
            .finish()
    }
}

impl Coalescer {
    /// A coalescer that takes updates for `symbols`.
    pub(crate) fn watching<'s>(symbols: impl IntoIterator<Item = &'s String>) -> Self {
        let mut c = Coalescer::default();
        for s in symbols {
            c.watch(s);
        }
        c
    }

    fn find(&self, symbol: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(symbol);
        self.index.find(hash, |&i| &*self.slots[i].symbol == symbol).copied()
    }

    /// Take updates for `symbol` from now on.
    pub(crate) fn watch(&mut self, symbol: &str) {
        if self.find(symbol).is_some() {
            return;
        }
        let (slots, hasher) = (&self.slots, &self.hasher);
        let hash = hasher.hash_one(symbol);
        self.index.insert_unique(hash, slots.len(), |&i| hasher.hash_one(&*slots[i].symbol));
        self.slots.push(Slot { symbol: symbol.into(), pending: None });
    }

    /// Drop `symbol`, and what was waiting for it.
    pub(crate) fn unwatch(&mut self, symbol: &str) {
        let Some(i) = self.find(symbol) else { return };
        let hash = self.hasher.hash_one(symbol);
        if let Ok(e) = self.index.find_entry(hash, |&j| j == i) {
            e.remove();
        }
        self.waiting.retain(|&j| j != i);
        let last = self.slots.len() - 1;
        self.slots.swap_remove(i);
        if i != last {
            // The last slot moved to `i`: point its index and listing there.
            let hash = self.hasher.hash_one(&*self.slots[i].symbol);
            if let Some(j) = self.index.find_mut(hash, |&j| j == last) {
                *j = i;
            }
            for j in self.waiting.iter_mut().filter(|j| **j == last) {
                *j = i;
            }
        }
    }

    /// Merge `u` into what waits for its symbol; an update for a symbol not
    /// watched is dropped. Returns whether it was taken.
    pub(crate) fn push(&mut self, u: PriceUpdate) -> bool {
        let Some(i) = self.find(&u.symbol) else { return false };
        match &mut self.slots[i].pending {
            Some(prev) if u.kind == PriceKind::Delta => {
                prev.price = u.price.or(prev.price);
                prev.bid = u.bid.or(prev.bid);
                prev.ask = u.ask.or(prev.ask);
                prev.volume = u.volume.or(prev.volume);
                prev.timestamp = u.timestamp.or(prev.timestamp);
                prev.open = u.open.or(prev.open);
            }
            Some(prev) => *prev = u,
            empty @ None => {
                *empty = Some(u);
                self.waiting.push(i);
            }
        }
        true
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Everything waiting, one update per symbol, in the order the symbols
    /// first had one.
    pub(crate) fn take(&mut self) -> Vec<PriceUpdate> {
        let slots = &mut self.slots;
        self.waiting.drain(..).filter_map(|i| slots[i].pending.take()).collect()
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
            open: None,
        }
    }

    fn watching(symbols: &[&str]) -> Coalescer {
        let owned: Vec<String> = symbols.iter().map(|s| (*s).to_owned()).collect();
        Coalescer::watching(&owned)
    }

    #[test]
    fn deltas_merge_and_latest_wins() {
        let mut c = watching(&["AAPL"]);
        c.push(u(PriceKind::Snapshot, Some(1.0), Some(0.9)));
        c.push(u(PriceKind::Delta, Some(2.0), None));
        c.push(u(PriceKind::Delta, None, Some(1.9)));
        let out = c.take();
        assert_eq!(out, vec![u(PriceKind::Snapshot, Some(2.0), Some(1.9))]);
        assert!(c.is_empty());
        assert!(c.take().is_empty(), "taken once");
    }

    #[test]
    fn a_snapshot_replaces_and_unwatch_drops_a_symbol() {
        let mut c = watching(&["AAPL", "MSFT"]);
        c.push(u(PriceKind::Delta, Some(1.0), Some(0.9)));
        c.push(u(PriceKind::Snapshot, Some(3.0), None));
        c.push(PriceUpdate { symbol: "MSFT".into(), ..u(PriceKind::Snapshot, Some(5.0), None) });
        c.unwatch("MSFT");
        assert!(!c.is_empty());
        assert_eq!(c.take(), vec![u(PriceKind::Snapshot, Some(3.0), None)]);
        assert!(c.is_empty());
    }

    #[test]
    fn updates_for_symbols_not_watched_are_dropped() {
        let mut c = watching(&["MSFT"]);
        assert!(!c.push(u(PriceKind::Snapshot, Some(1.0), None)), "AAPL is not watched");
        assert!(c.is_empty());
        c.watch("AAPL");
        c.watch("AAPL");
        assert!(c.push(u(PriceKind::Snapshot, Some(2.0), None)));
        assert_eq!(c.take(), vec![u(PriceKind::Snapshot, Some(2.0), None)]);
        c.unwatch("AAPL");
        assert!(!c.push(u(PriceKind::Snapshot, Some(3.0), None)));
        assert!(c.is_empty());
    }
    #[test]
    fn unwatching_keeps_the_other_symbols_and_their_updates() {
        let mut c = watching(&["AAPL", "MSFT", "NVDA"]);
        let at = |sym: &str, price: f64| PriceUpdate {
            symbol: sym.into(),
            ..u(PriceKind::Snapshot, Some(price), None)
        };
        c.push(at("AAPL", 1.0));
        c.push(at("NVDA", 2.0));
        // NVDA's slot takes AAPL's place; its waiting update goes with it.
        c.unwatch("AAPL");
        c.push(PriceUpdate { symbol: "NVDA".into(), ..u(PriceKind::Delta, None, Some(1.5)) });
        c.push(at("MSFT", 3.0));
        let nvda = PriceUpdate { bid: Some(1.5), ..at("NVDA", 2.0) };
        assert_eq!(c.take(), vec![nvda, at("MSFT", 3.0)]);
        c.unwatch("NVDA");
        c.push(at("MSFT", 4.0));
        assert!(!c.push(at("NVDA", 5.0)));
        assert_eq!(c.take(), vec![at("MSFT", 4.0)]);
    }
}
