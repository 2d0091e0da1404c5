//! Copying to the clipboard of the person at the keyboard, through the
//! terminal: OSC 52 (`ESC ] 52 ; c ; <base64> BEL`), which xterm, kitty,
//! WezTerm, iTerm2, Windows Terminal, foot and Alacritty honour, so a copy
//! made over SSH lands on the local desktop. Inside tmux the sequence goes
//! through tmux's passthrough (as notifications do); tmux forwards it with
//! `set -g allow-passthrough on` (or `set-clipboard on` for OSC 52 itself).
//!
//! The text is base64, so nothing in it can end the sequence.

use base64::Engine as _;

/// The most text sent: terminals cap OSC 52 (xterm at about 100 KB of
/// base64); an identity line is far below it.
pub const MAX_COPY_BYTES: usize = 8 * 1024;

/// The bytes that put `text` on the clipboard (cut on a char boundary to
/// [`MAX_COPY_BYTES`]); wrapped for tmux when `tmux`.
pub fn encode(text: &str, tmux: bool) -> Vec<u8> {
    let mut end = text.len().min(MAX_COPY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&text.as_bytes()[..end]);
    let mut seq = b"\x1b]52;c;".to_vec();
    seq.extend_from_slice(b64.as_bytes());
    seq.push(0x07);
    let mut out = Vec::with_capacity(seq.len() + 16);
    crate::notify::put(&mut out, &seq, tmux);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn text_goes_as_base64_in_one_osc_52() {
        let out = encode("RPT-24 ACC-1001", false);
        assert_eq!(out, b"\x1b]52;c;UlBULTI0IEFDQy0xMDAx\x07");
        // A hostile title is only ever base64 inside the sequence.
        let out = encode("\x1b]0;pwned\x07", false);
        assert_eq!(out.iter().filter(|b| **b == 0x1b).count(), 1);
        assert_eq!(out.iter().filter(|b| **b == 0x07).count(), 1);
    }

    #[test]
    fn inside_tmux_it_is_passed_through_with_its_escape_doubled() {
        let out = encode("BTC-USD 67009.87", true);
        assert!(out.starts_with(b"\x1bPtmux;\x1b\x1b]52;c;"), "{out:?}");
        assert!(out.ends_with(b"\x07\x1b\\"), "{out:?}");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let text = "é".repeat(MAX_COPY_BYTES);
        let out = encode(&text, false);
        let b64 = &out[b"\x1b]52;c;".len()..out.len() - 1];
        let back = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        assert_eq!(back.len(), MAX_COPY_BYTES);
        assert!(String::from_utf8(back).is_ok());
    }
}
