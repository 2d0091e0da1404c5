//! Numbers, durations, ages and job progress as a user reads them, the same
//! in the console and in the headless commands' text output. Plain strings
//! and figures only: drawing them into a terminal is `ui::fmt`'s business.

use std::fmt::Write as _;

use std::time::Duration;
use thousands::Separable as _;

use crate::protocol::{BackfillJob, JobStatus};

/// A price with two decimals and thousands separators ("67,432.10"), or
/// four decimals below 1 ("0.4213"); none is "—".
pub(crate) fn price(v: Option<f64>) -> String {
    let mut s = String::new();
    write_price(&mut s, v);
    s
}

/// [`price`], appended to `out`.
pub(crate) fn write_price(out: &mut String, v: Option<f64>) {
    match v {
        Some(p) if p.abs() < 1.0 => {
            let _ = write!(out, "{p:.4}");
        }
        Some(p) => write_grouped(out, p, 2),
        None => out.push('—'),
    }
}

/// 1234 -> "1234", 12_345 -> "12.3K", 5_600_000 -> "5.6M".
pub(crate) fn compact(v: f64) -> String {
    let mut s = String::new();
    write_compact(&mut s, v);
    s
}

/// [`compact`], appended to `out`.
pub(crate) fn write_compact(out: &mut String, v: f64) {
    let a = v.abs();
    let _ = if a >= 1e9 {
        write!(out, "{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        write!(out, "{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        write!(out, "{:.1}K", v / 1e3)
    } else if a.fract() == 0.0 {
        write!(out, "{v:.0}")
    } else {
        write!(out, "{v:.1}")
    };
}

/// `v` with `decimals` decimals and thousands separators, as money and
/// large figures read: "1,234,567.89", "-259,134.50". Not a number (a server
/// may send one) is "—"; a value that rounds to zero has no sign ("0.00",
/// never "-0.00"). From 10^15 up, which no amount here reaches, it is
/// written in scientific notation ("1.00e18") rather than overflow a column.
pub(crate) fn grouped(v: f64, decimals: usize) -> String {
    let mut out = String::new();
    write_grouped(&mut out, v, decimals);
    out
}

/// [`grouped`], appended to `out`.
pub(crate) fn write_grouped(out: &mut String, v: f64, decimals: usize) {
    if !v.is_finite() {
        out.push('—');
        return;
    }
    if v.abs() >= 1e15 {
        let _ = write!(out, "{v:.2e}");
        return;
    }
    let digits = format!("{:.*}", decimals, v.abs());
    if v < 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    out.push_str(&digits.separate_with_commas());
}

/// An amount of money: two decimals with separators ("-2,949.20"), compact
/// from a billion up ("1.2B"), so a narrow column holds it.
pub(crate) fn write_money(out: &mut String, v: f64) {
    if v.is_finite() && v.abs() >= 1e9 {
        write_compact(out, v);
    } else {
        write_grouped(out, v, 2);
    }
}

/// A fraction as a percentage with `decimals` decimals: 0.391 -> "39.1%"
/// (one decimal), 1.25 -> "125.0%", -0.004 -> "-0.4%". Written with
/// [`write_grouped`], so separators, no negative zero, "—" for a server's
/// NaN (without a "%"), scientific past 10^15.
pub(crate) fn percent(v: f64, decimals: usize) -> String {
    let mut out = String::new();
    write_percent(&mut out, v, decimals);
    out
}

/// [`percent`], appended to `out`.
pub(crate) fn write_percent(out: &mut String, v: f64, decimals: usize) {
    if !v.is_finite() {
        out.push('—');
        return;
    }
    write_grouped(out, v * 100.0, decimals);
    out.push('%');
}

/// A figure read in a table where it may be a count or an amount: a whole
/// number without decimals ("1,180"), anything else with two
/// ("97.20"), separators either way.
pub(crate) fn figure(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { grouped(v, 0) } else { grouped(v, 2) }
}

/// Seconds as "42s", "3m05s", "1h02m".
pub(crate) fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "—".into();
    }
    let s = secs.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A compact age: "0s", "42s", "3m", "2h", "5d".
pub fn format_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// [`format_age`], or "—" when there is nothing to date.
pub(crate) fn age(d: Option<Duration>) -> String {
    d.map(format_age).unwrap_or_else(|| "—".into())
}

/// Cut `s` to at most `width` columns, ending with "…" when cut.
pub(crate) fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            if width > 0 {
                while w + 1 > width {
                    let Some(last) = out.pop() else { break };
                    w -= last.width().unwrap_or(0);
                }
                out.push('…');
            }
            return out;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// Seconds left for a running job: the server's figure, else estimated
/// from its rate.
pub fn eta_seconds(j: &BackfillJob) -> Option<f64> {
    if j.status != JobStatus::Running {
        return None;
    }
    j.eta_seconds.or_else(|| {
        (j.rate_per_sec > 0.0).then(|| j.total.saturating_sub(j.processed) as f64 / j.rate_per_sec)
    })
}

/// Fraction of a job done, 0..=1.
pub fn progress(j: &BackfillJob) -> f64 {
    if j.total == 0 {
        if j.status == JobStatus::Completed { 1.0 } else { 0.0 }
    } else {
        (j.processed as f64 / j.total as f64).clamp(0.0, 1.0)
    }
}

/// The longest snooze (or other span typed by hand) accepted.
const MAX_TYPED_SPAN: Duration = Duration::from_secs(30 * 24 * 3600);

/// A duration as people write it: `30m`, `1h`, `2h30m`, `1d`, `90s` (one
/// or more numbers, each with its unit). Zero and more than 30 days are
/// refused: a snooze that ends now is no snooze, one past a month is
/// forgetting the alert.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let help = || format!("`{text}`: say how long, like 30m, 1h, 2h30m or 1d");
    let (mut total, mut digits) = (0u64, String::new());
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(help()),
        };
        let n: u64 = digits.parse().map_err(|_| help())?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(help)?;
        digits.clear();
    }
    if !digits.is_empty() || text.trim().is_empty() {
        return Err(help());
    }
    if total == 0 {
        return Err(format!("`{text}` is no time at all"));
    }
    let d = Duration::from_secs(total);
    if d > MAX_TYPED_SPAN {
        return Err(format!("`{text}`: at most 30 days"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_large_figures_read_with_separators_and_two_decimals() {
        let m = |v: f64| {
            let mut s = String::new();
            write_money(&mut s, v);
            s
        };
        assert_eq!(m(3_942_806.2), "3,942,806.20");
        assert_eq!(m(760_241.18), "760,241.18");
        assert_eq!(m(-259_134.5), "-259,134.50");
        assert_eq!(m(544_302.0), "544,302.00");
        assert_eq!(m(999.999), "1,000.00", "rounding carries into a new group");
        assert_eq!(m(0.126), "0.13");
        assert_eq!(m(12.0), "12.00");
        assert_eq!(m(-0.0), "0.00", "negative zero has no sign");
        assert_eq!(m(-0.004), "0.00", "nor does what rounds to zero");
        assert_eq!(m(-0.006), "-0.01");
        assert_eq!(m(1e-12), "0.00", "tiny");
        assert_eq!(m(2.5e9), "2.5B", "a billion and up is compact");
        assert_eq!(m(f64::NAN), "—", "a server's NaN");
        assert_eq!(m(f64::NEG_INFINITY), "—");
        assert_eq!(grouped(123_456_789.0, 0), "123,456,789");
        assert_eq!(grouped(-1_000.0, 0), "-1,000");
        assert_eq!(grouped(100.0, 0), "100");
        assert_eq!(grouped(1e18, 2), "1.00e18", "absurdly large stays one short figure");
    }

    #[test]
    fn fractions_read_as_percentages() {
        assert_eq!(percent(0.391, 1), "39.1%");
        assert_eq!(percent(0.9, 0), "90%");
        assert_eq!(percent(1.25, 1), "125.0%", "over 100% is said as it is");
        assert_eq!(percent(0.99996, 2), "100.00%", "rounding carries");
        assert_eq!(percent(123.456, 1), "12,345.6%", "separators");
        assert_eq!(percent(-0.0123, 1), "-1.2%");
        assert_eq!(percent(-0.00001, 1), "0.0%", "no negative zero");
        assert_eq!(percent(1e-9, 1), "0.0%", "tiny");
        assert_eq!(percent(f64::NAN, 1), "—", "a server's NaN has no unit either");
        assert_eq!(percent(f64::INFINITY, 1), "—");
        assert_eq!(percent(1e14, 0), "1.00e16%", "absurd stays short");
    }

    #[test]
    fn figures_keep_decimals_only_when_they_have_some() {
        assert_eq!(figure(1180.0), "1,180");
        assert_eq!(figure(-2_500_000.0), "-2,500,000");
        assert_eq!(figure(97.2), "97.20");
        assert_eq!(figure(0.004), "0.00");
        assert_eq!(figure(-0.0), "0");
        assert_eq!(figure(f64::NAN), "—");
        assert_eq!(figure(3e20), "3.00e20");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(compact(1234.0), "1234");
        assert_eq!(compact(12_345.0), "12.3K");
        assert_eq!(compact(5_600_000.0), "5.6M");
        assert_eq!(price(Some(150.254)), "150.25");
        assert_eq!(duration(125.0), "2m05s");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }

    #[test]
    fn ages_are_compact() {
        assert_eq!(format_age(Duration::from_millis(900)), "0s");
        assert_eq!(format_age(Duration::from_secs(125)), "2m");
        assert_eq!(format_age(Duration::from_secs(7300)), "2h");
    }

    fn job(status: JobStatus, eta: Option<f64>) -> BackfillJob {
        BackfillJob {
            job_id: "j".into(),
            name: "J".into(),
            status,
            processed: 250,
            total: 1000,
            rate_per_sec: 50.0,
            eta_seconds: eta,
            errors: 0,
            last_error: None,
            started_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn eta_is_estimated_from_rate_when_absent() {
        assert_eq!(eta_seconds(&job(JobStatus::Running, None)), Some(15.0));
        assert_eq!(eta_seconds(&job(JobStatus::Running, Some(3.0))), Some(3.0));
        assert_eq!(eta_seconds(&job(JobStatus::Paused, None)), None);
        assert_eq!(progress(&job(JobStatus::Running, None)), 0.25);
    }

    #[test]
    fn durations_read_as_people_write_them() {
        let secs = |t| parse_duration(t).map(|d| d.as_secs());
        assert_eq!(secs("30m"), Ok(1800));
        assert_eq!(secs("1h"), Ok(3600));
        assert_eq!(secs(" 2h30m "), Ok(9000));
        assert_eq!(secs("1d"), Ok(86_400));
        assert_eq!(secs("90s"), Ok(90));
        for bad in
            ["", "0m", "1", "h", "1w", "-1h", "1.5h", "1h 30m", "1x", "99999999999999999999d"]
        {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert!(parse_duration("31d").unwrap_err().contains("30 days"));
    }
}
