//! The console behind a slow link (issue 16). The release binary runs at
//! 80x24 on a pty behind the relay (`relay.rs`: read at once into a 2 MiB
//! buffer, passed on at a fixed rate), whose far end is a vt100 terminal in
//! this process that answers queries (`far.rs`). The reference server runs
//! in-process on loopback, 1000 updates/s for 50 symbols; the console's
//! price feed passes a tap that dates every price (`tap.rs`). On Markets,
//! after a warm-up, for each link rate (no limit, 32 KiB/s, 8 KiB/s):
//!
//! - key-to-screen: `2` and `4` in turn, one a second, each timed from
//!   going into the pty until the far screen first shows that tab;
//! - the age of the newest tick on the far screen, every 100 ms while it
//!   shows the watchlist: now minus the server's stamp of the newest price
//!   on it;
//! - bytes per second the console wrote and the far end got, and what
//!   sits in the relay's buffer.
//!
//! `cargo bench --bench slowlink [unlimited] [32k] [8k]`; `ROW` lines as
//! in the e2e bench, for `benches/run.sh`. Nothing here asserts a time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop"
)]

mod far;
#[allow(dead_code, reason = "the binary uses more of the relay than the benchmark")]
mod relay;
#[allow(dead_code, reason = "shared with the e2e bench, which uses all of it")]
#[path = "../e2e/rows.rs"]
mod rows;
#[path = "../e2e/server.rs"]
mod server;
mod tap;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use meridian::server::ServeArgs;

use far::Far;
use relay::{Link, Relay, SSH_WINDOW};
use rows::{Row, row};
use server::Server;
use tap::Tap;

const SIZE: (u16, u16) = (80, 24);
/// What only the Status tab shows, and what only Markets shows.
const STATUS: &str = "Backfill jobs";
const MARKETS: &str = "Watchlist ·";
/// The goals at 8 KB/s.
const KEY_GOAL_MS: f64 = 1500.0;
const AGE_GOAL_MS: f64 = 2000.0;

/// How long each rate warms up on Markets, then presses keys, then waits
/// at most for the last keys to reach the screen.
struct Plan {
    warmup: Duration,
    keys: Duration,
    drain: Duration,
}

fn plan() -> Plan {
    let s = Duration::from_secs;
    if std::env::var_os("MERIDIAN_BENCH_QUICK").is_some() {
        Plan { warmup: s(8), keys: s(10), drain: s(30) }
    } else {
        Plan { warmup: s(30), keys: s(30), drain: s(150) }
    }
}

fn lock(far: &Mutex<Far>) -> MutexGuard<'_, Far> {
    far.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The console behind the relay, its far terminal, and its price tap.
struct Session {
    relay: Relay,
    far: Arc<Mutex<Far>>,
    tap: Tap,
    _dir: tempfile::TempDir,
}

fn start(server: &Server, rate: Option<u64>) -> Session {
    let tap = Tap::start(format!("{}/ws/prices", server.url().replacen("http", "ws", 1)));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let symbols: Vec<String> = (0..50).map(|i| format!("S{i:04}")).collect();
    let cmd = pty_process::blocking::Command::new(env!("CARGO_BIN_EXE_meridian"))
        .args(["--server", &server.url(), "--prices-url", &tap.url, "--symbols"])
        .arg(symbols.join(","))
        .arg("--data-dir")
        .arg(d.join("data"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", d)
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8");
    let link = Link { rate, buffer: SSH_WINDOW, marks: true };
    let mut shared = None;
    let relay = Relay::spawn(cmd, SIZE, link, |input| {
        let far = Arc::new(Mutex::new(Far::new(SIZE, input)));
        shared = Some(far.clone());
        move |bytes: &[u8]| lock(&far).arrive(bytes)
    })
    .expect("start the console behind the relay");
    Session { relay, far: shared.expect("far end made"), tap, _dir: dir }
}

impl Session {
    fn press(&self, key: &[u8], shows: &'static str) {
        let offset = self.relay.counters().read();
        lock(&self.far).press(key, shows, offset).expect("key into the pty");
    }

    /// Milliseconds since the server stamped the newest price on the far
    /// screen, if it shows the watchlist. A price is dated by its latest
    /// change stamped before the relay read the screen's last byte.
    fn newest_age(&self) -> Option<f64> {
        let (screen, arrived) = {
            let f = lock(&self.far);
            (f.contents(), f.arrived)
        };
        if !screen.contains(MARKETS) || arrived == 0 {
            return None;
        }
        let drawn = self.relay.read_at(arrived - 1)?;
        let newest = far::quotes(&screen)
            .iter()
            .filter_map(|(sym, cents)| self.tap.published.dated(sym, *cents, drawn))
            .max()?;
        Some(relay::unix_ms() - newest as f64)
    }
}

/// What one rate showed.
#[derive(Default)]
struct Outcome {
    /// Key-to-screen milliseconds of the keys pressed in the window, and
    /// the milliseconds waited by those never shown (their least).
    shown: Vec<f64>,
    unseen: Vec<f64>,
    ages: Vec<f64>,
    /// Bytes per second the console wrote in the warm-up (on Markets),
    /// then in the window (alternating tabs), and the far end got then.
    wrote_markets: f64,
    wrote: f64,
    arrived: f64,
    buffered_end: u64,
    buffered_max: u64,
    answered: u64,
}

fn measure(s: &Session, plan: &Plan, out: &mut Outcome) {
    let c = s.relay.counters();
    let t = Instant::now();
    while c.read() == 0 {
        assert!(t.elapsed() < Duration::from_secs(30), "the console never drew");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    s.press(b"4", MARKETS); // it opens on Insights
    let (mut tick, warm_read) = (Instant::now(), c.read());
    let watch_buffer = |out: &mut Outcome| out.buffered_max = out.buffered_max.max(c.buffered());
    while tick.elapsed() < plan.warmup {
        std::thread::sleep(Duration::from_millis(100));
        watch_buffer(out);
    }
    let (read0, passed0, t0) = (c.read(), c.passed(), Instant::now());
    out.wrote_markets = (read0 - warm_read) as f64 / tick.elapsed().as_secs_f64();
    let (mut next_key, mut status) = (t0, true);
    tick = t0;
    while t0.elapsed() < plan.keys {
        tick += Duration::from_millis(100);
        std::thread::sleep(tick.saturating_duration_since(Instant::now()));
        if Instant::now() >= next_key {
            let (key, shows) = if status { (b"2", STATUS) } else { (b"4", MARKETS) };
            s.press(key, shows);
            (status, next_key) = (!status, next_key + Duration::from_secs(1));
        }
        out.ages.extend(s.newest_age());
        watch_buffer(out);
    }
    let secs = t0.elapsed().as_secs_f64();
    out.wrote = (c.read() - read0) as f64 / secs;
    out.arrived = (c.passed() - passed0) as f64 / secs;
    out.buffered_end = c.buffered();
    let d0 = Instant::now();
    while lock(&s.far).waiting() > 0 && d0.elapsed() < plan.drain {
        std::thread::sleep(Duration::from_millis(100));
        watch_buffer(out);
    }
    let far = lock(&s.far);
    // The first key (to Markets, before the window) is not counted.
    out.shown = far.key_ms.iter().skip(1).copied().collect();
    out.unseen = far.waited();
    if far.key_ms.is_empty() {
        out.unseen.remove(0);
    }
    out.answered = far.answered();
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn rows_of(label: &str, rate: Option<u64>, o: &Outcome, out: &mut Vec<Row>) {
    let keys = sorted([o.shown.clone(), o.unseen.clone()].concat());
    let (n, lost) = (keys.len(), o.unseen.len());
    let least = if lost > 0 { format!(", at least: {lost} never shown") } else { String::new() };
    let l = |s: &str| format!("slow link {label}: {s}");
    let p = |p| percentile(&keys, p);
    out.push(row(l(&format!("key-to-screen p50 (n={n}{least})")), p(0.5), "ms", None, None));
    out.push(row(l("key-to-screen p99"), p(0.99), "ms", Some(KEY_GOAL_MS), Some(1.0)));
    let ages = sorted(o.ages.clone());
    let m = ages.len();
    out.push(row(
        l(&format!("newest tick on screen, age p50 (n={m})")),
        percentile(&ages, 0.5),
        "ms",
        None,
        None,
    ));
    out.push(row(
        l("newest tick on screen, age p99"),
        percentile(&ages, 0.99),
        "ms",
        Some(AGE_GOAL_MS),
        Some(1.0),
    ));
    out.push(row(l("bytes/s at the far end"), o.arrived, "B/s", rate.map(|r| r as f64), None));
    out.push(row(l("bytes/s the console wrote"), o.wrote, "B/s", None, None));
    out.push(row(l("  (in the warm-up, on Markets)"), o.wrote_markets, "B/s", None, None));
    let max = o.buffered_max;
    out.push(row(
        l(&format!("relay buffer at the end (max {max} B)")),
        o.buffered_end as f64,
        "B",
        Some(SSH_WINDOW as f64),
        None,
    ));
    out.push(row(l("terminal queries answered"), o.answered as f64, "", None, None));
}

fn main() {
    // `cargo bench` passes `--bench`; other words pick the rates.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wants = |s: &str| filter.is_empty() || filter.iter().any(|f| f == s);
    meridian::tls::install_crypto();
    let args = ServeArgs { price_rate: 20.0, price_batch: 1, ..ServeArgs::demo() };
    let server = Server::start(args);
    let plan = plan();
    for (name, label, rate) in [
        ("unlimited", "no limit", None),
        ("32k", "32 KiB/s", Some(32 << 10)),
        ("8k", "8 KiB/s", Some(8 << 10)),
    ] {
        if !wants(name) {
            continue;
        }
        eprintln!("slow link {label}: warm-up {:?}, keys {:?}", plan.warmup, plan.keys);
        let session = start(&server, rate);
        let mut o = Outcome::default();
        measure(&session, &plan, &mut o);
        drop(session);
        let mut out = Vec::new();
        rows_of(label, rate, &o, &mut out);
        for r in &out {
            println!("{r}");
        }
    }
}
