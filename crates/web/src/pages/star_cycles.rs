//! Studio star evaluation cycles: the list with a form for a new cycle, a cycle's page with
//! every studio's score, trace and proposal, the expert's scoring form and staff's
//! confirmations.

use super::{Posted, after_form};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::star_cycles::{self, CycleInput, CyclePage, SheetInput};
use gongjiang_db::star_cycles::CycleRow;
use gongjiang_domain::review::stars::Proposal;

#[derive(Template)]
#[template(path = "stars/list.html")]
struct List {
    l: Layout,
    cycles: Vec<CycleRow>,
    units: Vec<super::UnitOption>,
    errors: FormErrors,
    f: Posted,
}

async fn list_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
) -> WebResult<Response> {
    let cycles = star_cycles::list(&state.db, &me.caller).await?;
    let units = super::unit_options(
        &gongjiang_app::units::parents_for(
            &state.db,
            &me.caller,
            gongjiang_domain::authz::Action::ManageStudios,
        )
        .await?,
    );
    html_status(
        status,
        &List {
            cycles,
            units,
            errors,
            f,
            l: Layout::new(&me.ctx, "innovation", me.ctx.tr.t_string("stars.title")),
        },
    )
}

pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    list_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        Posted::default(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = CycleInput {
        unit_id: posted.get("unit_id").trim().parse().unwrap_or(0),
        year: posted.get("year"),
        name: posted.get("name"),
        criteria: posted.get("criteria"),
        exit_below: posted.get("exit_below"),
        three_stars: posted.get("three_stars"),
        four_stars: posted.get("four_stars"),
        five_stars: posted.get("five_stars"),
        aggregation: posted.get("aggregation"),
        min_judges: posted.get("min_judges"),
        experts: posted.get("experts"),
    };
    let result = star_cycles::create(&state.db, &me.caller, input).await;
    let done = match &result {
        Ok(c) => format!("/innovation/star-cycles/{}", c.id),
        Err(_) => String::new(),
    };
    after_form(me.ctx.tr, result.map(|_| ()), done, |status, errors| {
        list_page(&state, &me, status, errors, posted.clone())
    })
    .await
}

#[derive(Template)]
#[template(path = "stars/show.html")]
struct Show {
    l: Layout,
    p: CyclePage,
    errors: FormErrors,
    me_id: i64,
}

/// A proposal in words, for the page.
pub fn proposal_code(p: &Proposal) -> &'static str {
    match p {
        Proposal::Promote { .. } => "promote",
        Proposal::Keep { .. } => "keep",
        Proposal::Demote { .. } => "demote",
        Proposal::Exit { .. } => "exit",
        Proposal::NoScore => "no_score",
    }
}

/// Whether this expert stands aside for the studio.
pub fn stands_aside(s: &gongjiang_app::star_cycles::StudioLine, expert: &i64) -> bool {
    s.recused.iter().any(|(e, _)| e == expert)
}

/// What this expert gave the studio on the criterion at `index`, or empty.
pub fn my_point(s: &gongjiang_app::star_cycles::StudioLine, expert: &i64, index: &usize) -> String {
    s.result
        .trace
        .lines
        .iter()
        .find(|l| l.judge == *expert)
        .and_then(|l| l.points.get(*index).copied().flatten())
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// The stars a proposal leads to (0 for an exit or none).
pub fn proposal_stars(p: &Proposal) -> u8 {
    match p {
        Proposal::Promote { to, .. } | Proposal::Demote { to, .. } => *to,
        Proposal::Keep { stars } => *stars,
        Proposal::Exit { .. } | Proposal::NoScore => 0,
    }
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = star_cycles::page(&state.db, &me.caller, id).await?;
    let title = p.cycle.name.clone();
    html_status(
        status,
        &Show {
            p,
            errors,
            me_id: me.caller.user_id().unwrap_or(0),
            l: Layout::new(&me.ctx, "innovation", title),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    show_page(&state, &me, id, StatusCode::OK, FormErrors::default()).await
}

async fn after(
    state: &AppState,
    me: &Me,
    id: i64,
    result: Result<(), gongjiang_app::ServiceError>,
) -> WebResult<Response> {
    after_form(
        me.ctx.tr,
        result,
        format!("/innovation/star-cycles/{id}"),
        |status, errors| show_page(state, me, id, status, errors),
    )
    .await
}

/// An expert's scores for one studio: one `points` field a criterion, in order.
pub async fn save(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = SheetInput {
        studio_id: posted.get("studio_id").trim().parse().unwrap_or(0),
        points: posted.all("points"),
    };
    let result = star_cycles::save(&state.db, &me.caller, id, &input)
        .await
        .map(|_| ());
    after(&state, &me, id, result).await
}

pub async fn close(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let result = star_cycles::close(&state.db, &me.caller, id)
        .await
        .map(|_| ());
    after(&state, &me, id, result).await
}

pub async fn confirm(
    State(state): State<AppState>,
    me: Me,
    Path((id, studio)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let result = star_cycles::confirm(&state.db, &me.caller, id, studio)
        .await
        .map(|_| ());
    after(&state, &me, id, result).await
}
