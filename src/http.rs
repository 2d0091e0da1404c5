//! How every HTTP client of the console is built (the backend's REST API,
//! Prometheus, Alertmanager): the token as a sensitive bearer header (never
//! logged), a timeout per request, the TLS setup for https (`None` keeps
//! reqwest's own verifying default) and our user agent.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Client;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::token::Token;

/// A client as above; the error says what could not be set up.
pub(crate) fn client(
    token: Option<&Token>,
    timeout: Duration,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Client, String> {
    let mut headers = HeaderMap::new();
    if let Some(t) = token {
        let mut v = HeaderValue::from_str(&t.bearer())
            .map_err(|_| "the token is not a valid header value".to_owned())?;
        v.set_sensitive(true);
        headers.insert(AUTHORIZATION, v);
    }
    let mut builder = Client::builder();
    if let Some(tls) = tls {
        let mut tls = (*tls).clone();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        builder = builder.tls_backend_preconfigured(tls);
    }
    builder
        .default_headers(headers)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("meridian/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}
