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
use crate::tls::TlsOptions;
use crate::token::Token;

/// The config for these flags, the environment and the config file.
pub(crate) fn load_config(conn: &ConnArgs) -> anyhow::Result<Loaded> {
    Ok(Config::load(&conn.overrides(), &|k| std::env::var(k).ok())?)
}

/// What every connection to the backend carries: the token and the TLS
/// setup. `Debug` is safe: the token redacts itself.
#[derive(Debug, Clone, Default)]
pub struct Remote {
    pub token: Option<Token>,
    /// `None`: the HTTP and WebSocket libraries' own (verifying) defaults.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// Certificates are not checked (`--insecure`).
    pub insecure: bool,
}

impl Remote {
    /// The token and TLS setup for `config` and the `--insecure` flag.
    pub fn new(config: &Config, token: Option<Token>, insecure: bool) -> anyhow::Result<Remote> {
        crate::tls::install_crypto();
        let opts = TlsOptions { ca_file: config.server.ca_file.clone(), insecure };
        let tls = crate::tls::client_config(&opts)?;
        Ok(Remote { token, tls: Some(tls), insecure })
    }
}

/// The REST client for the configured server (console and headless commands).
pub(crate) fn api_client(config: &Config, remote: &Remote) -> anyhow::Result<ApiClient> {
    let timeout = Duration::from_millis(config.server.request_timeout_ms);
    let api =
        ApiClient::new(&config.server.url, remote.token.as_ref(), timeout, remote.tls.clone())?;
    Ok(api.with_user(&config.user_name())?)
}

/// How a feed task connects and reconnects, from the `[feeds]` settings.
pub(crate) fn feed_options(config: &Config, remote: &Remote, url: String) -> FeedOptions {
    FeedOptions {
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
pub(crate) fn sender_config(config: &Config, remote: &Remote) -> SenderConfig {
    SenderConfig {
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
