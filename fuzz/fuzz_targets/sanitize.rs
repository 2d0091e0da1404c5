//! `sanitize::clean`, `clean_multiline` and `clean_cow` on arbitrary UTF-8,
//! checked against what src/sanitize.rs documents:
//! - `clean` removes C0 and C1 controls (ESC included), DEL, bidi
//!   embeddings/overrides/isolates and zero-width characters; tab, CR and
//!   LF become spaces; text longer than `MAX_TEXT_CHARS` characters is cut
//!   with an ellipsis (so at most MAX + 1 characters, never more than the
//!   input had);
//! - `clean_multiline` is the same but keeps LF and drops CR;
//! - `clean_cow` equals `clean`, and borrows when there is nothing to clean;
//! - cleaning cleaned text changes nothing.
//!
//! `sanitize::MAX_TEXT_CHARS` and `sanitize::is_dangerous` are `pub(crate)`
//! now, so the oracle below restates them as src/sanitize.rs defines them;
//! the length is checked against `clean` once at start-up so it cannot
//! drift (the character list can: keep it in step with `is_dangerous`).
#![no_main]

use std::borrow::Cow;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use meridian::sanitize::{clean, clean_cow, clean_multiline};

/// `sanitize::MAX_TEXT_CHARS`: the longest text kept, in characters.
const MAX_TEXT_CHARS: usize = 4096;

/// What `clean` never lets through (src/sanitize.rs, `is_dangerous`): C0,
/// DEL and C1 controls, bidi controls and zero-width characters.
fn is_dangerous(c: char) -> bool {
    c.is_control() // C0, DEL, C1 (U+0080..U+009F)
        || matches!(c,
            '\u{061C}' // Arabic letter mark (bidi)
            | '\u{200B}'..='\u{200F}' // zero-width, LRM/RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // BOM / zero-width no-break space
        )
}

/// The local `MAX_TEXT_CHARS` is meridian's: text of exactly that length is
/// kept whole, one character more is cut to that length plus an ellipsis.
fn check_max_matches_meridian() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fits = "x".repeat(MAX_TEXT_CHARS);
        assert_eq!(clean(&fits), fits, "MAX_TEXT_CHARS is not {MAX_TEXT_CHARS} any more");
        let cut = clean(&"x".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(cut, format!("{fits}…"), "MAX_TEXT_CHARS is not {MAX_TEXT_CHARS} any more");
    });
}

fn check_length(input: &str, out: &str, what: &str) {
    let n = out.chars().count();
    assert!(n <= MAX_TEXT_CHARS + 1, "{what}: {n} characters");
    if n == MAX_TEXT_CHARS + 1 {
        assert!(out.ends_with('…'), "{what}: cut without an ellipsis");
    }
    assert!(n <= input.chars().count(), "{what}: longer than its input");
}

fuzz_target!(|data: &[u8]| {
    check_max_matches_meridian();
    let Ok(s) = std::str::from_utf8(data) else { return };

    let once = clean(s);
    if let Some(c) = once.chars().find(|&c| is_dangerous(c)) {
        panic!("clean left {c:?} in {once:?} (from {s:?})");
    }
    check_length(s, &once, "clean");
    assert_eq!(clean(&once), once, "clean is not idempotent (from {s:?})");

    let cow = clean_cow(s);
    assert_eq!(cow, once, "clean_cow differs from clean");
    let nothing_to_clean = !s.chars().any(is_dangerous) && s.chars().count() <= MAX_TEXT_CHARS;
    if nothing_to_clean {
        assert!(matches!(cow, Cow::Borrowed(_)), "clean_cow copied clean text {s:?}");
        assert_eq!(once, s, "clean changed clean text");
    }

    let lines = clean_multiline(s);
    if let Some(c) = lines.chars().find(|&c| c != '\n' && is_dangerous(c)) {
        panic!("clean_multiline left {c:?} in {lines:?} (from {s:?})");
    }
    check_length(s, &lines, "clean_multiline");
    assert_eq!(clean_multiline(&lines), lines, "clean_multiline is not idempotent");
    // Each of its lines is as `clean` would leave it.
    for line in lines.split('\n') {
        assert_eq!(clean(line), line, "a line of clean_multiline is not clean");
    }
});
