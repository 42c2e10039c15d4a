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
    /// Too many tries in a while (wrong current passwords), or too long a queue for a scarce
    /// resource (password hashing): try again later.
    #[error("too many requests")]
    RateLimited,
    /// The request is sound but the state of things refuses it.
    #[error("conflict: {}", .0.code())]
    Conflict(Conflict),
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

/// A grouped write (`gongjiang_db::group_commit`) that was not made.
impl From<gongjiang_db::group_commit::WriteError> for ServiceError {
    fn from(value: gongjiang_db::group_commit::WriteError) -> Self {
        match value {
            gongjiang_db::group_commit::WriteError::Stopped => {
                ServiceError::Internal("the writer has stopped".into())
            }
            gongjiang_db::group_commit::WriteError::Db(e) => ServiceError::Db(e),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

macro_rules! conflicts {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)+) => {
        /// Every conflict a service can answer, with its stable code: the one list that the
        /// API's description, the catalogs and the pages share.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Conflict {
            $($(#[$doc])* $variant,)+
        }

        impl Conflict {
            pub const ALL: &'static [Conflict] = &[$(Conflict::$variant,)+];

            pub fn code(self) -> &'static str {
                match self {
                    $(Conflict::$variant => $code,)+
                }
            }
        }
    };
}

conflicts! {
    /// Grading by hand needs a submitted attempt.
    AttemptNotSubmitted = "attempt_not_submitted",
    /// The entrant already submitted the attempt (elsewhere).
    AttemptSubmitted = "attempt_submitted",
    CannotDisableSelf = "cannot_disable_self",
    /// No font with Chinese characters is installed: certificates cannot be printed.
    CertificateFontsMissing = "certificate_fonts_missing",
    DemoNeedsEmptyDatabase = "demo_needs_empty_database",
    ExamClosed = "exam_closed",
    ExamNotOpen = "exam_not_open",
    GrantExists = "grant_exists",
    NoAttemptsLeft = "no_attempts_left",
    PaperCannotBeDrawn = "paper_cannot_be_drawn",
    ParentClosed = "parent_closed",
    PersonHasAccount = "person_has_account",
    RegradeIncompatible = "regrade_incompatible",
    /// The attempt's deadline and grace have passed.
    TimeUp = "time_up",
    UnitHasOpenChildren = "unit_has_open_children",
}

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
