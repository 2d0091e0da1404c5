//! Text from the network is untrusted. Everything a server sends that may
//! reach the terminal passes through [`clean`] once, where it is decoded into
//! the model (see the `deserialize_with` helpers used by `protocol`).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

/// Longest string kept from the network, in characters; longer ones are cut
/// with an ellipsis.
pub const MAX_TEXT_CHARS: usize = 4096;

/// Remove terminal control from `s`: C0 and C1 controls (including ESC, so no
/// CSI/OSC/DCS sequence can start), DEL, bidi overrides and zero-width
/// characters. Tabs and newlines become spaces; over-long text is truncated.
pub fn clean(s: &str) -> String {
    clean_cow(s).into_owned()
}

/// [`clean`] without the copy when there is nothing to clean: `s` comes back
/// borrowed when it has no character that [`clean`] would drop or map and is
/// no longer than [`MAX_TEXT_CHARS`] characters.
pub fn clean_cow(s: &str) -> Cow<'_, str> {
    if is_clean(s) { Cow::Borrowed(s) } else { Cow::Owned(clean_slow(s)) }
}

/// True when [`clean`] would return `s` unchanged. Tab, CR and LF are
/// controls, so [`is_dangerous`] covers the characters that get mapped too.
fn is_clean(s: &str) -> bool {
    // Printable ASCII only: one byte per character, nothing to drop.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len() <= MAX_TEXT_CHARS;
    }
    let mut chars = 0usize;
    for c in s.chars() {
        if is_dangerous(c) {
            return false;
        }
        chars += 1;
    }
    chars <= MAX_TEXT_CHARS
}

fn clean_slow(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_TEXT_CHARS));
    let mut chars = 0usize;
    for c in s.chars() {
        let mapped = match c {
            '\t' | '\n' | '\r' => ' ',
            c if is_dangerous(c) => continue,
            c => c,
        };
        if chars == MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        out.push(mapped);
        chars += 1;
    }
    out
}

/// Like [`clean`] but keeps newlines, for multi-line text such as summaries.
pub fn clean_multiline(s: &str) -> String {
    s.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

fn is_dangerous(c: char) -> bool {
    c.is_control() // C0, DEL, C1 (U+0080..U+009F)
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width, LRM/RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // BOM / zero-width no-break space
        )
}

/// `deserialize_with` helper for a sanitised `String`.
pub fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    Ok(clean(&s))
}

/// `deserialize_with` helper for a sanitised multi-line `String`.
pub fn de_multiline<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    Ok(clean_multiline(&s))
}

/// `deserialize_with` helper for a sanitised `Option<String>`.
pub fn de_opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    Ok(s.map(|s| clean(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_escape() {
        // OSC 0 title set, CSI clear, 8-bit CSI, BEL.
        let s = clean("\x1b]0;pwned\x07A\x1b[2JB\u{9b}31mC");
        assert!(!s.contains('\x1b') && !s.contains('\x07') && !s.contains('\u{9b}'));
        assert!(s.contains('A') && s.contains('B') && s.contains('C'));
    }

    #[test]
    fn bidi_and_zero_width_are_removed() {
        assert_eq!(clean("ab\u{202E}cd\u{200B}e\u{2067}"), "abcde");
    }

    #[test]
    fn long_text_is_truncated_with_ellipsis() {
        let long = "x".repeat(MAX_TEXT_CHARS + 10);
        let s = clean(&long);
        assert_eq!(s.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn clean_cow_borrows_only_what_clean_leaves_alone() {
        let at_cap = "é".repeat(MAX_TEXT_CHARS);
        let over_cap = "é".repeat(MAX_TEXT_CHARS + 1);
        let ascii_over = "x".repeat(MAX_TEXT_CHARS + 1);
        let dangerous_tail = format!("{}\u{200B}", "x".repeat(MAX_TEXT_CHARS));
        let cases: [(&str, bool); 11] = [
            ("AAPL", true),
            ("", true),
            ("BRK.B ü 株", true),
            (&at_cap, true),
            (&over_cap, false),
            (&ascii_over, false),
            (&dangerous_tail, false),
            ("a\tb", false),
            ("a\x1b[2Jb", false),
            ("\u{7f}", false),
            ("ab\u{202E}cd", false),
        ];
        for (s, borrowed) in cases {
            let c = clean_cow(s);
            assert_eq!(matches!(c, Cow::Borrowed(_)), borrowed, "{s:?}");
            assert_eq!(c, clean_slow(s), "{s:?}");
        }
    }

    #[test]
    fn multiline_keeps_lines_but_cleans_each() {
        assert_eq!(clean_multiline("a\x1bb\nc\td"), "ab\nc d");
    }
}
