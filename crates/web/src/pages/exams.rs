//! Pages for entrants: my exams, the exam itself (a form that works without a script; the
//! script adds autosave with an on-device queue, the countdown and one question per screen),
//! and the result.

use super::Posted;
use super::exam_questions::{QuestionView, answer_from_form, points, question_view};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::exams::{AnswerInput, AttemptView};
use gongjiang_domain::clock::{format_datetime, now_ms};
use gongjiang_domain::exam::picture::Piece;

pub struct MyLine {
    pub id: i64,
    pub name: String,
    pub opens: String,
    pub closes: String,
    pub limit_minutes: i64,
    pub open_attempt: Option<i64>,
    pub may_start: bool,
    pub done: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "exams/mine.html")]
struct MyExams {
    l: Layout,
    exams: Vec<MyLine>,
}

pub async fn mine(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let list = state.exams.my_sessions(&me.caller).await?;
    let exams = list
        .into_iter()
        .map(|m| MyLine {
            id: m.session.id,
            name: m.session.name,
            opens: format_datetime(m.session.opens_ms),
            closes: format_datetime(m.session.closes_ms),
            limit_minutes: m.session.limit_ms / 60_000,
            open_attempt: m.open_attempt,
            may_start: m.may_start,
            done: m
                .attempts
                .iter()
                .filter(|a| a.submitted_at.is_some())
                .map(|a| {
                    (
                        a.id,
                        a.submitted_at.map(format_datetime).unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    html_status(
        StatusCode::OK,
        &MyExams {
            exams,
            l: Layout::new(
                &me.ctx,
                "competitions",
                me.ctx.tr.t_string("my_exams.title"),
            ),
        },
    )
}

pub async fn start(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let attempt = state.exams.start_attempt(&me.caller, id).await?;
    Ok(Redirect::to(&format!("/exams/attempts/{attempt}")).into_response())
}

#[derive(Template)]
#[template(path = "exams/take.html")]
struct TakePage {
    l: Layout,
    v: AttemptView,
    questions: Vec<QuestionView>,
    /// The saved answers as JSON, for the script to reconcile with the device's queue.
    saved_json: String,
    submitted_at: String,
    score: String,
}

pub async fn take(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let v = state.exams.attempt(&me.caller, id).await?;
    let questions = v
        .questions
        .iter()
        .map(|q| {
            let saved = v
                .answers
                .iter()
                .find(|a| a.position == q.position as i64)
                .map(|a| &a.response);
            let review = v
                .review
                .as_ref()
                .and_then(|r| r.iter().find(|r| r.position == q.position));
            question_view(q, saved, review, me.ctx.tr)
        })
        .collect();
    let saved: Vec<serde_json::Value> = v
        .answers
        .iter()
        .map(|a| serde_json::json!({"position": a.position, "seq": a.seq}))
        .collect();
    let title = v.session_name.clone();
    html_status(
        StatusCode::OK,
        &TakePage {
            saved_json: serde_json::Value::Array(saved).to_string(),
            submitted_at: v.submitted_at.map(format_datetime).unwrap_or_default(),
            score: v
                .score
                .map(|s| format!("{} / {}", points(s), points(v.max_score)))
                .unwrap_or_default(),
            questions,
            v,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

/// The form as posted when the page works without its script (see `answer_from_form`).
pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let view = state.exams.attempt(&me.caller, id).await?;
    // Newer than anything the device's script has sent (its sequence numbers are small).
    let seq = now_ms();
    let answers = view
        .questions
        .iter()
        .filter_map(|q| {
            Some(AnswerInput {
                position: q.position as i64,
                seq,
                response: answer_from_form(q, &posted)?,
            })
        })
        .collect();
    state.exams.submit(&me.caller, id, answers).await?;
    Ok(Redirect::to(&format!("/exams/attempts/{id}")).into_response())
}
