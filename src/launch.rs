//! The edge of the program: from parsed flags to a running console, with
//! errors a user can act on. Shared by `main` and the end-to-end tests.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::app::{AmSource, App, Prom, Settings, Tab};
use crate::cli::{ConfigAction, ConnArgs};
use crate::config::{Config, DEFAULT_TOML};
use crate::keymap::Keymap;
use crate::outbox::Outbox;
use crate::remote::{
    Remote, api_client, feed_options, load_config, sender_config, source_clients, venue_client,
};
use crate::server::ServerHandle;
use crate::theme::Theme;
use crate::tls;
use crate::tui::{Console, run};

/// Run the console; with `demo`, against the embedded reference server.
pub async fn console(conn: &ConnArgs, demo: bool) -> anyhow::Result<ExitCode> {
    tls::install_crypto();
    let loaded = load_config(conn)?;
    let mut config = loaded.config.clone();
    let warnings = &loaded.warnings;
    let keymap = Keymap::with_overrides(&config.keys).context("in [keys]")?;
    let theme = Theme::by_name(&config.ui.theme).map_err(|e| anyhow::anyhow!("{e}"))?;
    require_terminal()?;
    let data_dir = DataDir::prepare(conn, demo, &config)?;
    let _log = init_logging(&data_dir.path, &config.log.level)?;

    let server = if demo { Some(start_demo_server(&mut config).await?) } else { None };
    // The demo talks plain HTTP on loopback: no token, no TLS to set up.
    let remote = if demo {
        Remote::default()
    } else {
        Remote::new(&config, loaded.token.clone(), conn.insecure)?.with_sources(&loaded)
    };
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let symbols = watched_symbols(conn, &config, &data_dir.path)?;
    let shown = crate::token::redact_url(&config.server.url);
    tracing::info!(server = %shown, demo, symbols = symbols.len(), "starting console");

    let path = data_dir.path.clone();
    let mut console = build_console(&config, remote, symbols, path, demo, keymap, theme)?;
    if let Some(warning) = warnings.first() {
        console.app.message = Some(format!("warning: {warning}"));
    }
    let outbox = console.outbox.clone();
    let resend = console.sender.clone();
    let result = run(console).await;
    // Decisions still in their undo window were meant: send them now.
    let wait = Duration::from_millis(config.server.request_timeout_ms).min(HELD_WAIT);
    for line in crate::outbox::send_held(&outbox, resend, wait).await {
        say(&line);
    }
    report_undelivered(&outbox, &data_dir);
    if let Some(server) = server {
        let _ = tokio::time::timeout(Duration::from_secs(2), server.shutdown()).await;
    }
    result.map(ExitCode::from)
}

/// How long quitting waits for the decisions held for undo to be sent.
const HELD_WAIT: Duration = Duration::from_secs(10);

/// The console draws full-screen and reads keys: both ends must be a terminal.
fn require_terminal() -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the console needs a terminal on stdin and stdout (for scripts, see `meridian --help`)"
        );
    }
    Ok(())
}

/// Where the console keeps its outbox, watchlist and log.
struct DataDir {
    path: PathBuf,
    /// The demo's own directory unless told otherwise: removed on drop,
    /// with whatever is still in it.
    temporary: Option<tempfile::TempDir>,
}

impl DataDir {
    /// The configured directory, or for the demo a temporary one; created.
    fn prepare(conn: &ConnArgs, demo: bool, config: &Config) -> anyhow::Result<DataDir> {
        let data_dir = if demo && conn.data_dir.is_none() {
            let dir = tempfile::tempdir().context("cannot create a temporary data directory")?;
            DataDir { path: dir.path().to_path_buf(), temporary: Some(dir) }
        } else {
            DataDir { path: config.data_dir(), temporary: None }
        };
        std::fs::create_dir_all(&data_dir.path).with_context(|| {
            format!("cannot create the data directory {}", data_dir.path.display())
        })?;
        Ok(data_dir)
    }
}

/// Start the embedded reference server and point every URL of `config` at it.
async fn start_demo_server(config: &mut Config) -> anyhow::Result<ServerHandle> {
    let handle = crate::server::start(crate::server::ServeArgs::demo())
        .await
        .context("cannot start the embedded demo server")?;
    config.server.url = handle.base_url();
    config.server.prices_url = None;
    config.server.backfill_url = None;
    config.server.health_url = None;
    Ok(handle)
}

/// The symbols to watch: `--symbols` when given, else the watchlist saved
/// last time, else the config's.
fn watched_symbols(
    conn: &ConnArgs,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<Vec<String>> {
    if conn.symbols.is_some() {
        return Ok(config.markets.symbols.clone());
    }
    let format = config.prices_format();
    match crate::watchlist::load(data_dir, format) {
        Ok(Some(saved)) => Ok(saved),
        Ok(None) => Ok(config.symbols()),
        Err(e) => bail!("cannot read the saved watchlist: {e}"),
    }
}

/// Quitting never drops a decision: say on stderr what is still waiting.
fn report_undelivered(outbox: &Outbox, data_dir: &DataDir) {
    let Ok(n @ 1..) = outbox.pending_count() else { return };
    if data_dir.temporary.is_some() {
        say(&format!("{n} demo action(s) were not delivered; the demo data is discarded"));
    } else {
        say(&format!(
            "{n} action(s) not yet delivered are kept in {} and will be sent on the next start",
            outbox.path().display()
        ));
    }
}

/// A line on stderr after the console closed. After SIGHUP the terminal
/// may be gone: then there is no one to tell, and no reason to panic.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "meridian: {line}");
}

/// The console for `config`: state, feeds, REST client and outbox, ready for
/// [`crate::tui::Core::start`]. Shared by the terminal console and the
/// end-to-end benchmarks, so both run the same code.
pub fn build_console(
    config: &Config,
    remote: Remote,
    symbols: Vec<String>,
    data_dir: PathBuf,
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
        // What the console reads: the backend, else a venue's feed (a
        // server it does not dial is not named).
        server_label: if remote.backend || demo {
            crate::token::redact_url(&config.server.url)
        } else if config.prices_format().is_venue() {
            crate::token::redact_url(&config.prices_url())
        } else {
            String::new()
        },
        insecure: remote.insecure,
        user: config.user_name(),
        ack_hours: config.alerts.ack_hours,
        notify: config.notify.clone(),
        backend: remote.backend || demo,
        prices_format: config.prices_format(),
        clipboard: config.ui.clipboard,
        profile: config.active_profile(),
        review: config.review.clone(),
    };
    let api = api_client(config, &remote)?;
    let sources = source_clients(config, &remote)?;
    let now = Instant::now();
    let mut app = App::new(settings, keymap, symbols, now);
    app.alerts.am = sources.alertmanager.as_ref().map(|(c, _)| AmSource::new(c.base().into(), now));
    app.prom = sources.prometheus.as_ref().map(|(c, _, every, points)| {
        let panels: Vec<(String, Option<String>)> = config
            .sources
            .prometheus
            .metrics
            .iter()
            .map(|m| (m.name.clone(), m.unit.clone()))
            .collect();
        Prom::new(c.base().into(), &panels, *points, *every, now)
    });
    let am = sources.alertmanager.as_ref().map(|(c, _)| c.clone());
    app.markets.set_positions(config.markets.positions.clone());
    app.markets.private = config.markets.private;
    // Why decisions are refused when the user (or the profile) chose
    // read-only.
    app.read_only = config.read_only_reason();
    app.palette.start_theme = Some(theme.name);
    match crate::palette_history::load(&data_dir) {
        Ok(history) => app.palette.history = history,
        Err(e) => app.message = Some(format!("the command history was not read: {e}")),
    }
    let saved = crate::price_alerts::load(&data_dir)
        .with_context(|| "cannot read the price alerts".to_owned())?;
    app.price_alerts = crate::price_alerts::PriceAlerts::from_saved(saved);
    let venue = venue_client(config, &remote)?;
    // Without a backend: open where the news is (a trader's prices, an
    // on-call engineer's alerts).
    if !app.settings.backend {
        app.tab = if venue.is_some() {
            Tab::Markets
        } else if am.is_some() {
            Tab::Alerts
        } else {
            Tab::Status
        };
    }

    let feed = |url: String| feed_options(config, &remote, url);
    let outbox_path = data_dir.join("outbox.db");
    let outbox = Outbox::open(&outbox_path)
        .with_context(|| format!("cannot open the outbox {}", outbox_path.display()))?;
    Ok(Console {
        app,
        theme,
        fps: config.ui.fps,
        flow_control: config.ui.flow_control,
        api,
        prices: feed(config.prices_url()),
        backfill: feed(config.backfill_url()),
        health: feed(config.health_url()),
        data_dir,
        outbox,
        sender: sender_config(config, &remote, am),
        sources,
        venue,
    })
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
            let loaded = load_config(conn)?;
            print!("{}", loaded.show().context("cannot print the config")?);
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
