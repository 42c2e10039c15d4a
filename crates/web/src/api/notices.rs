//! The API for the results notice (公示): the public list and notices (no token), an
//! organiser's moves (freeze, publish, reopen, final), objections and their answers, and an
//! entrant's own results once on notice. Same services as the pages.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::{Ctx, Me};
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::notices::{self, MoveInput, MyResult, Notice, ObjectionInput, ResolutionInput};
use gongjiang_db::notices::{NoticeListing, ObjectionRow, ResultState};
use serde::Serialize;
use utoipa::ToSchema;

/// Tracks whose results are on notice or final.
#[utoipa::path(get, path = "/api/v1/public/notices", tag = "notices", responses((status = 200, body = [NoticeListing])))]
pub async fn list(State(state): State<AppState>) -> WebResult<Json<Vec<NoticeListing>>> {
    Ok(Json(notices::listings(&state.db).await?))
}

/// A notice as the public sees it: the frozen results, its period and its corrections.
#[utoipa::path(get, path = "/api/v1/public/notices/{id}", tag = "notices", params(("id" = i64, Path, description = "The track")), responses((status = 200, body = Notice)))]
pub async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<Notice>> {
    let anonymous = gongjiang_app::Caller::anonymous(&ctx.origin);
    Ok(Json(notices::notice(&state.db, &anonymous, id).await?))
}

/// A track's notice for the caller: organisers see it at every stage with every objection;
/// others see their own objections.
#[utoipa::path(get, path = "/api/v1/tracks/{id}/notice", tag = "notices", params(("id" = i64, Path)), responses((status = 200, body = Notice)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Notice>> {
    Ok(Json(notices::notice(&state.db, &me.caller, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ResultStateDto {
    pub track_id: i64,
    /// `open`, `frozen`, `notice` or `final`.
    pub stage: String,
    pub version: i64,
    pub notice_opens_at: Option<i64>,
    pub notice_closes_at: Option<i64>,
}

impl From<ResultState> for ResultStateDto {
    fn from(s: ResultState) -> Self {
        Self {
            track_id: s.track_id,
            stage: s.stage.as_str().to_owned(),
            version: s.version,
            notice_opens_at: s.notice_opens_at,
            notice_closes_at: s.notice_closes_at,
        }
    }
}

/// Moves the results on: `freeze`, `publish` (with `days`), `reopen` (with `reason`), `final`.
#[utoipa::path(post, path = "/api/v1/tracks/{id}/results/stage", tag = "notices", params(("id" = i64, Path)), request_body = MoveInput, responses((status = 200, body = ResultStateDto)))]
pub async fn move_results(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MoveInput>,
) -> WebResult<Json<ResultStateDto>> {
    Ok(Json(
        notices::move_results(&state.db, &me.caller, id, &body)
            .await?
            .into(),
    ))
}

/// Lodges an objection while the notice runs.
#[utoipa::path(post, path = "/api/v1/tracks/{id}/objections", tag = "notices", params(("id" = i64, Path)), request_body = ObjectionInput, responses((status = 201, body = ObjectionRow)))]
pub async fn lodge(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ObjectionInput>,
) -> WebResult<(StatusCode, Json<ObjectionRow>)> {
    let row = notices::lodge(&state.db, &me.caller, id, &body).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Answers an objection (`upheld` or `dismissed`, with the answer).
#[utoipa::path(post, path = "/api/v1/objections/{id}/resolution", tag = "notices", params(("id" = i64, Path)), request_body = ResolutionInput, responses((status = 200, body = ObjectionRow)))]
pub async fn resolve(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ResolutionInput>,
) -> WebResult<Json<ObjectionRow>> {
    Ok(Json(
        notices::resolve(&state.db, &me.caller, id, &body).await?,
    ))
}

/// The caller's own results, for tracks on notice or final.
#[utoipa::path(get, path = "/api/v1/me/results", tag = "notices", responses((status = 200, body = [MyResult])))]
pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<MyResult>>> {
    Ok(Json(notices::mine(&state.db, &me.caller).await?))
}
