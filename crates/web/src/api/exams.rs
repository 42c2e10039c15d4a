//! The API for exam sessions (run and graded by staff) and attempts (taken by entrants). The
//! entrant's answer saves are the hot path: each is acknowledged only once committed.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::xlsx;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::exams::{
    AnswerInput, ArrangementInput, AttemptView, EntrantsInput, ManualGrade, MySession,
    RegradeReport, Saved, SessionInput, SessionResults, SessionView, Submitted,
};
use gongjiang_db::exams::SessionRecord;
use gongjiang_domain::Invalid;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// A JSON body, read as any JSON first and then parsed into the service's input, so that a
/// body that does not fit is a field error (`malformed_…`) in the user's language rather than
/// serde's English. Each operation documents the input type it parses into.
#[derive(Deserialize)]
pub struct Body(#[serde(default)] Value);

impl Body {
    fn parse<T: DeserializeOwned>(self, what: &str) -> WebResult<T> {
        serde_json::from_value(self.0)
            .map_err(|_| WebError::Invalid(Invalid::one(what, &format!("malformed_{what}"))))
    }
}

/// The sessions the caller runs or grades.
#[utoipa::path(get, path = "/api/v1/exam-sessions", tag = "exams", responses((status = 200, body = Vec<SessionRecord>)))]
pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<SessionRecord>>> {
    Ok(Json(state.exams.sessions(&me.caller).await?))
}

/// Creates a session: `{"paper_id", "name", "opens": "2026-11-22 09:00", "closes", "limit_minutes",
/// "late_start": "cut_at_close"|"full_time", "grace_seconds", "attempts_allowed", "show_results",
/// "unit_ids": […], "person_ids": […]}` (times in China time).
#[utoipa::path(post, path = "/api/v1/exam-sessions", tag = "exams", request_body = SessionInput, responses((status = 201, body = SessionRecord)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<(StatusCode, Json<SessionRecord>)> {
    let input: SessionInput = body.parse("session")?;
    let session = state.exams.create_session(&me.caller, input).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// A session with its entrants.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = SessionView)))]
pub async fn get(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<SessionView>> {
    Ok(Json(state.exams.session(&me.caller, id).await?))
}

/// Adds entrants: `{"unit_ids": […], "person_ids": […]}` (a unit means everyone in its subtree).
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/entrants", tag = "exams", params(("id" = i64, Path)), request_body = EntrantsInput, responses((status = 200, body = SessionView)))]
pub async fn add_entrants(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<Json<SessionView>> {
    let input: EntrantsInput = body.parse("entrants")?;
    Ok(Json(state.exams.add_entrants(&me.caller, id, input).await?))
}

/// Gives one entrant extra time or another window: `{"person_id", "extra_minutes", "opens",
/// "closes", "reason"}`.
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/arrangements", tag = "exams", params(("id" = i64, Path)), request_body = ArrangementInput, responses((status = 204, description = "arranged")))]
pub async fn arrange(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<StatusCode> {
    let input: ArrangementInput = body.parse("arrangement")?;
    state.exams.arrange(&me.caller, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Releases the answer keys to entrants who have submitted, before the session is over for
/// everyone (otherwise they show once the last entrant can no longer answer).
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/keys", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = SessionRecord), (status = 403, body = super::ApiError), (status = 404, body = super::ApiError)))]
pub async fn release_keys(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<SessionRecord>> {
    Ok(Json(state.exams.release_keys(&me.caller, id).await?))
}

/// Results: a row per attempt, per-question statistics, answers waiting for a person.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}/results", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = SessionResults)))]
pub async fn results(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<SessionResults>> {
    Ok(Json(state.exams.results(&me.caller, id).await?))
}

/// The results as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/exam-sessions/{id}/results.xlsx", tag = "exams", params(("id" = i64, Path)), responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
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
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/grades", tag = "exams", params(("id" = i64, Path)), request_body = ManualGrade, responses((status = 204, description = "graded")))]
pub async fn grade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<StatusCode> {
    let input: ManualGrade = body.parse("grade")?;
    state.exams.grade_by_hand(&me.caller, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RegradeInput {
    #[serde(default)]
    question_id: i64,
    #[serde(default)]
    reason: String,
}

/// Grades a question again in every submitted attempt, against its current (corrected)
/// version: `{"question_id", "reason"}`. Changed scores are in the audit log.
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/regrade", tag = "exams", params(("id" = i64, Path)), request_body = RegradeInput, responses((status = 200, body = RegradeReport)))]
pub async fn regrade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<Json<RegradeReport>> {
    let input: RegradeInput = body.parse("regrade")?;
    Ok(Json(
        state
            .exams
            .regrade(&me.caller, id, input.question_id, &input.reason)
            .await?,
    ))
}

/// The sessions the caller may sit, with their attempts.
#[utoipa::path(get, path = "/api/v1/my/exams", tag = "exams", responses((status = 200, body = Vec<MySession>)))]
pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<MySession>>> {
    Ok(Json(state.exams.my_sessions(&me.caller).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Started {
    pub attempt_id: i64,
}

/// Starts an attempt (or gives back the one in progress).
#[utoipa::path(post, path = "/api/v1/exam-sessions/{id}/attempts", tag = "exams", params(("id" = i64, Path)), responses((status = 201, body = Started), (status = 409, description = "No attempt may start now: `not_open_yet`, `closed`, `no_attempts_left`, `not_an_entrant`.", body = super::ApiError)))]
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
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = AttemptView)))]
pub async fn attempt(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<AttemptView>> {
    Ok(Json(state.exams.attempt(&me.caller, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Answers {
    #[serde(default)]
    answers: Vec<AnswerInput>,
}

/// Saves answers: `{"answers": [{"position", "seq", "response": {"type": "choice", "selected": [0]}}]}`.
/// An answer replaces the stored one only if its `seq` is higher, so retries are harmless.
/// Refused with 409 `time_up` after the deadline and its grace.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/answers", tag = "exams", params(("id" = i64, Path)), request_body = Answers, responses((status = 200, body = Saved), (status = 409, description = "`time_up`: the deadline and its grace have passed; `submitted`: the attempt is already in.", body = super::ApiError)))]
pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<Json<Saved>> {
    let input: Answers = body.parse("answers")?;
    Ok(Json(state.exams.save(&me.caller, id, input.answers).await?))
}

/// Submits the attempt with any answers still waiting on the device; it is graded at once.
/// Answers in short (the score only if the session shows results); the attempt has the rest.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "exams", params(("id" = i64, Path)), request_body = Answers, responses((status = 200, body = Submitted)))]
pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Body>,
) -> WebResult<Json<Submitted>> {
    let input: Answers = body.parse("answers")?;
    Ok(Json(
        state.exams.submit(&me.caller, id, input.answers).await?,
    ))
}
