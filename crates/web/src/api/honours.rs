//! The API for people's honours and master–apprentice pairs, and a person's registry record.

use super::kit::ApiJson;
use super::records::{AchievementCard, Reference};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gongjiang_app::honours::{self, MentorshipInput};
use gongjiang_db::honours::{HonourView, MentorshipView};
use gongjiang_domain::registry::honour::HonourInput;
#[allow(unused_imports)] // named in schema attributes
use gongjiang_domain::registry::honour::{HonourKind, HonourLevel};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What the registry knows of a person.
#[derive(Serialize, ToSchema)]
pub struct PersonRecordDto {
    pub honours: Vec<HonourView>,
    pub mentorships: Vec<MentorshipView>,
    pub studios: Vec<Reference>,
    pub achievements: Vec<AchievementCard>,
    /// Competition prizes, as their valid certificates (serial for `/verify/{serial}`).
    pub prizes: Vec<gongjiang_db::certificates::CertificateRow>,
}

/// A person's honours, pairs, studios, achievements and prizes (those who keep the person, and the
/// person themself).
#[utoipa::path(get, path = "/api/v1/people/{id}/record", tag = "people", params(("id" = i64, Path)), responses((status = 200, body = PersonRecordDto)))]
pub async fn record(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PersonRecordDto>> {
    let r = honours::record_of(&state.db, &me.caller, id).await?;
    Ok(Json(PersonRecordDto {
        honours: r.honours,
        mentorships: r.mentorships,
        studios: r
            .studios
            .into_iter()
            .map(|s| Reference {
                id: s.id,
                name: s.name,
            })
            .collect(),
        achievements: r
            .achievements
            .into_iter()
            .map(AchievementCard::from)
            .collect(),
        prizes: r.prizes,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct HonourBody {
    #[schema(value_type = HonourKind)]
    pub kind: String,
    #[schema(value_type = HonourLevel)]
    pub level: String,
    pub title: String,
    pub year: i64,
    #[serde(default)]
    pub granted_by: String,
}

/// Records an honour a person holds (those who keep the person).
#[utoipa::path(post, path = "/api/v1/people/{id}/honours", tag = "people", params(("id" = i64, Path)), request_body = HonourBody, responses((status = 201, body = HonourView)))]
pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<HonourBody>,
) -> WebResult<(StatusCode, Json<HonourView>)> {
    let input = HonourInput {
        kind: body.kind,
        level: body.level,
        title: body.title,
        year: body.year.to_string(),
        granted_by: body.granted_by,
    };
    let honour = honours::add(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(honour)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemovalReason {
    /// Why it goes (required; kept in the audit log with what it was).
    reason: String,
}

/// Removes an honour recorded by mistake.
#[utoipa::path(delete, path = "/api/v1/honours/{id}", tag = "people", params(("id" = i64, Path), RemovalReason), responses((status = 204, description = "removed")))]
pub async fn remove(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(q): Query<RemovalReason>,
) -> WebResult<StatusCode> {
    honours::remove(&state.db, &me.caller, id, &q.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MentorshipBody {
    pub master_id: i64,
    pub apprentice_id: i64,
    pub from_year: i64,
    pub to_year: Option<i64>,
}

/// Records a master–apprentice pair: the caller keeps one of the two, and can find the other.
#[utoipa::path(post, path = "/api/v1/mentorships", tag = "people", request_body = MentorshipBody, responses((status = 201, body = MentorshipView)))]
pub async fn add_mentorship(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<MentorshipBody>,
) -> WebResult<(StatusCode, Json<MentorshipView>)> {
    let input = MentorshipInput {
        master_id: body.master_id,
        apprentice_id: body.apprentice_id,
        from_year: body.from_year.to_string(),
        to_year: body.to_year.map(|y| y.to_string()).unwrap_or_default(),
    };
    let pair = honours::add_mentorship(&state.db, &me.caller, input).await?;
    Ok((StatusCode::CREATED, Json(pair)))
}
