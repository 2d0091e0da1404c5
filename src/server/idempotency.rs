//! `Idempotency-Key` on POSTs (protocol §7): the first answer to a key is
//! stored in SQLite with its status and body, and a repeat of the key gets
//! that answer back without the handler running again.
//!
//! An answer that reports a change is stored in the transaction that makes
//! the change ([`commit`]): a crash cannot leave a change applied whose
//! retry would not replay it. The layer hands the key to the handler as a
//! request extension ([`Once`]) and stores only the answers the handler did
//! not (refusals, which change nothing). Alert state lives in memory, not
//! SQLite: its answers are stored after the change, and a crash loses both.

use std::convert::Infallible;

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use crate::protocol::{IDEMPOTENCY_HEADER, Timestamp};

/// The Idempotency-Key of the POST being handled, and the request it names.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    key: String,
    /// "METHOD /path": a key is good for one request only.
    request: String,
}

impl Key {
    pub(crate) fn new(key: impl Into<String>, request: impl Into<String>) -> Self {
        Key { key: key.into(), request: request.into() }
    }

    /// Record `body` with `status` as the answer to this key.
    fn store(&self, conn: &Connection, status: u16, body: &[u8]) -> anyhow::Result<()> {
        conn.execute(
            "INSERT INTO idempotency (key, request, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![self.key, self.request, status, body, Timestamp::now().0],
        )?;
        Ok(())
    }
}

/// Extractor: the Idempotency-Key of this POST, when it carries one.
pub(crate) struct Once(pub Option<Key>);

impl<S: Send + Sync> FromRequestParts<S> for Once {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Once(parts.extensions.get::<Key>().cloned()))
    }
}

/// A 200 answer already stored under its key (when there is one), in the
/// transaction of the change it reports.
#[derive(Debug)]
pub(crate) struct Committed(Vec<u8>);

/// Marks a response whose answer the handler stored itself.
#[derive(Debug, Clone, Copy)]
struct StoredWithChange;

impl IntoResponse for Committed {
    fn into_response(self) -> Response {
        let json = HeaderValue::from_static("application/json");
        let mut resp = (StatusCode::OK, [(header::CONTENT_TYPE, json)], self.0).into_response();
        resp.extensions_mut().insert(StoredWithChange);
        resp
    }
}

/// Commit `tx` with `answer` stored as the 200 answer to `key`: the change
/// made in `tx` and the answer a retry replays become durable together, or
/// neither does.
pub(crate) fn commit<T: Serialize + ?Sized>(
    tx: Transaction<'_>,
    key: Option<&Key>,
    answer: &T,
) -> anyhow::Result<Committed> {
    let body = serde_json::to_vec(answer)?;
    if let Some(key) = key {
        key.store(&tx, StatusCode::OK.as_u16(), &body)?;
    }
    tx.commit()?;
    Ok(Committed(body))
}

const MAX_KEY_LEN: usize = 255;
/// Bodies we answer are small; this only guards the buffering.
const MAX_STORED_BODY: usize = 16 * 1024 * 1024;

pub(crate) async fn layer(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let key = match req.headers().get(IDEMPOTENCY_HEADER).map(|v| v.to_str()) {
        None => return next.run(req).await,
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= MAX_KEY_LEN => k.trim().to_owned(),
        Some(_) => return ApiError::invalid("bad Idempotency-Key header").into_response(),
    };
    match apply_once(&app, key, req, next).await {
        Ok(resp) => resp,
        Err(e) => e.into_response(),
    }
}

async fn apply_once(
    app: &AppState,
    key: String,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let request = format!("{} {}", req.method(), req.uri().path());
    // One POST at a time: a retry racing its original waits and then replays.
    let _serial = app.post_lock.lock().await;
    let (k, r) = (key.clone(), request.clone());
    let stored = app
        .db
        .call(move |c| {
            Ok(c.query_row(
                "SELECT request, status, body FROM idempotency WHERE key = ?1",
                [&k],
                |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, u16>(1)?, row.get::<_, Vec<u8>>(2)?))
                },
            )
            .optional()?)
        })
        .await?;
    if let Some((first_request, status, body)) = stored {
        if first_request != r {
            return Err(ApiError::invalid(format!(
                "Idempotency-Key already used for {first_request}"
            )));
        }
        let status = StatusCode::from_u16(status).map_err(anyhow::Error::from)?;
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(resp);
    }
    let once = Key::new(key.clone(), request);
    req.extensions_mut().insert(once.clone());
    let resp = next.run(req).await;
    let (parts, body) = resp.into_parts();
    let bytes = to_bytes(body, MAX_STORED_BODY).await.map_err(anyhow::Error::from)?;
    // Server errors are not final answers: a retry may run again.
    if parts.status.is_server_error() {
        return Ok(Response::from_parts(parts, Body::from(bytes)));
    }
    if parts.extensions.get::<StoredWithChange>().is_none() {
        let (status, stored) = (parts.status.as_u16(), bytes.to_vec());
        app.db.call(move |c| once.store(c, status, &stored)).await?;
    }
    if parts.status.is_success() {
        let mut applied = app.applied.lock().unwrap_or_else(|e| e.into_inner());
        *applied.entry(key).or_default() += 1;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// `GET /api/v1/_debug/applied`: not part of the contract. A test aid that
/// shows how many times each Idempotency-Key was applied (must be 1).
pub(crate) async fn applied(State(app): State<AppState>) -> Json<serde_json::Value> {
    let applied = app.applied.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Json(json!({ "applied": applied }))
}

#[cfg(test)]
#[path = "idempotency_tests.rs"]
mod tests;
