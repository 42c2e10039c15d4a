//! One error type at the web edge. Handlers return it; the context middleware turns it into
//! a page or a JSON body in the request's language, so handlers need not know which.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongjiang_app::ServiceError;
use gongjiang_domain::import::RowError;
use gongjiang_domain::{FieldError, Invalid};

#[derive(Debug)]
pub enum WebError {
    /// The request does not parse (malformed JSON, a body that is not a JSON object).
    BadRequest,
    NotFound,
    /// Not signed in.
    Unauthorized,
    Forbidden,
    Invalid(Invalid),
    Import(Vec<RowError>),
    Conflict(gongjiang_app::Conflict),
    /// The record changed since the version named in `If-Match`.
    Stale,
    /// Over the API's rate limit.
    RateLimited,
    /// An `Idempotency-Key` sent again with a different request.
    KeyReused,
    /// An `Idempotency-Key` whose first request still runs.
    KeyInUse,
    Csrf,
    /// The user must change the password they were given before anything else.
    PasswordChangeRequired,
    /// The API token's scope does not cover the request.
    TokenOutOfScope,
    /// A part the service needs (the database) does not answer.
    Unavailable,
    /// The database has no room left for a write.
    StorageFull,
    Internal(String),
}

/// What the context middleware needs to render an error: put into the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: String,
    pub fields: Vec<FieldError>,
    pub rows: Vec<RowError>,
    /// For internal errors: a reference the user can quote, also written to the log.
    pub reference: Option<String>,
}

impl WebError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            WebError::BadRequest => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            WebError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            WebError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            WebError::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            WebError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ValidationFailed,
            ),
            WebError::Import(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ImportRejected),
            WebError::Conflict(c) => (StatusCode::CONFLICT, ErrorCode::Conflict(*c)),
            WebError::Stale => (StatusCode::PRECONDITION_FAILED, ErrorCode::EditedSince),
            WebError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            WebError::KeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
            ),
            WebError::KeyInUse => (StatusCode::CONFLICT, ErrorCode::IdempotencyKeyInUse),
            WebError::Csrf => (StatusCode::FORBIDDEN, ErrorCode::CsrfFailed),
            WebError::PasswordChangeRequired => {
                (StatusCode::FORBIDDEN, ErrorCode::PasswordChangeRequired)
            }
            WebError::TokenOutOfScope => (StatusCode::FORBIDDEN, ErrorCode::TokenOutOfScope),
            WebError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::DatabaseUnavailable,
            ),
            WebError::StorageFull => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StorageFull),
            WebError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

/// The code of every error answer, page or JSON: the one typed list. Field problems carry
/// codes of their own (`FieldError`), each with its message in the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    CsrfFailed,
    PasswordChangeRequired,
    TokenOutOfScope,
    NotFound,
    MethodNotAllowed,
    BodyTooLarge,
    ValidationFailed,
    ImportRejected,
    EditedSince,
    RateLimited,
    IdempotencyKeyReused,
    IdempotencyKeyInUse,
    DatabaseUnavailable,
    StorageFull,
    Internal,
    Conflict(gongjiang_app::Conflict),
}

impl ErrorCode {
    const PLAIN: [ErrorCode; 18] = [
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::CsrfFailed,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::TokenOutOfScope,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::BodyTooLarge,
        ErrorCode::ValidationFailed,
        ErrorCode::ImportRejected,
        ErrorCode::EditedSince,
        ErrorCode::RateLimited,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::IdempotencyKeyInUse,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::StorageFull,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::TokenOutOfScope => "token_out_of_scope",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::ImportRejected => "import_rejected",
            ErrorCode::EditedSince => "edited_since",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::IdempotencyKeyInUse => "idempotency_key_in_use",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::StorageFull => "storage_full",
            ErrorCode::Internal => "internal",
            ErrorCode::Conflict(c) => c.code(),
        }
    }

    /// Every code, the plain ones first, then each conflict.
    pub fn all() -> Vec<ErrorCode> {
        let conflicts = gongjiang_app::Conflict::ALL
            .iter()
            .map(|c| ErrorCode::Conflict(*c));
        ErrorCode::PLAIN.into_iter().chain(conflicts).collect()
    }
}

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes: Vec<&str> = ErrorCode::all()
            .into_iter()
            .map(ErrorCode::as_str)
            .collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "What went wrong, as a stable code; `message` says it in the request's language.",
            ))
            .enum_values(Some(codes))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(i) => WebError::Invalid(i),
            ServiceError::ImportRejected(rows) => WebError::Import(rows),
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::Forbidden => WebError::Forbidden,
            ServiceError::Conflict(code) => WebError::Conflict(code),
            ServiceError::Stale => WebError::Stale,
            ServiceError::RateLimited => WebError::RateLimited,
            ServiceError::Db(e) if e.is_storage_full() => {
                tracing::error!(error = %e, "the database is out of space: writes are refused");
                WebError::StorageFull
            }
            ServiceError::Db(e) if e.is_unreachable() => {
                tracing::warn!(error = %e, "the database is not reachable");
                WebError::Unavailable
            }
            other => WebError::Internal(format!("{other:#}")),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let reference = match &self {
            WebError::Internal(cause) => {
                let reference = crate::telemetry::request_id()
                    .unwrap_or_else(|| gongjiang_app::auth::random_token("")[..12].to_owned());
                tracing::error!(%reference, %cause, "internal error");
                Some(reference)
            }
            _ => None,
        };
        let info = ErrorInfo {
            status,
            code: code.as_str().to_owned(),
            fields: match &self {
                WebError::Invalid(i) => i.0.clone(),
                _ => Vec::new(),
            },
            rows: match self {
                WebError::Import(rows) => rows,
                _ => Vec::new(),
            },
            reference,
        };
        let mut response = status.into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response.extensions_mut().insert(info);
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;

impl From<Invalid> for WebError {
    fn from(e: Invalid) -> Self {
        WebError::Invalid(e)
    }
}

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> Self {
        WebError::Invalid(Invalid(vec![e]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_unique_and_has_a_message_in_both_languages() {
        let codes: Vec<&str> = ErrorCode::all()
            .into_iter()
            .map(ErrorCode::as_str)
            .collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "a code appears twice");
        for locale in [crate::i18n::Locale::ZhCn, crate::i18n::Locale::En] {
            let tr = crate::i18n::Tr::new(locale);
            for code in &codes {
                assert!(tr.has(&format!("error.{code}")), "no message for {code}");
            }
        }
    }
}
