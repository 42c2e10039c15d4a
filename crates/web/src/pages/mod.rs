//! Server-rendered pages: one file per area, thin handlers (extract, call a service, render).

pub mod account;
pub mod accounts;
pub mod achievements;
pub mod admin;
pub mod alliances;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod certificates;
pub mod competitions;
pub mod entries;
pub mod errors;
mod exam_questions;
pub mod exams;
pub mod exhibitions;
pub mod groups;
pub mod home;
pub mod honours;
pub mod imports;
pub mod judging;
pub mod notices;
pub mod people;
pub mod practical;
pub mod questions;
pub mod search;
pub mod sessions;
pub mod showcase;
pub mod star_cycles;
pub mod statistics;
pub mod studios;
pub mod units;

use gongjiang_db::units::UnitRecord;

/// A unit in a `<select>`, indented by its depth.
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub indent: String,
}

pub fn unit_options(units: &[UnitRecord]) -> Vec<UnitOption> {
    let top = units
        .iter()
        .map(|u| u.unit_path().depth())
        .min()
        .unwrap_or(1);
    units
        .iter()
        .map(|u| UnitOption {
            id: u.id,
            name: u.name.clone(),
            code: u.code.clone(),
            indent: "\u{3000}".repeat(u.unit_path().depth().saturating_sub(top)),
        })
        .collect()
}

pub use crate::form::{Posted, parse_id};

/// After a record's own form (new or edit): to the record when saved; the form again with
/// what was typed when the input is refused (422), or, when someone changed the record since
/// the form was opened, with the current version and a message (412), so that sending it
/// again is a choice.
pub async fn after_record_form<V, VF, A, AF>(
    tr: crate::i18n::Tr,
    result: Result<i64, gongjiang_app::ServiceError>,
    done_url: impl FnOnce(i64) -> String,
    mut posted: Posted,
    current_version: V,
    again: A,
) -> crate::error::WebResult<axum::response::Response>
where
    V: FnOnce() -> VF,
    VF: std::future::Future<Output = crate::error::WebResult<i64>>,
    A: FnOnce(axum::http::StatusCode, crate::view::FormErrors, Posted) -> AF,
    AF: std::future::Future<Output = crate::error::WebResult<axum::response::Response>>,
{
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use gongjiang_app::ServiceError;
    match result {
        Ok(id) => Ok(axum::response::Redirect::to(&done_url(id)).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = crate::view::FormErrors::from_invalid(tr, &invalid);
            again(StatusCode::UNPROCESSABLE_ENTITY, errors, posted).await
        }
        Err(ServiceError::Stale) => {
            posted.set("version", current_version().await?.to_string());
            let errors = crate::view::FormErrors::general(tr, "edited_since_form");
            again(StatusCode::PRECONDITION_FAILED, errors, posted).await
        }
        Err(e) => Err(e.into()),
    }
}

/// After a form on a record's page: to `done_url` when the service accepted it; the page again
/// (`again`) with the errors as 422 when it refused the input, or with a message as 412 when
/// someone changed the record since the page was shown; any other error as it is.
pub async fn after_form<F, Fut>(
    tr: crate::i18n::Tr,
    result: Result<(), gongjiang_app::ServiceError>,
    done_url: String,
    again: F,
) -> crate::error::WebResult<axum::response::Response>
where
    F: FnOnce(axum::http::StatusCode, crate::view::FormErrors) -> Fut,
    Fut: std::future::Future<Output = crate::error::WebResult<axum::response::Response>>,
{
    use axum::response::IntoResponse;
    match result {
        Ok(()) => Ok(axum::response::Redirect::to(&done_url).into_response()),
        Err(gongjiang_app::ServiceError::Invalid(invalid)) => {
            let errors = crate::view::FormErrors::from_invalid(tr, &invalid);
            again(axum::http::StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(gongjiang_app::ServiceError::Stale) => {
            let errors = crate::view::FormErrors::general(tr, "edited_since_form");
            again(axum::http::StatusCode::PRECONDITION_FAILED, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
