//! The API for Excel imports and exports.

use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::pages::audit::AuditQuery;
use crate::view::xlsx;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use gongjiang_app::imports::{self, ImportReport};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
}

impl From<ImportReport> for ImportResult {
    fn from(r: ImportReport) -> Self {
        ImportResult {
            created: r.created,
            updated: r.updated,
        }
    }
}

/// Imports units or people from an `.xlsx` (multipart field `file`, the template's columns).
/// All or nothing: a rejected file answers 422 with every problem as `row N column` fields.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports", params(("kind" = String, Path, description = "units or people")), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the .xlsx file in the template's columns"), responses((status = 200, body = ImportResult), (status = 422, body = super::ApiError)))]
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(kind): Path<String>,
    mut multipart: Multipart,
) -> WebResult<Json<ImportResult>> {
    if kind != "units" && kind != "people" {
        return Err(WebError::NotFound);
    }
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (_, bytes) = file
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    let report = if kind == "units" {
        imports::import_units(&state.db, &me.caller, &bytes).await?
    } else {
        imports::import_people(&state.db, &me.caller, &bytes).await?
    };
    Ok(Json(report.into()))
}

/// Exports units, people or the audit log (with the audit list's filters) as `.xlsx`.
#[utoipa::path(get, path = "/api/v1/exports/{list}", tag = "imports", params(("list" = String, Path, description = "units, people or audit")), responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = super::ApiError)))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(list): Path<String>,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let english = me.ctx.locale().is_english();
    let bytes = match list.as_str() {
        "units" => imports::export_units(&state.db, &me.caller, english).await?,
        "people" => imports::export_people(&state.db, &me.caller, english).await?,
        "audit" => {
            let headers = crate::pages::audit::export_headers(me.ctx.tr);
            gongjiang_app::audit::export(&state.db, &me.caller, &q.filter()?, headers).await?
        }
        _ => return Err(WebError::NotFound),
    };
    Ok(xlsx(bytes, &format!("{list}.xlsx")))
}
