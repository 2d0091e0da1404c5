//! Layers that point one way: the modules below the console (network
//! clients, feeds, outbox, protocol, server, config, headless commands,
//! formatting) never reach up into the console's state (`app`), drawing
//! (`ui`), terminal loop (`tui`) or wiring (`launch`). Read from the source,
//! so a new `use crate::app::...` in a lower module fails here, naming the
//! file and line.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};

/// The console and its wiring: only these may use one another.
const UPPER: [&str; 4] = ["app", "launch", "tui", "ui"];

/// Everything else in the crate. Clap's argument types (`cli` naming
/// `headless` and `server` types, and back) are the one cycle allowed.
const LOWER: [&str; 26] = [
    "api",
    "cli",
    "clipboard",
    "config",
    "event",
    "feeds",
    "format",
    "headless",
    "http",
    "json_file",
    "keymap",
    "notify",
    "outbox",
    "palette_history",
    "price_alerts",
    "protocol",
    "remote",
    "sanitize",
    "server",
    "sources",
    "task",
    "theme",
    "tls",
    "token",
    "venues",
    "watchlist",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// The tokens of `source` with their line numbers (from 1). Comment lines
/// are left out: a doc link is not an import.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let token = match c {
                c if c.is_whitespace() => continue,
                c if c.is_alphabetic() || c == '_' => {
                    let mut end = i + c.len_utf8();
                    while let Some(&(j, d)) = chars.peek() {
                        if !(d.is_alphanumeric() || d == '_') {
                            break;
                        }
                        end = j + d.len_utf8();
                        chars.next();
                    }
                    Token::Ident(line[i..end].to_owned())
                }
                ':' if chars.peek().is_some_and(|&(_, d)| d == ':') => {
                    chars.next();
                    Token::PathSep
                }
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                _ => Token::Other,
            };
            out.push((token, n + 1));
        }
    }
    out
}

/// Each place in `source` where a path from the crate root names an upper
/// module: `crate::app`, `crate::{cli, ui::fmt}`, or enough `super::` to
/// climb out of a file `depth` modules below the root. (line, module).
fn upward_imports(source: &str, depth: usize) -> Vec<(usize, String)> {
    let toks = tokens(source);
    let is = |i: usize, t: &Token| toks.get(i).is_some_and(|(tok, _)| tok == t);
    let ident = |i: usize, name: &str| is(i, &Token::Ident(name.to_owned()));
    let mut found = Vec::new();
    for i in 0..toks.len() {
        if i > 0 && is(i - 1, &Token::PathSep) {
            continue; // not where a path starts
        }
        let after_root = if ident(i, "crate") && is(i + 1, &Token::PathSep) {
            Some(i + 2)
        } else {
            let mut j = i;
            while ident(j, "super") && is(j + 1, &Token::PathSep) {
                j += 2;
            }
            ((j - i) / 2 >= depth && j > i).then_some(j)
        };
        if let Some(at) = after_root {
            first_segments(&toks, at, &mut found);
        }
    }
    found
}

/// The upper modules named as the first segment at `at`: a name, or each
/// item of a `{...}` group.
fn first_segments(toks: &[(Token, usize)], at: usize, found: &mut Vec<(usize, String)>) {
    match toks.get(at) {
        Some((Token::Ident(name), line)) if UPPER.contains(&name.as_str()) => {
            found.push((*line, name.clone()));
        }
        Some((Token::Open, _)) => {
            let mut level = 0;
            for j in at..toks.len() {
                match toks[j].0 {
                    Token::Open => level += 1,
                    Token::Close => level -= 1,
                    _ => {}
                }
                if level == 0 {
                    break;
                }
                let starts_item = j == at || (level == 1 && matches!(toks[j].0, Token::Comma));
                if starts_item {
                    first_segments(toks, j + 1, found);
                }
            }
        }
        _ => {}
    }
}

/// How many modules below the crate root the file at `rel` (under `src/`) is.
fn module_depth(rel: &Path) -> usize {
    let dirs = rel.components().count() - 1;
    if rel.file_name().is_some_and(|f| f == "mod.rs") { dirs } else { dirs + 1 }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source files of the lower module `name`: `src/name.rs` or the
/// files under `src/name/`.
fn files_of(name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let dir = src().join(name);
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    } else {
        files.push(src().join(format!("{name}.rs")));
    }
    files.sort();
    files
}

#[test]
fn lower_modules_never_import_the_console_or_its_wiring() {
    let mut violations = Vec::new();
    for name in LOWER {
        for path in files_of(name) {
            let rel = path.strip_prefix(src()).unwrap();
            let source = std::fs::read_to_string(&path).unwrap();
            for (line, upper) in upward_imports(&source, module_depth(rel)) {
                violations.push(format!("src/{}:{line} uses crate::{upper}", rel.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "modules below the console must not import app, ui, tui or launch \
         (move what they need down, e.g. to format or remote):\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn every_module_is_placed_in_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let modules: Vec<&str> =
        lib.lines().filter_map(|l| l.trim().strip_suffix(';')?.split("mod ").nth(1)).collect();
    assert!(modules.contains(&"app") && modules.contains(&"tls"), "{modules:?}");
    let unplaced: Vec<_> =
        modules.iter().filter(|m| !UPPER.contains(m) && !LOWER.contains(m)).collect();
    assert!(
        unplaced.is_empty(),
        "add {unplaced:?} to UPPER or LOWER in tests/layers.rs, so its imports are checked"
    );
}

#[test]
fn the_check_sees_every_way_of_naming_an_upper_module() {
    let source = "\
use crate::app::App;
use crate::{
    cli::ConnArgs,
    ui::fmt,
};
// crate::tui in a comment is not an import
fn f() { crate::launch::console(); super::super::tui::run(); }
";
    let lines: Vec<(usize, String)> = upward_imports(source, 2);
    let want = [(1, "app"), (4, "ui"), (7, "launch"), (7, "tui")];
    assert_eq!(lines, want.map(|(n, m)| (n, m.to_owned())).to_vec());
}

#[test]
fn the_check_leaves_lower_paths_alone() {
    let source = "\
use crate::{format, remote::{Remote, api_client}};
use crate::applied::X;
use super::app::Local;
use feeds::app;
";
    // `super::app` from two levels down is a sibling, not the crate's `app`.
    assert_eq!(upward_imports(source, 2), Vec::new());
    assert_eq!(upward_imports(source, 1), vec![(3, "app".to_owned())]);
}
