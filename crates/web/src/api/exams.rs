//! The API for exam sessions (run and graded by staff) and attempts (taken by entrants). The
//! entrant's answer saves are the hot path: each is acknowledged only once committed.

use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::xlsx;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::exams::{
    AnswerInput, ArrangementInput, EntrantsInput, ManualGrade, SessionInput,
};
use gongjiang_domain::Invalid;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// A JSON body, parsed into the service's input with a clear error when it does not fit.
#[derive(Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct Body(#[serde(default)] Value);

impl Body {
    fn parse<T: DeserializeOwned>(self, what: &str) -> WebResult<T> {
        serde_json::from_value(self.0)
            .map_err(|_| WebError::Invalid(Invalid::one(what, &format!("malformed_{what}"))))
    }
}

fn json<T: Serialize>(value: T) -> WebResult<Json<Value>> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The sessions the caller runs or grades.
#[utoipa::path(get, path = "/api/v1/exam-sessions", tag = "exams", responses((status = 200, body = Object)))]
pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Json<Value>> {
    json(state.exams.sessions(&me.caller).await?)
}

/// Creates a session: `{"paper_id", "name", "opens": "2026-11-22 09:00", "closes", "limit_minutes",
/// "late_start": "cut_at_close"|"full_time", "grace_seconds", "attempts_allowed", "show_results",
/// "unit_ids": […], "person_ids": […]}` (times in China time).
#[utoipa::path(post, path = "/api/v1/exam-sessions", tag = "exams", request_body = Body, responses((status = 201, body = Object), (status = 422, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Json(body): Json<Body>,
) -> WebResult<(StatusCode, Json<Value>)> {
    let input: SessionInput = body.parse("session")?;
    let session = state.exams.create_session(&me.caller, input).await?;
    Ok((StatusCode::CREATED, json(session)?))
}

/// A session with its entrants.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = super::ApiError)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Value>> {
    json(state.exams.session(&me.caller, id).await?)
}

/// Adds entrants: `{"unit_ids": […], "person_ids": […]}` (a unit means everyone in its subtree).
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/entrants", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 200, body = Object), (status = 422, body = super::ApiError)))]
pub async fn add_entrants(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<Json<Value>> {
    let input: EntrantsInput = body.parse("entrants")?;
    json(state.exams.add_entrants(&me.caller, id, input).await?)
}

/// Gives one entrant extra time or another window: `{"person_id", "extra_minutes", "opens",
/// "closes", "reason"}`.
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/arrangements", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 204), (status = 422, body = super::ApiError)))]
pub async fn arrange(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<StatusCode> {
    let input: ArrangementInput = body.parse("arrangement")?;
    state.exams.arrange(&me.caller, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Results: a row per attempt, per-question statistics, answers waiting for a person.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}/results", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = super::ApiError)))]
pub async fn results(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Value>> {
    json(state.exams.results(&me.caller, id).await?)
}

/// The results as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}/results.xlsx", tag = "exams", params(("id" = i64, Path)), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let labels = crate::pages::sessions::export_labels(me.ctx.tr);
    let bytes = state.exams.export_results(&me.caller, id, &labels).await?;
    Ok(xlsx(bytes, &format!("results-{id}.xlsx")))
}

/// Grades one answer by hand: `{"attempt_id", "position", "points" (hundredths), "reason"}`.
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/grades", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 204), (status = 422, body = super::ApiError)))]
pub async fn grade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<StatusCode> {
    let input: ManualGrade = body.parse("grade")?;
    state.exams.grade_by_hand(&me.caller, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct RegradeInput {
    #[serde(default)]
    question_id: i64,
    #[serde(default)]
    reason: String,
}

/// Grades a question again in every submitted attempt, against its current (corrected)
/// version: `{"question_id", "reason"}`. Changed scores are in the audit log.
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/regrade", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 200, body = Object), (status = 422, body = super::ApiError)))]
pub async fn regrade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<Json<Value>> {
    let input: RegradeInput = body.parse("regrade")?;
    json(
        state
            .exams
            .regrade(&me.caller, id, input.question_id, &input.reason)
            .await?,
    )
}

/// The sessions the caller may sit, with their attempts.
#[utoipa::path(get, path = "/api/v1/my/exams", tag = "exams", responses((status = 200, body = Object)))]
pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Json<Value>> {
    json(state.exams.my_sessions(&me.caller).await?)
}

#[derive(Serialize, ToSchema)]
pub struct Started {
    pub attempt_id: i64,
}

/// Starts an attempt (or gives back the one in progress).
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/attempts", tag = "exams", params(("id" = i64, Path)), responses((status = 201, body = Started), (status = 409, body = super::ApiError)))]
pub async fn start(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<(StatusCode, Json<Started>)> {
    let attempt_id = state.exams.start_attempt(&me.caller, id).await?;
    Ok((StatusCode::CREATED, Json(Started { attempt_id })))
}

/// An attempt as its entrant sees it: questions without keys, saved answers, the server's
/// deadline and time; after submission, the score and key if the session shows them.
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = super::ApiError)))]
pub async fn attempt(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Value>> {
    json(state.exams.attempt(&me.caller, id).await?)
}

#[derive(Deserialize)]
struct Answers {
    #[serde(default)]
    answers: Vec<AnswerInput>,
}

/// Saves answers: `{"answers": [{"position", "seq", "response": {"type": "choice", "selected": [0]}}]}`.
/// An answer replaces the stored one only if its `seq` is higher, so retries are harmless.
/// Refused with 409 `time_up` after the deadline and its grace.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/answers", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 200, body = Object), (status = 409, body = super::ApiError)))]
pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<Json<Value>> {
    let input: Answers = body.parse("answers")?;
    json(state.exams.save(&me.caller, id, input.answers).await?)
}

/// Submits the attempt with any answers still waiting on the device; it is graded at once.
/// Answers in short (the score only if the session shows results); the attempt has the rest.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "exams", params(("id" = i64, Path)), request_body = Body, responses((status = 200, body = Object), (status = 404, body = super::ApiError)))]
pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Body>,
) -> WebResult<Json<Value>> {
    let input: Answers = body.parse("answers")?;
    json(state.exams.submit(&me.caller, id, input.answers).await?)
}
