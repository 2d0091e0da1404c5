//! Price alerts: a trader's rule on one symbol ("above 155", "-2%") that
//! fires once when a price received from the feed crosses its level. The
//! model, the rule parser and the file in the data directory; the keys, the
//! toasts and the list's drawing (`ui::price_alerts`) are elsewhere.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::format::price;

/// Which side of its level an alert waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Above,
    Below,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
        }
    }
}

/// When an alert fired and the price that made it fire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fired {
    pub at: DateTime<Utc>,
    pub price: f64,
}

/// One alert. Times are RFC 3339 in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceAlert {
    pub id: u64,
    pub symbol: String,
    pub direction: Direction,
    pub level: f64,
    /// The rule as the user typed it, trimmed (e.g. "+2%").
    pub rule: String,
    pub created: DateTime<Utc>,
    /// `None` while armed; set once, when it fires.
    pub fired: Option<Fired>,
}

/// Largest move a percent rule accepts.
const MAX_PERCENT: f64 = 1000.0;

/// Parse a rule: `above 155`, `below 150.5`, `> 155`, `< 150`, `>=`/`<=`,
/// a move from the price now (`+2%`, `-2.5%`, `2%` = `+2%`), or a bare
/// level (`155`: above when it is over `now_price`, below when under).
/// Case-insensitive; spaces are optional. Moves and bare levels need a live
/// `now_price`; a level already on the far side of `now_price` is refused.
pub fn parse_rule(text: &str, now_price: Option<f64>) -> Result<(Direction, f64), String> {
    let now = now_price.filter(|p| p.is_finite() && *p > 0.0);
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return Err("type a rule: above 155, below 150, +2% or -2%".into());
    }
    let (keyword, rest) = split_keyword(&lower);
    let rest: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(pct) = rest.strip_suffix('%') {
        if keyword.is_some() {
            return Err(format!(
                "write a move as +{0}% or -{0}%, without above/below",
                pct.trim_start_matches(['+', '-'])
            ));
        }
        return parse_percent(pct, now);
    }
    let level = parse_level(&rest)?;
    let direction = match (keyword, now) {
        (Some(d), _) => d,
        (None, Some(p)) if level > p => Direction::Above,
        (None, Some(p)) if level < p => Direction::Below,
        (None, Some(p)) => {
            return Err(format!("the price is already {} (now {})", num(level), price(Some(p))));
        }
        (None, None) => {
            let n = num(level);
            return Err(format!("no live price yet: say above {n} or below {n}"));
        }
    };
    if let Some(p) = now {
        let crossed = match direction {
            Direction::Above => p >= level,
            Direction::Below => p <= level,
        };
        if crossed {
            let w = direction.word();
            return Err(format!("already {w} {} (now {})", num(level), price(Some(p))));
        }
    }
    Ok((direction, level))
}

/// The leading `above`/`below`/`>=`/`>`/`<=`/`<`, if any, and the rest.
fn split_keyword(s: &str) -> (Option<Direction>, &str) {
    const WORDS: [(&str, Direction); 6] = [
        ("above", Direction::Above),
        ("below", Direction::Below),
        (">=", Direction::Above),
        ("<=", Direction::Below),
        (">", Direction::Above),
        ("<", Direction::Below),
    ];
    for (word, d) in WORDS {
        if let Some(rest) = s.strip_prefix(word) {
            return (Some(d), rest);
        }
    }
    (None, s)
}

/// A level: a finite number over zero.
fn parse_level(s: &str) -> Result<f64, String> {
    if s.is_empty() {
        return Err("missing a price level, e.g. above 155".into());
    }
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !v.is_finite() {
        return Err(format!("`{s}` is not a price"));
    }
    if v <= 0.0 {
        return Err(format!("a level must be over zero, not {}", num(v)));
    }
    Ok(v)
}

/// `+2`, `-2.5` or `2` (the text before `%`): a move from the price now.
fn parse_percent(s: &str, now: Option<f64>) -> Result<(Direction, f64), String> {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => (-1.0, d),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return Err("missing a percent, e.g. +2%".into());
    }
    let pct: f64 = digits.parse().map_err(|_| format!("`{digits}` is not a number"))?;
    if !pct.is_finite() || digits.starts_with(['+', '-']) {
        return Err(format!("`{s}%` is not a percent"));
    }
    if pct == 0.0 {
        return Err("a move of 0% would fire at once; try +2% or -2%".into());
    }
    if pct > MAX_PERCENT {
        return Err(format!("a move over {}% is too large", num(MAX_PERCENT)));
    }
    if sign < 0.0 && pct >= 100.0 {
        return Err(format!("-{}% would put the level at or below zero", num(pct)));
    }
    let Some(p) = now else {
        let s = if sign < 0.0 { '-' } else { '+' };
        return Err(format!("no live price yet to measure {s}{}% from", num(pct)));
    };
    let level = p * (1.0 + sign * pct / 100.0);
    let direction = if sign < 0.0 { Direction::Below } else { Direction::Above };
    Ok((direction, level))
}

/// A number without trailing zeros: 150 -> "150", 150.50 -> "150.5".
fn num(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// All alerts, armed and fired, in the order they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceAlerts {
    alerts: Vec<PriceAlert>,
    next_id: u64,
}

impl Default for PriceAlerts {
    fn default() -> Self {
        PriceAlerts { alerts: Vec::new(), next_id: 1 }
    }
}

impl PriceAlerts {
    /// Alerts loaded from the file; new ids continue after the largest.
    /// A repeated id (a hand-edited file) keeps its first alert only.
    pub fn from_saved(alerts: Vec<PriceAlert>) -> Self {
        let mut seen = std::collections::HashSet::new();
        let alerts: Vec<PriceAlert> = alerts.into_iter().filter(|a| seen.insert(a.id)).collect();
        let next_id = alerts.iter().map(|a| a.id).max().map_or(1, |m| m.saturating_add(1));
        PriceAlerts { alerts, next_id }
    }

    /// Parse `text` (see [`parse_rule`]) and arm a new alert on `symbol`.
    pub fn add(
        &mut self,
        symbol: &str,
        text: &str,
        now_price: Option<f64>,
        now: DateTime<Utc>,
    ) -> Result<&PriceAlert, String> {
        let symbol = symbol.trim();
        if symbol.is_empty() {
            return Err("no symbol selected".into());
        }
        let (direction, level) = parse_rule(text, now_price)?;
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        self.alerts.push(PriceAlert {
            id,
            symbol: symbol.to_owned(),
            direction,
            level,
            rule: crate::sanitize::clean(text.trim()),
            created: now,
            fired: None,
        });
        self.alerts.last().ok_or_else(|| "alert not added".to_owned())
    }

    /// Remove an alert, armed or fired.
    pub fn remove(&mut self, id: u64) -> Option<PriceAlert> {
        let i = self.alerts.iter().position(|a| a.id == id)?;
        Some(self.alerts.remove(i))
    }

    /// Every alert, in creation order (the list view sorts them).
    pub fn all(&self) -> &[PriceAlert] {
        &self.alerts
    }

    /// The armed (unfired) alerts of `symbol`: the row marker and the
    /// chart's level lines.
    pub fn armed_for(&self, symbol: &str) -> impl Iterator<Item = &PriceAlert> {
        self.alerts.iter().filter(move |a| a.fired.is_none() && a.symbol == symbol)
    }

    /// Alert ids in the order the list shows them: armed ones in the order
    /// they were made, then the fired ones, newest first. The key handler maps
    /// the selected row to an id with it.
    pub fn display_order(&self) -> Vec<u64> {
        let mut fired: Vec<&PriceAlert> = self.all().iter().filter(|a| a.fired.is_some()).collect();
        fired.sort_by(|a, b| {
            let at = |x: &PriceAlert| x.fired.as_ref().map(|f| f.at);
            at(b).cmp(&at(a)).then(b.id.cmp(&a.id))
        });
        let armed = self.all().iter().filter(|a| a.fired.is_none());
        armed.chain(fired).map(|a| a.id).collect()
    }

    pub fn armed_count(&self) -> usize {
        self.alerts.iter().filter(|a| a.fired.is_none()).count()
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// A price of `symbol` just received live from the feed. Call it only
    /// with live prices: a stale or disconnected feed sends nothing, so it
    /// never fires an alert, and neither must a replayed or cached price.
    /// Every armed alert of `symbol` whose level this price reaches (above:
    /// `price >= level`; below: `price <= level`) fires, once: it is marked
    /// fired and returned (copies). A price that is not a number is ignored.
    pub fn on_price(&mut self, symbol: &str, price: f64, now: DateTime<Utc>) -> Vec<PriceAlert> {
        if !price.is_finite() {
            return Vec::new();
        }
        let mut fired = Vec::new();
        for a in self.alerts.iter_mut().filter(|a| a.fired.is_none() && a.symbol == symbol) {
            let crossed = match a.direction {
                Direction::Above => price >= a.level,
                Direction::Below => price <= a.level,
            };
            if crossed {
                a.fired = Some(Fired { at: now, price });
                fired.push(a.clone());
            }
        }
        fired
    }
}

/// "BTC-USD above 155.00".
pub fn describe(a: &PriceAlert) -> String {
    format!("{} {} {}", a.symbol, a.direction.word(), price(Some(a.level)))
}

/// "BTC-USD crossed above 155.00 at 155.20", for the toast and the desktop
/// notification; `None` while the alert is armed.
pub fn fired_text(a: &PriceAlert) -> Option<String> {
    let f = a.fired.as_ref()?;
    let (sym, word) = (&a.symbol, a.direction.word());
    Some(format!("{sym} crossed {word} {} at {}", price(Some(a.level)), price(Some(f.price))))
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    alerts: Vec<PriceAlert>,
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("price_alerts.json")
}

/// The saved alerts; empty when there is no file yet. A damaged file is
/// reported (naming it), not silently replaced. Symbols and rules are
/// cleaned of terminal control; an alert whose level is not a price over
/// zero, or whose symbol is empty, is dropped.
pub fn load(data_dir: &Path) -> io::Result<Vec<PriceAlert>> {
    let p = path(data_dir);
    let bytes = match std::fs::read(&p) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", p.display()))),
    };
    let file = serde_json::from_slice::<File>(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display())))?;
    Ok(file.alerts.into_iter().filter_map(sanitize).collect())
}

fn sanitize(mut a: PriceAlert) -> Option<PriceAlert> {
    a.symbol = crate::sanitize::clean(a.symbol.trim());
    a.rule = crate::sanitize::clean(a.rule.trim());
    let ok = a.level.is_finite() && a.level > 0.0 && !a.symbol.is_empty();
    ok.then_some(a)
}

/// Save atomically (the old file or the new one survives a crash).
pub fn save(data_dir: &Path, alerts: &[PriceAlert]) -> io::Result<()> {
    crate::json_file::save_atomic(&path(data_dir), &File { alerts: alerts.to_vec() })
}

#[cfg(test)]
#[path = "price_alerts_tests.rs"]
mod tests;
