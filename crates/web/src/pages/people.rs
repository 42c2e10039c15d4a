//! Admin pages for people: list and search, create, edit, and the person's page with account.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, Pager, html, html_status, xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::people::{self, PersonInput};
use gongjiang_app::{ServiceError, accounts, imports, units};
use gongjiang_db::Page;
use gongjiang_db::people::PersonView;
use gongjiang_domain::Invalid;
use gongjiang_domain::account::Role;
use gongjiang_domain::authz::Action;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeopleList {
    l: Layout,
    people: Vec<PersonView>,
    pager: Pager,
    q: String,
    unit: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    page: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let unit = super::parse_id("unit", &query.unit)?;
    let page = query.page.parse::<i64>().unwrap_or(1).max(1);
    let (found, total) = people::list(
        &state.db,
        &me.caller,
        &query.q,
        unit,
        Page::new(page, PAGE_SIZE),
    )
    .await?;
    let unit_s = unit.map(|u| u.to_string()).unwrap_or_default();
    let pager = Pager::new(
        "/admin/people",
        &[("q", &query.q), ("unit", &unit_s)],
        page,
        PAGE_SIZE,
        total,
    );
    let title = me.ctx.tr.t_string("admin.people");
    html(&PeopleList {
        people: found,
        pager,
        q: query.q,
        unit,
        l: Layout::new(&me.ctx, "admin", title),
    })
}

#[derive(Template)]
#[template(path = "admin/person_form.html")]
struct PersonForm {
    l: Layout,
    errors: FormErrors,
    units: Vec<UnitOption>,
    form: Posted,
    action: String,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    form: Posted,
    edit: Option<i64>,
) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManagePeople)?;
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManagePeople).await?);
    let (title, action) = match edit {
        Some(id) => (
            me.ctx.tr.t_string("people.edit"),
            format!("/admin/people/{id}"),
        ),
        None => (me.ctx.tr.t_string("people.new"), "/admin/people".to_owned()),
    };
    html_status(
        status,
        &PersonForm {
            errors,
            units,
            form,
            action,
            editing: edit.is_some(),
            l: Layout::new(&me.ctx, "admin", title),
        },
    )
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    unit: String,
}

pub async fn new(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    let form = Posted::of([("unit_id", q.unit)]);
    form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        form,
        None,
    )
    .await
}

fn input(posted: &Posted) -> Result<PersonInput, Invalid> {
    posted.read(|f| PersonInput {
        unit_id: f.id("unit_id"),
        name: f.text("name"),
        employee_no: f.text("employee_no"),
        gender: f.text("gender"),
        phone: f.text("phone"),
        email: f.text("email"),
        trade: f.text("trade"),
        post: f.text("post"),
    })
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        Ok(people::create(&state.db, &me.caller, input(&posted)?)
            .await?
            .id)
    }
    .await;
    match result {
        Ok(id) => {
            Ok(Redirect::to(&format!("/admin/people/{id}?done=person_saved")).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            form_page(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                posted,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = people::get(&state.db, &me.caller, id).await?;
    let form = Posted::of([
        ("unit_id", p.unit_id.to_string()),
        ("name", p.name),
        ("employee_no", p.employee_no),
        ("gender", p.gender),
        ("phone", p.phone),
        ("email", p.email),
        ("trade", p.trade),
        ("post", p.post),
    ]);
    form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        form,
        Some(id),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = input(&posted)?;
        people::update(&state.db, &me.caller, id, input, &posted.get("reason")).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/people/{id}?done=person_saved")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            form_page(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                posted,
                Some(id),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// An account as the person page shows it.
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
    pub locked: bool,
    pub grants: Vec<gongjiang_db::users::GrantView>,
}

#[derive(Template)]
#[template(path = "admin/person_show.html")]
struct PersonShow {
    l: Layout,
    person: PersonView,
    account: Option<AccountView>,
    roles: Vec<&'static str>,
    units: Vec<UnitOption>,
    new_password: Option<String>,
    errors: FormErrors,
    record: gongjiang_app::honours::PersonRecord,
    honour_kinds: Vec<&'static str>,
    honour_levels: Vec<&'static str>,
    year: i32,
}

pub async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
    new_password: Option<String>,
) -> WebResult<Response> {
    let person = people::get(&state.db, &me.caller, id).await?;
    let account = match person.user_id {
        Some(uid) => {
            let (user, grants) = accounts::get(&state.db, &me.caller, uid).await?;
            let now = gongjiang_domain::clock::now_ms();
            Some(AccountView {
                id: user.id,
                username: user.username,
                disabled: user.disabled,
                locked: user.locked_until > now,
                grants,
            })
        }
        None => None,
    };
    // Offer only the roles this admin may hand out somewhere.
    let roles = Role::ALL
        .iter()
        .filter(|r| me.caller.may_somewhere(Action::GrantRole(**r)))
        .map(|r| r.as_str())
        .collect();
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageAccounts).await?);
    let record = gongjiang_app::honours::record_of(&state.db, &me.caller, id).await?;
    use gongjiang_domain::registry::honour::{HonourKind, HonourLevel};
    let title = person.name.clone();
    html_status(
        status,
        &PersonShow {
            person,
            account,
            roles,
            units,
            new_password,
            errors,
            record,
            honour_kinds: HonourKind::ALL.iter().map(|k| k.as_str()).collect(),
            honour_levels: HonourLevel::ALL.iter().map(|k| k.as_str()).collect(),
            year: gongjiang_domain::clock::this_year(),
            l: Layout::new(&me.ctx, "admin", title),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    show_page(&state, &me, id, StatusCode::OK, FormErrors::default(), None).await
}

pub async fn export(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let bytes = imports::export_people(&state.db, &me.caller, me.ctx.locale().is_english()).await?;
    Ok(xlsx(
        bytes,
        &format!("{}.xlsx", me.ctx.tr.t("admin.people")),
    ))
}
