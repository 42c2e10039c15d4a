//! The import page: templates to download, uploads, and every rejected row with its reason.

use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::view::{Layout, html_status, xlsx};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::{ServiceError, imports, registry_imports, sheets};
use gongjiang_domain::authz::Action;
use gongjiang_domain::import::{Column, PERSON_COLUMNS, RowError, UNIT_COLUMNS};

pub struct RowMessage {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    l: Layout,
    report: Option<String>,
    row_errors: Vec<RowMessage>,
}

/// A rejected file's problems for `import_errors.html`, in the user's language.
pub fn row_messages(tr: Tr, errors: &[RowError]) -> Vec<RowMessage> {
    errors
        .iter()
        .map(|e| RowMessage {
            row: e.row,
            column: e.column.clone(),
            message: tr.error(&e.code, &e.params),
        })
        .collect()
}

/// "Row 3, column 单位编码: …" in the user's language.
pub fn row_message(tr: Tr, e: &RowError) -> String {
    let message = tr.error(&e.code, &e.params);
    match (e.row, e.column.is_empty()) {
        (0, _) => message,
        (row, true) => tr.tf(
            "import.at_row",
            &[("row", &row.to_string()), ("message", &message)],
        ),
        (row, false) => tr.tf(
            "import.at_cell",
            &[
                ("row", &row.to_string()),
                ("column", &e.column),
                ("message", &message),
            ],
        ),
    }
}

fn page(
    me: &Me,
    status: StatusCode,
    report: Option<String>,
    errors: &[RowError],
) -> WebResult<Response> {
    let tr = me.ctx.tr;
    let row_errors = row_messages(tr, errors);
    let title = tr.t_string("admin.import");
    html_status(
        status,
        &ImportPage {
            report,
            row_errors,
            l: Layout::new(&me.ctx, "admin", title),
        },
    )
}

pub async fn show(me: Me) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManagePeople)?;
    page(&me, StatusCode::OK, None, &[])
}

fn columns(kind: &str) -> WebResult<&'static [Column]> {
    match kind {
        "units" => Ok(UNIT_COLUMNS),
        "people" => Ok(PERSON_COLUMNS),
        other => gongjiang_app::registry_imports::columns(other).ok_or(WebError::NotFound),
    }
}

pub async fn template(me: Me, Path(kind): Path<String>) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManagePeople)?;
    let cols = columns(&kind)?;
    let tr = me.ctx.tr;
    let notes: Vec<(String, String)> = cols
        .iter()
        .map(|c| {
            let label = if tr.locale.is_english() { c.en } else { c.zh };
            (
                label.to_owned(),
                tr.t_string(&format!("import.note.{kind}.{}", c.key)),
            )
        })
        .collect();
    let bytes =
        sheets::template(cols, tr.locale.is_english(), &notes).map_err(WebError::Internal)?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}.xlsx",
            tr.t_string(&format!("import.template_name.{kind}"))
        ),
    ))
}

pub async fn upload(
    State(state): State<AppState>,
    me: Me,
    Path(kind): Path<String>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    columns(&kind)?;
    let file = crate::view::uploaded_file(&mut multipart).await?;
    let Some((_, bytes)) = file else {
        return page(
            &me,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            &[RowError {
                row: 0,
                column: String::new(),
                code: "empty_file".into(),
                params: vec![],
            }],
        );
    };
    let result = imports::import(&state.db, &me.caller, &kind, &bytes).await;
    match result {
        Ok(report) => {
            let message = me.ctx.tr.tf(
                "import.done",
                &[
                    ("created", &report.created.to_string()),
                    ("updated", &report.updated.to_string()),
                ],
            );
            page(&me, StatusCode::OK, Some(message), &[])
        }
        Err(ServiceError::ImportRejected(rows)) => {
            page(&me, StatusCode::UNPROCESSABLE_ENTITY, None, &rows)
        }
        Err(e) => Err(e.into()),
    }
}

/// A registry export in its template's columns (it imports back).
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(kind): Path<String>,
) -> WebResult<Response> {
    let kind = kind.trim_end_matches(".xlsx");
    registry_imports::columns(kind).ok_or(WebError::NotFound)?;
    let tr = me.ctx.tr;
    let bytes = imports::export(&state.db, &me.caller, kind, tr.locale.is_english()).await?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}.xlsx",
            tr.t_string(&format!("import.template_name.{kind}"))
        ),
    ))
}
