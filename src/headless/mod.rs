//! Headless commands: the console's own client code (REST client, feed
//! tasks, outbox) without a terminal, for scripts and runbooks.
//!
//! - [`status`]: health as text or JSON, and as the exit status.
//! - [`tail`]: a live feed as JSON lines.
//! - [`reports`]: list the queue; approve, reject or flag through the outbox.
//! - [`alerts`]: list alerts with their state; acknowledge or snooze one
//!   through the outbox.
//! - [`docs`]: shell completions and the man page, from the CLI definition.
//!
//! Each command returns its exit status up to `main`; nothing here calls
//! `process::exit`, so the outbox and the runtime always shut down cleanly.

mod alertmanager;
mod alerts;
mod decide;
mod docs;
mod reports;
mod status;
mod tail;

use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory as _;

pub use alerts::{AlertsCommand, run as alerts};
pub use docs::{CompletionsArgs, completions, man};
pub use reports::{ReportsCommand, run as reports};
pub use status::{StatusArgs, run as status};
pub use tail::{TailArgs, TailFeed, run as tail};

use crate::cli::{Cli, ConnArgs};
use crate::config::Config;
use crate::remote::{Remote, load_config};

/// Usage and config errors, as for the console.
pub(crate) const EXIT_USAGE: u8 = 2;
/// `reports approve|reject|flag`, `alerts ack|snooze`: not delivered in
/// time, still queued.
pub(crate) const EXIT_QUEUED: u8 = 3;

/// Print `meridian: <text>` on stderr as one line with nothing a terminal
/// would act on: errors can quote a config file or a server's message.
pub fn say(text: impl std::fmt::Display) {
    eprintln!("meridian: {}", crate::sanitize::clean(&text.to_string()));
}

/// Load the config and set up connections for a headless command; what
/// deserves a warning goes to stderr.
pub(crate) fn setup(conn: &ConnArgs) -> anyhow::Result<(Config, Remote)> {
    let loaded = load_config(conn)?;
    for warning in &loaded.warnings {
        say(format_args!("warning: {warning}"));
    }
    if conn.insecure {
        say("warning: --insecure: TLS certificates are NOT verified");
    }
    let remote =
        Remote::new(&loaded.config, loaded.token.clone(), conn.insecure)?.with_sources(&loaded);
    Ok((loaded.config, remote))
}

/// A command line clap refused (or `--help`/`--version`): print what clap
/// says and choose the exit status. `status` reserves 2 for "down", so its
/// usage errors exit with [`status::EXIT_CONFIG`] instead.
pub fn parse_error(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if !e.use_stderr() {
        return ExitCode::SUCCESS;
    }
    let is_status = Cli::command()
        .ignore_errors(true)
        .try_get_matches()
        .is_ok_and(|m| m.subcommand_name() == Some("status"));
    ExitCode::from(if is_status { status::EXIT_CONFIG } else { EXIT_USAGE })
}

/// Write `bytes` to stdout. A closed stdout (`| head`) is not an error: the
/// reader has what it wanted.
pub(crate) fn print(bytes: &[u8]) -> anyhow::Result<()> {
    match write_out(bytes) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to stdout"),
    }
}

fn write_out(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Resolves with 128 + the signal number on SIGINT (Ctrl-C) or SIGTERM, as
/// the console does.
#[cfg(unix)]
pub(crate) async fn interrupted() -> u8 {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(mut int), Ok(mut term)) => tokio::select! {
            _ = int.recv() => 130,
            _ = term.recv() => 143,
        },
        _ => std::future::pending().await,
    }
}

#[cfg(not(unix))]
pub(crate) async fn interrupted() -> u8 {
    match tokio::signal::ctrl_c().await {
        Ok(()) => 130,
        Err(_) => std::future::pending().await,
    }
}

/// A serde enum's wire name (`"degraded"`), for text output.
pub(crate) fn wire_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".into(),
    }
}
