//! The API for innovation achievements: the register, the record with its makers, awards,
//! files and declaration steps, and the declaration up the union tree. Same services, so
//! same rights, as the pages.

use super::kit::{ApiJson, IfMatch, Paged, Paging, tagged};
use super::records::AchievementCard;
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::achievements::{self, AchievementInput, Rights};
use gongjiang_db::achievements::{
    AchievementFilter, AchievementView, AwardView, FileView, MakerView, StepView,
};
#[allow(unused_imports)] // named in schema attributes
use gongjiang_domain::registry::Field;
#[allow(unused_imports)]
use gongjiang_domain::registry::achievement::{AchievementKind, Decision, Stage};
use gongjiang_domain::registry::achievement::{AchievementTextInput, AwardInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An achievement's record.
#[derive(Serialize, ToSchema)]
pub struct AchievementDto {
    pub id: i64,
    /// The declaring unit.
    pub unit_id: i64,
    pub unit_name: String,
    pub studio_id: Option<i64>,
    pub studio_name: Option<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub kind: AchievementKind,
    #[schema(value_type = Field)]
    pub field: String,
    pub year: i64,
    pub effects: String,
    pub patents: String,
    pub stage: Stage,
    /// While declared: the unit it waits on.
    pub at_unit_id: Option<i64>,
    pub at_unit_name: Option<String>,
    /// The best award tier it holds, or empty.
    pub best_tier: String,
    pub published: bool,
    pub created_at: i64,
    /// Milliseconds since the epoch; also the record's version (its `ETag`).
    pub updated_at: i64,
}

impl From<AchievementView> for AchievementDto {
    fn from(a: AchievementView) -> Self {
        AchievementDto {
            id: a.id,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            studio_id: a.studio_id,
            studio_name: a.studio_name,
            title: a.title,
            summary: a.summary,
            description: a.description,
            kind: a.kind,
            field: a.field,
            year: a.year,
            effects: a.effects,
            patents: a.patents,
            stage: a.stage,
            at_unit_id: a.at_unit_id,
            at_unit_name: a.at_unit_name,
            best_tier: a.best_tier,
            published: a.published,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A file of an achievement, with where to fetch it (the same rights as the achievement).
#[derive(Serialize, ToSchema)]
pub struct FileDto {
    #[serde(flatten)]
    pub file: FileView,
    pub url: String,
    /// Pictures only.
    pub thumbnail_url: Option<String>,
}

impl From<FileView> for FileDto {
    fn from(file: FileView) -> Self {
        let url = format!("/files/{}", file.id);
        let thumbnail_url = (file.kind == "picture").then(|| format!("{url}/thumb"));
        FileDto {
            file,
            url,
            thumbnail_url,
        }
    }
}

/// An achievement with everything its page shows.
#[derive(Serialize, ToSchema)]
pub struct AchievementDetail {
    pub achievement: AchievementDto,
    /// The makers, the leading one first.
    pub people: Vec<MakerView>,
    pub awards: Vec<AwardView>,
    /// The declaration's steps, oldest first.
    pub steps: Vec<StepView>,
    pub files: Vec<FileDto>,
    /// What the caller may do with it.
    pub rights: Rights,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AchievementQuery {
    /// Part of the title.
    #[serde(default)]
    q: String,
    /// A field code.
    field: Option<String>,
    /// A kind code.
    kind: Option<String>,
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i64>,
    /// `draft`, `declared`, `returned` or `recognised`.
    stage: Option<String>,
    /// An award tier.
    tier: Option<String>,
    /// Only this studio's.
    studio: Option<i64>,
}

/// The caller's register: the achievements of the units they administer, or those they made.
#[utoipa::path(get, path = "/api/v1/achievements", tag = "achievements", params(AchievementQuery, Paging), responses((status = 200, body = Paged<AchievementCard>)))]
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<AchievementQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<AchievementCard>>> {
    let page = paging.resolve(30)?;
    let filter = AchievementFilter {
        query: gongjiang_domain::error::search_term(&q.q),
        field: q.field,
        kind: q.kind,
        year: super::kit::bounded("year", q.year, 1949, 2100)?,
        stage: q.stage,
        tier: q.tier,
        studio: q.studio,
        within: None,
        published_only: false,
    };
    let (items, total) = achievements::list(&state.db, &me.caller, filter, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(AchievementCard::from).collect(),
        total,
    )))
}

/// An achievement as a client sends it. On an update it replaces the text, the studio and
/// the makers (send back what you read, changed).
#[derive(Deserialize, ToSchema)]
pub struct AchievementBody {
    /// The declaring unit; left out, the host unit of `studio_id`.
    pub unit_id: Option<i64>,
    pub studio_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[schema(value_type = AchievementKind)]
    pub kind: String,
    #[schema(value_type = Field)]
    pub field: String,
    pub year: i64,
    #[serde(default)]
    pub effects: String,
    #[serde(default)]
    pub patents: String,
    /// The makers' person ids, the leading one first: people the caller could find by name in
    /// the form (in their units, or near the studio they keep).
    #[serde(default)]
    pub people: Vec<i64>,
    /// Why (on updates), for the audit log.
    #[serde(default)]
    pub reason: String,
}

impl AchievementBody {
    fn input(self, unit_id: i64) -> (AchievementInput, String) {
        let input = AchievementInput {
            unit_id,
            studio_id: self.studio_id,
            text: AchievementTextInput {
                title: self.title,
                summary: self.summary,
                description: self.description,
                kind: self.kind,
                field: self.field,
                year: self.year.to_string(),
                effects: self.effects,
                patents: self.patents,
            },
            people: self.people,
        };
        (input, self.reason)
    }
}

/// Records an achievement as a draft of the declaring unit (its admins, or the leader of the
/// studio it comes from).
#[utoipa::path(post, path = "/api/v1/achievements", tag = "achievements", request_body = AchievementBody, responses((status = 201, body = AchievementDto, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<AchievementBody>,
) -> WebResult<Response> {
    let (unit_id, _) =
        achievements::declaring_unit(&state.db, &me.caller, body.unit_id, body.studio_id).await?;
    let (input, _) = body.input(unit_id);
    let a = achievements::create(&state.db, &me.caller, input).await?;
    Ok(tagged(
        StatusCode::CREATED,
        a.updated_at,
        AchievementDto::from(a),
    ))
}

/// An achievement with its makers, awards, declaration steps, files and the caller's rights.
#[utoipa::path(get, path = "/api/v1/achievements/{id}", tag = "achievements", params(("id" = i64, Path)), responses((status = 200, body = AchievementDetail, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = achievements::page(&state.db, &me.caller, id).await?;
    let version = p.achievement.updated_at;
    let detail = AchievementDetail {
        achievement: p.achievement.into(),
        people: p.people,
        awards: p.awards,
        steps: p.steps,
        files: p.files.into_iter().map(FileDto::from).collect(),
        rights: p.rights,
    };
    Ok(tagged(StatusCode::OK, version, detail))
}

/// Replaces the text, studio and makers of a draft or returned achievement. Send the `ETag`
/// you read as `If-Match` to be refused (412) rather than overwrite a change made in between.
#[utoipa::path(put, path = "/api/v1/achievements/{id}", tag = "achievements", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made against")), request_body = AchievementBody, responses((status = 200, body = AchievementDto, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<AchievementBody>,
) -> WebResult<Response> {
    // The declaring unit never changes here; the service checks the rest against it.
    let (input, reason) = body.input(0);
    let a = achievements::update(&state.db, &me.caller, id, input, &reason, version).await?;
    Ok(tagged(
        StatusCode::OK,
        a.updated_at,
        AchievementDto::from(a),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `declare` (the declaring unit's admins), or `recommend`, `recognise`, `return` (the
    /// admins of the unit it waits on).
    #[schema(value_type = Decision)]
    pub decision: String,
    /// Required to return it.
    #[serde(default)]
    pub reason: String,
}

/// Declares the achievement, or decides on a declaration waiting on one of the caller's units.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/decisions", tag = "achievements", params(("id" = i64, Path)), request_body = DecisionBody, responses((status = 200, body = AchievementDto)))]
pub async fn decide(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> WebResult<Json<AchievementDto>> {
    let a =
        achievements::decide_on(&state.db, &me.caller, id, &body.decision, &body.reason).await?;
    Ok(Json(a.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct AwardBody {
    pub name: String,
    /// `special`, `first`, `second`, `third`, `excellence` or `patent`.
    pub tier: String,
    #[serde(default)]
    pub granted_by: String,
    pub year: i64,
}

/// Records an award the achievement won (the declaring unit's admins).
#[utoipa::path(post, path = "/api/v1/achievements/{id}/awards", tag = "achievements", params(("id" = i64, Path)), request_body = AwardBody, responses((status = 201, body = AwardView)))]
pub async fn add_award(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AwardBody>,
) -> WebResult<(StatusCode, Json<AwardView>)> {
    let input = AwardInput {
        name: body.name,
        tier: body.tier,
        granted_by: body.granted_by,
        year: body.year.to_string(),
    };
    let award = achievements::add_award(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(award)))
}

/// Shows the achievement on the public showcase, or takes it off (the declaring unit's admins).
#[utoipa::path(put, path = "/api/v1/achievements/{id}/publication", tag = "achievements", params(("id" = i64, Path)), request_body = super::studios::Publication, responses((status = 200, body = AchievementDto)))]
pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<super::studios::Publication>,
) -> WebResult<Json<AchievementDto>> {
    let a = achievements::publish(&state.db, &me.caller, id, body.published).await?;
    Ok(Json(a.into()))
}

/// Attaches a picture (PNG, JPEG, GIF, WebP up to 5 MB) or a document (PDF or Office up to
/// 10 MB), recognised by its bytes: multipart field `file`.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/files", tag = "achievements", params(("id" = i64, Path)), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the picture or document"), responses((status = 201, body = FileDto)))]
pub async fn add_file(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<(StatusCode, Json<FileDto>)> {
    let (name, bytes) = crate::view::uploaded_file(&mut multipart)
        .await?
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    let file = achievements::add_file(&state.db, &me.caller, id, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(file.into())))
}

/// Removes a file (those who may edit the achievement).
#[utoipa::path(delete, path = "/api/v1/achievement-files/{id}", tag = "achievements", params(("id" = i64, Path, description = "The file's id")), responses((status = 204, description = "removed")))]
pub async fn remove_file(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    achievements::remove_file(&state.db, &me.caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Declarations waiting on a unit the caller administers (their inbox).
#[utoipa::path(get, path = "/api/v1/declarations", tag = "achievements", responses((status = 200, body = Vec<AchievementCard>)))]
pub async fn inbox(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<AchievementCard>>> {
    let waiting = achievements::awaiting(&state.db, &me.caller).await?;
    Ok(Json(
        waiting.into_iter().map(AchievementCard::from).collect(),
    ))
}
