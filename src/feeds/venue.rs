//! A venue's public feed inside a price session: the adapter builds what is
//! sent and reads what comes back; here its events meet the session's
//! bookkeeping. Sequence numbers are judged per symbol (`venues::Sequences`:
//! a gap is counted, a number going backwards is counted, dropped and the
//! symbol subscribed afresh for a snapshot); heartbeats keep the prices
//! they vouch for fresh; a refused symbol is set aside (not subscribed on
//! reconnect, so no reconnect loop) and the UI is told why.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Subscriptions;
use super::coalesce::Coalescer;
use crate::event::FeedEvent;
use crate::protocol::PriceUpdate;
use crate::venues::{Adapter, PricesFormat, Sequences, Step, VenueError, VenueEvent};

/// At most one fresh subscription per symbol this often: a venue that
/// keeps sending old numbers gets its stale messages dropped, not a storm
/// of subscriptions.
const RESYNC_EVERY: Duration = Duration::from_secs(5);

pub(crate) struct VenueLink {
    adapter: Box<dyn Adapter>,
    seqs: Sequences,
    /// When each symbol was last subscribed afresh for a snapshot.
    resynced: HashMap<String, Instant>,
    events: Vec<VenueEvent>,
    /// Text messages to send once this frame is read (resubscriptions).
    pub outgoing: Vec<String>,
    /// What the UI is to be told: refused symbols and venue errors.
    pub said: Vec<FeedEvent>,
    /// Gaps and backward steps in sequence numbers since the last report.
    pub seq_breaks: u64,
    /// A heartbeat came in the last frame.
    pub alive: bool,
}

impl VenueLink {
    /// The link for `format`'s venue; `None` for our own contract.
    pub(crate) fn new(format: PricesFormat) -> Option<VenueLink> {
        Some(VenueLink {
            adapter: format.adapter()?,
            seqs: Sequences::default(),
            resynced: HashMap::new(),
            events: Vec::new(),
            outgoing: Vec::new(),
            said: Vec::new(),
            seq_breaks: 0,
            alive: false,
        })
    }

    /// What a new connection sends: one subscription for the watchlist,
    /// less the symbols the venue has refused.
    pub(crate) fn on_connect(&mut self, subs: &Subscriptions) -> Vec<String> {
        self.seqs.clear();
        let live = subs.live();
        if live.is_empty() { Vec::new() } else { self.adapter.subscribe(&live) }
    }

    pub(crate) fn subscribe(&mut self, symbol: &str) -> Vec<String> {
        self.adapter.subscribe(&[symbol.to_owned()])
    }

    pub(crate) fn unsubscribe(&mut self, symbol: &str) -> Vec<String> {
        self.seqs.forget(symbol);
        self.adapter.unsubscribe(&[symbol.to_owned()])
    }

    /// Read one text frame into `prices`. An `Err` is a frame that is not
    /// what the venue documents: the caller counts it and goes on.
    pub(crate) fn on_frame(
        &mut self,
        data: &[u8],
        subs: &mut Subscriptions,
        prices: &mut Coalescer,
    ) -> Result<(), VenueError> {
        let mut events = std::mem::take(&mut self.events);
        events.clear();
        let read = self.adapter.decode(data, &mut events);
        for ev in events.drain(..) {
            self.on_event(ev, subs, prices);
        }
        self.events = events;
        read
    }

    /// A message older than what is shown was dropped: subscribe to the
    /// symbol afresh for a snapshot, unless that was done a moment ago.
    fn resync(&mut self, symbol: String) {
        let now = Instant::now();
        if self.resynced.get(&symbol).is_some_and(|t| now.duration_since(*t) < RESYNC_EVERY) {
            tracing::debug!(%symbol, "sequence went backwards again: dropped");
            return;
        }
        tracing::info!(%symbol, "sequence went backwards: subscribing afresh");
        self.seqs.forget(&symbol);
        self.outgoing.extend(self.adapter.subscribe(std::slice::from_ref(&symbol)));
        self.resynced.insert(symbol, now);
    }

    fn on_event(&mut self, ev: VenueEvent, subs: &mut Subscriptions, prices: &mut Coalescer) {
        match ev {
            VenueEvent::Update { update, seq } => {
                if let Some(seq) = seq {
                    match self.seqs.step(&update.symbol, seq) {
                        Step::InOrder => {}
                        Step::Gap(skipped) => {
                            self.seq_breaks += 1;
                            tracing::debug!(symbol = %update.symbol, skipped, "sequence gap");
                        }
                        Step::Backwards => {
                            self.seq_breaks += 1;
                            self.resync(update.symbol);
                            return;
                        }
                    }
                }
                prices.push(update);
            }
            VenueEvent::Alive(symbol) => {
                self.alive = true;
                let vouched = match symbol {
                    Some(s) => vec![s],
                    None => subs.live(),
                };
                for s in vouched {
                    prices.push(PriceUpdate::alive(s));
                }
            }
            VenueEvent::Rejected { symbol: Some(symbol), reason } => {
                tracing::warn!(%symbol, %reason, "venue refused a subscription");
                subs.reject(&symbol);
                prices.unwatch(&symbol);
                if self.adapter.rejects_whole_request() {
                    let live = subs.live();
                    if !live.is_empty() {
                        let again = self.adapter.subscribe(&live);
                        self.outgoing.extend(again);
                    }
                }
                self.said.push(FeedEvent::Refused { symbol: Some(symbol), reason });
            }
            VenueEvent::Rejected { symbol: None, reason } | VenueEvent::Error(reason) => {
                tracing::warn!(%reason, "venue error");
                self.said.push(FeedEvent::Refused { symbol: None, reason });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::PriceCommand;

    fn ticker(seq: u64, price: &str) -> Vec<u8> {
        format!(r#"{{"type":"ticker","sequence":{seq},"product_id":"BTC-USD","price":"{price}"}}"#)
            .into_bytes()
    }

    #[test]
    fn a_venue_stuck_on_old_numbers_gets_one_fresh_subscription_not_a_storm() {
        let mut link = VenueLink::new(PricesFormat::Coinbase).expect("a venue");
        let mut subs = Subscriptions::default();
        subs.apply(&PriceCommand::Subscribe("BTC-USD".into()));
        let mut prices = Coalescer::watching(["BTC-USD".to_owned()].iter());
        assert_eq!(link.on_connect(&subs).len(), 1);
        link.on_frame(&ticker(10, "100.0"), &mut subs, &mut prices).expect("a ticker");
        link.on_frame(&ticker(15, "101.0"), &mut subs, &mut prices).expect("a ticker");
        assert_eq!(link.seq_breaks, 1, "the gap is counted");
        assert!(link.outgoing.is_empty(), "a gap loses nothing: no resubscription");
        link.on_frame(&ticker(12, "99.0"), &mut subs, &mut prices).expect("a ticker");
        assert_eq!(link.outgoing.len(), 1, "going backwards subscribes afresh");
        // The fresh subscription's snapshot starts a new run of numbers;
        // a venue that keeps replaying old ones is not asked again at once.
        link.on_frame(&ticker(11, "98.0"), &mut subs, &mut prices).expect("a ticker");
        link.on_frame(&ticker(9, "97.0"), &mut subs, &mut prices).expect("a ticker");
        assert_eq!(link.outgoing.len(), 1, "at most one per {RESYNC_EVERY:?}");
        assert_eq!(link.seq_breaks, 3);
        let taken = prices.take();
        assert_eq!(taken[0].price, Some(98.0), "the stale 99.0 and 97.0 never reached the screen");
    }
}
