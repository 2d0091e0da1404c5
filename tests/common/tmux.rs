//! Drive the real binary in a private tmux server: type keys, read the
//! screen. Each session gets its own socket, so tests never share state.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    pub home: tempfile::TempDir,
}

fn run(args: &[&str]) -> Output {
    Command::new("tmux")
        .arg("-u")
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .expect("tmux must be installed (.ci/run installs it)")
}

impl Tmux {
    /// A shell in a detached `width`x`height` session with a clean home.
    pub fn start(width: u16, height: u16) -> Tmux {
        let home = tempfile::tempdir().expect("temp home");
        let socket = format!("meridian-test-{}-{}", std::process::id(), rand_suffix());
        let h = home.path().display().to_string();
        let shell = format!(
            "env -i PATH=/usr/local/bin:/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/.config XDG_DATA_HOME={h}/.local/share TERM=xterm-256color LANG=C.UTF-8 bash --norc --noprofile"
        );
        let out = run(&[
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let t = Tmux { socket, home };
        t.send_line("PS1='READY$ '");
        t.wait_for(|s| s.contains("READY$"), Duration::from_secs(10), "shell prompt");
        t
    }

    pub fn send_line(&self, line: &str) {
        run(&["-L", &self.socket, "send-keys", "-t", "t", "-l", line]);
        run(&["-L", &self.socket, "send-keys", "-t", "t", "Enter"]);
    }

    /// Keys in tmux's notation ("q", "Tab", "C-c").
    pub fn send_keys(&self, keys: &str) {
        run(&["-L", &self.socket, "send-keys", "-t", "t", keys]);
    }

    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&run(&["-L", &self.socket, "capture-pane", "-p", "-t", "t"]).stdout)
            .into_owned()
    }

    /// Poll the screen until `pred` holds; panic with the screen after
    /// `timeout` (a liveness bound, not a speed assertion).
    pub fn wait_for(&self, pred: impl Fn(&str) -> bool, timeout: Duration, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Processes started by the pane's shell (the program under test).
    pub fn children(&self) -> Vec<u32> {
        let out = run(&["-L", &self.socket, "display-message", "-p", "-t", "t", "#{pane_pid}"]);
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// Send `signal` (e.g. "TERM") to the program under test.
    pub fn signal(&self, signal: &str) {
        let pids = self.children();
        assert!(!pids.is_empty(), "no program running in the pane");
        for pid in pids {
            let ok = Command::new("kill")
                .args([&format!("-{signal}"), &pid.to_string()])
                .status()
                .expect("kill");
            assert!(ok.success());
        }
    }

    /// Set a global tmux option (e.g. `set-clipboard on`).
    pub fn set_global(&self, option: &str, value: &str) {
        let out = run(&["-L", &self.socket, "set-option", "-g", option, value]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// What tmux puts in `TMUX` for the programs it runs (the harness's
    /// clean environment drops it): "socket,server pid,session".
    pub fn tmux_env(&self) -> String {
        let fmt = "#{socket_path},#{pid},#{session_id}";
        let out = run(&["-L", &self.socket, "display-message", "-p", "-t", "t", fmt]);
        String::from_utf8_lossy(&out.stdout).trim_end().replace('$', "")
    }

    /// Copy every byte the pane's program writes (escape sequences and
    /// all, before tmux interprets them) to `file`.
    pub fn pipe_pane(&self, file: &Path) {
        let cmd = format!("cat >> '{}'", file.display());
        let out = run(&["-L", &self.socket, "pipe-pane", "-o", "-t", "t", &cmd]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// The pane's title, as an OSC 0 or 2 from the program would set it.
    pub fn pane_title(&self) -> String {
        let out = run(&["-L", &self.socket, "display-message", "-p", "-t", "t", "#{pane_title}"]);
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
    }

    /// tmux's paste buffers, as an OSC 52 clipboard write would add one.
    pub fn buffers(&self) -> String {
        let out = run(&["-L", &self.socket, "list-buffers"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        run(&["-L", &self.socket, "kill-server"]);
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}
