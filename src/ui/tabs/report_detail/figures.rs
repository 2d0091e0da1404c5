//! A report's figures as a reviewer reads them. The backend sends totals,
//! risk metrics and positions as free JSON, so what a value means is read
//! from its key: fractions named like one (`margin_utilization`,
//! `concentration`, `*_ratio`, `*_pct`, `*_rate`) read as percentages,
//! amounts with two decimals, whole counts without, prices to the cent
//! (four decimals below 1); all through [`crate::format`]. Numbers sent
//! as strings ("541288.80", "NaN") are read as numbers; null, absent and
//! NaN are "—"; anything else (text, lists, objects) is shown as cleaned
//! text. Keys become labels ("maintenance_margin" -> "Maintenance margin").

use ratatui::style::Style;
use serde_json::Value;

use crate::config::{Breach, ReviewConfig, Threshold};
use crate::format;
use crate::theme::Theme;

/// Words that make a key a fraction shown as a percentage.
const RATIO_WORDS: &[&str] = &[
    "ratio",
    "utilization",
    "utilisation",
    "pct",
    "percent",
    "percentage",
    "rate",
    "concentration",
];

/// Words that make a whole number an amount (two decimals), not a count.
const AMOUNT_WORDS: &[&str] = &[
    "amount",
    "balance",
    "cash",
    "collateral",
    "cost",
    "credit",
    "debit",
    "equity",
    "exposure",
    "fee",
    "margin",
    "notional",
    "pnl",
    "power",
    "price",
    "requirement",
    "value",
    "var",
];

/// How a number reads, by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A fraction: "39.1%".
    Ratio,
    /// A whole count: "2,050".
    Count,
    /// Money and other amounts: "541,288.80".
    Amount,
    /// A unit price: "213.96", "0.1234".
    Price,
}

impl Kind {
    /// The kind of a number under `key`; `whole` when it was sent without
    /// a fraction.
    pub(crate) fn of(key: &str, whole: bool) -> Kind {
        let words = words(key);
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        if has(RATIO_WORDS) {
            Kind::Ratio
        } else if words.iter().any(|w| w == "price") {
            Kind::Price
        } else if whole && !has(AMOUNT_WORDS) {
            Kind::Count
        } else {
            Kind::Amount
        }
    }

    pub(crate) fn format(self, v: f64) -> String {
        match self {
            Kind::Ratio => format::percent(v, 1),
            Kind::Count => format::grouped(v, 0),
            Kind::Price if v != 0.0 && v.abs() < 1.0 => format::grouped(v, 4),
            Kind::Amount | Kind::Price => format::grouped(v, 2),
        }
    }
}

/// One value, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figure {
    pub text: String,
    /// The value, when it is a number (NaN included).
    pub number: Option<f64>,
    pub kind: Option<Kind>,
    /// The level it reaches under `[review.thresholds]`.
    pub breach: Option<(Breach, Threshold)>,
}

impl Figure {
    /// The value of `key` (None: the key is absent).
    pub(crate) fn of(key: &str, v: Option<&Value>) -> Figure {
        let number = |x: f64, whole: bool| {
            let kind = Kind::of(key, whole);
            Figure { text: kind.format(x), number: Some(x), kind: Some(kind), breach: None }
        };
        let text = |text: String| Figure { text, number: None, kind: None, breach: None };
        match v {
            None | Some(Value::Null) => text("—".into()),
            Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => number(i as f64, true),
                (None, Some(x)) => number(x, n.is_u64()),
                (None, None) => text(crate::sanitize::clean(&n.to_string())),
            },
            Some(Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(x) if !s.trim().is_empty() => number(x, x.fract() == 0.0 && !s.contains('.')),
                _ if s.trim().is_empty() => text("—".into()),
                _ => text(crate::sanitize::clean(s)),
            },
            Some(Value::Bool(b)) => text(if *b { "yes" } else { "no" }.into()),
            Some(other) => text(crate::sanitize::clean(&other.to_string())),
        }
    }

    /// Judged against the thresholds for `key`, if it has any.
    pub(crate) fn judged(mut self, key: &str, review: &ReviewConfig) -> Figure {
        if let (Some(x), Some(t)) = (self.number, review.threshold(key)) {
            self.breach = t.breach(x).map(|b| (b, *t));
        }
        self
    }

    pub(crate) fn is_number(&self) -> bool {
        self.number.is_some()
    }

    /// Below zero as written (so never a value that rounds to zero).
    pub(crate) fn is_negative(&self) -> bool {
        self.text.starts_with('-')
    }

    pub(crate) fn is_missing(&self) -> bool {
        self.text == "—"
    }

    /// Past a threshold: its style; negative: the theme's falling colour;
    /// missing: muted.
    pub(crate) fn style(&self, theme: &Theme) -> Style {
        match self.breach {
            Some((Breach::Crit, _)) => theme.crit,
            Some((Breach::Warn, _)) => theme.warn,
            None if self.is_negative() => theme.down,
            None if self.is_missing() => theme.muted,
            None => theme.base,
        }
    }

    /// "▲ crit" for a breach of a higher-is-worse level, "▼ warn" for a
    /// lower-is-worse one; empty otherwise. Reads without colour.
    pub(crate) fn marker(&self) -> String {
        match self.breach {
            Some((b, t)) => format!("{} {}", if t.lower_is_worse() { "▼" } else { "▲" }, b.word()),
            None => String::new(),
        }
    }

    /// What was crossed, in words: "crit at 90.0% or more".
    pub(crate) fn crossed(&self) -> Option<String> {
        let (b, t) = self.breach?;
        let level = self.kind.unwrap_or(Kind::Amount).format(t.level(b));
        let side = if t.lower_is_worse() { "or less" } else { "or more" };
        Some(format!("{} at {level} {side}", b.word()))
    }
}

/// The words of a key, lower-cased: `maintenance_margin`, `var-95`,
/// `buyingPower` and `Margin Used` all split where a reader would.
fn words(key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            out.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    out.extend((!word.is_empty()).then_some(word));
    out
}

/// A key as a label: "maintenance_margin" -> "Maintenance margin",
/// "var_95" -> "VaR 95", cleaned of anything a terminal would act on.
pub(crate) fn label(key: &str) -> String {
    let words: Vec<String> = words(&crate::sanitize::clean(key))
        .into_iter()
        .map(|w| match w.as_str() {
            "var" => "VaR".to_owned(),
            "pnl" => "P&L".to_owned(),
            "id" | "ltv" | "usd" | "eur" => w.to_uppercase(),
            _ => w,
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.chars().next() {
        text.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
    }
    if text.is_empty() { "(unnamed)".into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(key: &str, v: Value) -> String {
        Figure::of(key, Some(&v)).text
    }

    #[test]
    fn each_figure_reads_by_what_its_key_says_it_is() {
        assert_eq!(shown("buying_power", json!(3_942_806.2)), "3,942,806.20");
        assert_eq!(shown("market_value", json!(-259_134.5)), "-259,134.50");
        assert_eq!(shown("equity", json!(500_000)), "500,000.00", "a whole amount is still money");
        assert_eq!(shown("quantity", json!(2050)), "2,050");
        assert_eq!(shown("quantity", json!(-300)), "-300");
        assert_eq!(shown("margin_utilization", json!(0.391)), "39.1%");
        assert_eq!(shown("concentration", json!(0.518)), "51.8%");
        assert_eq!(shown("loanToValueRatio", json!(1.05)), "105.0%", "over 100% as it is");
        assert_eq!(shown("leverage", json!(1.57)), "1.57");
        assert_eq!(shown("price", json!(213.96)), "213.96");
        assert_eq!(shown("price", json!(0.12345)), "0.1235", "a price below 1 keeps four");
        assert_eq!(shown("symbol", json!("GLD")), "GLD");
    }

    #[test]
    fn missing_strange_and_hostile_values_are_shown_safely() {
        assert_eq!(Figure::of("equity", None).text, "—", "absent");
        assert_eq!(shown("equity", Value::Null), "—");
        assert_eq!(shown("equity", json!("NaN")), "—", "a server's NaN");
        assert_eq!(shown("equity", json!("")), "—");
        assert_eq!(shown("equity", json!(" 541288.8 ")), "541,288.80", "a number as a string");
        assert_eq!(shown("equity", json!("-0.001")), "0.00", "no negative zero");
        assert!(!Figure::of("equity", Some(&json!(-0.001))).is_negative());
        assert_eq!(shown("equity", json!(1e300)), "1.00e300");
        assert_eq!(shown("equity", json!("n/a")), "n/a");
        assert_eq!(shown("flags", json!(["a", 1])), "[\"a\",1]");
        assert_eq!(shown("hedged", json!(true)), "yes");
        assert_eq!(shown("desk", json!("\u{1b}]0;pwned\u{7}FX")), "FX", "no terminal title set");
    }

    #[test]
    fn thresholds_mark_what_they_reach() {
        let review = ReviewConfig::default();
        let util = |v: Value| {
            Figure::of("margin_utilization", Some(&v)).judged("margin_utilization", &review)
        };
        assert_eq!(util(json!(0.5)).breach, None);
        let warn = util(json!(0.85));
        assert_eq!(warn.marker(), "▲ warn");
        assert_eq!(warn.crossed().as_deref(), Some("warn at 80.0% or more"));
        let crit = util(json!("0.93"));
        assert_eq!(crit.marker(), "▲ crit", "a number sent as a string is judged too");
        assert!(util(Value::Null).breach.is_none(), "missing is not a breach");
    }

    #[test]
    fn keys_read_as_labels() {
        assert_eq!(label("maintenance_margin"), "Maintenance margin");
        assert_eq!(label("var_95"), "VaR 95");
        assert_eq!(label("buyingPower"), "Buying power");
        assert_eq!(label("unrealized-pnl"), "Unrealized P&L");
        assert_eq!(label("ltv"), "LTV");
        assert_eq!(label("\u{1b}[2Jequity"), "Equity", "no screen cleared");
        assert_eq!(label(""), "(unnamed)");
    }
}
