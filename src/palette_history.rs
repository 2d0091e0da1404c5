//! The `:` palette's command history, kept in the data directory so that
//! Up recalls yesterday's commands too. Bounded in entries and in length;
//! what is read back is cleaned, since a file can hold anything.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Commands kept, the newest last.
pub const MAX_ENTRIES: usize = 100;
/// Characters kept of one command (the prompt takes no more).
pub const MAX_CHARS: usize = 200;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    commands: Vec<String>,
}

pub(crate) fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("palette_history.json")
}

/// One command as it is kept: cleaned of control characters, on one line,
/// trimmed and cut to [`MAX_CHARS`]; `None` when nothing is left.
pub fn tidy(command: &str) -> Option<String> {
    let clean = crate::sanitize::clean(command);
    let cut: String = clean.trim().chars().take(MAX_CHARS).collect();
    let cut = cut.trim_end();
    (!cut.is_empty()).then(|| cut.to_owned())
}

/// `history` with `command` as its newest entry: an earlier copy of it
/// moves to the end rather than repeating, and the oldest go past
/// [`MAX_ENTRIES`].
pub fn remember(history: &mut Vec<String>, command: &str) {
    let Some(command) = tidy(command) else { return };
    history.retain(|c| *c != command);
    history.push(command);
    let over = history.len().saturating_sub(MAX_ENTRIES);
    history.drain(..over);
}

/// The saved history, oldest first; empty when there is none yet. A
/// damaged file is reported, not silently replaced.
pub fn load(data_dir: &Path) -> io::Result<Vec<String>> {
    let p = path(data_dir);
    let bytes = match std::fs::read(&p) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let file: File = serde_json::from_slice(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display())))?;
    let mut history = Vec::new();
    for command in &file.commands {
        remember(&mut history, command);
    }
    Ok(history)
}

/// Save atomically (the old file or the new one survives a crash).
pub fn save(data_dir: &Path, history: &[String]) -> io::Result<()> {
    crate::json_file::save_atomic(&path(data_dir), &File { commands: history.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_damage() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Vec::<String>::new());
        save(dir.path(), &["markets".into(), "theme mono".into()]).unwrap();
        assert_eq!(load(dir.path()).unwrap(), ["markets", "theme mono"]);
        std::fs::write(path(dir.path()), "{").unwrap();
        assert!(load(dir.path()).unwrap_err().to_string().contains("palette_history.json"));
    }

    #[test]
    fn a_repeat_moves_to_the_end_and_the_oldest_go() {
        let mut h = Vec::new();
        for i in 0..MAX_ENTRIES + 5 {
            remember(&mut h, &format!("symbol add S{i}"));
        }
        assert_eq!(h.len(), MAX_ENTRIES);
        assert_eq!(h[0], "symbol add S5");
        remember(&mut h, "  symbol add S5 ");
        assert_eq!(h.len(), MAX_ENTRIES);
        assert_eq!(h.last().map(String::as_str), Some("symbol add S5"));
        assert_eq!(h[0], "symbol add S6");
        remember(&mut h, "   ");
        assert_eq!(h.len(), MAX_ENTRIES, "nothing typed is not remembered");
    }

    #[test]
    fn what_is_read_back_is_clean_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(MAX_CHARS * 3);
        let hostile = "theme \u{1b}[31mmono\u{7}";
        save(dir.path(), &[long, hostile.into(), "\u{202e}".into()]).unwrap();
        let h = load(dir.path()).unwrap();
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(h[0].chars().count(), MAX_CHARS);
        assert!(h[1].chars().all(|c| !c.is_control()), "{:?}", h[1]);
        assert!(h[1].starts_with("theme "), "{:?}", h[1]);
    }
}
