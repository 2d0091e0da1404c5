//! The reference server for the benchmarks, in-process on a runtime of
//! its own, shut down when dropped. Shared by the e2e and slow-link runs.
#![allow(
    clippy::unwrap_used,
    reason = "a benchmark that cannot start the server has nothing to measure"
)]

use std::time::Duration;

use meridian::server::{ServeArgs, ServerHandle};

/// The reference server on a one-worker runtime of its own (one core).
pub struct Server {
    rt: tokio::runtime::Runtime,
    handle: Option<ServerHandle>,
}

impl Server {
    pub fn start(args: ServeArgs) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.block_on(meridian::server::start(args)).unwrap();
        Server { rt, handle: Some(handle) }
    }

    pub fn url(&self) -> String {
        self.handle.as_ref().unwrap().base_url()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(2), h.shutdown()).await
            });
        }
    }
}
