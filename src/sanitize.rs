//! Text from the network is untrusted. Everything a server sends that may
//! reach the terminal passes through [`clean`] once, where it is decoded into
//! the model (see the `deserialize_with` helpers used by `protocol`).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

/// Longest string kept from the network, in characters; longer ones are cut
/// with an ellipsis.
pub(crate) const MAX_TEXT_CHARS: usize = 4096;

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
    if is_clean(s) { Cow::Borrowed(s) } else { Cow::Owned(clean_slow(s, Lines::Join)) }
}

/// What [`clean_slow`] does with line breaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// One line: tab, CR and LF become spaces.
    Join,
    /// Keep LF; CR is dropped, a tab becomes a space.
    Keep,
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

fn clean_slow(s: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_TEXT_CHARS));
    let mut chars = 0usize;
    let mut input = s.chars().peekable();
    while let Some(c) = input.next() {
        let mapped = match c {
            '\n' if lines == Lines::Keep => '\n',
            '\r' if lines == Lines::Keep => continue,
            '\t' | '\n' | '\r' => ' ',
            '\x1b' | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                skip_sequence(c, &mut input);
                continue;
            }
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

/// Consume the rest of the escape sequence that `intro` (ESC, or an 8-bit
/// C1 introducer) starts, so none of it (a title, a clipboard payload, a
/// link target) is shown as text either:
/// - CSI (`ESC [`, U+009B): parameters and intermediates, then the final
///   byte;
/// - OSC, DCS, SOS, PM, APC (`ESC ] P X ^ _`, U+009D U+0090 U+0098 U+009E
///   U+009F): a string up to ST (`ESC \`, U+009C) or BEL, or to the end of
///   the text when it never ends, as a terminal would swallow it;
/// - any other escape (`ESC c`, `ESC ( B`, `ESC 7`): its intermediates and
///   final character.
fn skip_sequence(intro: char, input: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let kind = if intro == '\x1b' {
        match input.peek() {
            Some(&c @ ('[' | ']' | 'P' | 'X' | '^' | '_')) => {
                input.next();
                c
            }
            Some(_) => {
                // nF: intermediates (0x20-0x2F), then one final character.
                while input.next_if(|c| matches!(c, ' '..='/')).is_some() {}
                input.next_if(|c| matches!(c, '0'..='~'));
                return;
            }
            None => return,
        }
    } else {
        match intro {
            '\u{9b}' => '[',
            '\u{9d}' => ']',
            _ => 'P',
        }
    };
    if kind == '[' {
        while input.next_if(|c| matches!(c, ' '..='?')).is_some() {}
        input.next_if(|c| matches!(c, '@'..='~'));
        return;
    }
    while let Some(c) = input.next() {
        match c {
            '\x07' | '\u{9c}' => return,
            '\x1b' if input.next_if_eq(&'\\').is_some() => return,
            _ => {}
        }
    }
}

/// Like [`clean`] but keeps newlines (CR is dropped), for multi-line text
/// such as summaries. An escape sequence is removed whole even when it
/// spans lines.
pub fn clean_multiline(s: &str) -> String {
    if is_clean(s) { s.to_owned() } else { clean_slow(s, Lines::Keep) }
}

/// A character `clean` never lets through: C0, DEL and C1 controls, bidi
/// controls and zero-width characters. (Tab, CR and LF become spaces.)
pub(crate) fn is_dangerous(c: char) -> bool {
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

/// `deserialize_with` helper for a sanitised `String`.
pub(crate) fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    Ok(clean(&s))
}

/// `deserialize_with` helper for a sanitised multi-line `String`.
pub(crate) fn de_multiline<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    Ok(clean_multiline(&s))
}

/// `deserialize_with` helper for a sanitised `Option<String>`.
pub(crate) fn de_opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
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
    fn terminal_attacks_are_removed_whole() {
        let cases = [
            // OSC 52: write the clipboard (BEL and ST endings).
            ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),
            ("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "ab"),
            // OSC 8: a link whose text hides its target.
            ("\x1b]8;;https://evil.example\x1b\\bank\x1b]8;;\x1b\\", "bank"),
            // OSC 0 and 2: the window title.
            ("\x1b]0;pwned\x07ok", "ok"),
            ("\x1b]2;pwned\x1b\\ok", "ok"),
            // CSI 6n: make the terminal type its answer into our stdin.
            ("a\x1b[6nb", "ab"),
            // Clear, colours, cursor moves.
            ("\x1b[2J\x1b[1;31mred\x1b[0m\x1b[10;10H!", "red!"),
            // DCS and APC passthrough (tmux, kitty graphics).
            ("a\x1bPtmux;\x1b\x1b]0;x\x07\x1b\\b", "ab"),
            ("a\x1b_Gf=100;AAAA\x1b\\b", "ab"),
            // ESC c (full reset), ESC ( 0 (line drawing charset), ESC 7.
            ("a\x1bcb\x1b(0c\x1b7d", "abcd"),
            // An OSC that never ends swallows the rest, as a terminal would.
            ("safe\x1b]0;never ends", "safe"),
            // 8-bit C1: CSI, OSC with 8-bit ST, DCS, APC.
            ("a\u{9b}2Jb", "ab"),
            ("a\u{9d}0;t\u{9c}b", "ab"),
            ("a\u{90}q\u{9c}b\u{9f}x\x07c", "abc"),
            // BEL on its own, and a lone ESC at the end.
            ("ding\x07\x1b", "ding"),
        ];
        for (attack, shown) in cases {
            assert_eq!(clean(attack), shown, "{attack:?}");
            assert_eq!(clean_cow(attack), shown, "{attack:?}");
        }
    }

    #[test]
    fn bidi_and_zero_width_are_removed() {
        assert_eq!(clean("ab\u{202E}cd\u{200B}e\u{2067}"), "abcde");
        assert_eq!(clean("a\u{061C}b"), "ab", "the Arabic letter mark is a bidi control too");
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
            assert_eq!(c, clean_slow(s, Lines::Join), "{s:?}");
        }
    }

    #[test]
    fn multiline_keeps_lines_but_cleans_each() {
        assert_eq!(clean_multiline("a\x1b[1mb\r\nc\td"), "ab\nc d");
        // A sequence that spans lines goes whole, its payload too.
        assert_eq!(clean_multiline("x\x1b]0;one\ntwo\x07y\nz"), "xy\nz");
    }
}
