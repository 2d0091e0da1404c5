//! Holdings on the watchlist (`[[markets.positions]]`): market value, P&L
//! and P&L % per symbol from its last price, and their total.

use std::time::{Duration, Instant};

use super::markets::Quote;
use crate::config::PositionConfig;

/// One holding's worth at a price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valuation {
    pub value: f64,
    pub pnl: f64,
    /// P&L over what the holding cost (`None` at a cost of 0).
    pub pnl_pct: Option<f64>,
}

pub fn value(p: &PositionConfig, last: f64) -> Valuation {
    let pnl = (last - p.cost) * p.quantity;
    let basis = p.cost * p.quantity.abs();
    Valuation { value: last * p.quantity, pnl, pnl_pct: (basis > 0.0).then(|| pnl / basis * 100.0) }
}

/// The holdings together.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Total {
    pub value: f64,
    pub pnl: f64,
    pub pnl_pct: Option<f64>,
    /// Holdings without a price yet (left out of the sums).
    pub unpriced: usize,
    /// Holdings whose price is stale (in the sums, at that price).
    pub stale: usize,
}

pub fn total<'a>(
    positions: &[PositionConfig],
    quote: impl Fn(&str) -> Option<&'a Quote>,
    now: Instant,
    stale_after: Duration,
) -> Total {
    let mut t = Total::default();
    let mut basis = 0.0;
    for p in positions {
        let Some(q) = quote(&p.symbol) else {
            t.unpriced += 1;
            continue;
        };
        let Some(last) = q.last else {
            t.unpriced += 1;
            continue;
        };
        if q.is_stale(now, stale_after) {
            t.stale += 1;
        }
        let v = value(p, last);
        t.value += v.value;
        t.pnl += v.pnl;
        basis += p.cost * p.quantity.abs();
    }
    t.pnl_pct = (basis > 0.0).then(|| t.pnl / basis * 100.0);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(symbol: &str, quantity: f64, cost: f64) -> PositionConfig {
        PositionConfig { symbol: symbol.into(), quantity, cost }
    }

    #[test]
    fn long_and_short_holdings_are_valued_from_the_last_price() {
        let long = value(&pos("AAPL", 100.0, 150.0), 160.0);
        assert_eq!((long.value, long.pnl), (16_000.0, 1_000.0));
        assert!((long.pnl_pct.unwrap() - 6.666_666).abs() < 1e-3);
        let short = value(&pos("TSLA", -10.0, 200.0), 180.0);
        assert_eq!((short.value, short.pnl), (-1_800.0, 200.0));
        assert_eq!(short.pnl_pct, Some(10.0));
        assert_eq!(value(&pos("GIFT", 5.0, 0.0), 3.0).pnl_pct, None, "no cost, no percentage");
    }
}
