//! The figures as `ROW` lines for `benches/run.sh`, plus the criterion
//! figures of `cargo bench --bench core` when they are on disk.

use std::fmt;
use std::path::Path;

pub struct Row {
    figure: String,
    value: f64,
    unit: &'static str,
    ceiling: Option<f64>,
    /// The ratio the budget asks for: at least (ceilings) or at most
    /// (budgets that are limits), decided by the caller's wording.
    budget_ratio: Option<f64>,
}

pub fn row(
    figure: impl Into<String>,
    value: f64,
    unit: &'static str,
    ceiling: Option<f64>,
    budget_ratio: Option<f64>,
) -> Row {
    Row { figure: figure.into(), value, unit, ceiling, budget_ratio }
}

fn num(v: f64) -> String {
    if !v.is_finite() {
        "n/a".into()
    } else if v.abs() >= 100_000.0 {
        format!("{:.2}M", v / 1e6)
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ceiling = self.ceiling.map_or("-".into(), |c| format!("{} {}", num(c), self.unit));
        let ratio = self.ceiling.map_or("-".into(), |c| format!("{:.3}", self.value / c));
        let budget = self.budget_ratio.map_or("-".into(), |b| format!("{b:.2}"));
        write!(
            f,
            "ROW\t{}\t{} {}\t{ceiling}\t{ratio}\t{budget}",
            self.figure,
            num(self.value),
            self.unit
        )
    }
}

/// Mean time of a criterion benchmark, in nanoseconds.
fn criterion_mean_ns(id: &str) -> Option<f64> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/criterion")
        .join(id)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

pub fn criterion_rows(out: &mut Vec<Row>) {
    let per = |id: &str, n: f64| criterion_mean_ns(id).map(|ns| ns / n);
    for (id, n, label) in [
        ("decode/json_one", 1.0, "decode one update, JSON"),
        ("decode/msgpack_one", 1.0, "decode one update, MessagePack"),
        ("decode/json_batch_100", 100.0, "decode, batch of 100, JSON (per update)"),
        ("decode/msgpack_batch_100", 100.0, "decode, batch of 100, MessagePack (per update)"),
    ] {
        if let Some(ns) = per(id, n) {
            out.push(row(label, ns, "ns", None, None));
        }
    }
    if let Some(ns) = criterion_mean_ns("apply/1m_updates_1000_symbols") {
        out.push(row("apply 1M updates, 1000 symbols", 1e6 / (ns / 1e9), "upd/s", None, None));
    }
    let tabs = [
        "insights",
        "status",
        "metrics",
        "markets",
        "markets_1000_symbols_full_history",
        "reports",
    ];
    let worst = tabs
        .iter()
        .filter_map(|t| criterion_mean_ns(&format!("render_200x50/{t}")).map(|ns| (ns, *t)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((ns, tab)) = worst {
        out.push(row(
            format!("render 200x50, slowest tab ({tab})"),
            ns / 1e6,
            "ms",
            Some(1.0),
            Some(1.0),
        ));
    }
    if let Some(ns) = criterion_mean_ns("frame_diff_200x50") {
        out.push(row("ratatui frame diff 200x50", ns / 1e6, "ms", None, None));
    }
    if let Some(ns) = criterion_mean_ns("frame_200x60_50_ticking_rows") {
        out.push(row("whole frame, 50 ticking rows at 200x60", ns / 1e6, "ms", None, None));
    }
}
