//! Pages for question banks: the list with a form to create one, and a bank's page with its
//! questions and an import form (the exam sessions come with the exam module).

use super::exam_questions::kind_key;
use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::{FormErrors, Layout, Pager, html_status, xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::{ServiceError, banks, sheets, units};
use gongjiang_db::Page;
use gongjiang_db::banks::BankRecord;
use gongjiang_domain::authz::Action;
use gongjiang_domain::exam::sheet::QUESTION_COLUMNS;
use gongjiang_domain::import::RowError;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "exams/banks.html")]
struct BankList {
    l: Layout,
    banks: Vec<BankRecord>,
    units: Vec<UnitOption>,
    errors: FormErrors,
    name: String,
    trade: String,
}

async fn list_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    name: String,
    trade: String,
) -> WebResult<Response> {
    let list = banks::list(&state.db, &me.caller).await?;
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageBanks).await?);
    let title = me.ctx.tr.t_string("banks.title");
    html_status(
        status,
        &BankList {
            banks: list,
            units,
            errors,
            name,
            trade,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    list_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        String::new(),
        String::new(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let (name, trade) = (posted.get("name"), posted.get("trade"));
    let result = async {
        let unit_id = posted.read(|f| f.id("unit_id"))?;
        Ok(banks::create(&state.db, &me.caller, unit_id, &name, &trade)
            .await?
            .id)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/exams/banks/{id}?done=bank_created")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            list_page(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                name,
                trade,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A question as the bank's table shows it.
pub struct QuestionLine {
    pub id: i64,
    pub stem: String,
    pub kind_key: &'static str,
    pub category: String,
    pub difficulty: i64,
    pub points: String,
}

#[derive(Template)]
#[template(path = "exams/bank.html")]
struct BankPage {
    l: Layout,
    bank: BankRecord,
    questions: Vec<QuestionLine>,
    pager: Pager,
    report: Option<String>,
    row_errors: Vec<String>,
    /// Problems with the paper form.
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
}

/// The bank's page again, with the problems of its paper form.
pub async fn with_paper_errors(
    state: &AppState,
    me: &Me,
    id: i64,
    errors: FormErrors,
) -> WebResult<Response> {
    bank_page(
        state,
        me,
        id,
        1,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        &[],
        errors,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn bank_page(
    state: &AppState,
    me: &Me,
    id: i64,
    page: i64,
    status: StatusCode,
    report: Option<String>,
    errors: &[RowError],
    paper_errors: FormErrors,
) -> WebResult<Response> {
    let bank = banks::get(&state.db, &me.caller, id).await?;
    let (list, total) =
        banks::questions(&state.db, &me.caller, id, Page::new(page, PAGE_SIZE)).await?;
    let questions = list
        .into_iter()
        .map(|q| QuestionLine {
            id: q.record.id,
            stem: q.question.stem.chars().take(80).collect(),
            kind_key: kind_key(q.question.kind),
            category: q.record.category,
            difficulty: q.record.difficulty,
            points: format!("{}", q.record.points as f64 / 100.0),
        })
        .collect();
    let pager = Pager::new(&format!("/exams/banks/{id}"), &[], page, PAGE_SIZE, total);
    let row_errors = errors
        .iter()
        .map(|e| super::imports::row_message(me.ctx.tr, e))
        .collect();
    let title = bank.name.clone();
    html_status(
        status,
        &BankPage {
            bank,
            questions,
            pager,
            report,
            row_errors,
            errors: paper_errors,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    bank_page(
        &state,
        &me,
        id,
        q.page.parse().unwrap_or(1).max(1),
        StatusCode::OK,
        None,
        &[],
        FormErrors::default(),
    )
    .await
}

pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (name, bytes) = file.unwrap_or_default();
    match banks::import(&state.db, &me.caller, id, &name, &bytes).await {
        Ok(done) => {
            let n = done.imported.to_string();
            let message = match done.encoding {
                Some(encoding) => me
                    .ctx
                    .tr
                    .tf("banks.imported_text", &[("n", &n), ("encoding", encoding)]),
                None => me.ctx.tr.tf("banks.imported", &[("n", &n)]),
            };
            bank_page(
                &state,
                &me,
                id,
                1,
                StatusCode::OK,
                Some(message),
                &[],
                FormErrors::default(),
            )
            .await
        }
        Err(ServiceError::ImportRejected(rows)) => {
            bank_page(
                &state,
                &me,
                id,
                1,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                &rows,
                FormErrors::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The Excel question template, with a sheet explaining each column.
pub async fn template(me: Me) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManageBanks)?;
    let tr = me.ctx.tr;
    let notes: Vec<(String, String)> = QUESTION_COLUMNS
        .iter()
        .map(|c| {
            let key = if c.key.starts_with("option_") && c.key != "option_a" {
                "option_other"
            } else {
                c.key
            };
            let label = if tr.locale.is_english() { c.en } else { c.zh };
            (
                label.to_owned(),
                tr.t_string(&format!("import.note.questions.{key}")),
            )
        })
        .collect();
    let bytes = sheets::template(QUESTION_COLUMNS, tr.locale.is_english(), &notes)
        .map_err(WebError::Internal)?;
    Ok(xlsx(
        bytes,
        &format!("{}.xlsx", tr.t("import.template_name.questions")),
    ))
}
