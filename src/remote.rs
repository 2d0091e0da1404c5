//! Connections to the backend, from the config and the connection flags:
//! the token and TLS setup ([`Remote`]), the REST client, how feed tasks
//! connect and how the outbox sender delivers. Shared by the console's
//! wiring (`launch`) and the headless commands, so both connect alike.

use std::sync::Arc;
use std::time::Duration;

use crate::api::ApiClient;
use crate::cli::ConnArgs;
use crate::config::{Config, Loaded};
use crate::feeds::{Backoff, FeedOptions};
use crate::outbox::SenderConfig;
use crate::sources::{Alertmanager, Clients, Prometheus};
use crate::tls::TlsOptions;
use crate::token::Token;
use crate::venues::VenueClient;

/// The config for these flags, the environment and the config file.
pub(crate) fn load_config(conn: &ConnArgs) -> anyhow::Result<Loaded> {
    Ok(Config::load(&conn.overrides(), &|k| std::env::var(k).ok())?)
}

/// What every connection to the backend carries: the token and the TLS
/// setup. `Debug` is safe: the token redacts itself.
#[derive(Debug, Clone)]
pub struct Remote {
    pub token: Option<Token>,
    /// `None`: the HTTP and WebSocket libraries' own (verifying) defaults.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// Certificates are not checked (`--insecure`).
    pub insecure: bool,
    /// A Meridian backend is wanted (see [`Loaded::backend`]).
    pub backend: bool,
    /// Bearer tokens for Prometheus and Alertmanager.
    pub prometheus_token: Option<Token>,
    pub alertmanager_token: Option<Token>,
}

impl Default for Remote {
    fn default() -> Self {
        Remote {
            token: None,
            tls: None,
            insecure: false,
            backend: true,
            prometheus_token: None,
            alertmanager_token: None,
        }
    }
}

impl Remote {
    /// The token and TLS setup for `config` and the `--insecure` flag.
    pub fn new(config: &Config, token: Option<Token>, insecure: bool) -> anyhow::Result<Remote> {
        crate::tls::install_crypto();
        let opts = TlsOptions { ca_file: config.server.ca_file.clone(), insecure };
        let tls = crate::tls::client_config(&opts)?;
        Ok(Remote { token, tls: Some(tls), insecure, ..Remote::default() })
    }

    /// With what `loaded` says of the backend and the sources' tokens.
    pub fn with_sources(mut self, loaded: &Loaded) -> Remote {
        self.backend = loaded.backend;
        self.prometheus_token.clone_from(&loaded.prometheus_token);
        self.alertmanager_token.clone_from(&loaded.alertmanager_token);
        self
    }
}

/// The REST client for the configured server (console and headless commands).
pub(crate) fn api_client(config: &Config, remote: &Remote) -> anyhow::Result<ApiClient> {
    let timeout = Duration::from_millis(config.server.request_timeout_ms);
    let api =
        ApiClient::new(&config.server.url, remote.token.as_ref(), timeout, remote.tls.clone())?;
    Ok(api.with_user(&config.user_name())?)
}

/// Clients for the configured Prometheus and Alertmanager, with the same
/// TLS setup (CA file, `--insecure`) as the backend and their own tokens.
pub(crate) fn source_clients(config: &Config, remote: &Remote) -> anyhow::Result<Clients> {
    let timeout = Duration::from_millis(config.server.request_timeout_ms);
    let (p, a) = (&config.sources.prometheus, &config.sources.alertmanager);
    let mut clients = Clients::default();
    if let Some(url) = &p.url {
        let token = remote.prometheus_token.as_ref();
        let client = Prometheus::new(url, token, timeout, remote.tls.clone())?;
        let queries = p.metrics.iter().map(|m| m.query.clone()).collect();
        let every = Duration::from_secs(p.poll_secs);
        clients.prometheus = Some((client, queries, every, config.ui.history_points));
    }
    if let Some(url) = &a.url {
        let token = remote.alertmanager_token.as_ref();
        let client = Alertmanager::new(url, token, timeout, remote.tls.clone())?;
        clients.alertmanager = Some((client, Duration::from_secs(a.poll_secs)));
    }
    Ok(clients)
}

/// The REST client of the venue whose public feed gives the prices (for
/// the charts' history); `None` when the prices speak our contract.
pub(crate) fn venue_client(
    config: &Config,
    remote: &Remote,
) -> anyhow::Result<Option<VenueClient>> {
    let timeout = Duration::from_millis(config.server.request_timeout_ms);
    VenueClient::new(config.prices_format(), &config.prices_url(), timeout, remote.tls.clone())
        .map_err(|e| anyhow::anyhow!("prices: {e}"))
}

/// How a feed task connects and reconnects, from the `[feeds]` settings.
pub(crate) fn feed_options(config: &Config, remote: &Remote, url: String) -> FeedOptions {
    FeedOptions {
        format: config.prices_format(),
        url,
        token: remote.token.clone(),
        tls: remote.tls.clone(),
        connect_timeout: Duration::from_millis(config.feeds.connect_timeout_ms),
        backoff: backoff(config),
        ping_interval: Duration::from_secs(config.feeds.ping_interval_secs.max(1)),
        max_frame_bytes: config.feeds.max_frame_bytes,
    }
}

/// How the outbox sender delivers, from the `[server]` and `[feeds]` settings.
pub(crate) fn sender_config(
    config: &Config,
    remote: &Remote,
    alertmanager: Option<Alertmanager>,
) -> SenderConfig {
    SenderConfig {
        alertmanager,
        base_url: config.server.url.clone(),
        token: remote.token.clone(),
        tls: remote.tls.clone(),
        timeout: Duration::from_millis(config.server.request_timeout_ms),
        backoff: backoff(config),
        user: Some(config.user_name()),
    }
}

fn backoff(config: &Config) -> Backoff {
    Backoff {
        base: Duration::from_millis(config.feeds.backoff_base_ms),
        cap: Duration::from_millis(config.feeds.backoff_cap_ms),
    }
}
