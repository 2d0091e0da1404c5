//! `meridian serve --hostile`: the server wraps the text it sends in the
//! terminal attacks a compromised or malicious backend could try, so the
//! console's cleaning can be seen (and tested) end to end. What a terminal
//! would show after a correct cleaning is exactly the original text.

use rusqlite::Connection;

/// Sequences put before the text: a window title (OSC 0 and 2, the latter
/// through tmux's DCS passthrough), a clipboard write (OSC 52), a link
/// with a hidden target (OSC 8), a bidi override and a zero-width space.
const BEFORE: &str = concat!(
    "\x1b]0;pwned-title\x07",
    "\x1b]52;c;cHduZWQtY2xpcGJvYXJk\x07",
    "\x1bPtmux;\x1b\x1b]2;pwned-tmux\x07\x1b\\",
    "\x1b]8;;https://pwned.example/\x1b\\",
    "\u{202E}\u{200B}",
);

/// Sequences put after it: the end of the link, a cursor-position query
/// (CSI 6n, whose answer a terminal types into our stdin), a screen clear,
/// an 8-bit CSI, a kitty graphics APC, a full reset (`ESC c`), a bell, and
/// a title set that never ends.
const AFTER: &str = concat!(
    "\x1b]8;;\x1b\\",
    "\x1b[6n\x1b[2J\u{9b}31m",
    "\x1b_Gf=100;cHduZWQ=\x1b\\",
    "\x1bc\x07",
    "\x1b]0;pwned-unterminated",
);

/// `text` wrapped in the attacks.
pub(crate) fn wrap(text: &str) -> String {
    format!("{BEFORE}{text}{AFTER}")
}

/// Wrap every stored insight's title and summary.
pub(crate) fn poison_insights(conn: &mut Connection) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    let rows: Vec<(i64, String, String)> = {
        let mut q = tx.prepare("SELECT id, title, summary FROM insights")?;
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
    };
    for (id, title, summary) in rows {
        tx.execute(
            "UPDATE insights SET title = ?1, summary = ?2 WHERE id = ?3",
            rusqlite::params![wrap(&title), wrap(&summary), id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_a_wrapped_text_gives_the_text_back() {
        let wrapped = wrap("Momentum in AAPL");
        assert!(wrapped.contains('\x1b') && wrapped.contains("pwned"));
        assert_eq!(crate::sanitize::clean(&wrapped), "Momentum in AAPL");
    }
}
