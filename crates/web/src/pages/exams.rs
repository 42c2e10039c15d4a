//! Pages for entrants: my exams, the exam itself (a form that works without a script; the
//! script adds autosave with an on-device queue, the countdown and one question per screen),
//! and the result.

use super::Posted;
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
use gongjiang_domain::exam::picture::{Piece, pieces};
use gongjiang_domain::exam::question::{AnswerKey, QuestionKind, Response as Answer};

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

pub struct OptionView {
    pub index: usize,
    pub letter: char,
    pub pieces: Vec<Piece>,
    pub checked: bool,
}

pub struct QuestionView {
    pub position: usize,
    pub number: usize,
    pub kind: &'static str,
    pub kind_key: &'static str,
    pub stem: Vec<Piece>,
    pub points: String,
    pub options: Vec<OptionView>,
    pub truth: Option<bool>,
    pub blanks: Vec<String>,
    pub text: String,
    /// After submission: points scored and the key, when the session shows them.
    pub scored: Option<String>,
    pub key: String,
    pub explanation: String,
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

fn kind_name(kind: QuestionKind) -> (&'static str, &'static str) {
    match kind {
        QuestionKind::SingleChoice => ("single_choice", "question_kind.single_choice"),
        QuestionKind::MultipleChoice => ("multiple_choice", "question_kind.multiple_choice"),
        QuestionKind::TrueFalse => ("true_false", "question_kind.true_false"),
        QuestionKind::FillIn => ("fill_in", "question_kind.fill_in"),
        QuestionKind::ShortAnswer => ("short_answer", "question_kind.short_answer"),
    }
}

fn points(p: i64) -> String {
    format!("{}", p as f64 / 100.0)
}

fn key_text(key: &AnswerKey, options: &[OptionView], tr: crate::i18n::Tr) -> String {
    match key {
        AnswerKey::Choice { correct } => options
            .iter()
            .filter(|o| correct.contains(&o.index))
            .map(|o| o.letter.to_string())
            .collect(),
        AnswerKey::TrueFalse { correct } => {
            tr.t_string(if *correct { "take.true" } else { "take.false" })
        }
        AnswerKey::FillIn { blanks, .. } => blanks
            .iter()
            .map(|b| b.join(" / "))
            .collect::<Vec<_>>()
            .join("；"),
        AnswerKey::Manual { reference } => reference.clone(),
    }
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
            let selected: &[usize] = match saved {
                Some(Answer::Choice { selected }) => selected,
                _ => &[],
            };
            let options: Vec<OptionView> = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| OptionView {
                    index: o.index,
                    letter: char::from(b'A' + (i as u8 % 26)),
                    pieces: pieces(&o.text),
                    checked: selected.contains(&o.index),
                })
                .collect();
            let mut blanks = match saved {
                Some(Answer::FillIn { blanks }) => blanks.clone(),
                _ => Vec::new(),
            };
            blanks.resize(q.blanks, String::new());
            let review = v
                .review
                .as_ref()
                .and_then(|r| r.iter().find(|r| r.position == q.position));
            let (kind, kind_key) = kind_name(q.kind);
            QuestionView {
                position: q.position,
                number: q.position + 1,
                kind,
                kind_key,
                stem: pieces(&q.stem),
                points: points(q.points),
                truth: match saved {
                    Some(Answer::TrueFalse { value }) => Some(*value),
                    _ => None,
                },
                text: match saved {
                    Some(Answer::Text { text }) => text.clone(),
                    _ => String::new(),
                },
                blanks,
                scored: review.map(|r| r.points.map(points).unwrap_or_else(|| "—".into())),
                key: review
                    .map(|r| key_text(&r.key, &options, me.ctx.tr))
                    .unwrap_or_default(),
                explanation: review.map(|r| r.explanation.clone()).unwrap_or_default(),
                options,
            }
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

/// The form's fields: `a<position>` (option indices, `true`/`false`, or text) and
/// `a<position>_<blank>` for fill-in blanks. Used when the page works without its script.
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
            let name = format!("a{}", q.position);
            let values = posted.all(&name);
            let response = match q.kind {
                QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                    let selected: Vec<usize> =
                        values.iter().filter_map(|v| v.parse().ok()).collect();
                    (!selected.is_empty()).then_some(Answer::Choice { selected })
                }
                QuestionKind::TrueFalse => values
                    .first()
                    .map(|v| Answer::TrueFalse { value: v == "true" }),
                QuestionKind::FillIn => {
                    let blanks: Vec<String> = (0..q.blanks)
                        .map(|b| posted.get(&format!("{name}_{b}")))
                        .collect();
                    blanks
                        .iter()
                        .any(|b| !b.trim().is_empty())
                        .then_some(Answer::FillIn { blanks })
                }
                QuestionKind::ShortAnswer => values
                    .into_iter()
                    .next()
                    .filter(|v| !v.trim().is_empty())
                    .map(|text| Answer::Text { text }),
            }?;
            Some(AnswerInput {
                position: q.position as i64,
                seq,
                response,
            })
        })
        .collect();
    state.exams.submit(&me.caller, id, answers).await?;
    Ok(Redirect::to(&format!("/exams/attempts/{id}")).into_response())
}
