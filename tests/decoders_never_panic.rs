//! Whatever a server (or a config file) holds, decoding it never panics:
//! arbitrary bytes, and near-valid input built from the tokens of the
//! contract, go through every decoder. What comes out is either an error or
//! a model whose text is clean. (The fuzz targets run the same decoders for
//! longer, outside CI.)

use std::path::Path;

use meridian::config::{Config, ConfigError};
use meridian::protocol::*;
use meridian::sanitize::{clean, clean_cow, clean_multiline};
use proptest::prelude::*;

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
        let _ = serde_json::from_slice::<InsightList>(&data);
        let _ = serde_json::from_slice::<ReportList>(&data);
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
            let _ = serde_json::from_slice::<InsightList>(data);
            let _ = serde_json::from_slice::<ReportList>(data);
            if let Ok(e) = serde_json::from_slice::<ErrorBody>(data) {
                assert!(is_clean(&e.error.message), "{data:?}");
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
        other => panic!("a fuzz directory without a replay: {other}"),
    }
}
