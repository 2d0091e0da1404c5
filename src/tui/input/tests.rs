use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use proptest::prelude::*;

use super::*;

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// What a user would notice of an event: a key, or the probe's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Key(KeyCode, KeyModifiers),
    Answer,
}

fn seen(events: Vec<Event>) -> Vec<Seen> {
    events
        .into_iter()
        .map(|e| match e {
            Event::Key(k) => Seen::Key(k.code, k.modifiers),
            Event::TerminalAnswer => Seen::Answer,
            other => panic!("not an input event: {other:?}"),
        })
        .collect()
}

/// The events of these reads, each with its `maybe_more`, and how many
/// sequences were dropped.
fn decode(reads: &[(&[u8], bool)]) -> (Vec<Seen>, u64) {
    let mut decoder = Decoder::default();
    let events = reads.iter().flat_map(|(bytes, more)| decoder.feed(bytes, *more)).collect();
    (seen(events), decoder.dropped())
}

/// The events of one read that did not fill the buffer.
fn read(bytes: &[u8]) -> Vec<Seen> {
    decode(&[(bytes, false)]).0
}

fn key(code: KeyCode) -> Seen {
    Seen::Key(code, NONE)
}

/// The keys typing `text` gives, as crossterm reports them.
fn typed(text: &str) -> Vec<Seen> {
    text.chars()
        .map(|c| Seen::Key(KeyCode::Char(c), if c.is_uppercase() { SHIFT } else { NONE }))
        .collect()
}

#[test]
fn every_kind_of_key_reads_as_crossterm_reads_it() {
    use KeyCode::*;
    let table: Vec<(&[u8], KeyCode, KeyModifiers)> = vec![
        (b"a", Char('a'), NONE),
        (b"A", Char('A'), SHIFT),
        ("é".as_bytes(), Char('é'), NONE),
        (b" ", Char(' '), NONE),
        (b"\x01", Char('a'), CTRL),
        (b"\x03", Char('c'), CTRL),
        (b"\x08", Char('h'), CTRL),
        (b"\x00", Char(' '), CTRL),
        (b"\x1c", Char('4'), CTRL),
        (b"\x1bx", Char('x'), ALT),
        (b"\x1bX", Char('X'), ALT | SHIFT),
        (b"\x1b\x01", Char('a'), ALT | CTRL),
        ("\x1bé".as_bytes(), Char('é'), ALT),
        (b"\r", Enter, NONE),
        (b"\x1b\r", Enter, ALT),
        (b"\x1b", Esc, NONE),
        (b"\t", Tab, NONE),
        (b"\x1b[Z", BackTab, SHIFT),
        (b"\x7f", Backspace, NONE),
        (b"\x1b\x7f", Backspace, ALT),
        (b"\x1b[3~", Delete, NONE),
        (b"\x1b[2~", Insert, NONE),
        (b"\x1b[H", Home, NONE),
        (b"\x1bOH", Home, NONE),
        (b"\x1b[1~", Home, NONE),
        (b"\x1b[F", End, NONE),
        (b"\x1bOF", End, NONE),
        (b"\x1b[4~", End, NONE),
        (b"\x1b[5~", PageUp, NONE),
        (b"\x1b[6~", PageDown, NONE),
        (b"\x1b[5;5~", PageUp, CTRL),
        (b"\x1b[A", Up, NONE),
        (b"\x1b[B", Down, NONE),
        (b"\x1b[C", Right, NONE),
        (b"\x1b[D", Left, NONE),
        (b"\x1bOA", Up, NONE),
        (b"\x1b[1;5A", Up, CTRL),
        (b"\x1b[1;2C", Right, SHIFT),
        (b"\x1b[1;3D", Left, ALT),
        (b"\x1b[97;5u", Char('a'), CTRL),
        (b"\x1b[[A", F(1), NONE),
        (b"\x1b[1;2P", F(1), SHIFT),
    ];
    // F1 to F4 (SS3), F5 to F12 (xterm's numbers), F13 to F24 (CSI u).
    let f_keys: Vec<(Vec<u8>, u8)> = (b'P'..=b'S')
        .zip(1..)
        .map(|(b, n)| (vec![0x1b, b'O', b], n))
        .chain(
            [15, 17, 18, 19, 20, 21, 23, 24]
                .into_iter()
                .zip(5..)
                .map(|(code, n)| (format!("\x1b[{code}~").into_bytes(), n)),
        )
        .chain((57376..=57387).zip(13..).map(|(code, n)| (format!("\x1b[{code}u").into_bytes(), n)))
        .collect();
    assert_eq!(f_keys.len(), 24);
    let f_table = f_keys.iter().map(|(bytes, n)| (bytes.as_slice(), F(*n), NONE));
    for (bytes, code, modifiers) in table.into_iter().chain(f_table) {
        let mut decoder = Decoder::default();
        let events = decoder.feed(bytes, false);
        let [Event::Key(got)] = events.as_slice() else {
            panic!("{:?} should be one key, got {events:?}", bytes.escape_ascii().to_string())
        };
        let want = KeyEvent::new(code, modifiers);
        assert_eq!(*got, want, "{}", bytes.escape_ascii());
    }
}

#[test]
fn key_kinds_and_extra_modifiers_come_through_by_name() {
    let mut decoder = Decoder::default();
    // Kitty's protocol: release of `a`, Super-a, keypad 0.
    let events = decoder.feed(b"\x1b[97;1:3u\x1b[97;9u\x1b[57399u", false);
    let keys: Vec<KeyEvent> = events
        .into_iter()
        .map(|e| match e {
            Event::Key(k) => k,
            other => panic!("a key, not {other:?}"),
        })
        .collect();
    assert_eq!(keys[0].kind, KeyEventKind::Release);
    assert_eq!((keys[1].code, keys[1].modifiers), (KeyCode::Char('a'), KeyModifiers::SUPER));
    assert_eq!((keys[2].code, keys[2].state), (KeyCode::Char('0'), KeyEventState::KEYPAD));
}

#[test]
fn device_attributes_answers_with_any_parameters_are_the_answer() {
    for answer in [
        &b"\x1b[?64;1c"[..],
        b"\x1b[?62;22c",
        b"\x1b[?1;2c",
        b"\x1b[?6c",
        b"\x1b[?65;1;2;6;7;8;9;15;18;21;22;28;29c",
    ] {
        assert_eq!(
            decode(&[(answer, false)]),
            (vec![Seen::Answer], 0),
            "{}",
            answer.escape_ascii()
        );
    }
}

/// Keys, the probe's answer among them, and keys after it.
const MIXED: &[u8] = b"ab\x1b[?64;1c1\x1b[A";

fn mixed_expected() -> Vec<Seen> {
    let mut want = typed("ab");
    want.extend([Seen::Answer, key(KeyCode::Char('1')), key(KeyCode::Up)]);
    want
}

#[test]
fn an_answer_split_at_any_byte_keeps_its_place_among_the_keys() {
    for cut in 0..=MIXED.len() {
        let (head, tail) = MIXED.split_at(cut);
        // The first read filled the buffer.
        assert_eq!(decode(&[(head, true), (tail, false)]), (mixed_expected(), 0), "cut at {cut}");
        // A short first read: the same, unless it ends in a lone ESC,
        // which is then the Esc key (tested below).
        if !head.ends_with(b"\x1b") {
            let got = decode(&[(head, false), (tail, false)]);
            assert_eq!(got, (mixed_expected(), 0), "short read, cut at {cut}");
        }
    }
    // One byte a read, every read but the last filling its buffer.
    let reads: Vec<(&[u8], bool)> =
        MIXED.chunks(1).enumerate().map(|(i, b)| (b, i + 1 < MIXED.len())).collect();
    assert_eq!(decode(&reads), (mixed_expected(), 0));
}

#[test]
fn a_lone_esc_in_a_short_read_is_the_esc_key() {
    let esc = key(KeyCode::Esc);
    assert_eq!(read(b"\x1b"), vec![esc.clone()]);
    assert_eq!(
        decode(&[(b"\x1b", false), (b"x", false)]).0,
        [esc.clone(), key(KeyCode::Char('x'))]
    );
    assert_eq!(read(b"\x1b\x1b"), [esc.clone(), esc.clone()], "Esc twice");
    assert_eq!(read(b"q\x1b"), [key(KeyCode::Char('q')), esc]);
    // Cut off by a full buffer, the ESC goes with what follows.
    assert_eq!(decode(&[(b"\x1b", true), (b"x", false)]).0, [Seen::Key(KeyCode::Char('x'), ALT)]);
}

#[test]
fn bare_introducers_ending_a_short_read_are_alt_chords() {
    assert_eq!(read(b"\x1b]"), [Seen::Key(KeyCode::Char(']'), ALT)]);
    assert_eq!(read(b"\x1bP"), [Seen::Key(KeyCode::Char('P'), ALT | SHIFT)]);
    assert_eq!(read(b"\x1bO"), [Seen::Key(KeyCode::Char('O'), ALT | SHIFT)]);
    let (got, dropped) = decode(&[(b"\x1b]", false), (b"2", false)]);
    assert_eq!(
        (got, dropped),
        (vec![Seen::Key(KeyCode::Char(']'), ALT), key(KeyCode::Char('2'))], 0)
    );
    // `ESC [` begins answers: it waits for the rest.
    assert_eq!(decode(&[(b"\x1b[", false), (b"?64;1c", false)]), (vec![Seen::Answer], 0));
}

#[test]
fn unknown_sequences_and_other_answers_are_dropped_and_the_keys_after_them_kept() {
    let cases: [&[u8]; 15] = [
        b"\x1b[99z",
        // termina alone reads on to the next `c` and takes it for an answer.
        b"\x1b[?1x",
        // A secondary attributes answer: termina alone waits for ` q`.
        b"\x1b[>41;354;0c",
        b"\x1b[12;40R",
        b"\x1b[0n",
        b"\x1b[?2026;2$y",
        b"\x1b[I",
        b"\x1b[O",
        b"\x1b[<0;10;5M",
        b"\x1b[M !!",
        b"\x1bOx",
        b"\x1b]11;rgb:2828/2828/2828\x07",
        b"\x1b]11;rgb:0/0/0\x1b\\",
        b"\x1bP1$r0m\x1b\\",
        b"\x1b_Gi=1;OK\x1b\\",
    ];
    for sequence in cases {
        let input = [b"x", sequence, b"c q"].concat();
        let (got, dropped) = decode(&[(&input, false)]);
        let want = [typed("x"), typed("c q")].concat();
        assert_eq!((got, dropped), (want, 1), "{}", sequence.escape_ascii());
    }
}

#[test]
fn sequences_broken_off_or_too_long_are_dropped_and_the_keys_kept() {
    // A control byte ends a string (answers are printable) and is a key.
    assert_eq!(decode(&[(b"\x1b]ab\r", false)]), (vec![key(KeyCode::Enter)], 1));
    // An ESC ends a control sequence and begins the next.
    assert_eq!(decode(&[(b"\x1b[12\x1b[B", false)]), (vec![key(KeyCode::Down)], 1));
    let long = [b"\x1b[".as_slice(), &b"1;".repeat(400), b"mok"].concat();
    assert_eq!(decode(&[(&long, false)]), (typed("ok"), 1));
}

/// Text with capitals, digits, punctuation and characters of two to four
/// bytes, long enough to fill several reads.
fn paste_text() -> String {
    "Quarterly P&L: 1,234.5 € — 漢字 ok 🙂; ".repeat(120)
}

#[test]
fn pasted_text_in_one_read_is_every_character() {
    let text = paste_text();
    assert!(text.len() > 4096);
    assert_eq!(decode(&[(text.as_bytes(), false)]), (typed(&text), 0));
}

#[test]
fn pasted_text_cut_by_full_reads_inside_characters_loses_nothing() {
    let text = paste_text();
    let chunks: Vec<&[u8]> = text.as_bytes().chunks(1000).collect();
    let last = chunks.len() - 1;
    let reads: Vec<(&[u8], bool)> =
        chunks.into_iter().enumerate().map(|(i, c)| (c, i < last)).collect();
    assert_eq!(decode(&reads), (typed(&text), 0));
}

#[test]
fn a_bracketed_paste_is_typed_one_key_per_character() {
    let (got, dropped) = decode(&[(b"\x1b[200~Hello, 1 World\x1b[201~q", false)]);
    let mut want = typed("Hello, 1 World");
    want.push(key(KeyCode::Char('q')));
    assert_eq!((got, dropped), (want, 0));
}

/// Input a user or the terminal could send, with what it should give.
fn token() -> impl Strategy<Value = (Vec<u8>, Vec<Seen>)> {
    let fixed: Vec<(&[u8], Vec<Seen>)> = vec![
        (b"a", typed("a")),
        (b"Z", typed("Z")),
        (b"5", typed("5")),
        ("€".as_bytes(), typed("€")),
        (b"\r", vec![key(KeyCode::Enter)]),
        (b"\x7f", vec![key(KeyCode::Backspace)]),
        (b"\x03", vec![Seen::Key(KeyCode::Char('c'), CTRL)]),
        (b"\x1bx", vec![Seen::Key(KeyCode::Char('x'), ALT)]),
        (b"\x1b[A", vec![key(KeyCode::Up)]),
        (b"\x1b[1;5C", vec![Seen::Key(KeyCode::Right, CTRL)]),
        (b"\x1b[6~", vec![key(KeyCode::PageDown)]),
        (b"\x1bOQ", vec![key(KeyCode::F(2))]),
        (b"\x1b[Z", vec![Seen::Key(KeyCode::BackTab, SHIFT)]),
        (b"\x1b[?64;1c", vec![Seen::Answer]),
        (b"\x1b[?62;22c", vec![Seen::Answer]),
        (b"\x1b[3;7R", vec![]),
        (b"\x1b[>1;10;0c", vec![]),
        (b"\x1b[I", vec![]),
    ];
    proptest::sample::select(fixed).prop_map(|(b, s)| (b.to_vec(), s))
}

proptest! {
    /// However the input is cut into reads, every key and answer comes out
    /// once, in order, and nothing else. A read may end short anywhere but
    /// one or two bytes into a sequence (ESC, `ESC O`), where only a full
    /// buffer tells a sequence from the Esc key or an Alt chord.
    #[test]
    fn any_cut_into_reads_gives_the_same_keys_and_answers(
        tokens in proptest::collection::vec(token(), 1..40),
        cuts in proptest::collection::vec((1usize..12, any::<bool>()), 1..60),
    ) {
        let mut bytes = Vec::new();
        let mut want = Vec::new();
        let mut ambiguous = std::collections::HashSet::new();
        for (b, s) in tokens {
            if b[0] == 0x1b {
                ambiguous.extend([bytes.len() + 1, bytes.len() + 2].into_iter().filter(|&i| i < bytes.len() + b.len()));
            }
            bytes.extend(b);
            want.extend(s);
        }
        let mut decoder = Decoder::default();
        let mut got = Vec::new();
        let mut at = 0usize;
        for (len, short) in cuts.into_iter().chain(std::iter::repeat((usize::MAX, true))) {
            let end = at.saturating_add(len).min(bytes.len());
            let maybe_more = end < bytes.len() && (!short || ambiguous.contains(&end));
            got.extend(decoder.feed(&bytes[at..end], maybe_more));
            at = end;
            if at == bytes.len() {
                break;
            }
        }
        prop_assert_eq!(seen(got), want);
    }
}
