//! The REST client: one typed method per endpoint of the contract, errors
//! phrased for the user. The token goes in a default header and is never
//! logged or shown.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::protocol::{
    BackfillList, ErrorBody, IDEMPOTENCY_HEADER, InsightList, KpiList, ReportList, SystemStatus,
    paths,
};
use crate::token::Token;

#[derive(Debug, Error)]
pub enum ApiError {
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("HTTP {status}: {message}")]
    Status { status: StatusCode, code: String, message: String },
    #[error("unexpected answer from {url}: {reason}")]
    Decode { url: String, reason: String },
    #[error("invalid setup: {0}")]
    Setup(String),
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    /// `base` without any user:password, for error messages.
    shown: String,
    http: Client,
}

/// Query for the report queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReportQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// The raw answer to a POST: the caller decides what the status means.
#[derive(Debug, Clone, PartialEq)]
pub struct PostResponse {
    pub status: u16,
    /// `Retry-After`, in seconds or as an HTTP date, as a delay from now.
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl ApiClient {
    /// A client for the API at `base`. `tls`: the TLS setup for https
    /// (see [`crate::tls`]); `None` keeps reqwest's own verifying default.
    pub fn new(
        base: &str,
        token: Option<&Token>,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(t) = token {
            let mut v = HeaderValue::from_str(&t.bearer())
                .map_err(|_| ApiError::Setup("the token is not a valid header value".into()))?;
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
        }
        let mut builder = Client::builder();
        if let Some(tls) = tls {
            let mut tls = (*tls).clone();
            tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            builder = builder.tls_backend_preconfigured(tls);
        }
        let http = builder
            .default_headers(headers)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("meridian/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Setup(e.to_string()))?;
        let shown = crate::token::redact_url(base);
        Ok(ApiClient { base: base.trim_end_matches('/').to_owned(), shown, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let url = format!("{}{}", self.shown, path);
        let resp = self
            .http
            .get(format!("{}{}", self.base, path))
            .query(query)
            .send()
            .await
            .map_err(|e| ApiError::Network { url: url.clone(), reason: root_cause(&e) })?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::Network { url: url.clone(), reason: root_cause(&e) })?;
        if !status.is_success() {
            return Err(error_from(status, &body));
        }
        serde_json::from_slice(&body).map_err(|e| ApiError::Decode { url, reason: e.to_string() })
    }

    /// POST `body` as JSON with an Idempotency-Key. Any HTTP answer is `Ok`;
    /// only a failure to get one (connect, timeout, cut-off body) is an error.
    pub async fn post(
        &self,
        path: &str,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> Result<PostResponse, ApiError> {
        let url = format!("{}{}", self.shown, path);
        let net =
            |e: reqwest::Error| ApiError::Network { url: url.clone(), reason: root_cause(&e) };
        let resp = self
            .http
            .post(format!("{}{}", self.base, path))
            .header(IDEMPOTENCY_HEADER, idempotency_key)
            .json(body)
            .send()
            .await
            .map_err(net)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let body = resp.bytes().await.map_err(net)?.to_vec();
        Ok(PostResponse { status, retry_after, body })
    }

    pub async fn insights(&self, limit: u32, offset: u32) -> Result<InsightList, ApiError> {
        self.get(paths::INSIGHTS, &[("limit", limit), ("offset", offset)]).await
    }

    pub async fn reports(&self, q: &ReportQuery) -> Result<ReportList, ApiError> {
        self.get(paths::REPORTS, q).await
    }

    pub async fn feedback_stats(
        &self,
        insight: &crate::protocol::Id,
    ) -> Result<crate::protocol::FeedbackStats, ApiError> {
        self.get(paths::FEEDBACK_STATS, &[("insight_id", insight.as_str())]).await
    }

    pub async fn analytics(&self, days: u32) -> Result<crate::protocol::ReportAnalytics, ApiError> {
        self.get(paths::REPORT_ANALYTICS, &[("days", days)]).await
    }

    pub async fn kpis(&self) -> Result<KpiList, ApiError> {
        self.get(paths::KPIS, &()).await
    }

    pub async fn status(&self) -> Result<SystemStatus, ApiError> {
        self.get(paths::STATUS, &()).await
    }

    pub async fn backfill(&self) -> Result<BackfillList, ApiError> {
        self.get(paths::BACKFILL, &()).await
    }
}

/// The contract's error envelope, or the status line when there is none.
pub fn error_from(status: StatusCode, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => ApiError::Status { status, code: b.error.code, message: b.error.message },
        Err(_) => ApiError::Status {
            status,
            code: String::new(),
            message: status.canonical_reason().unwrap_or("error").to_owned(),
        },
    }
}

/// `Retry-After: <seconds>` or `Retry-After: <HTTP-date>`, as a delay from
/// `now` (a date in the past is no delay).
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

fn root_cause(e: &reqwest::Error) -> String {
    if let Some(tls) = crate::tls::explain(e) {
        return tls;
    }
    let mut src: &dyn std::error::Error = e;
    while let Some(next) = src.source() {
        src = next;
    }
    if e.is_timeout() {
        return "timed out".into();
    }
    let text = src.to_string();
    crate::tls::explain_plain_to_tls(&text, "https").unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn errors_never_show_the_urls_password() {
        crate::tls::install_crypto();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = closed.local_addr().expect("addr");
        drop(closed);
        let api =
            ApiClient::new(&format!("http://bob:pa55@{addr}"), None, Duration::from_secs(2), None)
                .expect("client");
        let err = api.status().await.expect_err("nothing listens").to_string();
        assert!(err.contains(&format!("http://{addr}/api/v1/monitoring/status")), "{err}");
        assert!(!err.contains("pa55"), "{err}");
    }

    #[test]
    fn error_envelope_is_read_and_plain_bodies_fall_back() {
        let e = error_from(
            StatusCode::CONFLICT,
            br#"{"error":{"code":"conflict","message":"already approved"}}"#,
        );
        assert_eq!(e.to_string(), "HTTP 409 Conflict: already approved");
        let e = error_from(StatusCode::BAD_GATEWAY, b"<html>oops</html>");
        assert_eq!(e.to_string(), "HTTP 502 Bad Gateway: Bad Gateway");
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().to_utc();
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        let date = "Wed, 21 Oct 2015 07:28:30 GMT";
        assert_eq!(parse_retry_after(date, now), Some(Duration::from_secs(30)));
        let past = "Wed, 21 Oct 2015 07:00:00 GMT";
        assert_eq!(parse_retry_after(past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
