//! The judges' pages: their panels, a panel's sheet on a phone (entrants by number only, one
//! input per criterion, saved through `judge.js` with an offline queue, or by each row's form
//! without it), standing aside, closing a panel and the chief judge's confirmation.

use super::Posted;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::ServiceError;
use gongjiang_app::judging::{self, JudgeSheet, ScoreInput};
use gongjiang_db::practical::PanelRow;

#[derive(Template)]
#[template(path = "judging/panels.html")]
struct Panels {
    l: Layout,
    panels: Vec<PanelRow>,
}

pub async fn panels(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let panels = judging::my_panels(&state.db, &me.caller).await?;
    let title = me.ctx.tr.t("judging.title").to_owned();
    html_status(
        StatusCode::OK,
        &Panels {
            panels,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

#[derive(Template)]
#[template(path = "judging/sheet.html")]
struct SheetPage {
    l: Layout,
    s: JudgeSheet,
    errors: FormErrors,
}

async fn sheet_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let s = state.judging.sheet(&me.caller, id).await?;
    let title = format!("{} · {}", s.track_name, s.panel.name);
    html_status(
        status,
        &SheetPage {
            s,
            errors,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

pub async fn sheet(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    sheet_page(&state, &me, id, StatusCode::OK, FormErrors::default()).await
}

/// One entrant's row sent as a form (pages without the script): every filled criterion is
/// saved as the script would save it.
pub async fn save_row(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let entry_id = posted.read(|f| f.id("entry_id"))?;
        let correction = Some(posted.get("correction")).filter(|c| !c.trim().is_empty());
        for (key, value) in &posted.0 {
            let Some(criterion) = key.strip_prefix("criterion_") else {
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            let input = ScoreInput {
                entry_id,
                criterion_id: criterion.parse().unwrap_or(0),
                points: value.clone(),
                correction: correction.clone(),
            };
            state.judging.save(&me.caller, id, input).await?;
        }
        Ok(())
    }
    .await;
    after(&state, &me, id, result).await
}

async fn after(
    state: &AppState,
    me: &Me,
    id: i64,
    result: Result<(), ServiceError>,
) -> WebResult<Response> {
    super::after_form(
        me.ctx.tr,
        result,
        format!("/judging/panels/{id}"),
        |status, errors| sheet_page(state, me, id, status, errors),
    )
    .await
}

/// The judge stands aside for an entrant, with a reason.
pub async fn recuse(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let entry_id = posted.read(|f| f.id("entry_id"))?;
        judging::declare(&state.db, &me.caller, id, entry_id, &posted.get("reason")).await
    }
    .await;
    after(&state, &me, id, result).await
}

/// The chief judge (or the organisers) closes score entry.
pub async fn close(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let result = judging::set_open(&state.db, &me.caller, id, false, "")
        .await
        .map(|_| ());
    after(&state, &me, id, result).await
}

/// The chief judge confirms a closed panel.
pub async fn confirm(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let result = judging::confirm(&state.db, &me.caller, id)
        .await
        .map(|_| ());
    after(&state, &me, id, result).await
}
