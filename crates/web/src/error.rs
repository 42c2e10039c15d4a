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
    Conflict(&'static str),
    /// The record changed since the version named in `If-Match`.
    Stale,
    Csrf,
    /// A part the service needs (the database) does not answer.
    Unavailable,
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
    fn status_and_code(&self) -> (StatusCode, &str) {
        match self {
            WebError::BadRequest => (StatusCode::BAD_REQUEST, "bad_request"),
            WebError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            WebError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            WebError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            WebError::Import(_) => (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected"),
            WebError::Conflict(code) => (StatusCode::CONFLICT, code),
            WebError::Stale => (StatusCode::PRECONDITION_FAILED, "edited_since"),
            WebError::Csrf => (StatusCode::FORBIDDEN, "csrf_failed"),
            WebError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
            WebError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(i) => WebError::Invalid(i),
            ServiceError::ImportRejected(rows) => WebError::Import(rows),
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::Forbidden => WebError::Forbidden,
            ServiceError::Conflict(code) => WebError::Conflict(code),
            ServiceError::Stale => WebError::Stale,
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
                let reference = gongjiang_app::auth::random_token("")[..12].to_owned();
                tracing::error!(%reference, %cause, "internal error");
                Some(reference)
            }
            _ => None,
        };
        let info = ErrorInfo {
            status,
            code: code.to_owned(),
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
        response.extensions_mut().insert(info);
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> Self {
        WebError::Invalid(Invalid(vec![e]))
    }
}
