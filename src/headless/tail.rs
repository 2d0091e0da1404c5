//! `meridian tail prices|backfill|health`: a live feed as JSON lines on
//! stdout, through the console's own feed tasks (same reconnects, same
//! decoding and validation).

use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde::Serialize;
use tokio::sync::mpsc;

use super::interrupted;
use crate::cli::ConnArgs;
use crate::event::{Event, FeedEvent, FeedKind, Link};
use crate::feeds::{spawn_feed, spawn_prices};
use crate::protocol::{HealthMessage, health_types as ht};
use crate::remote::feed_options;

const AFTER_HELP: &str = "\
Output, one JSON object a line:
  prices    each PriceUpdate for the symbols of --symbols (default: the config's
            markets.symbols), as sent: {\"type\":\"snapshot\"|\"delta\",\"symbol\",...}.
            When updates for one symbol arrive faster than they are printed they
            are merged (latest wins, a delta keeps the fields it leaves out), as
            in the console. With --prices-format coinbase|kraken|binance the
            prices come from that venue's public feed, mapped onto the same
            PriceUpdate (symbols as the venue writes them: BTC-USD, BTC/USD,
            BTCUSDT); a symbol the venue refuses is said on stderr.
  backfill  each job's progress, as sent in backfill_progress
  health    each message as {\"type\",\"data\"}, e.g. system_status, alert

Reconnects are reported on stderr. Stops after --count lines, on Ctrl-C or
SIGTERM (exit 130 or 143), or quietly with exit 0 when stdout is closed.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TailFeed {
    Prices,
    Backfill,
    Health,
}

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct TailArgs {
    /// The feed to print
    #[arg(value_enum)]
    pub feed: TailFeed,
    /// Stop after N lines (default: until interrupted)
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

pub async fn run(conn: &ConnArgs, args: &TailArgs) -> anyhow::Result<ExitCode> {
    let (config, remote) = super::setup(conn)?;
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    // Held until we return: the price task takes a closed command channel
    // in its stride, but there is no reason to make it.
    let _commands = match args.feed {
        TailFeed::Prices => {
            let symbols = config.symbols();
            if symbols.is_empty() {
                bail!("no symbols to follow: pass --symbols A,B or set markets.symbols");
            }
            Some(spawn_prices(feed_options(&config, &remote, config.prices_url()), symbols, tx))
        }
        TailFeed::Backfill => {
            let opts = feed_options(&config, &remote, config.backfill_url());
            spawn_feed(FeedKind::Backfill, opts, tx);
            None
        }
        TailFeed::Health => {
            spawn_feed(FeedKind::Health, feed_options(&config, &remote, config.health_url()), tx);
            None
        }
    };
    let mut left = args.count.unwrap_or(u64::MAX);
    if left == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    let signal = interrupted();
    tokio::pin!(signal);
    loop {
        let event = tokio::select! {
            event = rx.recv() => event,
            code = &mut signal => return Ok(ExitCode::from(code)),
        };
        let event = match event {
            Some(Event::Feed(event)) => event,
            Some(Event::TaskFailed(failed)) => bail!("{failed}"),
            _ => bail!("the feed task stopped unexpectedly"),
        };
        for line in lines(event) {
            match write_line(&line) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
                Err(e) => return Err(e).context("cannot write to stdout"),
            }
            left -= 1;
            if left == 0 {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
}

/// The JSON lines one feed event stands for; link changes go to stderr.
/// Serialized from the structs, so fields keep the contract's order.
fn lines(event: FeedEvent) -> Vec<String> {
    match event {
        // A venue's heartbeat carries no field: nothing to print.
        FeedEvent::Prices(updates) => {
            updates.iter().filter(|u| !u.is_empty()).filter_map(to_json).collect()
        }
        FeedEvent::Refused { symbol, reason } => {
            match symbol {
                Some(s) => super::say(format_args!("prices feed: {s}: {reason}")),
                None => super::say(format_args!("prices feed: {reason}")),
            }
            Vec::new()
        }
        FeedEvent::Backfill(jobs) => jobs.iter().filter_map(to_json).collect(),
        FeedEvent::Health(messages) => messages.iter().filter_map(health).collect(),
        FeedEvent::Link(kind, Link::Reconnecting { attempt, retry_in_ms, error }) => {
            super::say(format_args!(
                "{} feed: {error}; reconnecting in {:.1}s (attempt {attempt})",
                kind.label(),
                retry_in_ms as f64 / 1000.0
            ));
            Vec::new()
        }
        FeedEvent::Link(..) | FeedEvent::Counters { .. } => Vec::new(),
    }
}

fn to_json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// A health message as on the wire, less the timestamp.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
}

/// `{"type", "data"}`; unknown types were already counted by the feed and
/// are skipped.
fn health(m: &HealthMessage) -> Option<String> {
    fn tagged<T: Serialize>(kind: &str, data: &T) -> Option<String> {
        to_json(&Tagged { kind, data })
    }
    match m {
        HealthMessage::SystemStatus(d) => tagged(ht::SYSTEM_STATUS, d),
        HealthMessage::SignalMetrics(d) => tagged(ht::SIGNAL_METRICS, d),
        HealthMessage::InsightMetrics(d) => tagged(ht::INSIGHT_METRICS, d),
        HealthMessage::InsightCreated(d) => tagged(ht::INSIGHT_CREATED, d),
        HealthMessage::FeedbackUpdated(d) => tagged(ht::FEEDBACK_UPDATED, d),
        HealthMessage::ReportUpdated(d) => tagged(ht::REPORT_UPDATED, d),
        HealthMessage::KpiUpdated(d) => tagged(ht::KPI_UPDATED, d),
        HealthMessage::Alert(d) => tagged(ht::ALERT, d),
        HealthMessage::AlertUpdated(d) => tagged(ht::ALERT_UPDATED, d),
        HealthMessage::Unknown(_) => None,
    }
}

/// One line, flushed, so a reader sees it at once.
fn write_line(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::protocol::{Alert, Id, Severity};

    #[test]
    fn health_messages_print_as_type_and_data() {
        let alert = Alert {
            id: Id::from("a-1"),
            severity: Severity::Critical,
            title: "kafka is down".into(),
            message: "m".into(),
            source: "kafka".into(),
            ..Alert::default()
        };
        let out = lines(FeedEvent::Health(vec![
            HealthMessage::Alert(alert),
            HealthMessage::Unknown("mystery".into()),
        ]));
        assert_eq!(out.len(), 1);
        assert!(out[0].starts_with(r#"{"type":"alert","data":{"id":"a-1","severity":"critical""#));
        assert!(lines(FeedEvent::Link(FeedKind::Health, Link::Connected)).is_empty());
    }
}
