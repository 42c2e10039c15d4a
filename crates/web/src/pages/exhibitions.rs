//! Exhibition pages: the list with a form for a new one, the exhibition's page where items are
//! added and placed at the venue, the printable board layout, and the public online part.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::{Ctx, Me};
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::exhibitions::{self, ExhibitionInput, ExhibitionPage, VenueInput};
use gongjiang_app::{ServiceError, units};
use gongjiang_db::exhibitions::ExhibitionView;
use gongjiang_domain::authz::Action;

#[derive(Template)]
#[template(path = "registry/exhibitions.html")]
struct List {
    l: Layout,
    errors: FormErrors,
    items: Vec<ExhibitionView>,
    units: Vec<UnitOption>,
    f: Posted,
}

async fn list_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
) -> WebResult<Response> {
    let items = exhibitions::list(&state.db, &me.caller).await?;
    let units = unit_options(
        &units::parents_for(&state.db, &me.caller, Action::DeclareAchievements).await?,
    );
    html_status(
        status,
        &List {
            errors,
            items,
            units,
            f,
            l: Layout::new(
                &me.ctx,
                "innovation",
                me.ctx.tr.t_string("exhibitions.title"),
            ),
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
    let result = async {
        let input = posted.read(|f| ExhibitionInput {
            unit_id: f.id("unit_id"),
            title: f.text("title"),
            summary: f.text("summary"),
            venue: f.text("venue"),
            opens_on: f.text("opens_on"),
            closes_on: f.text("closes_on"),
        })?;
        Ok(exhibitions::create(&state.db, &me.caller, input).await?.id)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!(
            "/innovation/exhibitions/{id}?done=exhibition_saved"
        ))
        .into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            list_page(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                posted,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "registry/exhibition.html")]
struct Show {
    l: Layout,
    errors: FormErrors,
    p: ExhibitionPage,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = exhibitions::page(&state.db, &me.caller, id).await?;
    let title = p.exhibition.title.clone();
    html_status(
        status,
        &Show {
            errors,
            p,
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

async fn back(
    state: &AppState,
    me: &Me,
    id: i64,
    done: &str,
    result: Result<(), ServiceError>,
) -> WebResult<Response> {
    let url = format!("/innovation/exhibitions/{id}?done={done}");
    super::after_form(me.ctx.tr, result, url, |status, errors| {
        show_page(state, me, id, status, errors)
    })
    .await
}

pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let achievement = posted.read(|f| f.id("achievement_id"))?;
        exhibitions::add(&state.db, &me.caller, id, achievement).await
    }
    .await;
    back(&state, &me, id, "item_added", result).await
}

pub async fn item(
    State(state): State<AppState>,
    me: Me,
    Path((id, achievement)): Path<(i64, i64)>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = if posted.get("remove") == "1" {
        exhibitions::remove(&state.db, &me.caller, id, achievement).await
    } else {
        let input = VenueInput {
            offline: posted.get("offline") == "1",
            board_no: posted.get("board_no"),
            board_note: posted.get("board_note"),
            model_note: posted.get("model_note"),
        };
        exhibitions::set_venue(&state.db, &me.caller, id, achievement, input).await
    };
    back(&state, &me, id, "item_saved", result).await
}

pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let published = posted.get("published") == "1";
    let result =
        exhibitions::publish(&state.db, &me.caller, id, published, &posted.get("reason")).await;
    back(
        &state,
        &me,
        id,
        if published {
            "published"
        } else {
            "unpublished"
        },
        result,
    )
    .await
}

#[derive(Template)]
#[template(path = "registry/boards.html")]
struct Boards {
    l: Layout,
    p: ExhibitionPage,
}

/// The venue's boards, one a printed page.
pub async fn boards(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = exhibitions::boards(&state.db, &me.caller, id).await?;
    let title = format!(
        "{} · {}",
        p.exhibition.title,
        me.ctx.tr.t("exhibitions.boards")
    );
    html(&Boards {
        p,
        l: Layout::new(&me.ctx, "innovation", title),
    })
}

#[derive(Template)]
#[template(path = "showcase/exhibition.html")]
struct Public {
    l: Layout,
    p: ExhibitionPage,
}

pub async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = exhibitions::public_page(&state.db, id).await?;
    let title = p.exhibition.title.clone();
    html(&Public {
        p,
        l: Layout::new(&ctx, "showcase", title),
    })
}
