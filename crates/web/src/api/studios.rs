//! The API for worker innovation studios: the register, profiles, members, levels, star
//! ratings, status, publication and pictures. Same services, so same rights, as the pages.

use super::kit::{ApiJson, IfMatch, Paged, Paging, bounded, tagged};
use super::records::{AchievementCard, PictureDto, Reference};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::studios::{
    self, Keeping, LevelInput, MemberInput, RatingInput, StatusInput, StudioInput,
};
use gongjiang_db::achievements::AwardView;
use gongjiang_db::studios::{LevelView, MemberView, RatingView, StudioFilter, StudioView};
use gongjiang_domain::registry::studio::{RatingOutcome, StudioProfileInput, StudioStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A studio's record.
#[derive(Serialize, ToSchema)]
pub struct StudioDto {
    pub id: i64,
    /// The host unit.
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub leader_person_id: Option<i64>,
    pub leader_name: Option<String>,
    /// Field codes, e.g. `manufacturing`.
    pub fields: Vec<String>,
    pub founded_year: Option<i64>,
    pub site: String,
    pub equipment: String,
    pub funds: String,
    pub contact: String,
    pub summary: String,
    /// The highest level ever granted (`enterprise`, `district`, `municipal`,
    /// `demonstration`), or empty.
    pub level: String,
    /// The latest star rating (3–5), or 0.
    pub stars: i64,
    pub status: StudioStatus,
    pub merged_into: Option<i64>,
    /// The day of the last status change, `YYYY-MM-DD`.
    pub status_on: String,
    pub published: bool,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// Milliseconds since the epoch; also the record's version (its `ETag`).
    pub updated_at: i64,
}

impl From<StudioView> for StudioDto {
    fn from(s: StudioView) -> Self {
        let fields = s.field_codes().into_iter().map(str::to_owned).collect();
        StudioDto {
            id: s.id,
            unit_id: s.unit_id,
            unit_name: s.unit_name,
            name: s.name,
            leader_person_id: s.leader_person_id,
            leader_name: s.leader_name,
            fields,
            founded_year: s.founded_year,
            site: s.site,
            equipment: s.equipment,
            funds: s.funds,
            contact: s.contact,
            summary: s.summary,
            level: s.level,
            stars: s.stars,
            status: s.status,
            merged_into: s.merged_into,
            status_on: s.status_on,
            published: s.published,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RatingDto {
    #[serde(flatten)]
    pub rating: RatingView,
    /// What it did against the rating before (computed from the dated history).
    pub outcome: RatingOutcome,
}

/// A studio with everything its page shows.
#[derive(Serialize, ToSchema)]
pub struct StudioDetail {
    pub studio: StudioDto,
    /// Everyone who was ever a member, present members first.
    pub members: Vec<MemberView>,
    pub levels: Vec<LevelView>,
    pub ratings: Vec<RatingDto>,
    pub alliances: Vec<Reference>,
    pub merged_into: Option<Reference>,
    /// Its achievements: only the published ones for those who do not keep it.
    pub achievements: Vec<AchievementCard>,
    pub awards: Vec<AwardView>,
    pub pictures: Vec<PictureDto>,
    /// Certificates of its ratings, valid ones, newest first (`/verify/{serial}`).
    pub certificates: Vec<gongjiang_db::certificates::CertificateRow>,
    /// How the caller stands to it: `admin` (everything), `leader` (profile and members) or
    /// `none`.
    pub keeping: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudioQuery {
    /// Part of the name, the leader's name or the host unit's name.
    #[serde(default)]
    q: String,
    /// A level code.
    level: Option<String>,
    #[param(minimum = 3, maximum = 5)]
    stars: Option<i64>,
    /// `active`, `merged` or `exited`.
    status: Option<String>,
    /// A field code.
    field: Option<String>,
    /// Only studios hosted in this unit's subtree.
    unit: Option<i64>,
}

/// The studios the caller keeps (admins: their units' subtrees; leaders: their own).
#[utoipa::path(get, path = "/api/v1/studios", tag = "studios", params(StudioQuery, Paging), responses((status = 200, body = Paged<StudioDto>)))]
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<StudioQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<StudioDto>>> {
    let page = paging.resolve(30)?;
    let filter = StudioFilter {
        query: gongjiang_domain::error::search_term(&q.q),
        level: q.level,
        stars: bounded("stars", q.stars, 3, 5)?,
        status: q.status,
        field: q.field,
        within: match q.unit {
            Some(unit) => Some(gongjiang_app::units::subtree(&state.db, unit).await?),
            None => None,
        },
        published_only: false,
    };
    let (items, total) = studios::list(&state.db, &me.caller, filter, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(StudioDto::from).collect(),
        total,
    )))
}

/// A studio's profile as a client sends it. On an update it replaces the whole profile
/// (send back what you read, changed); only admins may change the leader.
#[derive(Deserialize, ToSchema)]
pub struct StudioBody {
    /// The host unit (on creation; an update keeps the studio where it is).
    #[serde(default)]
    pub unit_id: i64,
    pub leader_person_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub fields: Vec<String>,
    pub founded_year: Option<i64>,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub equipment: String,
    #[serde(default)]
    pub funds: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub summary: String,
    /// Why (on updates), for the audit log.
    #[serde(default)]
    pub reason: String,
}

impl StudioBody {
    fn input(self, unit_id: i64) -> (StudioInput, String) {
        let input = StudioInput {
            unit_id,
            leader_person_id: self.leader_person_id,
            profile: StudioProfileInput {
                name: self.name,
                fields: self.fields,
                founded_year: self.founded_year.map(|y| y.to_string()).unwrap_or_default(),
                site: self.site,
                equipment: self.equipment,
                funds: self.funds,
                contact: self.contact,
                summary: self.summary,
            },
        };
        (input, self.reason)
    }
}

/// Registers a studio in a unit the caller administers.
#[utoipa::path(post, path = "/api/v1/studios", tag = "studios", request_body = StudioBody, responses((status = 201, body = StudioDto, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<StudioBody>,
) -> WebResult<Response> {
    let unit_id = body.unit_id;
    let (input, _) = body.input(unit_id);
    let studio = studios::create(&state.db, &me.caller, input).await?;
    Ok(tagged(
        StatusCode::CREATED,
        studio.updated_at,
        StudioDto::from(studio),
    ))
}

/// A studio with its people, history, alliances, achievements, awards and pictures.
#[utoipa::path(get, path = "/api/v1/studios/{id}", tag = "studios", params(("id" = i64, Path)), responses((status = 200, body = StudioDetail, headers(("ETag" = String, description = "The profile's version, for `If-Match`")))))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = studios::page(&state.db, &me.caller, id).await?;
    let version = p.studio.updated_at;
    let keeping = match p.keeping {
        Keeping::Admin => "admin",
        Keeping::Leader => "leader",
        Keeping::None => "none",
    };
    let detail = StudioDetail {
        studio: p.studio.into(),
        members: p.members,
        levels: p.levels,
        ratings: p
            .ratings
            .into_iter()
            .map(|(rating, outcome)| RatingDto { rating, outcome })
            .collect(),
        alliances: p
            .alliances
            .into_iter()
            .map(|a| Reference {
                id: a.id,
                name: a.name,
            })
            .collect(),
        merged_into: p.merged_into.map(|s| Reference {
            id: s.id,
            name: s.name,
        }),
        achievements: p
            .achievements
            .into_iter()
            .map(AchievementCard::from)
            .collect(),
        awards: p.awards,
        pictures: p
            .pictures
            .into_iter()
            .map(|(id, name)| PictureDto::studio(id, name))
            .collect(),
        certificates: p.certificates,
        keeping: keeping.into(),
    };
    Ok(tagged(StatusCode::OK, version, detail))
}

/// Replaces a studio's profile. Send the `ETag` you read as `If-Match` to be refused (412)
/// rather than overwrite a change made in between.
#[utoipa::path(put, path = "/api/v1/studios/{id}", tag = "studios", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made against")), request_body = StudioBody, responses((status = 200, body = StudioDto, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<StudioBody>,
) -> WebResult<Response> {
    let (input, reason) = body.input(0);
    let studio = studios::update(&state.db, &me.caller, id, input, &reason, version).await?;
    Ok(tagged(
        StatusCode::OK,
        studio.updated_at,
        StudioDto::from(studio),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    pub person_id: i64,
    /// `leader`, `core` or `member`.
    pub role: String,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    pub joined_on: String,
}

/// Adds a member (the studio's keepers; the person must be one they can find near the studio).
#[utoipa::path(post, path = "/api/v1/studios/{id}/members", tag = "studios", params(("id" = i64, Path)), request_body = NewMember, responses((status = 201, body = MemberView)))]
pub async fn add_member(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewMember>,
) -> WebResult<(StatusCode, Json<MemberView>)> {
    let input = MemberInput {
        person_id: body.person_id,
        role: body.role,
        joined_on: body.joined_on,
    };
    let member = studios::add_member(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

#[derive(Deserialize, ToSchema)]
pub struct Leaving {
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    pub left_on: String,
    #[serde(default)]
    pub reason: String,
}

/// Records that a member left; the membership stays in the history.
#[utoipa::path(post, path = "/api/v1/studio-members/{id}/leave", tag = "studios", params(("id" = i64, Path, description = "The membership's id")), request_body = Leaving, responses((status = 200, body = MemberView)))]
pub async fn end_member(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Leaving>,
) -> WebResult<Json<MemberView>> {
    Ok(Json(
        studios::end_member(&state.db, &me.caller, id, &body.left_on, &body.reason).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewLevel {
    /// `enterprise`, `district`, `municipal` or `demonstration`.
    pub level: String,
    pub year: i64,
    #[serde(default)]
    pub granted_by: String,
    #[serde(default)]
    pub note: String,
}

/// Recognises the studio at a level (admins of its host unit's subtree).
#[utoipa::path(post, path = "/api/v1/studios/{id}/levels", tag = "studios", params(("id" = i64, Path)), request_body = NewLevel, responses((status = 201, body = StudioDto)))]
pub async fn record_level(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewLevel>,
) -> WebResult<(StatusCode, Json<StudioDto>)> {
    let input = LevelInput {
        level: body.level,
        year: body.year.to_string(),
        granted_by: body.granted_by,
        note: body.note,
    };
    let studio = studios::record_level(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(studio.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct NewRating {
    #[schema(minimum = 3, maximum = 5)]
    pub stars: i64,
    /// `YYYY-MM-DD`.
    pub rated_on: String,
    /// Where the rating comes from (an evaluation, a decision).
    #[serde(default)]
    pub source: String,
}

/// Records a star rating (admins of its host unit's subtree).
#[utoipa::path(post, path = "/api/v1/studios/{id}/ratings", tag = "studios", params(("id" = i64, Path)), request_body = NewRating, responses((status = 201, body = StudioDto)))]
pub async fn record_rating(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewRating>,
) -> WebResult<(StatusCode, Json<StudioDto>)> {
    let input = RatingInput {
        stars: body.stars.to_string(),
        rated_on: body.rated_on,
        source: body.source,
    };
    let studio = studios::record_rating(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(studio.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct NewStatus {
    /// `active`, `merged` or `exited`.
    pub status: String,
    /// For `merged`: the studio it merged into.
    pub merged_into: Option<i64>,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    pub on: String,
    /// Required: why, shown in the history.
    #[serde(default)]
    pub reason: String,
}

/// Marks the studio active, merged into another, or exited (admins).
#[utoipa::path(put, path = "/api/v1/studios/{id}/status", tag = "studios", params(("id" = i64, Path)), request_body = NewStatus, responses((status = 200, body = StudioDto)))]
pub async fn set_status(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewStatus>,
) -> WebResult<Json<StudioDto>> {
    let input = StatusInput {
        status: body.status,
        merged_into: body.merged_into,
        on: body.on,
        reason: body.reason,
    };
    Ok(Json(
        studios::set_status(&state.db, &me.caller, id, input)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Publication {
    pub published: bool,
}

/// Shows the studio on the public showcase, or takes it off (admins).
#[utoipa::path(put, path = "/api/v1/studios/{id}/publication", tag = "studios", params(("id" = i64, Path)), request_body = Publication, responses((status = 200, body = StudioDto)))]
pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Publication>,
) -> WebResult<Json<StudioDto>> {
    Ok(Json(
        studios::publish(&state.db, &me.caller, id, body.published)
            .await?
            .into(),
    ))
}

/// Adds a picture (PNG, JPEG, GIF or WebP up to 5 MB, recognised by its bytes) to the
/// profile (the studio's keepers): multipart field `file`.
#[utoipa::path(post, path = "/api/v1/studios/{id}/pictures", tag = "studios", params(("id" = i64, Path)), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the picture"), responses((status = 201, body = PictureDto)))]
pub async fn add_picture(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<(StatusCode, Json<PictureDto>)> {
    let (name, bytes) = crate::view::uploaded_file(&mut multipart)
        .await?
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    let picture = studios::add_picture(&state.db, &me.caller, id, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(PictureDto::studio(picture, name))))
}
