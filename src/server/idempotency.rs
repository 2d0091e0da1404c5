//! `Idempotency-Key` on POSTs (protocol §7): the first answer to a key is
//! stored in SQLite with its status and body, and a repeat of the key gets
//! that answer back without the handler running again.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use crate::protocol::{IDEMPOTENCY_HEADER, Timestamp};

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
    req: Request,
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
    let resp = next.run(req).await;
    let (parts, body) = resp.into_parts();
    let bytes = to_bytes(body, MAX_STORED_BODY).await.map_err(anyhow::Error::from)?;
    // Server errors are not final answers: a retry may run again.
    if !parts.status.is_server_error() {
        let (status, stored) = (parts.status.as_u16(), bytes.to_vec());
        let applied_key = app
            .db
            .call(move |c| {
                c.execute(
                    "INSERT INTO idempotency (key, request, status, body, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![key, request, status, stored, Timestamp::now().0],
                )?;
                if (200..300).contains(&status) { Ok(Some(key)) } else { Ok(None) }
            })
            .await?;
        if let Some(key) = applied_key {
            let mut applied = app.applied.lock().unwrap_or_else(|e| e.into_inner());
            *applied.entry(key).or_default() += 1;
        }
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// `GET /api/v1/_debug/applied`: not part of the contract. A test aid that
/// shows how many times each Idempotency-Key was applied (must be 1).
pub(crate) async fn applied(State(app): State<AppState>) -> Json<serde_json::Value> {
    let applied = app.applied.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Json(json!({ "applied": applied }))
}
