//! Whatever a server (or a config file) holds, decoding it never panics:
//! arbitrary bytes, and near-valid input built from the tokens of the
//! contract, go through every decoder. What comes out is either an error or
//! a model whose text is clean. Insight and report lists are also built
//! whole, with hostile text in every text field (sometimes damaged by one
//! token), so their text fields are reached often, not by luck. (The fuzz
//! targets run the same decoders for longer, outside CI.)

use std::cell::Cell;

use std::path::Path;

use meridian::config::{Config, ConfigError};
use meridian::protocol::*;
use meridian::sanitize::{clean, clean_cow, clean_multiline};
use meridian::venues::PricesFormat;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

/// Pieces of the wire format, so generated input often gets past the first
/// byte and into the field decoders.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"type\"",
    "\"snapshot\"",
    "\"delta\"",
    "\"symbol\"",
    "\"AAPL\"",
    "\"price\"",
    "\"bid\"",
    "\"ask\"",
    "\"volume\"",
    "\"timestamp\"",
    "\"data\"",
    "\"job_id\"",
    "\"progress\"",
    "\"status\"",
    "\"service\"",
    "\"message\"",
    "\"error\"",
    "\"insights\"",
    "\"reports\"",
    "\"id\"",
    "\"title\"",
    "\"summary\"",
    "\"account_title\"",
    "1705660245123",
    "\"2024-01-19T10:30:45Z\"",
    "\"2024-13-45T99:99:99+25:00\"",
    "1e309",
    "-1",
    "0",
    "150.25",
    "null",
    "true",
    "\"\\u001b]0;x\\u0007\"",
    "\"\\ud800\"",
    "\"",
    "\\",
    "\u{1b}",
    "\u{202e}",
    "9223372036854775808",
    "-0.0",
    "NaN",
];

fn wire_like() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40)
        .prop_map(|parts| parts.concat().into_bytes())
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..256), wire_like()]
}

/// A value re-encoded as MessagePack, so binary frames get structure too.
fn msgpack_like() -> impl Strategy<Value = Vec<u8>> {
    wire_like().prop_map(|json| {
        serde_json::from_slice::<serde_json::Value>(&json)
            .ok()
            .and_then(|v| rmp_serde::to_vec_named(&v).ok())
            .unwrap_or(json)
    })
}

fn is_clean(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'))
}

/// Text as a hostile server might send it: escape sequences, C1 controls,
/// bidi overrides, zero-width characters, line breaks, and anything else.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "\u{1b}[2J",
            "\u{1b}]0;owned\u{7}",
            "\u{9b}31m",
            "\u{202e}",
            "\u{200b}",
            "\r\n",
            "\t",
            "\u{7f}",
            "\u{0}",
            "plain",
            " ",
            "Zoë",
        ])
        .prop_map(String::from),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// Ids come as integers or strings; a string id is text too.
fn id() -> impl Strategy<Value = Value> {
    prop_oneof![any::<i64>().prop_map(Value::from), hostile_text().prop_map(Value::from)]
}

fn insight() -> impl Strategy<Value = Value> {
    (id(), hostile_text(), hostile_text(), hostile_text()).prop_map(
        |(id, title, summary, category)| {
            json!({"id": id, "title": title, "summary": summary, "category": category,
                   "confidence": 0.5, "rating_count": 2})
        },
    )
}

fn report() -> impl Strategy<Value = Value> {
    (id(), prop::collection::vec(hostile_text(), 10)).prop_map(|(id, t)| {
        json!({"id": id, "account_number": t[0], "account_title": t[1], "client_id": t[2],
               "report_date": t[3], "trade_date": t[4], "processing_status": t[5],
               "created_by": t[6], "approved_by": t[7], "notes": t[8],
               "source_file_name": t[9], "validation_status": "pending"})
    })
}

/// An insight list or a report list, valid JSON, or (one time in four)
/// with a token of the contract spliced in somewhere.
fn list_bodies() -> impl Strategy<Value = Vec<u8>> {
    let list = prop_oneof![
        prop::collection::vec(insight(), 0..4)
            .prop_map(|items| json!({"insights": items, "total": 40})),
        prop::collection::vec(report(), 0..4)
            .prop_map(|items| json!({"reports": items, "total": 60, "has_more": true})),
    ];
    let damage = (0..4u8, any::<prop::sample::Index>(), prop::sample::select(TOKENS));
    (list, damage).prop_map(|(list, (one_in_four, at, token))| {
        let mut body = list.to_string().into_bytes();
        if one_in_four == 0 {
            let i = at.index(body.len() + 1);
            body.splice(i..i, token.bytes());
        }
        body
    })
}

/// Decode `body` as an insight list and as a report list: how many items
/// came out, or the first text field of one that is not clean.
fn list_text(body: &[u8]) -> Result<usize, String> {
    fn all_clean<'a>(fields: impl IntoIterator<Item = &'a String>) -> Result<(), String> {
        match fields.into_iter().find(|s| !is_clean(s)) {
            Some(dirty) => Err(format!("{dirty:?}")),
            None => Ok(()),
        }
    }
    let mut items = 0;
    if let Ok(list) = serde_json::from_slice::<InsightList>(body) {
        for i in &list.insights {
            all_clean([&i.id.0, &i.title, &i.category])?;
            all_clean(&i.summary.split('\n').map(str::to_owned).collect::<Vec<_>>())?;
            items += 1;
        }
    }
    if let Ok(list) = serde_json::from_slice::<ReportList>(body) {
        for r in &list.reports {
            all_clean([&r.id.0, &r.account_number, &r.account_title, &r.client_id])?;
            all_clean([&r.report_date, &r.trade_date, &r.processing_status])?;
            all_clean(
                [&r.created_by, &r.approved_by, &r.notes, &r.source_file_name]
                    .into_iter()
                    .flatten(),
            )?;
            items += 1;
        }
    }
    Ok(items)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn price_frames_never_panic(data in any_input(), packed in msgpack_like()) {
        for (bytes, binary) in [(&data, false), (&data, true), (&packed, true)] {
            if let Ok(d) = decode_price_frame(bytes, binary) {
                for u in &d.items {
                    prop_assert!(is_clean(&u.symbol), "{:?}", u.symbol);
                }
            }
        }
    }

    #[test]
    fn monitoring_frames_never_panic(data in any_input(), packed in msgpack_like()) {
        for (bytes, binary) in [(&data, false), (&data, true), (&packed, true)] {
            let _ = decode_backfill(bytes, binary);
            let _ = decode_health(bytes, binary);
        }
    }

    #[test]
    fn rest_bodies_never_panic(data in any_input()) {
        prop_assert_eq!(list_text(&data).err(), None);
        let _ = serde_json::from_slice::<KpiList>(&data);
        let _ = serde_json::from_slice::<FeedbackStats>(&data);
        let _ = serde_json::from_slice::<ReportAnalytics>(&data);
        if let Ok(e) = serde_json::from_slice::<ErrorBody>(&data) {
            prop_assert!(is_clean(&e.error.message) && is_clean(&e.error.code));
        }
    }

    #[test]
    fn config_files_never_panic(text in "[a-z_=\\[\\]\".0-9 \n#{}-]{0,200}") {
        let _ = Config::from_toml_str(&text, Path::new("fuzz.toml"));
    }

    #[test]
    fn cleaned_text_has_no_control_and_stays_put(s in any::<String>(), t in wire_like()) {
        let t = String::from_utf8_lossy(&t).into_owned();
        for s in [s, t] {
            let once = clean(&s);
            prop_assert!(is_clean(&once), "{once:?}");
            prop_assert_eq!(clean(&once), once.clone(), "clean is idempotent");
            prop_assert_eq!(clean_cow(&s), once);
            let lines = clean_multiline(&s);
            prop_assert!(lines.split('\n').all(is_clean), "{lines:?}");
        }
    }
}

/// Lists built whole reach every insight and report text field, and each
/// comes out clean. Most bodies decode (the damaged ones mostly do not):
/// counted, so the test cannot quietly stop reaching those fields.
#[test]
fn insight_and_report_text_comes_out_clean() {
    const CASES: u32 = 400;
    let mut runner = TestRunner::new(ProptestConfig { cases: CASES, ..ProptestConfig::default() });
    let (cases, decoded) = (Cell::new(0u32), Cell::new(0u32));
    let result = runner.run(&list_bodies(), |body| {
        cases.set(cases.get() + 1);
        let items = list_text(&body).map_err(TestCaseError::fail)?;
        decoded.set(decoded.get() + u32::from(items > 0));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(cases.get() >= CASES, "{} cases", cases.get());
    assert!(
        decoded.get() * 3 >= cases.get(),
        "only {} of {} lists decoded",
        decoded.get(),
        cases.get()
    );
}

/// Every committed fuzz seed and regression (fuzz/seeds, fuzz/regressions)
/// through its decoder on every `cargo test`, so an input that once broke
/// a promise cannot break it again unnoticed.
#[test]
fn the_fuzz_corpus_and_regressions_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(targets) = std::fs::read_dir(root.join(dir)) else { continue };
        for target in targets.map(|t| t.expect("a directory entry").path()) {
            let Ok(files) = std::fs::read_dir(&target) else { continue };
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            for file in files.map(|f| f.expect("a file").path()) {
                if file.extension().is_some_and(|e| e == "md") {
                    continue;
                }
                let data = std::fs::read(&file).expect("readable");
                replay(&name, &data);
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 50, "the corpus is in the repository ({replayed} files)");
}

fn replay(target: &str, data: &[u8]) {
    match target {
        "price_json" | "price_msgpack" => {
            if let Ok(d) = decode_price_frame(data, target == "price_msgpack") {
                assert!(d.items.iter().all(|u| is_clean(&u.symbol)), "{target}: {data:?}");
            }
        }
        "backfill" | "health" => {
            for binary in [false, true] {
                let _ = decode_backfill(data, binary);
                let _ = decode_health(data, binary);
            }
        }
        "rest_bodies" => {
            assert_eq!(list_text(data).err(), None, "{data:?}");
            if let Ok(e) = serde_json::from_slice::<ErrorBody>(data) {
                assert!(is_clean(&e.error.message), "{data:?}");
            }
        }
        "history" => {
            if let Ok(s) = decode_candles(data) {
                assert!(s.candles.iter().all(|c| c.is_sane()), "{data:?}");
                assert!(s.candles.windows(2).all(|w| w[0].start < w[1].start), "{data:?}");
            }
            if let Ok(body) = serde_json::from_slice::<MonitoringHistoryBody>(data) {
                let s = body.validate();
                assert!(s.samples.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
            }
        }
        "config" => {
            let text = String::from_utf8_lossy(data);
            // A syntax error quotes the file: never its control characters
            // (fuzz/regressions/config).
            if let Err(e @ ConfigError::Syntax { .. }) =
                Config::from_toml_str(&text, Path::new("fuzz.toml"))
            {
                assert!(!e.to_string().chars().any(char::is_control), "{text:?}: {e}");
            }
        }
        "sanitize" => {
            let text = String::from_utf8_lossy(data);
            assert!(is_clean(&clean(&text)), "{text:?}");
        }
        "venue_coinbase" => replay_venue(PricesFormat::Coinbase, "BTC-USD", data),
        "venue_kraken" => replay_venue(PricesFormat::Kraken, "BTC/USD", data),
        "venue_binance" => replay_venue(PricesFormat::Binance, "BTCUSDT", data),
        other => panic!("a fuzz directory without a replay: {other}"),
    }
}

/// A venue frame (fuzz/seeds/venue_*): what the adapter makes of it is
/// valid and clean, and the same bytes as that venue's candles are sane
/// and in order.
fn replay_venue(format: PricesFormat, symbol: &str, data: &[u8]) {
    use meridian::venues::{VenueEvent, decode_venue_candles};
    let mut adapter = format.adapter().expect("a venue");
    adapter.subscribe(&[symbol.to_owned()]);
    let mut out = Vec::new();
    let texts = match adapter.decode(data, &mut out) {
        Err(e) => vec![e.0],
        Ok(()) => Vec::new(),
    };
    for e in &out {
        match e {
            VenueEvent::Update { update, .. } => assert!(update.is_valid(), "{update:?}"),
            VenueEvent::Alive(s) => assert!(s.as_deref().is_none_or(is_clean)),
            VenueEvent::Rejected { reason, .. } | VenueEvent::Error(reason) => {
                assert!(is_clean(reason), "{reason:?}");
            }
        }
    }
    assert!(texts.iter().all(|t| is_clean(t)), "{texts:?}");
    if let Ok(s) = decode_venue_candles(format, data) {
        assert!(s.candles.iter().all(Candle::is_sane));
        assert!(s.candles.windows(2).all(|w| w[0].start < w[1].start), "{data:?}");
    }
}
