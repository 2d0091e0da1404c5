//! Claims on reports (protocol §5a): a reviewer says they are looking at a
//! report, so that others leave it to them. Both calls answer the Report.

use reqwest::StatusCode;
use serde_json::json;

use super::error::{error_from, report_conflict};
use super::{ApiClient, ApiError};
use crate::protocol::{Id, Report, paths};

impl ApiClient {
    /// Claim report `id` for this client's user (`X-User`), or renew the
    /// claim it already holds. Errors: a claim someone else holds, or a
    /// decided report, is [`ApiError::Conflict`] with the Report as it
    /// stands; a backend without claims (1.0) is [`ApiError::Unavailable`];
    /// an unknown report is a 404 [`ApiError::Status`].
    ///
    /// One attempt with a fresh Idempotency-Key: claiming again is harmless,
    /// so a caller may simply call again after a network error.
    pub async fn claim(&self, id: &Id) -> Result<Report, ApiError> {
        self.claim_call(id, "/claim").await
    }

    /// Give up this user's claim on report `id`. Releasing a report nobody
    /// holds answers it unchanged; a claim someone else holds is
    /// [`ApiError::Conflict`]. Other errors as for [`ApiClient::claim`].
    pub async fn release(&self, id: &Id) -> Result<Report, ApiError> {
        self.claim_call(id, "/release").await
    }

    async fn claim_call(&self, id: &Id, verb: &str) -> Result<Report, ApiError> {
        let path = paths::report(id, verb)
            .ok_or_else(|| ApiError::Setup(format!("report id {id:?} cannot be put in a URL")))?;
        let key = uuid::Uuid::new_v4().to_string();
        let resp = self.post(&path, &key, &json!({})).await?;
        let status = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_GATEWAY);
        if status.is_success() {
            return serde_json::from_slice(&resp.body).map_err(|e| ApiError::Decode {
                url: format!("{}{path}", self.shown),
                reason: crate::sanitize::clean(&e.to_string()),
            });
        }
        match status {
            StatusCode::CONFLICT => Err(report_conflict(&path, &resp.body)),
            StatusCode::NOT_FOUND => Err(self.claim_404(id, &path, &resp.body).await),
            _ => Err(error_from(status, &path, &resp.body)),
        }
    }

    /// A 404 to a claim is either an unknown report or a backend without
    /// claims; the report itself says which: when it can be read, the
    /// claim endpoint is what is missing.
    async fn claim_404(&self, id: &Id, path: &str, body: &[u8]) -> ApiError {
        let unknown = error_from(StatusCode::NOT_FOUND, path, body);
        let Some(report) = paths::report(id, "") else { return unknown };
        match self.get_item::<Report>(&report, &()).await {
            Ok(_) => ApiError::Unavailable { path: path.to_owned() },
            Err(_) => unknown,
        }
    }
}
