//! Alliance pages: the list, the profile form, the alliance's page (members, chair terms,
//! projects) and the dashboard of alliances below the annual-projects rule.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, Pager, html, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::alliances::{
    self, AllianceInput, AlliancePage, HandoverInput, ProjectInput, QuotaReport,
};
use gongjiang_app::{ServiceError, units};
use gongjiang_db::Page;
use gongjiang_db::alliances::{AllianceFilter, AllianceView};
use gongjiang_domain::Invalid;
use gongjiang_domain::authz::Action;
use gongjiang_domain::registry::alliance::{AllianceKind, AllianceProfileInput};
use serde::Deserialize;

const PAGE_SIZE: i64 = 30;

fn kinds() -> Vec<&'static str> {
    AllianceKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[derive(Template)]
#[template(path = "registry/alliances.html")]
struct AllianceList {
    l: Layout,
    alliances: Vec<AllianceView>,
    pager: Pager,
    q: ListQuery,
    kinds: Vec<&'static str>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let filter = AllianceFilter {
        query: gongjiang_domain::error::search_term(&q.q),
        kind: (!q.kind.is_empty()).then(|| q.kind.clone()),
        published_only: false,
    };
    let (found, total) = alliances::list(&state.db, filter, Page::new(page, PAGE_SIZE)).await?;
    let pager = Pager::new(
        "/innovation/alliances",
        &[("q", &q.q), ("kind", &q.kind)],
        page,
        PAGE_SIZE,
        total,
    );
    html(&AllianceList {
        alliances: found,
        pager,
        q,
        kinds: kinds(),
        can_create: me.caller.may_somewhere(Action::ManageAlliances),
        l: Layout::new(&me.ctx, "innovation", me.ctx.tr.t_string("alliances.title")),
    })
}

#[derive(Template)]
#[template(path = "registry/alliance_form.html")]
struct AllianceForm {
    l: Layout,
    errors: FormErrors,
    units: Vec<UnitOption>,
    kinds: Vec<&'static str>,
    f: Posted,
    action: String,
    editing: bool,
}

async fn form_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
    edit: Option<i64>,
) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::ManageAlliances)?;
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageAlliances).await?);
    let (title, action) = match edit {
        Some(id) => (
            me.ctx.tr.t_string("alliances.edit"),
            format!("/innovation/alliances/{id}"),
        ),
        None => (
            me.ctx.tr.t_string("alliances.new"),
            "/innovation/alliances".to_owned(),
        ),
    };
    html_status(
        status,
        &AllianceForm {
            errors,
            units,
            kinds: kinds(),
            f,
            action,
            editing: edit.is_some(),
            l: Layout::new(&me.ctx, "innovation", title),
        },
    )
}

pub async fn new(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        Posted::default(),
        None,
    )
    .await
}

fn input(p: &Posted) -> Result<AllianceInput, Invalid> {
    p.read(|f| AllianceInput {
        unit_id: f.id("unit_id"),
        profile: AllianceProfileInput {
            name: f.text("name"),
            kind: f.text("kind"),
            theme: f.text("theme"),
            purpose: f.text("purpose"),
            founded_year: f.text("founded_year"),
        },
        annual_quota: f.text("annual_quota"),
    })
}

async fn saved(
    state: &AppState,
    me: &Me,
    posted: Posted,
    edit: Option<i64>,
    result: Result<i64, ServiceError>,
) -> WebResult<Response> {
    super::after_record_form(
        me.ctx.tr,
        result,
        |id| format!("/innovation/alliances/{id}?done=alliance_saved"),
        posted,
        || async {
            let id = edit.unwrap_or_default();
            Ok(alliances::page(&state.db, &me.caller, id)
                .await?
                .alliance
                .updated_at)
        },
        |status, errors, posted| form_page(state, me, status, errors, posted, edit),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let a = alliances::create(&state.db, &me.caller, input(&posted)?).await?;
        Ok(a.id)
    }
    .await;
    saved(&state, &me, posted, None, result).await
}

pub async fn edit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = alliances::page(&state.db, &me.caller, id).await?;
    if !p.can_keep {
        return Err(crate::error::WebError::Forbidden);
    }
    let a = p.alliance;
    let year = |y: Option<i64>| y.map(|y| y.to_string()).unwrap_or_default();
    let f = Posted::of([
        ("unit_id", a.unit_id.to_string()),
        ("name", a.name),
        ("kind", a.kind),
        ("theme", a.theme),
        ("purpose", a.purpose),
        ("founded_year", year(a.founded_year)),
        ("annual_quota", year(a.annual_quota)),
        ("version", a.updated_at.to_string()),
    ]);
    form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        f,
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
    let version = posted.get("version").parse().ok();
    let result = async {
        let input = input(&posted)?;
        let reason = posted.get("reason");
        let a = alliances::update(&state.db, &me.caller, id, input, &reason, version).await?;
        Ok(a.id)
    }
    .await;
    saved(&state, &me, posted, Some(id), result).await
}

#[derive(Template)]
#[template(path = "registry/alliance.html")]
struct AllianceShow {
    l: Layout,
    errors: FormErrors,
    p: AlliancePage,
    units: Vec<UnitOption>,
    today: String,
    year: i32,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = alliances::page(&state.db, &me.caller, id).await?;
    let units = if p.can_keep {
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageAlliances).await?)
    } else {
        Vec::new()
    };
    let title = p.alliance.name.clone();
    html_status(
        status,
        &AllianceShow {
            errors,
            p,
            units,
            today: gongjiang_domain::clock::today(),
            year: gongjiang_domain::clock::this_year(),
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
    let url = format!("/innovation/alliances/{id}?done={done}");
    super::after_form(me.ctx.tr, result, url, |status, errors| {
        show_page(state, me, id, status, errors)
    })
    .await
}

/// A studio joins: from the alliance's page (by studio number) or from the studio's own page.
pub async fn join(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let studio_id = posted.read(|f| f.id("studio_id"))?;
        alliances::join(
            &state.db,
            &me.caller,
            id,
            studio_id,
            &posted.get("joined_on"),
        )
        .await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "member_added", result).await
}

pub async fn leave(
    State(state): State<AppState>,
    me: Me,
    Path(member_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let alliance_id = posted.read(|f| f.id("alliance_id"))?;
    let result = alliances::leave(
        &state.db,
        &me.caller,
        member_id,
        &posted.get("left_on"),
        &posted.get("reason"),
    )
    .await
    .map(|_| ());
    back(&state, &me, alliance_id, "member_left", result).await
}

pub async fn hand_over(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| HandoverInput {
            unit_id: f.id("unit_id"),
            from: f.text("from"),
            note: f.text("note"),
        })?;
        alliances::hand_over(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "chair_handed_over", result).await
}

pub async fn add_project(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| ProjectInput {
            year: f.text("year"),
            title: f.text("title"),
            summary: f.text("summary"),
        })?;
        alliances::add_project(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "project_added", result).await
}

#[derive(Template)]
#[template(path = "registry/quota.html")]
struct QuotaPage {
    l: Layout,
    errors: FormErrors,
    r: QuotaReport,
    can_configure: bool,
}

#[derive(Deserialize, Default)]
pub struct QuotaQuery {
    #[serde(default)]
    year: String,
}

async fn quota_page(
    state: &AppState,
    me: &Me,
    year: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let r = alliances::quota_report(&state.db, &me.caller, year).await?;
    html_status(
        status,
        &QuotaPage {
            errors,
            r,
            can_configure: me.caller.may_somewhere(Action::ConfigureRegistry),
            l: Layout::new(&me.ctx, "innovation", me.ctx.tr.t_string("quota.title")),
        },
    )
}

pub async fn quota(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<QuotaQuery>,
) -> WebResult<Response> {
    let year = q
        .year
        .trim()
        .parse()
        .unwrap_or_else(|_| i64::from(gongjiang_domain::clock::this_year()));
    quota_page(&state, &me, year, StatusCode::OK, FormErrors::default()).await
}

pub async fn set_quota(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    match alliances::set_quota(
        &state.db,
        &me.caller,
        &posted.get("quota"),
        &posted.get("reason"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/innovation/alliances/quota?done=quota_saved").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            let year = i64::from(gongjiang_domain::clock::this_year());
            quota_page(&state, &me, year, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
