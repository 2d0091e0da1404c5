//! The edge of the program: from parsed flags to a running console, with
//! errors a user can act on. Shared by `main` and the end-to-end tests.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::api::ApiClient;
use crate::app::{App, Settings};
use crate::cli::{ConfigAction, ConnArgs};
use crate::config::{Config, DEFAULT_TOML, Loaded};
use crate::feeds::{Backoff, FeedOptions};
use crate::keymap::Keymap;
use crate::outbox::{Outbox, SenderConfig};
use crate::theme::Theme;
use crate::tls::TlsOptions;
use crate::token::Token;
use crate::tui::{Console, run};

pub(crate) fn load(conn: &ConnArgs) -> anyhow::Result<Loaded> {
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

/// Load the config and set up connections for a headless command; what
/// deserves a warning goes to stderr.
pub(crate) fn headless_setup(conn: &ConnArgs) -> anyhow::Result<(Config, Remote)> {
    let loaded = load(conn)?;
    for warning in &loaded.warnings {
        crate::headless::say(format_args!("warning: {warning}"));
    }
    if conn.insecure {
        crate::headless::say("warning: --insecure: TLS certificates are NOT verified");
    }
    let remote = Remote::new(&loaded.config, loaded.token, conn.insecure)?;
    Ok((loaded.config, remote))
}

/// Run the console; with `demo`, against the embedded reference server.
pub async fn console(conn: &ConnArgs, demo: bool) -> anyhow::Result<ExitCode> {
    crate::tls::install_crypto();
    let Loaded { mut config, token, warnings, .. } = load(conn)?;
    let keymap = Keymap::with_overrides(&config.keys).context("in [keys]")?;
    let theme = Theme::by_name(&config.ui.theme).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the console needs a terminal on stdin and stdout (for scripts, see `meridian --help`)"
        );
    }

    // The demo keeps its files in a temporary directory unless told otherwise.
    let _demo_dir;
    let data_dir = match (&conn.data_dir, demo) {
        (None, true) => {
            let dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
            let path = dir.path().to_path_buf();
            _demo_dir = dir;
            path
        }
        _ => config.data_dir(),
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let _log = init_logging(&data_dir, &config.log.level)?;

    let server = if demo {
        let handle = crate::server::start(crate::server::ServeArgs::demo())
            .await
            .context("cannot start the embedded demo server")?;
        config.server.url = handle.base_url();
        config.server.prices_url = None;
        config.server.backfill_url = None;
        config.server.health_url = None;
        Some(handle)
    } else {
        None
    };
    // The demo talks plain HTTP on loopback: no token, no TLS to set up.
    let remote = if demo { Remote::default() } else { Remote::new(&config, token, conn.insecure)? };
    for warning in &warnings {
        tracing::warn!("{warning}");
    }

    let symbols = if conn.symbols.is_some() {
        config.markets.symbols.clone()
    } else {
        match crate::watchlist::load(&data_dir) {
            Ok(Some(saved)) => saved,
            Ok(None) => config.markets.symbols.clone(),
            Err(e) => bail!("cannot read the saved watchlist: {e}"),
        }
    };
    let shown = crate::token::redact_url(&config.server.url);
    tracing::info!(server = %shown, demo, symbols = symbols.len(), "starting console");

    let outbox_path = data_dir.join("outbox.db");
    let mut console = build_console(&config, remote, symbols, data_dir, demo, keymap, theme)?;
    if let Some(warning) = warnings.first() {
        console.app.message = Some(format!("warning: {warning}"));
    }
    let outbox = console.outbox.clone();
    let result = run(console).await;
    // Quitting never drops a decision: say what is still waiting.
    if let Ok(n @ 1..) = outbox.pending_count() {
        if demo && conn.data_dir.is_none() {
            eprintln!(
                "meridian: {n} demo action(s) were not delivered; the demo data is discarded"
            );
        } else {
            eprintln!(
                "meridian: {n} action(s) not yet delivered are kept in {} and will be sent on the next start",
                outbox_path.display()
            );
        }
    }
    if let Some(server) = server {
        let _ = tokio::time::timeout(Duration::from_secs(2), server.shutdown()).await;
    }
    result.map(ExitCode::from)
}

/// The console for `config`: state, feeds, REST client and outbox, ready for
/// [`crate::tui::Core::start`]. Shared by the terminal console and the
/// end-to-end benchmarks, so both run the same code.
pub fn build_console(
    config: &Config,
    remote: Remote,
    symbols: Vec<String>,
    data_dir: std::path::PathBuf,
    demo: bool,
    keymap: Keymap,
    theme: Theme,
) -> anyhow::Result<Console> {
    let settings = Settings {
        demo,
        prices_stale_after: Duration::from_secs_f64(config.feeds.prices_stale_after_secs),
        health_stale_after: Duration::from_secs_f64(config.feeds.health_stale_after_secs),
        history_points: config.ui.history_points,
        bell: config.ui.bell,
        server_label: crate::token::redact_url(&config.server.url),
        insecure: remote.insecure,
    };
    let api = api_client(config, &remote)?;
    let feed = |url: String| feed_options(config, &remote, url);
    let outbox_path = data_dir.join("outbox.db");
    let outbox = Outbox::open(&outbox_path)
        .with_context(|| format!("cannot open the outbox {}", outbox_path.display()))?;
    Ok(Console {
        app: App::new(settings, keymap, symbols, Instant::now()),
        theme,
        fps: config.ui.fps,
        api,
        prices: feed(config.prices_url()),
        backfill: feed(config.backfill_url()),
        health: feed(config.health_url()),
        data_dir,
        outbox,
        sender: sender_config(config, &remote),
    })
}

/// The REST client for the configured server (console and headless commands).
pub(crate) fn api_client(config: &Config, remote: &Remote) -> anyhow::Result<ApiClient> {
    let timeout = Duration::from_millis(config.server.request_timeout_ms);
    Ok(ApiClient::new(&config.server.url, remote.token.as_ref(), timeout, remote.tls.clone())?)
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
    }
}

fn backoff(config: &Config) -> Backoff {
    Backoff {
        base: Duration::from_millis(config.feeds.backoff_base_ms),
        cap: Duration::from_millis(config.feeds.backoff_cap_ms),
    }
}

/// `meridian config path|init|show`.
pub fn config_command(conn: &ConnArgs, action: ConfigAction) -> anyhow::Result<ExitCode> {
    match action {
        ConfigAction::Path => {
            let path = conn
                .config
                .clone()
                .or_else(Config::default_path)
                .context("no config directory on this platform")?;
            println!("{}", path.display());
        }
        ConfigAction::Init { force } => {
            let path = conn
                .config
                .clone()
                .or_else(Config::default_path)
                .context("no config directory on this platform")?;
            if path.exists() && !force {
                bail!("{} already exists (use --force to overwrite)", path.display());
            }
            write_default(&path)?;
            println!("wrote {}", path.display());
        }
        ConfigAction::Show => {
            let loaded = load(conn)?;
            match &loaded.source {
                Some(p) => println!("# from {}", p.display()),
                None => println!("# no config file; defaults, environment and flags"),
            }
            let token = if loaded.token.is_some() { "set (redacted)" } else { "not set" };
            println!("# token: {token}");
            print!(
                "{}",
                toml::to_string_pretty(&loaded.config).context("cannot print the config")?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_default(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, DEFAULT_TOML).with_context(|| format!("cannot write {}", path.display()))
}

/// Log to `meridian.log` in the data directory, never to the screen.
fn init_logging(
    data_dir: &Path,
    level: &str,
) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let file = tracing_appender::rolling::never(data_dir, "meridian.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_new(format!("meridian={level},warn"))
        .with_context(|| format!("bad log level {level:?}"))?;
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(guard)
}
