#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use serde_json::json;

use super::*;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn up(job: &str, instance: &str, value: f64) -> Sample {
    Sample {
        labels: labels(&[("__name__", "up"), ("job", job), ("instance", instance)]),
        at: Timestamp::from_millis(1_000_000),
        value,
    }
}

fn duration(job: &str, secs: f64) -> Sample {
    Sample { labels: labels(&[("job", job)]), at: Timestamp::from_millis(1_000_000), value: secs }
}

fn data(v: &serde_json::Value) -> Data {
    let env: Envelope = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(env.status, "success");
    env.data.unwrap()
}

#[test]
fn a_vector_gives_cleaned_finite_samples() {
    let v = json!({"status": "success", "warnings": ["new field"], "data": {
    "resultType": "vector", "extra": 1, "result": [
        {"metric": {"job": "api\u{1b}[31m", "instance": "a\nb"}, "value": [1700000000.5, "1"]},
        {"metric": {"job": "nan"}, "value": [1700000000.5, "NaN"]},
        {"metric": {"job": "inf"}, "value": [1700000000.5, "+Inf"]},
        {"metric": {"job": "ninf"}, "value": [1700000000.5, "-Inf"]},
        {"value": [1700000000.25, "0.25"], "histogram": null}
    ]}});
    let Data::Vector(items) = data(&v) else { panic!("not a vector") };
    let samples: Vec<Sample> = items.into_iter().filter_map(VectorItem::sample).collect();
    assert_eq!(samples.len(), 2, "{samples:?}");
    assert_eq!(samples[0].labels, labels(&[("instance", "a b"), ("job", "api")]));
    assert_eq!(samples[0].at, Timestamp::from_millis(1_700_000_000_500));
    assert!((samples[0].value - 1.0).abs() < f64::EPSILON);
    assert!(samples[1].labels.is_empty());
    assert!((samples[1].value - 0.25).abs() < f64::EPSILON);
}

#[test]
fn a_scalar_and_a_matrix_decode() {
    let v = json!({"status": "success", "data": {"resultType": "scalar", "result": [1.5, "42"]}});
    let Data::Scalar(p) = data(&v) else { panic!("not a scalar") };
    let s = sample(BTreeMap::new(), &p).unwrap();
    assert_eq!((s.at, s.value), (Timestamp::from_millis(1500), 42.0));

    let v = json!({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"job": "p"}, "values": [[12.0, "2"], [10.0, "1"], [11.0, "NaN"]]}
    ]}});
    let Data::Matrix(items) = data(&v) else { panic!("not a matrix") };
    let series: Vec<RangeSeries> = items.into_iter().map(MatrixItem::series).collect();
    assert_eq!(series[0].labels, labels(&[("job", "p")]));
    let at = |s: i64| Timestamp::from_millis(s * 1000);
    assert_eq!(series[0].points, vec![(at(10), 1.0), (at(12), 2.0)]);
}

#[test]
fn an_unknown_result_type_is_a_decode_error() {
    let v = json!({"status": "success", "data": {"resultType": "blob", "result": []}});
    assert!(serde_json::from_value::<Envelope>(v).is_err());
}

#[test]
fn query_times_are_seconds_with_a_fraction() {
    assert_eq!(seconds(Timestamp::from_millis(1_700_000_000_123)), "1700000000.123");
    assert_eq!(seconds(Timestamp::from_millis(5)), "0.005");
}

#[test]
fn every_target_up_is_healthy_with_its_scrape_time() {
    let cards = services_from(
        &[up("api", "a:1", 1.0), up("api", "a:2", 1.0), up("db", "d:1", 1.0)],
        &[duration("api", 0.012), duration("db", 0.5)],
    );
    let names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["api", "db"]);
    let api = &cards[0];
    assert_eq!(api.status, Health::Healthy);
    assert!((api.latency_ms - 12.0).abs() < 1e-9, "{}", api.latency_ms);
    assert!((api.uptime_pct - 100.0).abs() < 1e-9);
    assert_eq!(api.message.as_deref(), Some("2/2 targets up"));
    assert_eq!(api.checked_at, Some(Timestamp::from_millis(1_000_000)));
    assert!((cards[1].latency_ms - 500.0).abs() < 1e-9);
}

#[test]
fn some_targets_down_is_degraded() {
    let cards = services_from(
        &[up("api", "a:1", 1.0), up("api", "a:2", 0.0), up("api", "a:3", 1.0)],
        &[duration("api", 0.01)],
    );
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].status, Health::Degraded);
    assert_eq!(cards[0].message.as_deref(), Some("2/3 targets up"));
    assert!((cards[0].uptime_pct - 200.0 / 3.0).abs() < 1e-9);
}

#[test]
fn no_target_up_is_down() {
    let cards = services_from(&[up("gone", "g:1", 0.0)], &[duration("gone", 0.001)]);
    assert_eq!(cards[0].status, Health::Down);
    assert_eq!(cards[0].message.as_deref(), Some("0/1 targets up"));
    assert!(cards[0].uptime_pct.abs() < 1e-9);
}

#[test]
fn a_missing_scrape_duration_is_zero_latency_and_no_job_is_no_card() {
    let mut orphan = up("x", "x:1", 1.0);
    orphan.labels.remove("job");
    let cards = services_from(&[up("api", "a:1", 1.0), orphan], &[duration("other", 3.0)]);
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].status, Health::Healthy);
    assert!(cards[0].latency_ms.abs() < f64::EPSILON);
    assert!(services_from(&[], &[]).is_empty());
}
