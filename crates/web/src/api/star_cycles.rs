//! The API for studio star evaluations: cycles (list, create, read with every studio's
//! score, trace and proposal), an expert's scores, closing, and confirming a proposal into
//! the studio's history. Same services as the pages.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::star_cycles::{self, CycleInput, CyclePage, SheetInput, StudioLine};
use gongjiang_db::star_cycles::CycleRow;

/// The cycles the caller keeps studios for or sits on as an expert.
#[utoipa::path(get, path = "/api/v1/star-cycles", tag = "star evaluations", responses((status = 200, body = [CycleRow])))]
pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<CycleRow>>> {
    Ok(Json(star_cycles::list(&state.db, &me.caller).await?))
}

#[utoipa::path(post, path = "/api/v1/star-cycles", tag = "star evaluations", request_body = CycleInput, responses((status = 201, body = CycleRow)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<CycleInput>,
) -> WebResult<(StatusCode, Json<CycleRow>)> {
    let row = star_cycles::create(&state.db, &me.caller, body).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// A cycle with every studio's score (with its trace) and proposal.
#[utoipa::path(get, path = "/api/v1/star-cycles/{id}", tag = "star evaluations", params(("id" = i64, Path)), responses((status = 200, body = CyclePage)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<CyclePage>> {
    Ok(Json(star_cycles::page(&state.db, &me.caller, id).await?))
}

/// An expert's scores for one studio, every criterion at once.
#[utoipa::path(post, path = "/api/v1/star-cycles/{id}/scores", tag = "star evaluations", params(("id" = i64, Path)), request_body = SheetInput, responses((status = 200, body = StudioLine)))]
pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SheetInput>,
) -> WebResult<Json<StudioLine>> {
    Ok(Json(
        star_cycles::save(&state.db, &me.caller, id, &body).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/star-cycles/{id}/close", tag = "star evaluations", params(("id" = i64, Path)), responses((status = 200, body = CycleRow)))]
pub async fn close(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<CycleRow>> {
    Ok(Json(star_cycles::close(&state.db, &me.caller, id).await?))
}

/// Confirms a studio's proposal into its history (the cycle as the source).
#[utoipa::path(post, path = "/api/v1/star-cycles/{id}/studios/{studio}/confirmation", tag = "star evaluations", params(("id" = i64, Path), ("studio" = i64, Path)), responses((status = 200, body = StudioLine)))]
pub async fn confirm(
    State(state): State<AppState>,
    me: Me,
    Path((id, studio)): Path<(i64, i64)>,
) -> WebResult<Json<StudioLine>> {
    Ok(Json(
        star_cycles::confirm(&state.db, &me.caller, id, studio).await?,
    ))
}
