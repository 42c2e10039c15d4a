//! The API for competitions and their tracks: what staff set up and everyone signed in reads.
//! Same services as the pages.

use super::kit::{ApiJson, IfMatch, Paged, Paging, tagged};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::competitions::{self, CompetitionPage};
use gongjiang_db::competitions::{CompetitionView, Organiser, Track};
use gongjiang_domain::competition::{
    CompetitionInput, RoundKind, TierInput, TrackInput, TrackKind,
};
use gongjiang_domain::review::Points;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Competitions, newest first (any signed-in user).
#[utoipa::path(get, path = "/api/v1/competitions", tag = "competitions", params(Paging), responses((status = 200, body = Paged<CompetitionView>)))]
pub async fn list(
    State(state): State<AppState>,
    _me: Me,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<CompetitionView>>> {
    let page = paging.resolve(30)?;
    let (items, total) = competitions::list(&state.db, page.page()).await?;
    Ok(Json(page.answer(items, total)))
}

/// A competition with its co-organisers and tracks.
#[derive(Serialize, ToSchema)]
pub struct CompetitionDetail {
    pub competition: CompetitionView,
    pub organisers: Vec<Organiser>,
    pub tracks: Vec<TrackDto>,
    /// Whether the caller organises it.
    pub can_manage: bool,
}

fn detail(p: CompetitionPage) -> Response {
    let version = p.competition.updated_at;
    let body = CompetitionDetail {
        competition: p.competition,
        organisers: p.organisers,
        tracks: p.tracks.into_iter().map(TrackDto::from).collect(),
        can_manage: p.can_manage,
    };
    tagged(StatusCode::OK, version, body)
}

/// Sets up a competition organised by a unit the caller administers.
#[utoipa::path(post, path = "/api/v1/competitions", tag = "competitions", request_body = CompetitionInput, responses((status = 201, body = CompetitionDetail, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<CompetitionInput>,
) -> WebResult<Response> {
    let p = competitions::create(&state.db, &me.caller, body).await?;
    let mut answer = detail(p);
    *answer.status_mut() = StatusCode::CREATED;
    Ok(answer)
}

/// A competition with its tracks.
#[utoipa::path(get, path = "/api/v1/competitions/{id}", tag = "competitions", params(("id" = i64, Path)), responses((status = 200, body = CompetitionDetail, headers(("ETag" = String, description = "The record's version, for `If-Match`")))))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    Ok(detail(competitions::page(&state.db, &me.caller, id).await?))
}

/// Replaces a competition's record (its organisers' admins). Send the `ETag` you read as
/// `If-Match` to be refused (412) rather than overwrite a change made in between.
#[utoipa::path(put, path = "/api/v1/competitions/{id}", tag = "competitions", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made against")), request_body = CompetitionInput, responses((status = 200, body = CompetitionDetail, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<CompetitionInput>,
) -> WebResult<Response> {
    Ok(detail(
        competitions::update(&state.db, &me.caller, id, body, version).await?,
    ))
}

/// A round of a track with its weight in the combined score.
#[derive(Serialize, ToSchema)]
pub struct RoundDto {
    pub id: i64,
    pub kind: RoundKind,
    /// Percent of the combined score.
    pub weight: i64,
    /// The theory round's exam session, once linked.
    pub exam_session_id: Option<i64>,
}

/// A track (工种/赛项) with its rounds, eligibility, quota and prize tiers.
#[derive(Serialize, ToSchema)]
pub struct TrackDto {
    pub id: i64,
    pub competition_id: i64,
    pub name: String,
    pub trade: String,
    pub kind: TrackKind,
    pub new_this_edition: bool,
    pub rounds: Vec<RoundDto>,
    /// Only people of this unit's subtree may enter; null for anyone the competition reaches.
    pub eligible_unit_id: Option<i64>,
    pub eligible_unit_name: Option<String>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub quota_per_unit: Option<i64>,
    pub team_size: Option<i64>,
    /// Individual prize tiers, best first: `size` is places (`28`) or a share (`10%`).
    pub prizes: Vec<TierInput>,
    /// Team prizes go to the units with the best sums of their best `team_best` entrants.
    pub team_best: Option<i64>,
    pub team_prizes: Vec<TierInput>,
    pub min_prize_score: Option<Points>,
    /// Milliseconds since the epoch; also the track's version (its `ETag`).
    pub updated_at: i64,
}

impl From<Track> for TrackDto {
    fn from(t: Track) -> Self {
        let min_prize_score = t.row.min_prize_score();
        let r = t.row;
        TrackDto {
            id: r.id,
            competition_id: r.competition_id,
            name: r.name,
            trade: r.trade,
            kind: r.kind,
            new_this_edition: r.new_this_edition,
            rounds: t
                .rounds
                .into_iter()
                .map(|x| RoundDto {
                    id: x.id,
                    kind: x.kind,
                    weight: x.weight,
                    exam_session_id: x.exam_session_id,
                })
                .collect(),
            eligible_unit_id: r.eligible_unit_id,
            eligible_unit_name: r.eligible_unit_name,
            min_age: r.min_age,
            max_age: r.max_age,
            quota_per_unit: r.quota_per_unit,
            team_size: r.team_size,
            prizes: t.prizes.iter().map(|p| p.as_input()).collect(),
            team_best: r.team_best,
            team_prizes: t.team_prizes.iter().map(|p| p.as_input()).collect(),
            min_prize_score,
            updated_at: r.updated_at,
        }
    }
}

/// A track as a client sends it; an update replaces it.
#[derive(Deserialize, ToSchema)]
pub struct TrackBody {
    pub name: String,
    #[serde(default)]
    pub trade: String,
    pub kind: TrackKind,
    #[serde(default)]
    pub new_this_edition: bool,
    /// Percent of the combined score; the weights of the rounds held total 100. Null or 0 for
    /// no theory round.
    pub theory_weight: Option<u32>,
    pub practical_weight: Option<u32>,
    pub eligible_unit_id: Option<i64>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub quota_per_unit: Option<u32>,
    /// Members per team (team tracks).
    pub team_size: Option<u32>,
    #[serde(default)]
    pub prizes: Vec<TierInput>,
    pub team_best: Option<u32>,
    #[serde(default)]
    pub team_prizes: Vec<TierInput>,
    pub min_prize_score: Option<Points>,
}

impl From<TrackBody> for TrackInput {
    fn from(b: TrackBody) -> Self {
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        TrackInput {
            name: b.name,
            trade: b.trade,
            kind: b.kind.as_str().to_owned(),
            new_this_edition: b.new_this_edition,
            theory_weight: number(b.theory_weight),
            practical_weight: number(b.practical_weight),
            eligible_unit_id: b.eligible_unit_id,
            min_age: number(b.min_age),
            max_age: number(b.max_age),
            quota_per_unit: number(b.quota_per_unit),
            team_size: number(b.team_size),
            prizes: b.prizes,
            team_best: number(b.team_best),
            team_prizes: b.team_prizes,
            min_prize_score: b.min_prize_score.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// Adds a track to a competition (its organisers' admins).
#[utoipa::path(post, path = "/api/v1/competitions/{id}/tracks", tag = "competitions", params(("id" = i64, Path)), request_body = TrackBody, responses((status = 201, body = TrackDto, headers(("ETag" = String, description = "The version, for `If-Match`")))))]
pub async fn add_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<TrackBody>,
) -> WebResult<Response> {
    let t = competitions::add_track(&state.db, &me.caller, id, body.into()).await?;
    Ok(tagged(
        StatusCode::CREATED,
        t.row.updated_at,
        TrackDto::from(t),
    ))
}

/// A track with its competition.
#[derive(Serialize, ToSchema)]
pub struct TrackDetail {
    pub track: TrackDto,
    pub competition: CompetitionView,
    pub can_manage: bool,
}

/// A track.
#[utoipa::path(get, path = "/api/v1/tracks/{id}", tag = "competitions", params(("id" = i64, Path)), responses((status = 200, body = TrackDetail, headers(("ETag" = String, description = "The track's version, for `If-Match`")))))]
pub async fn track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = competitions::track(&state.db, &me.caller, id).await?;
    let version = p.track.row.updated_at;
    let body = TrackDetail {
        track: p.track.into(),
        competition: p.competition,
        can_manage: p.can_manage,
    };
    Ok(tagged(StatusCode::OK, version, body))
}

/// Replaces a track's setup (its competition's organisers' admins); `If-Match` as for
/// competitions.
#[utoipa::path(put, path = "/api/v1/tracks/{id}", tag = "competitions", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made against")), request_body = TrackBody, responses((status = 200, body = TrackDto, headers(("ETag" = String, description = "The new version"))), (status = 412, description = "Changed since the version in `If-Match`: `edited_since`.", body = super::ApiError)))]
pub async fn update_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<TrackBody>,
) -> WebResult<Response> {
    let t = competitions::update_track(&state.db, &me.caller, id, body.into(), version).await?;
    Ok(tagged(StatusCode::OK, t.row.updated_at, TrackDto::from(t)))
}

#[derive(Deserialize, ToSchema)]
pub struct ExamSessionBody {
    /// The exam session the theory round is sat as; null to unlink.
    pub exam_session_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ExamSessionLinked {
    pub track: TrackDto,
    /// Approved entrants added to the session's entrants by this call.
    pub seated: usize,
}

/// Links the track's theory round to an exam session (the caller organises the competition
/// and runs the session): every approved entrant becomes an entrant of the session, and every
/// entry approved later too.
#[utoipa::path(put, path = "/api/v1/tracks/{id}/exam-session", tag = "competitions", params(("id" = i64, Path)), request_body = ExamSessionBody, responses((status = 200, body = ExamSessionLinked)))]
pub async fn link_exam(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ExamSessionBody>,
) -> WebResult<Json<ExamSessionLinked>> {
    let (track, seated) =
        gongjiang_app::track_exams::link(&state.db, &me.caller, id, body.exam_session_id).await?;
    Ok(Json(ExamSessionLinked {
        track: track.into(),
        seated,
    }))
}
