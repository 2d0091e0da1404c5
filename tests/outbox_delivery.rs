//! The outbox against the reference server (and a scripted one) on
//! loopback: delivery after an outage, after a restart, retries with one
//! key, and the final answers 409, 403 and 422.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Server;
use meridian::feeds::Backoff;
use meridian::outbox::{
    Action, Answer, Item, ItemStatus, Outbox, OutboxEvent, SenderConfig, SenderHandle, spawn_sender,
};
use meridian::protocol::{FeedbackStats, Id, Report, Timestamp, ValidationStatus};
use meridian::server::ServeArgs;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(20);

fn config(base_url: String, token: Option<&str>) -> SenderConfig {
    SenderConfig {
        alertmanager: None,
        base_url,
        token: token.and_then(meridian::token::Token::new),
        tls: None,
        timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(400) },
        user: Some("alex".into()),
    }
}

fn sender(outbox: &Outbox, cfg: SenderConfig) -> (SenderHandle, mpsc::Receiver<OutboxEvent>) {
    let (tx, rx) = mpsc::channel(256);
    (spawn_sender(outbox.clone(), cfg, tx).unwrap(), rx)
}

/// Events until `pick` returns something (bounded: a liveness check).
async fn wait_for<T>(
    rx: &mut mpsc::Receiver<OutboxEvent>,
    what: &str,
    mut pick: impl FnMut(OutboxEvent) -> Option<T>,
) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ev = tokio::time::timeout(left, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .expect("sender alive");
        if let Some(t) = pick(ev) {
            return t;
        }
    }
}

async fn delivered(rx: &mut mpsc::Receiver<OutboxEvent>, id: i64) -> (Item, Option<Answer>) {
    wait_for(rx, "delivery", |ev| match ev {
        OutboxEvent::Delivered { item, answer } if item.id == id => Some((item, answer)),
        _ => None,
    })
    .await
}

fn report_in(answer: Option<Answer>) -> Report {
    match answer {
        Some(Answer::Report(r)) => *r,
        other => panic!("not a report: {other:?}"),
    }
}

fn find(outbox: &Outbox, id: i64) -> Option<Item> {
    outbox.items().unwrap().into_iter().find(|i| i.id == id)
}

async fn applied(server: &Server) -> Value {
    server.get("/api/v1/_debug/applied").await.1["applied"].clone()
}

async fn first_insight(server: &Server) -> (Id, u64) {
    let (_, v) = server.get("/api/v1/insights?limit=1").await;
    let id: Id = serde_json::from_value(v["insights"][0]["id"].clone()).unwrap();
    let stats: FeedbackStats = serde_json::from_value(
        server.get(&format!("/api/v1/feedback/stats?insight_id={id}")).await.1,
    )
    .unwrap();
    (id, stats.rating_count)
}

fn serve_on(addr: std::net::SocketAddr, db: &Path) -> ServeArgs {
    ServeArgs { listen: addr, db: Some(db.to_path_buf()), ..ServeArgs::for_tests() }
}

#[tokio::test]
async fn actions_queued_while_the_server_is_down_are_delivered_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = Server::start(serve_on("127.0.0.1:0".parse().unwrap(), &db)).await;
    let addr = server.handle.addr();
    let report = server.first_pending().await.id;
    let (insight, ratings_before) = first_insight(&server).await;
    server.stop().await;

    let outbox = Outbox::open(&dir.path().join("console/outbox.db")).unwrap();
    let approve = outbox.enqueue(Action::Approve { report: report.clone(), notes: None }).unwrap();
    let rate = outbox.enqueue(Action::Rate { insight: insight.clone(), rating: 5 }).unwrap();
    let (handle, mut rx) = sender(&outbox, config(format!("http://{addr}"), None));
    wait_for(&mut rx, "a failed attempt", |ev| match ev {
        OutboxEvent::Changed(items) => items
            .iter()
            .any(|i| i.id == approve.id && i.attempts > 0 && i.last_error.is_some())
            .then_some(()),
        _ => None,
    })
    .await;
    assert_eq!(find(&outbox, approve.id).unwrap().status, ItemStatus::Pending);

    let server = Server::start(serve_on(addr, &db)).await;
    let (a, answer) = delivered(&mut rx, approve.id).await;
    assert_eq!(a.status, ItemStatus::Delivered);
    assert_eq!(a.key, approve.key);
    assert_eq!(report_in(answer).id, report);
    let (r, answer) = delivered(&mut rx, rate.id).await;
    assert_eq!(r.key, rate.key);
    let Some(Answer::Stats(stats)) = answer else { panic!("stats: {answer:?}") };
    assert_eq!(stats.insight_id, insight);

    let applied = applied(&server).await;
    assert_eq!(applied[&approve.key], 1, "{applied}");
    assert_eq!(applied[&rate.key], 1, "{applied}");
    let (_, v) = server.get(&format!("/api/v1/reports/{report}")).await;
    let now: Report = serde_json::from_value(v).unwrap();
    assert_eq!(now.validation_status, ValidationStatus::Approved);
    assert_eq!(now.approved_by.as_deref(), Some("alex"), "the X-User header names the reviewer");
    let (_, ratings_after) = first_insight(&server).await;
    assert_eq!(ratings_after, ratings_before + 1);
    assert_eq!(outbox.pending_count().unwrap(), 0);
    handle.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn an_action_queued_before_a_kill_is_delivered_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(ServeArgs::for_tests()).await;
    let report = server.first_pending().await.id;
    let path = dir.path().join("outbox.db");
    let queued = {
        let outbox = Outbox::open(&path).unwrap();
        outbox.enqueue(Action::Reject { report: report.clone(), reason: "dup".into() }).unwrap()
        // Dropped without a sender, as if the console were killed here.
    };

    let outbox = Outbox::open(&path).unwrap();
    assert_eq!(outbox.pending_count().unwrap(), 1);
    let (handle, mut rx) = sender(&outbox, config(server.handle.base_url(), None));
    let (item, answer) = delivered(&mut rx, queued.id).await;
    assert_eq!(item.key, queued.key);
    assert_eq!(report_in(answer).validation_status, ValidationStatus::Rejected);
    let applied = applied(&server).await;
    assert_eq!(applied.as_object().unwrap().len(), 1, "{applied}");
    assert_eq!(applied[&queued.key], 1, "{applied}");
    handle.shutdown().await;
    server.stop().await;
}

/// Answers each request with the next of `script`, recording the
/// Idempotency-Key it carried and when it answered.
async fn scripted(script: Vec<&'static str>) -> (String, Arc<Mutex<Vec<(String, Timestamp)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys);
    tokio::spawn(async move {
        for answer in script {
            let (mut sock, _) = listener.accept().await.unwrap();
            let head = read_request(&mut sock).await;
            let key = head
                .lines()
                .find_map(|l| l.strip_prefix("idempotency-key:"))
                .map(|k| k.trim().to_owned())
                .unwrap_or_default();
            seen.lock().unwrap().push((key, Timestamp::now()));
            sock.write_all(answer.as_bytes()).await.unwrap();
            sock.shutdown().await.unwrap();
        }
    });
    (url, keys)
}

/// The request head, lowercased, after reading the whole body.
async fn read_request(sock: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = sock.read(&mut chunk).await.unwrap();
        assert!(n > 0, "client hung up mid-request");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            if buf.len() >= end + 4 + len {
                return text[..end].to_owned();
            }
        }
    }
}

#[tokio::test]
async fn retries_carry_the_same_key_and_honour_retry_after() {
    const BUSY: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
        content-length: 49\r\nconnection: close\r\n\r\n\
        {\"error\":{\"code\":\"unavailable\",\"message\":\"busy\"}}";
    const SLOW: &str = "HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\n\
        content-length: 0\r\nconnection: close\r\n\r\n";
    const OK: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
        content-length: 40\r\nconnection: close\r\n\r\n\
        {\"id\":17,\"validation_status\":\"approved\"}";
    let (url, keys) = scripted(vec![BUSY, SLOW, OK]).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
    let queued = outbox.enqueue(Action::Approve { report: Id::from(17), notes: None }).unwrap();
    let (handle, mut rx) = sender(&outbox, config(url, None));

    let after_429 = wait_for(&mut rx, "the attempt answered 429", |ev| match ev {
        OutboxEvent::Changed(items) => items.into_iter().find(|i| i.attempts == 2),
        _ => None,
    })
    .await;
    let (item, answer) = delivered(&mut rx, queued.id).await;
    assert_eq!(report_in(answer).validation_status, ValidationStatus::Approved);
    assert_eq!((item.status, item.attempts), (ItemStatus::Delivered, 3));
    let seen = keys.lock().unwrap().clone();
    let keys: Vec<&str> = seen.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, vec![queued.key.as_str(); 3]);
    // Scheduled no earlier than a second after the 429 was answered.
    assert_eq!(after_429.last_error.as_deref(), Some("HTTP 429: Too Many Requests"));
    let next = after_429.next_attempt_at.unwrap();
    assert!(next.0 >= seen[1].1.0 + 1000, "{next:?} vs {:?}", seen[1].1);
    handle.shutdown().await;
}

#[tokio::test]
async fn an_answer_that_cannot_be_decoded_is_delivered_counted_and_not_sent_again() {
    // 200 with a body that is not a Report (an HTML error page from a proxy).
    const PAGE: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\
        content-length: 14\r\nconnection: close\r\n\r\n<html>ok</html>";
    let (url, keys) = scripted(vec![PAGE, PAGE]).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
    let first = outbox.enqueue(Action::Approve { report: Id::from(17), notes: None }).unwrap();
    let second = outbox.enqueue(Action::Approve { report: Id::from(18), notes: None }).unwrap();
    let (handle, mut rx) = sender(&outbox, config(url, None));
    let mut counted = Vec::new();
    for queued in [&first, &second] {
        let (total, reason) = wait_for(&mut rx, "the count", |ev| match ev {
            OutboxEvent::Undecodable { total, reason } => Some((total, reason)),
            OutboxEvent::Delivered { item, .. } => panic!("{} delivered before counted", item.id),
            _ => None,
        })
        .await;
        assert!(reason.contains("not a Report"), "{reason}");
        counted.push(total);
        let (item, answer) = delivered(&mut rx, queued.id).await;
        assert_eq!((item.status, answer), (ItemStatus::Delivered, None));
    }
    assert_eq!(counted, vec![1, 2]);
    assert_eq!(keys.lock().unwrap().len(), 2, "each sent once");
    assert_eq!(outbox.pending_count().unwrap(), 0);
    handle.shutdown().await;
}

#[tokio::test]
async fn a_decision_someone_else_made_is_a_conflict_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(ServeArgs::for_tests()).await;
    let report = server.first_pending().await.id;
    let path = format!("/api/v1/reports/{report}/approve");
    let (status, _) = server.post(&path, &common::key(), json!({})).await;
    assert!(status.is_success());

    let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
    let queued = outbox.enqueue(Action::Approve { report: report.clone(), notes: None }).unwrap();
    let (handle, mut rx) = sender(&outbox, config(server.handle.base_url(), None));
    let (item, message, current) = wait_for(&mut rx, "a conflict", |ev| match ev {
        OutboxEvent::Conflict { item, message, current } => Some((item, message, current)),
        _ => None,
    })
    .await;
    let current = report_in(current);
    assert_eq!((current.id, current.validation_status), (report, ValidationStatus::Approved));
    assert_eq!((item.id, item.status, item.attempts), (queued.id, ItemStatus::Failed, 1));
    assert_eq!(item.last_error.as_deref(), Some(message.as_str()));
    assert_not_retried(&outbox, &handle, &mut rx, queued.id).await;
    handle.shutdown().await;
    server.stop().await;
}

/// Called right after the final event: the list that follows it, then two
/// wake-ups, each answered with the list. Had the item gone back to the
/// queue, the sender would have sent it before answering the second.
async fn assert_not_retried(
    outbox: &Outbox,
    handle: &SenderHandle,
    rx: &mut mpsc::Receiver<OutboxEvent>,
    id: i64,
) {
    let mut lists = 0;
    while lists < 3 {
        let items = wait_for(rx, "the list", |ev| match ev {
            OutboxEvent::Changed(items) => Some(items),
            other => panic!("unexpected event {other:?}"),
        })
        .await;
        let failed = items.iter().find(|i| i.id == id).unwrap();
        assert_eq!((failed.status, failed.attempts), (ItemStatus::Failed, 1));
        lists += 1;
        handle.wake();
    }
    assert_eq!(find(outbox, id).unwrap().attempts, 1);
}

#[tokio::test]
async fn a_read_only_token_is_forbidden_once() {
    let dir = tempfile::tempdir().unwrap();
    let args = ServeArgs { read_only_token: Some("look-only".into()), ..ServeArgs::for_tests() };
    let server = Server::start(args).await;
    let (insight, ratings_before) = first_insight(&server).await;
    let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
    let queued = outbox.enqueue(Action::Rate { insight, rating: 2 }).unwrap();
    let cfg = config(server.handle.base_url(), Some("look-only"));
    let (handle, mut rx) = sender(&outbox, cfg);
    let (item, message) = wait_for(&mut rx, "forbidden", |ev| match ev {
        OutboxEvent::Forbidden { item, message } => Some((item, message)),
        _ => None,
    })
    .await;
    assert_eq!((item.id, item.status, item.attempts), (queued.id, ItemStatus::Failed, 1));
    assert!(message.contains("read but not act"), "{message}");
    assert_not_retried(&outbox, &handle, &mut rx, queued.id).await;
    assert_eq!(first_insight(&server).await.1, ratings_before);
    handle.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn invalid_input_is_rejected_until_the_user_retries_or_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(ServeArgs::for_tests()).await;
    let (insight, _) = first_insight(&server).await;
    let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
    let queued = outbox.enqueue(Action::Rate { insight, rating: 9 }).unwrap();
    let cfg = || config(server.handle.base_url(), None);
    let rejected = |ev: OutboxEvent| match ev {
        OutboxEvent::Rejected { item, status, message } => Some((item, status, message)),
        _ => None,
    };
    let (handle, mut rx) = sender(&outbox, cfg());
    let (item, status, message) = wait_for(&mut rx, "rejection", rejected).await;
    assert_eq!((item.id, status, item.status), (queued.id, 422, ItemStatus::Failed));
    assert_eq!(message, "rating must be between 1 and 5");
    assert_not_retried(&outbox, &handle, &mut rx, queued.id).await;
    handle.shutdown().await;

    // The user asks again: pending with the same key, and sent again.
    outbox.retry(queued.id).unwrap();
    let again = find(&outbox, queued.id).unwrap();
    assert_eq!((again.status, again.attempts, &again.key), (ItemStatus::Pending, 1, &queued.key));
    let (handle, mut rx) = sender(&outbox, cfg());
    let (item, ..) = wait_for(&mut rx, "second rejection", rejected).await;
    assert_eq!((item.status, item.attempts), (ItemStatus::Failed, 2));

    outbox.drop_item(queued.id).unwrap();
    assert_eq!(outbox.items().unwrap(), vec![]);
    assert_eq!(outbox.pending_count().unwrap(), 0);
    let items = wait_for(&mut rx, "the list after dropping", |ev| match ev {
        OutboxEvent::Changed(items) if items.is_empty() => Some(items),
        _ => None,
    })
    .await;
    assert!(items.is_empty());
    handle.shutdown().await;
    server.stop().await;
}
