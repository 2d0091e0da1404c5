//! A venue's public REST API, for the detail chart's history: one GET per
//! candles request (`candles.rs` builds it and reads the answer). Errors
//! come back as [`ApiError`]s, so the chart treats a venue as it treats our
//! backend: a refused symbol is said on the chart, a venue that is down is
//! retried on the next look.

use std::sync::Arc;
use std::time::Duration;

use super::{PricesFormat, candle_request, decode_venue_candles, rest_base};
use crate::api::ApiError;
use crate::protocol::{CandleSeries, Interval};

#[derive(Debug, Clone)]
pub struct VenueClient {
    http: reqwest::Client,
    base: String,
    format: PricesFormat,
}

impl VenueClient {
    /// The client for the venue whose feed is at `ws_url`; `None` for our
    /// own contract (the backend's client serves it).
    pub fn new(
        format: PricesFormat,
        ws_url: &str,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Option<VenueClient>, String> {
        if !format.is_venue() {
            return Ok(None);
        }
        let base = rest_base(format, ws_url)
            .ok_or_else(|| format!("cannot tell the {format} REST API from {ws_url}"))?;
        let http = crate::http::client(None, timeout, tls)?;
        Ok(Some(VenueClient { http, base, format }))
    }

    pub fn format(&self) -> PricesFormat {
        self.format
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The newest `limit` candles of `symbol`, oldest first.
    pub async fn candles(
        &self,
        symbol: &str,
        interval: Interval,
        limit: u32,
    ) -> Result<CandleSeries, ApiError> {
        let req = candle_request(self.format, &self.base, symbol, interval, limit)
            .ok_or_else(|| ApiError::Setup(format!("{} has no candles", self.format)))?;
        let network = |e: reqwest::Error| ApiError::Network {
            url: req.url.clone(),
            reason: crate::api::root_cause(&e),
        };
        let resp = self.http.get(&req.url).query(&req.query).send().await.map_err(network)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(network)?;
        let decoded = decode_venue_candles(self.format, &body);
        if !status.is_success() {
            // The venue's own words when its error body says them.
            let message = match decoded {
                Err(e) => e.0,
                Ok(_) => status.canonical_reason().unwrap_or("error").to_owned(),
            };
            let path = format!("{} candles of {symbol}", self.format);
            return Err(ApiError::Status { status, code: String::new(), message, path });
        }
        let mut series =
            decoded.map_err(|e| ApiError::Decode { url: req.url.clone(), reason: e.0 })?;
        let extra = series.candles.len().saturating_sub(limit as usize);
        series.candles.drain(..extra);
        Ok(series)
    }
}
