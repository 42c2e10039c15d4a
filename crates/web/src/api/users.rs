//! The API for accounts and roles: what the person page's account section can do.

use super::kit::{ApiJson, Secret};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::accounts;
use gongjiang_db::users::GrantView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct GrantDto {
    pub id: i64,
    /// `federation_admin`, `unit_admin`, `studio_leader`, `judge` or `worker`.
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub granted_at: i64,
}

impl From<GrantView> for GrantDto {
    fn from(g: GrantView) -> Self {
        GrantDto {
            id: g.id,
            role: g.role,
            unit_id: g.unit_id,
            unit_name: g.unit_name,
            granted_at: g.granted_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    pub id: i64,
    pub person_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    /// Until when failed logins lock the account (0: not locked).
    pub locked_until: i64,
    pub must_change_password: bool,
    pub grants: Vec<GrantDto>,
}

/// An account the caller manages, with its roles.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = i64, Path)), responses((status = 200, body = AccountDto), (status = 404, body = super::ApiError)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<AccountDto>> {
    let (u, grants) = accounts::get(&state.db, &me.caller, id).await?;
    Ok(Json(AccountDto {
        id: u.id,
        person_id: u.person_id,
        username: u.username,
        display_name: u.display_name,
        disabled: u.disabled,
        locked_until: u.locked_until,
        must_change_password: u.must_change_password,
        grants: grants.into_iter().map(GrantDto::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAccount {
    pub username: String,
    /// Leave out to have one generated (returned once; it must be changed at first login).
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedAccount {
    pub id: i64,
    pub username: String,
    /// The generated password, if none was given: shown only in this answer.
    pub initial_password: Option<String>,
}

/// Opens a login account for a person.
#[utoipa::path(post, path = "/api/v1/people/{id}/account", tag = "accounts", params(("id" = i64, Path)), request_body = NewAccount, responses((status = 201, body = CreatedAccount), (status = 409, body = super::ApiError), (status = 422, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Path(person_id): Path<i64>,
    ApiJson(body): ApiJson<NewAccount>,
) -> WebResult<Secret<CreatedAccount>> {
    let (user, generated) = accounts::create_for_person(
        &state.db,
        &me.caller,
        person_id,
        &body.username,
        body.password.as_deref(),
    )
    .await?;
    Ok(Secret(
        StatusCode::CREATED,
        CreatedAccount {
            id: user.id,
            username: user.username,
            initial_password: generated,
        },
    ))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct Reason {
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewPassword {
    /// Shown only in this answer; the user must change it at next login.
    pub password: String,
}

/// Sets a new generated password and ends the user's sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "accounts", params(("id" = i64, Path)), request_body = Reason, responses((status = 200, body = NewPassword), (status = 404, body = super::ApiError)))]
pub async fn reset_password(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Reason>,
) -> WebResult<Secret<NewPassword>> {
    let password = accounts::reset_password(&state.db, &me.caller, id, &body.reason).await?;
    Ok(Secret(StatusCode::OK, NewPassword { password }))
}

#[derive(Deserialize, ToSchema)]
pub struct AccountState {
    pub disabled: bool,
    #[serde(default)]
    pub reason: String,
}

/// Disables or enables an account (a disabled account cannot log in; its sessions end).
#[utoipa::path(put, path = "/api/v1/users/{id}/state", tag = "accounts", params(("id" = i64, Path)), request_body = AccountState, responses((status = 204), (status = 409, body = super::ApiError)))]
pub async fn set_state(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AccountState>,
) -> WebResult<StatusCode> {
    accounts::set_disabled(&state.db, &me.caller, id, body.disabled, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct NewGrant {
    pub role: String,
    pub unit_id: i64,
}

/// Grants a role on a unit (and its subtree).
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", tag = "accounts", params(("id" = i64, Path)), request_body = NewGrant, responses((status = 201, body = GrantDto), (status = 403, body = super::ApiError), (status = 409, body = super::ApiError)))]
pub async fn grant(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewGrant>,
) -> WebResult<(StatusCode, Json<GrantDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            accounts::grant(&state.db, &me.caller, id, &body.role, body.unit_id)
                .await?
                .into(),
        ),
    ))
}

/// Revokes a role.
#[utoipa::path(delete, path = "/api/v1/grants/{id}", tag = "accounts", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = super::ApiError)))]
pub async fn revoke(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    accounts::revoke(&state.db, &me.caller, id, "").await?;
    Ok(StatusCode::NO_CONTENT)
}
