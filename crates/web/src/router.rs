//! Every route of gongjiang, in one place. Handlers check authorization themselves (through the
//! services they call); the context middleware identifies the user and checks CSRF first.

use crate::context::{self, MAX_BODY};
use crate::error::WebError;
use crate::pages::{
    account, accounts, achievements, admin, alliances, audit, auth, banks, certificates,
    competitions, entries, exams, exhibitions, groups, home, honours, imports, judging, notices,
    people, practical, questions, search, sessions, showcase, star_cycles, statistics, studios,
    units,
};
use crate::{AppState, api, assets};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

pub fn build(state: AppState) -> Router {
    let (api_routes, doc) = api::routes_and_document();
    let openapi = Arc::new(doc.to_pretty_json().unwrap_or_default());
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(auth::form).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/lang/{code}", get(auth::language))
        .route("/innovation", get(home::innovation))
        .route("/challenges", get(home::challenges))
        .route(
            "/competitions",
            get(competitions::list).post(competitions::create),
        )
        .route("/competitions/new", get(competitions::new))
        .route(
            "/competitions/{id}",
            get(competitions::show).post(competitions::update),
        )
        .route("/competitions/{id}/edit", get(competitions::edit))
        .route(
            "/competitions/{id}/tracks",
            post(competitions::create_track),
        )
        .route(
            "/competitions/{id}/tracks/new",
            get(competitions::new_track),
        )
        .route(
            "/competitions/tracks/{id}",
            get(competitions::track).post(competitions::update_track),
        )
        .route(
            "/competitions/tracks/{id}/edit",
            get(competitions::edit_track),
        )
        .route(
            "/competitions/tracks/{id}/entries",
            get(entries::of_track).post(entries::enter),
        )
        .route(
            "/competitions/tracks/{id}/exam-session",
            post(competitions::link_exam),
        )
        .route(
            "/competitions/tracks/{id}/entries.xlsx",
            get(entries::export),
        )
        .route(
            "/competitions/tracks/{id}/entries/template.xlsx",
            get(entries::template),
        )
        .route(
            "/competitions/tracks/{id}/entries/import",
            post(entries::import),
        )
        .route(
            "/competitions/tracks/{id}/practical",
            get(practical::show).post(practical::set_up),
        )
        .route(
            "/competitions/tracks/{id}/panels",
            post(practical::add_panel),
        )
        .route("/competitions/tracks/{id}/draw", post(practical::draw))
        .route(
            "/competitions/tracks/{id}/results",
            get(practical::track_results),
        )
        .route(
            "/competitions/tracks/{id}/results.xlsx",
            get(practical::track_results_export),
        )
        .route(
            "/competitions/panels/{id}/judges",
            post(practical::set_judges),
        )
        .route("/competitions/panels/{id}/reopen", post(practical::reopen))
        .route("/competitions/panels/{id}/results", get(practical::results))
        .route(
            "/competitions/panels/{id}/results.xlsx",
            get(practical::export),
        )
        .route("/judging", get(judging::panels))
        .route("/judging/panels/{id}", get(judging::sheet))
        .route("/judging/panels/{id}/scores", post(judging::save_row))
        .route("/judging/panels/{id}/recusals", post(judging::recuse))
        .route("/judging/panels/{id}/close", post(judging::close))
        .route("/judging/panels/{id}/confirmation", post(judging::confirm))
        .route("/competitions/entries", get(entries::mine))
        .route("/competitions/entries/{id}", get(entries::show))
        .route("/competitions/entries/{id}/decision", post(entries::decide))
        .route(
            "/competitions/entries/{id}/withdrawal",
            post(entries::withdraw),
        )
        .route("/statistics", get(statistics::show))
        .route("/statistics/export.xlsx", get(statistics::export))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin", get(admin::index))
        .route("/admin/units", get(units::list).post(units::create))
        .route("/admin/units/new", get(units::new))
        .route("/admin/units/export.xlsx", get(units::export))
        .route("/admin/units/{id}", get(units::show))
        .route("/admin/units/{id}/rename", post(units::rename))
        .route("/admin/units/{id}/move", post(units::move_to))
        .route("/admin/units/{id}/close", post(units::close))
        .route("/admin/units/{id}/reopen", post(units::reopen))
        .route("/admin/people", get(people::list).post(people::create))
        .route("/admin/people/new", get(people::new))
        .route("/admin/people/export.xlsx", get(people::export))
        .route("/admin/people/{id}", get(people::show).post(people::update))
        .route("/admin/people/{id}/edit", get(people::edit))
        .route("/admin/people/{id}/account", post(accounts::create))
        .route("/admin/people/{id}/honours", post(honours::add))
        .route(
            "/admin/people/{id}/mentorships",
            post(honours::add_mentorship),
        )
        .route("/admin/honours/{id}/remove", post(honours::remove))
        .route("/admin/honours/{id}/certificate", post(honours::certify))
        .route(
            "/admin/users/{id}/reset-password",
            post(accounts::reset_password),
        )
        .route("/admin/users/{id}/unlock", post(accounts::unlock))
        .route("/admin/users/{id}/disable", post(accounts::disable))
        .route("/admin/users/{id}/enable", post(accounts::enable))
        .route("/admin/users/{id}/grants", post(accounts::grant))
        .route("/admin/grants/{id}/revoke", post(accounts::revoke))
        .route("/admin/import", get(imports::show))
        .route("/admin/import/{kind}", post(imports::upload))
        .route("/admin/import/{kind}/template.xlsx", get(imports::template))
        .route("/admin/export/{kind}", get(imports::export))
        .route("/admin/audit", get(audit::list))
        .route("/admin/audit/export.xlsx", get(audit::export))
        .route(
            "/innovation/studios",
            get(studios::list).post(studios::create),
        )
        .route("/innovation/studios/new", get(studios::new))
        .route(
            "/innovation/studios/{id}",
            get(studios::show).post(studios::update),
        )
        .route("/innovation/studios/{id}/edit", get(studios::edit))
        .route(
            "/innovation/studios/{id}/members",
            post(studios::add_member),
        )
        .route(
            "/innovation/studio-members/{id}/leave",
            post(studios::end_member),
        )
        .route(
            "/innovation/studios/{id}/levels",
            post(studios::record_level),
        )
        .route(
            "/innovation/studios/{id}/ratings",
            post(studios::record_rating),
        )
        .route(
            "/innovation/studios/{id}/ratings/{rating_id}/certificate",
            post(studios::certify_rating),
        )
        .route("/innovation/studios/{id}/status", post(studios::set_status))
        .route("/innovation/studios/{id}/publish", post(studios::publish))
        .route(
            "/innovation/studios/{id}/pictures",
            post(studios::add_picture),
        )
        .route("/studio-pictures/{id}", get(studios::picture))
        .route(
            "/studio-pictures/{id}/thumb",
            get(studios::picture_thumbnail),
        )
        .route(
            "/innovation/alliances",
            get(alliances::list).post(alliances::create),
        )
        .route("/innovation/alliances/new", get(alliances::new))
        .route(
            "/innovation/alliances/quota",
            get(alliances::quota).post(alliances::set_quota),
        )
        .route(
            "/innovation/alliances/{id}",
            get(alliances::show).post(alliances::update),
        )
        .route("/innovation/alliances/{id}/edit", get(alliances::edit))
        .route("/innovation/alliances/{id}/members", post(alliances::join))
        .route(
            "/innovation/alliance-members/{id}/leave",
            post(alliances::leave),
        )
        .route(
            "/innovation/alliances/{id}/chairs",
            post(alliances::hand_over),
        )
        .route(
            "/innovation/alliances/{id}/projects",
            post(alliances::add_project),
        )
        .route(
            "/innovation/achievements",
            get(achievements::list).post(achievements::create),
        )
        .route("/innovation/achievements/new", get(achievements::new))
        .route(
            "/innovation/achievements/{id}",
            get(achievements::show).post(achievements::update),
        )
        .route(
            "/innovation/achievements/{id}/edit",
            get(achievements::edit),
        )
        .route(
            "/innovation/achievements/{id}/decision",
            post(achievements::decide),
        )
        .route(
            "/innovation/achievements/{id}/awards",
            post(achievements::add_award),
        )
        .route(
            "/innovation/achievements/{id}/files",
            post(achievements::add_file),
        )
        .route(
            "/innovation/achievements/{id}/publish",
            post(achievements::publish),
        )
        .route(
            "/innovation/achievement-files/{id}/remove",
            post(achievements::remove_file),
        )
        .route("/innovation/declarations", get(achievements::inbox))
        .route("/files/{id}", get(achievements::file))
        .route("/files/{id}/thumb", get(achievements::thumbnail))
        .route(
            "/innovation/exhibitions",
            get(exhibitions::list).post(exhibitions::create),
        )
        .route("/innovation/exhibitions/{id}", get(exhibitions::show))
        .route("/innovation/exhibitions/{id}/items", post(exhibitions::add))
        .route(
            "/innovation/exhibitions/{id}/items/{achievement}",
            post(exhibitions::item),
        )
        .route(
            "/innovation/exhibitions/{id}/publish",
            post(exhibitions::publish),
        )
        .route(
            "/innovation/exhibitions/{id}/boards",
            get(exhibitions::boards),
        )
        .route("/showcase/exhibitions/{id}", get(exhibitions::public))
        .route("/innovation/groups", get(groups::list).post(groups::create))
        .route("/innovation/groups/{id}", get(groups::show))
        .route("/innovation/groups/{id}/members", post(groups::add))
        .route("/search", get(search::show))
        .route("/verify", get(certificates::verify_form))
        .route("/verify/{serial}", get(certificates::verify))
        .route(
            "/competitions/tracks/{id}/certificates",
            get(certificates::of_track).post(certificates::issue),
        )
        .route("/certificates/{serial}/pdf", get(certificates::pdf))
        .route(
            "/certificates/{serial}/revocation",
            post(certificates::revoke),
        )
        .route(
            "/competitions/{id}/certificates/batches",
            post(certificates::start_batch),
        )
        .route("/certificates/batches/{id}", get(certificates::batch))
        .route(
            "/certificates/batches/{id}/zip",
            get(certificates::batch_zip),
        )
        .route(
            "/admin/units/{id}/certificate-template",
            get(certificates::template).post(certificates::set_template),
        )
        .route(
            "/admin/units/{id}/certificate-template/preview",
            get(certificates::preview),
        )
        .route(
            "/innovation/star-cycles",
            get(star_cycles::list).post(star_cycles::create),
        )
        .route("/innovation/star-cycles/{id}", get(star_cycles::show))
        .route(
            "/innovation/star-cycles/{id}/scores",
            post(star_cycles::save),
        )
        .route(
            "/innovation/star-cycles/{id}/close",
            post(star_cycles::close),
        )
        .route(
            "/innovation/star-cycles/{id}/studios/{studio}/confirmation",
            post(star_cycles::confirm),
        )
        .route("/notices", get(notices::list))
        .route("/notices/{id}", get(notices::show))
        .route("/notices/{id}/stage", post(notices::move_results))
        .route("/notices/{id}/objections", post(notices::lodge))
        .route("/objections/{id}/resolution", post(notices::resolve))
        .route("/showcase", get(showcase::index))
        .route("/showcase/achievements", get(showcase::achievements))
        .route("/showcase/achievements/{id}", get(showcase::achievement))
        .route("/showcase/studios", get(showcase::studios))
        .route("/showcase/studios/{id}", get(showcase::studio))
        .route("/exams", get(exams::mine))
        .route("/exams/sessions/{id}/start", post(exams::start))
        .route("/exams/attempts/{id}", get(exams::take))
        .route("/exams/attempts/{id}/submit", post(exams::submit))
        .route(
            "/exams/sessions",
            get(sessions::list).post(sessions::create),
        )
        .route("/exams/sessions/{id}", get(sessions::show))
        .route(
            "/exams/sessions/{id}/entrants",
            post(sessions::add_entrants),
        )
        .route("/exams/sessions/{id}/arrangements", post(sessions::arrange))
        .route("/exams/sessions/{id}/grades", post(sessions::grade))
        .route("/exams/sessions/{id}/regrade", post(sessions::regrade))
        .route("/exams/sessions/{id}/keys", post(sessions::release_keys))
        .route("/exams/sessions/{id}/results.xlsx", get(sessions::export))
        .route("/exams/banks", get(banks::list).post(banks::create))
        .route("/exams/banks/template.xlsx", get(banks::template))
        .route("/exams/banks/{id}", get(banks::show))
        .route("/exams/banks/{id}/import", post(banks::import))
        .route("/exams/banks/{id}/papers", post(questions::create_paper))
        .route(
            "/exams/questions/{id}/picture",
            post(questions::add_picture),
        )
        .route("/exams/images/{id}", get(questions::picture))
        .route(
            "/exams/questions/{id}",
            get(questions::show).post(questions::save),
        )
        .merge(api::with_layers(api_routes, &state))
        .route(
            "/api/openapi.json",
            get(move || openapi_json(openapi.clone())),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/{name}", get(assets::serve))
        .fallback(not_found)
        .layer(from_fn_with_state(
            state.clone(),
            crate::page_cache::middleware,
        ))
        .layer(from_fn_with_state(state.clone(), context::middleware))
        .layer(axum::middleware::from_fn(crate::telemetry::middleware))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

async fn openapi_json(doc: Arc<String>) -> Response {
    let mut response = doc.as_str().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, WebError> {
    state.db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "database not reachable");
        WebError::Unavailable
    })?;
    Ok("ready")
}

async fn not_found() -> WebError {
    WebError::NotFound
}
