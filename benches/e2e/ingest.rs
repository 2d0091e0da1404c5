//! The console's loop against the reference server, and the two bare
//! tokio-tungstenite loops that give its ceilings. Each runs on a
//! single-threaded runtime: one core, as the budget says.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use meridian::app::{App, TREND_BUCKET};
use meridian::config::Config;
use meridian::event::Event;
use meridian::keymap::Keymap;
use meridian::protocol::{PriceCommand, PriceKind, PriceUpdate, Timestamp, for_each_price};
use meridian::server::{ServeArgs, SymbolWalk};
use meridian::theme::Theme;
use meridian::tui::{Core, Screen};
use meridian::venues::PricesFormat;
use tokio_tungstenite::tungstenite::Message;

use crate::probe::Probe;

pub fn symbols(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("S{i:04}")).collect()
}

pub fn one_core() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// How long a run warms up, then measures.
#[derive(Clone, Copy)]
pub struct Window {
    pub warmup: Duration,
    pub measure: Duration,
}

/// One run of the console against a server.
pub struct Run<'a> {
    pub server_url: &'a str,
    pub watch: Vec<String>,
    /// The screen's size, for the probe's own renders.
    pub size: (u16, u16),
    /// Sample a full-redraw size every this many frames (0 = never).
    pub full_every: u64,
    pub window: Window,
    /// Start every watched symbol with a full trend history, as after some
    /// minutes of running (see [`seed_history`]).
    pub history: bool,
    /// The byte count of the writer the screen draws to, if any.
    pub counter: Option<crate::probe::Counting>,
    /// How the prices come: our contract from the server at `server_url`,
    /// or a venue's public feed at `server_url` (a `ws://` URL), with no
    /// backend.
    pub format: PricesFormat,
}

impl<'a> Run<'a> {
    pub fn new(server_url: &'a str, watch: Vec<String>, size: (u16, u16), window: Window) -> Self {
        Run {
            server_url,
            watch,
            size,
            full_every: 0,
            window,
            history: true,
            counter: None,
            format: PricesFormat::Meridian,
        }
    }
}

/// Run the console's real loop (feeds, state, render at `ui.fps`) drawing
/// to `screen` for the window; returns the probe with what it saw.
pub fn console<S: Screen>(run: Run<'_>, screen: S) -> Probe<S> {
    let Run { server_url, watch, size, full_every, window, history, counter, format } = run;
    meridian::tls::install_crypto();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::default();
    let mut remote = meridian::remote::Remote::default();
    if format.is_venue() {
        config.feeds.prices_format = Some(format);
        config.server.prices_url = Some(server_url.to_owned());
        remote.backend = false;
    } else {
        config.server.url = server_url.to_owned();
    }
    let theme = Theme::by_name(&config.ui.theme).expect("theme");
    let console = meridian::launch::build_console(
        &config,
        remote,
        watch,
        dir.path().to_path_buf(),
        false,
        Keymap::default_map(),
        theme.clone(),
    )
    .expect("console");
    // A trader's view: the watchlist.
    let mut console = console;
    console.app.tab = meridian::app::Tab::Markets;
    if history {
        let watched = console.app.markets.symbols.clone();
        seed_history(&mut console.app, &watched, ServeArgs::demo().seed);
    }
    let visible = crate::probe::visible_symbols(&console.app, &theme, size);
    let mut probe = Probe::new(screen, visible, size, full_every);
    probe.counter = counter;
    let (cpu0, t0) = (thread_cpu_seconds(), Instant::now());
    one_core().block_on(async {
        let core = Core::start(console).expect("core");
        let stop = core.sender();
        probe.answers = Some(core.sender());
        probe.measure_from = Instant::now() + window.warmup;
        tokio::spawn(async move {
            tokio::time::sleep(window.warmup + window.measure).await;
            let _ = stop.send(Event::Terminate(0)).await;
        });
        core.run(&mut probe).await.expect("console loop");
    });
    probe.seen.busy = (thread_cpu_seconds() - cpu0) / t0.elapsed().as_secs_f64();
    probe
}

/// Fill every watched symbol's trend history, as if the console had run
/// for as many seconds as it keeps points: a steady state in which every
/// sparkline is full and moves each second. The past is the server's own
/// market for the symbol (its price at each past stamp), scaled to end at
/// the price the server will send first, so the live ticks continue it
/// without a jump.
pub fn seed_history(app: &mut App, watch: &[String], server_seed: u64) {
    let points = app.settings.history_points;
    let (now, wall) = (Instant::now(), Timestamp::now());
    let mut u = PriceUpdate::blank();
    for sym in watch {
        let first = {
            SymbolWalk::new(sym, server_seed).next_into(&mut u, wall);
            u.price.expect("a snapshot has a price")
        };
        let mut past = SymbolWalk::new(sym, server_seed);
        let (mut seconds, mut last) = (Vec::with_capacity(points), first);
        for i in 0..points {
            let bucket = TREND_BUCKET.as_millis() as i64;
            let start = wall.millis() - bucket * (points - i) as i64;
            for k in 0..TICKS_PER_SECOND {
                // A delta leaves out a price that did not move.
                let at = start + bucket * k as i64 / TICKS_PER_SECOND as i64;
                past.next_into(&mut u, Timestamp::from_millis(at));
                last = u.price.unwrap_or(last);
            }
            seconds.push(last);
        }
        let scale = first / seconds.last().copied().unwrap_or(first);
        for (i, p) in seconds.iter().enumerate() {
            let ago = TREND_BUCKET * (points - i) as u32;
            let at = now.checked_sub(ago).expect("the machine has been up for minutes");
            let price = p * scale;
            let tick = PriceUpdate {
                kind: PriceKind::Snapshot,
                symbol: sym.clone(),
                price: Some(price),
                bid: Some(price - 0.01),
                ask: Some(price + 0.01),
                timestamp: Some(Timestamp::from_millis(wall.millis() - ago.as_millis() as i64)),
                volume: None,
                open: None,
            };
            app.markets.apply(std::slice::from_ref(&tick), at);
        }
    }
}

/// The rate the screen benchmark runs each symbol at.
const TICKS_PER_SECOND: usize = 20;

/// CPU time of the calling thread, from the scheduler's counters.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

/// Updates per second the console ingested over the window, from the
/// feed's message counter (frames of `batch` updates) as the UI saw it.
pub fn console_rate(probe: &Probe<impl Screen>, batch: usize) -> f64 {
    let counts = &probe.seen.counts;
    let from = counts.iter().find(|(t, _)| *t >= probe.measure_from);
    let (Some((t0, m0)), Some((t1, m1))) = (from, counts.last()) else { return 0.0 };
    let secs = t1.duration_since(*t0).as_secs_f64();
    if secs <= 0.0 { 0.0 } else { (m1 - m0) as f64 * batch as f64 / secs }
}

/// A bare loop: connect, subscribe to `watch`, read frames for the window.
/// With `decode`, every frame goes through the console's decoder into a
/// buffer reused across frames (as the console's feed does) and the
/// updates are counted; without, frames are counted and multiplied by the
/// batch. Returns updates per second.
pub fn bare(server_url: &str, watch: &[String], batch: usize, decode: bool, w: Window) -> f64 {
    let url = format!("{}/ws/prices", server_url.replacen("http", "ws", 1));
    one_core().block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
        for s in watch {
            let cmd = serde_json::to_string(&PriceCommand::Subscribe { symbol: s.clone() })
                .expect("command");
            ws.feed(Message::text(cmd)).await.expect("subscribe");
        }
        ws.flush().await.expect("flush");
        let start = Instant::now();
        let measure_from = start + w.warmup;
        let end = measure_from + w.measure;
        let (mut updates, mut measuring_since) = (0u64, None);
        let mut items = Vec::new();
        while let Some(Ok(msg)) = ws.next().await {
            let now = Instant::now();
            if now >= end {
                break;
            }
            let n = match (&msg, decode) {
                (Message::Text(t), true) => decode_into(&mut items, t.as_bytes(), false),
                (Message::Binary(b), true) => decode_into(&mut items, b, true),
                (Message::Text(_) | Message::Binary(_), false) => batch as u64,
                _ => 0,
            };
            if now >= measure_from {
                measuring_since.get_or_insert(now);
                updates += n;
            }
        }
        let secs = measuring_since.map_or(0.0, |t: Instant| t.elapsed().as_secs_f64());
        if secs <= 0.0 { 0.0 } else { updates as f64 / secs }
    })
}

/// Decode a frame's updates into `items` (emptied first); how many.
fn decode_into(items: &mut Vec<PriceUpdate>, data: &[u8], binary: bool) -> u64 {
    items.clear();
    match for_each_price(data, binary, |u| items.push(u)) {
        Ok(_) => items.len() as u64,
        Err(_) => 0,
    }
}
