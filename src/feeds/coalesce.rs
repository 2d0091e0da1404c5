//! Per-symbol coalescing of price updates: while the UI is busy, updates
//! for one symbol merge into one (latest wins; a delta keeps the fields it
//! does not carry).

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::protocol::{PriceKind, PriceUpdate};

#[derive(Debug, Default)]
pub struct Coalescer {
    /// A fast hasher, randomly seeded (symbols come from the network).
    pending: HashMap<String, PriceUpdate, RandomState>,
}

impl Coalescer {
    pub fn push(&mut self, u: PriceUpdate) {
        match self.pending.get_mut(&u.symbol) {
            Some(prev) if u.kind == PriceKind::Delta => {
                prev.price = u.price.or(prev.price);
                prev.bid = u.bid.or(prev.bid);
                prev.ask = u.ask.or(prev.ask);
                prev.volume = u.volume.or(prev.volume);
                prev.timestamp = u.timestamp.or(prev.timestamp);
            }
            _ => {
                self.pending.insert(u.symbol.clone(), u);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn take(&mut self) -> Vec<PriceUpdate> {
        self.pending.drain().map(|(_, u)| u).collect()
    }

    pub fn forget(&mut self, symbol: &str) {
        self.pending.remove(symbol);
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
}
