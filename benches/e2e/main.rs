//! End-to-end figures of the console (issue 7): ingest against its bare
//! ceilings, tick-to-screen latency, terminal bytes, and the real binary's
//! first frame, idle CPU and memory. `cargo bench --bench e2e`; the table is
//! printed by `benches/run.sh`, which also runs the micro-benchmarks.
//!
//! Every figure is printed as a `ROW` line: figure, value, ceiling or
//! budget, ratio. Nothing here asserts a time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop"
)]

mod ingest;
mod probe;
mod process;
mod rows;
mod server;
mod venues;

use std::time::Duration;

use meridian::server::{PriceFormat, ServeArgs};
use meridian::tui::{TermScreen, TestScreen};
use meridian::venues::PricesFormat;

use ingest::{Run, Window, symbols};
use probe::{Counting, percentile};
use rows::{Row, row};
use server::Server;

fn quick() -> bool {
    std::env::var_os("MERIDIAN_BENCH_QUICK").is_some()
}

fn secs(full: f64) -> Duration {
    Duration::from_secs_f64(if quick() { full / 4.0 } else { full })
}

const FPS_BUDGET_MS: f64 = 1000.0 / 30.0 + 5.0;

/// Rounds of the ingest runs. The machine is shared and its speed drifts
/// by 10-20% over a minute, so each round runs the two bare loops and the
/// console back to back, and every figure is the median over the rounds.
fn rounds() -> usize {
    if quick() { 1 } else { 3 }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

fn ingest_rows(out: &mut Vec<Row>) {
    let watch = symbols(1000);
    let batch = 100;
    let w = Window { warmup: secs(1.5), measure: secs(4.0) };
    for (format, name) in [(PriceFormat::Json, "JSON"), (PriceFormat::Msgpack, "MessagePack")] {
        let args = ServeArgs {
            price_rate: 0.0,
            price_batch: batch,
            price_format: format,
            ..ServeArgs::demo()
        };
        let server = Server::start(args);
        // MERIDIAN_BENCH_CONSOLE_ONLY: skip the ceilings (for profiling).
        let only = std::env::var_os("MERIDIAN_BENCH_CONSOLE_ONLY").is_some();
        let bare = |decode| {
            if only { f64::NAN } else { ingest::bare(&server.url(), &watch, batch, decode, w) }
        };
        let [mut count, mut decode, mut console, mut fps, mut busy]: [Vec<f64>; 5] =
            Default::default();
        for _ in 0..rounds() {
            count.push(bare(false));
            decode.push(bare(true));
            let screen = TestScreen::new(200, 50).unwrap();
            let url = server.url();
            let probe = ingest::console(Run::new(&url, watch.clone(), (200, 50), w), screen);
            console.push(ingest::console_rate(&probe, batch));
            fps.push(probe.seen.frames as f64 / (w.warmup + w.measure).as_secs_f64());
            busy.push(probe.seen.busy * 100.0);
        }
        // Every round, for judging the spread (run.sh shows only the table).
        let m = |v: &[f64]| v.iter().map(|x| format!("{:.2}M", x / 1e6)).collect::<Vec<_>>();
        eprintln!(
            "ingest {name} rounds: count {:?}, decode {:?}, console {:?}",
            m(&count),
            m(&decode),
            m(&console)
        );
        let [count, decode, console, fps, busy]: [f64; 5] =
            [count, decode, console, fps, busy].map(median);
        let n = rounds();
        let label = |s: &str| format!("ingest {name}, 1000 symbols, batch {batch}: {s}");
        out.push(row(
            label(&format!("bare loop, count frames (median of {n})")),
            count,
            "upd/s",
            None,
            None,
        ));
        out.push(row(label("bare loop, decode"), decode, "upd/s", None, None));
        out.push(row(label("console vs decoding loop"), console, "upd/s", Some(decode), Some(0.8)));
        out.push(row(label("console vs counting loop"), console, "upd/s", Some(count), None));
        out.push(row(
            label("console vs 500k/s budget"),
            console,
            "upd/s",
            Some(500_000.0),
            Some(1.0),
        ));
        out.push(row(label("frames drawn"), fps, "fps", Some(30.0), None));
        out.push(row(label("console thread busy"), busy, "%", None, None));
    }
}

/// Each venue's public ticker feed from a loopback firehose, one ticker a
/// frame (venues do not batch): the console against the bare loops that
/// count frames and run the venue's adapter, same rounds as the above.
/// `MERIDIAN_BENCH_VENUE_SYMBOLS` changes the number of symbols (1000).
fn venue_rows(out: &mut Vec<Row>) {
    let w = Window { warmup: secs(1.5), measure: secs(4.0) };
    let n_sym: usize = std::env::var("MERIDIAN_BENCH_VENUE_SYMBOLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    for format in [PricesFormat::Coinbase, PricesFormat::Kraken, PricesFormat::Binance] {
        let watch = venues::symbols(format, n_sym);
        let hose = venues::Firehose::start(format, watch.clone());
        let bare = |decode| venues::bare(format, hose.url(), &watch, decode, w);
        let [mut count, mut decode, mut console, mut busy]: [Vec<f64>; 4] = Default::default();
        for _ in 0..rounds() {
            count.push(bare(false));
            decode.push(bare(true));
            let screen = TestScreen::new(200, 50).unwrap();
            let run = Run { format, ..Run::new(hose.url(), watch.clone(), (200, 50), w) };
            let probe = ingest::console(run, screen);
            console.push(ingest::console_rate(&probe, 1));
            busy.push(probe.seen.busy * 100.0);
        }
        let m = |v: &[f64]| v.iter().map(|x| format!("{:.3}M", x / 1e6)).collect::<Vec<_>>();
        eprintln!(
            "ingest {format} rounds: count {:?}, decode {:?}, console {:?}",
            m(&count),
            m(&decode),
            m(&console)
        );
        let [count, decode, console, busy]: [f64; 4] = [count, decode, console, busy].map(median);
        let n = rounds();
        let label = |s: &str| format!("ingest, {format}, {n_sym} symbols, one ticker a frame: {s}");
        let counting = format!("bare loop, count frames (median of {n})");
        out.push(row(label(&counting), count, "upd/s", None, None));
        out.push(row(label("bare loop, decode (adapter)"), decode, "upd/s", None, None));
        out.push(row(label("console vs decoding loop"), console, "upd/s", Some(decode), Some(0.8)));
        out.push(row(label("console vs counting loop"), console, "upd/s", Some(count), None));
        out.push(row(label("console thread busy"), busy, "%", None, None));
    }
}

/// 1000 updates/s for 50 symbols on a 200x60 screen (all 50 rows visible):
/// latency, and bytes written against a full redraw of every frame.
fn screen_rows(out: &mut Vec<Row>) {
    let args = ServeArgs { price_rate: 20.0, price_batch: 1, ..ServeArgs::demo() };
    let server = Server::start(args);
    let w = Window { warmup: secs(2.0), measure: secs(10.0) };
    // Steady state (every sparkline full and scrolling each second), then
    // the first seconds after start (sparklines still filling).
    for (history, what) in [(true, "steady"), (false, "first seconds")] {
        let counter = Counting::default();
        // Asking after every frame, as on a real terminal (flow control on;
        // the probe answers at once, as a terminal on loopback does).
        let screen = TermScreen::fixed(counter.clone(), 200, 60).unwrap().asking();
        let url = server.url();
        let run = Run {
            full_every: 97,
            history,
            counter: Some(counter),
            ..Run::new(&url, symbols(50), (200, 60), w)
        };
        let probe = ingest::console(run, screen);
        let seen = &probe.seen;
        let full = seen.full_frame_bytes.iter().sum::<u64>() as f64
            / seen.full_frame_bytes.len().max(1) as f64;
        let secs = seen.measured_secs.max(f64::MIN_POSITIVE);
        let bytes_s = seen.measured_bytes as f64 / secs;
        let full_s = full * seen.measured_frames.saturating_sub(1) as f64 / secs;
        out.push(row(
            format!("terminal output, 1000 upd/s, 50 visible symbols, {what}"),
            bytes_s,
            "B/s",
            Some(full_s),
            Some(0.10),
        ));
        out.push(row("  (a full 200x60 redraw, mean)", full, "B", None, None));
        if !history {
            break;
        }
        latency_rows(out, "1000 upd/s, 50 symbols", &seen.latencies_ms);
        let mut draw = seen.draw_ms.clone();
        draw.sort_by(f64::total_cmp);
        for (p, label) in [(0.5, "p50"), (0.99, "p99")] {
            let ms = percentile(&draw, p);
            out.push(row(format!("  (frame: render, diff, write; {label})"), ms, "ms", None, None));
        }
    }

    let watch = symbols(1000);
    let args = ServeArgs { price_rate: 100.0, price_batch: 100, ..ServeArgs::demo() };
    let server = Server::start(args);
    let screen = TestScreen::new(200, 50).unwrap();
    let probe = ingest::console(Run::new(&server.url(), watch, (200, 50), w), screen);
    latency_rows(out, "100k upd/s, 1000 symbols", &probe.seen.latencies_ms);
}

fn latency_rows(out: &mut Vec<Row>, what: &str, samples: &[f64]) {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    out.push(row(
        format!("tick-to-screen p50, {what} (n={n})"),
        percentile(&s, 0.5),
        "ms",
        None,
        None,
    ));
    out.push(row(
        format!("tick-to-screen p99, {what}"),
        percentile(&s, 0.99),
        "ms",
        Some(FPS_BUDGET_MS),
        Some(1.0),
    ));
}

fn process_rows(out: &mut Vec<Row>) {
    // First frame: a server with the demo defaults, the default watchlist.
    let server = Server::start(ServeArgs::demo());
    let default_watch: Vec<String> = meridian::config::Config::default().markets.symbols.clone();
    let (mut from_exec, mut from_main) = (Vec::new(), Vec::new());
    for _ in 0..if quick() { 3 } else { 7 } {
        let t0 = probe::unix_ms_f64();
        let c = process::Console::start(&server.url(), &default_watch, (200, 50));
        if let Some((since_main, unix_us)) = c.first_frame(Duration::from_secs(10)) {
            from_exec.push(unix_us / 1e3 - t0);
            from_main.push(since_main);
        }
    }
    from_exec.sort_by(f64::total_cmp);
    from_main.sort_by(f64::total_cmp);
    let median = |v: &[f64]| percentile(v, 0.5);
    out.push(row(
        "first frame, from tmux spawn (median)",
        median(&from_exec),
        "ms",
        Some(150.0),
        Some(1.0),
    ));
    out.push(row(
        "first frame, from main() (median)",
        median(&from_main),
        "ms",
        Some(150.0),
        Some(1.0),
    ));
    drop(server);

    // Idle: feeds connected, no price updates, no health ticks.
    let args = ServeArgs { price_rate: 1e-6, tick_secs: 3600.0, ..ServeArgs::demo() };
    let server = Server::start(args);
    let c = process::Console::start(&server.url(), &default_watch, (200, 50));
    std::thread::sleep(Duration::from_secs(1));
    c.send_keys("4");
    std::thread::sleep(Duration::from_secs(2));
    let pid = c.pid();
    let idle = secs(10.0);
    let cpu0 = process::cpu_seconds(pid);
    std::thread::sleep(idle);
    let cpu = (process::cpu_seconds(pid) - cpu0) / idle.as_secs_f64() * 100.0;
    out.push(row(format!("idle CPU over {}s", idle.as_secs()), cpu, "%", Some(0.5), Some(1.0)));
    drop(c);
    drop(server);

    // Memory: 1000 symbols at full rate, the server's clock sped up so the
    // run covers every one-minute candle the console keeps (240 minutes).
    // Slow enough that a frame (under load, up to 60 ms) spans less than a
    // simulated minute, so no minute goes without a candle, even in a
    // quick run. The trend histories are allocated whole at the first tick.
    let run = Duration::from_secs(20);
    let args = ServeArgs {
        price_rate: 0.0,
        price_batch: 100,
        time_scale: 240.0 * 60.0 / run.as_secs_f64() * 1.1,
        ..ServeArgs::demo()
    };
    let server = Server::start(args);
    let c = process::Console::start(&server.url(), &symbols(1000), (200, 50));
    std::thread::sleep(Duration::from_secs(1));
    c.send_keys("4");
    std::thread::sleep(run);
    let rss = process::peak_rss_mib(c.pid());
    assert!(c.screen().contains("S0000"), "the console is showing the watchlist");
    out.push(row(
        "peak RSS, 1000 symbols at full rate, 240 min of candles",
        rss,
        "MiB",
        Some(50.0),
        Some(1.0),
    ));
}

/// One part of the run, adding its rows.
type Section = fn(&mut Vec<Row>);

fn main() {
    // `cargo bench` passes `--bench`; a filter picks the sections.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wants = |s: &str| filter.is_empty() || filter.iter().any(|f| s.contains(f.as_str()));
    // "ingest" runs both ingest sections; "venues" only the venues'.
    let sections: [(&str, Section); 5] = [
        ("ingest", ingest_rows),
        ("ingest-venues", venue_rows),
        ("screen", screen_rows),
        ("process", process_rows),
        ("micro", rows::criterion_rows),
    ];
    for (name, section) in sections {
        if wants(name) {
            let mut out = Vec::new();
            section(&mut out);
            for r in &out {
                println!("{r}");
            }
        }
    }
}
