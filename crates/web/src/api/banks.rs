//! The API for question banks (the exam pages come with the exam module).

use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongjiang_app::banks::{self, ExportFormat};
use gongjiang_db::Page;
use gongjiang_db::banks::BankRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct BankDto {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    /// The trade (工种) the bank serves.
    pub trade: String,
    pub questions: i64,
}

impl From<BankRecord> for BankDto {
    fn from(b: BankRecord) -> Self {
        BankDto {
            id: b.id,
            unit_id: b.unit_id,
            unit_name: b.unit_name,
            name: b.name,
            trade: b.trade,
            questions: b.questions,
        }
    }
}

/// The question banks of the caller's units.
#[utoipa::path(get, path = "/api/v1/banks", tag = "exams", responses((status = 200, body = Vec<BankDto>), (status = 403, body = super::ApiError)))]
pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Json<Vec<BankDto>>> {
    Ok(Json(
        banks::list(&state.db, &me.caller)
            .await?
            .into_iter()
            .map(BankDto::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewBank {
    pub unit_id: i64,
    pub name: String,
    #[serde(default)]
    pub trade: String,
}

/// Creates a question bank owned by a unit.
#[utoipa::path(post, path = "/api/v1/banks", tag = "exams", request_body = NewBank, responses((status = 201, body = BankDto), (status = 422, body = super::ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Json(body): Json<NewBank>,
) -> WebResult<(StatusCode, Json<BankDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            banks::create(&state.db, &me.caller, body.unit_id, &body.name, &body.trade)
                .await?
                .into(),
        ),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct QuestionDto {
    pub id: i64,
    pub category: String,
    pub version_id: i64,
    pub version: i64,
    /// The question with its answer key (for the bank's keepers only).
    #[schema(value_type = Object)]
    pub question: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionPage {
    pub items: Vec<QuestionDto>,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    page: Option<i64>,
}

/// The bank's current questions, 100 a page.
#[utoipa::path(get, path = "/api/v1/banks/{id}/questions", tag = "exams", params(("id" = i64, Path), PageParams), responses((status = 200, body = QuestionPage), (status = 404, body = super::ApiError)))]
pub async fn questions(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(p): Query<PageParams>,
) -> WebResult<Json<QuestionPage>> {
    let (list, total) = banks::questions(
        &state.db,
        &me.caller,
        id,
        Page::new(p.page.unwrap_or(1), 100),
    )
    .await?;
    let items = list
        .into_iter()
        .map(|q| QuestionDto {
            id: q.record.id,
            category: q.record.category,
            version_id: q.record.version_id,
            version: q.record.version,
            question: serde_json::to_value(&q.question).unwrap_or_default(),
        })
        .collect();
    Ok(Json(QuestionPage { items, total }))
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    pub imported: usize,
}

/// Adds the questions of a file (multipart field `file`; `.xlsx` template, Moodle `.xml`,
/// `.gift`, or Aiken `.txt`), all or nothing.
#[utoipa::path(post, path = "/api/v1/banks/{id}/import", tag = "exams", params(("id" = i64, Path)), request_body(content_type = "multipart/form-data", description = "field `file`, with its file name"), responses((status = 200, body = Imported), (status = 422, body = super::ApiError)))]
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Json<Imported>> {
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (name, bytes) = file
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    Ok(Json(Imported {
        imported: banks::import(&state.db, &me.caller, id, &name, &bytes).await?,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ExportParams {
    /// `xlsx` (default) or `moodle`.
    format: Option<String>,
}

/// The whole bank as the Excel template or Moodle XML.
#[utoipa::path(get, path = "/api/v1/banks/{id}/export", tag = "exams", params(("id" = i64, Path), ExportParams), responses((status = 200, description = "the file"), (status = 404, body = super::ApiError)))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(p): Query<ExportParams>,
) -> WebResult<Response> {
    let format = match p.format.as_deref() {
        None | Some("xlsx") => ExportFormat::Xlsx,
        Some("moodle") => ExportFormat::MoodleXml,
        Some(_) => {
            return Err(WebError::Invalid(gongjiang_domain::Invalid::one(
                "format",
                "unknown_question_format",
            )));
        }
    };
    let bytes = banks::export(&state.db, &me.caller, id, format).await?;
    if format == ExportFormat::Xlsx {
        return Ok(crate::view::xlsx(bytes, &format!("bank-{id}.xlsx")));
    }
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"bank-{id}.xml\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
pub struct Revision {
    #[serde(default)]
    pub category: String,
    /// The whole question: `kind`, `stem`, `options`, `key`, `points` (hundredths), `difficulty`, `explanation`.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub question: serde_json::Value,
    /// Why, for the audit log.
    #[serde(default)]
    pub reason: String,
}

/// Revises a question: a new version becomes current; earlier versions stay for attempts that used them.
#[utoipa::path(put, path = "/api/v1/questions/{id}", tag = "exams", params(("id" = i64, Path)), request_body = Revision, responses((status = 200, body = QuestionDto), (status = 422, body = super::ApiError)))]
pub async fn revise(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Json(body): Json<Revision>,
) -> WebResult<Json<QuestionDto>> {
    let q = banks::revise(
        &state.db,
        &me.caller,
        id,
        &body.category,
        body.question,
        &body.reason,
    )
    .await?;
    Ok(Json(QuestionDto {
        id: q.record.id,
        category: q.record.category,
        version_id: q.record.version_id,
        version: q.record.version,
        question: serde_json::to_value(&q.question).unwrap_or_default(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    pub number: i64,
    pub version_id: i64,
    #[schema(value_type = Object)]
    pub question: serde_json::Value,
}

/// Every version of a question, oldest first.
#[utoipa::path(get, path = "/api/v1/questions/{id}/versions", tag = "exams", params(("id" = i64, Path)), responses((status = 200, body = Vec<VersionDto>), (status = 404, body = super::ApiError)))]
pub async fn versions(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Vec<VersionDto>>> {
    let list = banks::versions(&state.db, &me.caller, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|(number, version_id, q)| VersionDto {
                number,
                version_id,
                question: serde_json::to_value(&q).unwrap_or_default(),
            })
            .collect(),
    ))
}
