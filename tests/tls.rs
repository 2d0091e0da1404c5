//! https and wss through rustls against the reference server behind a TLS
//! front with a throwaway CA: trusted with `server.ca_file`, refused
//! without it, accepted with `--insecure`; and the wrong scheme for a port
//! gives an error that says so.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use meridian::api::ApiClient;
use meridian::config::Config;
use meridian::event::{Event, FeedEvent, FeedKind, Link};
use meridian::feeds::{self, Backoff, FeedOptions};
use meridian::remote::Remote;
use meridian::server::ServeArgs;
use tokio::sync::mpsc;

struct Front {
    server: common::Server,
    _dir: tempfile::TempDir,
    ca_file: std::path::PathBuf,
    tls: SocketAddr,
}

async fn front() -> Front {
    let server = common::Server::start(ServeArgs::for_tests()).await;
    let dir = tempfile::tempdir().unwrap();
    let pki = common::tls::TestPki::new(dir.path());
    let tls = common::tls::proxy(pki.server.clone(), server.handle.addr()).await;
    Front { server, ca_file: pki.ca_file.clone(), _dir: dir, tls }
}

fn remote(ca_file: Option<&std::path::Path>, insecure: bool) -> Remote {
    let mut config = Config::default();
    config.server.ca_file = ca_file.map(ToOwned::to_owned);
    Remote::new(&config, None, insecure).unwrap()
}

fn api(url: String, remote: &Remote) -> ApiClient {
    ApiClient::new(&url, None, Duration::from_secs(5), remote.tls.clone()).unwrap()
}

/// The first event that says the health feed connected (Ok) or failed (Err).
async fn first_connect(url: String, remote: &Remote) -> Result<(), String> {
    let opts = FeedOptions {
        url,
        token: None,
        tls: remote.tls.clone(),
        connect_timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_secs(5), cap: Duration::from_secs(5) },
        ping_interval: Duration::from_secs(15),
        max_frame_bytes: 1 << 20,
        format: meridian::venues::PricesFormat::Meridian,
    };
    let (tx, mut rx) = mpsc::channel(64);
    feeds::spawn_feed(FeedKind::Health, opts, tx);
    loop {
        let event = tokio::time::timeout(common::WAIT, rx.recv()).await.unwrap().unwrap();
        match event {
            Event::Feed(FeedEvent::Link(_, Link::Connected)) => return Ok(()),
            Event::Feed(FeedEvent::Link(_, Link::Reconnecting { error, .. })) => return Err(error),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_and_wss_are_trusted_through_the_ca_file() {
    let f = front().await;
    let trusted = remote(Some(&f.ca_file), false);
    let status = api(format!("https://{}", f.tls), &trusted).status().await.unwrap();
    assert!(!status.services.is_empty(), "a real answer came through TLS");
    first_connect(format!("wss://{}/ws/monitoring", f.tls), &trusted).await.unwrap();
    drop(f.server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_ca_is_refused_with_a_reason() {
    let f = front().await;
    let default = remote(None, false);
    let err = api(format!("https://{}", f.tls), &default).status().await.unwrap_err().to_string();
    assert!(err.contains("not signed by a trusted CA"), "{err}");
    assert!(err.contains("server.ca_file"), "says what to do: {err}");
    let err = first_connect(format!("wss://{}/ws/monitoring", f.tls), &default).await.unwrap_err();
    assert!(err.contains("not signed by a trusted CA"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_skips_verification() {
    let f = front().await;
    let insecure = remote(None, true);
    assert!(insecure.insecure);
    api(format!("https://{}", f.tls), &insecure).status().await.unwrap();
    first_connect(format!("wss://{}/ws/monitoring", f.tls), &insecure).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_scheme_for_a_port_says_so() {
    let f = front().await;
    let trusted = remote(Some(&f.ca_file), false);
    let plain = f.server.handle.addr();
    // TLS to a plain port.
    let err = api(format!("https://{plain}"), &trusted).status().await.unwrap_err().to_string();
    assert!(err.contains("does not speak TLS"), "{err}");
    let err = first_connect(format!("wss://{plain}/ws/monitoring"), &trusted).await.unwrap_err();
    assert!(err.contains("does not speak TLS"), "{err}");
    // Plain to a TLS port.
    let err = api(format!("http://{}", f.tls), &trusted).status().await.unwrap_err().to_string();
    assert!(err.contains("https://"), "{err}");
    let err = first_connect(format!("ws://{}/ws/monitoring", f.tls), &trusted).await.unwrap_err();
    assert!(err.contains("wss://"), "{err}");
    // A REST path given as a feed.
    let err = first_connect(format!("ws://{plain}/api/v1/kpis"), &trusted).await.unwrap_err();
    assert!(err.contains("not a WebSocket"), "{err}");
}
