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
