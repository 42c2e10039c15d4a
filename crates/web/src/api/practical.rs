//! The API for practical rounds: their setup (criteria, rule, panels, judges, draw), the
//! judge's sheet and scores (what the phone page's script calls), and a panel's results with
//! each score's trace. Same services as the pages.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gongjiang_app::judging::{self, JudgeSheet, PanelResults, Saved, ScoreInput, SheetLine};
use gongjiang_app::practical::{self, PanelSetup, PracticalPage, SetupInput};
use gongjiang_db::practical::{CriterionRow, PanelJudge, PanelRow};
use gongjiang_domain::review::Points;
use gongjiang_domain::review::scoring::{RoundScores, Rule};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct CriterionDto {
    pub id: i64,
    pub name: String,
    pub max: Points,
    /// Takes points away, up to `max`.
    pub deduction: bool,
}

fn criteria(rows: Vec<CriterionRow>) -> Vec<CriterionDto> {
    rows.into_iter()
        .map(|c| CriterionDto {
            id: c.id,
            max: c.max(),
            name: c.name,
            deduction: c.deduction,
        })
        .collect()
}

/// A track's practical round as its organisers see it.
#[derive(Serialize, ToSchema)]
pub struct PracticalDto {
    pub track_id: i64,
    pub round_id: i64,
    pub criteria: Vec<CriterionDto>,
    pub rule: Rule,
    /// The seed of the draw (anyone can redo it from the entries), empty until drawn.
    pub draw_seed: String,
    pub panels: Vec<PanelSetup>,
}

impl From<PracticalPage> for PracticalDto {
    fn from(p: PracticalPage) -> Self {
        PracticalDto {
            track_id: p.track_id,
            round_id: p.round_id,
            criteria: criteria(p.criteria),
            rule: p.rule,
            draw_seed: p.draw_seed,
            panels: p.panels,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/tracks/{id}/practical", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = PracticalDto)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PracticalDto>> {
    Ok(Json(
        practical::page(&state.db, &me.caller, id).await?.into(),
    ))
}

/// Sets the criteria and the panel rule (refused once a score is given).
#[utoipa::path(put, path = "/api/v1/tracks/{id}/practical", tag = "judging", params(("id" = i64, Path)), request_body = SetupInput, responses((status = 200, body = PracticalDto)))]
pub async fn set_up(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SetupInput>,
) -> WebResult<Json<PracticalDto>> {
    Ok(Json(
        practical::set_up(&state.db, &me.caller, id, body)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PanelBody {
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/tracks/{id}/panels", tag = "judging", params(("id" = i64, Path)), request_body = PanelBody, responses((status = 201, body = PanelRow)))]
pub async fn add_panel(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PanelBody>,
) -> WebResult<(StatusCode, Json<PanelRow>)> {
    let panel = practical::add_panel(&state.db, &me.caller, id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(panel)))
}

#[derive(Deserialize, ToSchema)]
pub struct JudgeChoice {
    pub username: String,
    #[serde(default)]
    pub chief: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct JudgesBody {
    #[serde(default)]
    pub judges: Vec<JudgeChoice>,
}

/// Replaces a panel's judges (at most one chief judge); refused once the panel is closed.
#[utoipa::path(put, path = "/api/v1/panels/{id}/judges", tag = "judging", params(("id" = i64, Path)), request_body = JudgesBody, responses((status = 200, body = Vec<PanelJudge>)))]
pub async fn set_judges(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<JudgesBody>,
) -> WebResult<Json<Vec<PanelJudge>>> {
    let lines: Vec<String> = body
        .judges
        .iter()
        .map(|j| format!("{}{}", if j.chief { "*" } else { "" }, j.username.trim()))
        .collect();
    Ok(Json(
        practical::set_judges(&state.db, &me.caller, id, &lines.join("\n")).await?,
    ))
}

/// Draws anonymous numbers for the approved entrants and puts them on the panels.
#[utoipa::path(post, path = "/api/v1/tracks/{id}/draw", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = PracticalDto)))]
pub async fn draw(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PracticalDto>> {
    Ok(Json(
        practical::draw(&state.db, &me.caller, id).await?.into(),
    ))
}

/// The panels the caller judges on.
#[utoipa::path(get, path = "/api/v1/my/panels", tag = "judging", responses((status = 200, body = Vec<PanelRow>)))]
pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<PanelRow>>> {
    Ok(Json(judging::my_panels(&state.db, &me.caller).await?))
}

/// A judge's sheet: entrants by number only, with this judge's scores.
#[derive(Serialize, ToSchema)]
pub struct SheetDto {
    pub panel: PanelRow,
    pub track_name: String,
    pub criteria: Vec<CriterionDto>,
    pub lines: Vec<SheetLine>,
    pub chief: bool,
    /// Numbers left with fewer judges than the rule needs after the conflicts.
    pub short: Vec<i64>,
    pub min_judges: u32,
}

impl From<JudgeSheet> for SheetDto {
    fn from(s: JudgeSheet) -> Self {
        SheetDto {
            panel: s.panel,
            track_name: s.track_name,
            criteria: criteria(s.criteria),
            lines: s.lines,
            chief: s.chief,
            short: s.short,
            min_judges: s.min_judges,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/panels/{id}/sheet", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = SheetDto)))]
pub async fn sheet(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<SheetDto>> {
    Ok(Json(state.judging.sheet(&me.caller, id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct SavedDto {
    pub saved: Saved,
}

/// Saves one score. Sending the same value again answers `same` (safe to retry); a different
/// value is refused (422 `score_already_entered`) unless `correction` gives the reason.
#[utoipa::path(post, path = "/api/v1/panels/{id}/scores", tag = "judging", params(("id" = i64, Path)), request_body = ScoreInput, responses((status = 200, body = SavedDto)))]
pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ScoreInput>,
) -> WebResult<Json<SavedDto>> {
    let saved = state.judging.save(&me.caller, id, body).await?;
    Ok(Json(SavedDto { saved }))
}

#[derive(Deserialize, ToSchema)]
pub struct RecusalBody {
    pub entry_id: i64,
    pub reason: String,
}

/// The judge stands aside for an entrant, with a reason.
#[utoipa::path(post, path = "/api/v1/panels/{id}/recusals", tag = "judging", params(("id" = i64, Path)), request_body = RecusalBody, responses((status = 204, description = "Recorded")))]
pub async fn recuse(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RecusalBody>,
) -> WebResult<StatusCode> {
    judging::declare(&state.db, &me.caller, id, body.entry_id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PanelStateBody {
    /// False closes score entry (the chief judge or the organisers); true reopens it (the
    /// organisers, with a reason, before the confirmation).
    pub open: bool,
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/panels/{id}/state", tag = "judging", params(("id" = i64, Path)), request_body = PanelStateBody, responses((status = 200, body = PanelRow)))]
pub async fn set_state(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PanelStateBody>,
) -> WebResult<Json<PanelRow>> {
    Ok(Json(
        judging::set_open(&state.db, &me.caller, id, body.open, &body.reason).await?,
    ))
}

/// The chief judge confirms a closed panel's scores.
#[utoipa::path(post, path = "/api/v1/panels/{id}/confirmation", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = PanelRow)))]
pub async fn confirm(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PanelRow>> {
    Ok(Json(judging::confirm(&state.db, &me.caller, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct NumberDto {
    pub entry_id: i64,
    pub number: i64,
}

/// A panel's final scores, each with its trace (every judge's raw scores, what was dropped,
/// the normalisation, recusals, the rule and its version).
#[derive(Serialize, ToSchema)]
pub struct PanelResultsDto {
    pub panel: PanelRow,
    pub judges: Vec<PanelJudge>,
    pub criteria: Vec<CriterionDto>,
    pub numbers: Vec<NumberDto>,
    pub scores: RoundScores,
}

impl From<PanelResults> for PanelResultsDto {
    fn from(r: PanelResults) -> Self {
        let mut numbers: Vec<NumberDto> = r
            .numbers
            .into_iter()
            .map(|(entry_id, number)| NumberDto { entry_id, number })
            .collect();
        numbers.sort_by_key(|n| n.number);
        PanelResultsDto {
            panel: r.panel,
            judges: r.judges,
            criteria: criteria(r.criteria),
            numbers,
            scores: r.scores,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/panels/{id}/results", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = PanelResultsDto)))]
pub async fn results(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<PanelResultsDto>> {
    Ok(Json(
        judging::results(&state.db, &me.caller, id).await?.into(),
    ))
}

/// A panel's scores as an `.xlsx`: a sheet of final scores (counted sum, count, score) and one
/// with every judge's points per criterion and what became of each total.
#[utoipa::path(get, path = "/api/v1/panels/{id}/results/export", tag = "judging", params(("id" = i64, Path)), responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<axum::response::Response> {
    let english = me.ctx.tr.locale.is_english();
    let bytes = judging::export(&state.db, &me.caller, id, english).await?;
    Ok(crate::view::xlsx(bytes, &format!("panel-{id}.xlsx")))
}

/// A track's results as they stand: each approved entrant's theory and practical scores (out
/// of 100), the combined score by the track's weights, the rank (ties broken by the practical
/// score, then the theory score) and the prize; team prizes by the sum of a unit's best.
#[utoipa::path(get, path = "/api/v1/tracks/{id}/results", tag = "judging", params(("id" = i64, Path)), responses((status = 200, body = gongjiang_app::results::TrackResults)))]
pub async fn track_results(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<gongjiang_app::results::TrackResults>> {
    Ok(Json(
        gongjiang_app::results::of_track(&state.db, &me.caller, id).await?,
    ))
}

/// A track's results as an `.xlsx`: rank, number, name, unit, theory, practical, combined and
/// prize for each entrant, and a sheet of units when there are team prizes.
#[utoipa::path(get, path = "/api/v1/tracks/{id}/results/export", tag = "judging", params(("id" = i64, Path)), responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn track_results_export(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<axum::response::Response> {
    let english = me.ctx.tr.locale.is_english();
    let bytes = gongjiang_app::results::export(&state.db, &me.caller, id, english).await?;
    Ok(crate::view::xlsx(bytes, &format!("results-{id}.xlsx")))
}
