//! The REST client: one typed method per endpoint of the contract, errors
//! phrased for the user. The token goes in a default header and is never
//! logged or shown.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, RETRY_AFTER};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;

use crate::protocol::{
    AlertList, BackfillList, CandleBody, CandleSeries, IDEMPOTENCY_HEADER, InsightList, Interval,
    KpiList, MonitoringHistoryBody, ReportList, SampleSeries, SystemStatus, USER_HEADER, paths,
};
use crate::token::Token;

mod claims;
mod error;

use error::error_from;
pub use error::{ApiError, ErrorKind};

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
        let http = crate::http::client(token, timeout, tls).map_err(ApiError::Setup)?;
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

    /// The newest `limit` candles of `symbol` (§1a). A 404 is either an
    /// unknown symbol or a backend without the endpoint; the answer tells
    /// which (see [`candles_404`]), and the latter is
    /// [`ApiError::Unavailable`].
    pub async fn candles(
        &self,
        symbol: &str,
        interval: Interval,
        limit: u32,
    ) -> Result<CandleSeries, ApiError> {
        let path = paths::candles(symbol);
        let query = [("interval", interval.as_str().to_owned()), ("limit", limit.to_string())];
        match self.get_item::<CandleBody>(&path, &query).await {
            Ok(body) => Ok(body.validate()),
            Err(e) => Err(candles_404(e, symbol)),
        }
    }

    /// Alerts with their state (§3b), newest first: the active ones, or
    /// with `all` the resolved ones too.
    pub async fn alerts(&self, all: bool, limit: u32) -> Result<AlertList, ApiError> {
        let state = if all { "all" } else { "active" };
        self.get(paths::ALERTS, &[("state", state.to_owned()), ("limit", limit.to_string())]).await
    }

    /// Monitoring samples over the last `minutes` (§3a).
    pub async fn monitoring_history(&self, minutes: u32) -> Result<SampleSeries, ApiError> {
        self.get::<MonitoringHistoryBody>(paths::MONITORING_HISTORY, &[("minutes", minutes)])
            .await
            .map(MonitoringHistoryBody::validate)
    }
}

/// A 404 from the candles endpoint names the symbol when the symbol is what
/// is missing (the contract's error envelope saying so, by code or text);
/// any other 404 (a bare one, or "no such endpoint") is a backend that does
/// not have §1a.
fn candles_404(e: ApiError, symbol: &str) -> ApiError {
    match &e {
        ApiError::Status { status, code, message, path } if *status == StatusCode::NOT_FOUND => {
            let (code, message) = (code.to_ascii_lowercase(), message.to_ascii_lowercase());
            let names_symbol = code.contains("symbol")
                || message.contains("symbol")
                || message.contains(&symbol.to_ascii_lowercase());
            if names_symbol { e } else { ApiError::Unavailable { path: path.clone() } }
        }
        _ => e,
    }
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

pub(crate) fn root_cause(e: &reqwest::Error) -> String {
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
mod tests;
