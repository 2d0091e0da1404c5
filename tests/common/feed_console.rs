//! An App fed by one price feed task, as in the console, with every feed
//! event it received kept in order: for tests of the feed client against a
//! scripted server on loopback.

use std::time::{Duration, Instant};

use meridian::app::{App, Settings};
use meridian::event::{Event, FeedEvent, FeedKind, Link};
use meridian::feeds::{self, FeedOptions, PriceCommand};
use meridian::keymap::Keymap;
use tokio::sync::mpsc;

/// Upper bound for anything a test waits for (a liveness check, not a
/// speed requirement).
pub const WAIT: Duration = Duration::from_secs(10);

pub struct FeedConsole {
    pub app: App,
    pub rx: mpsc::Receiver<Event>,
    pub cmds: mpsc::Sender<PriceCommand>,
    pub seen: Vec<FeedEvent>,
}

impl FeedConsole {
    pub fn start(opts: FeedOptions, symbols: Vec<String>) -> Self {
        FeedConsole::with_settings(Settings::default(), opts, symbols)
    }

    pub fn with_settings(settings: Settings, opts: FeedOptions, symbols: Vec<String>) -> Self {
        let (tx, rx) = mpsc::channel(1024);
        let app = App::new(settings, Keymap::default_map(), symbols.clone(), Instant::now());
        let cmds = feeds::spawn_prices(opts, symbols, tx);
        FeedConsole { app, rx, cmds, seen: Vec::new() }
    }

    fn apply(&mut self, ev: Event) {
        if let Event::Feed(f) = &ev {
            self.seen.push(f.clone());
        }
        self.app.now = Instant::now();
        self.app.update(ev, &mut Vec::new());
    }

    /// Apply events until `done` holds (bounded by [`WAIT`]).
    pub async fn pump(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            let ev = tokio::time::timeout(left, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("price feed task alive");
            self.apply(ev);
        }
    }

    /// Apply whatever arrives for `d`, then bring the clock to now.
    pub async fn settle(&mut self, d: Duration) {
        let until = Instant::now() + d;
        while let Ok(Some(ev)) = tokio::time::timeout_at(until.into(), self.rx.recv()).await {
            self.apply(ev);
        }
        self.app.now = Instant::now();
    }

    /// The price feed's link changes, in order.
    pub fn links(&self) -> Vec<&Link> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                FeedEvent::Link(FeedKind::Prices, l) => Some(l),
                _ => None,
            })
            .collect()
    }

    /// Symbols in the Prices events from the `from`-th event on.
    pub fn priced_symbols(&self, from: usize) -> Vec<&str> {
        self.seen[from..]
            .iter()
            .filter_map(|e| match e {
                FeedEvent::Prices(us) => Some(us.iter().map(|u| u.symbol.as_str())),
                _ => None,
            })
            .flatten()
            .collect()
    }
}
