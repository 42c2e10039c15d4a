//! The API for units.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gongjiang_app::units::{self, UnitInput};
use gongjiang_db::units::UnitRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// `federation`, `industry_union`, `district_union`, `enterprise_union` or `branch_union`.
    pub kind: String,
    pub code: String,
    pub name: String,
    /// When the unit was closed (milliseconds since the epoch), if it was.
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<UnitRecord> for UnitDto {
    fn from(u: UnitRecord) -> Self {
        UnitDto {
            id: u.id,
            parent_id: u.parent_id,
            kind: u.kind.as_str().to_owned(),
            code: u.code,
            name: u.name,
            closed_at: u.closed_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of a name or code.
    #[serde(default)]
    q: String,
    /// Include closed units.
    #[serde(default)]
    closed: bool,
}

/// The units the caller manages, parents before children.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListParams), responses((status = 200, body = Vec<UnitDto>), (status = 403, body = super::ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ListParams>,
) -> WebResult<Json<Vec<UnitDto>>> {
    Ok(Json(
        units::list(&state.db, &me.caller, &p.q, p.closed)
            .await?
            .into_iter()
            .map(UnitDto::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUnit {
    pub parent_id: i64,
    pub kind: String,
    pub code: String,
    pub name: String,
}

/// Creates a unit under a parent the caller manages.
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = NewUnit, responses((status = 201, body = UnitDto), (status = 422, body = super::ApiError), (status = 403, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<NewUnit>,
) -> WebResult<(StatusCode, Json<UnitDto>)> {
    let input = UnitInput {
        parent_id: Some(body.parent_id),
        kind: body.kind,
        code: body.code,
        name: body.name,
    };
    Ok((
        StatusCode::CREATED,
        Json(units::create(&state.db, &me.caller, input).await?.into()),
    ))
}

/// One unit the caller manages.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)), responses((status = 200, body = UnitDto), (status = 404, body = super::ApiError)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<UnitDto>> {
    Ok(Json(units::get(&state.db, &me.caller, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UnitChange {
    /// A new name.
    pub name: Option<String>,
    /// A new parent: the unit moves there with its subtree.
    pub parent_id: Option<i64>,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: String,
}

/// Renames and/or moves a unit.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)), request_body = UnitChange, responses((status = 200, body = UnitDto), (status = 422, body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UnitChange>,
) -> WebResult<Json<UnitDto>> {
    let mut unit = units::get(&state.db, &me.caller, id).await?;
    if let Some(name) = &body.name {
        unit = units::rename(&state.db, &me.caller, id, name, &body.reason).await?;
    }
    if let Some(parent) = body.parent_id {
        unit = units::move_to(&state.db, &me.caller, id, parent, &body.reason).await?;
    }
    Ok(Json(unit.into()))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct Reason {
    #[serde(default)]
    pub reason: String,
}

/// Closes a unit (it keeps its history). A unit with open children cannot close.
#[utoipa::path(post, path = "/api/v1/units/{id}/close", tag = "units", params(("id" = i64, Path)), request_body = Reason, responses((status = 200, body = UnitDto), (status = 409, body = super::ApiError)))]
pub async fn close(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Reason>,
) -> WebResult<Json<UnitDto>> {
    Ok(Json(
        units::close(&state.db, &me.caller, id, &body.reason)
            .await?
            .into(),
    ))
}

/// Reopens a closed unit.
#[utoipa::path(post, path = "/api/v1/units/{id}/reopen", tag = "units", params(("id" = i64, Path)), request_body = Reason, responses((status = 200, body = UnitDto), (status = 409, body = super::ApiError)))]
pub async fn reopen(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Reason>,
) -> WebResult<Json<UnitDto>> {
    Ok(Json(
        units::reopen(&state.db, &me.caller, id, &body.reason)
            .await?
            .into(),
    ))
}
