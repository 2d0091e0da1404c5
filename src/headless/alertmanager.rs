//! `meridian alerts` against Alertmanager, when it is configured without a
//! Meridian backend: `list` polls it; `ack` and `snooze` find the alert by
//! its fingerprint and queue the silence that stands for the decision in
//! the outbox, delivered like the console's (one silence, however often it
//! is asked).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::alerts::{AlertsCommand, ListArgs, WORDING, lines};
use super::decide::decide;
use crate::config::Config;
use crate::outbox::{Action, Silence};
use crate::protocol::{AlertList, Id, Timestamp};
use crate::remote::Remote;
use crate::sources::{Alertmanager, SourcedAlert};

pub(super) async fn run(
    (config, remote): (&Config, &Remote),
    am: &Alertmanager,
    command: AlertsCommand,
) -> anyhow::Result<ExitCode> {
    let polled = match am.poll().await {
        Ok(polled) => polled,
        Err(e) => {
            super::say(format_args!("cannot read Alertmanager: {e}"));
            return Ok(ExitCode::FAILURE);
        }
    };
    let now = Timestamp::now();
    let (action, wait) = match command {
        AlertsCommand::List(args) => return list(polled, &args, now),
        AlertsCommand::Ack { id, note, wait } => {
            let ack = Duration::from_secs(u64::from(config.alerts.ack_hours) * 3600);
            let Some(silence) = silence_for(am, &polled, &id, now.plus(ack)) else {
                return Ok(ExitCode::FAILURE);
            };
            (Action::AckAlert { alert: Id(id), note, silence: Some(silence) }, wait)
        }
        AlertsCommand::Snooze { id, duration, wait } => {
            let until = now.plus(duration);
            let Some(silence) = silence_for(am, &polled, &id, until) else {
                return Ok(ExitCode::FAILURE);
            };
            (Action::SnoozeAlert { alert: Id(id), until, silence: Some(silence) }, wait)
        }
    };
    decide((config, remote), action, wait.timeout, &WORDING).await
}

/// The alerts as the backend's list would show them. Alertmanager holds no
/// resolved alerts, so `--state all` lists the same.
fn list(polled: Vec<SourcedAlert>, args: &ListArgs, now: Timestamp) -> anyhow::Result<ExitCode> {
    let list = newest(polled, args.limit);
    let out = if args.json {
        let mut s = serde_json::to_string(&list).context("cannot print the list")?;
        s.push('\n');
        s
    } else {
        lines(&list, args.state, now)
    };
    super::print(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The `limit` newest alerts, newest first, as the backend lists them.
fn newest(polled: Vec<SourcedAlert>, limit: u32) -> AlertList {
    let mut alerts: Vec<_> = polled.into_iter().map(|s| s.alert).collect();
    alerts.sort_by_key(|a| std::cmp::Reverse(a.started_at));
    alerts.truncate(limit as usize);
    AlertList { alerts }
}

/// The silence for alert `id` (its fingerprint), ending at `ends_at`; or
/// `None`, having said that Alertmanager holds no such alert.
fn silence_for(
    am: &Alertmanager,
    polled: &[SourcedAlert],
    id: &str,
    ends_at: Timestamp,
) -> Option<Silence> {
    match polled.iter().find(|s| s.alert.id.as_str() == id) {
        Some(s) => Some(Silence { labels: s.labels.clone(), ends_at }),
        None => {
            super::say(format_args!(
                "no alert {id} in Alertmanager at {} (see `meridian alerts list`)",
                am.base()
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_newest_first_and_capped() {
        let alert = |id: &str, started: i64| SourcedAlert {
            alert: crate::protocol::Alert {
                id: Id(id.into()),
                started_at: Some(Timestamp(started)),
                ..Default::default()
            },
            labels: Default::default(),
        };
        let polled = vec![alert("old", 1), alert("new", 3), alert("mid", 2)];
        let list = newest(polled, 2);
        let ids: Vec<&str> = list.alerts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["new", "mid"]);
    }
}
