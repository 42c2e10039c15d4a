//! The API for exhibitions of achievements, for the admins who keep them: the online part,
//! the venue's boards, publication. The public part is under `/api/v1/public/exhibitions`.

use super::kit::ApiJson;
use super::public::ExhibitedItem;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::exhibitions::{self, ExhibitionInput, VenueInput};
use gongjiang_db::exhibitions::{ExhibitionView, ItemView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ExhibitionDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    pub venue: String,
    /// `YYYY-MM-DD`, or empty.
    pub opens_on: String,
    pub closes_on: String,
    pub published: bool,
    /// Achievements in it, and those also at the venue.
    pub items: i64,
    pub offline_items: i64,
}

impl From<ExhibitionView> for ExhibitionDto {
    fn from(e: ExhibitionView) -> Self {
        ExhibitionDto {
            id: e.id,
            unit_id: e.unit_id,
            unit_name: e.unit_name,
            title: e.title,
            summary: e.summary,
            venue: e.venue,
            opens_on: e.opens_on,
            closes_on: e.closes_on,
            published: e.published,
            items: e.items,
            offline_items: e.offline_items,
        }
    }
}

/// An item with its board and model notes (for the keepers).
#[derive(Serialize, ToSchema)]
pub struct KeptItem {
    #[serde(flatten)]
    pub item: ExhibitedItem,
    pub position: i64,
    pub board_note: String,
    pub model_note: String,
    /// Whether the achievement itself is published (only published ones show online).
    pub published: bool,
}

impl From<ItemView> for KeptItem {
    fn from(i: ItemView) -> Self {
        let (position, board_note, model_note, published) = (
            i.position,
            i.board_note.clone(),
            i.model_note.clone(),
            i.published,
        );
        KeptItem {
            item: i.into(),
            position,
            board_note,
            model_note,
            published,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExhibitionDetail {
    pub exhibition: ExhibitionDto,
    pub items: Vec<KeptItem>,
}

/// The exhibitions the caller keeps, newest first.
#[utoipa::path(get, path = "/api/v1/exhibitions", tag = "exhibitions", responses((status = 200, body = Vec<ExhibitionDto>)))]
pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<ExhibitionDto>>> {
    let list = exhibitions::list(&state.db, &me.caller).await?;
    Ok(Json(list.into_iter().map(ExhibitionDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct ExhibitionBody {
    pub unit_id: i64,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub venue: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
}

/// Opens an exhibition kept by a unit the caller administers.
#[utoipa::path(post, path = "/api/v1/exhibitions", tag = "exhibitions", request_body = ExhibitionBody, responses((status = 201, body = ExhibitionDto)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<ExhibitionBody>,
) -> WebResult<(StatusCode, Json<ExhibitionDto>)> {
    let input = ExhibitionInput {
        unit_id: body.unit_id,
        title: body.title,
        summary: body.summary,
        venue: body.venue,
        opens_on: body.opens_on,
        closes_on: body.closes_on,
    };
    let e = exhibitions::create(&state.db, &me.caller, input).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// An exhibition with every item, online and at the venue (its keepers).
#[utoipa::path(get, path = "/api/v1/exhibitions/{id}", tag = "exhibitions", params(("id" = i64, Path)), responses((status = 200, body = ExhibitionDetail)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<ExhibitionDetail>> {
    let p = exhibitions::page(&state.db, &me.caller, id).await?;
    Ok(Json(ExhibitionDetail {
        exhibition: p.exhibition.into(),
        items: p.items.into_iter().map(KeptItem::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewItem {
    /// A published achievement.
    pub achievement_id: i64,
}

/// Adds a published achievement to the online part.
#[utoipa::path(post, path = "/api/v1/exhibitions/{id}/items", tag = "exhibitions", params(("id" = i64, Path)), request_body = NewItem, responses((status = 204, description = "added")))]
pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewItem>,
) -> WebResult<StatusCode> {
    exhibitions::add(&state.db, &me.caller, id, body.achievement_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct Venue {
    /// Shown at the venue too.
    #[serde(default)]
    pub at_venue: bool,
    /// Required at the venue; unique in the exhibition.
    #[serde(default)]
    pub board_no: String,
    #[serde(default)]
    pub board_note: String,
    #[serde(default)]
    pub model_note: String,
}

/// Puts an item at the venue on a board (or takes it off the venue).
#[utoipa::path(put, path = "/api/v1/exhibitions/{id}/items/{achievement}", tag = "exhibitions", params(("id" = i64, Path), ("achievement" = i64, Path)), request_body = Venue, responses((status = 204, description = "saved")))]
pub async fn set_venue(
    State(state): State<AppState>,
    me: Me,
    Path((id, achievement)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<Venue>,
) -> WebResult<StatusCode> {
    let input = VenueInput {
        offline: body.at_venue,
        board_no: body.board_no,
        board_note: body.board_note,
        model_note: body.model_note,
    };
    exhibitions::set_venue(&state.db, &me.caller, id, achievement, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes an item out of the exhibition.
#[utoipa::path(delete, path = "/api/v1/exhibitions/{id}/items/{achievement}", tag = "exhibitions", params(("id" = i64, Path), ("achievement" = i64, Path)), responses((status = 204, description = "removed")))]
pub async fn remove(
    State(state): State<AppState>,
    me: Me,
    Path((id, achievement)): Path<(i64, i64)>,
) -> WebResult<StatusCode> {
    exhibitions::remove(&state.db, &me.caller, id, achievement).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ExhibitionPublication {
    pub published: bool,
    #[serde(default)]
    pub reason: String,
}

/// Opens the exhibition to the public, or closes it.
#[utoipa::path(put, path = "/api/v1/exhibitions/{id}/publication", tag = "exhibitions", params(("id" = i64, Path)), request_body = ExhibitionPublication, responses((status = 204, description = "saved")))]
pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ExhibitionPublication>,
) -> WebResult<StatusCode> {
    exhibitions::publish(&state.db, &me.caller, id, body.published, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
