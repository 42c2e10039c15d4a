//! The API for people.

use super::kit::{ApiJson, Paged, Paging};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gongjiang_app::people::{self, PersonInput};
use gongjiang_db::people::PersonView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub name: String,
    pub employee_no: String,
    /// `male`, `female` or empty.
    pub gender: String,
    pub phone: String,
    pub email: String,
    pub trade: String,
    pub post: String,
    pub username: Option<String>,
    pub updated_at: i64,
}

impl From<PersonView> for PersonDto {
    fn from(p: PersonView) -> Self {
        PersonDto {
            id: p.id,
            unit_id: p.unit_id,
            unit_code: p.unit_code,
            unit_name: p.unit_name,
            name: p.name,
            employee_no: p.employee_no,
            gender: p.gender,
            phone: p.phone,
            email: p.email,
            trade: p.trade,
            post: p.post,
            username: p.username,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of a name, or an exact employee number or phone number.
    #[serde(default)]
    q: String,
    /// Only people in this unit's subtree.
    unit: Option<i64>,
}

/// People the caller manages, a page at a time.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(ListParams, Paging), responses((status = 200, body = Paged<PersonDto>)))]
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ListParams>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<PersonDto>>> {
    let page = paging.resolve(50)?;
    let (items, total) = people::list(&state.db, &me.caller, &p.q, p.unit, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(PersonDto::from).collect(),
        total,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct PersonBody {
    pub unit_id: i64,
    pub name: String,
    #[serde(default)]
    pub employee_no: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub trade: String,
    #[serde(default)]
    pub post: String,
    /// Why (on changes), for the audit log.
    #[serde(default)]
    pub reason: String,
}

impl PersonBody {
    fn input(&self) -> PersonInput {
        PersonInput {
            unit_id: self.unit_id,
            name: self.name.clone(),
            employee_no: self.employee_no.clone(),
            gender: self.gender.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            trade: self.trade.clone(),
            post: self.post.clone(),
        }
    }
}

/// Records a person in a unit the caller manages.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonBody, responses((status = 201, body = PersonDto), (status = 422, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<PersonBody>,
) -> WebResult<(StatusCode, Json<PersonDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            people::create(&state.db, &me.caller, body.input())
                .await?
                .into(),
        ),
    ))
}

/// One person the caller manages.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), responses((status = 200, body = PersonDto), (status = 404, body = super::ApiError)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PersonDto>> {
    Ok(Json(people::get(&state.db, &me.caller, id).await?.into()))
}

/// Replaces a person's details.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonBody, responses((status = 200, body = PersonDto), (status = 422, body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PersonBody>,
) -> WebResult<Json<PersonDto>> {
    Ok(Json(
        people::update(&state.db, &me.caller, id, body.input(), &body.reason)
            .await?
            .into(),
    ))
}
