//! The REST client against scripted and real servers on loopback.

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
    assert_eq!(said(401, "bad token"), "the token is missing or was refused (HTTP 401): bad token");
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
    let api =
        ApiClient::new(&answering_404().await, None, Duration::from_secs(5), None).expect("client");
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

/// A 1.0 backend: report 17 can be read, nothing else exists (no claims).
async fn without_claims() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let asked = String::from_utf8_lossy(&buf[..n]).into_owned();
            let answer = if asked.starts_with("GET /api/v1/reports/17 ") {
                let body = r#"{"id": 17, "validation_status": "pending"}"#;
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len())
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_owned()
            };
            let _ = sock.write_all(answer.as_bytes()).await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_claim_on_a_backend_without_claims_is_unavailable_not_an_unknown_report() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let api =
        ApiClient::new(&without_claims().await, None, Duration::from_secs(5), None).expect("api");
    let id = crate::protocol::Id::from(17);
    for e in [api.claim(&id).await, api.release(&id).await].map(|r| r.expect_err("404")) {
        assert!(
            matches!(&e, ApiError::Unavailable { path } if path.starts_with("/api/v1/reports/17/")),
            "{e:?}"
        );
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    let e = api.claim(&crate::protocol::Id::from(18)).await.expect_err("no report 18");
    assert!(
        matches!(&e, ApiError::Status { status, .. } if *status == StatusCode::NOT_FOUND),
        "{e:?}"
    );
    assert_eq!(e.to_string(), "not found (HTTP 404)");
    let e = api.claim(&crate::protocol::Id::from("..")).await.expect_err("not a path segment");
    assert_eq!(e.kind(), ErrorKind::Setup);
}

#[test]
fn a_conflict_on_a_claim_carries_the_report_as_it_stands() {
    let body = serde_json::json!({"error": {"code": "conflict",
        "message": "report 17 is claimed by ana until 14:20 UTC",
        "current": {"id": 17, "claimed_by": "ana", "claimed_at": 1705660245000i64}}});
    let e = error::report_conflict("/api/v1/reports/17/claim", body.to_string().as_bytes());
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(
        e.to_string(),
        "changed by someone else (HTTP 409): report 17 is claimed by ana until 14:20 UTC"
    );
    let ApiError::Conflict { current: Some(current), .. } = e else { panic!("{e:?}") };
    assert_eq!(current.claimed_by.as_deref(), Some("ana"));
    // No envelope, or a `current` that is not a Report: still a conflict.
    let bare = error::report_conflict("/api/v1/reports/17/claim", b"<html>busy</html>");
    assert!(
        matches!(&bare, ApiError::Conflict { current: None, message, .. } if message == "Conflict")
    );
    let odd = serde_json::json!({"error": {"code": "conflict", "message": "", "current": "ana"}});
    let odd = error::report_conflict("/x", odd.to_string().as_bytes());
    assert!(
        matches!(&odd, ApiError::Conflict { current: None, message, .. } if message == "Conflict")
    );
}
