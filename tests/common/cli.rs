//! Running the real binary for a headless command: a private home, no
//! MERIDIAN_* from the caller, the output collected, killed after a
//! liveness bound.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_meridian");
/// A liveness bound for one run of the binary, not a speed assertion.
pub const LIMIT: Duration = Duration::from_secs(30);

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The binary with a private home and no MERIDIAN_* from the caller.
pub fn bare(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("MERIDIAN_")) {
        cmd.env_remove(k);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"));
    cmd
}

/// [`bare`] with `--server URL --data-dir HOME/data`.
pub fn command(home: &Path, server: &str) -> Command {
    let data = home.join("data");
    let mut cmd = bare(home);
    cmd.args(["--server", server, "--data-dir", data.to_str().unwrap()]);
    cmd
}

/// [`command`] with `args`, its output collected; killed after [`LIMIT`].
pub fn meridian(home: &Path, server: &str, args: &[&str]) -> Run {
    run(command(home, server).args(args), &format!("{args:?}"))
}

/// Run `cmd` to its end with its output collected; killed after [`LIMIT`].
pub fn run(cmd: &mut Command, what: &str) -> Run {
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = reader(Box::new(child.stdout.take().unwrap()));
    let err = reader(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("meridian {what} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run { code: status.code(), stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}
