//! Editing a question (a form with the Excel template's columns, so that the same rules and
//! messages apply; saving makes a new version) and making a paper from a bank.

use super::Posted;
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::papers::PaperInput;
use gongjiang_app::{ServiceError, banks, papers};
use gongjiang_domain::FieldError;
use gongjiang_domain::exam::draw::DrawRule;
use gongjiang_domain::exam::grading::PartialCredit;
use gongjiang_domain::exam::question::QuestionKind;
use gongjiang_domain::exam::sheet::{QUESTION_COLUMNS, parse_question_sheet, question_row};
use gongjiang_domain::import::{Sheet, SheetRow};

/// One field of the question form: a column of the template.
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub long: bool,
}

#[derive(Template)]
#[template(path = "exams/question.html")]
struct QuestionPage {
    l: Layout,
    id: i64,
    bank_id: i64,
    fields: Vec<FieldView>,
    versions: Vec<(i64, String)>,
    problems: Vec<String>,
    reason: String,
}

fn fields(values: &Posted, english: bool) -> Vec<FieldView> {
    QUESTION_COLUMNS
        .iter()
        .map(|c| FieldView {
            key: c.key,
            label: if english { c.en } else { c.zh },
            value: values.get(c.key),
            long: matches!(c.key, "stem" | "explanation" | "answer"),
        })
        .collect()
}

async fn page(
    state: &AppState,
    me: &Me,
    id: i64,
    values: Option<Posted>,
    problems: Vec<String>,
    reason: String,
) -> WebResult<Response> {
    let versions = banks::versions(&state.db, &me.caller, id).await?;
    let (_, _, current) = versions.last().cloned().ok_or(WebError::NotFound)?;
    let record = banks::question(&state.db, &me.caller, id).await?;
    let bank_id = record.bank_id;
    let values = match values {
        Some(v) => v,
        None => {
            let category = record.category;
            Posted::of(
                QUESTION_COLUMNS
                    .iter()
                    .map(|c| c.key)
                    .zip(question_row(&current, &category)),
            )
        }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &QuestionPage {
            id,
            bank_id,
            fields: fields(&values, me.ctx.tr.locale.is_english()),
            versions: versions
                .iter()
                .map(|(n, _, q)| (*n, q.stem.chars().take(60).collect()))
                .collect(),
            problems,
            reason,
            l: Layout::new(
                &me.ctx,
                "competitions",
                me.ctx.tr.t_string("questions.edit"),
            ),
        },
    )
}

/// Uploads a picture into the question (its marker goes at the end of the stem).
pub async fn add_picture(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> WebResult<Response> {
    let (_, bytes) = crate::view::uploaded_file(&mut multipart)
        .await?
        .unwrap_or_default();
    match banks::add_picture(&state.db, &me.caller, id, &bytes).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/exams/questions/{id}?done=picture_added")).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let problems = invalid
                .0
                .iter()
                .map(|e| me.ctx.tr.error(&e.code, &e.params))
                .collect();
            page(&state, &me, id, None, problems, String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A picture of a question, for keepers of its bank and entrants of exams drawn from it.
pub async fn picture(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (content_type, bytes) = banks::picture(&state.db, &me.caller, id).await?;
    Ok(crate::view::send_file(
        bytes,
        &content_type,
        &format!("question-picture-{id}"),
        crate::view::Disposition::Inline,
        "private, max-age=86400",
    ))
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    page(&state, &me, id, None, Vec::new(), String::new()).await
}

pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    // The form is one row of the template: the import's rules and messages apply as they are.
    let sheet = Sheet {
        headers: QUESTION_COLUMNS.iter().map(|c| c.zh.to_owned()).collect(),
        rows: vec![SheetRow {
            number: 2,
            cells: QUESTION_COLUMNS.iter().map(|c| posted.get(c.key)).collect(),
        }],
    };
    let reason = posted.get("reason");
    let parsed = match parse_question_sheet(&sheet) {
        Ok(mut list) if list.len() == 1 => list.remove(0),
        Ok(_) => {
            return Err(WebError::Invalid(gongjiang_domain::Invalid::one(
                "stem", "required",
            )));
        }
        Err(rows) => {
            let problems = rows
                .iter()
                .map(|e| super::imports::row_message(me.ctx.tr, e))
                .collect();
            return page(&state, &me, id, Some(posted), problems, reason).await;
        }
    };
    let question =
        serde_json::to_value(&parsed.question).map_err(|e| WebError::Internal(e.to_string()))?;
    let category = parsed.category.unwrap_or_default();
    match banks::revise(&state.db, &me.caller, id, &category, question, &reason).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/exams/questions/{id}?done=question_saved")).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let problems = invalid
                .0
                .iter()
                .map(|e| me.ctx.tr.error(&e.code, &e.params))
                .collect();
            page(&state, &me, id, Some(posted), problems, reason).await
        }
        Err(e) => Err(e.into()),
    }
}

fn rules(raw: &str) -> Result<Vec<DrawRule>, FieldError> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(n, line)| {
            let parts: Vec<&str> = line.split([',', '，']).map(str::trim).collect();
            let bad = || FieldError::new("rules", "malformed_rule").with("line", n + 1);
            if parts.len() != 5 {
                return Err(bad());
            }
            Ok(DrawRule {
                category: (!parts[0].is_empty()).then(|| parts[0].to_owned()),
                kind: if parts[1].is_empty() {
                    None
                } else {
                    Some(QuestionKind::parse("rules", parts[1]).map_err(|_| bad())?)
                },
                min_difficulty: parts[2].parse().map_err(|_| bad())?,
                max_difficulty: parts[3].parse().map_err(|_| bad())?,
                count: parts[4].parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

/// The paper form on a bank's page: fixed (question numbers) or drawn (one rule a line:
/// `category, type, lowest difficulty, highest difficulty, count`).
pub async fn create_paper(
    State(state): State<AppState>,
    me: Me,
    Path(bank_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| {
            let pass_mark = f.text("pass_mark");
            let pass_mark: f64 = if pass_mark.trim().is_empty() {
                0.0
            } else {
                pass_mark.trim().parse().unwrap_or_else(|_| {
                    f.refuse(FieldError::new("pass_mark", "not_a_number"));
                    0.0
                })
            };
            let question_ids = f
                .text("question_ids")
                .split([',', '，', ' ', '、'])
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse::<i64>())
                .collect::<Result<Vec<i64>, _>>()
                .unwrap_or_else(|_| {
                    f.refuse(FieldError::new("question_ids", "not_a_number"));
                    Vec::new()
                });
            let mode = f.text("mode");
            let rules = if mode == "drawn" {
                rules(&f.text("rules")).unwrap_or_else(|e| {
                    f.refuse(e);
                    Vec::new()
                })
            } else {
                Vec::new()
            };
            let shuffle = !f.ticked("keep_order");
            PaperInput {
                bank_id,
                name: f.text("name"),
                mode,
                question_ids,
                rules,
                shuffle_questions: shuffle,
                shuffle_options: shuffle,
                pass_mark: (pass_mark * 100.0).round() as i64,
                partial_credit: serde_json::from_value(serde_json::Value::String(
                    f.text("partial_credit"),
                ))
                .unwrap_or(PartialCredit::AllOrNothing),
            }
        })?;
        papers::create(&state.db, &me.caller, input).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/exams/sessions?done=paper_created").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            super::banks::with_paper_errors(
                &state,
                &me,
                bank_id,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
