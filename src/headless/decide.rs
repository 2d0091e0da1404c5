//! A decision made from the command line (`reports approve`, `alerts ack`,
//! ...): queued in the same durable outbox as the console's
//! (`<data_dir>/outbox.db`), with its own Idempotency-Key, then we wait for
//! that item's delivery and turn the outcome into a line and an exit status.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::mpsc;

use super::{EXIT_QUEUED, interrupted, print};
use crate::config::Config;
use crate::outbox::{Action, Answer, Item, ItemStatus, Outbox, OutboxEvent, spawn_sender};
use crate::remote::Remote;
use crate::remote::sender_config;

/// How a command words what the server answered.
pub(super) struct Wording {
    /// The line printed on stdout once delivered (ending with a newline),
    /// from the action's description and the server's answer.
    pub delivered: fn(&str, Option<Answer>) -> String,
    /// What a 409 says, from the server's message and the current state it
    /// sent.
    pub conflict: fn(&str, Option<Answer>) -> String,
    /// The subcommand that also sends what stays queued (`meridian reports`).
    pub command: &'static str,
}

/// How waiting for our item ended.
enum Wait {
    Delivered(Option<Answer>),
    /// The server refused it for good; the line to show.
    Refused(String),
    TimedOut,
    Interrupted(u8),
}

/// Queue `action`, send it (and whatever older actions wait), and wait up
/// to `timeout` for it: 0 delivered, 1 refused (and dropped from the
/// outbox), [`EXIT_QUEUED`] not delivered in time, 128 + n on a signal.
pub(super) async fn decide(
    (config, remote): (&Config, &Remote),
    action: Action,
    timeout: Duration,
    wording: &Wording,
) -> anyhow::Result<ExitCode> {
    if let Some(why) = config.read_only_reason() {
        let what = action.describe();
        anyhow::bail!("read-only, {why}: {what} was not queued");
    }
    let path = config.data_dir().join("outbox.db");
    let outbox = Outbox::open(&path)
        .with_context(|| format!("cannot open the outbox {}", path.display()))?;
    // On disk before anything is sent: from here on the action is not lost.
    let item = outbox.enqueue(action).context("cannot queue the action")?;
    let what = item.action.describe();
    let (tx, mut rx) = mpsc::channel::<OutboxEvent>(64);
    // Silences an earlier console run left queued go out too.
    let am = crate::remote::source_clients(config, remote)?.alertmanager.map(|(c, _)| c);
    let sender = spawn_sender(outbox.clone(), sender_config(config, remote, am), tx)?;

    let deadline = tokio::time::sleep(timeout);
    let signal = interrupted();
    tokio::pin!(deadline, signal);
    let mut last_error = None;
    let end = loop {
        let event = tokio::select! {
            event = rx.recv() => event,
            () = &mut deadline => break Wait::TimedOut,
            code = &mut signal => break Wait::Interrupted(code),
        };
        let Some(event) = event else {
            sender.shutdown().await;
            anyhow::bail!("the outbox sender stopped unexpectedly; {what} stays queued");
        };
        if let Some(end) = ours(event, item.id, &mut last_error, wording) {
            break end;
        }
    };
    // Interrupts a request in flight: the item stays pending with its key.
    sender.shutdown().await;

    Ok(match end {
        Wait::Delivered(answer) => {
            print((wording.delivered)(&what, answer).as_bytes())?;
            ExitCode::SUCCESS
        }
        Wait::Refused(line) => {
            // Told here, with an exit status: nobody is left to retry or drop it.
            if let Err(e) = outbox.drop_item(item.id) {
                tracing::warn!(error = %e, "could not drop a refused action");
            }
            super::say(line);
            ExitCode::FAILURE
        }
        Wait::TimedOut | Wait::Interrupted(_) => {
            let why = match &end {
                Wait::TimedOut => format!("not delivered within {}s", timeout.as_secs_f64()),
                _ => "interrupted".into(),
            };
            let last = last_error.map(|e| format!(" (last error: {e})")).unwrap_or_default();
            super::say(format_args!(
                "{what}: {why}{last}; it stays queued in {} and is sent by the next \
                 `meridian` or `{}` run",
                outbox.path().display(),
                wording.command,
            ));
            ExitCode::from(if let Wait::Interrupted(code) = end { code } else { EXIT_QUEUED })
        }
    })
}

/// What an outbox event means for our item (`id`), if it is final. Retries
/// are reported on stderr as they happen.
fn ours(
    event: OutboxEvent,
    id: i64,
    last_error: &mut Option<String>,
    wording: &Wording,
) -> Option<Wait> {
    let refused = |item: &Item, text: String| {
        Some(Wait::Refused(format!("{}: {text}", item.action.describe())))
    };
    match event {
        OutboxEvent::Changed(items) => {
            let item = items.iter().find(|i| i.id == id && i.status == ItemStatus::Pending)?;
            if item.last_error.is_some() && item.last_error != *last_error {
                *last_error = item.last_error.clone();
                super::say(format_args!(
                    "{}: not delivered yet ({}); retrying",
                    item.action.describe(),
                    item.last_error.as_deref().unwrap_or_default()
                ));
            }
            None
        }
        OutboxEvent::Delivered { item, answer } if item.id == id => Some(Wait::Delivered(answer)),
        OutboxEvent::Conflict { item, message, current } if item.id == id => {
            refused(&item, (wording.conflict)(&message, current))
        }
        OutboxEvent::Forbidden { item, message } if item.id == id => {
            refused(&item, format!("not allowed with this token: {message}"))
        }
        OutboxEvent::Rejected { item, status, message } if item.id == id => {
            refused(&item, format!("refused by the server (HTTP {status}): {message}"))
        }
        // Older queued actions delivered on the way.
        _ => None,
    }
}
