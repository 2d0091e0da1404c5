//! Reading the layers (file, environment, flags) into one checked Config.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::error::{KeyIndex, line_of};
use super::{Config, ConfigError, Origin, env, profile, validate};
use crate::token::{self, Token};

/// Values from CLI flags (already merged with their env twins by clap),
/// highest precedence.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    /// `--profile`: the config file's `[profiles.NAME]` to use (above
    /// MERIDIAN_PROFILE and the file's `profile`).
    pub profile: Option<String>,
    pub server: Option<String>,
    pub prices_url: Option<String>,
    pub prices_format: Option<crate::venues::PricesFormat>,
    /// `--private`: hide holdings' quantities, values and P&L.
    pub private: bool,
    /// `--read-only`: queue no decision.
    pub read_only: bool,
    pub backfill_url: Option<String>,
    pub health_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub symbols: Option<Vec<String>>,
    pub log_level: Option<String>,
    pub fps: Option<u32>,
    pub prometheus: Option<String>,
    pub alertmanager: Option<String>,
}

/// A loaded, validated config and what it was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub config: Config,
    /// The config file read, if any.
    pub source: Option<PathBuf>,
    /// The API token: MERIDIAN_TOKEN, else the output of
    /// `server.token_command`, else the contents of `server.token_file`.
    pub token: Option<Token>,
    /// Things worth telling the user that do not stop the program (a token
    /// file others can read).
    pub warnings: Vec<String>,
    /// A Meridian backend is wanted: a server was set (file, environment or
    /// flag), or no other source was, so the default server stands.
    pub backend: bool,
    /// Bearer tokens for Prometheus and Alertmanager.
    pub prometheus_token: Option<Token>,
    pub alertmanager_token: Option<Token>,
    /// Who chose the profile in use (`config.profile`), if one is.
    pub profile_chosen_by: Option<Origin>,
    /// Every setting the profile, the environment or a flag set, with
    /// where its value came from (the file's own settings are not listed).
    pub overridden: BTreeMap<String, Origin>,
}

/// Where each setting came from, for error messages.
pub(super) struct Sources {
    file: Option<KeyIndex>,
    /// Values set by the environment or flags, which beat the file.
    later: BTreeMap<String, Origin>,
}

impl Sources {
    /// Where `path` (or something inside it) was set; Default if nowhere.
    pub(super) fn origin_of(&self, path: &str) -> Origin {
        self.later.get(path).cloned().or_else(|| self.file_origin(path)).unwrap_or(Origin::Default)
    }

    /// Where the config file sets `path`, if it does.
    pub(super) fn file_origin(&self, path: &str) -> Option<Origin> {
        self.file.as_ref()?.origin_of(path)
    }
}

fn parse_file(text: &str, file: &Path) -> Result<(Config, KeyIndex), ConfigError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        // One line, and nothing from the file that a terminal would act on.
        let mut message = crate::sanitize::clean(&e.message().trim().replace('\n', "; "));
        // Say which key, e.g. for "duplicate key".
        let at = text.get(span.clone()).map(crate::sanitize::clean).map(|t| t.trim().to_owned());
        if let Some(at) = at.filter(|t| !t.is_empty() && t.len() < 60) {
            message = format!("{message} (at `{at}`)");
        }
        let origin = Origin::File { path: file.to_owned(), line: line_of(text, span.start) };
        ConfigError::Syntax { origin, message }
    })?;
    let index = KeyIndex::new(file, text, doc.get_ref());
    let config = toml::from_str(text).map_err(|e| index.deserialize_error(&e))?;
    Ok((config, index))
}

pub(super) fn from_file_text(text: &str, file: &Path) -> Result<Config, ConfigError> {
    let (mut config, index) = parse_file(text, file)?;
    validate::validate(&mut config, &Sources { file: Some(index), later: BTreeMap::new() })?;
    Ok(config)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|error| match error.kind() {
        ErrorKind::NotFound => ConfigError::NotFound { path: path.to_owned() },
        _ => ConfigError::Read { path: path.to_owned(), error },
    })
}

pub(super) fn load(
    ov: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Loaded, ConfigError> {
    let source = match &ov.config_file {
        Some(path) => Some(path.clone()),
        None => Config::default_path().filter(|p| p.is_file()),
    };
    let (mut config, file) = match &source {
        Some(path) => {
            let (config, index) = parse_file(&read(path)?, path)?;
            (config, Some(index))
        }
        None => (Config::default(), None),
    };
    let choice =
        profile::choose(ov.profile.as_deref(), env, &config, source.as_deref(), file.as_ref())?;
    let profile_chosen_by = choice.as_ref().map(|(_, origin)| origin.clone());
    let mut later: BTreeMap<String, Origin> = match choice {
        Some(choice) => profile::resolve(&mut config, choice, source.as_deref(), file.as_ref())?,
        None => BTreeMap::new(),
    };
    later.extend(
        env::apply(&mut config, env)?.into_iter().map(|(path, var)| (path, Origin::Env(var))),
    );
    apply_overrides(&mut config, ov, &mut later);
    let sources = Sources { file, later };
    validate::validate(&mut config, &sources)?;
    let mut warnings = Vec::new();
    let token = read_token(&config, &sources, env, &mut warnings)?;
    let src = &config.sources;
    let prometheus_token = source_token(
        env("MERIDIAN_PROMETHEUS_TOKEN"),
        src.prometheus.token_file.as_ref().map(|f| (f, "sources.prometheus.token_file")),
        &sources,
        &mut warnings,
    )?;
    let alertmanager_token = source_token(
        env("MERIDIAN_ALERTMANAGER_TOKEN"),
        src.alertmanager.token_file.as_ref().map(|f| (f, "sources.alertmanager.token_file")),
        &sources,
        &mut warnings,
    )?;
    // Without a server of its own, the console needs no backend when it
    // reads other systems: Prometheus, Alertmanager, or a venue's prices.
    let backend = sources.origin_of("server.url") != Origin::Default
        || (src.prometheus.url.is_none()
            && src.alertmanager.url.is_none()
            && !config.prices_format().is_venue());
    config.server.ca_file =
        config.server.ca_file.take().map(|f| relative_to_file(&sources, "server.ca_file", f));
    profile::own_data_dir(&mut config, &sources.origin_of("data_dir"));
    Ok(Loaded {
        config,
        source,
        token,
        warnings,
        backend,
        prometheus_token,
        alertmanager_token,
        profile_chosen_by,
        overridden: sources.later,
    })
}

fn apply_overrides(config: &mut Config, ov: &Overrides, later: &mut BTreeMap<String, Origin>) {
    let mut set = |path: &str, flag: &'static str| {
        later.insert(path.to_owned(), Origin::Flag(flag));
    };
    if let Some(v) = &ov.server {
        config.server.url = v.clone();
        set("server.url", "--server");
    }
    if let Some(v) = &ov.prices_url {
        config.server.prices_url = Some(v.clone());
        set("server.prices_url", "--prices-url");
    }
    if ov.read_only {
        config.user.read_only = true;
        set("user.read_only", "--read-only");
    }
    if ov.private {
        config.markets.private = true;
        set("markets.private", "--private");
    }
    if let Some(v) = ov.prices_format {
        config.feeds.prices_format = Some(v);
        set("feeds.prices_format", "--prices-format");
    }
    if let Some(v) = &ov.backfill_url {
        config.server.backfill_url = Some(v.clone());
        set("server.backfill_url", "--backfill-url");
    }
    if let Some(v) = &ov.health_url {
        config.server.health_url = Some(v.clone());
        set("server.health_url", "--health-url");
    }
    if let Some(v) = &ov.data_dir {
        config.data_dir = Some(v.clone());
        set("data_dir", "--data-dir");
    }
    if let Some(v) = &ov.symbols {
        config.markets.symbols = v.clone();
        set("markets.symbols", "--symbols");
    }
    if let Some(v) = &ov.log_level {
        config.log.level = v.clone();
        set("log.level", "--log-level");
    }
    if let Some(v) = ov.fps {
        config.ui.fps = v;
        set("ui.fps", "--fps");
    }
    if let Some(v) = &ov.prometheus {
        config.sources.prometheus.url = Some(v.clone());
        set("sources.prometheus.url", "--prometheus");
    }
    if let Some(v) = &ov.alertmanager {
        config.sources.alertmanager.url = Some(v.clone());
        set("sources.alertmanager.url", "--alertmanager");
    }
}

/// MERIDIAN_TOKEN, else `server.token_command`, else `server.token_file`.
fn read_token(
    config: &Config,
    sources: &Sources,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Result<Option<Token>, ConfigError> {
    if let Some(token) = env("MERIDIAN_TOKEN").as_deref().and_then(Token::new) {
        return Ok(Some(token));
    }
    if let Some(command) = &config.server.token_command {
        return token::from_command(command, token::COMMAND_TIMEOUT)
            .map_err(|message| ConfigError::TokenCommand { command: command.clone(), message });
    }
    let Some(token_file) = &config.server.token_file else { return Ok(None) };
    read_token_file(sources, "server.token_file", token_file, warnings)
}

/// A source's token: its environment variable, else its token file.
fn source_token(
    from_env: Option<String>,
    file: Option<(&PathBuf, &str)>,
    sources: &Sources,
    warnings: &mut Vec<String>,
) -> Result<Option<Token>, ConfigError> {
    if let Some(token) = from_env.as_deref().and_then(Token::new) {
        return Ok(Some(token));
    }
    match file {
        Some((path, key)) => read_token_file(sources, key, path, warnings),
        None => Ok(None),
    }
}

fn read_token_file(
    sources: &Sources,
    key: &str,
    file: &Path,
    warnings: &mut Vec<String>,
) -> Result<Option<Token>, ConfigError> {
    let path = relative_to_file(sources, key, file.to_path_buf());
    let text = std::fs::read_to_string(&path)
        .map_err(|error| ConfigError::TokenFile { path: path.clone(), error })?;
    warnings.extend(token::file_permission_warning(&path));
    Ok(Token::new(&text))
}

/// A relative path set in the config file is taken relative to that
/// file's directory; from anywhere else, relative to the working directory.
fn relative_to_file(sources: &Sources, key: &str, path: PathBuf) -> PathBuf {
    match sources.origin_of(key) {
        Origin::File { path: config_path, .. } if path.is_relative() => {
            config_path.parent().unwrap_or(Path::new("")).join(path)
        }
        Origin::Profile(p) if path.is_relative() => {
            p.path.parent().unwrap_or(Path::new("")).join(path)
        }
        _ => path,
    }
}
