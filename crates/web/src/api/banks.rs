//! The API for question banks (the exam pages come with the exam module).

use super::kit::{ApiJson, Paged, Paging};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::banks::{self, ExportFormat, Imported};
use gongjiang_db::banks::BankRecord;
use gongjiang_domain::exam::question::Question;
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
    ApiJson(body): ApiJson<NewBank>,
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
    pub question: Question,
}

/// The bank's current questions, 100 a page.
#[utoipa::path(get, path = "/api/v1/banks/{id}/questions", tag = "exams", params(("id" = i64, Path), Paging), responses((status = 200, body = Paged<QuestionDto>)))]
pub async fn questions(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<QuestionDto>>> {
    let page = paging.resolve(100)?;
    let (list, total) = banks::questions(&state.db, &me.caller, id, page.page()).await?;
    let items = list
        .into_iter()
        .map(|q| QuestionDto {
            id: q.record.id,
            category: q.record.category,
            version_id: q.record.version_id,
            version: q.record.version,
            question: q.question,
        })
        .collect();
    Ok(Json(page.answer(items, total)))
}

/// Adds the questions of a file (multipart field `file`; `.xlsx` template, Moodle `.xml`,
/// `.gift`, or Aiken `.txt`, a text file in UTF-8, UTF-16, GB18030/GBK or Windows-1252, found
/// and named in the answer), all or nothing.
#[utoipa::path(post, path = "/api/v1/banks/{id}/import", tag = "exams", params(("id" = i64, Path)), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the question file (.xlsx template, Moodle .xml, .gift or Aiken .txt), with its name"), responses((status = 200, body = Imported), (status = 422, body = super::ApiError)))]
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Json<Imported>> {
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (name, bytes) = file
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    Ok(Json(
        banks::import(&state.db, &me.caller, id, &name, &bytes).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `xlsx` (default) or `moodle`.
    #[param(pattern = "^(xlsx|moodle)$")]
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
        Some(other) => {
            return Err(
                gongjiang_domain::FieldError::new("format", "unknown_export_format")
                    .with("value", other)
                    .into(),
            );
        }
    };
    let bytes = banks::export(&state.db, &me.caller, id, format).await?;
    if format == ExportFormat::Xlsx {
        return Ok(crate::view::xlsx(bytes, &format!("bank-{id}.xlsx")));
    }
    Ok(crate::view::send_file(
        bytes,
        "application/xml; charset=utf-8",
        &format!("bank-{id}.xml"),
        crate::view::Disposition::Attachment,
        "no-store",
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Revision {
    #[serde(default)]
    pub category: String,
    /// The whole question: `kind`, `stem`, `options`, `key`, `points` (hundredths), `difficulty`, `explanation`.
    #[schema(value_type = Question)]
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
    ApiJson(body): ApiJson<Revision>,
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
        question: q.question,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    pub number: i64,
    pub version_id: i64,
    pub question: Question,
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
                question: q,
            })
            .collect(),
    ))
}
