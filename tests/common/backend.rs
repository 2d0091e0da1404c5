//! The reference server on a runtime of its own, so a test thread can block
//! on tmux or child processes while the server keeps serving.

use std::net::SocketAddr;
use std::time::Duration;

use meridian::protocol::Report;
use meridian::server::{ServeArgs, ServerHandle, start};

pub struct Backend {
    rt: tokio::runtime::Runtime,
    handle: Option<ServerHandle>,
}

impl Backend {
    pub fn start(args: ServeArgs) -> Backend {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the server");
        let handle = rt.block_on(start(args)).expect("the reference server starts");
        Backend { rt, handle: Some(handle) }
    }

    fn handle(&self) -> &ServerHandle {
        self.handle.as_ref().expect("the server is running")
    }

    pub fn url(&self) -> String {
        self.handle().base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.handle().addr()
    }

    /// One report as the server has it now.
    pub fn report(&self, id: &str) -> Report {
        meridian::tls::install_crypto();
        let url = format!("{}/api/v1/reports/{id}", self.url());
        self.rt.block_on(async {
            reqwest::Client::new().get(url).send().await.unwrap().json().await.unwrap()
        })
    }

    /// Alerts as the server lists them now (§3b): the active ones, or all.
    pub fn alerts(&self, all: bool) -> Vec<meridian::protocol::Alert> {
        meridian::tls::install_crypto();
        let api =
            meridian::api::ApiClient::new(&self.url(), None, Duration::from_secs(5), None).unwrap();
        self.rt.block_on(async { api.alerts(all, 1000).await.unwrap().alerts })
    }

    /// Ids of the first report and the first insight the console shows.
    pub fn first_rows(&self) -> (String, String) {
        meridian::tls::install_crypto();
        let api =
            meridian::api::ApiClient::new(&self.url(), None, Duration::from_secs(5), None).unwrap();
        self.rt.block_on(async {
            let q = meridian::api::ReportQuery { limit: 1, ..Default::default() };
            let report = api.reports(&q).await.unwrap().reports[0].id.to_string();
            let insight = api.insights(1, 0).await.unwrap().insights[0].id.to_string();
            (report, insight)
        })
    }

    /// The first insight's title as the console decodes it.
    pub fn first_insight_title(&self) -> String {
        meridian::tls::install_crypto();
        let api =
            meridian::api::ApiClient::new(&self.url(), None, Duration::from_secs(5), None).unwrap();
        self.rt.block_on(async { api.insights(1, 0).await.unwrap().insights[0].title.clone() })
    }

    /// A TLS front (see [`super::tls`]) on another loopback port, with a
    /// certificate signed by the CA written to `dir/ca.pem`.
    pub fn tls_front(&self, dir: &std::path::Path) -> (SocketAddr, std::path::PathBuf) {
        let pki = super::tls::TestPki::new(dir);
        let addr = self.rt.block_on(super::tls::proxy(pki.server.clone(), self.addr()));
        (addr, pki.ca_file)
    }

    pub fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown()).expect("the server shuts down");
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.rt.block_on(h.shutdown());
        }
    }
}
