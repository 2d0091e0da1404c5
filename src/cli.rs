//! The command line. The connection flags and their environment twins are
//! a public interface: scripts depend on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Overrides;

#[derive(Debug, Parser)]
#[command(name = "meridian", version, about = "Meridian: the terminal operations console")]
pub struct Cli {
    /// Run against the embedded reference server (temporary database)
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the backend is and where our files go.
#[derive(Debug, Clone, Args, Default)]
pub struct ConnArgs {
    /// Use the config file's [profiles.NAME]: its server, feeds, token and
    /// read-only, its name in the header; default: the file's `profile`
    /// [env: MERIDIAN_PROFILE=] (read by the config loader, below the flag)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// REST base URL; the feed URLs derive from it (http->ws, https->wss)
    #[arg(long, global = true, env = "MERIDIAN_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Price feed URL (overrides the one derived from --server)
    #[arg(long, global = true, env = "MERIDIAN_PRICES_URL", value_name = "URL")]
    pub prices_url: Option<String>,
    /// How the price feed speaks: meridian, or a venue's public feed
    /// (coinbase, kraken, binance); default: inferred from its host
    #[arg(long, global = true, env = "MERIDIAN_PRICES_FORMAT", value_name = "FORMAT")]
    pub prices_format: Option<crate::venues::PricesFormat>,
    /// Backfill feed URL (overrides the one derived from --server)
    #[arg(long, global = true, env = "MERIDIAN_BACKFILL_URL", value_name = "URL")]
    pub backfill_url: Option<String>,
    /// Health feed URL (overrides the one derived from --server)
    #[arg(long, global = true, env = "MERIDIAN_HEALTH_URL", value_name = "URL")]
    pub health_url: Option<String>,
    /// Directory for the outbox, the watchlist and logs
    #[arg(long, global = true, env = "MERIDIAN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file (default: the platform config path, see `meridian config path`)
    #[arg(long, global = true, env = "MERIDIAN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Watchlist to start with, e.g. AAPL,MSFT,NVDA
    #[arg(
        long,
        global = true,
        env = "MERIDIAN_SYMBOLS",
        value_delimiter = ',',
        value_name = "A,B,C"
    )]
    pub symbols: Option<Vec<String>>,
    /// Log level for the log file in the data directory (trace..error)
    #[arg(long, global = true, env = "MERIDIAN_LOG_LEVEL", value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Redraws per second at most (default 30)
    #[arg(long, global = true, value_name = "N")]
    pub fps: Option<u32>,
    /// Do not verify TLS certificates (https, wss). Shown in red all session
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Look, do not touch: no decision is queued (the header says READ-ONLY)
    #[arg(long, global = true, env = "MERIDIAN_READ_ONLY")]
    pub read_only: bool,
    /// Hide holdings' quantities, values and P&L (for sharing a screen)
    #[arg(long, global = true, env = "MERIDIAN_PRIVATE")]
    pub private: bool,
    /// Prometheus base URL: service cards from `up` by job, sparkline panels
    #[arg(long, global = true, env = "MERIDIAN_PROMETHEUS_URL", value_name = "URL")]
    pub prometheus: Option<String>,
    /// Alertmanager base URL: the alert inbox, acknowledged with silences
    #[arg(long, global = true, env = "MERIDIAN_ALERTMANAGER_URL", value_name = "URL")]
    pub alertmanager: Option<String>,
}

impl ConnArgs {
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            profile: self.profile.clone(),
            server: self.server.clone(),
            prices_url: self.prices_url.clone(),
            prices_format: self.prices_format,
            private: self.private,
            read_only: self.read_only,
            backfill_url: self.backfill_url.clone(),
            health_url: self.health_url.clone(),
            data_dir: self.data_dir.clone(),
            symbols: self.symbols.clone(),
            log_level: self.log_level.clone(),
            fps: self.fps,
            prometheus: self.prometheus.clone(),
            alertmanager: self.alertmanager.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the reference server (the whole wire contract, simulated data)
    Serve(crate::server::ServeArgs),
    /// Inspect or create the config file
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print health and backfill jobs; exit 0 healthy, 1 degraded, 2 down, 3 unknown, 4 config error
    Status(crate::headless::StatusArgs),
    /// Print a live feed (prices, backfill or health) as JSON lines
    Tail(crate::headless::TailArgs),
    /// List reports, or approve, reject or flag one through the outbox
    Reports {
        #[command(subcommand)]
        action: crate::headless::ReportsCommand,
    },
    /// List alerts, or acknowledge or snooze one through the outbox
    Alerts {
        #[command(subcommand)]
        action: crate::headless::AlertsCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(crate::headless::CompletionsArgs),
    /// Print the man page (roff), e.g. `meridian man > meridian.1`
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the config file path
    Path,
    /// Write the commented default config to the config path
    Init {
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Print the effective config (token redacted)
    Show,
}
