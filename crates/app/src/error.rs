//! What can go wrong in a service, in terms the web layer turns into answers.

use gongjiang_db::DbError;
use gongjiang_domain::Invalid;
use gongjiang_domain::import::RowError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("import rejected: {} problem(s)", .0.len())]
    ImportRejected(Vec<RowError>),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the version the caller read (`If-Match` on the API).
    #[error("the record changed since it was read")]
    Stale,
    /// A stable code saying what conflicts (e.g. `unit_code_taken`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Invalid> for ServiceError {
    fn from(value: Invalid) -> Self {
        ServiceError::Invalid(value)
    }
}

impl From<gongjiang_domain::FieldError> for ServiceError {
    fn from(value: gongjiang_domain::FieldError) -> Self {
        ServiceError::Invalid(Invalid(vec![value]))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Refuses a change made against an older version of a record: `expected` is the version
/// (`updated_at`) the caller read, if they said; `current` the record's version now.
pub fn ensure_version(expected: Option<i64>, current: i64) -> ServiceResult<()> {
    match expected {
        Some(v) if v != current => Err(ServiceError::Stale),
        _ => Ok(()),
    }
}

/// The version a change stamps on a record: now, but always after the version it replaces,
/// so that two changes within one millisecond still differ.
pub fn next_version(now_ms: i64, previous: i64) -> i64 {
    now_ms.max(previous + 1)
}
