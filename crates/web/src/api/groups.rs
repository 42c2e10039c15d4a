//! The API for innovation centers and bases: groups of alliances and studios kept by a unit's
//! admins.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::groups::{self, GroupInput};
use gongjiang_db::groups::{GroupView, MemberView};
#[allow(unused_imports)] // named in schema attributes
use gongjiang_domain::registry::alliance::GroupKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[schema(value_type = GroupKind)]
    pub kind: String,
    pub name: String,
    pub summary: String,
    /// Member studios and alliances.
    pub studios: i64,
    pub alliances: i64,
}

impl From<GroupView> for GroupDto {
    fn from(g: GroupView) -> Self {
        GroupDto {
            id: g.id,
            unit_id: g.unit_id,
            unit_name: g.unit_name,
            kind: g.kind,
            name: g.name,
            summary: g.summary,
            studios: g.studios,
            alliances: g.alliances,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupDetail {
    pub group: GroupDto,
    /// Alliances first, then studios.
    pub members: Vec<MemberView>,
    pub can_keep: bool,
}

/// Every center and base (any signed-in user).
#[utoipa::path(get, path = "/api/v1/groups", tag = "alliances", responses((status = 200, body = Vec<GroupDto>)))]
pub async fn list(State(state): State<AppState>, _me: Me) -> WebResult<Json<Vec<GroupDto>>> {
    let list = groups::list(&state.db).await?;
    Ok(Json(list.into_iter().map(GroupDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct GroupBody {
    pub unit_id: i64,
    #[schema(value_type = GroupKind)]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub summary: String,
}

/// Records a center or base kept by a unit the caller administers.
#[utoipa::path(post, path = "/api/v1/groups", tag = "alliances", request_body = GroupBody, responses((status = 201, body = GroupDto)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<GroupBody>,
) -> WebResult<(StatusCode, Json<GroupDto>)> {
    let input = GroupInput {
        unit_id: body.unit_id,
        kind: body.kind,
        name: body.name,
        summary: body.summary,
    };
    let g = groups::create(&state.db, &me.caller, input).await?;
    Ok((StatusCode::CREATED, Json(g.into())))
}

/// A center or base with its members.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "alliances", params(("id" = i64, Path)), responses((status = 200, body = GroupDetail)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<GroupDetail>> {
    let p = groups::page(&state.db, &me.caller, id).await?;
    Ok(Json(GroupDetail {
        group: p.group.into(),
        members: p.members,
        can_keep: p.can_keep,
    }))
}

/// A studio or an alliance to add (one of the two).
#[derive(Deserialize, ToSchema)]
pub struct NewGroupMember {
    pub studio_id: Option<i64>,
    pub alliance_id: Option<i64>,
}

/// Adds a studio or an alliance (the group's keepers).
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "alliances", params(("id" = i64, Path)), request_body = NewGroupMember, responses((status = 204, description = "added")))]
pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewGroupMember>,
) -> WebResult<StatusCode> {
    groups::add(&state.db, &me.caller, id, body.studio_id, body.alliance_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
