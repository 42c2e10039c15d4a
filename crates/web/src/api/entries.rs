//! The API for registration: sign up or enrol for a track, approve or return up the union
//! tree, withdraw, and read entries as the pages show them. Same services as the pages.

use super::kit::{ApiJson, IfMatch, Paged, Paging, tagged};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::entries::{self, EntryInput};
use gongjiang_db::entries::{EntryStep, EntryView};
use gongjiang_domain::competition::entry::{EntryDecision, EntryStage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An entry as a client sends it: without `person_id` the caller signs themselves up; with
/// it, a unit admin enrols that person (approved at once by every level the admin keeps).
#[derive(Deserialize, ToSchema)]
pub struct EntryBody {
    pub person_id: Option<i64>,
    /// The team's name (team tracks only).
    #[serde(default)]
    pub team: String,
    /// `YYYY-MM-DD`, needed when the track has an age range.
    #[serde(default)]
    pub birth_on: String,
}

#[utoipa::path(post, path = "/api/v1/tracks/{id}/entries", tag = "competitions", params(("id" = i64, Path)), request_body = EntryBody, responses((status = 201, body = EntryView, headers(("ETag" = String, description = "The entry's version, for `If-Match`")))))]
pub async fn enter(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    ApiJson(body): ApiJson<EntryBody>,
) -> WebResult<Response> {
    let input = EntryInput {
        team: body.team,
        birth_on: body.birth_on,
    };
    let entry = match body.person_id {
        Some(person) => entries::enrol(&state.db, &me.caller, track_id, person, input).await?,
        None => entries::sign_up(&state.db, &me.caller, track_id, input).await?,
    };
    Ok(tagged(StatusCode::CREATED, entry.updated_at, entry))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    /// Only entries at this stage.
    stage: Option<EntryStage>,
    /// Only those waiting on a unit the caller keeps.
    #[serde(default)]
    waiting: bool,
}

/// A track's entries: all of them for its organisers, else those of the caller's units.
#[utoipa::path(get, path = "/api/v1/tracks/{id}/entries", tag = "competitions", params(("id" = i64, Path), EntryQuery, Paging), responses((status = 200, body = Paged<EntryView>)))]
pub async fn of_track(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Query(q): Query<EntryQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<EntryView>>> {
    let page = paging.resolve(50)?;
    let (items, total) = entries::of_track(
        &state.db,
        &me.caller,
        track_id,
        q.stage,
        q.waiting,
        page.page(),
    )
    .await?;
    Ok(Json(page.answer(items, total)))
}

/// An entry with the steps of its approval.
#[derive(Serialize, ToSchema)]
pub struct EntryDetail {
    pub entry: EntryView,
    pub steps: Vec<EntryStep>,
    /// The caller keeps the unit it waits on.
    pub can_decide: bool,
    pub can_withdraw: bool,
}

#[utoipa::path(get, path = "/api/v1/entries/{id}", tag = "competitions", params(("id" = i64, Path)), responses((status = 200, body = EntryDetail, headers(("ETag" = String, description = "The entry's version, for `If-Match`")))))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = entries::entry(&state.db, &me.caller, id).await?;
    let version = p.entry.updated_at;
    let body = EntryDetail {
        entry: p.entry,
        steps: p.steps,
        can_decide: p.can_decide,
        can_withdraw: p.can_withdraw,
    };
    Ok(tagged(StatusCode::OK, version, body))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub decision: EntryDecision,
    /// Needed to return an entry; shown to the entrant.
    #[serde(default)]
    pub reason: String,
}

/// The unit the entry waits on approves it (one level up, or for good at the organiser) or
/// returns it with a reason.
#[utoipa::path(post, path = "/api/v1/entries/{id}/decisions", tag = "competitions", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the decision was made against")), request_body = DecisionBody, responses((status = 200, body = EntryView, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn decide(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<DecisionBody>,
) -> WebResult<Response> {
    let e = entries::decide(
        &state.db,
        &me.caller,
        id,
        body.decision.as_str(),
        &body.reason,
        version,
    )
    .await?;
    Ok(tagged(StatusCode::OK, e.updated_at, e))
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawalBody {
    #[serde(default)]
    pub reason: String,
}

/// The entrant, or an admin of their unit, withdraws the entry; its place is freed.
#[utoipa::path(post, path = "/api/v1/entries/{id}/withdrawal", tag = "competitions", params(("id" = i64, Path)), request_body = WithdrawalBody, responses((status = 200, body = EntryView)))]
pub async fn withdraw(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<WithdrawalBody>,
) -> WebResult<Response> {
    let e = entries::withdraw(&state.db, &me.caller, id, &body.reason).await?;
    Ok(tagged(StatusCode::OK, e.updated_at, e))
}

/// Entries of every track waiting on a unit the caller keeps.
#[utoipa::path(get, path = "/api/v1/entry-inbox", tag = "competitions", params(Paging), responses((status = 200, body = Paged<EntryView>)))]
pub async fn inbox(
    State(state): State<AppState>,
    me: Me,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<EntryView>>> {
    let page = paging.resolve(50)?;
    let (items, total) = entries::inbox(&state.db, &me.caller, page.page()).await?;
    Ok(Json(page.answer(items, total)))
}

/// The caller's own entries.
#[utoipa::path(get, path = "/api/v1/my/entries", tag = "competitions", responses((status = 200, body = Vec<EntryView>)))]
pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<EntryView>>> {
    Ok(Json(entries::mine(&state.db, &me.caller).await?))
}

/// Enrols many workers from an `.xlsx` in the enrolment template's columns (multipart field
/// `file`): 单位编码, 工号, 姓名, 队名, 出生日期. All or nothing: a rejected file answers 422
/// with every problem as `row N column`.
#[utoipa::path(post, path = "/api/v1/tracks/{id}/entries/import", tag = "competitions", params(("id" = i64, Path)), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the .xlsx file in the enrolment template's columns"), responses((status = 200, body = super::sheets::ImportResult)))]
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Json<super::sheets::ImportResult>> {
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (_, bytes) = file.ok_or_else(|| {
        crate::error::WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file"))
    })?;
    let report =
        gongjiang_app::entry_imports::import(&state.db, &me.caller, track_id, &bytes).await?;
    Ok(Json(report.into()))
}

/// A track's entries as the caller may see them, as an `.xlsx` (number, entrant, unit, team,
/// stage, the unit an entry waits on).
#[utoipa::path(get, path = "/api/v1/tracks/{id}/entries/export", tag = "competitions", params(("id" = i64, Path)), responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let english = me.ctx.tr.locale.is_english();
    let bytes =
        gongjiang_app::entry_imports::export(&state.db, &me.caller, track_id, english).await?;
    Ok(crate::view::xlsx(
        bytes,
        &format!("entries-{track_id}.xlsx"),
    ))
}
