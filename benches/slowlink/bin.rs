//! `meridian-slowlink`: run a program behind a slow link (see `relay.rs`)
//! whose far end is this process's own terminal, so a real terminal or
//! tmux shows what a user at the end of a thin SSH line would see:
//!
//! ```text
//! tmux new-session 'meridian-slowlink --rate 8192 --stats /tmp/link -- meridian --demo'
//! ```
//!
//! A development tool (the slow-link benchmark's relay, and
//! `tests/tmux_slowlink.rs`), not part of the console: its source lives
//! with the benchmark and it has no docs. The pty keeps the size it had
//! at the start.

#[allow(dead_code, reason = "the benchmark uses more of the relay than the binary")]
mod relay;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

use relay::{Counters, Link, Relay};

#[derive(Debug, Parser)]
#[command(
    name = "meridian-slowlink",
    about = "Run a program behind a rate-limited link that buffers like sshd"
)]
struct Args {
    /// Bytes per second passed on to this terminal (0 = no limit)
    #[arg(long, default_value_t = 8192, value_name = "BYTES")]
    rate: u64,
    /// Bytes read from the program and held, at most (OpenSSH's channel window)
    #[arg(long, default_value_t = relay::SSH_WINDOW, value_name = "BYTES")]
    buffer: usize,
    /// Keep the byte counts in FILE as `passed N`, `buffered N` and `read N`
    /// lines, rewritten whole as they change
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// Size of the program's terminal (default: this terminal's, else 80x24)
    #[arg(long, value_name = "COLSxROWS", value_parser = parse_size)]
    size: Option<(u16, u16)>,
    /// The program and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let (c, r) = s.split_once('x').ok_or("expected COLSxROWS, e.g. 80x24")?;
    let n = |v: &str| v.parse::<u16>().ok().filter(|n| *n > 0).ok_or(format!("bad size {s}"));
    Ok((n(c)?, n(r)?))
}

/// This terminal in raw mode while the program runs: keys go through as
/// typed, not line by line, and are not echoed here.
struct RawMode(bool);

impl RawMode {
    fn enable() -> io::Result<RawMode> {
        if !io::stdin().is_terminal() {
            return Ok(RawMode(false));
        }
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode(true))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if self.0 {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

/// Write the counts to `path` whole (a reader never sees half a file).
fn write_stats(path: &Path, c: &Counters) -> io::Result<()> {
    let text = format!("passed {}\nbuffered {}\nread {}\n", c.passed(), c.buffered(), c.read());
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Rewrite the stats file every 20 ms while the counts move, until `stop`.
fn keep_stats(path: PathBuf, c: Arc<Counters>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut last = None;
        while !stop.load(Ordering::Acquire) {
            let now = (c.read(), c.passed());
            if last != Some(now) && write_stats(&path, &c).is_ok() {
                last = Some(now);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

/// Keys and the terminal's answers, from this terminal into the program's
/// pty as they come. The thread ends with its input, or with the process.
fn forward_input(mut input: relay::Input) {
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stdin.read(&mut buf) {
            if input.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    let size = args.size.or_else(|| crossterm::terminal::size().ok()).unwrap_or((80, 24));
    let (program, rest) = args.command.split_first().context("no command given")?;
    let cmd = pty_process::blocking::Command::new(program).args(rest);
    let link =
        Link { rate: (args.rate > 0).then_some(args.rate), buffer: args.buffer, marks: false };
    let raw = RawMode::enable().context("raw mode")?;
    let mut out = io::stdout();
    let relay = Relay::spawn(cmd, size, link, |_| {
        move |bytes: &[u8]| {
            out.write_all(bytes)?;
            out.flush()
        }
    })
    .with_context(|| format!("starting {}", program.to_string_lossy()))?;
    let counters = relay.counters();
    let stop = Arc::new(AtomicBool::new(false));
    if let Some(path) = &args.stats {
        write_stats(path, &counters).with_context(|| format!("writing {}", path.display()))?;
        keep_stats(path.clone(), counters.clone(), stop.clone());
    }
    forward_input(relay.input());
    let status = relay.wait().context("relaying")?;
    stop.store(true, Ordering::Release);
    if let Some(path) = &args.stats {
        write_stats(path, &counters)?;
    }
    drop(raw);
    use std::os::unix::process::ExitStatusExt;
    let code = status.code().or_else(|| status.signal().map(|s| 128 + s)).unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("meridian-slowlink: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use crate::relay::{Bucket, Link, Relay, SSH_WINDOW};

    #[test]
    fn the_bucket_passes_the_rate_over_any_split_of_time() {
        let mut b = Bucket::new(8192);
        let (mut sent, mut total) = (0, Duration::ZERO);
        // Always busy, ticks of 5, 10 and 15 ms (a sleep is never exact).
        for i in 0..1000u64 {
            let tick = Duration::from_millis(5 + (i % 3) * 5);
            total += tick;
            let n = b.fill(tick);
            b.spend(n);
            sent += n;
        }
        let due = 8192.0 * total.as_secs_f64();
        assert!((sent as f64 - due).abs() <= 1.0, "sent {sent} of {due}");
    }

    #[test]
    fn an_idle_link_does_not_store_up_a_burst() {
        let mut b = Bucket::new(8192);
        let n = b.fill(Duration::from_secs(60));
        assert!(n <= 8192 / 50 + 1, "a minute idle, then {n} bytes at once");
    }

    #[test]
    fn the_far_end_gets_the_programs_output_in_order_and_the_counts_add_up() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let cmd = pty_process::blocking::Command::new("sh")
            .args(["-c", "printf 'one\\n'; printf 'two\\n'; exit 3"]);
        let link = Link { rate: Some(64 << 10), buffer: SSH_WINDOW, marks: true };
        let relay = Relay::spawn(cmd, (80, 24), link, |_| {
            move |b: &[u8]| {
                sink.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(b);
                Ok(())
            }
        })
        .expect("spawn");
        let c = relay.counters();
        let status = relay.wait().expect("wait");
        assert_eq!(status.code(), Some(3));
        let got = got.lock().expect("lock").clone();
        assert_eq!(String::from_utf8_lossy(&got), "one\r\ntwo\r\n");
        assert_eq!((c.read(), c.passed(), c.buffered()), (10, 10, 0));
    }
}
