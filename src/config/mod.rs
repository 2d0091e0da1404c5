//! Meridian's settings: built-in defaults, then the config file, then the
//! chosen `[profiles.NAME]` table, then `MERIDIAN_<SECTION>_<KEY>`
//! environment variables, then command-line flags.
//! Every layer is validated together, and every error names where the bad
//! value came from (file and line, variable, or flag) and its key.

mod env;
mod error;
mod load;
mod profile;
mod review;
mod show;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::keymap::KeymapOverrides;

pub use error::{ConfigError, Origin, ProfileLine};
pub use load::{Loaded, Overrides};
pub use profile::{
    ActiveProfile, ProfileConfig, ProfileFeeds, ProfileServer, ProfileSource, ProfileSources,
    ProfileUser,
};
pub use review::{Breach, ReviewConfig, Threshold};

/// The commented default config, written by `meridian config init`. Parsing
/// it gives exactly [`Config::default()`].
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The profile to use when neither `--profile` nor MERIDIAN_PROFILE
    /// chooses one; once loaded, the profile in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    pub server: ServerConfig,
    pub feeds: FeedsConfig,
    pub ui: UiConfig,
    pub markets: MarketsConfig,
    pub log: LogConfig,
    pub user: UserConfig,
    pub alerts: AlertsConfig,
    pub notify: NotifyConfig,
    pub sources: SourcesConfig,
    pub review: ReviewConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    pub keys: KeymapOverrides,
    /// `[profiles.NAME]`: environments to choose from (see [`ProfileConfig`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, ProfileConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// REST base URL (http or https); feed URLs are derived from it.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_url: Option<String>,
    /// A file holding the API token (MERIDIAN_TOKEN wins over it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
    /// A shell command whose output is the API token (e.g. a password
    /// manager); MERIDIAN_TOKEN wins over it. Not with `token_file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_command: Option<String>,
    /// A PEM file of extra CA certificates to trust for https and wss
    /// (relative paths are relative to the config file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    pub request_timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    pub connect_timeout_ms: u64,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    pub ping_interval_secs: u64,
    pub max_frame_bytes: usize,
    pub prices_stale_after_secs: f64,
    pub health_stale_after_secs: f64,
    /// How the price feed speaks: `meridian` (our contract) or a venue's
    /// public feed (`coinbase`, `kraken`, `binance`). Unset: inferred from
    /// the price feed's host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_format: Option<crate::venues::PricesFormat>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Maximum redraws per second (1..=240).
    pub fps: u32,
    /// A built-in theme name (see [`crate::theme::Theme::names`]).
    pub theme: String,
    pub bell: bool,
    pub history_points: usize,
    /// Whether each frame waits for the terminal to answer the one before.
    pub flow_control: FlowControl,
    /// `y` copies the selected row's identity through the terminal (OSC
    /// 52); `false` turns it off.
    pub clipboard: bool,
}

/// `ui.flow_control`: `auto` waits for the terminal's answer to a frame
/// before writing the next (and falls back to timed frames if it never
/// answers); `off` writes frames on `ui.fps` alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    #[default]
    Auto,
    Off,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketsConfig {
    /// Watch-list symbols, upper-cased and deduplicated at load.
    pub symbols: Vec<String>,
    /// Holdings: the watchlist shows their value and P&L (each symbol is
    /// watched).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<PositionConfig>,
    /// Hide quantities, values and P&L (for sharing a screen); `p` on
    /// Markets toggles it.
    pub private: bool,
}

/// One `[[markets.positions]]`: how much of a symbol is held, at what cost.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PositionConfig {
    pub symbol: String,
    /// Units held; negative for a short position.
    pub quantity: f64,
    /// Cost per unit, in the symbol's quote currency.
    pub cost: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UserConfig {
    /// The name other reviewers see, sent as `X-User`; default: the login
    /// name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Look, do not touch: no decision is queued from the console or the
    /// command line (`--read-only`).
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// How long acknowledging an Alertmanager alert silences it, in hours.
    pub ack_hours: u32,
}

/// Desktop notifications written to the terminal (OSC 9 and OSC 777), by
/// kind.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// A new critical alert.
    pub alerts: bool,
    /// A backfill job that completes or fails.
    pub jobs: bool,
    /// A price alert that fires.
    pub prices: bool,
}

/// Systems the console reads besides a Meridian backend.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourcesConfig {
    pub prometheus: PrometheusConfig,
    pub alertmanager: AlertmanagerConfig,
}

/// `[sources.prometheus]`: service cards from `up` by job, and sparkline
/// panels from queries.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrometheusConfig {
    /// Base URL (http or https); `--prometheus` and MERIDIAN_PROMETHEUS_URL
    /// set it too. Unset: no Prometheus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A file holding a bearer token for it (MERIDIAN_PROMETHEUS_TOKEN wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
    /// Seconds between queries; also the sparklines' step.
    pub poll_secs: u64,
    /// The panels drawn, in order.
    pub metrics: Vec<PromMetric>,
}

/// One sparkline panel: a PromQL query whose first series is drawn.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromMetric {
    pub name: String,
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// `[sources.alertmanager]`: the alert inbox, acknowledged with silences.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertmanagerConfig {
    /// Base URL (http or https); `--alertmanager` and
    /// MERIDIAN_ALERTMANAGER_URL set it too. Unset: no Alertmanager.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A file holding a bearer token for it (MERIDIAN_ALERTMANAGER_TOKEN wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
    /// Seconds between polls of its alerts.
    pub poll_secs: u64,
}

impl Default for PrometheusConfig {
    fn default() -> PrometheusConfig {
        let metric = |name: &str, query: &str, unit: Option<&str>| PromMetric {
            name: name.into(),
            query: query.into(),
            unit: unit.map(Into::into),
        };
        PrometheusConfig {
            url: None,
            token_file: None,
            poll_secs: 15,
            metrics: vec![
                metric("targets up", "sum(up)", None),
                metric("scrape time", "avg(scrape_duration_seconds) * 1000", Some("ms")),
                metric("samples scraped", "sum(scrape_samples_scraped)", None),
            ],
        }
    }
}

impl Default for AlertmanagerConfig {
    fn default() -> AlertmanagerConfig {
        AlertmanagerConfig { url: None, token_file: None, poll_secs: 15 }
    }
}

impl Default for AlertsConfig {
    fn default() -> AlertsConfig {
        AlertsConfig { ack_hours: 4 }
    }
}

impl Default for NotifyConfig {
    fn default() -> NotifyConfig {
        NotifyConfig { alerts: true, jobs: true, prices: true }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// trace, debug, info, warn or error.
    pub level: String,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            url: "http://127.0.0.1:8080".into(),
            prices_url: None,
            backfill_url: None,
            health_url: None,
            token_file: None,
            token_command: None,
            ca_file: None,
            request_timeout_ms: 10_000,
        }
    }
}

impl Default for FeedsConfig {
    fn default() -> FeedsConfig {
        FeedsConfig {
            connect_timeout_ms: 5_000,
            backoff_base_ms: 250,
            backoff_cap_ms: 30_000,
            ping_interval_secs: 15,
            max_frame_bytes: 1_048_576,
            prices_stale_after_secs: 5.0,
            prices_format: None,
            health_stale_after_secs: 30.0,
        }
    }
}

impl Default for UiConfig {
    fn default() -> UiConfig {
        UiConfig {
            fps: 30,
            theme: "default".into(),
            bell: false,
            history_points: 120,
            flow_control: FlowControl::Auto,
            clipboard: true,
        }
    }
}

impl Default for MarketsConfig {
    fn default() -> MarketsConfig {
        let symbols = ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "JPM"];
        MarketsConfig {
            symbols: symbols.map(String::from).to_vec(),
            positions: Vec::new(),
            private: false,
        }
    }
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig { level: "info".into() }
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "meridian", "meridian")
}

/// A user name longer than this is refused (it is shown to others).
pub(crate) const MAX_USER_NAME: usize = 64;

/// Whether `name` can travel in an HTTP header and be shown as it is:
/// printable ASCII, not blank, at most [`MAX_USER_NAME`] characters.
pub(crate) fn valid_user_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.len() <= MAX_USER_NAME
        && name.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The login name from the environment, or `console` when there is none
/// that can be sent as it is.
fn login_name(var: impl Fn(&str) -> Option<String>) -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .filter_map(var)
        .find(|n| valid_user_name(n))
        .unwrap_or_else(|| "console".into())
}

impl Config {
    /// Who this console speaks for (`X-User`): `user.name`, else the login
    /// name.
    pub fn user_name(&self) -> String {
        match &self.user.name {
            Some(name) => name.trim().to_owned(),
            None => login_name(|k| std::env::var(k).ok()),
        }
    }

    /// The platform's config file path (whether or not it exists).
    pub(crate) fn default_path() -> Option<PathBuf> {
        project_dirs().map(|d| d.config_dir().join("config.toml"))
    }

    /// The platform's data directory, or `./.meridian` if there is no home.
    pub(crate) fn default_data_dir() -> PathBuf {
        project_dirs().map_or_else(|| PathBuf::from(".meridian"), |d| d.data_dir().to_path_buf())
    }

    /// Where the outbox database and logs go.
    pub(crate) fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(Config::default_data_dir)
    }

    /// The price feed's URL: as set, else the venue's public endpoint when
    /// a venue format is chosen, else derived from the server's URL.
    pub fn prices_url(&self) -> String {
        let venue = self.feeds.prices_format.and_then(crate::venues::PricesFormat::default_url);
        let set = self.server.prices_url.as_deref().or(venue);
        feed_url(set, &self.server.url, "/ws/prices")
    }

    /// The symbols to watch: the configured ones; for a venue, while they
    /// are still the default stocks (which no venue here lists), the
    /// venue's own majors.
    pub fn symbols(&self) -> Vec<String> {
        let stock_default = self.markets.symbols == MarketsConfig::default().symbols;
        match self.prices_format().default_symbols() {
            Some(majors) if stock_default => majors.map(String::from).to_vec(),
            _ => self.markets.symbols.clone(),
        }
    }

    /// How the price feed speaks: as chosen, else inferred from its host.
    pub fn prices_format(&self) -> crate::venues::PricesFormat {
        self.feeds
            .prices_format
            .unwrap_or_else(|| crate::venues::PricesFormat::infer(&self.prices_url()))
    }

    pub fn backfill_url(&self) -> String {
        feed_url(self.server.backfill_url.as_deref(), &self.server.url, "/ws/backfill")
    }

    pub fn health_url(&self) -> String {
        feed_url(self.server.health_url.as_deref(), &self.server.url, "/ws/monitoring")
    }

    /// Parse and validate one config file's text; `file` is used in errors.
    pub fn from_toml_str(text: &str, file: &Path) -> Result<Config, ConfigError> {
        load::from_file_text(text, file)
    }

    /// Load every layer and validate; see the module docs for the order.
    /// `env` looks up environment variables (pass `|k| std::env::var(k).ok()`).
    pub fn load(
        ov: &Overrides,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Loaded, ConfigError> {
        load::load(ov, env)
    }
}

/// `override` if given, else the REST base with its scheme swapped to
/// ws/wss, any query dropped and `suffix` appended to its path.
fn feed_url(explicit: Option<&str>, base: &str, suffix: &str) -> String {
    if let Some(url) = explicit {
        return url.to_owned();
    }
    let base = base.split(['?', '#']).next().unwrap_or(base);
    let base = match base.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = match scheme.to_ascii_lowercase().as_str() {
                "https" => "wss".to_owned(),
                "http" => "ws".to_owned(),
                other => other.to_owned(),
            };
            format!("{scheme}://{rest}")
        }
        None => base.to_owned(),
    };
    format!("{}{suffix}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod user_tests {
    use super::*;

    #[test]
    fn the_user_is_the_configured_name_else_a_sendable_login_name() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(login_name(env(&[("USER", "alex"), ("LOGNAME", "root")])), "alex");
        assert_eq!(login_name(env(&[("USER", "jos\u{e9}"), ("LOGNAME", "jose")])), "jose");
        assert_eq!(login_name(env(&[("USER", "a\u{1b}]0;x\u{7}")])), "console");
        assert_eq!(login_name(env(&[])), "console");
        let mut c = Config::default();
        c.user.name = Some(" Alex Kim ".into());
        assert_eq!(c.user_name(), "Alex Kim");
    }
}
