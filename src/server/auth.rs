//! Bearer-token check on every request and WebSocket handshake.
//!
//! With `--token`, a request must carry it (or the read-only token) or it
//! is answered 401. The read-only token may read but not act: its POSTs
//! are answered 403. With only `--read-only-token`, anonymous requests are
//! allowed and that token is still barred from POSTs.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;

/// Comparison whose time does not depend on where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub(crate) async fn layer(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let (full, read_only) = (app.args.token.as_deref(), app.args.read_only_token.as_deref());
    let given = bearer(&req);
    let is = |want: Option<&str>| matches!((given, want), (Some(g), Some(w)) if same(g, w));
    if is(read_only) && !is(full) {
        if req.method() == Method::POST {
            return ApiError::Forbidden("this token may read but not act".into()).into_response();
        }
    } else if full.is_some() && !is(full) {
        let why = if given.is_some() { "invalid bearer token" } else { "missing bearer token" };
        let mut resp = ApiError::Unauthorized(why.into()).into_response();
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return resp;
    }
    next.run(req).await
}
