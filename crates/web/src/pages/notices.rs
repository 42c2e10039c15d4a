//! The public notice (公示) of a track's results: the list of notices, a notice with its
//! period, frozen results, corrections and objections; the organisers' moves (freeze,
//! publish, reopen, final) and their resolution of objections.

use super::{Posted, after_form};
use crate::AppState;
use crate::context::{Ctx, Me};
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::notices::{self, MoveInput, Notice, ObjectionInput, ResolutionInput};
use gongjiang_db::notices::NoticeListing;
use gongjiang_domain::competition::notice::ResultStage;

#[derive(Template)]
#[template(path = "notices/list.html")]
struct List {
    l: Layout,
    notices: Vec<NoticeListing>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let notices = notices::listings(&state.db).await?;
    html(&List {
        notices,
        l: Layout::new(&ctx, "notices", ctx.tr.t_string("notices.title")),
    })
}

#[derive(Template)]
#[template(path = "notices/show.html")]
struct Show {
    l: Layout,
    n: Notice,
    errors: FormErrors,
    f: Posted,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    track_id: i64,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
) -> WebResult<Response> {
    let caller = ctx.caller_or_anonymous();
    let n = notices::notice(&state.db, &caller, track_id).await?;
    let title = format!("{} · {}", n.track_name, ctx.tr.t("notices.title"));
    html_status(
        status,
        &Show {
            n,
            errors,
            f,
            l: Layout::new(ctx, "notices", title),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    show_page(
        &state,
        &ctx,
        track_id,
        StatusCode::OK,
        FormErrors::default(),
        Posted::default(),
    )
    .await
}

/// The form again after a refusal, or the notice.
async fn after(
    state: &AppState,
    me: &Me,
    track_id: i64,
    result: Result<(), gongjiang_app::ServiceError>,
    posted: Posted,
) -> WebResult<Response> {
    after_form(
        me.ctx.tr,
        result,
        format!("/notices/{track_id}"),
        |status, errors| show_page(state, &me.ctx, track_id, status, errors, posted),
    )
    .await
}

/// An organiser's move: freeze, publish (with the days), reopen (with the reason), final.
pub async fn move_results(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = MoveInput {
        action: posted.get("action"),
        days: posted.get("days").trim().parse().ok(),
        reason: posted.get("reason"),
    };
    let result = notices::move_results(&state.db, &me.caller, track_id, &input)
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, posted).await
}

pub async fn lodge(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = ObjectionInput {
        entry_id: posted.get("entry_id").trim().parse().ok(),
        body: posted.get("body"),
    };
    let result = notices::lodge(&state.db, &me.caller, track_id, &input)
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, posted).await
}

pub async fn resolve(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = ResolutionInput {
        outcome: posted.get("outcome"),
        resolution: posted.get("resolution"),
    };
    let result = notices::resolve(&state.db, &me.caller, id, &input).await;
    let track_id = match &result {
        Ok(o) => o.track_id,
        Err(_) => posted.get("track_id").trim().parse().unwrap_or(0),
    };
    after(&state, &me, track_id, result.map(|_| ()), posted).await
}
