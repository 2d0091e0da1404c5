//! The UI loop: drain every waiting event, apply it, and draw once, at most
//! `fps` times a second and only when something changed. Effects that the
//! state returns are carried out here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::sync::mpsc;

use super::sources;
use super::terminal::TerminalGuard;
use crate::api::ApiClient;
use crate::app::App;
use crate::event::{ApiEvent, Effect, Event, FeedKind};
use crate::feeds::{self, FeedOptions, PriceCommand};
use crate::outbox::{Outbox, OutboxEvent, SenderConfig, SenderHandle};
use crate::theme::Theme;
use crate::watchlist;

/// Events waiting for the UI at most; producers wait (or coalesce) beyond.
const CHANNEL: usize = 1024;
/// Insights fetched at start.
const PAGE: u32 = 50;

/// Everything the interactive console needs to run.
pub struct Console {
    pub app: App,
    pub theme: Theme,
    pub fps: u32,
    pub api: ApiClient,
    pub prices: FeedOptions,
    pub backfill: FeedOptions,
    pub health: FeedOptions,
    pub data_dir: PathBuf,
    pub outbox: Outbox,
    pub sender: SenderConfig,
}

/// Run until the user quits or a signal arrives; returns the exit status.
pub async fn run(console: Console) -> anyhow::Result<u8> {
    let Console { mut app, theme, fps, api, prices, backfill, health, data_dir, outbox, sender } =
        console;
    let (tx, mut rx) = mpsc::channel::<Event>(CHANNEL);
    let price_cmds = feeds::spawn_prices(prices, app.markets.symbols.clone(), tx.clone());
    feeds::spawn_feed(FeedKind::Backfill, backfill, tx.clone());
    feeds::spawn_feed(FeedKind::Health, health, tx.clone());
    sources::spawn_signals(tx.clone());
    sources::spawn_clock(tx.clone());

    // Actions left from an earlier run go out again from the start.
    let sender = crate::outbox::spawn_sender(outbox.clone(), sender, tx.clone())
        .context("cannot start the outbox sender")?;

    let mut term = TerminalGuard::enter().context("cannot set up the terminal")?;
    sources::spawn_input(tx.clone());
    let driver = Driver { api, tx: tx.clone(), price_cmds, data_dir, outbox, sender };
    driver.outbox_changed();
    let start = app.start();
    for fx in start {
        driver.execute(fx);
    }

    let interval = Duration::from_secs_f64(1.0 / f64::from(fps.clamp(1, 240)));
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let mut effects = Vec::new();
    let mut status = 0u8;
    loop {
        if dirty && Instant::now() >= next_frame {
            app.now = Instant::now();
            app.wall = crate::protocol::Timestamp::now();
            term.draw(|f| crate::ui::render(f, &app, &theme)).context("cannot draw")?;
            dirty = false;
            next_frame = Instant::now() + interval;
        }
        let deadline = tokio::time::Instant::from_std(next_frame);
        let first = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::time::sleep_until(deadline), if dirty => continue,
        };
        let Some(first) = first else { break };
        app.now = Instant::now();
        // Drain what else is waiting before drawing once.
        let mut next = Some(first);
        while let Some(ev) = next {
            if let Event::Terminate(code) = ev {
                status = code;
            }
            dirty |= app.update(ev, &mut effects);
            next = rx.try_recv().ok();
        }
        let mut quit = false;
        for fx in effects.drain(..) {
            match fx {
                Effect::Quit => quit = true,
                Effect::FullRedraw => {
                    term.terminal.clear().context("cannot clear the screen")?;
                    dirty = true;
                }
                Effect::Bell => {
                    let _ = term.bell();
                }
                other => driver.execute(other),
            }
        }
        if quit {
            break;
        }
    }
    drop(term);
    Ok(status)
}

/// Carries out effects that talk to the network or the disk.
struct Driver {
    api: ApiClient,
    tx: mpsc::Sender<Event>,
    price_cmds: mpsc::Sender<PriceCommand>,
    data_dir: PathBuf,
    outbox: Outbox,
    sender: SenderHandle,
}

impl Driver {
    fn execute(&self, fx: Effect) {
        match fx {
            Effect::Subscribe(s) => self.command(PriceCommand::Subscribe(s)),
            Effect::Unsubscribe(s) => self.command(PriceCommand::Unsubscribe(s)),
            Effect::SaveWatchlist(symbols) => {
                if let Err(e) = watchlist::save(&self.data_dir, &symbols) {
                    tracing::error!(error = %e, "cannot save the watchlist");
                }
            }
            Effect::FetchInsights => self.fetch(|api| async move {
                ApiEvent::Insights(api.insights(PAGE, 0).await.map_err(|e| e.to_string()))
            }),
            Effect::FetchReports(q) => self.fetch(|api| async move {
                let offset = q.offset;
                ApiEvent::Reports {
                    offset,
                    result: api.reports(&q).await.map_err(|e| e.to_string()),
                }
            }),
            Effect::FetchAnalytics(days) => self.fetch(move |api| async move {
                ApiEvent::Analytics {
                    days,
                    result: api.analytics(days).await.map_err(|e| e.to_string()),
                }
            }),
            Effect::FetchStats(id) => self.fetch(|api| async move {
                let result = api.feedback_stats(&id).await.map_err(|e| e.to_string());
                ApiEvent::Stats(id, result)
            }),
            // Written durably here, in the UI loop, before the next key is
            // read: a crash after this point cannot lose the decision.
            Effect::Enqueue(actions) => {
                for action in actions {
                    let what = action.describe();
                    if let Err(e) = self.outbox.enqueue(action) {
                        tracing::error!(error = %e, "cannot queue an action");
                        self.notice(format!("NOT QUEUED: {what}: {e}"));
                    }
                }
                self.sender.wake();
                self.outbox_changed();
            }
            Effect::OutboxRetry(id) => {
                if let Err(e) = self.outbox.retry(id) {
                    self.notice(format!("cannot retry: {e}"));
                }
                self.sender.wake();
                self.outbox_changed();
            }
            Effect::OutboxDrop(id) => {
                if let Err(e) = self.outbox.drop_item(id) {
                    self.notice(format!("cannot drop: {e}"));
                }
                self.outbox_changed();
            }
            Effect::FetchKpis => self.fetch(|api| async move {
                ApiEvent::Kpis(api.kpis().await.map_err(|e| e.to_string()))
            }),
            Effect::FetchStatus => {
                self.fetch(|api| async move {
                    ApiEvent::Status(api.status().await.map_err(|e| e.to_string()))
                });
                self.fetch(|api| async move {
                    ApiEvent::Backfill(
                        api.backfill().await.map(|l| l.jobs).map_err(|e| e.to_string()),
                    )
                });
            }
            Effect::Quit | Effect::FullRedraw | Effect::Bell => {}
        }
    }

    /// Tell the state what the outbox holds now.
    fn outbox_changed(&self) {
        match self.outbox.items() {
            Ok(items) => {
                let _ = self.tx.try_send(Event::Outbox(OutboxEvent::Changed(items)));
            }
            Err(e) => self.notice(format!("cannot read the outbox: {e}")),
        }
    }

    fn notice(&self, text: String) {
        let _ = self.tx.try_send(Event::Notice(text));
    }

    fn command(&self, c: PriceCommand) {
        if self.price_cmds.try_send(c).is_err() {
            tracing::warn!("price feed task is not taking commands");
        }
    }

    fn fetch<F, Fut>(&self, call: F)
    where
        F: FnOnce(ApiClient) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ApiEvent> + Send,
    {
        let (api, tx) = (self.api.clone(), self.tx.clone());
        tokio::spawn(async move {
            let ev = call(api).await;
            let _ = tx.send(Event::Api(ev)).await;
        });
    }
}
