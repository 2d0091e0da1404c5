//! The REST client: one typed method per endpoint of the contract, errors
//! phrased for the user. The token goes in a default header and is never
//! logged or shown.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::protocol::{
    BackfillList, ErrorBody, InsightList, KpiList, ReportList, SystemStatus, paths,
};

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
    http: Client,
}

/// Query for the report queue.
#[derive(Debug, Clone, Default, serde::Serialize)]
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

impl ApiClient {
    pub fn new(base: &str, token: Option<&str>, timeout: Duration) -> Result<Self, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(t) = token {
            let mut v = HeaderValue::from_str(&format!("Bearer {t}"))
                .map_err(|_| ApiError::Setup("the token is not a valid header value".into()))?;
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
        }
        let http = Client::builder()
            .default_headers(headers)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("meridian/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Setup(e.to_string()))?;
        Ok(ApiClient { base: base.trim_end_matches('/').to_owned(), http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let url = format!("{}{}", self.base, path);
        let resp = self
            .http
            .get(&url)
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

    pub async fn insights(&self, limit: u32, offset: u32) -> Result<InsightList, ApiError> {
        self.get(paths::INSIGHTS, &[("limit", limit), ("offset", offset)]).await
    }

    pub async fn reports(&self, q: &ReportQuery) -> Result<ReportList, ApiError> {
        self.get(paths::REPORTS, q).await
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

fn root_cause(e: &reqwest::Error) -> String {
    let mut src: &dyn std::error::Error = e;
    while let Some(next) = src.source() {
        src = next;
    }
    if e.is_timeout() { "timed out".into() } else { src.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
