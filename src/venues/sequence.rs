//! Venue sequence numbers, per symbol. Every ticker message a venue sends
//! is a whole state (last, bid, ask, 24h volume and open), so a message
//! missed in a gap loses nothing the next one does not carry: a gap is
//! counted and the stream goes on. (Coinbase's ticker channel numbers its
//! messages in the product's sequence across all channels, so on the live
//! venue consecutive tickers skip numbers as a rule.) A number that goes
//! backwards, or repeats, is a message older than what is shown: it is
//! dropped, counted, and the symbol is subscribed afresh for a snapshot.

use std::collections::HashMap;

/// What one sequence number means for its symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The next one, or the first seen.
    InOrder,
    /// Later, but numbers were skipped (how many).
    Gap(u64),
    /// Not after the last one seen: stale, to be dropped and resynced.
    Backwards,
}

#[derive(Debug, Default)]
pub struct Sequences {
    last: HashMap<String, u64>,
}

impl Sequences {
    /// Judge `seq` for `symbol`, remembering it when it moves forward.
    pub fn step(&mut self, symbol: &str, seq: u64) -> Step {
        match self.last.get_mut(symbol) {
            None => {
                self.last.insert(symbol.to_owned(), seq);
                Step::InOrder
            }
            Some(last) if seq <= *last => Step::Backwards,
            Some(last) => {
                let skipped = seq - *last - 1;
                *last = seq;
                if skipped == 0 { Step::InOrder } else { Step::Gap(skipped) }
            }
        }
    }

    /// Forget `symbol` (unsubscribed, or resubscribed for a snapshot that
    /// starts a new run of numbers).
    pub fn forget(&mut self, symbol: &str) {
        self.last.remove(symbol);
    }

    /// Forget everything (a new connection).
    pub fn clear(&mut self) {
        self.last.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_counted_and_backwards_is_caught_per_symbol() {
        let mut s = Sequences::default();
        assert_eq!(s.step("BTC-USD", 10), Step::InOrder);
        assert_eq!(s.step("BTC-USD", 11), Step::InOrder);
        assert_eq!(s.step("ETH-USD", 3), Step::InOrder);
        assert_eq!(s.step("BTC-USD", 15), Step::Gap(3));
        assert_eq!(s.step("BTC-USD", 15), Step::Backwards);
        assert_eq!(s.step("BTC-USD", 12), Step::Backwards);
        assert_eq!(s.step("BTC-USD", 16), Step::InOrder, "a stale message does not move the mark");
        s.forget("BTC-USD");
        assert_eq!(s.step("BTC-USD", 2), Step::InOrder, "a fresh subscription starts over");
    }
}
