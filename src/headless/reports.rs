//! `meridian reports list` (the approval queue, as a table or JSON) and
//! `meridian reports approve|reject|flag ID`: the decision goes through the
//! same durable outbox as the console's (`<data_dir>/outbox.db`), with its
//! own Idempotency-Key, and we wait for that item's delivery
//! ([`super::decide`]).

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};

use super::decide::{Wording, decide};
use super::print;
use crate::api::ReportQuery;
use crate::cli::ConnArgs;
use crate::format;
use crate::outbox::{Action, Answer};
use crate::protocol::{Id, ReportList};
use crate::remote::api_client;

const DECISION_EXIT_CODES: &str = "\
Exit status:
  0  the server applied the decision (the report's new status is printed)
  1  the server refused it: already decided (409, says by whom), not allowed
     (403) or invalid (4xx); the action is removed from the outbox
  2  config or usage error
  3  not delivered within --timeout (server unreachable, 5xx, ...): the action
     stays queued in <data_dir>/outbox.db and is sent by the next `meridian`
     or `meridian reports` run, with the same Idempotency-Key
  130/143  interrupted (Ctrl-C / SIGTERM); the action stays queued likewise";

#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// List reports (default: the first 20 of every status)
    #[command(
        after_help = "Exit status: 0 listed, 1 the server failed or refused, 2 config or usage error"
    )]
    List(ListArgs),
    /// Approve a report
    #[command(after_help = DECISION_EXIT_CODES)]
    Approve {
        /// The report's id
        id: String,
        /// Notes to keep with the approval
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Reject a report (a reason is required)
    #[command(after_help = DECISION_EXIT_CODES)]
    Reject {
        /// The report's id
        id: String,
        /// Why it is rejected
        #[arg(long, value_name = "TEXT", value_parser = not_blank)]
        reason: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Flag a report for a closer look (a reason is required)
    #[command(after_help = DECISION_EXIT_CODES)]
    Flag {
        /// The report's id
        id: String,
        /// What is wrong with it
        #[arg(long, value_name = "TEXT", value_parser = not_blank)]
        reason: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Pending,
    Approved,
    Rejected,
    Flagged,
}

impl StatusFilter {
    fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Pending => "pending",
            StatusFilter::Approved => "approved",
            StatusFilter::Rejected => "rejected",
            StatusFilter::Flagged => "flagged",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only reports with this validation status
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    /// Only this account number
    #[arg(long, value_name = "ACC")]
    pub account: Option<String>,
    /// Report date from (YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Report date to (YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// At most N reports
    #[arg(long, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// Skip the first N (paging)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: u32,
    /// Print the server's answer {reports, total, has_more} as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Seconds to wait for delivery before leaving the action queued
    #[arg(long, default_value = "30", value_name = "SECS", value_parser = seconds)]
    pub timeout: Duration,
}

fn not_blank(s: &str) -> Result<String, String> {
    if s.trim().is_empty() { Err("must not be empty".into()) } else { Ok(s.to_owned()) }
}

fn seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{s}` is not a number of seconds"))
}

pub async fn run(conn: &ConnArgs, command: ReportsCommand) -> anyhow::Result<ExitCode> {
    let (action, wait) = match command {
        ReportsCommand::List(args) => return list(conn, &args).await,
        ReportsCommand::Approve { id, notes, wait } => {
            (Action::Approve { report: Id(id), notes }, wait)
        }
        ReportsCommand::Reject { id, reason, wait } => {
            (Action::Reject { report: Id(id), reason }, wait)
        }
        ReportsCommand::Flag { id, reason, wait } => {
            (Action::FlagReport { report: Id(id), reason }, wait)
        }
    };
    let (config, remote) = super::setup(conn)?;
    decide((&config, &remote), action, wait.timeout, &WORDING).await
}

async fn list(conn: &ConnArgs, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let (config, remote) = super::setup(conn)?;
    let api = api_client(&config, &remote)?;
    let query = ReportQuery {
        status: args.status.map(|s| s.as_str().to_owned()),
        account: args.account.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        limit: args.limit,
        offset: args.offset,
    };
    let list = match api.reports(&query).await {
        Ok(list) => list,
        Err(e) => {
            super::say(format_args!("cannot list reports: {e}"));
            return Ok(ExitCode::FAILURE);
        }
    };
    let out = if args.json {
        let mut s = serde_json::to_string(&list).context("cannot print the list")?;
        s.push('\n');
        s
    } else {
        table(&list, args.offset)
    };
    print(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn table(list: &ReportList, offset: u32) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:<12} {:<28} {:<10} {:>5} {:>7}  STATUS",
        "ID", "ACCOUNT", "TITLE", "DATE", "CONF", "QUALITY"
    );
    for r in &list.reports {
        let _ = writeln!(
            s,
            "{:<10} {:<12} {:<28} {:<10} {:>4.0}% {:>6.0}%  {}",
            format::fit(r.id.as_str(), 10),
            format::fit(&r.account_number, 12),
            format::fit(&r.account_title, 28),
            format::fit(&r.report_date, 10),
            r.extraction_confidence * 100.0,
            r.data_quality_score * 100.0,
            r.validation_status.as_str(),
        );
    }
    let shown = list.reports.len();
    let _ = write!(s, "{shown} of {} report(s)", list.total);
    if list.has_more {
        let _ = write!(s, "; more with --offset {}", u64::from(offset) + shown as u64);
    }
    s.push('\n');
    s
}

/// How `reports` words the server's answers.
const WORDING: Wording = Wording { delivered, conflict, command: "meridian reports" };

/// A 409: "already approved by alice (...)".
fn conflict(message: &str, current: Option<Answer>) -> String {
    match current {
        Some(Answer::Report(r)) => format!(
            "already {} by {} ({message})",
            r.validation_status.as_str(),
            r.approved_by.as_deref().unwrap_or("someone else")
        ),
        _ => format!("conflict: {message}"),
    }
}

/// "report 17: approved by alice", from the server's answer.
fn delivered(what: &str, answer: Option<Answer>) -> String {
    match answer {
        Some(Answer::Report(r)) => {
            let by = r.approved_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
            format!("report {}: {}{by}\n", r.id, r.validation_status.as_str())
        }
        _ => format!("{what}: done\n"),
    }
}
