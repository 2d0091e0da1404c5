//! Config errors that say where the bad value came from, and a map from
//! key paths to lines so parse and validation errors can name a line.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::keymap::KeymapError;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A config file, with the 1-based line.
    File { path: PathBuf, line: usize },
    /// The chosen profile's table in the config file (boxed: errors carry
    /// an Origin and stay small).
    Profile(Box<ProfileLine>),
    /// An environment variable (its name, never its value).
    Env(String),
    /// A command-line flag such as `--fps` (or its environment twin).
    Flag(&'static str),
    /// Meridian's built-in default.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
            Origin::Profile(p) => write!(f, "{}:{} (profile {})", p.path.display(), p.line, p.name),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Default => f.write_str("built-in default"),
        }
    }
}

/// Where in the config file a profile set a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileLine {
    pub name: String,
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
}

/// Everything that can go wrong loading the config. Each message is one
/// line naming the file and line (or variable, or flag) and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {} does not exist", path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read config file {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{origin}: {message}")]
    Syntax { origin: Origin, message: String },
    #[error("{origin}: unknown key `{key}` in {table} (expected one of: {})", expected.join(", "))]
    UnknownKey { origin: Origin, table: String, key: String, expected: Vec<String> },
    #[error("{origin}: {key}: {message}")]
    Invalid { origin: Origin, key: String, message: String },
    #[error("{origin}: {error}")]
    Keymap { origin: Origin, error: Box<KeymapError> },
    #[error("{origin}: unknown profile `{name}`; {known}")]
    UnknownProfile { origin: Origin, name: String, known: String },
    #[error("cannot read token file {} (server.token_file): {error}", path.display())]
    TokenFile { path: PathBuf, error: std::io::Error },
    #[error("server.token_command `{command}`: {message}")]
    TokenCommand { command: String, message: String },
}

impl ConfigError {
    /// The key path the error is about (`ui.fps`), when there is one.
    pub fn key(&self) -> Option<String> {
        match self {
            ConfigError::UnknownKey { table, key, .. } => Some(match table.strip_prefix('[') {
                Some(t) => format!("{}.{key}", t.trim_end_matches(']')),
                None => key.clone(),
            }),
            ConfigError::Invalid { key, .. } => Some(key.clone()),
            ConfigError::Keymap { error, .. } => error.key_paths().into_iter().next(),
            _ => None,
        }
    }
}

/// 1-based line of byte offset `pos` in `text`.
pub(super) fn line_of(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Every key in one parsed file: its dotted path, and the spans of the key
/// and of its value. Used to turn error spans into key paths and key paths
/// into lines.
pub(super) struct KeyIndex {
    path: PathBuf,
    text: String,
    entries: Vec<(String, Range<usize>, Range<usize>)>,
}

impl KeyIndex {
    pub(super) fn new(path: &Path, text: &str, doc: &DeTable<'_>) -> KeyIndex {
        let mut index = KeyIndex { path: path.to_owned(), text: text.to_owned(), entries: vec![] };
        index.collect("", doc);
        index
    }

    fn collect(&mut self, prefix: &str, table: &DeTable<'_>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            self.entries.push((path.clone(), key.span(), value.span()));
            if let DeValue::Table(inner) = value.get_ref() {
                self.collect(&path, inner);
            }
        }
    }

    pub(super) fn origin_at(&self, pos: usize) -> Origin {
        Origin::File { path: self.path.clone(), line: line_of(&self.text, pos) }
    }

    /// Where `path` is set: the line of its key, or of the first key inside it.
    pub(super) fn origin_of(&self, path: &str) -> Option<Origin> {
        let nested = format!("{path}.");
        let (_, key_span, _) = self
            .entries
            .iter()
            .find(|(p, _, _)| p == path)
            .or_else(|| self.entries.iter().find(|(p, _, _)| p.starts_with(&nested)))?;
        Some(self.origin_at(key_span.start))
    }

    /// The most specific key whose key or value covers byte `pos`.
    pub(super) fn key_at(&self, pos: usize) -> Option<&str> {
        self.entries
            .iter()
            .filter(|(_, k, v)| k.contains(&pos) || v.contains(&pos))
            .min_by_key(|(_, k, v)| if v.contains(&pos) { v.len() } else { k.len() })
            .map(|(p, _, _)| p.as_str())
    }

    /// Turn a serde error from deserialising this file into a ConfigError.
    pub(super) fn deserialize_error(&self, err: &toml::de::Error) -> ConfigError {
        let pos = err.span().map_or(0, |s| s.start);
        let message = err.message().trim().to_owned();
        if let Some((field, expected)) = parse_unknown_field(&message) {
            // The span may be the key itself or its whole enclosing table.
            let full = match self.key_at(pos) {
                Some(p) if p == field || p.ends_with(&format!(".{field}")) => p.to_owned(),
                Some(p) => format!("{p}.{field}"),
                None => field.clone(),
            };
            let origin = self.origin_of(&full).unwrap_or_else(|| self.origin_at(pos));
            let table = match self.parent_of(&full) {
                Some(p) => format!("[{p}]"),
                None => "the top level".to_owned(),
            };
            return ConfigError::UnknownKey { origin, table, key: field, expected };
        }
        match self.key_at(pos) {
            Some(key) => {
                ConfigError::Invalid { origin: self.origin_at(pos), key: key.to_owned(), message }
            }
            None => ConfigError::Syntax { origin: self.origin_at(pos), message },
        }
    }

    fn parent_of(&self, full: &str) -> Option<String> {
        full.rsplit_once('.').map(|(p, _)| p.to_owned())
    }
}

/// Split serde's "unknown field `x`, expected one of `a`, `b`" into the
/// field and the expected names.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    Some((field.to_owned(), expected))
}
