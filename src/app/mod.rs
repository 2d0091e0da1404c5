//! The one application state. It changes only in [`App::update`], which
//! returns whether anything visible changed and pushes the effects (network
//! commands, persistence) that the driver carries out. Rendering reads it.

mod alert_filters;
mod alert_keys;
mod alerts;
mod candles;
mod chart;
mod charting;
mod claims;
mod copy;
mod faults;
mod feeds;
mod fetched;
mod filter;
mod filter_keys;
mod history;
mod lists;
mod load;
mod markets;
mod markets_keys;
mod metrics;
mod outcomes;
mod output;
mod paging;
mod palette;
mod pause;
pub mod positions;
mod price_alert_keys;
mod prom;
mod report_detail;
mod review;
mod router;
mod scroll;
mod sources;
mod status;
mod timeseries;
mod trend;
mod undo;

use std::time::{Duration, Instant};

pub use alerts::{
    AlertRow, Alerts, AmSource, Origin, SeverityFilter, StateFilter, Toast, severity_label,
};
pub use candles::{Candle, Candles, window_stats};
pub use chart::{Chart, HistoryState};
pub use claims::{CLAIM_RENEW, Claims, Decide};
pub use faults::Faults;
pub use feeds::{FeedState, Feeds, Indicator, format_age};
pub use filter::{ListFilter, ReportFilter};
pub use history::History;
pub use lists::{Insights, Reports};
pub use load::Load;
pub use markets::{Markets, Move, Quote, SortKey, TREND_BUCKET};
pub use metrics::{INSIGHT_SERIES, Metrics, PERIODS, Signal};
pub use output::{Output, RTT_SHOWN, RTT_WARN};
pub use paging::Paging;
pub use palette::{Candidate, Palette, Prompt};
pub use pause::Paused;
pub use price_alert_keys::PriceToast;
pub use prom::{Prom, PromPanel};
pub use report_detail::ReportDetail;
pub use review::{Confirm, InsightAction, Modal, OnConfirm, Purpose, REPORT_PAGE, TextEntry};
pub use router::Layer;
pub use scroll::ScrollState;
pub use status::{Status, eta_seconds, job_word, progress};
pub use trend::TREND_HISTORY_STEP;
pub use undo::{Held, held_line};

use crate::event::{Effect, Event, FeedEvent};
use crate::keymap::{Action, Context, Keymap};
use crate::protocol::HealthMessage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Insights,
    Status,
    Metrics,
    Markets,
    Reports,
    Alerts,
}

impl Tab {
    pub const ALL: [Tab; 6] =
        [Tab::Insights, Tab::Status, Tab::Metrics, Tab::Markets, Tab::Reports, Tab::Alerts];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Insights => "Insights",
            Tab::Status => "Status",
            Tab::Metrics => "Metrics",
            Tab::Markets => "Markets",
            Tab::Reports => "Reports",
            Tab::Alerts => "Alerts",
        }
    }

    pub(crate) fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub(crate) fn context(self) -> Context {
        match self {
            Tab::Insights => Context::Insights,
            Tab::Status => Context::Status,
            Tab::Metrics => Context::Metrics,
            Tab::Markets => Context::Markets,
            Tab::Reports => Context::Reports,
            Tab::Alerts => Context::Alerts,
        }
    }

    fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[((self.index() as isize + by).rem_euclid(n)) as usize]
    }
}

/// Settings the state needs, taken from the config at start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    pub prices_stale_after: Duration,
    pub health_stale_after: Duration,
    pub history_points: usize,
    pub bell: bool,
    /// Where we are connected, for the header (never contains a token).
    pub server_label: String,
    /// TLS certificates are not verified (`--insecure`): said in red.
    pub insecure: bool,
    /// Who this console speaks for (`X-User`), shown on what it decided
    /// until the server's answer says otherwise.
    pub user: String,
    /// How long an acknowledgement silences an Alertmanager alert.
    pub ack_hours: u32,
    /// Which events write a desktop notification.
    pub notify: crate::config::NotifyConfig,
    /// A Meridian backend is configured; without one, the tabs that need
    /// it say so and nothing is asked of it.
    pub backend: bool,
    /// How the price feed speaks: our contract or a venue's public feed.
    pub prices_format: crate::venues::PricesFormat,
    /// `y` copies through the terminal (`ui.clipboard`).
    pub clipboard: bool,
    /// The config profile in use (`--profile`), named in the header.
    pub profile: Option<crate::config::ActiveProfile>,
    /// Levels a report's figures are judged by (`[review.thresholds]`).
    pub review: crate::config::ReviewConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            demo: false,
            prices_stale_after: Duration::from_secs(5),
            health_stale_after: Duration::from_secs(30),
            history_points: 120,
            bell: false,
            server_label: String::new(),
            insecure: false,
            user: "console".into(),
            ack_hours: 4,
            notify: crate::config::NotifyConfig::default(),
            backend: true,
            prices_format: crate::venues::PricesFormat::Meridian,
            clipboard: true,
            profile: None,
            review: crate::config::ReviewConfig::default(),
        }
    }
}

pub struct App {
    pub settings: Settings,
    pub keymap: Keymap,
    pub now: Instant,
    /// Wall-clock time at `now`, for ages of things stamped by the server
    /// or the outbox.
    pub wall: crate::protocol::Timestamp,
    pub tab: Tab,
    pub show_help: bool,
    /// The per-feed diagnostics popup is open.
    pub show_diagnostics: bool,
    pub quitting: bool,
    pub feeds: Feeds,
    pub markets: Markets,
    pub status: Status,
    pub metrics: Metrics,
    pub insights: Insights,
    pub reports: Reports,
    /// The report open full screen on Reports, if any.
    pub report_detail: Option<ReportDetail>,
    pub alerts: Alerts,
    /// Prometheus, when configured.
    pub prom: Option<Prom>,
    /// A one-line message for the footer (errors, confirmations).
    pub message: Option<String>,
    /// The open dialog, if any; it takes every key.
    pub modal: Option<Modal>,
    /// The outbox as last reported by the sender.
    pub outbox: Vec<crate::outbox::Item>,
    /// Decisions in their undo window, oldest first.
    pub held: Vec<Held>,
    /// The report this console claimed (§5a).
    pub claims: Claims,
    /// Where the outbox view's table starts, kept between frames.
    pub outbox_scroll: ScrollState,
    /// Set when the server refused an action with 403: why.
    pub read_only: Option<String>,
    /// Failures out of sight, for the diagnostics popup.
    pub faults: Faults,
    /// How the terminal keeps up with what the console writes.
    pub output: Output,
    /// The screen is paused: what it shows, and since when.
    pub paused: Option<Paused>,
    /// Price alerts, armed and fired (kept in the data directory).
    pub price_alerts: crate::price_alerts::PriceAlerts,
    /// Toasts of price alerts that fired, newest first.
    pub price_toasts: Vec<PriceToast>,
    /// The `:` command palette: its prompt, history and session theme.
    pub palette: Palette,
}

/// Move a cursor by `delta` within `len` items, clamped.
pub(crate) fn step(cur: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cur as isize + delta).clamp(0, len as isize - 1) as usize
}

const PAGE: isize = 10;

impl App {
    pub fn new(settings: Settings, keymap: Keymap, symbols: Vec<String>, now: Instant) -> Self {
        let points = settings.history_points;
        App {
            keymap,
            now,
            wall: crate::protocol::Timestamp::now(),
            tab: Tab::default(),
            show_help: false,
            show_diagnostics: false,
            quitting: false,
            feeds: Feeds::default(),
            markets: Markets::new(symbols, points),
            status: Status::new(points),
            metrics: Metrics::new(points),
            insights: Insights::default(),
            reports: Reports::default(),
            report_detail: None,
            alerts: Alerts::default(),
            prom: None,
            message: None,
            modal: None,
            outbox: Vec::new(),
            held: Vec::new(),
            claims: Claims::default(),
            outbox_scroll: ScrollState::default(),
            read_only: None,
            faults: Faults::default(),
            output: Output::default(),
            paused: None,
            price_alerts: crate::price_alerts::PriceAlerts::default(),
            price_toasts: Vec::new(),
            palette: Palette::default(),
            settings,
        }
    }

    /// What to do first (and on refresh): load every list from the
    /// backend, if there is one.
    pub(crate) fn start(&mut self) -> Vec<Effect> {
        if !self.settings.backend {
            return Vec::new();
        }
        let now = self.now;
        self.insights.paging.load.start(now);
        self.reports.paging.load.start(now);
        self.metrics.kpis_load.start(now);
        self.metrics.analytics_load.start(now);
        self.status.system_load.start(now);
        self.status.jobs_load.start(now);
        self.status.history_requested(now);
        self.alerts.load.start(now);
        self.metrics.started(now);
        let mut fx = vec![
            Effect::FetchInsights { offset: 0 },
            Effect::FetchReports(self.reports.filter.query(REPORT_PAGE, 0)),
            Effect::FetchKpis,
            Effect::FetchAnalytics(self.metrics.analytics_days),
            Effect::FetchStatus,
            Effect::FetchMonitoringHistory { minutes: status::HISTORY_MINUTES },
            Effect::FetchAlerts { all: true },
        ];
        // Trends are opened once: live prices keep them full after that.
        if !std::mem::replace(&mut self.markets.trends_asked, true) {
            self.fetch_trends(&self.markets.symbols.clone(), &mut fx);
        }
        fx
    }

    /// Apply one event. Returns true when the screen must be redrawn.
    pub fn update(&mut self, event: Event, fx: &mut Vec<Effect>) -> bool {
        match event {
            Event::Key(k) => self.on_key_or_paused(k, fx),
            Event::Resize(..) => true,
            Event::Tick => {
                self.renew_claim(fx);
                true
            }
            Event::Terminate(_) => {
                self.quitting = true;
                fx.push(Effect::Quit);
                false
            }
            Event::TerminalAnswer => false,
            // The figures change every second; only the popup shows them.
            Event::Output(stats) => self.output.apply(stats) || self.show_diagnostics,
            Event::Feed(f) => self.on_feed(f, fx),
            Event::Api(a) => self.on_api(a, fx),
            Event::Outbox(o) => self.on_outbox(o, fx),
            Event::Source(s) => self.on_source(s, fx),
            Event::Notice(text) => {
                self.message = Some(text);
                true
            }
            Event::Undone { asked, taken } => self.undone(&asked, &taken, fx),
            Event::TaskFailed(failed) => self.on_task_failed(failed, fx),
        }
    }

    fn on_feed(&mut self, ev: FeedEvent, fx: &mut Vec<Effect>) -> bool {
        let now = self.now;
        match ev {
            FeedEvent::Link(kind, link) => self.feeds.set_link(kind, link),
            FeedEvent::Counters { feed, messages, bytes, rejected, seq_breaks } => {
                self.feeds.count(feed, messages, bytes, rejected, now);
                self.feeds.get_mut(feed).seq_breaks += seq_breaks;
            }
            FeedEvent::Refused { symbol, reason } => {
                self.markets.refused(symbol, reason, &mut self.message)
            }
            FeedEvent::Prices(updates) => {
                self.feeds.prices.last_message = Some(now);
                let changed = self.markets.apply(&updates, now);
                self.judge_prices(&updates, fx);
                return changed;
            }
            FeedEvent::Backfill(jobs) => {
                self.feeds.backfill.last_message = Some(now);
                let ended = self.status.upsert_jobs(jobs, now);
                self.jobs_ended(&ended, fx);
            }
            FeedEvent::Health(msgs) => {
                self.feeds.health.last_message = Some(now);
                for m in msgs {
                    self.on_health(m, fx);
                }
            }
        }
        true
    }

    fn on_health(&mut self, m: HealthMessage, fx: &mut Vec<Effect>) {
        let now = self.now;
        match m {
            HealthMessage::SystemStatus(s) => self.status.set_system(s, now),
            HealthMessage::SignalMetrics(s) => self.metrics.push_signals(s),
            HealthMessage::InsightMetrics(s) => self.metrics.set_insight_metrics(s),
            HealthMessage::InsightCreated(i) => self.insights.insert_new(*i),
            HealthMessage::FeedbackUpdated(s) => {
                self.insights.apply_stats(&s);
            }
            HealthMessage::ReportUpdated(r) => {
                self.reports.apply_update(*r);
            }
            HealthMessage::KpiUpdated(k) => self.metrics.upsert_kpi(*k),
            HealthMessage::Alert(a) => {
                let id = a.id.clone();
                if self.alerts.on_live(a, now, self.wall) {
                    self.alert_raised(&id, fx);
                }
            }
            HealthMessage::AlertUpdated(a) => {
                self.alerts.upsert(*a, Origin::Backend, now);
            }
            HealthMessage::Unknown(_) => {}
        }
    }

    fn quit(&mut self, fx: &mut Vec<Effect>) {
        self.quitting = true;
        fx.push(Effect::Quit);
    }

    /// An action on a tab (the router has checked that it works here).
    fn on_action(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        self.message = None;
        if self.tab == Tab::Markets
            && let Some(changed) = self.on_markets_action(action, fx)
        {
            return changed;
        }
        if let Some(changed) = self.on_alerts_action(action) {
            return changed;
        }
        match action {
            Action::Quit => self.quit(fx),
            Action::Help => self.show_help = true,
            Action::NextTab => self.tab = self.tab.offset(1),
            Action::PrevTab => self.tab = self.tab.offset(-1),
            Action::Tab1 => self.tab = Tab::Insights,
            Action::Tab2 => self.tab = Tab::Status,
            Action::Tab3 => self.tab = Tab::Metrics,
            Action::Tab4 => self.tab = Tab::Markets,
            Action::Tab5 => self.tab = Tab::Reports,
            Action::Tab6 => self.tab = Tab::Alerts,
            Action::Redraw => fx.push(Effect::FullRedraw),
            Action::Open if self.tab == Tab::Reports => self.open_report_detail(fx),
            Action::Up => self.move_cursor(-1, fx),
            Action::Down => self.move_cursor(1, fx),
            Action::PageUp => self.move_cursor(-PAGE, fx),
            Action::PageDown => self.move_cursor(PAGE, fx),
            Action::Top => self.move_cursor(isize::MIN / 2, fx),
            Action::Bottom => self.move_cursor(isize::MAX / 2, fx),
            Action::Back if self.show_diagnostics => self.show_diagnostics = false,
            Action::Back => return self.clear_filter(fx),
            Action::Diagnostics => self.show_diagnostics = !self.show_diagnostics,
            Action::Copy => self.copy_selected(fx),
            Action::Refresh => {
                fx.extend(self.start());
                if self.settings.backend {
                    self.reload_chart(fx);
                }
                if self.prom.is_some() || self.alerts.am.is_some() {
                    fx.push(Effect::PollSources);
                }
            }
            Action::Outbox => self.modal = Some(Modal::Outbox { selected: 0 }),
            Action::Undo => self.undo(fx),
            Action::Period => {
                self.metrics.analytics_days = self.metrics.next_period();
                self.metrics.analytics_load.start(self.now);
                fx.push(Effect::FetchAnalytics(self.metrics.analytics_days));
                self.message =
                    Some(format!("analytics: last {} days", self.metrics.analytics_days));
            }
            Action::Approve => self.decide(Decide::Approve),
            Action::ApproveWithNotes => self.decide(Decide::ApproveNotes),
            Action::Reject => self.decide(Decide::Reject),
            Action::Flag if self.tab == Tab::Reports => self.decide(Decide::Flag),
            Action::Flag => self.begin_insight(InsightAction::Flag),
            Action::Rate => self.begin_insight(InsightAction::Rate),
            Action::Comment => self.begin_insight(InsightAction::Comment),
            Action::Filter => self.begin_filter(),
            Action::ToggleSelect => self.reports.toggle_mark(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests;
