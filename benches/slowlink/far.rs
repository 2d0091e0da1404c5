//! The benchmark's far terminal: a vt100 screen fed what crosses the link.
//! It answers the queries a real terminal answers, when they reach it
//! through the slow stream, and times each key from the moment it went
//! into the pty until the screen first shows its effect.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::num::NonZeroU16;
use std::time::Instant;

use crate::relay::Input;

/// Primary device attributes as xterm-like terminals report them (VT220
/// class, ANSI colour).
const DEVICE_ATTRIBUTES: &[u8] = b"\x1b[?62;22c";

/// The answers to queries, collected while the parser runs.
#[derive(Default)]
pub struct Answers {
    out: Vec<u8>,
    /// Queries answered so far.
    pub count: u64,
}

impl vt100::Callbacks for Answers {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, c, first) {
            // `ESC [ c`, `ESC [ 0 c`; not the secondary `ESC [ > c`.
            (None, 'c', 0) => self.out.extend_from_slice(DEVICE_ATTRIBUTES),
            (None, 'n', 5) => self.out.extend_from_slice(b"\x1b[0n"),
            (None, 'n', 6) => {
                let (row, col) = screen.cursor_position();
                let _ = write!(self.out, "\x1b[{};{}R", row + 1, col + 1);
            }
            _ => return,
        }
        self.count += 1;
    }
}

/// A key on its way: it went into the pty at `at`, when the relay had read
/// `offset` bytes of output, and has arrived when the screen shows `shows`.
struct Key {
    shows: &'static str,
    at: Instant,
    offset: u64,
}

pub struct Far {
    parser: vt100::Parser<Answers>,
    input: Input,
    /// Bytes that have arrived.
    pub arrived: u64,
    pending: VecDeque<Key>,
    /// Milliseconds from each key to the screen showing its effect, in order.
    pub key_ms: Vec<f64>,
}

impl Far {
    pub fn new((cols, rows): (u16, u16), input: Input) -> Far {
        Far {
            parser: vt100::Parser::new_with_callbacks(
                NonZeroU16::new(rows).unwrap_or(NonZeroU16::MIN),
                NonZeroU16::new(cols).unwrap_or(NonZeroU16::MIN),
                0,
                Answers::default(),
            ),
            input,
            arrived: 0,
            pending: VecDeque::new(),
            key_ms: Vec::new(),
        }
    }

    /// Bytes off the link: draw them, answer what they ask, check keys.
    pub fn arrive(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.parser.process(bytes);
        self.arrived += bytes.len() as u64;
        let answers = std::mem::take(&mut self.parser.callbacks_mut().out);
        if !answers.is_empty() {
            self.input.write_all(&answers)?;
        }
        // Keys take effect in order; one per arrival is plenty, as keys are
        // a second apart and arrivals are small.
        if let Some(k) = self.pending.front()
            && self.arrived > k.offset
            && self.parser.screen().contents().contains(k.shows)
        {
            self.key_ms.push(k.at.elapsed().as_secs_f64() * 1e3);
            self.pending.pop_front();
        }
        Ok(())
    }

    /// Send `key` into the pty now; it has arrived when the screen shows
    /// `shows` in output read after `offset` bytes (the relay's count now).
    pub fn press(&mut self, key: &[u8], shows: &'static str, offset: u64) -> io::Result<()> {
        self.pending.push_back(Key { shows, at: Instant::now(), offset });
        self.input.write_all(key)
    }

    /// Keys pressed whose effect has not reached the screen.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// Milliseconds each key still waiting has waited: for keys never shown,
    /// the least their time to screen can be.
    pub fn waited(&self) -> Vec<f64> {
        self.pending.iter().map(|k| k.at.elapsed().as_secs_f64() * 1e3).collect()
    }

    pub fn contents(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn answered(&self) -> u64 {
        self.parser.callbacks().count
    }
}

/// (symbol, price in cents) of each watchlist row on `screen`: rows whose
/// first cell is a benchmark symbol (`S0000`) and whose second is a price.
pub fn quotes(screen: &str) -> Vec<(String, i64)> {
    screen
        .lines()
        .filter_map(|l| {
            let mut cells = l.trim_matches(|c| c == '│' || c == ' ').split_whitespace();
            let (sym, last) = (cells.next()?, cells.next()?);
            let is_sym = sym.len() == 5
                && sym.starts_with('S')
                && sym[1..].bytes().all(|b| b.is_ascii_digit());
            let price: f64 = last.replace(',', "").parse().ok()?;
            is_sym.then(|| (sym.to_owned(), (price * 100.0).round() as i64))
        })
        .collect()
}
