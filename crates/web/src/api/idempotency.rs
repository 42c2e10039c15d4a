//! `Idempotency-Key` on the API's POSTs: the first answer (a success) is stored with the key,
//! and a retry of the same request with the same key gets it again, marked
//! `Idempotent-Replayed: true`, instead of making a second record. The same key on a different
//! request is refused (422), and while the first request runs a retry is told to wait (409).
//! Requests without the header, failed ones, and answers holding a secret are not stored.

use super::kit::HoldsSecret;
use crate::AppState;
use crate::context::{Ctx, MAX_BODY};
use crate::error::WebError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongjiang_app::idempotency::{self, Holder, KeyClaim, StoredAnswer};

/// The header's name.
pub const HEADER: &str = "idempotency-key";
/// The longest key accepted.
pub const MAX_KEY: usize = 200;

/// A key of 1 to 200 visible ASCII characters (a UUID, say).
fn valid_key(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let ok =
        (1..=MAX_KEY).contains(&text.len()) && text.bytes().all(|b| (0x21..=0x7e).contains(&b));
    ok.then(|| text.to_owned())
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(value) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let Some(key) = valid_key(value) else {
        return WebError::Invalid(gongjiang_domain::Invalid::one(
            "Idempotency-Key",
            "idempotency_key_invalid",
        ))
        .into_response();
    };
    // Anonymous requests are refused by the handler; they have no one to store answers for.
    let Some(user_id) = req
        .extensions()
        .get::<Ctx>()
        .and_then(|c| c.me.as_ref().map(|m| m.user.id))
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return WebError::BadRequest.into_response();
    };
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let fingerprint = idempotency::fingerprint(parts.method.as_str(), target, &bytes);
    match idempotency::claim(&state.db, user_id, &key, &fingerprint).await {
        Err(e) => WebError::from(e).into_response(),
        Ok((KeyClaim::Mismatch, _)) => WebError::KeyReused.into_response(),
        Ok((KeyClaim::InFlight, _)) => WebError::KeyInUse.into_response(),
        Ok((KeyClaim::Answered(stored), _)) => replay(stored),
        Ok((KeyClaim::New, holder)) => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            keep(&state, &holder, response).await
        }
    }
}

async fn release(state: &AppState, holder: &Holder) {
    if let Err(e) = idempotency::release(&state.db, holder).await {
        tracing::warn!(error = %e, "an idempotency key could not be released");
    }
}

/// Stores a successful answer with its key, then gives it. A refused request, or an answer
/// that holds a secret (`kit::Secret`), is not kept: the key is let go, and a retry runs again.
async fn keep(state: &AppState, holder: &Holder, response: Response) -> Response {
    let secret = response.extensions().get::<HoldsSecret>().is_some();
    if !response.status().is_success() || secret {
        release(state, holder).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    // The handler built the answer in memory already; it is read whole to be kept.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            release(state, holder).await;
            return WebError::Internal(format!("reading an answer to keep: {e}")).into_response();
        }
    };
    let text_header = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let stored = idempotency::complete(
                &state.db,
                holder,
                parts.status.as_u16(),
                &text_header(header::CONTENT_TYPE),
                text,
                &text_header(header::ETAG),
            )
            .await;
            if let Err(e) = stored {
                // The record exists; only its answer could not be kept. The key stays held,
                // so a retry within ten minutes is told to wait rather than make another.
                tracing::error!(error = %e, "an idempotent answer could not be stored");
            }
        }
        // Not text (no create answers so): nothing to replay, so the key goes.
        Err(_) => release(state, holder).await,
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(stored: StoredAnswer) -> Response {
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type.as_str()),
        (header::ETAG, stored.etag.as_str()),
    ] {
        if let (false, Ok(v)) = (value.is_empty(), HeaderValue::from_str(value)) {
            headers.insert(name, v);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        let key =
            |s: &str| valid_key(&HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("")));
        assert_eq!(
            key("3f1c9e0a-7b1d-4a52").as_deref(),
            Some("3f1c9e0a-7b1d-4a52")
        );
        assert_eq!(key(""), None);
        assert_eq!(key("has space"), None);
        assert_eq!(key(&"k".repeat(201)), None);
    }
}
