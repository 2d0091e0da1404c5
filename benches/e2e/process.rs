//! Measures of the real binary in a private tmux server: time to the first
//! frame, CPU while idle, peak resident memory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Console {
    socket: String,
    pub dir: tempfile::TempDir,
}

fn tmux(socket: &str, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .args(["-L", socket, "-f", "/dev/null"])
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .expect("tmux must be installed")
}

impl Console {
    /// Start `meridian` (no shell in between) in a `w`x`h` pane against
    /// `server`, with a fresh home and data directory.
    pub fn start(server: &str, symbols: &[String], (w, h): (u16, u16)) -> Console {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path().display();
        let socket = format!("meridian-bench-{}-{}", std::process::id(), dir_suffix(dir.path()));
        let cmd = format!(
            "exec env -i PATH=/usr/bin:/bin HOME={d} XDG_CONFIG_HOME={d}/config TERM=xterm-256color LANG=C.UTF-8 {bin} --server {server} --data-dir {d}/data --symbols {syms}",
            bin = env!("CARGO_BIN_EXE_meridian"),
            syms = symbols.join(","),
        );
        let out = tmux(
            &socket,
            &["new-session", "-d", "-s", "b", "-x", &w.to_string(), "-y", &h.to_string(), &cmd],
        );
        assert!(out.status.success(), "tmux: {}", String::from_utf8_lossy(&out.stderr));
        Console { socket, dir }
    }

    pub fn pid(&self) -> u32 {
        let out = tmux(&self.socket, &["display-message", "-p", "-t", "b", "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("pane pid")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("data/meridian.log")
    }

    /// The `first frame drawn` log line's fields, once it is there.
    pub fn first_frame(&self, timeout: Duration) -> Option<(f64, f64)> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            let log = std::fs::read_to_string(self.log()).unwrap_or_default();
            if let Some(line) = log.lines().find(|l| l.contains("first frame drawn")) {
                let field = |k: &str| -> Option<f64> {
                    let rest = &line[line.find(&format!("{k}="))? + k.len() + 1..];
                    rest.split_whitespace().next()?.parse().ok()
                };
                return Some((field("since_start_ms")?, field("unix_us")?));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Keys in tmux's notation.
    pub fn send_keys(&self, keys: &str) {
        tmux(&self.socket, &["send-keys", "-t", "b", keys]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&self.socket, &["capture-pane", "-p", "-t", "b"]).stdout)
            .into_owned()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        tmux(&self.socket, &["kill-server"]);
    }
}

fn dir_suffix(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().replace('.', "")).unwrap_or_default()
}

/// CPU time (all threads) of `pid` in seconds, from the scheduler's
/// nanosecond counters.
pub fn cpu_seconds(pid: u32) -> f64 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("process is running");
    tasks
        .filter_map(|t| {
            let s = std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok()?;
            s.split_whitespace().next()?.parse::<f64>().ok()
        })
        .sum::<f64>()
        / 1e9
}

/// Peak resident set size of `pid`, in MiB.
pub fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmHWM");
    kb / 1024.0
}
