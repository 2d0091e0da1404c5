//! The Markets tab's state: the watchlist, the latest quote per symbol with
//! its recent history, sorting and the add-symbol prompt.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use std::time::{Duration, Instant};

use super::candles::Candles;
use super::chart::Chart;
use super::timeseries::TimeSeries;
use crate::protocol::{Interval, PriceKind, PriceUpdate, Timestamp, normalize_symbol};

/// Minutes of one-minute candles kept per symbol.
pub(crate) const CANDLE_MINUTES: usize = 240;

/// One sparkline point per this much time: the last price in it. Points
/// are evenly spaced in time, and between two points only the newest one
/// moves, so a busy row rewrites one cell per frame instead of shifting its
/// whole sparkline on every tick.
pub const TREND_BUCKET: Duration = Duration::from_secs(1);

/// How long a changed price is flashed.
pub(crate) const FLASH: Duration = Duration::from_millis(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub last: Option<f64>,
    pub bid: Option<f64>,
    pub ask: Option<f64>,
    pub volume: Option<f64>,
    /// The reference for the change columns: the source's own (a venue's
    /// 24h open) when it gives one, else the first price seen this session.
    pub open: Option<f64>,
    pub server_time: Option<Timestamp>,
    /// When our copy was last refreshed (not the server's timestamp).
    pub received_at: Option<Instant>,
    /// The trend: the last price per step, oldest first. The step is
    /// [`TREND_BUCKET`] from the feed alone, a minute once the backend's
    /// history has filled it (see `trend.rs`).
    pub history: TimeSeries,
    pub candles: Candles,
    pub flash: Option<(Move, Instant)>,
}

impl Quote {
    fn new(history_points: usize) -> Self {
        Quote {
            last: None,
            bid: None,
            ask: None,
            volume: None,
            open: None,
            server_time: None,
            received_at: None,
            history: TimeSeries::new(history_points, TREND_BUCKET),
            candles: Candles::new(CANDLE_MINUTES),
            flash: None,
        }
    }

    /// Apply one update: a snapshot replaces every field it carries and
    /// clears the rest; a delta keeps absent fields. Returns the trade it
    /// carried, if it carried a price: its stamp (ms), price and the volume
    /// traded since the previous one.
    pub(crate) fn apply(&mut self, u: &PriceUpdate, now: Instant) -> Option<(i64, f64, f64)> {
        let before = self.last;
        if u.kind == PriceKind::Snapshot {
            self.bid = None;
            self.ask = None;
            self.volume = None;
        }
        self.bid = u.bid.or(self.bid);
        self.ask = u.ask.or(self.ask);
        self.volume = u.volume.or(self.volume);
        self.server_time = u.timestamp.or(self.server_time);
        let mut trade = None;
        // A venue's 24h open is the reference it gives for its change.
        if let Some(o) = u.open {
            self.open = Some(o);
        }
        if let Some(p) = u.price {
            self.last = Some(p);
            self.history.record(p, now);
            if self.open.is_none() {
                self.open = Some(p);
            }
            let at = u.timestamp.unwrap_or_else(Timestamp::now);
            let traded = self.candles.push(at, p, u.volume);
            trade = Some((at.millis(), p, traded));
        }
        self.received_at = Some(now);
        if let (Some(b), Some(a)) = (before, self.last) {
            if a > b {
                self.flash = Some((Move::Up, now));
            } else if a < b {
                self.flash = Some((Move::Down, now));
            }
        }
        trade
    }

    /// The trend of whole steps: every point but the one still filling.
    /// The watchlist's sparkline draws these, so it moves once a step (a
    /// second, or a minute with history) rather than with every tick (the Last column carries the live
    /// price), which keeps a busy screen calm and its output small.
    pub(crate) fn closed_trend(&self) -> impl ExactSizeIterator<Item = f64> + Clone + '_ {
        self.history.iter().take(self.history.len().saturating_sub(1))
    }

    pub fn change(&self) -> Option<(f64, f64)> {
        let (last, open) = (self.last?, self.open?);
        let pct = if open != 0.0 { (last - open) / open * 100.0 } else { 0.0 };
        Some((last - open, pct))
    }

    pub(crate) fn spread(&self) -> Option<f64> {
        Some(self.ask? - self.bid?)
    }

    pub(crate) fn age(&self, now: Instant) -> Option<Duration> {
        self.received_at.map(|t| now.saturating_duration_since(t))
    }

    pub fn is_stale(&self, now: Instant, stale_after: Duration) -> bool {
        self.age(now).is_none_or(|a| a > stale_after)
    }

    pub(crate) fn flashing(&self, now: Instant) -> Option<Move> {
        self.flash.filter(|(_, at)| now.saturating_duration_since(*at) < FLASH).map(|(m, _)| m)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Watchlist,
    Symbol,
    ChangePct,
    Volume,
}

impl SortKey {
    pub(crate) fn next(self) -> Self {
        match self {
            SortKey::Watchlist => SortKey::Symbol,
            SortKey::Symbol => SortKey::ChangePct,
            SortKey::ChangePct => SortKey::Volume,
            SortKey::Volume => SortKey::Watchlist,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            SortKey::Watchlist => "watchlist",
            SortKey::Symbol => "symbol",
            SortKey::ChangePct => "change %",
            SortKey::Volume => "volume",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Markets {
    pub symbols: Vec<String>,
    /// Keyed with a fast, randomly seeded hasher: looked up once per tick.
    pub quotes: HashMap<String, Quote, RandomState>,
    pub selected: usize,
    /// Where the watchlist's view starts, kept between frames.
    pub scroll: super::ScrollState,
    pub sort: SortKey,
    /// The add-symbol prompt's text while it is open.
    pub input: Option<String>,
    pub input_error: Option<String>,
    /// The detail view (chart and candles) of the selected symbol is open.
    pub detail: bool,
    /// The chart of the selected symbol, while the Markets tab is shown.
    pub chart: Option<Chart>,
    /// The time frame charts are drawn in (kept when the symbol changes).
    pub interval: Interval,
    /// The backend answered that it has no candles endpoint: charts are
    /// live-only for the rest of the session, and nobody asks again.
    pub history_unavailable: bool,
    /// The candles fetch in flight, if any (at most one at a time).
    pub(crate) fetching: Option<(String, Interval)>,
    /// Candles the backend sent that were dropped as impossible, out of
    /// order or duplicated, since start.
    pub candles_rejected: u64,
    /// Trend history that came before the symbol's first price, applied
    /// when the quote is made.
    pub(super) pending_trends: HashMap<String, super::trend::Seed, RandomState>,
    /// The trends' history has been asked for (once per run).
    pub(super) trends_asked: bool,
    /// Symbols the price source refused, with its reason (shown on the row
    /// instead of numbers that will never come).
    pub refused: HashMap<String, String, RandomState>,
    /// Holdings shown with their value and P&L (`[[markets.positions]]`).
    pub positions: Vec<crate::config::PositionConfig>,
    /// Quantities, values and P&L hidden, for sharing a screen.
    pub private: bool,
    /// `/`: the symbols shown are those that match.
    pub filter: super::ListFilter,
    history_points: usize,
}

impl Markets {
    pub(crate) fn new(symbols: Vec<String>, history_points: usize) -> Self {
        Markets {
            symbols,
            quotes: HashMap::default(),
            selected: 0,
            scroll: super::ScrollState::default(),
            sort: SortKey::default(),
            input: None,
            input_error: None,
            detail: false,
            chart: None,
            interval: Interval::default(),
            history_unavailable: false,
            fetching: None,
            candles_rejected: 0,
            pending_trends: HashMap::default(),
            trends_asked: false,
            refused: HashMap::default(),
            positions: Vec::new(),
            private: false,
            filter: super::ListFilter::default(),
            history_points,
        }
    }

    /// Apply coalesced updates; ones for symbols not on the watchlist are
    /// ignored (protocol §1). Returns whether anything changed.
    pub fn apply(&mut self, updates: &[PriceUpdate], now: Instant) -> bool {
        let mut changed = false;
        for u in updates {
            // Quotes exist only for watched symbols, so a hit needs no
            // watchlist scan and no allocation.
            let trade = if let Some(q) = self.quotes.get_mut(&u.symbol) {
                q.apply(u, now)
            } else if u.is_empty() {
                // A heartbeat vouches for a price already shown; it makes
                // no quote of its own ("waiting for data…" stays).
                continue;
            } else if self.symbols.contains(&u.symbol) {
                let mut q = Quote::new(self.history_points);
                let trade = q.apply(u, now);
                if let Some(seed) = self.pending_trends.remove(&u.symbol) {
                    q.seed_trend(&seed, now);
                }
                self.quotes.insert(u.symbol.clone(), q);
                trade
            } else {
                continue;
            };
            if let (Some(chart), Some((at, price, traded))) = (self.chart.as_mut(), trade)
                && chart.symbol == u.symbol
            {
                chart.on_tick(at, price, traded);
            }
            changed = true;
        }
        changed
    }

    /// Hold `positions`, watching each one's symbol.
    pub fn set_positions(&mut self, positions: Vec<crate::config::PositionConfig>) -> Vec<String> {
        let mut added = Vec::new();
        for p in &positions {
            if !self.symbols.contains(&p.symbol) {
                self.symbols.push(p.symbol.clone());
                added.push(p.symbol.clone());
            }
        }
        self.positions = positions;
        added
    }

    pub(crate) fn position(&self, symbol: &str) -> Option<&crate::config::PositionConfig> {
        self.positions.iter().find(|p| p.symbol == symbol)
    }

    /// The price source refused `symbol` (said on its row), or reported
    /// an error about the feed as a whole (said in the footer).
    pub(crate) fn refused(
        &mut self,
        symbol: Option<String>,
        reason: String,
        message: &mut Option<String>,
    ) {
        match symbol {
            Some(s) if self.symbols.contains(&s) => {
                self.quotes.remove(&s);
                self.refused.insert(s, reason);
            }
            Some(s) => *message = Some(format!("prices: {s}: {reason}")),
            None => *message = Some(format!("prices: {reason}")),
        }
    }

    /// Symbols in display order.
    pub(crate) fn rows(&self) -> Vec<&str> {
        let mut rows: Vec<&str> =
            self.symbols.iter().map(String::as_str).filter(|s| self.filter.matches(&[s])).collect();
        let pct = |s: &str| self.quotes.get(s).and_then(Quote::change).map(|c| c.1);
        let vol = |s: &str| self.quotes.get(s).and_then(|q| q.volume);
        match self.sort {
            SortKey::Watchlist => {}
            SortKey::Symbol => rows.sort_unstable(),
            SortKey::ChangePct => rows
                .sort_by(|a, b| pct(b).partial_cmp(&pct(a)).unwrap_or(std::cmp::Ordering::Equal)),
            SortKey::Volume => rows
                .sort_by(|a, b| vol(b).partial_cmp(&vol(a)).unwrap_or(std::cmp::Ordering::Equal)),
        }
        rows
    }

    pub(crate) fn selected_symbol(&self) -> Option<String> {
        self.rows().get(self.selected).map(|s| (*s).to_owned())
    }

    /// Add a symbol; `Ok(None)` when it was already there.
    pub fn add(&mut self, raw: &str) -> Result<Option<String>, String> {
        if raw.trim().is_empty() {
            return Err("type a symbol, e.g. AAPL".into());
        }
        let sym = normalize_symbol(raw)?;
        if self.symbols.contains(&sym) {
            return Ok(None);
        }
        self.refused.remove(&sym);
        self.symbols.push(sym.clone());
        Ok(Some(sym))
    }

    pub(crate) fn remove_selected(&mut self) -> Option<String> {
        let sym = self.selected_symbol()?;
        self.symbols.retain(|s| *s != sym);
        self.quotes.remove(&sym);
        self.refused.remove(&sym);
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
        Some(sym)
    }

    pub(crate) fn move_selection(&mut self, delta: isize) {
        self.selected = super::step(self.selected, delta, self.rows().len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upd(kind: PriceKind, sym: &str, price: Option<f64>, bid: Option<f64>) -> PriceUpdate {
        PriceUpdate {
            kind,
            symbol: sym.into(),
            price,
            bid,
            ask: None,
            timestamp: None,
            volume: None,
            open: None,
        }
    }

    #[test]
    fn a_heartbeat_freshens_a_shown_price_and_makes_no_quote_of_its_own() {
        let t0 = Instant::now();
        let mut m = Markets::new(vec!["AAPL".into(), "MSFT".into()], 10);
        m.apply(&[upd(PriceKind::Snapshot, "AAPL", Some(10.0), Some(9.9))], t0);
        let later = t0 + Duration::from_secs(4);
        let beats = [PriceUpdate::alive("AAPL".into()), PriceUpdate::alive("MSFT".into())];
        m.apply(&beats, later);
        let q = &m.quotes["AAPL"];
        assert_eq!((q.last, q.bid, q.received_at), (Some(10.0), Some(9.9), Some(later)));
        assert!(q.flashing(later).is_none(), "nothing moved");
        assert!(!m.quotes.contains_key("MSFT"), "no price yet: still waiting for data");
    }

    #[test]
    fn delta_keeps_absent_fields_and_snapshot_replaces() {
        let now = Instant::now();
        let mut m = Markets::new(vec!["AAPL".into()], 10);
        m.apply(&[upd(PriceKind::Snapshot, "AAPL", Some(10.0), Some(9.9))], now);
        m.apply(&[upd(PriceKind::Delta, "AAPL", Some(11.0), None)], now);
        let q = &m.quotes["AAPL"];
        assert_eq!((q.last, q.bid), (Some(11.0), Some(9.9)));
        assert_eq!(q.change(), Some((1.0, 10.0)));
        assert_eq!(q.flashing(now), Some(Move::Up));
        m.apply(&[upd(PriceKind::Snapshot, "AAPL", Some(12.0), None)], now);
        assert_eq!(m.quotes["AAPL"].bid, None);
    }

    #[test]
    fn the_trend_keeps_one_point_per_second_and_fills_quiet_seconds() {
        let t0 = Instant::now();
        let mut m = Markets::new(vec!["AAPL".into()], 10);
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        for (ms, p) in [(0, 10.0), (300, 11.0), (900, 12.0), (1_100, 13.0), (4_200, 14.0)] {
            m.apply(&[upd(PriceKind::Delta, "AAPL", Some(p), None)], at(ms));
        }
        // 0-1 s ends at 12, 1-2 s at 13, 2-3 s and 3-4 s were quiet, 4-5 s: 14.
        let trend: Vec<f64> = m.quotes["AAPL"].history.iter().collect();
        assert_eq!(trend, vec![12.0, 13.0, 13.0, 13.0, 14.0]);
        // The sparkline's trend leaves out the second still filling: a tick
        // within it does not move the sparkline; the next second's does.
        let closed = |m: &Markets| m.quotes["AAPL"].closed_trend().collect::<Vec<_>>();
        assert_eq!(closed(&m), vec![12.0, 13.0, 13.0, 13.0]);
        m.apply(&[upd(PriceKind::Delta, "AAPL", Some(20.0), None)], at(4_600));
        assert_eq!(closed(&m), vec![12.0, 13.0, 13.0, 13.0]);
        m.apply(&[upd(PriceKind::Delta, "AAPL", Some(21.0), None)], at(5_100));
        assert_eq!(closed(&m), vec![12.0, 13.0, 13.0, 13.0, 20.0]);
    }

    #[test]
    fn updates_for_unwatched_symbols_are_ignored() {
        let mut m = Markets::new(vec!["AAPL".into()], 10);
        assert!(!m.apply(&[upd(PriceKind::Snapshot, "EVIL", Some(1.0), None)], Instant::now()));
        assert!(m.quotes.is_empty());
    }

    #[test]
    fn symbols_are_validated_and_deduplicated() {
        let mut m = Markets::new(vec!["AAPL".into()], 10);
        assert_eq!(m.add(" brk.b "), Ok(Some("BRK.B".into())));
        assert_eq!(m.add("aapl"), Ok(None));
        assert!(m.add("AA PL").is_err());
        assert!(m.add("").is_err());
        assert!(m.add("ABCDEFGHIJKLM").is_err());
    }

    #[test]
    fn a_quote_with_no_recent_data_is_stale() {
        let t0 = Instant::now();
        let mut m = Markets::new(vec!["AAPL".into()], 10);
        m.apply(&[upd(PriceKind::Snapshot, "AAPL", Some(10.0), None)], t0);
        let q = &m.quotes["AAPL"];
        assert!(!q.is_stale(t0 + Duration::from_secs(4), Duration::from_secs(5)));
        assert!(q.is_stale(t0 + Duration::from_secs(6), Duration::from_secs(5)));
    }
}
