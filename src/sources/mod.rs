//! Clients for the systems on-call engineers already run: Prometheus
//! (queries, and service cards from its `up` series) and Alertmanager
//! (alerts with their silences, and the silences that acknowledge or snooze
//! them). Plain async clients plus pure mapping functions onto the protocol
//! types; no console state. Every string from the network is cleaned
//! ([`crate::sanitize::clean`]) before it reaches a protocol type.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, RequestBuilder};

use crate::token::Token;

pub mod alertmanager;
mod error;
mod poll;
pub mod prometheus;

pub use alertmanager::{Alertmanager, SilenceOutcome, SourcedAlert, ack_comment, snooze_comment};
pub use error::SourceError;
pub use poll::{SourceEvent, Waker, spawn_alertmanager, spawn_prometheus};
pub use prometheus::{Prometheus, RangeSeries, Sample};

/// The clients of the systems read besides a backend, with how often to
/// ask each.
#[derive(Debug, Clone, Default)]
pub struct Clients {
    /// The client, each panel's query, the poll interval, points per panel.
    pub prometheus: Option<(Prometheus, Vec<String>, Duration, usize)>,
    pub alertmanager: Option<(Alertmanager, Duration)>,
}

/// What both clients share: the reqwest client, the base URL to call and
/// the same URL without credentials, for messages.
#[derive(Debug, Clone)]
struct Http {
    client: Client,
    /// Where requests go (may carry user:password for basic auth).
    root: String,
    shown: String,
}

impl Http {
    /// Built the way [`crate::api::ApiClient::new`] builds its client: the
    /// token as a sensitive bearer header, `timeout` per request, `tls` for
    /// https (`None` keeps reqwest's verifying default).
    fn new(
        base: &str,
        token: Option<&Token>,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, SourceError> {
        let shown = crate::token::redact_url(base);
        match url::Url::parse(base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            Ok(_) => {
                let shown = crate::sanitize::clean(&shown);
                return Err(SourceError::Setup(format!("`{shown}` is not an http(s):// URL")));
            }
            // Not shown: an unparsable URL cannot have its password taken out.
            Err(e) => return Err(SourceError::Setup(format!("the URL is not valid: {e}"))),
        }
        let client = crate::http::client(token, timeout, tls).map_err(SourceError::Setup)?;
        Ok(Http { client, root: base.trim_end_matches('/').to_owned(), shown })
    }

    fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(format!("{}{path}", self.root))
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(format!("{}{path}", self.root))
    }

    fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(format!("{}{path}", self.root))
    }

    /// The URL of `path` as messages show it.
    fn shown(&self, path: &str) -> String {
        format!("{}{path}", self.shown)
    }

    /// Send `req` (for `path`) and read the whole body of a 2xx answer; any
    /// other status becomes [`SourceError::Status`] with what the server said.
    async fn send(&self, path: &str, req: RequestBuilder) -> Result<Vec<u8>, SourceError> {
        let url = self.shown(path);
        let net = |e: reqwest::Error| SourceError::Network { url: url.clone(), reason: reason(&e) };
        let resp = req.send().await.map_err(net)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(net)?;
        if !status.is_success() {
            return Err(error::from_status(url.clone(), status, &body));
        }
        Ok(body.to_vec())
    }

    /// [`Http::send`], then decode the body as JSON.
    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        req: RequestBuilder,
    ) -> Result<T, SourceError> {
        let body = self.send(path, req).await?;
        serde_json::from_slice(&body)
            .map_err(|e| SourceError::Decode { url: self.shown(path), reason: e.to_string() })
    }
}

/// Why a request got no answer, in words: the TLS explanation when there is
/// one, "timed out", else the innermost cause (which names no token: the
/// token travels in a header, never in the URL).
fn reason(e: &reqwest::Error) -> String {
    if let Some(tls) = crate::tls::explain(e) {
        return tls;
    }
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut src: &dyn std::error::Error = e;
    while let Some(next) = src.source() {
        src = next;
    }
    let text = src.to_string();
    crate::tls::explain_plain_to_tls(&text, "https").unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(base: &str) -> Result<Http, SourceError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Http::new(base, None, Duration::from_secs(1), None)
    }

    #[test]
    fn only_http_urls_are_accepted_and_none_is_shown_with_its_password() {
        let shown = |r: Result<Http, SourceError>| r.map(|h| h.shown).map_err(|e| e.to_string());
        assert_eq!(
            shown(http("http://ana:pw@127.0.0.1:9090/")),
            Ok("http://127.0.0.1:9090".into())
        );
        let err = shown(http("ftp://ana:pw@host/")).unwrap_err();
        assert_eq!(err, "invalid setup: `ftp://host` is not an http(s):// URL");
        let err = shown(http("http://ana:pw@[::1")).unwrap_err();
        assert!(err.starts_with("invalid setup: the URL is not valid") && !err.contains("pw"));
    }
}
