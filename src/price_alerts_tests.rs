#![allow(clippy::unwrap_used)]

use chrono::TimeZone;

use super::*;

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 14, min, 0).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn parses_levels_with_words_and_signs() {
    use Direction::{Above, Below};
    let now = Some(151.2);
    let cases = [
        ("above 155", Above, 155.0),
        ("ABOVE 155", Above, 155.0),
        ("  above155 ", Above, 155.0),
        ("below 150.5", Below, 150.5),
        ("Below  150", Below, 150.0),
        ("> 155", Above, 155.0),
        (">155", Above, 155.0),
        (">= 155", Above, 155.0),
        ("< 150", Below, 150.0),
        ("<= 150", Below, 150.0),
        ("155", Above, 155.0),
        ("150", Below, 150.0),
    ];
    for (text, dir, level) in cases {
        assert_eq!(parse_rule(text, now), Ok((dir, level)), "{text:?}");
    }
    // With words, no live price is needed.
    assert_eq!(parse_rule("above 155", None), Ok((Above, 155.0)));
    assert_eq!(parse_rule("< 1.5", None), Ok((Below, 1.5)));
}

#[test]
fn parses_moves_from_the_price_now() {
    let cases = [
        ("+2%", Direction::Above, 102.0),
        ("2%", Direction::Above, 102.0),
        ("+ 2 %", Direction::Above, 102.0),
        ("-2%", Direction::Below, 98.0),
        ("-2.5%", Direction::Below, 97.5),
        ("+1000%", Direction::Above, 1100.0),
    ];
    for (text, dir, level) in cases {
        let (d, l) = parse_rule(text, Some(100.0)).unwrap();
        assert_eq!(d, dir, "{text:?}");
        assert!(close(l, level), "{text:?}: {l}");
    }
}

#[test]
fn each_bad_rule_says_what_to_do() {
    let now = Some(151.2);
    let cases = [
        ("", now, "type a rule"),
        ("   ", now, "type a rule"),
        ("above", now, "missing a price level"),
        ("above abc", now, "`abc` is not a number"),
        ("sideways", now, "`sideways` is not a number"),
        ("above 0", now, "over zero, not 0"),
        ("below -5", now, "over zero, not -5"),
        ("above inf", now, "not a price"),
        ("nan", now, "not a price"),
        ("+2%", None, "no live price yet to measure +2% from"),
        ("2%", None, "no live price yet to measure +2% from"),
        ("-2.5%", None, "no live price yet to measure -2.5% from"),
        ("0%", now, "0%"),
        ("-0%", now, "0%"),
        ("1001%", now, "over 1000%"),
        ("-100%", now, "at or below zero"),
        ("x%", now, "`x` is not a number"),
        ("%", now, "missing a percent"),
        ("+-2%", now, "not a percent"),
        ("above 2%", now, "without above/below"),
        ("above 150", now, "already above 150 (now 151.20)"),
        ("> 151.2", now, "already above 151.2 (now 151.20)"),
        ("below 152.25", now, "already below 152.25 (now 151.20)"),
        ("155", None, "say above 155 or below 155"),
        ("151.2", now, "already 151.2 (now 151.20)"),
    ];
    for (text, now, want) in cases {
        let err = parse_rule(text, now).unwrap_err();
        assert!(err.contains(want), "{text:?}: {err:?} lacks {want:?}");
        assert!(err.len() < 70, "{text:?}: too long for the prompt: {err:?}");
    }
}

#[test]
fn add_keeps_the_rule_as_typed_and_numbers_ids() {
    let mut alerts = PriceAlerts::default();
    let a = alerts.add("BTC-USD", "  +2% ", Some(150.0), t(0)).unwrap().clone();
    assert_eq!((a.id, a.rule.as_str(), a.direction), (1, "+2%", Direction::Above));
    assert!(close(a.level, 153.0));
    assert_eq!(a.created, t(0));
    assert_eq!(a.fired, None);
    let b = alerts.add("BTC-USD", "-2%", Some(150.0), t(1)).unwrap();
    assert_eq!(b.direction, Direction::Below);
    assert!(close(b.level, 147.0));
    assert_eq!(b.id, 2);
    assert!(alerts.add("BTC-USD", "above 100", Some(150.0), t(2)).is_err());
    assert!(alerts.add(" ", "above 100", None, t(2)).is_err());
    assert_eq!(alerts.len(), 2);
    assert_eq!(describe(&a), "BTC-USD above 153.00");
    assert_eq!(fired_text(&a), None);
}

#[test]
fn crossing_up_fires_once_and_only_once() {
    let mut alerts = PriceAlerts::default();
    alerts.add("AAPL", "above 155", Some(151.0), t(0)).unwrap();
    assert!(alerts.on_price("AAPL", 154.99, t(1)).is_empty());
    let fired = alerts.on_price("AAPL", 155.2, t(2));
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].fired, Some(Fired { at: t(2), price: 155.2 }));
    assert_eq!(fired_text(&fired[0]).unwrap(), "AAPL crossed above 155.00 at 155.20");
    assert_eq!(alerts.all()[0], fired[0]);
    // Staying above, dipping and coming back: never again.
    assert!(alerts.on_price("AAPL", 156.0, t(3)).is_empty());
    assert!(alerts.on_price("AAPL", 150.0, t(4)).is_empty());
    assert!(alerts.on_price("AAPL", 157.0, t(5)).is_empty());
    assert_eq!(alerts.all()[0].fired, Some(Fired { at: t(2), price: 155.2 }));
    assert_eq!(alerts.armed_for("AAPL").count(), 0);
}

#[test]
fn crossing_down_fires_at_the_level_itself() {
    let mut alerts = PriceAlerts::default();
    alerts.add("AAPL", "below 150", Some(151.0), t(0)).unwrap();
    assert!(alerts.on_price("AAPL", 150.01, t(1)).is_empty());
    let fired = alerts.on_price("AAPL", 150.0, t(2));
    assert_eq!(fired.len(), 1);
    assert_eq!(fired_text(&fired[0]).unwrap(), "AAPL crossed below 150.00 at 150.00");
    assert!(alerts.on_price("AAPL", 149.0, t(3)).is_empty());
}

#[test]
fn percent_levels_come_from_the_price_at_creation() {
    let mut alerts = PriceAlerts::default();
    alerts.add("ETH-USD", "+2%", Some(200.0), t(0)).unwrap();
    alerts.add("ETH-USD", "-2%", Some(200.0), t(0)).unwrap();
    // The price moving later does not move the levels (204 and 196).
    assert!(alerts.on_price("ETH-USD", 203.9, t(1)).is_empty());
    assert!(alerts.on_price("ETH-USD", 196.1, t(2)).is_empty());
    let up = alerts.on_price("ETH-USD", 204.0, t(3));
    assert_eq!(up.iter().map(|a| a.rule.as_str()).collect::<Vec<_>>(), ["+2%"]);
    let down = alerts.on_price("ETH-USD", 195.0, t(4));
    assert_eq!(down.iter().map(|a| a.rule.as_str()).collect::<Vec<_>>(), ["-2%"]);
}

#[test]
fn one_price_fires_every_alert_it_crosses_and_no_other_symbol() {
    let mut alerts = PriceAlerts::default();
    alerts.add("AAPL", "above 155", Some(151.0), t(0)).unwrap();
    alerts.add("AAPL", "above 160", Some(151.0), t(0)).unwrap();
    alerts.add("AAPL", "below 140", Some(151.0), t(0)).unwrap();
    alerts.add("MSFT", "above 155", Some(151.0), t(0)).unwrap();
    assert_eq!(alerts.armed_for("AAPL").count(), 3);
    let fired = alerts.on_price("AAPL", 161.0, t(1));
    assert_eq!(fired.iter().map(|a| a.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(alerts.armed_for("AAPL").map(|a| a.id).collect::<Vec<_>>(), [3]);
    assert_eq!(alerts.armed_for("MSFT").count(), 1);
    assert_eq!(alerts.armed_count(), 2);
    // Not a number: ignored.
    assert!(alerts.on_price("AAPL", f64::NAN, t(2)).is_empty());
    assert!(alerts.on_price("AAPL", f64::NEG_INFINITY, t(2)).is_empty());
    assert_eq!(alerts.armed_for("AAPL").count(), 1);
}

#[test]
fn remove_takes_armed_or_fired() {
    let mut alerts = PriceAlerts::default();
    alerts.add("AAPL", "above 155", None, t(0)).unwrap();
    alerts.add("AAPL", "below 100", None, t(0)).unwrap();
    alerts.on_price("AAPL", 156.0, t(1));
    assert_eq!(alerts.remove(1).map(|a| a.id), Some(1));
    assert_eq!(alerts.remove(1), None);
    assert_eq!(alerts.remove(2).map(|a| a.id), Some(2));
    assert!(alerts.is_empty());
    // Ids are not reused.
    assert_eq!(alerts.add("AAPL", "above 1", None, t(2)).unwrap().id, 3);
}

#[test]
fn round_trips_through_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load(dir.path()).unwrap(), Vec::new());
    let mut alerts = PriceAlerts::default();
    alerts.add("AAPL", "above 155", Some(151.0), t(0)).unwrap();
    alerts.add("AAPL", "-2%", Some(150.0), t(1)).unwrap();
    alerts.on_price("AAPL", 156.0, t(2));
    save(dir.path(), alerts.all()).unwrap();
    let text = std::fs::read_to_string(path(dir.path())).unwrap();
    assert!(text.contains("\"alerts\""), "{text}");
    assert!(text.contains("\"direction\": \"above\""), "{text}");
    assert!(text.contains("2025-03-14T14:02:00Z"), "{text}");
    let loaded = load(dir.path()).unwrap();
    assert_eq!(loaded, alerts.all());

    // Ids continue after the largest; the fired alert never fires again.
    let mut back = PriceAlerts::from_saved(loaded);
    assert_eq!(back.add("MSFT", "above 1", None, t(3)).unwrap().id, 3);
    assert!(back.on_price("AAPL", 170.0, t(4)).is_empty());
    assert_eq!(back.on_price("AAPL", 140.0, t(5)).len(), 1);
}

#[test]
fn a_damaged_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(path(dir.path()), "{").unwrap();
    let err = load(dir.path()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("price_alerts.json"), "{err}");
}

#[test]
fn loading_cleans_symbols_and_drops_bad_levels() {
    let dir = tempfile::tempdir().unwrap();
    let alert = |id: u64, symbol: &str, level: f64| {
        format!(
            r#"{{"id":{id},"symbol":"{symbol}","direction":"below","level":{level},
               "rule":"x","created":"2025-03-14T14:00:00Z","fired":null}}"#
        )
    };
    let body = format!(
        r#"{{"alerts":[{},{},{},{},{}]}}"#,
        alert(1, "AA\\u001b[2JPL", 1.0),
        alert(2, "MSFT", 0.0),
        alert(3, "MSFT", -3.0),
        alert(4, "\\u0007", 5.0),
        alert(7, "TSLA", 1e3),
    );
    std::fs::write(path(dir.path()), body).unwrap();
    let loaded = load(dir.path()).unwrap();
    let got: Vec<_> = loaded.iter().map(|a| (a.id, a.symbol.as_str())).collect();
    assert_eq!(got, [(1, "AAPL"), (7, "TSLA")]);
    let mut alerts = PriceAlerts::from_saved(loaded);
    assert_eq!(alerts.add("X", "above 1", None, t(0)).unwrap().id, 8);
}

#[test]
fn from_saved_keeps_the_first_of_a_repeated_id() {
    let mut a = PriceAlerts::default();
    a.add("AAPL", "above 1", None, t(0)).unwrap();
    let mut list = a.all().to_vec();
    let mut dup = list[0].clone();
    dup.symbol = "MSFT".into();
    list.push(dup);
    let back = PriceAlerts::from_saved(list);
    assert_eq!(back.len(), 1);
    assert_eq!(back.all()[0].symbol, "AAPL");
    assert_eq!(PriceAlerts::from_saved(Vec::new()), PriceAlerts::default());
}
