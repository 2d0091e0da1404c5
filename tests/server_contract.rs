//! The reference server against the wire contract (`docs/protocol.md`):
//! started in-process on a loopback port 0, used through real HTTP and
//! WebSocket clients, shut down by its handle.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{Server, error_code, key, next_frame};
use meridian::protocol::{self, FeedbackStats, Report, ReportList, ValidationStatus};
use meridian::server::ServeArgs;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::test]
async fn monitoring_insight_and_kpi_endpoints_answer_contract_shapes() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (st, v) = s.get(protocol::paths::STATUS).await;
    assert_eq!(st, StatusCode::OK);
    let status: protocol::SystemStatus = serde_json::from_value(v).unwrap();
    assert!(status.services.len() >= 5);

    let (_, v) = s.get(protocol::paths::BACKFILL).await;
    let jobs: protocol::BackfillList = serde_json::from_value(v).unwrap();
    assert!(jobs.jobs.len() >= 5);

    let (_, v) = s.get(protocol::paths::SIGNALS).await;
    assert!(!serde_json::from_value::<protocol::SignalMetrics>(v).unwrap().metrics.is_empty());

    let (_, v) = s.get(protocol::paths::INSIGHT_METRICS).await;
    let m: protocol::InsightMetrics = serde_json::from_value(v).unwrap();
    assert!(m.total >= 30 && m.avg_confidence > 0.0);

    let (_, v) = s.get("/api/v1/insights?limit=10&offset=5").await;
    let list: protocol::InsightList = serde_json::from_value(v).unwrap();
    assert_eq!(list.insights.len(), 10);
    assert!(list.total >= 30);

    let (_, v) = s.get(protocol::paths::KPIS).await;
    let kpis: protocol::KpiList = serde_json::from_value(v).unwrap();
    assert_eq!(kpis.kpis.len(), 6);
    assert!(kpis.kpis.iter().all(|k| k.history.len() >= 25 && k.target.value > 0.0));

    let (st, v) = s.get("/api/v1/no/such/thing").await;
    assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, v) = s.post(protocol::paths::KPIS, &key(), json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    s.stop().await;
}

#[tokio::test]
async fn reports_list_filters_pages_and_analytics() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (_, v) = s.get("/api/v1/reports?limit=20").await;
    let all: ReportList = serde_json::from_value(v).unwrap();
    assert!(all.total >= 50 && all.has_more && all.reports.len() == 20);
    // Pending first, then newest report date first.
    let pending: Vec<_> = all
        .reports
        .iter()
        .take_while(|r| r.validation_status == ValidationStatus::Pending)
        .collect();
    assert!(!pending.is_empty());
    assert!(pending.windows(2).all(|w| w[0].report_date >= w[1].report_date));

    let (_, v) = s.get(&format!("/api/v1/reports?limit=500&offset={}", all.total - 3)).await;
    let tail: ReportList = serde_json::from_value(v).unwrap();
    assert_eq!((tail.reports.len(), tail.has_more), (3, false));

    let (_, v) = s.get("/api/v1/reports?status=approved&limit=100").await;
    let approved: ReportList = serde_json::from_value(v).unwrap();
    assert!(approved.total > 0);
    assert!(approved.reports.iter().all(|r| r.validation_status == ValidationStatus::Approved));

    let one = &all.reports[0];
    let (from, to) = (&one.report_date, &one.report_date);
    let q = format!("/api/v1/reports?account={}&from={from}&to={to}", one.account_number);
    let (_, v) = s.get(&q).await;
    let narrow: ReportList = serde_json::from_value(v).unwrap();
    assert!(narrow.reports.iter().any(|r| r.id == one.id));
    assert!(
        narrow
            .reports
            .iter()
            .all(|r| r.account_number == one.account_number && &r.report_date == from)
    );

    let (st, v) = s.get(&format!("/api/v1/reports/{}", one.id)).await;
    assert_eq!(st, StatusCode::OK);
    let fetched: Report = serde_json::from_value(v).unwrap();
    assert_eq!(fetched.id, one.id);
    assert!(!fetched.positions.is_empty() && fetched.account_totals.contains_key("equity"));
    assert!(fetched.risk_metrics.contains_key("var_95"));

    let (st, v) = s.get("/api/v1/reports/99999").await;
    assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, v) = s.get("/api/v1/reports?status=bogus").await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    let (st, _) = s.get("/api/v1/reports?limit=many").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, v) = s.get("/api/v1/reports/analytics?days=30").await;
    let a: protocol::ReportAnalytics = serde_json::from_value(v).unwrap();
    assert!(a.summary.total_reports > 0 && a.summary.unique_accounts >= 2);
    assert!(a.summary.pending_count > 0 && a.summary.approval_rate > 0.0);
    assert!(a.performance.max_processing_time >= a.performance.min_processing_time);
    assert!(!a.trends.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn decisions_are_applied_exactly_once_per_key_and_conflict_after() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let report = s.first_pending().await;
    let path = format!("/api/v1/reports/{}/approve", report.id);
    let k = key();
    let (st1, first) = s.post(&path, &k, json!({"notes": "checked"})).await;
    let (st2, again) = s.post(&path, &k, json!({"notes": "checked"})).await;
    assert_eq!((st1, st2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first, again);
    let decided: Report = serde_json::from_value(first).unwrap();
    assert_eq!(decided.validation_status, ValidationStatus::Approved);
    assert_eq!(decided.approved_by.as_deref(), Some("console"));
    assert_eq!(decided.notes.as_deref(), Some("checked"));

    let (_, applied) = s.get("/api/v1/_debug/applied").await;
    assert_eq!(applied["applied"][&k], 1);

    // A different key is a new action: the report is no longer pending.
    let reject = format!("/api/v1/reports/{}/reject", report.id);
    let (st, v) = s.post(&reject, &key(), json!({"reason": "late"})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::CONFLICT, "conflict"));
    let current: Report = serde_json::from_value(v["error"]["current"].clone()).unwrap();
    assert_eq!(current.validation_status, ValidationStatus::Approved);

    // Reviewer name from the header; reject and flag need a reason.
    let other = s.first_pending().await;
    let flag = format!("/api/v1/reports/{}/flag", other.id);
    let (st, v) = s.post(&flag, &key(), json!({"reason": "  "})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    let resp = s
        .http
        .post(s.url(&flag))
        .header(protocol::IDEMPOTENCY_HEADER, key())
        .header(protocol::USER_HEADER, "r.ahmed")
        .json(&json!({"reason": "leverage above limit"}))
        .send()
        .await
        .unwrap();
    let flagged: Report = resp.json().await.unwrap();
    assert_eq!(flagged.validation_status, ValidationStatus::Flagged);
    assert_eq!(flagged.approved_by.as_deref(), Some("r.ahmed"));

    let (st, v) = s.post("/api/v1/reports/424242/approve", &key(), json!({})).await;
    assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    s.stop().await;
}

#[tokio::test]
async fn feedback_posts_answer_stats_and_reject_invalid_input() {
    let s = Server::start(ServeArgs::for_tests()).await;
    let (st, v) =
        s.post(protocol::paths::FEEDBACK_RATE, &key(), json!({"insight_id": 3, "rating": 4})).await;
    assert_eq!(st, StatusCode::OK);
    let stats: FeedbackStats = serde_json::from_value(v).unwrap();
    assert_eq!((stats.rating_count, stats.distribution["4"]), (1, 1));
    let body = json!({"insight_id": "3", "comment": "useful, thanks"});
    let (_, v) = s.post(protocol::paths::FEEDBACK_COMMENT, &key(), body).await;
    assert_eq!(serde_json::from_value::<FeedbackStats>(v).unwrap().comment_count, 1);
    let body = json!({"insight_id": 3, "reason": "stale data"});
    let (_, v) = s.post(protocol::paths::FEEDBACK_FLAG, &key(), body).await;
    assert_eq!(serde_json::from_value::<FeedbackStats>(v).unwrap().flag_count, 1);
    let (_, v) = s.get("/api/v1/feedback/stats?insight_id=3").await;
    let stats: FeedbackStats = serde_json::from_value(v).unwrap();
    assert_eq!((stats.avg_rating, stats.comment_count, stats.flag_count), (4.0, 1, 1));

    for bad in [
        json!({"insight_id": 3, "rating": 0}),
        json!({"insight_id": 3, "rating": 6}),
        json!({"insight_id": 3}),
        json!({"rating": 3}),
    ] {
        let (st, v) = s.post(protocol::paths::FEEDBACK_RATE, &key(), bad).await;
        assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    }
    let (st, v) = s
        .post(protocol::paths::FEEDBACK_COMMENT, &key(), json!({"insight_id": 3, "comment": ""}))
        .await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
    // Malformed JSON gets the envelope, not axum's plain-text rejection.
    let resp = s
        .http
        .post(s.url(protocol::paths::FEEDBACK_RATE))
        .header(protocol::IDEMPOTENCY_HEADER, key())
        .header("content-type", "application/json")
        .body("{\"insight_id\": 3, \"rating\":")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&v), "invalid_input");
    let (st, v) = s
        .post(protocol::paths::FEEDBACK_RATE, &key(), json!({"insight_id": 9999, "rating": 2}))
        .await;
    assert_eq!((st, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    s.stop().await;
}

#[tokio::test]
async fn tokens_guard_requests_and_handshakes() {
    let args = ServeArgs {
        token: Some("s3cret".into()),
        read_only_token: Some("look".into()),
        ..ServeArgs::for_tests()
    };
    let s = Server::start(args).await;
    let (st, v) = s.get(protocol::paths::KPIS).await;
    assert_eq!((st, error_code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let resp = s.http.get(s.url(protocol::paths::KPIS)).bearer_auth("nope").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = s.http.get(s.url(protocol::paths::KPIS)).bearer_auth("s3cret").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    match tokio_tungstenite::connect_async(s.ws_url(protocol::paths::WS_PRICES)).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 401),
        other => panic!("handshake without token: {:?}", other.map(|_| ())),
    }
    let mut req = s.ws_url(protocol::paths::WS_MONITORING).into_client_request().unwrap();
    req.headers_mut().insert("authorization", "Bearer s3cret".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    next_frame(&mut ws).await;

    // The read-only token reads but may not act.
    let resp =
        s.http.get(s.url(protocol::paths::INSIGHTS)).bearer_auth("look").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = s
        .http
        .post(s.url(protocol::paths::FEEDBACK_RATE))
        .bearer_auth("look")
        .header(protocol::IDEMPOTENCY_HEADER, key())
        .json(&json!({"insight_id": 1, "rating": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&v), "forbidden");
    s.stop().await;
}

#[tokio::test]
async fn decisions_and_feedback_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let args = ServeArgs { db: Some(dir.path().join("m.db")), ..ServeArgs::for_tests() };
    let s = Server::start(args.clone()).await;
    let (_, v) = s.get("/api/v1/reports?limit=1").await;
    let total = serde_json::from_value::<ReportList>(v).unwrap().total;
    let report = s.first_pending().await;
    let k = key();
    let path = format!("/api/v1/reports/{}/reject", report.id);
    let (st, first) = s.post(&path, &k, json!({"reason": "totals do not reconcile"})).await;
    assert_eq!(st, StatusCode::OK);
    s.post(protocol::paths::FEEDBACK_RATE, &key(), json!({"insight_id": 7, "rating": 2})).await;
    s.stop().await;

    let s = Server::start(args).await;
    let (_, v) = s.get(&format!("/api/v1/reports/{}", report.id)).await;
    let again: Report = serde_json::from_value(v).unwrap();
    assert_eq!(again.validation_status, ValidationStatus::Rejected);
    assert_eq!(again.notes.as_deref(), Some("totals do not reconcile"));
    let (_, v) = s.get("/api/v1/feedback/stats?insight_id=7").await;
    assert_eq!(serde_json::from_value::<FeedbackStats>(v).unwrap().rating_count, 1);
    let (_, v) = s.get("/api/v1/reports?limit=1").await;
    assert_eq!(
        serde_json::from_value::<ReportList>(v).unwrap().total,
        total,
        "demo data duplicated"
    );
    let (_, v) = s.get(protocol::paths::KPIS).await;
    assert_eq!(v["kpis"].as_array().unwrap().len(), 6);
    // The idempotency store persists too: the key replays its first answer.
    let (st, replay) = s.post(&path, &k, json!({"reason": "totals do not reconcile"})).await;
    assert_eq!((st, replay), (StatusCode::OK, first));
    s.stop().await;
}
