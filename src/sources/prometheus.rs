//! The Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) and the
//! service cards read from its `up` and `scrape_duration_seconds` series.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::{Http, SourceError};
use crate::protocol::{Health, Service, Timestamp};
use crate::sanitize::clean;
use crate::token::Token;

const QUERY: &str = "/api/v1/query";
const QUERY_RANGE: &str = "/api/v1/query_range";

/// The services: one `up` sample per target, labelled with its job.
const UP: &str = "up";
/// The average scrape time of each job's targets, in seconds.
const SCRAPE_DURATION: &str = "avg by (job) (scrape_duration_seconds)";

/// A client for one Prometheus server.
#[derive(Debug, Clone)]
pub struct Prometheus {
    http: Http,
}

/// One value of an instant query: a series' labels (cleaned) and its value
/// at `at`. A scalar result is one sample without labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub at: Timestamp,
    pub value: f64,
}

/// One series of a range query, oldest point first.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(Timestamp, f64)>,
}

impl Prometheus {
    /// A client for the Prometheus at `base` (e.g. `http://127.0.0.1:9090`,
    /// or with a path prefix behind a proxy). `token`, when given, goes in
    /// an `Authorization: Bearer` header; `tls` is the TLS setup for https.
    pub fn new(
        base: &str,
        token: Option<&Token>,
        timeout: Duration,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Result<Self, SourceError> {
        Ok(Prometheus { http: Http::new(base, token, timeout, tls)? })
    }

    /// The base URL without credentials, for messages.
    pub fn base(&self) -> &str {
        &self.http.shown
    }

    /// Evaluate `promql` now. A vector gives one sample per series, a
    /// scalar one sample without labels; non-finite values are left out.
    pub async fn query(&self, promql: &str) -> Result<Vec<Sample>, SourceError> {
        let req = self.http.get(QUERY).query(&[("query", promql)]);
        match self.data(QUERY, req).await? {
            Data::Vector(items) => Ok(items.into_iter().filter_map(VectorItem::sample).collect()),
            Data::Scalar(point) => Ok(sample(BTreeMap::new(), &point).into_iter().collect()),
            other => Err(self.unexpected(QUERY, "an instant vector or a scalar", &other)),
        }
    }

    /// Evaluate `promql` from `start` to `end` every `step`: one series per
    /// label set, points oldest first, non-finite values left out.
    pub async fn query_range(
        &self,
        promql: &str,
        start: Timestamp,
        end: Timestamp,
        step: Duration,
    ) -> Result<Vec<RangeSeries>, SourceError> {
        let params = [
            ("query", promql.to_owned()),
            ("start", seconds(start)),
            ("end", seconds(end)),
            ("step", step.as_secs_f64().to_string()),
        ];
        let req = self.http.get(QUERY_RANGE).query(&params);
        match self.data(QUERY_RANGE, req).await? {
            Data::Matrix(items) => Ok(items.into_iter().map(MatrixItem::series).collect()),
            other => Err(self.unexpected(QUERY_RANGE, "a range vector", &other)),
        }
    }

    /// One card per scrape job, sorted by name: see [`services_from`].
    pub async fn services(&self) -> Result<Vec<Service>, SourceError> {
        let (up, durations) = tokio::try_join!(self.query(UP), self.query(SCRAPE_DURATION))?;
        Ok(services_from(&up, &durations))
    }

    /// The `data` of a successful answer.
    async fn data(&self, path: &str, req: reqwest::RequestBuilder) -> Result<Data, SourceError> {
        let body: Envelope = self.http.json(path, req).await?;
        match body {
            Envelope { status, data: Some(data), .. } if status == "success" => Ok(data),
            Envelope { error, .. } => Err(SourceError::Decode {
                url: self.http.shown(path),
                reason: clean(error.as_deref().unwrap_or("the answer has no data")),
            }),
        }
    }

    fn unexpected(&self, path: &str, wanted: &str, got: &Data) -> SourceError {
        let got = match got {
            Data::Vector(_) => "an instant vector",
            Data::Matrix(_) => "a range vector",
            Data::Scalar(_) => "a scalar",
            Data::String(_) => "a string",
        };
        SourceError::Decode {
            url: self.http.shown(path),
            reason: format!("the query gave {got}, not {wanted}"),
        }
    }
}

/// Service cards from `up` (one sample per target) and the average scrape
/// duration by job: all targets of a job up → Healthy, some → Degraded,
/// none → Down; `latency_ms` the job's average scrape time (0 when
/// unknown); `uptime_pct` the share of its targets up; `checked_at` the
/// newest sample time. Samples without a `job` label are left out.
pub(crate) fn services_from(up: &[Sample], durations: &[Sample]) -> Vec<Service> {
    #[derive(Default)]
    struct Job {
        targets: u32,
        up: u32,
        at: Timestamp,
    }
    let mut jobs: BTreeMap<&str, Job> = BTreeMap::new();
    for s in up {
        let Some(name) = s.labels.get("job") else { continue };
        let job = jobs.entry(name).or_default();
        job.targets += 1;
        job.up += u32::from(s.value >= 1.0);
        job.at = job.at.max(s.at);
    }
    jobs.into_iter()
        .map(|(name, job)| {
            let status = match job.up {
                0 => Health::Down,
                n if n == job.targets => Health::Healthy,
                _ => Health::Degraded,
            };
            let latency = durations.iter().find(|d| d.labels.get("job").is_some_and(|j| j == name));
            Service {
                name: name.to_owned(),
                status,
                latency_ms: latency.map_or(0.0, |d| d.value * 1000.0),
                uptime_pct: f64::from(job.up) / f64::from(job.targets) * 100.0,
                message: Some(format!("{}/{} targets up", job.up, job.targets)),
                checked_at: Some(job.at),
            }
        })
        .collect()
}

/// A time as Prometheus takes it in a query: seconds with a fraction.
fn seconds(t: Timestamp) -> String {
    format!("{}.{:03}", t.0.div_euclid(1000), t.0.rem_euclid(1000))
}

/// `{"status": "success", "data": ...}`, or the error envelope (which a
/// non-2xx answer carries; see [`super::error`]).
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<VectorItem>),
    Matrix(Vec<MatrixItem>),
    Scalar(Point),
    String(serde::de::IgnoredAny),
}

/// `[<unix seconds>, "<value>"]`: values come as text ("1", "NaN", "+Inf").
type Point = (f64, String);

#[derive(Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: Point,
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Point>,
}

impl VectorItem {
    fn sample(self) -> Option<Sample> {
        sample(cleaned(&self.metric), &self.value)
    }
}

impl MatrixItem {
    fn series(self) -> RangeSeries {
        let mut points: Vec<(Timestamp, f64)> = self.values.iter().filter_map(point).collect();
        points.sort_by_key(|p| p.0);
        RangeSeries { labels: cleaned(&self.metric), points }
    }
}

fn sample(labels: BTreeMap<String, String>, p: &Point) -> Option<Sample> {
    point(p).map(|(at, value)| Sample { labels, at, value })
}

/// A point with a finite value, else `None`.
fn point((secs, value): &Point) -> Option<(Timestamp, f64)> {
    let value: f64 = value.trim().parse().ok()?;
    (value.is_finite() && secs.is_finite())
        .then(|| (Timestamp::from_millis((secs * 1000.0).round() as i64), value))
}

fn cleaned(labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels.iter().map(|(k, v)| (clean(k), clean(v))).collect()
}

#[cfg(test)]
#[path = "prometheus_tests.rs"]
mod tests;
