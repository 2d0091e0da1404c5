//! The terminal's input, read by us. Crossterm's reader parses the
//! terminal's answers to queries and keeps them to itself; flow control
//! (issue 16) must see them among the keys. [`Decoder`] turns the bytes the
//! terminal sends into the console's events: keys as crossterm would have
//! reported them, and [`Event::TerminalAnswer`] for a primary device
//! attributes answer (`CSI ? 64 ; 1 c`).
//!
//! termina's [`Parser`] reads the keys and answers. In front of it a framer
//! finds where each escape sequence ends (ECMA-48: `ESC [`, parameter and
//! intermediate bytes, one final byte; `ESC O` and one byte; strings such
//! as OSC and DCS up to BEL or ST) and hands termina one whole sequence at a time,
//! in a parser of its own. Left to itself, termina's parser (like
//! crossterm's) reads some sequences it does not know as unfinished and
//! waits, taking the keys typed after them: `CSI > 41 ; 354 ; 0 c` (a
//! secondary attributes answer) until a ` q` arrives, `CSI ? 1 x` until a
//! `c`, which it then reads as a device attributes answer. Framed, an
//! unknown sequence ends at its final byte and is dropped (and counted);
//! the keys after it stay keys.
//!
//! A read that did not fill the buffer ends what it holds: a lone ESC there
//! is the Esc key (as in termina's and crossterm's readers), and a bare
//! `ESC O` or string introducer (`ESC ]`, `ESC P`, ...) is that Alt chord. A bare `ESC [` waits, as
//! there: answers begin so. Text between bracketed-paste marks is typed,
//! one key per character.

mod translate;

#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use termina::Parser;

use crate::event::Event;
use translate::{Dropped, translate};

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
/// The longest control sequence kept; answers and keys are far shorter.
const MAX_CSI: usize = 256;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Where in the byte stream the framer is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    /// Text and control keys, for the parser as they come.
    #[default]
    Ground,
    /// After an ESC: a sequence, an Alt chord or (alone) the Esc key.
    Escape,
    /// In `ESC [ ...`, up to the final byte.
    Csi,
    /// Raw bytes that belong to a finished CSI: three after `CSI M` (an
    /// X10 mouse report), one after `CSI [` (Linux console F1 to F5).
    Trailer(u8),
    /// In a control sequence too long to keep, up to its final byte.
    CsiSkip,
    /// After `ESC O` (SS3): one more byte ends it.
    Ss3,
    /// In a string (OSC, DCS, APC, PM, SOS), up to BEL or ST (`ESC \`). Another control
    /// byte ends it too and is a key: answers are printable, so this was an
    /// Alt chord and the keys typed after it.
    Str,
    /// An ESC in a string: a `\` ends the string.
    StrEscape,
}

/// Bytes from the terminal in, the console's events out.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    state: State,
    /// The sequence being framed, from its ESC (of a string, only the
    /// introducer: strings are skipped, not kept).
    seq: Vec<u8>,
    /// Bytes of the string being skipped.
    string_len: usize,
    /// Text waiting for the parser: everything outside sequences, and Alt
    /// chords (ESC and a key).
    text: Vec<u8>,
    /// The parser for text. Each sequence gets a fresh one, so a sequence
    /// termina cannot finish never holds up what follows.
    parser: Parser,
    out: Vec<Event>,
    dropped: u64,
}

impl Decoder {
    /// The events in `bytes`, one read's worth. `maybe_more`: the read
    /// filled the buffer, so a sequence cut at its end goes on in the next.
    pub(crate) fn feed(&mut self, bytes: &[u8], maybe_more: bool) -> Vec<Event> {
        for &b in bytes {
            self.push(b);
        }
        if !maybe_more {
            self.settle();
        }
        self.flush_text();
        std::mem::take(&mut self.out)
    }

    /// Whether the bytes so far end in something the next byte decides: a
    /// lone ESC (the Esc key, or the start of an answer cut by the read),
    /// or a bare `ESC O` or string introducer. [`Decoder::feed`] with
    /// `maybe_more` false then decides it without more.
    pub(crate) fn undecided(&self) -> bool {
        match self.state {
            State::Escape | State::Ss3 => true,
            State::Str => self.string_len == 0,
            _ => false,
        }
    }

    /// Sequences and events dropped so far: answers other than the probe's,
    /// mouse and focus reports, and what nobody could read.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    fn push(&mut self, b: u8) {
        match self.state {
            State::Ground => self.ground(b),
            State::Escape => self.escape(b),
            State::Csi => self.csi(b),
            State::Trailer(n) => {
                self.seq.push(b);
                if n > 1 { self.state = State::Trailer(n - 1) } else { self.finish() }
            }
            State::CsiSkip => match b {
                0x20..=0x3f => {}
                0x40..=0x7e => self.state = State::Ground,
                _ => self.resume(b),
            },
            State::Ss3 if (0x20..=0x7e).contains(&b) => {
                self.seq.push(b);
                self.finish();
            }
            State::Ss3 => {
                self.drop_seq(Dropped::Unknown);
                self.resume(b);
            }
            State::Str => self.string(b),
            State::StrEscape if b == b'\\' => self.end_string(Dropped::Answer),
            State::StrEscape => {
                self.end_string(Dropped::Unknown);
                self.begin_escape();
                self.escape(b);
            }
        }
    }

    fn ground(&mut self, b: u8) {
        if b == ESC {
            self.begin_escape();
        } else {
            self.text.push(b);
        }
    }

    fn begin_escape(&mut self) {
        self.seq.clear();
        self.seq.push(ESC);
        self.state = State::Escape;
    }

    fn escape(&mut self, b: u8) {
        let next = match b {
            b'[' => State::Csi,
            b'O' => State::Ss3,
            b']' | b'P' | b'_' | b'^' | b'X' => State::Str,
            ESC => {
                // The first was the Esc key; the second may begin a sequence.
                self.text.push(ESC);
                self.flush_text();
                return;
            }
            _ => {
                // An Alt chord: the parser reads ESC and the key together.
                self.text.extend([ESC, b]);
                self.state = State::Ground;
                return;
            }
        };
        self.seq.push(b);
        self.string_len = 0;
        self.state = next;
    }

    fn csi(&mut self, b: u8) {
        match b {
            0x20..=0x3f if self.seq.len() < MAX_CSI => self.seq.push(b),
            0x20..=0x3f => {
                self.drop_seq(Dropped::TooLong);
                self.state = State::CsiSkip;
            }
            0x40..=0x7e => {
                self.seq.push(b);
                match (self.seq.len(), b) {
                    (3, b'M') => self.state = State::Trailer(3),
                    (3, b'[') => self.state = State::Trailer(1),
                    _ => self.finish(),
                }
            }
            // Not part of a control sequence: the sequence was broken off.
            _ => {
                self.drop_seq(Dropped::Unknown);
                self.resume(b);
            }
        }
    }

    fn string(&mut self, b: u8) {
        match b {
            BEL => self.end_string(Dropped::Answer),
            ESC => self.state = State::StrEscape,
            0x00..=0x1f => {
                self.end_string(Dropped::Unknown);
                self.ground(b);
            }
            _ => self.string_len += 1,
        }
    }

    fn end_string(&mut self, why: Dropped) {
        self.state = State::Ground;
        let (intro, len) = (self.seq.escape_ascii(), self.string_len);
        note_drop(&mut self.dropped, why, format_args!("{intro} and {len} bytes"));
    }

    /// Back in the ground state with `b`, which did not belong to the
    /// sequence before it.
    fn resume(&mut self, b: u8) {
        self.state = State::Ground;
        self.ground(b);
    }

    /// At the end of a read that did not fill the buffer: what cannot be
    /// the start of an answer cut in two is a key.
    fn settle(&mut self) {
        match self.state {
            State::Escape => self.text.push(ESC),
            State::Ss3 => self.alt_chord(),
            State::Str if self.string_len == 0 => self.alt_chord(),
            _ => return,
        }
        self.state = State::Ground;
    }

    /// A bare introducer (`ESC O`, `ESC ]`, `ESC P`, ...) as the key it is:
    /// Alt and the character, as crossterm reads `ESC` and a character.
    /// termina's parser would wait for the rest of a sequence.
    fn alt_chord(&mut self) {
        self.flush_text();
        let c = char::from(self.seq[1]);
        let mut modifiers = KeyModifiers::ALT;
        if c.is_uppercase() {
            modifiers |= KeyModifiers::SHIFT;
        }
        self.out.push(Event::Key(KeyEvent::new(KeyCode::Char(c), modifiers)));
    }

    /// A whole sequence is in `seq`: its event, after the text before it.
    fn finish(&mut self) {
        self.state = State::Ground;
        if self.seq == PASTE_START || self.seq == PASTE_END {
            // The pasted text between them is typed.
            return;
        }
        self.flush_text();
        let mut parser = Parser::default();
        parser.parse(&self.seq, false);
        match parser.pop().map(translate) {
            Some(Ok(event)) => self.out.push(event),
            Some(Err(why)) => self.drop_seq(why),
            None => self.drop_seq(Dropped::Unknown),
        }
    }

    fn flush_text(&mut self) {
        if self.text.is_empty() {
            return;
        }
        self.parser.parse(&self.text, false);
        self.text.clear();
        while let Some(event) = self.parser.pop() {
            match translate(event) {
                Ok(event) => self.out.push(event),
                Err(why) => note_drop(&mut self.dropped, why, "from text"),
            }
        }
    }

    fn drop_seq(&mut self, why: Dropped) {
        note_drop(&mut self.dropped, why, self.seq.escape_ascii());
    }
}

/// Count one dropped sequence or event and say what it was (escaped: the
/// bytes are the terminal's, or anyone's who can write to it).
fn note_drop(dropped: &mut u64, why: Dropped, what: impl std::fmt::Display) {
    *dropped += 1;
    tracing::debug!(kind = why.label(), %what, total = *dropped, "terminal input dropped");
}
