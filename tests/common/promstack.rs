//! The real Prometheus and Alertmanager (the Debian packages `.ci/run`
//! installs), each on a free loopback port in a throwaway directory, killed
//! when dropped. Prometheus scrapes itself (job `prometheus`) and a closed
//! port (job `gone`), evaluates an alert that always fires
//! (`MeridianAlwaysFiring`) and sends it to the Alertmanager.

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a program may take to answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The alert the rule file fires on every evaluation.
pub const ALWAYS_FIRING: &str = "MeridianAlwaysFiring";

/// One running program, killed (and reaped) on drop.
pub struct Daemon {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Daemon {
    /// Start `program` with `args`, its output in `<dir>/<name>.log`, and
    /// wait until `http://<addr>/-/ready` answers 200.
    fn start(name: &'static str, program: &str, args: &[String], dir: &Path, addr: &str) -> Self {
        let path = find_program(program).unwrap_or_else(|| {
            panic!("{name} not installed: .ci/run installs it (apt-get install {name})")
        });
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(path)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let mut daemon = Daemon { name, child, log };
        daemon.wait_ready(addr);
        daemon
    }

    fn wait_ready(&mut self, addr: &str) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}) before it was ready:\n{}", self.name, self.output());
            }
            if http_status(addr, "/-/ready") == Some(200) {
                return;
            }
            if Instant::now() > deadline {
                panic!("{} not ready within {READY_TIMEOUT:?}:\n{}", self.name, self.output());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the program has written so far (its log), for a failure message.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prometheus sending to Alertmanager. Fields drop in order: both programs
/// are killed before their directory is removed.
pub struct PromStack {
    pub prometheus_url: String,
    pub alertmanager_url: String,
    pub prometheus: Daemon,
    pub alertmanager: Daemon,
    _dir: TempDir,
}

impl PromStack {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (alertmanager_url, alertmanager) = start_alertmanager(dir.path());
        let (prometheus_url, prometheus) = start_prometheus(dir.path(), &alertmanager_url);
        PromStack { prometheus_url, alertmanager_url, prometheus, alertmanager, _dir: dir }
    }
}

/// An Alertmanager alone, for alerts posted straight to it.
pub struct AmStack {
    pub alertmanager_url: String,
    pub alertmanager: Daemon,
    _dir: TempDir,
}

impl AmStack {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (alertmanager_url, alertmanager) = start_alertmanager(dir.path());
        AmStack { alertmanager_url, alertmanager, _dir: dir }
    }
}

/// One route to a receiver `null` with no integrations; no gossip.
fn start_alertmanager(dir: &Path) -> (String, Daemon) {
    let config = dir.join("alertmanager.yml");
    std::fs::write(
        &config,
        "route:\n  receiver: 'null'\n  group_wait: 0s\n  group_interval: 1s\n  \
         repeat_interval: 1h\nreceivers:\n  - name: 'null'\n",
    )
    .unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let args = [
        format!("--config.file={}", config.display()),
        format!("--storage.path={}", dir.join("alertmanager-data").display()),
        format!("--web.listen-address={addr}"),
        "--cluster.listen-address=".to_owned(),
    ];
    let daemon =
        Daemon::start("prometheus-alertmanager", "prometheus-alertmanager", &args, dir, &addr);
    (format!("http://{addr}"), daemon)
}

fn start_prometheus(dir: &Path, alertmanager_url: &str) -> (String, Daemon) {
    let addr = format!("127.0.0.1:{}", free_port());
    let closed = format!("127.0.0.1:{}", free_port());
    let rules = dir.join("rules.yml");
    std::fs::write(
        &rules,
        format!(
            "groups:\n  - name: meridian\n    rules:\n      - alert: {ALWAYS_FIRING}\n        \
             expr: vector(1)\n        labels:\n          severity: critical\n        \
             annotations:\n          summary: always firing (test)\n"
        ),
    )
    .unwrap();
    let am = alertmanager_url.trim_start_matches("http://");
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files: ['{}']\n\
             alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{am}']\n\
             scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      \
             - targets: ['{addr}']\n  - job_name: gone\n    static_configs:\n      \
             - targets: ['{closed}']\n",
            rules.display()
        ),
    )
    .unwrap();
    let args = [
        format!("--config.file={}", config.display()),
        format!("--storage.tsdb.path={}", dir.join("prometheus-data").display()),
        format!("--web.listen-address={addr}"),
        // An alert sent before the Alertmanager is discovered is dropped;
        // resend every second instead of every minute.
        "--rules.alert.resend-delay=1s".to_owned(),
    ];
    let daemon = Daemon::start("prometheus", "prometheus", &args, dir, &addr);
    (format!("http://{addr}"), daemon)
}

/// A loopback port nothing listens on (bound, read, released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `program` in `PATH`, or in /usr/bin.
fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// The status of a plain GET, or `None` when nothing answers.
fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).ok()?;
    String::from_utf8_lossy(&answer).split_whitespace().nth(1)?.parse().ok()
}

/// Ask `probe` every 200 ms until it gives `Some`, for at most `within`;
/// then panic naming `what`.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("{what}: not within {within:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Post one alert straight to an Alertmanager (as Prometheus would),
/// ending on its own after the resolve timeout.
pub async fn post_alert(
    alertmanager_url: &str,
    labels: &[(&str, &str)],
    annotations: &[(&str, &str)],
) {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect::<serde_json::Map<_, _>>()
    };
    let body = serde_json::json!([{"labels": map(labels), "annotations": map(annotations)}]);
    let resp = reqwest::Client::new()
        .post(format!("{alertmanager_url}/api/v2/alerts"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "posting an alert: {}", resp.status());
}
