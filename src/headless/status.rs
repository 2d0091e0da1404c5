//! `meridian status`: overall and per-service health and the backfill jobs,
//! as text or one JSON object, with the overall health as the exit status.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use super::{print, wire_name};
use crate::cli::ConnArgs;
use crate::format::{self, eta_seconds, progress};
use crate::protocol::{BackfillJob, Health, Service, SystemStatus};
use crate::remote::api_client;

pub(crate) const EXIT_HEALTHY: u8 = 0;
pub(crate) const EXIT_DEGRADED: u8 = 1;
pub(crate) const EXIT_DOWN: u8 = 2;
/// No answer, or one we cannot read: the health is unknown.
pub(crate) const EXIT_UNKNOWN: u8 = 3;
/// Bad config file or command line: we did not even ask. Not 2, which is
/// "down".
pub(crate) const EXIT_CONFIG: u8 = 4;

const EXIT_CODES: &str = "\
Exit status:
  0  healthy
  1  degraded
  2  down
  3  unknown: the server is unreachable, timed out, or answered an error
     (5xx, 401, 403, ...); the reason is on stderr
  4  config or usage error (not 2, so that it never reads as \"down\")";

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct StatusArgs {
    /// Print one JSON object {overall, services, jobs} instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn run(conn: &ConnArgs, args: &StatusArgs) -> ExitCode {
    ExitCode::from(match check(conn, args).await {
        Ok(code) => code,
        Err(Failure::Config(e)) => {
            super::say(format_args!("{e:#}"));
            EXIT_CONFIG
        }
        Err(Failure::Unknown(why)) => {
            super::say(format_args!("status unknown: {why}"));
            EXIT_UNKNOWN
        }
    })
}

enum Failure {
    Config(anyhow::Error),
    Unknown(String),
}

async fn check(conn: &ConnArgs, args: &StatusArgs) -> Result<u8, Failure> {
    let (config, remote) = super::setup(conn).map_err(Failure::Config)?;
    let api = api_client(&config, &remote).map_err(Failure::Config)?;
    let (status, backfill) = tokio::join!(api.status(), api.backfill());
    let status = status.map_err(|e| Failure::Unknown(e.to_string()))?;
    // The jobs are extra information: without them the health still stands.
    let jobs = match backfill {
        Ok(list) => Some(list.jobs),
        Err(e) => {
            super::say(format_args!("backfill jobs unavailable: {e}"));
            None
        }
    };
    let out = if args.json {
        let mut s = to_json(&status, jobs.as_deref());
        s.push('\n');
        s
    } else {
        to_text(&status, jobs.as_deref())
    };
    print(out.as_bytes()).map_err(|e| Failure::Unknown(format!("{e:#}")))?;
    Ok(exit_code(status.overall))
}

pub(crate) fn exit_code(overall: Health) -> u8 {
    match overall {
        Health::Healthy => EXIT_HEALTHY,
        Health::Degraded => EXIT_DEGRADED,
        Health::Down => EXIT_DOWN,
        Health::Unknown => EXIT_UNKNOWN,
    }
}

/// What `--json` prints, in this field order.
#[derive(Serialize)]
struct StatusJson<'a> {
    overall: Health,
    services: &'a [Service],
    /// `None` (null) when the backfill endpoint did not answer.
    jobs: Option<Vec<JobJson>>,
}

/// A job as sent, plus `progress` (0..1), with `eta_seconds` estimated from
/// the rate when the server left it out.
#[derive(Serialize)]
struct JobJson {
    #[serde(flatten)]
    job: BackfillJob,
    progress: f64,
}

fn to_json(status: &SystemStatus, jobs: Option<&[BackfillJob]>) -> String {
    let jobs = jobs.map(|jobs| {
        jobs.iter()
            .map(|j| JobJson {
                job: BackfillJob { eta_seconds: eta_seconds(j).or(j.eta_seconds), ..j.clone() },
                progress: progress(j),
            })
            .collect()
    });
    let out = StatusJson { overall: status.overall, services: &status.services, jobs };
    // Plain data of strings and numbers always serializes.
    serde_json::to_string(&out).unwrap_or_default()
}

fn to_text(status: &SystemStatus, jobs: Option<&[BackfillJob]>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "overall: {}", wire_name(&status.overall));
    let _ = writeln!(
        s,
        "\n{:<20} {:<9} {:>9} {:>8}  MESSAGE",
        "SERVICE", "STATUS", "LATENCY", "UPTIME"
    );
    for svc in &status.services {
        let _ = writeln!(
            s,
            "{:<20} {:<9} {:>6.0} ms {:>7.2}%  {}",
            format::fit(&svc.name, 20),
            wire_name(&svc.status),
            svc.latency_ms,
            svc.uptime_pct,
            svc.message.as_deref().unwrap_or("")
        );
    }
    let Some(jobs) = jobs else { return s };
    let _ = writeln!(
        s,
        "\n{:<24} {:<9} {:>8} {:>10} {:>8}",
        "JOB", "STATUS", "PROGRESS", "RATE", "ETA"
    );
    for j in jobs {
        let _ = writeln!(
            s,
            "{:<24} {:<9} {:>7.1}% {:>8.1}/s {:>8}",
            format::fit(if j.name.is_empty() { &j.job_id } else { &j.name }, 24),
            wire_name(&j.status),
            progress(j) * 100.0,
            j.rate_per_sec,
            eta_seconds(j).map_or_else(|| "—".into(), format::duration),
        );
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::protocol::JobStatus;
    use serde_json::{Value, json};

    fn job() -> BackfillJob {
        serde_json::from_value(json!({
            "job_id": "b", "name": "Blocks", "status": "running",
            "processed": 250, "total": 1000, "rate_per_sec": 50.0
        }))
        .unwrap()
    }

    #[test]
    fn the_overall_health_is_the_exit_status() {
        assert_eq!(exit_code(Health::Healthy), 0);
        assert_eq!(exit_code(Health::Degraded), 1);
        assert_eq!(exit_code(Health::Down), 2);
        assert_eq!(exit_code(Health::Unknown), 3);
    }

    #[test]
    fn json_jobs_carry_progress_and_an_estimated_eta() {
        let status = SystemStatus { overall: Health::Degraded, ..Default::default() };
        let text = to_json(&status, Some(&[job()]));
        assert!(text.starts_with(r#"{"overall":"degraded","services":[],"jobs":[{"#), "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["jobs"][0]["progress"], 0.25);
        assert_eq!(v["jobs"][0]["eta_seconds"], 15.0);
        let v: Value = serde_json::from_str(&to_json(&status, None)).unwrap();
        assert_eq!(v["jobs"], Value::Null);
    }

    #[test]
    fn text_has_one_line_per_service_and_job() {
        let mut done = job();
        done.status = JobStatus::Completed;
        let status: SystemStatus = serde_json::from_value(json!({
            "overall": "healthy",
            "services": [{"name": "kafka", "status": "down", "latency_ms": 6, "uptime_pct": 99.5,
                          "message": "health check failing"}]
        }))
        .unwrap();
        let text = to_text(&status, Some(&[job(), done]));
        assert!(text.starts_with("overall: healthy\n"), "{text}");
        assert!(text.contains("kafka") && text.contains("down") && text.contains("failing"));
        assert!(text.contains("25.0%") && text.contains("15s"), "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("Blocks")).count(), 2);
    }
}
