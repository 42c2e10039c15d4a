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

/// Imports a list from an `.xlsx` in its template's columns (multipart field `file`): units,
/// people, studios, honours, alliances (with their members) or achievements (with their
/// awards). All or nothing: a rejected file answers 422 with every problem as `row N column`.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports", params(("kind" = inline(ListKind), Path)), request_body(content = super::kit::Upload, content_type = "multipart/form-data", description = "field `file`: the .xlsx file in the template's columns"), responses((status = 200, body = ImportResult)))]
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(kind): Path<String>,
    mut multipart: Multipart,
) -> WebResult<Json<ImportResult>> {
    if !imports::KINDS.contains(&kind.as_str()) {
        return Err(WebError::NotFound);
    }
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let (_, bytes) = file
        .ok_or_else(|| WebError::Invalid(gongjiang_domain::Invalid::one("file", "empty_file")))?;
    Ok(Json(
        imports::import(&state.db, &me.caller, &kind, &bytes)
            .await?
            .into(),
    ))
}

/// The lists that import and export.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation of the path segment only
#[schema(rename_all = "snake_case")]
pub enum ListKind {
    Units,
    People,
    Studios,
    Honours,
    Alliances,
    Achievements,
}

/// What exports: every list that imports, and the audit log.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation of the path segment only
#[schema(rename_all = "snake_case")]
pub enum ExportKind {
    Units,
    People,
    Studios,
    Honours,
    Alliances,
    Achievements,
    Audit,
}

/// Exports a list in its template's columns (it imports back), or the audit log (with the
/// audit list's filters), as `.xlsx`.
#[utoipa::path(get, path = "/api/v1/exports/{list}", tag = "imports", params(("list" = inline(ExportKind), Path)), responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = super::ApiError)))]
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(list): Path<String>,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    let english = me.ctx.locale().is_english();
    let bytes = match list.as_str() {
        "audit" => {
            let headers = crate::pages::audit::export_headers(me.ctx.tr);
            gongjiang_app::audit::export(&state.db, &me.caller, &q.filter()?, headers).await?
        }
        other => imports::export(&state.db, &me.caller, other, english).await?,
    };
    Ok(xlsx(bytes, &format!("{list}.xlsx")))
}
