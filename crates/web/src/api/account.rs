//! The API of the signed-in user: who am I, and personal tokens.

use super::kit::{ApiJson, Secret};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::auth::{self, TokenInput};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct RoleDto {
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub must_change_password: bool,
    pub roles: Vec<RoleDto>,
}

/// The signed-in user and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses((status = 200, body = MeDto), (status = 401, body = super::ApiError)))]
pub async fn me(me: Me) -> Json<MeDto> {
    let u = &me.user.user;
    Json(MeDto {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        person_id: u.person_id,
        must_change_password: u.must_change_password,
        roles: me
            .user
            .grants
            .iter()
            .map(|g| RoleDto {
                role: g.role.clone(),
                unit_id: g.unit_id,
                unit_name: g.unit_name.clone(),
            })
            .collect(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// `read` or `write`, then `:` and its modules when not all.
    pub scope: String,
}

/// The signed-in user's personal API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = Vec<TokenDto>)))]
pub async fn list_tokens(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<TokenDto>>> {
    let tokens = auth::list_api_tokens(&state.db, me.user.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenDto {
                id: t.id,
                name: t.name,
                prefix: t.prefix,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked_at: t.revoked_at,
                expires_at: t.expires_at,
                scope: t.scope,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    /// Shown only in this answer: keep it safe.
    pub token: String,
}

/// Creates a personal API token: read only unless `access` is `write`, for every module unless
/// `modules` names some, for `expires_in_days` (90 unless said). Only a session makes tokens:
/// a request signed with a token is refused (403).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenInput, responses((status = 201, body = CreatedToken), (status = 403, body = super::ApiError), (status = 422, body = super::ApiError)))]
pub async fn create_token(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<TokenInput>,
) -> WebResult<Secret<CreatedToken>> {
    let (id, token) = auth::create_api_token(&state.db, &me.user, &me.ctx.origin, &body).await?;
    Ok(Secret(StatusCode::CREATED, CreatedToken { id, token }))
}

/// Revokes one of the signed-in user's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = super::ApiError)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    auth::revoke_api_token(&state.db, &me.user, &me.ctx.origin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
