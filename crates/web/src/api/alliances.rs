//! The API for alliances of studios: the record, members joining and leaving, chair terms,
//! projects, and the annual-projects rule with its dashboard. Same services as the pages.

use super::kit::{ApiJson, IfMatch, Paged, Paging, tagged};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::alliances::{self, AllianceInput, HandoverInput, ProjectInput};
use gongjiang_db::alliances::{
    AllianceFilter, AllianceMemberView, AllianceView, ChairView, ProjectView,
};
#[allow(unused_imports)] // named in schema attributes
use gongjiang_domain::registry::alliance::AllianceKind;
use gongjiang_domain::registry::alliance::AllianceProfileInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An alliance's record.
#[derive(Serialize, ToSchema)]
pub struct AllianceDto {
    pub id: i64,
    /// The unit that keeps its record.
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    #[schema(value_type = AllianceKind)]
    pub kind: String,
    /// For a thematic alliance: its theme.
    pub theme: String,
    pub purpose: String,
    pub founded_year: Option<i64>,
    /// Its own annual-projects quota; null for the federation's.
    pub annual_quota: Option<i64>,
    pub published: bool,
    /// Studios that are members now.
    pub members: i64,
    /// The unit chairing it now.
    pub chair_name: Option<String>,
    /// Milliseconds since the epoch; also the record's version (its `ETag`).
    pub updated_at: i64,
}

impl From<AllianceView> for AllianceDto {
    fn from(a: AllianceView) -> Self {
        AllianceDto {
            id: a.id,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            name: a.name,
            kind: a.kind,
            theme: a.theme,
            purpose: a.purpose,
            founded_year: a.founded_year,
            annual_quota: a.annual_quota,
            published: a.published,
            members: a.members,
            chair_name: a.chair_name,
            updated_at: a.updated_at,
        }
    }
}

/// An alliance with its members, chair terms and projects.
#[derive(Serialize, ToSchema)]
pub struct AllianceDetail {
    pub alliance: AllianceDto,
    /// Every membership, present ones first.
    pub members: Vec<AllianceMemberView>,
    pub chairs: Vec<ChairView>,
    pub projects: Vec<ProjectView>,
    /// The quota that applies to it (its own, or the federation's) and its projects this year.
    pub quota: i64,
    pub projects_this_year: i64,
    /// Whether the caller keeps its record.
    pub can_keep: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllianceQuery {
    /// Part of the name.
    #[serde(default)]
    q: String,
    #[param(inline)]
    kind: Option<AllianceKind>,
}

/// Alliances (any signed-in user: they cross units, and their members are public knowledge).
#[utoipa::path(get, path = "/api/v1/alliances", tag = "alliances", params(AllianceQuery, Paging), responses((status = 200, body = Paged<AllianceDto>)))]
pub async fn list(
    State(state): State<AppState>,
    _me: Me,
    Query(q): Query<AllianceQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<AllianceDto>>> {
    let page = paging.resolve(30)?;
    let filter = AllianceFilter {
        query: gongjiang_domain::error::search_term(&q.q),
        kind: q.kind.map(|k| k.as_str().to_owned()),
        published_only: false,
    };
    let (items, total) = alliances::list(&state.db, filter, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(AllianceDto::from).collect(),
        total,
    )))
}

/// An alliance as a client sends it; an update replaces the record.
#[derive(Deserialize, ToSchema)]
pub struct AllianceBody {
    /// The unit that keeps its record (on creation; an update keeps it).
    #[serde(default)]
    pub unit_id: i64,
    pub name: String,
    #[schema(value_type = AllianceKind)]
    pub kind: String,
    /// Required for a thematic alliance.
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub purpose: String,
    pub founded_year: Option<i64>,
    /// Its own annual-projects quota; null for the federation's.
    pub annual_quota: Option<i64>,
    /// Why (on updates), for the audit log.
    #[serde(default)]
    pub reason: String,
}

impl AllianceBody {
    fn input(self, unit_id: i64) -> (AllianceInput, String) {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let input = AllianceInput {
            unit_id,
            profile: AllianceProfileInput {
                name: self.name,
                kind: self.kind,
                theme: self.theme,
                purpose: self.purpose,
                founded_year: number(self.founded_year),
            },
            annual_quota: number(self.annual_quota),
        };
        (input, self.reason)
    }
}

/// Records an alliance kept by a unit the caller administers.
#[utoipa::path(post, path = "/api/v1/alliances", tag = "alliances", request_body = AllianceBody, responses((status = 201, body = AllianceDto, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<AllianceBody>,
) -> WebResult<Response> {
    let unit_id = body.unit_id;
    let (input, _) = body.input(unit_id);
    let a = alliances::create(&state.db, &me.caller, input).await?;
    Ok(tagged(
        StatusCode::CREATED,
        a.updated_at,
        AllianceDto::from(a),
    ))
}

/// An alliance with its members, chair terms, projects and quota.
#[utoipa::path(get, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = i64, Path)), responses((status = 200, body = AllianceDetail, headers(("ETag" = String, description = "The record's version, for `If-Match`")))))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = alliances::page(&state.db, &me.caller, id).await?;
    let version = p.alliance.updated_at;
    let detail = AllianceDetail {
        alliance: p.alliance.into(),
        members: p.members,
        chairs: p.chairs,
        projects: p.projects,
        quota: p.quota,
        projects_this_year: p.projects_this_year,
        can_keep: p.can_keep,
    };
    Ok(tagged(StatusCode::OK, version, detail))
}

/// Replaces an alliance's record (its keepers). Send the `ETag` you read as `If-Match` to be
/// refused (412) rather than overwrite a change made in between.
#[utoipa::path(put, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made against")), request_body = AllianceBody, responses((status = 200, body = AllianceDto, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<AllianceBody>,
) -> WebResult<Response> {
    let (input, reason) = body.input(0);
    let a = alliances::update(&state.db, &me.caller, id, input, &reason, version).await?;
    Ok(tagged(StatusCode::OK, a.updated_at, AllianceDto::from(a)))
}

#[derive(Deserialize, ToSchema)]
pub struct Joining {
    pub studio_id: i64,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    pub joined_on: String,
}

/// Takes a studio in (the alliance's keepers, or the studio's own).
#[utoipa::path(post, path = "/api/v1/alliances/{id}/members", tag = "alliances", params(("id" = i64, Path)), request_body = Joining, responses((status = 201, body = AllianceMemberView)))]
pub async fn join(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Joining>,
) -> WebResult<(StatusCode, Json<AllianceMemberView>)> {
    let member =
        alliances::join(&state.db, &me.caller, id, body.studio_id, &body.joined_on).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// Records that a studio left; the membership stays in the history.
#[utoipa::path(post, path = "/api/v1/alliance-members/{id}/leave", tag = "alliances", params(("id" = i64, Path, description = "The membership's id")), request_body = super::studios::Leaving, responses((status = 200, body = AllianceMemberView)))]
pub async fn leave(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<super::studios::Leaving>,
) -> WebResult<Json<AllianceMemberView>> {
    Ok(Json(
        alliances::leave(&state.db, &me.caller, id, &body.left_on, &body.reason).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Handover {
    /// The unit taking the chair.
    pub unit_id: i64,
    /// `YYYY-MM-DD`: the sitting term ends that day; today when left out.
    #[serde(default)]
    pub from: String,
    /// What was handed over.
    #[serde(default)]
    pub note: String,
}

/// Hands the chair to another unit (the alliance's keepers); answers every term, in order.
#[utoipa::path(post, path = "/api/v1/alliances/{id}/chairs", tag = "alliances", params(("id" = i64, Path)), request_body = Handover, responses((status = 201, body = Vec<ChairView>)))]
pub async fn hand_over(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Handover>,
) -> WebResult<(StatusCode, Json<Vec<ChairView>>)> {
    let input = HandoverInput {
        unit_id: body.unit_id,
        from: body.from,
        note: body.note,
    };
    let chairs = alliances::hand_over(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(chairs)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewProject {
    pub year: i64,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

/// Records a project of a year (the alliance's keepers).
#[utoipa::path(post, path = "/api/v1/alliances/{id}/projects", tag = "alliances", params(("id" = i64, Path)), request_body = NewProject, responses((status = 201, body = ProjectView)))]
pub async fn add_project(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewProject>,
) -> WebResult<(StatusCode, Json<ProjectView>)> {
    let input = ProjectInput {
        year: body.year.to_string(),
        title: body.title,
        summary: body.summary,
    };
    let project = alliances::add_project(&state.db, &me.caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// An alliance below the annual-projects rule.
#[derive(Serialize, ToSchema)]
pub struct Shortfall {
    pub alliance: AllianceDto,
    pub projects: i64,
    pub required: i64,
    pub shortfall: i64,
}

#[derive(Serialize, ToSchema)]
pub struct QuotaDashboard {
    pub year: i64,
    /// The federation's quota (an alliance's own quota comes first for it).
    pub quota: i64,
    /// Alliances alive that year.
    pub alive: i64,
    /// Those below the rule, worst shortfall first.
    pub below: Vec<Shortfall>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuotaQuery {
    /// The year (default: this year).
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i64>,
}

/// The annual-projects rule in a year: the alliances below it (those who keep alliances).
#[utoipa::path(get, path = "/api/v1/alliances/quota", tag = "alliances", params(QuotaQuery), responses((status = 200, body = QuotaDashboard)))]
pub async fn quota(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<QuotaQuery>,
) -> WebResult<Json<QuotaDashboard>> {
    let this_year = i64::from(gongjiang_domain::clock::this_year());
    let year = super::kit::bounded("year", q.year, 1949, 2100)?.unwrap_or(this_year);
    let r = alliances::quota_report(&state.db, &me.caller, year).await?;
    Ok(Json(QuotaDashboard {
        year: r.year,
        quota: r.quota,
        alive: i64::try_from(r.alive).unwrap_or(i64::MAX),
        below: r
            .below
            .into_iter()
            .map(|(s, a)| Shortfall {
                shortfall: s.shortfall(),
                projects: s.projects,
                required: s.required,
                alliance: a.into(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewQuota {
    /// Projects an alliance must carry out each year.
    #[schema(minimum = 1, maximum = 20)]
    pub quota: i64,
    #[serde(default)]
    pub reason: String,
}

/// Sets the federation's annual-projects quota (federation staff); answers the quota set.
#[utoipa::path(put, path = "/api/v1/alliances/quota", tag = "alliances", request_body = NewQuota, responses((status = 200, body = QuotaSet)))]
pub async fn set_quota(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<NewQuota>,
) -> WebResult<Json<QuotaSet>> {
    let quota =
        alliances::set_quota(&state.db, &me.caller, &body.quota.to_string(), &body.reason).await?;
    Ok(Json(QuotaSet { quota }))
}

#[derive(Serialize, ToSchema)]
pub struct QuotaSet {
    /// Projects an alliance must carry out each year, unless it has its own quota.
    pub quota: i64,
}
