//! Admin pages for units: the tree, creating, renaming, moving, closing and reopening.

use super::{Posted, UnitOption, parse_id, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::form::Fields;
use crate::view::{FormErrors, Layout, html, html_status, xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::units::{self, UnitInput};
use gongjiang_app::{ServiceError, imports};

use gongjiang_db::audit::AuditFilter;
use gongjiang_db::units::UnitRecord;
use gongjiang_domain::FieldError;
use gongjiang_domain::audit::Entry;
use gongjiang_domain::authz::Action;
use gongjiang_domain::unit::UnitKind;
use serde::Deserialize;

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub depth: usize,
    pub closed: bool,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitList {
    l: Layout,
    units: Vec<UnitRow>,
    count: String,
    q: String,
    include_closed: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    closed: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let include_closed = !query.closed.is_empty();
    let found = units::list(&state.db, &me.caller, &query.q, include_closed).await?;
    let top = found
        .iter()
        .map(|u| u.unit_path().depth())
        .min()
        .unwrap_or(1);
    let rows = found
        .iter()
        .map(|u| UnitRow {
            id: u.id,
            name: u.name.clone(),
            code: u.code.clone(),
            kind: u.kind.as_str().to_owned(),
            depth: if query.q.is_empty() {
                u.unit_path().depth() - top
            } else {
                0
            },
            closed: u.is_closed(),
        })
        .collect::<Vec<_>>();
    let title = me.ctx.tr.t_string("admin.units");
    html(&UnitList {
        count: rows.len().to_string(),
        units: rows,
        q: query.q,
        include_closed,
        l: Layout::new(&me.ctx, "admin", title),
    })
}

#[derive(Template)]
#[template(path = "admin/unit_new.html")]
struct UnitNew {
    l: Layout,
    errors: FormErrors,
    parents: Vec<UnitOption>,
    kinds: Vec<&'static str>,
    parent_id: i64,
    kind: String,
    code: String,
    name: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    parent: String,
}

impl UnitNew {
    fn is_kind(&self, k: &str) -> bool {
        self.kind == k
    }
}

async fn new_form(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    input: UnitInput,
) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManageUnits)?;
    let parents =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageUnits).await?);
    let title = me.ctx.tr.t_string("units.new");
    html_status(
        status,
        &UnitNew {
            errors,
            parent_id: input.parent_id.unwrap_or_default(),
            kinds: UnitKind::ALL
                .iter()
                .filter(|k| **k != UnitKind::Federation)
                .map(|k| k.as_str())
                .collect(),
            kind: input.kind,
            code: input.code,
            name: input.name,
            parents,
            l: Layout::new(&me.ctx, "admin", title),
        },
    )
}

pub async fn new(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    let parent_id = q.parent.parse().ok();
    let input = UnitInput {
        parent_id,
        kind: "enterprise_union".into(),
        code: String::new(),
        name: String::new(),
    };
    new_form(&state, &me, StatusCode::OK, FormErrors::default(), input).await
}

/// The parent unit: posted as `parent_id`, named `parent` in errors as the service names it.
fn parent(f: &mut Fields<'_>) -> i64 {
    match parse_id("parent", &f.text("parent_id")) {
        Ok(Some(id)) => return id,
        Ok(None) => f.refuse(FieldError::new("parent", "required")),
        Err(e) => f.refuse(e),
    }
    0
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| UnitInput {
            parent_id: Some(parent(f)),
            kind: f.text("kind"),
            code: f.text("code"),
            name: f.text("name"),
        })?;
        Ok(units::create(&state.db, &me.caller, input).await?.id)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/units/{id}?done=unit_created")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let input = UnitInput {
                parent_id: posted.get("parent_id").trim().parse().ok(),
                kind: posted.get("kind"),
                code: posted.get("code"),
                name: posted.get("name"),
            };
            new_form(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                input,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/unit_show.html")]
struct UnitShow {
    l: Layout,
    unit: UnitRecord,
    parent_name: Option<String>,
    move_targets: Vec<UnitOption>,
    history: Vec<Entry>,
    errors: FormErrors,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let unit = units::get(&state.db, &me.caller, id).await?;
    let parent_name = units::parent_of(&state.db, &me.caller, &unit)
        .await?
        .map(|p| p.name);
    let path = unit.unit_path();
    let kind = unit.kind;
    let move_targets = units::parents_for(&state.db, &me.caller, Action::ManageUnits)
        .await?
        .into_iter()
        .filter(|p| {
            !p.unit_path().is_within(&path)
                && Some(p.id) != unit.parent_id
                && kind.may_have_parent(Some(p.kind))
        })
        .collect::<Vec<_>>();
    let filter = AuditFilter {
        entity_type: "unit".into(),
        entity_id: id.to_string(),
        ..Default::default()
    };
    // The unit's history is its audit trail; admins who may not read the whole log still see it.
    let history =
        gongjiang_app::audit::history(&state.db, &me.caller, &filter, Action::ManageUnits, &path)
            .await?;
    let title = unit.name.clone();
    html_status(
        status,
        &UnitShow {
            move_targets: unit_options(&move_targets),
            parent_name,
            history,
            errors,
            unit,
            l: Layout::new(&me.ctx, "admin", title),
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

/// Answers a unit change: back to the unit with a notice, or the page again with the errors.
async fn after_change(
    state: &AppState,
    me: &Me,
    id: i64,
    result: Result<UnitRecord, ServiceError>,
    done: &str,
) -> WebResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/units/{id}?done={done}")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            show_page(
                state,
                me,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
            )
            .await
        }
        Err(ServiceError::Conflict(code)) => {
            show_page(
                state,
                me,
                id,
                StatusCode::CONFLICT,
                FormErrors::general(me.ctx.tr, code.code()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn rename(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let (name, reason) = (posted.get("name"), posted.get("reason"));
    let result = units::rename(&state.db, &me.caller, id, &name, &reason).await;
    after_change(&state, &me, id, result, "unit_renamed").await
}

pub async fn move_to(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let parent = posted.read(parent)?;
        units::move_to(&state.db, &me.caller, id, parent, &posted.get("reason")).await
    }
    .await;
    after_change(&state, &me, id, result, "unit_moved").await
}

pub async fn close(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = units::close(&state.db, &me.caller, id, &posted.get("reason")).await;
    after_change(&state, &me, id, result, "unit_closed").await
}

pub async fn reopen(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = units::reopen(&state.db, &me.caller, id, &posted.get("reason")).await;
    after_change(&state, &me, id, result, "unit_reopened").await
}

pub async fn export(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let english = me.ctx.locale().is_english();
    let bytes = imports::export_units(&state.db, &me.caller, english).await?;
    Ok(xlsx(bytes, &format!("{}.xlsx", me.ctx.tr.t("admin.units"))))
}
