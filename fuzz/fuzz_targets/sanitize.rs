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
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use meridian::sanitize::{MAX_TEXT_CHARS, clean, clean_cow, clean_multiline, is_dangerous};

fn check_length(input: &str, out: &str, what: &str) {
    let n = out.chars().count();
    assert!(n <= MAX_TEXT_CHARS + 1, "{what}: {n} characters");
    if n == MAX_TEXT_CHARS + 1 {
        assert!(out.ends_with('…'), "{what}: cut without an ellipsis");
    }
    assert!(n <= input.chars().count(), "{what}: longer than its input");
}

fuzz_target!(|data: &[u8]| {
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
