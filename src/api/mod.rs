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
    USER_HEADER, paths,
};
use crate::token::Token;

/// A failed REST call. [`ApiError::kind`] says what happened, for code to
/// react to; `Display` says it as a sentence for the user.
#[derive(Debug, Clone, Error)]
pub enum ApiError {
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    /// A non-2xx answer, with the contract's error envelope when there was
    /// one (`code` empty and the status's reason as `message` otherwise).
    #[error("{}", sentence(*status, path, message))]
    Status { status: StatusCode, code: String, message: String, path: String },
    /// A 404 from a fixed endpoint: this backend does not have it (a 1.0
    /// backend lacks the 1.1 endpoints, protocol header).
    #[error("{path} is not available on this backend (HTTP 404)")]
    Unavailable { path: String },
    #[error("unexpected answer from {url}: {reason}")]
    Decode { url: String, reason: String },
    #[error("invalid setup: {0}")]
    Setup(String),
}

/// What kind of failure an [`ApiError`] is (protocol §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: no token, or the token was refused.
    Unauthorized,
    /// 403: the token may not do this.
    Forbidden,
    /// 404: an unknown id, or an endpoint this backend lacks.
    NotFound,
    /// 409: the state changed underneath.
    Conflict,
    /// 400 or 422: the request is invalid.
    Invalid,
    /// 429: too many requests.
    RateLimited,
    /// 5xx.
    Server,
    /// Any other status (405, a redirect not followed, ...).
    OtherStatus,
    /// No answer: connect, TLS, timeout, or a body cut off.
    Network,
    /// An answer that is not what the contract promises.
    Decode,
    /// The client could not be set up.
    Setup,
}

impl ErrorKind {
    /// The kind of a non-2xx status.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            400 | 422 => ErrorKind::Invalid,
            429 => ErrorKind::RateLimited,
            // The server gave up waiting for the request: as if unanswered.
            408 => ErrorKind::Network,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::OtherStatus,
        }
    }

    /// Asking again later may succeed (protocol §7: 429, 5xx and network
    /// errors are retried).
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorKind::Network | ErrorKind::RateLimited | ErrorKind::Server)
    }
}

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Network { .. } => ErrorKind::Network,
            ApiError::Status { status, .. } => ErrorKind::of_status(status.as_u16()),
            ApiError::Unavailable { .. } => ErrorKind::NotFound,
            ApiError::Decode { .. } => ErrorKind::Decode,
            ApiError::Setup(_) => ErrorKind::Setup,
        }
    }
}

/// A non-2xx answer as a sentence: what it means first, then the status,
/// then what the server said (when it said more than the status's name).
fn sentence(status: StatusCode, path: &str, message: &str) -> String {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("error");
    let said = if message.is_empty() || message == reason {
        String::new()
    } else {
        format!(": {message}")
    };
    match ErrorKind::of_status(code) {
        ErrorKind::Unauthorized => {
            format!("the token is missing or was refused (HTTP 401){said}")
        }
        ErrorKind::Forbidden => format!("this token may not read {path} (HTTP 403){said}"),
        ErrorKind::NotFound => format!("not found (HTTP 404){said}"),
        ErrorKind::Conflict => format!("changed by someone else (HTTP 409){said}"),
        ErrorKind::Invalid => format!("refused as invalid (HTTP {code}){said}"),
        ErrorKind::RateLimited => format!("rate limited; try again shortly (HTTP 429){said}"),
        ErrorKind::Server => format!("server error (HTTP {code} {reason}){said}"),
        _ => format!("HTTP {code} {reason}{said}"),
    }
}

/// What a GET names, so a 404 can say which absence it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// A fixed endpoint: a 404 means this backend does not have it.
    Endpoint,
    /// An item by id: a 404 means there is no such item.
    Item,
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    /// `base` without any user:password, for error messages.
    shown: String,
    http: Client,
    /// The `X-User` header every request carries (protocol, "Who").
    user: Option<HeaderValue>,
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
pub(crate) struct PostResponse {
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
        Ok(ApiClient { base: base.trim_end_matches('/').to_owned(), shown, http, user: None })
    }

    /// Every request names `user` in `X-User`, the name other reviewers see
    /// (who approved, acknowledged, claimed).
    pub fn with_user(mut self, user: &str) -> Result<Self, ApiError> {
        let value = HeaderValue::from_str(user).map_err(|_| {
            ApiError::Setup(format!("user name `{user}` is not a valid header value"))
        })?;
        self.user = Some(value);
        Ok(self)
    }

    /// A request with the headers every request carries.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let req = self.http.request(method, format!("{}{}", self.base, path));
        match &self.user {
            Some(user) => req.header(USER_HEADER, user.clone()),
            None => req,
        }
    }

    /// GET a fixed endpoint.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        self.fetch(path, Lookup::Endpoint, query).await
    }

    /// GET an item by the id in `query`.
    async fn get_item<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        self.fetch(path, Lookup::Item, query).await
    }

    async fn fetch<T: DeserializeOwned>(
        &self,
        path: &str,
        lookup: Lookup,
        query: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let url = format!("{}{}", self.shown, path);
        let resp = self
            .request(reqwest::Method::GET, path)
            .query(query)
            .send()
            .await
            .map_err(|e| ApiError::Network { url: url.clone(), reason: root_cause(&e) })?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| ApiError::Network { url: url.clone(), reason: root_cause(&e) })?;
        if status == StatusCode::NOT_FOUND && lookup == Lookup::Endpoint {
            return Err(ApiError::Unavailable { path: path.to_owned() });
        }
        if !status.is_success() {
            return Err(error_from(status, path, &body));
        }
        serde_json::from_slice(&body).map_err(|e| ApiError::Decode { url, reason: e.to_string() })
    }

    /// POST `body` as JSON with an Idempotency-Key. Any HTTP answer is `Ok`;
    /// only a failure to get one (connect, timeout, cut-off body) is an error.
    pub(crate) async fn post(
        &self,
        path: &str,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> Result<PostResponse, ApiError> {
        let url = format!("{}{}", self.shown, path);
        let net =
            |e: reqwest::Error| ApiError::Network { url: url.clone(), reason: root_cause(&e) };
        let resp = self
            .request(reqwest::Method::POST, path)
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

    pub(crate) async fn feedback_stats(
        &self,
        insight: &crate::protocol::Id,
    ) -> Result<crate::protocol::FeedbackStats, ApiError> {
        self.get_item(paths::FEEDBACK_STATS, &[("insight_id", insight.as_str())]).await
    }

    pub(crate) async fn analytics(
        &self,
        days: u32,
    ) -> Result<crate::protocol::ReportAnalytics, ApiError> {
        self.get(paths::REPORT_ANALYTICS, &[("days", days)]).await
    }

    pub async fn kpis(&self) -> Result<KpiList, ApiError> {
        self.get(paths::KPIS, &()).await
    }

    pub async fn status(&self) -> Result<SystemStatus, ApiError> {
        self.get(paths::STATUS, &()).await
    }

    pub(crate) async fn backfill(&self) -> Result<BackfillList, ApiError> {
        self.get(paths::BACKFILL, &()).await
    }
}

/// The contract's error envelope, or the status line when there is none.
/// (The envelope's text is cleaned when it is decoded.)
pub(crate) fn error_from(status: StatusCode, path: &str, body: &[u8]) -> ApiError {
    let (code, message) = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => (b.error.code, b.error.message),
        Err(_) => (String::new(), status.canonical_reason().unwrap_or("error").to_owned()),
    };
    ApiError::Status { status, code, message, path: path.to_owned() }
}

/// `Retry-After: <seconds>` or `Retry-After: <HTTP-date>`, as a delay from
/// `now` (a date in the past is no delay).
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
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
            paths::REPORTS,
            br#"{"error":{"code":"conflict","message":"already approved"}}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert_eq!(e.to_string(), "changed by someone else (HTTP 409): already approved");
        let e = error_from(StatusCode::BAD_GATEWAY, paths::KPIS, b"<html>oops</html>");
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.to_string(), "server error (HTTP 502 Bad Gateway)");
    }

    #[test]
    fn every_status_of_the_contract_has_its_kind() {
        let cases = [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (400, ErrorKind::Invalid),
            (422, ErrorKind::Invalid),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
            (405, ErrorKind::OtherStatus),
            (302, ErrorKind::OtherStatus),
            (408, ErrorKind::Network),
        ];
        for (status, kind) in cases {
            let e = error_from(StatusCode::from_u16(status).unwrap(), paths::KPIS, b"");
            assert_eq!(e.kind(), kind, "{status}");
            assert_eq!(kind.is_transient(), matches!(status, 408 | 429 | 500..), "{status}");
        }
    }

    #[test]
    fn each_kind_reads_as_what_it_means() {
        let said = |status: u16, message: &str| {
            let body = format!(r#"{{"error":{{"code":"x","message":"{message}"}}}}"#);
            let status = StatusCode::from_u16(status).unwrap();
            error_from(status, paths::REPORTS, body.as_bytes()).to_string()
        };
        assert_eq!(
            said(401, "bad token"),
            "the token is missing or was refused (HTTP 401): bad token"
        );
        assert_eq!(
            said(403, "read only"),
            "this token may not read /api/v1/reports (HTTP 403): read only"
        );
        assert_eq!(said(404, "report 9 not found"), "not found (HTTP 404): report 9 not found");
        assert_eq!(said(422, "limit too big"), "refused as invalid (HTTP 422): limit too big");
        assert_eq!(said(429, ""), "rate limited; try again shortly (HTTP 429)");
        let gone = ApiError::Unavailable { path: paths::KPIS.into() };
        assert_eq!(gone.kind(), ErrorKind::NotFound);
        assert_eq!(gone.to_string(), "/api/v1/kpis is not available on this backend (HTTP 404)");
    }

    /// A backend that answers every request with a bare 404.
    async fn answering_404() -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
                let _ = sock.write_all(answer.as_bytes()).await;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn a_404_from_an_endpoint_means_unavailable_and_from_an_id_means_unknown() {
        // Err: a provider is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let api = ApiClient::new(&answering_404().await, None, Duration::from_secs(5), None)
            .expect("client");
        let e = api.kpis().await.expect_err("404");
        assert!(matches!(&e, ApiError::Unavailable { path } if path == paths::KPIS), "{e:?}");
        assert!(e.to_string().contains("not available on this backend"), "{e}");
        let e = api.feedback_stats(&crate::protocol::Id::from(7)).await.expect_err("404");
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.to_string(), "not found (HTTP 404)");
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
