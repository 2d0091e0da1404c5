//! `[profiles.NAME]`: which environment the console talks to. A profile
//! holds the keys that say where things are and how to reach them (the
//! server and feed URLs, the price feed's format, the token source, the CA
//! file, Prometheus and Alertmanager, read-only, the data directory) under
//! the same names as the base config, plus a colour for the header's badge.
//! Chosen with `--profile`, MERIDIAN_PROFILE or the file's top-level
//! `profile`, its values sit above the file's base and below the
//! environment and the flags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::{Deserialize, Serialize};

use super::error::{KeyIndex, ProfileLine};
use super::validate::check_url;
use super::{Config, ConfigError, Origin};

/// The environment variable that chooses a profile (below `--profile`).
pub(super) const PROFILE_VAR: &str = "MERIDIAN_PROFILE";

/// Longest profile name: it is drawn in the header and names a directory.
const MAX_NAME: usize = 32;

/// Names that mean production (also as `prod-eu`...): their badge is red
/// unless told otherwise.
const PRODUCTION: &[&str] = &["prod", "production"];

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// One `[profiles.NAME]` table. Every key is optional: what is not set
/// stays as the base config has it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileConfig {
    /// The header badge's colour, one of the theme's colour names (`red`,
    /// `yellow`, `green`, `blue`, `magenta`, `cyan`, `white`...); `color`
    /// is accepted too. Default: red for `prod` and `production`, else the
    /// theme's accent.
    #[serde(alias = "color", skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// This profile's own data directory (outbox, watchlist, logs).
    /// Default: `profiles/NAME` inside the data directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "is_default")]
    pub server: ProfileServer,
    #[serde(skip_serializing_if = "is_default")]
    pub feeds: ProfileFeeds,
    #[serde(skip_serializing_if = "is_default")]
    pub user: ProfileUser,
    #[serde(skip_serializing_if = "is_default")]
    pub sources: ProfileSources,
}

/// `[profiles.NAME.server]`: the `[server]` keys that name an environment.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileServer {
    /// The REST base URL. Feed URLs the profile does not set derive from
    /// it, not from the base config's feed URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_url: Option<String>,
    /// With `token_command`, the token source: setting either replaces the
    /// base config's token source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_command: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// `[profiles.NAME.feeds]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileFeeds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_format: Option<crate::venues::PricesFormat>,
}

/// `[profiles.NAME.user]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileUser {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

/// `[profiles.NAME.sources]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSources {
    #[serde(skip_serializing_if = "is_default")]
    pub prometheus: ProfileSource,
    #[serde(skip_serializing_if = "is_default")]
    pub alertmanager: ProfileSource,
}

/// `[profiles.NAME.sources.prometheus]` or `.alertmanager`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
}

/// The chosen profile as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveProfile {
    pub name: String,
    /// The badge's colour; `None`: the theme's accent.
    pub colour: Option<Color>,
}

impl ActiveProfile {
    /// A production profile (`prod`, `production`, `production-eu`...):
    /// red by default.
    pub fn is_production(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        PRODUCTION.iter().any(|p| name == *p || name.starts_with(&format!("{p}-")))
    }

    /// The badge's colour: as configured, else red for production, else
    /// none (the theme's accent).
    pub fn badge_colour(&self) -> Option<Color> {
        self.colour.or_else(|| self.is_production().then_some(Color::Red))
    }
}

/// Put `value`, if set, in `slot`, and note `path` as set.
fn put<T: Clone>(set: &mut Vec<&'static str>, path: &'static str, value: &Option<T>, slot: &mut T) {
    if let Some(v) = value {
        *slot = v.clone();
        set.push(path);
    }
}

/// Put `value`, if set, in the optional `slot`.
fn put_some<T: Clone>(
    set: &mut Vec<&'static str>,
    path: &'static str,
    value: &Option<T>,
    slot: &mut Option<T>,
) {
    if let Some(v) = value {
        *slot = Some(v.clone());
        set.push(path);
    }
}

impl ProfileConfig {
    /// Lay this profile over `config`; the key paths it set, as in
    /// `[server]` (`server.url`).
    pub(super) fn apply(&self, config: &mut Config) -> Vec<&'static str> {
        let mut set = Vec::new();
        let (s, server) = (&self.server, &mut config.server);
        if s.url.is_some() {
            // Another server: its feeds unless the profile names them.
            server.prices_url = None;
            server.backfill_url = None;
            server.health_url = None;
        }
        if s.token_file.is_some() || s.token_command.is_some() {
            // The profile's token source replaces the base's, whichever kind.
            server.token_file = None;
            server.token_command = None;
        }
        put(&mut set, "server.url", &s.url, &mut server.url);
        put_some(&mut set, "server.prices_url", &s.prices_url, &mut server.prices_url);
        put_some(&mut set, "server.backfill_url", &s.backfill_url, &mut server.backfill_url);
        put_some(&mut set, "server.health_url", &s.health_url, &mut server.health_url);
        put_some(&mut set, "server.token_file", &s.token_file, &mut server.token_file);
        put_some(&mut set, "server.token_command", &s.token_command, &mut server.token_command);
        put_some(&mut set, "server.ca_file", &s.ca_file, &mut server.ca_file);
        let format = &mut config.feeds.prices_format;
        put_some(&mut set, "feeds.prices_format", &self.feeds.prices_format, format);
        put(&mut set, "user.read_only", &self.user.read_only, &mut config.user.read_only);
        let (p, prometheus) = (&self.sources.prometheus, &mut config.sources.prometheus);
        put_some(&mut set, "sources.prometheus.url", &p.url, &mut prometheus.url);
        put_some(
            &mut set,
            "sources.prometheus.token_file",
            &p.token_file,
            &mut prometheus.token_file,
        );
        let (a, am) = (&self.sources.alertmanager, &mut config.sources.alertmanager);
        put_some(&mut set, "sources.alertmanager.url", &a.url, &mut am.url);
        put_some(&mut set, "sources.alertmanager.token_file", &a.token_file, &mut am.token_file);
        put_some(&mut set, "data_dir", &self.data_dir, &mut config.data_dir);
        set
    }

    /// The badge colour as set (checked at load).
    fn colour(&self) -> Option<Color> {
        self.colour.as_deref().and_then(|c| parse_colour(c).ok())
    }
}

/// A colour name as the theme files spell it, in any case.
fn parse_colour(name: &str) -> Result<Color, String> {
    crate::theme::parse_colour(&name.trim().to_ascii_lowercase()).map_err(|e| e.to_string())
}

/// Whether `name` can be a profile: 1 to 32 ASCII letters, digits, `-`
/// and `_` (it is drawn in the header and names a directory).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Config {
    /// The profile in use, with the colour it sets for its badge.
    pub fn active_profile(&self) -> Option<ActiveProfile> {
        let name = self.profile.clone()?;
        let colour = self.profiles.get(&name).and_then(ProfileConfig::colour);
        Some(ActiveProfile { name, colour })
    }

    /// Why decisions are refused, when `user.read_only` is on: the profile
    /// that asked for it, else the setting and its flag.
    pub fn read_only_reason(&self) -> Option<String> {
        if !self.user.read_only {
            return None;
        }
        let profile = self.profile.as_ref().filter(|name| {
            self.profiles.get(*name).is_some_and(|p| p.user.read_only == Some(true))
        });
        Some(match profile {
            Some(name) => format!("chosen by profile {name} (profiles.{name}.user.read_only)"),
            None => "chosen with --read-only (user.read_only)".to_owned(),
        })
    }
}

/// Check every profile's name, colour and URLs, wherever it is set, and
/// that the file's `profile` names one of them.
pub(super) fn validate(
    config: &Config,
    fail: &dyn Fn(&str, String) -> ConfigError,
) -> Result<(), ConfigError> {
    for (name, p) in &config.profiles {
        let key = |k: &str| format!("profiles.{name}.{k}");
        if !valid_name(name) {
            let message = format!(
                "profile names are 1 to {MAX_NAME} letters, digits, `-` and `_`, got `{}`",
                crate::sanitize::clean(name)
            );
            return Err(fail("profiles", message));
        }
        if let Some(colour) = &p.colour {
            parse_colour(colour).map_err(|m| fail(&key("colour"), m))?;
        }
        let s = &p.server;
        if let Some(url) = &s.url {
            check_url(url, &["http", "https"]).map_err(|m| fail(&key("server.url"), m))?;
        }
        for (k, url) in [
            ("prices_url", &s.prices_url),
            ("backfill_url", &s.backfill_url),
            ("health_url", &s.health_url),
        ] {
            if let Some(url) = url {
                check_url(url, &["ws", "wss"])
                    .map_err(|m| fail(&key(&format!("server.{k}")), m))?;
            }
        }
        if s.token_file.is_some() && s.token_command.is_some() {
            let message = "set server.token_file or server.token_command, not both".to_owned();
            return Err(fail(&key("server.token_command"), message));
        }
        for (k, url) in [
            ("sources.prometheus.url", &p.sources.prometheus.url),
            ("sources.alertmanager.url", &p.sources.alertmanager.url),
        ] {
            if let Some(url) = url {
                check_url(url, &["http", "https"]).map_err(|m| fail(&key(k), m))?;
            }
        }
    }
    match &config.profile {
        Some(name) if !config.profiles.contains_key(name) => {
            let name = crate::sanitize::clean(name);
            Err(fail("profile", format!("unknown profile `{name}`; this file {}", defined(config))))
        }
        _ => Ok(()),
    }
}

/// "defines prod, staging", or that there are none.
fn defined(config: &Config) -> String {
    if config.profiles.is_empty() {
        return "defines no profiles (no [profiles.NAME] table)".to_owned();
    }
    let names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
    format!("defines {}", names.join(", "))
}

/// An unknown profile `name`, chosen by `origin`: which ones `source` has.
fn unknown(config: &Config, name: &str, origin: Origin, source: Option<&Path>) -> ConfigError {
    let known = match source {
        Some(path) => format!("{} {}", path.display(), defined(config)),
        None => "no config file was read (`meridian config path` says where it goes)".to_owned(),
    };
    ConfigError::UnknownProfile { origin, name: crate::sanitize::clean(name), known }
}

/// The profile chosen and who chose it: `--profile`, else MERIDIAN_PROFILE,
/// else the file's `profile` (which must name one of its profiles even
/// when another is chosen).
pub(super) fn choose(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    config: &Config,
    source: Option<&Path>,
    file: Option<&KeyIndex>,
) -> Result<Option<(String, Origin)>, ConfigError> {
    let default = config.profile.clone().map(|name| {
        let origin = file.and_then(|f| f.origin_of("profile")).unwrap_or(Origin::Default);
        (name, origin)
    });
    if let Some((name, origin)) = &default
        && !config.profiles.contains_key(name)
    {
        return Err(unknown(config, name, origin.clone(), source));
    }
    let set = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(name) = flag.and_then(set) {
        return Ok(Some((name, Origin::Flag("--profile"))));
    }
    if let Some(name) = env(PROFILE_VAR).as_deref().and_then(set) {
        return Ok(Some((name, Origin::Env(PROFILE_VAR.to_owned()))));
    }
    Ok(default)
}

/// Lay the profile `name` over `config`: each key it set, with its line.
pub(super) fn resolve(
    config: &mut Config,
    (name, chosen_by): (String, Origin),
    source: Option<&Path>,
    file: Option<&KeyIndex>,
) -> Result<BTreeMap<String, Origin>, ConfigError> {
    let Some(profile) = config.profiles.get(&name).cloned() else {
        return Err(unknown(config, &name, chosen_by, source));
    };
    let set = profile.apply(config);
    config.profile = Some(name.clone());
    let origin_of = |key: &str| {
        let at = file.and_then(|f| f.origin_of(&format!("profiles.{name}.{key}")));
        let (path, line) = match at {
            Some(Origin::File { path, line }) => (path, line),
            _ => (source.map(Path::to_path_buf).unwrap_or_default(), 0),
        };
        Origin::Profile(Box::new(ProfileLine { name: name.clone(), path, line }))
    };
    Ok(set.into_iter().map(|key| (key.to_owned(), origin_of(key))).collect())
}

/// Each profile keeps its own outbox, watchlist and log: in
/// `profiles/NAME` inside the data directory, unless the profile names a
/// data directory itself (`data_dir` came from it).
pub(super) fn own_data_dir(config: &mut Config, data_dir_from: &Origin) {
    let Some(name) = &config.profile else { return };
    if matches!(data_dir_from, Origin::Profile(_)) {
        return;
    }
    config.data_dir = Some(config.data_dir().join("profiles").join(name));
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
