//! The API for papers (试卷).

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gongjiang_app::papers::{self, PaperInput};
use gongjiang_db::papers::PaperRecord;
use gongjiang_domain::exam::draw::DrawRule;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct PaperDto {
    pub id: i64,
    pub bank_id: i64,
    pub name: String,
    /// `fixed` or `drawn`.
    pub mode: String,
    /// Fixed: the question ids, in order; drawn: the rules.
    #[schema(value_type = PaperSpec)]
    pub spec: serde_json::Value,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub pass_mark: i64,
    pub partial_credit: String,
}

impl From<PaperRecord> for PaperDto {
    fn from(p: PaperRecord) -> Self {
        PaperDto {
            id: p.id,
            bank_id: p.bank_id,
            name: p.name,
            mode: p.mode,
            spec: serde_json::from_str(&p.spec).unwrap_or_default(),
            shuffle_questions: p.shuffle_questions,
            shuffle_options: p.shuffle_options,
            pass_mark: p.pass_mark,
            partial_credit: p.partial_credit,
        }
    }
}

/// What a paper draws from: a fixed list of question ids, or drawing rules. (Documentation
/// only: the stored text is passed through as it is.)
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum PaperSpec {
    Fixed(Vec<i64>),
    Drawn(Vec<DrawRule>),
}

/// A paper to make, read as any JSON and then parsed into `PaperInput` so that a body that
/// does not fit is a field error in the user's language.
#[derive(Deserialize)]
pub struct NewPaper(#[serde(default)] serde_json::Value);

/// Makes a paper; drawing rules are checked against the bank (every set of rules must be
/// satisfiable together).
#[utoipa::path(post, path = "/api/v1/papers", tag = "exams", request_body = PaperInput, responses((status = 201, body = PaperDto), (status = 422, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<NewPaper>,
) -> WebResult<(StatusCode, Json<PaperDto>)> {
    let input: PaperInput = serde_json::from_value(body.0).map_err(|_| {
        crate::error::WebError::Invalid(gongjiang_domain::Invalid::one("paper", "malformed_paper"))
    })?;
    Ok((
        StatusCode::CREATED,
        Json(papers::create(&state.db, &me.caller, input).await?.into()),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    /// The seed of an attempt.
    #[serde(default)]
    seed: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewQuestion {
    pub position: usize,
    pub question_id: i64,
    pub version_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Preview {
    pub questions: Vec<PreviewQuestion>,
    /// In hundredths of a point.
    pub total_points: i64,
}

/// The paper an entrant with this seed would get (the same seed always gives the same paper).
#[utoipa::path(get, path = "/api/v1/papers/{id}/preview", tag = "exams", params(("id" = i64, Path), PreviewParams), responses((status = 200, body = Preview), (status = 404, body = super::ApiError)))]
pub async fn preview(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(p): Query<PreviewParams>,
) -> WebResult<Json<Preview>> {
    let drawn = papers::preview(&state.db, &me.caller, id, p.seed).await?;
    let questions = drawn
        .questions
        .into_iter()
        .enumerate()
        .map(|(position, (question_id, version_id))| PreviewQuestion {
            position,
            question_id,
            version_id,
        })
        .collect();
    Ok(Json(Preview {
        questions,
        total_points: drawn.total_points,
    }))
}
