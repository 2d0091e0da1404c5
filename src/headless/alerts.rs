//! `meridian alerts list` (alerts with their state, §3b, as lines or JSON)
//! and `meridian alerts ack|snooze ID`: the decision goes through the same
//! durable outbox as the console's, like `reports approve`
//! ([`super::decide`]).

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};

use super::decide::{Wording, decide};
use super::print;
use super::reports::WaitArgs;
use crate::api::ApiError;
use crate::cli::ConnArgs;
use crate::config::Config;
use crate::outbox::{Action, Answer};
use crate::protocol::{Alert, AlertList, AlertState, Id, Timestamp};
use crate::remote::Remote;
use crate::remote::api_client;

/// `alerts list`: the backend has no alert state (§3b; it answered 404).
pub(crate) const EXIT_UNAVAILABLE: u8 = 4;

const LIST_EXIT_CODES: &str = "\
Exit status:
  0  listed
  1  the server failed or refused
  2  config or usage error
  4  the backend has no alert state (contract 1.1, §3b: GET /api/v1/alerts
     answered 404)";

const DECISION_EXIT_CODES: &str = "\
Exit status:
  0  the server applied it (the alert's new state is printed); acknowledging
     an alert that is already acknowledged is not an error
  1  the server refused it: the alert is already resolved (409), not allowed
     (403), unknown (404) or invalid (4xx); the action is removed from the
     outbox
  2  config or usage error (e.g. a bad --for)
  3  not delivered within --timeout (server unreachable, 5xx, ...): the action
     stays queued in <data_dir>/outbox.db and is sent by the next `meridian`
     or `meridian alerts` run, with the same Idempotency-Key
  130/143  interrupted (Ctrl-C / SIGTERM); the action stays queued likewise";

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List alerts with their state, newest first (default: the active ones)
    #[command(after_help = LIST_EXIT_CODES)]
    List(ListArgs),
    /// Acknowledge an alert: you are on it (your name is recorded)
    #[command(after_help = DECISION_EXIT_CODES)]
    Ack {
        /// The alert's id (as `alerts list` shows it)
        id: String,
        /// Why, or what is being done about it
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Snooze an alert for a while; it fires again after
    #[command(after_help = DECISION_EXIT_CODES)]
    Snooze {
        /// The alert's id (as `alerts list` shows it)
        id: String,
        /// How long: 30m, 1h, 2h30m, 1d (units d, h, m, s)
        #[arg(long = "for", value_name = "DURATION", value_parser = crate::format::parse_duration)]
        duration: Duration,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFilter {
    /// Firing, acknowledged or snoozed
    Active,
    /// The resolved ones too
    All,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Which alerts
    #[arg(long, value_enum, default_value = "active")]
    pub state: StateFilter,
    /// At most N alerts
    #[arg(long, default_value_t = 50, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// Print the server's answer {alerts} as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(conn: &ConnArgs, command: AlertsCommand) -> anyhow::Result<ExitCode> {
    let (config, remote) = super::setup(conn)?;
    // With an Alertmanager and no backend, its alerts are the ones meant.
    if !remote.backend
        && let Some((am, _)) = crate::remote::source_clients(&config, &remote)?.alertmanager
    {
        return super::alertmanager::run((&config, &remote), &am, command).await;
    }
    let (action, wait) = match command {
        AlertsCommand::List(args) => return list(&config, &remote, &args).await,
        AlertsCommand::Ack { id, note, wait } => {
            (Action::AckAlert { alert: Id(id), note, silence: None }, wait)
        }
        AlertsCommand::Snooze { id, duration, wait } => {
            let until = Timestamp::now().plus(duration);
            (Action::SnoozeAlert { alert: Id(id), until, silence: None }, wait)
        }
    };
    decide((&config, &remote), action, wait.timeout, &WORDING).await
}

async fn list(config: &Config, remote: &Remote, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let api = api_client(config, remote)?;
    let list = match api.alerts(args.state == StateFilter::All, args.limit).await {
        Ok(list) => list,
        Err(ApiError::Unavailable { .. }) => {
            super::say(
                "alerts are not available: this backend has no alert state \
                 (GET /api/v1/alerts answered 404; contract 1.1, §3b)",
            );
            return Ok(ExitCode::from(EXIT_UNAVAILABLE));
        }
        Err(e) => {
            super::say(format_args!("cannot list alerts: {e}"));
            return Ok(ExitCode::FAILURE);
        }
    };
    let out = if args.json {
        let mut s = serde_json::to_string(&list).context("cannot print the list")?;
        s.push('\n');
        s
    } else {
        lines(&list, args.state, Timestamp::now())
    };
    print(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// One line per alert: id, state, severity, age, source, title, and who
/// acknowledged it or until when it is snoozed.
pub(super) fn lines(list: &AlertList, state: StateFilter, now: Timestamp) -> String {
    let mut s = String::new();
    if list.alerts.is_empty() {
        let which = if state == StateFilter::All { "" } else { "active " };
        let _ = writeln!(s, "no {which}alerts");
        return s;
    }
    for a in &list.alerts {
        let age = a.started_at.map(|t| {
            let ms = u64::try_from(now.millis().saturating_sub(t.millis())).unwrap_or(0);
            Duration::from_millis(ms)
        });
        let _ = write!(
            s,
            "{:<12} {:<12} {:<8} {:>4}  {:<16} {}",
            a.id.as_str(),
            a.state.as_str(),
            super::wire_name(&a.severity),
            crate::format::age(age),
            crate::format::fit(&a.source, 16),
            a.title,
        );
        if let Some(by) = &a.acked_by {
            let _ = write!(s, "  (acked by {by})");
        }
        if let (AlertState::Snoozed, Some(until)) = (a.state, a.snoozed_until) {
            let _ = write!(s, "  (snoozed until {})", when(until));
        }
        s.push('\n');
    }
    s
}

/// "2025-03-14 15:04 UTC".
fn when(t: Timestamp) -> String {
    t.to_datetime().format("%Y-%m-%d %H:%M UTC").to_string()
}

pub(super) const WORDING: Wording = Wording { delivered, conflict, command: "meridian alerts" };

/// "acknowledged alert a-17 (cpu high) by ana", from the server's answer.
fn delivered(what: &str, answer: Option<Answer>) -> String {
    let Some(Answer::Alert(Some(a))) = answer else {
        return format!("{what}: done\n");
    };
    delivered_alert(&a)
}

/// What became of an alert, in a line.
pub(super) fn delivered_alert(a: &Alert) -> String {
    let Alert { id, title, state, .. } = a;
    match state {
        AlertState::Acknowledged => {
            let by = a.acked_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
            format!("acknowledged alert {id} ({title}){by}\n")
        }
        AlertState::Snoozed => {
            let until = a.snoozed_until.map(|t| format!(" until {}", when(t))).unwrap_or_default();
            format!("snoozed alert {id} ({title}){until}\n")
        }
        other => format!("alert {id} ({title}): {}\n", other.as_str()),
    }
}

/// A 409: "already resolved (...)".
fn conflict(message: &str, current: Option<Answer>) -> String {
    match current {
        Some(Answer::Alert(Some(a))) => format!("already {} ({message})", a.state.as_str()),
        _ => format!("conflict: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_per_alert_says_who_acknowledged_and_until_when() {
        let now = Timestamp::from_millis(1_700_000_000_000);
        let alert = |id: &str, state| Alert {
            id: Id::from(id),
            title: "cpu high".into(),
            source: "api-gateway".into(),
            state,
            started_at: Some(Timestamp::from_millis(now.millis() - 300_000)),
            ..Alert::default()
        };
        let mut acked = alert("a-1", AlertState::Acknowledged);
        acked.acked_by = Some("ana".into());
        let mut snoozed = alert("a-2", AlertState::Snoozed);
        snoozed.snoozed_until = Some(Timestamp::from_millis(now.millis() + 3_600_000));
        let list = AlertList { alerts: vec![acked, snoozed, alert("a-3", AlertState::Firing)] };
        let out = lines(&list, StateFilter::Active, now);
        let rows: Vec<&str> = out.lines().collect();
        assert_eq!(rows.len(), 3, "{out}");
        assert!(rows[0].starts_with("a-1") && rows[0].contains("acknowledged"), "{out}");
        assert!(rows[0].contains("5m") && rows[0].ends_with("cpu high  (acked by ana)"), "{out}");
        assert!(rows[1].ends_with("(snoozed until 2023-11-14 23:13 UTC)"), "{out}");
        assert!(rows[2].contains("firing") && rows[2].ends_with("cpu high"), "{out}");
        let empty = lines(&AlertList::default(), StateFilter::Active, now);
        assert_eq!(empty, "no active alerts\n");
    }

    #[test]
    fn answers_are_worded_from_the_alert() {
        let a = Alert {
            id: Id::from("a-17"),
            title: "cpu high".into(),
            state: AlertState::Acknowledged,
            acked_by: Some("ana".into()),
            ..Alert::default()
        };
        let line = delivered("x", Some(Answer::Alert(Some(Box::new(a.clone())))));
        assert_eq!(line, "acknowledged alert a-17 (cpu high) by ana\n");
        let resolved = Alert { state: AlertState::Resolved, ..a };
        let text = conflict("resolved", Some(Answer::Alert(Some(Box::new(resolved)))));
        assert_eq!(text, "already resolved (resolved)");
        assert_eq!(delivered("snooze alert 3", None), "snooze alert 3: done\n");
    }
}
