//! Innovation centers and bases: the list with a form for a new one, and a group's page where
//! studios and alliances are added by their numbers.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::groups::{self, GroupInput, GroupPage};
use gongjiang_app::{ServiceError, units};
use gongjiang_db::groups::GroupView;
use gongjiang_domain::authz::Action;

#[derive(Template)]
#[template(path = "registry/groups.html")]
struct List {
    l: Layout,
    errors: FormErrors,
    items: Vec<GroupView>,
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
    let items = groups::list(&state.db).await?;
    let units = if me.caller.may_somewhere(Action::ManageAlliances) {
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageAlliances).await?)
    } else {
        Vec::new()
    };
    html_status(
        status,
        &List {
            errors,
            items,
            units,
            f,
            l: Layout::new(&me.ctx, "innovation", me.ctx.tr.t_string("groups.title")),
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
        let input = posted.read(|f| GroupInput {
            unit_id: f.id("unit_id"),
            kind: f.text("kind"),
            name: f.text("name"),
            summary: f.text("summary"),
        })?;
        Ok(groups::create(&state.db, &me.caller, input).await?.id)
    }
    .await;
    match result {
        Ok(id) => {
            Ok(Redirect::to(&format!("/innovation/groups/{id}?done=group_saved")).into_response())
        }
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
#[template(path = "registry/group.html")]
struct Show {
    l: Layout,
    errors: FormErrors,
    p: GroupPage,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = groups::page(&state.db, &me.caller, id).await?;
    let title = p.group.name.clone();
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

pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let (studio, alliance) =
            posted.read(|f| (f.optional_id("studio_id"), f.optional_id("alliance_id")))?;
        groups::add(&state.db, &me.caller, id, studio, alliance).await
    }
    .await;
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/innovation/groups/{id}?done=member_added")).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            show_page(&state, &me, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
