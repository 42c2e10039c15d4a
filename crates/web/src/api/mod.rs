//! The JSON API under `/api/v1/`: what the pages can do, for scripts and other systems.
//! Authenticated by the session cookie (with an `X-CSRF-Token` header on changes) or by a
//! personal token (`Authorization: Bearer gj_…`). Errors are `{"error": {"code", "message"}}`.

mod account;
mod achievements;
mod alliances;
mod audit;
mod banks;
mod certificates;
mod competitions;
mod entries;
mod exams;
mod exhibitions;
mod groups;
mod honours;
mod idempotency;
pub mod kit;
pub mod limits;
mod notices;
pub mod openapi;
mod papers;
mod people;
mod practical;
mod public;
mod records;
mod search;
mod sheets;
mod star_cycles;
mod statistics;
mod studios;
mod units;
mod users;

use crate::AppState;
use crate::error::ErrorInfo;
use crate::i18n::Tr;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongjiang API",
        version = "1",
        description = "The JSON API of gongjiang (工匠). Authenticate with a personal token (`Authorization: Bearer gj_…`, made on the account page) or with the session cookie plus an `X-CSRF-Token` header on changes."
    ),
    components(schemas(ApiError, ApiErrorBody, FieldProblem, crate::error::ErrorCode))
)]
struct ApiDoc;

/// The API's routes and their OpenAPI document, made from the same list so that they agree.
pub fn routes_and_document() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = routes().split_for_parts();
    openapi::add_shared_responses(&mut doc);
    (router, doc)
}

/// The layers every API route goes through, innermost first: idempotency keys, then the rate
/// limit (so that a replayed answer still counts against it).
pub fn with_layers(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    use axum::middleware::from_fn_with_state;
    router
        .layer(from_fn_with_state(state.clone(), idempotency::middleware))
        .layer(from_fn_with_state(state.clone(), limits::middleware))
}

/// Every API route.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(account::me))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(units::list, units::create))
        .routes(routes!(units::get, units::update))
        .routes(routes!(units::close))
        .routes(routes!(units::reopen))
        .routes(routes!(people::list, people::create))
        .routes(routes!(people::get, people::update))
        .routes(routes!(users::get))
        .routes(routes!(users::create))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::set_state))
        .routes(routes!(users::grant))
        .routes(routes!(users::revoke))
        .routes(routes!(sheets::import))
        .routes(routes!(sheets::export))
        .routes(routes!(banks::list, banks::create))
        .routes(routes!(banks::questions))
        .routes(routes!(banks::import))
        .routes(routes!(banks::export))
        .routes(routes!(banks::revise))
        .routes(routes!(banks::versions))
        .routes(routes!(papers::create))
        .routes(routes!(papers::preview))
        .routes(routes!(exams::list, exams::create))
        .routes(routes!(exams::get))
        .routes(routes!(exams::add_entrants))
        .routes(routes!(exams::arrange))
        .routes(routes!(exams::results))
        .routes(routes!(exams::export))
        .routes(routes!(exams::grade))
        .routes(routes!(exams::regrade))
        .routes(routes!(exams::release_keys))
        .routes(routes!(exams::start))
        .routes(routes!(exams::mine))
        .routes(routes!(exams::attempt))
        .routes(routes!(exams::save))
        .routes(routes!(exams::submit))
        .routes(routes!(audit::list))
        .routes(routes!(studios::list, studios::create))
        .routes(routes!(studios::get, studios::update))
        .routes(routes!(studios::add_member))
        .routes(routes!(studios::end_member))
        .routes(routes!(studios::record_level))
        .routes(routes!(studios::record_rating))
        .routes(routes!(studios::set_status))
        .routes(routes!(studios::publish))
        .routes(routes!(studios::add_picture))
        .routes(routes!(achievements::list, achievements::create))
        .routes(routes!(achievements::get, achievements::update))
        .routes(routes!(achievements::decide))
        .routes(routes!(achievements::add_award))
        .routes(routes!(achievements::publish))
        .routes(routes!(achievements::add_file))
        .routes(routes!(achievements::remove_file))
        .routes(routes!(achievements::inbox))
        .routes(routes!(alliances::list, alliances::create))
        .routes(routes!(alliances::quota, alliances::set_quota))
        .routes(routes!(alliances::get, alliances::update))
        .routes(routes!(alliances::join))
        .routes(routes!(alliances::leave))
        .routes(routes!(alliances::hand_over))
        .routes(routes!(alliances::add_project))
        .routes(routes!(competitions::list, competitions::create))
        .routes(routes!(competitions::get, competitions::update))
        .routes(routes!(competitions::add_track))
        .routes(routes!(competitions::track, competitions::update_track))
        .routes(routes!(competitions::link_exam))
        .routes(routes!(entries::enter, entries::of_track))
        .routes(routes!(entries::get))
        .routes(routes!(entries::import))
        .routes(routes!(entries::export))
        .routes(routes!(entries::decide))
        .routes(routes!(entries::withdraw))
        .routes(routes!(entries::inbox))
        .routes(routes!(entries::mine))
        .routes(routes!(certificates::verify))
        .routes(routes!(certificates::of_track, certificates::issue))
        .routes(routes!(certificates::revoke))
        .routes(routes!(certificates::certify_rating))
        .routes(routes!(certificates::certify_honour))
        .routes(routes!(certificates::pdf))
        .routes(routes!(certificates::start_batch))
        .routes(routes!(certificates::batch))
        .routes(routes!(certificates::batch_zip))
        .routes(routes!(certificates::template, certificates::set_template))
        .routes(routes!(star_cycles::list, star_cycles::create))
        .routes(routes!(star_cycles::get))
        .routes(routes!(star_cycles::save))
        .routes(routes!(star_cycles::close))
        .routes(routes!(star_cycles::confirm))
        .routes(routes!(notices::list))
        .routes(routes!(notices::public))
        .routes(routes!(notices::get))
        .routes(routes!(notices::move_results))
        .routes(routes!(notices::lodge))
        .routes(routes!(notices::resolve))
        .routes(routes!(notices::mine))
        .routes(routes!(practical::get, practical::set_up))
        .routes(routes!(practical::add_panel))
        .routes(routes!(practical::set_judges))
        .routes(routes!(practical::draw))
        .routes(routes!(practical::mine))
        .routes(routes!(practical::sheet))
        .routes(routes!(practical::save))
        .routes(routes!(practical::recuse))
        .routes(routes!(practical::set_state))
        .routes(routes!(practical::confirm))
        .routes(routes!(practical::results))
        .routes(routes!(practical::export))
        .routes(routes!(practical::track_results))
        .routes(routes!(practical::track_results_export))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::get))
        .routes(routes!(groups::add))
        .routes(routes!(exhibitions::list, exhibitions::create))
        .routes(routes!(exhibitions::get))
        .routes(routes!(exhibitions::add))
        .routes(routes!(exhibitions::set_venue, exhibitions::remove))
        .routes(routes!(exhibitions::publish))
        .routes(routes!(honours::record))
        .routes(routes!(honours::add))
        .routes(routes!(honours::remove))
        .routes(routes!(honours::add_mentorship))
        .routes(routes!(search::search))
        .routes(routes!(statistics::report))
        .routes(routes!(public::overview))
        .routes(routes!(public::achievements))
        .routes(routes!(public::achievement))
        .routes(routes!(public::studio_list))
        .routes(routes!(public::studio))
        .routes(routes!(public::exhibition_list))
        .routes(routes!(public::exhibition))
}

/// The body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    #[schema(value_type = crate::error::ErrorCode)]
    pub code: String,
    /// The message in the request's language.
    pub message: String,
    /// For `validation_failed`: each field's problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// The request's id (also its `X-Request-Id` header, and on every line the server logged
    /// for it): quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub fn error_body(info: &ErrorInfo, tr: Tr) -> Response {
    let mut fields: Vec<FieldProblem> = info
        .fields
        .iter()
        .map(|f| FieldProblem {
            field: f.field.clone(),
            code: f.code.clone(),
            message: tr.error(&f.code, &f.params),
        })
        .collect();
    fields.extend(info.rows.iter().map(|r| FieldProblem {
        field: format!("row {} {}", r.row, r.column),
        code: r.code.clone(),
        message: tr.error(&r.code, &r.params),
    }));
    let body = ApiError {
        error: ApiErrorBody {
            code: info.code.clone(),
            message: tr.error(&info.code, &[]),
            fields,
            reference: info.reference.clone(),
        },
    };
    (info.status, Json(body)).into_response()
}
