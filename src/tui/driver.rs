//! Carries out the effects the state asks for: network calls, disk writes
//! and feed commands. Results come back to the UI loop as events.

use std::path::PathBuf;

use tokio::sync::mpsc;

use crate::api::ApiClient;
use crate::event::{ApiEvent, Effect, Event, Task};
use crate::feeds::PriceCommand;
use crate::outbox::{Outbox, OutboxEvent, SenderHandle};
use crate::protocol::Interval;
use crate::task::spawn_watched;
use crate::venues::VenueClient;
use crate::watchlist;

/// Insights fetched per page.
const PAGE: u32 = 50;
/// Alerts asked for at once (the contract's default).
const ALERTS_LIMIT: u32 = 200;
/// Trend histories asked for at once.
const TREND_FETCHES: usize = 4;

/// Carries out effects that talk to the network or the disk.
pub(crate) struct Driver {
    pub api: ApiClient,
    /// A Meridian backend is configured: without one, what would ask it
    /// is not done.
    pub backend: bool,
    pub tx: mpsc::Sender<Event>,
    pub price_cmds: mpsc::Sender<PriceCommand>,
    pub data_dir: PathBuf,
    pub outbox: Outbox,
    pub sender: SenderHandle,
    /// Prometheus's and Alertmanager's tasks, woken on refresh and after an
    /// acknowledgement.
    pub wakers: Vec<crate::sources::Waker>,
    /// The venue whose public feed gives the prices, when one does: its
    /// REST API gives the charts' history.
    pub venue: Option<VenueClient>,
}

/// Where candles come from: the backend (§1a), or the prices' venue.
#[derive(Clone)]
enum Candles {
    Backend(ApiClient),
    Venue(VenueClient),
}

impl Candles {
    async fn get(
        &self,
        symbol: &str,
        interval: Interval,
        limit: u32,
    ) -> Result<crate::protocol::CandleSeries, crate::api::ApiError> {
        match self {
            Candles::Backend(api) => api.candles(symbol, interval, limit).await,
            Candles::Venue(venue) => venue.candles(symbol, interval, limit).await,
        }
    }
}

impl Driver {
    pub(crate) fn execute(&self, fx: Effect) {
        // A venue's prices need no backend: the watchlist and the charts
        // go to the venue.
        let to_venue = self.venue.is_some() && fx.is_prices();
        if !self.backend && fx.needs_backend() && !to_venue {
            return;
        }
        match fx {
            Effect::PollSources => self.wakers.iter().for_each(crate::sources::Waker::wake),
            Effect::Subscribe(s) => self.command(PriceCommand::Subscribe(s)),
            Effect::Unsubscribe(s) => self.command(PriceCommand::Unsubscribe(s)),
            Effect::SaveWatchlist(symbols) => self.save_watchlist(&symbols),
            Effect::SavePriceAlerts(alerts) => self.save_price_alerts(&alerts),
            Effect::SavePaletteHistory(history) => {
                if let Err(e) = crate::palette_history::save(&self.data_dir, &history) {
                    tracing::warn!(error = %e, "cannot save the command history");
                }
            }
            Effect::FetchInsights { offset } => self.fetch(move |api| async move {
                ApiEvent::Insights { offset, result: api.insights(PAGE, offset).await }
            }),
            Effect::FetchReports(q) => self.fetch(|api| async move {
                let offset = q.offset;
                ApiEvent::Reports { offset, result: api.reports(&q).await }
            }),
            Effect::FetchAnalytics(days) => self.fetch(move |api| async move {
                ApiEvent::Analytics { days, result: api.analytics(days).await }
            }),
            Effect::FetchStats(id) => self.fetch(|api| async move {
                let result = api.feedback_stats(&id).await;
                ApiEvent::Stats(id, result)
            }),
            fx @ (Effect::Enqueue(_)
            | Effect::Undo(_)
            | Effect::OutboxRetry(_)
            | Effect::OutboxDrop(_)) => self.outbox_effect(fx),
            Effect::Claim { id, release } => self.fetch(move |api| async move {
                let result = if release { api.release(&id).await } else { api.claim(&id).await };
                let result = result.map(Box::new);
                ApiEvent::Claim { id, release, result }
            }),
            Effect::FetchKpis => self.fetch(|api| async move { ApiEvent::Kpis(api.kpis().await) }),
            Effect::FetchStatus => {
                self.fetch(|api| async move { ApiEvent::Status(api.status().await) });
                self.fetch(|api| async move {
                    ApiEvent::Backfill(api.backfill().await.map(|l| l.jobs))
                });
            }
            Effect::FetchCandles { symbol, interval, limit } => {
                let source = self.candles();
                self.fetch(move |_| async move {
                    let result = source.get(&symbol, interval, limit).await;
                    ApiEvent::Candles { symbol, interval, result }
                });
            }
            Effect::FetchTrends { symbols, limit } => self.fetch_trends(symbols, limit),
            Effect::FetchMonitoringHistory { minutes } => self.fetch(move |api| async move {
                ApiEvent::MonitoringHistory(api.monitoring_history(minutes).await)
            }),
            Effect::FetchAlerts { all } => self.fetch(move |api| async move {
                ApiEvent::Alerts(api.alerts(all, ALERTS_LIMIT).await)
            }),
            Effect::Quit
            | Effect::FullRedraw
            | Effect::Bell
            | Effect::Notify(_)
            | Effect::Copy(_) => {}
        }
    }

    /// The watchlist, kept for the price source it belongs to.
    fn save_watchlist(&self, symbols: &[String]) {
        let format = self.venue.as_ref().map_or_else(Default::default, VenueClient::format);
        if let Err(e) = watchlist::save(&self.data_dir, format, symbols) {
            tracing::error!(error = %e, "cannot save the watchlist");
        }
    }

    fn save_price_alerts(&self, alerts: &[crate::price_alerts::PriceAlert]) {
        if let Err(e) = crate::price_alerts::save(&self.data_dir, alerts) {
            tracing::error!(error = %e, "cannot save the price alerts");
            self.notice(format!("cannot save the price alerts: {e}"));
        }
    }

    /// Tell the state what the outbox holds now.
    pub(crate) fn outbox_changed(&self) {
        match self.outbox.items() {
            Ok(items) => {
                let _ = self.tx.try_send(Event::Outbox(OutboxEvent::Changed(items)));
            }
            Err(e) => self.notice(format!("cannot read the outbox: {e}")),
        }
    }

    /// The outbox's effects: queue (held for undo), undo, retry, drop.
    fn outbox_effect(&self, fx: Effect) {
        match fx {
            // Written durably here, in the UI loop, before the next key is
            // read: a crash after this point cannot lose the decision.
            Effect::Enqueue(batch) => {
                for (key, action) in batch.keys.iter().zip(batch.actions) {
                    let what = action.describe();
                    if let Err(e) = self.outbox.enqueue_held(key, action, batch.hold) {
                        tracing::error!(error = %e, "cannot queue an action");
                        self.notice(format!("NOT QUEUED: {what}: {e}"));
                    }
                }
                self.sender.wake();
                self.outbox_changed();
            }
            Effect::Undo(asked) => {
                match self.outbox.undo(&asked) {
                    Ok(taken) => self.send(Event::Undone { asked, taken }),
                    Err(e) => self.notice(format!("cannot undo: {e}")),
                }
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
            _ => {}
        }
    }

    /// An event that must not be lost to a full channel: sent from a task
    /// when the loop's queue has no room right now.
    fn send(&self, ev: Event) {
        if let Err(mpsc::error::TrySendError::Full(ev)) = self.tx.try_send(ev) {
            let tx = self.tx.clone();
            tokio::spawn(async move { tx.send(ev).await });
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

    /// Each symbol's one-minute candles, [`TREND_FETCHES`] at a time, each
    /// answer sent as it comes.
    fn fetch_trends(&self, symbols: Vec<String>, limit: u32) {
        use futures_util::StreamExt;
        let (source, tx) = (self.candles(), self.tx.clone());
        spawn_watched(Task::Fetch, self.tx.clone(), async move {
            let answers = futures_util::stream::iter(symbols).map(|symbol| {
                let source = source.clone();
                async move {
                    let result = source.get(&symbol, Interval::M1, limit).await;
                    ApiEvent::Trend { symbol, result }
                }
            });
            let mut answers = answers.buffer_unordered(TREND_FETCHES);
            while let Some(ev) = answers.next().await {
                if tx.send(Event::Api(ev)).await.is_err() {
                    return;
                }
            }
        });
    }

    fn candles(&self) -> Candles {
        match &self.venue {
            Some(v) => Candles::Venue(v.clone()),
            None => Candles::Backend(self.api.clone()),
        }
    }

    fn fetch<F, Fut>(&self, call: F)
    where
        F: FnOnce(ApiClient) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ApiEvent> + Send,
    {
        let (api, tx) = (self.api.clone(), self.tx.clone());
        spawn_watched(Task::Fetch, self.tx.clone(), async move {
            let ev = call(api).await;
            let _ = tx.send(Event::Api(ev)).await;
        });
    }
}
