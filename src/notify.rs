//! Desktop notifications written into the terminal, so that over SSH they
//! reach the desktop of the person at the keyboard rather than the host the
//! console runs on.
//!
//! Two escape sequences carry them, and both are sent: terminals act on the
//! one they know and ignore the other.
//! - OSC 9 (`ESC ] 9 ; text BEL`): iTerm2, Windows Terminal, WezTerm, kitty.
//! - OSC 777 (`ESC ] 777 ; notify ; title ; body BEL`): rxvt-unicode, foot,
//!   Ghostty, VTE-based terminals.
//!
//! Inside tmux each sequence is wrapped in tmux's passthrough
//! (`ESC P tmux; … ESC \`, with every ESC inside doubled), which tmux only
//! forwards with `set -g allow-passthrough on`; without it tmux drops the
//! notification silently.
//!
//! The text is untrusted (alert titles come from servers): every control
//! character is removed ([`crate::sanitize::clean`]) so nothing in it can
//! end our sequence or start another, and `;`, which separates the fields,
//! becomes `,`.

use crate::sanitize;

/// Longest title or body sent, in characters; longer ones are cut with an
/// ellipsis.
pub const MAX_FIELD_CHARS: usize = 200;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;

/// A desktop notification: one line of title and one of body, both free of
/// terminal controls and at most [`MAX_FIELD_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

impl Notification {
    /// A notification of `title` and `body`, cleaned: controls removed (line
    /// breaks become spaces) and each cut to [`MAX_FIELD_CHARS`].
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        Notification { title: cleaned(&title.into()), body: cleaned(&body.into()) }
    }
}

/// `s` without controls, cut to [`MAX_FIELD_CHARS`] characters on a char
/// boundary, ending with "…" when cut.
fn cleaned(s: &str) -> String {
    let s = sanitize::clean_cow(s);
    if s.chars().count() <= MAX_FIELD_CHARS {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(MAX_FIELD_CHARS - 1).collect();
    out.push('…');
    out
}

/// One field as it goes inside a sequence: cleaned again (the fields are
/// public, so a notification may not have come through [`Notification::new`])
/// and with `;` made `,`. OSC 9 gets the same: Windows Terminal and ConEmu
/// read `OSC 9 ; 4 ; …` as a command (a progress bar), not as text.
fn field(s: &str) -> String {
    cleaned(s).replace(';', ",")
}

/// The bytes to write: OSC 9, OSC 777, then BEL if `bell`; each wrapped in
/// tmux's passthrough when `tmux` (see the module docs: tmux needs
/// `allow-passthrough on`).
pub fn encode(n: &Notification, tmux: bool, bell: bool) -> Vec<u8> {
    let (title, body) = (field(&n.title), field(&n.body));
    let text = match (title.is_empty(), body.is_empty()) {
        (_, true) => title.clone(),
        (true, false) => body.clone(),
        (false, false) => format!("{title}: {body}"),
    };
    let mut osc9 = b"\x1b]9;".to_vec();
    osc9.extend_from_slice(text.as_bytes());
    osc9.push(BEL);
    let mut osc777 = b"\x1b]777;notify;".to_vec();
    osc777.extend_from_slice(title.as_bytes());
    osc777.push(b';');
    osc777.extend_from_slice(body.as_bytes());
    osc777.push(BEL);

    let mut out = Vec::with_capacity(osc9.len() + osc777.len() + 32);
    for seq in [osc9, osc777] {
        put(&mut out, &seq, tmux);
    }
    if bell {
        put(&mut out, &[BEL], tmux);
    }
    out
}

/// Append `seq`, in tmux's passthrough when `tmux`.
pub(crate) fn put(out: &mut Vec<u8>, seq: &[u8], tmux: bool) {
    if !tmux {
        out.extend_from_slice(seq);
        return;
    }
    out.extend_from_slice(b"\x1bPtmux;");
    for &b in seq {
        if b == ESC {
            out.push(ESC);
        }
        out.push(b);
    }
    out.extend_from_slice(b"\x1b\\");
}

/// Whether the console runs inside tmux (`TMUX` is set and not empty), so
/// notifications need the passthrough. Read once, when the console starts.
pub fn inside_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    /// The sequences of `out` with the framing checked and taken off: each
    /// one's payload (what follows `ESC ]`, up to its BEL), or `None` for a
    /// bare BEL. Panics on any ESC or BEL that is not framing.
    fn payloads(out: &[u8], tmux: bool) -> Vec<Option<String>> {
        let mut seqs = Vec::new();
        let mut rest = out;
        while !rest.is_empty() {
            let seq;
            if tmux {
                rest = rest.strip_prefix(b"\x1bPtmux;").expect("a passthrough");
                let end = rest.windows(2).position(|w| w == b"\x1b\\").expect("its end");
                // Inside, ESC comes doubled; an ESC that is not, before the
                // end, would have ended the passthrough early.
                let (inner, after) = rest.split_at(end);
                let mut undoubled = Vec::new();
                let mut i = 0;
                while i < inner.len() {
                    if inner[i] == ESC {
                        assert_eq!(inner.get(i + 1), Some(&ESC), "a lone ESC inside: {out:?}");
                        i += 1;
                    }
                    undoubled.push(inner[i]);
                    i += 1;
                }
                seq = undoubled;
                rest = &after[2..];
            } else if rest[0] == BEL {
                seq = vec![BEL];
                rest = &rest[1..];
            } else {
                let end = rest.iter().position(|&b| b == BEL).expect("a BEL ends it");
                seq = rest[..=end].to_vec();
                rest = &rest[end + 1..];
            }
            seqs.push(seq);
        }
        seqs.into_iter()
            .map(|seq| {
                if seq == [BEL] {
                    return None;
                }
                let body = seq.strip_prefix(b"\x1b]").expect("an OSC");
                let body = body.strip_suffix(&[BEL]).expect("ends with BEL");
                let text = String::from_utf8(body.to_vec()).expect("UTF-8");
                assert!(!text.chars().any(char::is_control), "a control inside: {text:?}");
                Some(text)
            })
            .collect()
    }

    #[test]
    fn a_plain_notification_is_osc_9_then_osc_777() {
        let n = Notification::new("Critical: cpu high", "api-gateway at 97%");
        assert_eq!(
            encode(&n, false, false),
            b"\x1b]9;Critical: cpu high: api-gateway at 97%\x07\
              \x1b]777;notify;Critical: cpu high;api-gateway at 97%\x07"
                .to_vec()
        );
        let bare = Notification::new("done", "");
        assert_eq!(
            encode(&bare, false, true),
            b"\x1b]9;done\x07\x1b]777;notify;done;\x07\x07".to_vec()
        );
    }

    #[test]
    fn inside_tmux_each_sequence_is_passed_through_with_esc_doubled() {
        let n = Notification::new("t", "b");
        assert_eq!(
            encode(&n, true, true),
            b"\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\\\
              \x1bPtmux;\x1b\x1b]777;notify;t;b\x07\x1b\\\
              \x1bPtmux;\x07\x1b\\"
                .to_vec()
        );
    }

    #[test]
    fn hostile_text_never_escapes_the_framing() {
        let nasty = [
            "\x1b]0;pwned\x07",
            "\x1b[2J",
            "\u{9b}31m",
            "\u{9d}0;x\u{9c}",
            "line\nbreak\r\n",
            "a;b;c",
            "\x07\x1b\\\x1bPtmux;",
            "4;100",
        ];
        for title in nasty {
            for body in nasty {
                let n = Notification::new(title, body);
                for (tmux, bell) in [(false, false), (true, false), (false, true), (true, true)] {
                    let seqs = payloads(&encode(&n, tmux, bell), tmux);
                    assert_eq!(seqs.len(), 2 + usize::from(bell), "{title:?} {body:?}");
                    let osc9 = seqs[0].as_deref().unwrap();
                    let osc777 = seqs[1].as_deref().unwrap();
                    let text = osc9.strip_prefix("9;").unwrap();
                    assert!(!text.contains(';'), "{osc9:?}");
                    let fields: Vec<&str> = osc777.split(';').collect();
                    assert_eq!(fields.len(), 4, "title and body stay one field each: {osc777:?}");
                    assert_eq!(&fields[..2], ["777", "notify"]);
                    // The whole hostile sequence goes, not just its ESC.
                    assert!(!osc9.contains("pwned") && !osc777.contains("pwned"));
                }
            }
        }
        let n = Notification::new("\x1b]0;pwned\x07", "x\ny");
        assert_eq!(n, Notification { title: String::new(), body: "x y".into() });
    }

    #[test]
    fn fields_are_cut_on_a_char_boundary_with_an_ellipsis() {
        let long = "é".repeat(MAX_FIELD_CHARS + 50);
        let n = Notification::new(long.as_str(), "ok");
        assert_eq!(n.title.chars().count(), MAX_FIELD_CHARS);
        assert!(n.title.ends_with('…'));
        let exact = "x".repeat(MAX_FIELD_CHARS);
        assert_eq!(Notification::new(exact.as_str(), "").title, exact);
        // Built by hand, unclean: encode cleans it all the same.
        let raw = Notification { title: format!("{long}\x1b[2J"), body: "\x07".into() };
        let seqs = payloads(&encode(&raw, false, false), false);
        assert_eq!(seqs.len(), 2);
    }
}
