//! SGR (Select Graphic Rendition) sequences: the pen a terminal draws
//! with, and the shortest sequence that takes it from one pen to another.
//! Named colours use the short 16-colour codes (`31` rather than
//! `38;5;1`), which terminals with few colours understand too.

use std::io::Write;

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// The style a terminal is drawing with.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub underline: Color,
    pub modifier: Modifier,
}

impl Pen {
    pub(crate) const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    pub(crate) fn of(cell: &Cell) -> Pen {
        Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
    }
}

const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// Off codes. Bold and dim share 22 and the blinks share 25, so dropping
/// one of those goes through a full reset instead (see [`delta`]).
const MODIFIER_OFF: [(Modifier, u8); 5] = [
    (Modifier::ITALIC, 23),
    (Modifier::UNDERLINED, 24),
    (Modifier::REVERSED, 27),
    (Modifier::HIDDEN, 28),
    (Modifier::CROSSED_OUT, 29),
];

/// Modifiers without an off code of their own.
const SHARED_OFF: Modifier =
    Modifier::BOLD.union(Modifier::DIM).union(Modifier::SLOW_BLINK).union(Modifier::RAPID_BLINK);

/// Append an SGR parameter, `;`-separated.
fn param(out: &mut Vec<u8>, first: &mut bool, p: std::fmt::Arguments<'_>) {
    if !*first {
        out.push(b';');
    }
    *first = false;
    let _ = out.write_fmt(p);
}

/// `base` is 30 for the foreground, 40 for the background; 58 marks the
/// underline colour, which has only the extended forms.
fn colour(out: &mut Vec<u8>, first: &mut bool, c: Color, base: u8) {
    let (ext, reset) = match base {
        30 => (38, 39),
        40 => (48, 49),
        _ => (58, 59),
    };
    let ansi = |i: u8| if i < 8 { base + i } else { base + 60 + (i - 8) };
    match c {
        Color::Reset => param(out, first, format_args!("{reset}")),
        Color::Indexed(i) => param(out, first, format_args!("{ext};5;{i}")),
        Color::Rgb(r, g, b) => param(out, first, format_args!("{ext};2;{r};{g};{b}")),
        named => {
            let i = match named {
                Color::Black => 0,
                Color::Red => 1,
                Color::Green => 2,
                Color::Yellow => 3,
                Color::Blue => 4,
                Color::Magenta => 5,
                Color::Cyan => 6,
                Color::Gray => 7,
                Color::DarkGray => 8,
                Color::LightRed => 9,
                Color::LightGreen => 10,
                Color::LightYellow => 11,
                Color::LightBlue => 12,
                Color::LightMagenta => 13,
                Color::LightCyan => 14,
                _ => 15,
            };
            if base == 58 {
                param(out, first, format_args!("58;5;{i}"));
            } else {
                param(out, first, format_args!("{}", ansi(i)));
            }
        }
    }
}

/// One SGR sequence taking the terminal from `from` to `to` by changing
/// only what differs.
fn delta(out: &mut Vec<u8>, from: Pen, to: Pen) {
    out.extend_from_slice(b"\x1b[");
    let mut first = true;
    let removed = from.modifier - to.modifier;
    let from = if removed.intersects(SHARED_OFF) {
        param(out, &mut first, format_args!("0"));
        Pen::RESET
    } else {
        for (m, code) in MODIFIER_OFF {
            if removed.contains(m) {
                param(out, &mut first, format_args!("{code}"));
            }
        }
        from
    };
    let added = to.modifier - from.modifier;
    for (m, code) in MODIFIER_CODES {
        if added.contains(m) {
            param(out, &mut first, format_args!("{code}"));
        }
    }
    if to.fg != from.fg {
        colour(out, &mut first, to.fg, 30);
    }
    if to.bg != from.bg {
        colour(out, &mut first, to.bg, 40);
    }
    if to.underline != from.underline {
        colour(out, &mut first, to.underline, 58);
    }
    out.push(b'm');
}

/// The shortest SGR sequence taking the terminal from `from` to `to`:
/// changing what differs, or resetting and setting what `to` needs
/// (`ESC[m` alone when that is nothing).
pub(super) fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    let start = out.len();
    delta(out, from, to);
    let changed = out.len() - start;
    let mid = out.len();
    delta(out, Pen::RESET, to);
    // `ESC[0;…m` from RESET's delta, but `ESC[m` for RESET itself.
    let reset_len = if to == Pen::RESET { 3 } else { out.len() - mid + 2 };
    if reset_len < changed {
        let from_reset = out.split_off(mid);
        out.truncate(start);
        if to == Pen::RESET {
            out.extend_from_slice(b"\x1b[m");
        } else {
            out.extend_from_slice(b"\x1b[0;");
            out.extend_from_slice(&from_reset[2..]);
        }
    } else {
        out.truncate(mid);
    }
}
