//! What every API handler shares: paging with its bounds, the paged answer, and created
//! answers. One way each, so that a client learns the conventions once (docs/api.md).

use crate::error::{WebError, WebResult};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gongjiang_db::Page;
use gongjiang_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The highest page number a list accepts (far past any real list; a bound so that a typo
/// is an error rather than an empty page).
pub const MAX_PAGE: i64 = 100_000;
/// The most items a page may hold.
pub const MAX_PER_PAGE: i64 = 500;

/// `?page=&per_page=`: pages count from 1.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    /// Items a page (default depends on the list, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl Paging {
    /// The page asked for, or a field error naming the parameter that is out of bounds.
    pub fn resolve(&self, default_per_page: i64) -> WebResult<Resolved> {
        let number = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&number) {
            return Err(out_of_range("page", 1, MAX_PAGE));
        }
        let per_page = self.per_page.unwrap_or(default_per_page);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(out_of_range("per_page", 1, MAX_PER_PAGE));
        }
        Ok(Resolved { number, per_page })
    }
}

/// A query parameter within the bounds its documentation gives.
pub fn bounded(field: &str, value: Option<i64>, min: i64, max: i64) -> WebResult<Option<i64>> {
    match value {
        Some(v) if !(min..=max).contains(&v) => Err(out_of_range(field, min, max)),
        _ => Ok(value),
    }
}

fn out_of_range(field: &str, min: i64, max: i64) -> WebError {
    FieldError::new(field, "out_of_range")
        .with("min", min)
        .with("max", max)
        .into()
}

/// A file sent as `multipart/form-data` (the one way every upload route takes a file).
#[derive(ToSchema)]
#[allow(dead_code)] // documentation of the multipart body only
pub struct Upload {
    /// The file, with its name.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A page that passed its bounds.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    pub number: i64,
    pub per_page: i64,
}

impl Resolved {
    pub fn page(self) -> Page {
        Page::new(self.number, self.per_page)
    }

    /// The answer for one page of a list.
    pub fn answer<T>(self, items: Vec<T>, total: i64) -> Paged<T> {
        Paged {
            items,
            total,
            page: self.number,
            per_page: self.per_page,
        }
    }
}

/// One page of a list, with the total over every page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The version a client read, sent back in `If-Match` on an update so that a change made by
/// someone else in between is refused (412 `edited_since`) instead of silently overwritten.
/// Without the header the update applies to whatever is current.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfMatch {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        // A tag that is not one of ours can never match: refuse the update as stale.
        Ok(IfMatch(Some(version_in(text).unwrap_or(-1))))
    }
}

/// The version inside an entity tag as `etag` writes it (`"v123"`, also weak `W/"v123"`).
fn version_in(tag: &str) -> Option<i64> {
    tag.trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('v')?
        .parse()
        .ok()
}

/// The entity tag of a record at a version (its `updated_at`).
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// A JSON answer carrying the record's entity tag, to send back in `If-Match`.
pub fn tagged<T: Serialize>(status: axum::http::StatusCode, version: i64, body: T) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// An answer holding a secret shown once (a new token, a password): never cached, and never
/// kept to replay for an `Idempotency-Key` (a retry makes another).
pub struct Secret<T>(pub axum::http::StatusCode, pub T);

/// The mark `Secret` leaves on its answer for the layers around the handler.
#[derive(Debug, Clone, Copy)]
pub struct HoldsSecret;

impl<T: Serialize> IntoResponse for Secret<T> {
    fn into_response(self) -> Response {
        let mut response = (self.0, axum::Json(self.1)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.extensions_mut().insert(HoldsSecret);
        response
    }
}

/// A JSON body read the one way every API handler reads it: `application/json` holding a
/// JSON object (anything else is 400 `bad_request`), numbers such as `5.0` taken as the
/// integer they are (JSON Schema counts them as integers), and a value of the wrong type
/// named by its path as a field error (422 `wrong_type`) in the user's language.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, WebError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let ct = ct.trim_start().to_ascii_lowercase();
                ct.starts_with("application/json") || ct.starts_with("application/problem+json")
            });
        if !is_json {
            return Err(WebError::BadRequest);
        }
        let bytes = bytes::Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError::BadRequest)?;
        let mut value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| WebError::BadRequest)?;
        if !value.is_object() {
            return Err(WebError::BadRequest);
        }
        integral_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                FieldError::new(&field, "wrong_type").into()
            })
    }
}

/// Rewrites numbers with no fraction (`5.0`, `1e3`) as integers, so that a field typed as an
/// integer accepts every number JSON Schema counts as one.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: integers below 2^53 are represented exactly by an f64.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *value = serde_json::Value::from(i);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_become_integers_and_others_stay() {
        let mut v = serde_json::json!({"a": 5.0, "b": [1e3, 2.5], "c": {"d": -7.0}, "e": 1e300});
        integral_numbers(&mut v);
        assert_eq!(v["a"], serde_json::json!(5));
        assert_eq!(v["b"], serde_json::json!([1000, 2.5]));
        assert_eq!(v["c"]["d"], serde_json::json!(-7));
        assert!(v["e"].is_f64());
    }

    #[test]
    fn entity_tags_round_trip_and_strangers_never_match() {
        assert_eq!(
            version_in(&etag(1_764_000_000_123)),
            Some(1_764_000_000_123)
        );
        assert_eq!(version_in("W/\"v42\""), Some(42));
        assert_eq!(version_in("\"abc\""), None);
        assert_eq!(version_in(""), None);
    }
}
