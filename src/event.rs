//! The one event type that flows into the UI loop, and the effects the state
//! asks the driver to carry out. Background tasks only send events; the
//! state only returns effects. Neither touches the other's world.

use crossterm::event::KeyEvent;

use crate::api::{ApiError, ReportQuery};
use crate::outbox::{Batch, OutboxEvent};
use crate::protocol::{
    AlertList, BackfillJob, CandleSeries, FeedbackStats, HealthMessage, Id, InsightList, Interval,
    KpiList, PriceUpdate, ReportAnalytics, ReportList, SampleSeries, SystemStatus,
};
pub use crate::task::{Task, TaskFailed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedKind {
    Prices,
    Backfill,
    Health,
}

impl FeedKind {
    pub const ALL: [FeedKind; 3] = [FeedKind::Prices, FeedKind::Backfill, FeedKind::Health];

    pub fn label(self) -> &'static str {
        match self {
            FeedKind::Prices => "prices",
            FeedKind::Backfill => "backfill",
            FeedKind::Health => "health",
        }
    }
}

/// Connection state of one feed, as its task sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    /// Waiting `retry_in_ms` before the next attempt, after `error`.
    Reconnecting {
        attempt: u32,
        retry_in_ms: u64,
        error: String,
    },
    /// The feed's task failed (a panic) and will not try again this run.
    Stopped {
        error: String,
    },
}

/// What a feed task reports.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEvent {
    Link(FeedKind, Link),
    /// Price updates coalesced per symbol (latest wins, deltas merged).
    Prices(Vec<PriceUpdate>),
    Backfill(Vec<BackfillJob>),
    Health(Vec<HealthMessage>),
    /// The price source refused a symbol (`Some`: shown on its row), or
    /// reported an error about the feed as a whole. The text is cleaned.
    Refused {
        symbol: Option<String>,
        reason: String,
    },
    /// Counters since the previous report: frames, bytes, and frames or
    /// items that failed to decode or validate.
    Counters {
        feed: FeedKind,
        messages: u64,
        bytes: u64,
        rejected: u64,
        /// Gaps and backward steps in a venue's sequence numbers.
        seq_breaks: u64,
    },
}

/// Results of REST calls. An error has a kind to react to and reads as a
/// sentence for the user.
#[derive(Debug, Clone)]
pub enum ApiEvent {
    /// A page of the insights, fetched at `offset` (0: a fresh list).
    Insights {
        offset: u32,
        result: Result<InsightList, ApiError>,
    },
    /// A page of the report queue, fetched at `offset` (0: a fresh list).
    Reports {
        offset: u32,
        result: Result<ReportList, ApiError>,
    },
    Stats(Id, Result<FeedbackStats, ApiError>),
    Kpis(Result<KpiList, ApiError>),
    Analytics {
        days: u32,
        result: Result<ReportAnalytics, ApiError>,
    },
    Status(Result<SystemStatus, ApiError>),
    Backfill(Result<Vec<BackfillJob>, ApiError>),
    /// A symbol's candles (§1a) for one interval.
    Candles {
        symbol: String,
        interval: Interval,
        result: Result<CandleSeries, ApiError>,
    },
    /// Monitoring samples (§3a).
    MonitoringHistory(Result<SampleSeries, ApiError>),
    /// The alert list (§3b).
    Alerts(Result<AlertList, ApiError>),
    /// One symbol's recent one-minute candles, for its watchlist trend.
    Trend {
        symbol: String,
        result: Result<CandleSeries, ApiError>,
    },
    /// The answer to a claim on report `id` (§5a), or to its release.
    Claim {
        id: Id,
        release: bool,
        result: Result<Box<crate::protocol::Report>, ApiError>,
    },
}

#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock moved: ages and staleness may have changed.
    Tick,
    Feed(FeedEvent),
    Api(ApiEvent),
    Outbox(OutboxEvent),
    /// What Prometheus or Alertmanager said.
    Source(crate::sources::SourceEvent),
    /// Something the driver could not do, for the footer.
    Notice(String),
    /// The outbox took back `taken` of the `asked` keys; the rest had been
    /// sent already.
    Undone {
        asked: Vec<String>,
        taken: Vec<String>,
    },
    /// A background task panicked; the console runs on without it.
    TaskFailed(TaskFailed),
    /// SIGTERM, SIGHUP or SIGINT (or lost terminal input): leave cleanly,
    /// exiting with this status (128 + signal number, by convention).
    Terminate(u8),
    /// The terminal answered the probe written after a frame (primary
    /// device attributes): everything written before it has reached the
    /// screen. The UI loop's flow control takes it; the state ignores it.
    TerminalAnswer,
    /// What the UI loop wrote to the terminal over the last second, and
    /// how the terminal keeps up. The loop makes these itself.
    Output(OutputStats),
}

/// The UI loop's figures for the link to the terminal, once a second.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputStats {
    /// Frames written since start.
    pub frames: u64,
    /// Frames that were due (something changed, the frame rate allowed
    /// one) but flow control held back, since start.
    pub skipped: u64,
    /// The same two over the span of this report.
    pub recent_frames: u64,
    pub recent_skipped: u64,
    /// Bytes written per second over this report's span.
    pub bytes_per_sec: u64,
    /// Round trip to the terminal and back over the last seconds, once
    /// the terminal has answered.
    pub round_trip: Option<RoundTrip>,
    pub flow: FlowState,
    /// The shortest time between frames (one over `ui.fps`).
    pub frame_interval: std::time::Duration,
}

/// Percentiles of the time from a frame's write to the terminal's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTrip {
    pub p50: std::time::Duration,
    pub p99: std::time::Duration,
}

/// Whether frames wait for the terminal's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowState {
    /// Asked once, no answer yet: a silent terminal and a slow link look
    /// the same until the first answer or the timeout.
    #[default]
    Probing,
    /// Each frame waits for the terminal to answer the one before.
    On,
    /// Frames go out on the frame rate alone, for this reason.
    Off(FlowOff),
}

/// Why frames are not waiting for the terminal's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowOff {
    /// `ui.flow_control = "off"`.
    Config,
    /// Frames go somewhere that cannot answer (not a terminal).
    NoTerminal,
    /// The terminal did not answer within this long of being asked.
    NeverAnswered(std::time::Duration),
    /// The terminal answered, then stopped: answers went missing again and
    /// again, and waiting for each froze the screen.
    StoppedAnswering,
}

/// Work the state asks the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Subscribe(String),
    Unsubscribe(String),
    SaveWatchlist(Vec<String>),
    /// Put this text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Write the price alerts to the data directory.
    SavePriceAlerts(Vec<crate::price_alerts::PriceAlert>),
    /// Write the `:` palette's command history to the data directory.
    SavePaletteHistory(Vec<String>),
    /// A page of the insights from `offset` (0: the list afresh).
    FetchInsights {
        offset: u32,
    },
    FetchReports(ReportQuery),
    FetchStats(Id),
    /// Write these actions to the outbox (durably, before anything else),
    /// held for the undo window, and wake the sender.
    Enqueue(Batch),
    /// Take back the outbox items with these keys if they are still held;
    /// answered by [`Event::Undone`].
    Undo(Vec<String>),
    /// Claim report `id` (§5a), or with `release` give the claim back.
    Claim {
        id: Id,
        release: bool,
    },
    OutboxRetry(i64),
    OutboxDrop(i64),
    FetchKpis,
    /// Report analytics over the last `days` days.
    FetchAnalytics(u32),
    FetchStatus,
    /// The newest `limit` candles of `symbol` at `interval` (§1a).
    FetchCandles {
        symbol: String,
        interval: Interval,
        limit: u32,
    },
    /// The newest `limit` one-minute candles of each symbol, for the
    /// watchlist's trends (a few requests at a time).
    FetchTrends {
        symbols: Vec<String>,
        limit: u32,
    },
    /// Monitoring samples over the last `minutes` (§3a).
    FetchMonitoringHistory {
        minutes: u32,
    },
    /// The alerts with their state (§3b): the resolved ones too with `all`.
    FetchAlerts {
        all: bool,
    },
    /// Ask Prometheus and Alertmanager again now.
    PollSources,
    /// Ring the terminal bell (a new critical alert, `ui.bell` on).
    Bell,
    /// Write a desktop notification into the terminal (OSC 9 and OSC 777,
    /// see [`crate::notify`]), between frames.
    Notify(crate::notify::Notification),
    /// Repaint every cell (Ctrl-L).
    FullRedraw,
    Quit,
}

impl Effect {
    /// Whether carrying it out asks a Meridian backend.
    /// Whether this is about prices: the watchlist's subscriptions and the
    /// charts' history (served by a venue when the prices come from one).
    pub fn is_prices(&self) -> bool {
        matches!(
            self,
            Effect::Subscribe(_)
                | Effect::Unsubscribe(_)
                | Effect::FetchCandles { .. }
                | Effect::FetchTrends { .. }
        )
    }

    pub fn needs_backend(&self) -> bool {
        use Effect as E;
        match self {
            E::Subscribe(_)
            | E::Unsubscribe(_)
            | E::FetchInsights { .. }
            | E::FetchReports(_)
            | E::FetchStats(_)
            | E::FetchKpis
            | E::FetchAnalytics(_)
            | E::FetchStatus
            | E::FetchCandles { .. }
            | E::FetchTrends { .. }
            | E::FetchMonitoringHistory { .. }
            | E::FetchAlerts { .. }
            | E::Claim { .. } => true,
            E::SaveWatchlist(_)
            | E::SavePriceAlerts(_)
            | E::SavePaletteHistory(_)
            | E::Enqueue(_)
            | E::Undo(_)
            | E::OutboxRetry(_)
            | E::OutboxDrop(_)
            | E::PollSources
            | E::Notify(_)
            | E::Copy(_)
            | E::Bell
            | E::FullRedraw
            | E::Quit => false,
        }
    }
}

impl From<crate::sources::SourceEvent> for Event {
    fn from(e: crate::sources::SourceEvent) -> Self {
        Event::Source(e)
    }
}

impl From<TaskFailed> for Event {
    fn from(f: TaskFailed) -> Self {
        Event::TaskFailed(f)
    }
}

impl From<OutboxEvent> for Event {
    fn from(e: OutboxEvent) -> Self {
        Event::Outbox(e)
    }
}
