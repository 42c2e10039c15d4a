//! Studio pages: the register (list and filters), the profile form, and the studio's own page
//! where its keepers add members and its admins record levels, ratings, status and publication.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::form::Fields;
use crate::view::{FormErrors, Layout, Pager, html, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::studios::{
    self, Keeping, LevelInput, RatingInput, StatusInput, StudioInput, StudioPage,
};
use gongjiang_app::{ServiceError, people, units};
use gongjiang_db::Page;
use gongjiang_db::studios::{StudioFilter, StudioView};
use gongjiang_domain::authz::Action;
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::studio::{
    MemberRole, StudioLevel, StudioProfileInput, StudioStatus,
};
use serde::Deserialize;

const PAGE_SIZE: i64 = 30;

/// The codes each filter and form offers.
pub struct Choices {
    pub fields: Vec<&'static str>,
    pub levels: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
    pub roles: Vec<&'static str>,
}

impl Choices {
    pub fn new() -> Choices {
        Choices {
            fields: Field::ALL.iter().map(|f| f.as_str()).collect(),
            levels: StudioLevel::ALL.iter().map(|f| f.as_str()).collect(),
            statuses: StudioStatus::ALL.iter().map(|f| f.as_str()).collect(),
            roles: MemberRole::ALL.iter().map(|f| f.as_str()).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/studios.html")]
struct StudioList {
    l: Layout,
    studios: Vec<StudioView>,
    pager: Pager,
    q: ListQuery,
    c: Choices,
    can_create: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub stars: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    pub fn filter(&self) -> StudioFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        StudioFilter {
            query: gongjiang_domain::error::search_term(&self.q),
            level: some(&self.level),
            stars: self.stars.trim().parse().ok(),
            status: some(&self.status),
            field: some(&self.field),
            within: None,
            published_only: false,
        }
    }

    pub fn page(&self) -> i64 {
        self.page.parse::<i64>().unwrap_or(1).max(1)
    }

    pub fn pager(&self, base: &str, size: i64, total: i64) -> Pager {
        Pager::new(
            base,
            &[
                ("q", &self.q),
                ("level", &self.level),
                ("stars", &self.stars),
                ("status", &self.status),
                ("field", &self.field),
            ],
            self.page(),
            size,
            total,
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let (found, total) = studios::list(
        &state.db,
        &me.caller,
        q.filter(),
        Page::new(q.page(), PAGE_SIZE),
    )
    .await?;
    let pager = q.pager("/innovation/studios", PAGE_SIZE, total);
    html(&StudioList {
        studios: found,
        pager,
        q,
        c: Choices::new(),
        can_create: me.caller.may_somewhere(Action::ManageStudios),
        l: Layout::new(&me.ctx, "innovation", me.ctx.tr.t_string("studios.title")),
    })
}

#[derive(Template)]
#[template(path = "registry/studio_form.html")]
struct StudioForm {
    l: Layout,
    errors: FormErrors,
    units: Vec<UnitOption>,
    c: Choices,
    f: FormValues,
    action: String,
    editing: bool,
    can_change_leader: bool,
}

/// What the form shows: the posted text, so that a refused form comes back as typed.
#[derive(Default)]
struct FormValues {
    unit_id: i64,
    leader: String,
    name: String,
    fields: Vec<String>,
    founded_year: String,
    site: String,
    equipment: String,
    funds: String,
    contact: String,
    summary: String,
    /// The version the editor started from (see `studios::update`).
    version: String,
}

impl FormValues {
    fn from_posted(p: &Posted) -> FormValues {
        FormValues {
            unit_id: p
                .read(|f| f.optional_id("unit_id"))
                .ok()
                .flatten()
                .unwrap_or_default(),
            leader: p.get("leader"),
            name: p.get("name"),
            fields: p.all("fields"),
            founded_year: p.get("founded_year"),
            site: p.get("site"),
            equipment: p.get("equipment"),
            funds: p.get("funds"),
            contact: p.get("contact"),
            summary: p.get("summary"),
            version: p.get("version"),
        }
    }

    fn from_studio(s: &StudioView) -> FormValues {
        FormValues {
            unit_id: s.unit_id,
            leader: s
                .leader_person_id
                .map(|id| format!("#{id}"))
                .unwrap_or_default(),
            name: s.name.clone(),
            fields: s.field_codes().into_iter().map(str::to_owned).collect(),
            founded_year: s.founded_year.map(|y| y.to_string()).unwrap_or_default(),
            site: s.site.clone(),
            equipment: s.equipment.clone(),
            funds: s.funds.clone(),
            contact: s.contact.clone(),
            summary: s.summary.clone(),
            version: s.updated_at.to_string(),
        }
    }

    fn has_field(&self, code: &&str) -> bool {
        self.fields.iter().any(|f| f == code)
    }
}

/// The studio's profile as posted.
fn profile(f: &mut Fields<'_>) -> StudioProfileInput {
    StudioProfileInput {
        name: f.text("name"),
        fields: f.all("fields"),
        founded_year: f.text("founded_year"),
        site: f.text("site"),
        equipment: f.text("equipment"),
        funds: f.text("funds"),
        contact: f.text("contact"),
        summary: f.text("summary"),
    }
}

async fn form_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: FormValues,
    edit: Option<(i64, bool)>,
) -> WebResult<Response> {
    let units = if edit.is_none() {
        me.caller.ensure_somewhere(Action::ManageStudios)?;
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageStudios).await?)
    } else {
        Vec::new()
    };
    let (title, action) = match edit {
        Some((id, _)) => (
            me.ctx.tr.t_string("studios.edit"),
            format!("/innovation/studios/{id}"),
        ),
        None => (
            me.ctx.tr.t_string("studios.new"),
            "/innovation/studios".to_owned(),
        ),
    };
    html_status(
        status,
        &StudioForm {
            errors,
            units,
            c: Choices::new(),
            f,
            action,
            editing: edit.is_some(),
            can_change_leader: edit.is_none_or(|(_, admin)| admin),
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
        FormValues::default(),
        None,
    )
    .await
}

/// The leader field names a person (name, employee number or `#id`), found near the unit.
async fn leader_of(
    state: &AppState,
    me: &Me,
    raw: &str,
    unit_id: i64,
) -> Result<Option<i64>, ServiceError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        people::resolve(&state.db, &me.caller, "leader", raw, unit_id, false)
            .await
            .map(Some)
    }
}

/// Runs a form's service call; a refused input re-renders the form with its errors.
async fn refused_form(
    state: &AppState,
    me: &Me,
    f: FormValues,
    edit: Option<(i64, bool)>,
    e: ServiceError,
) -> WebResult<Response> {
    match e {
        ServiceError::Invalid(invalid) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            form_page(state, me, StatusCode::UNPROCESSABLE_ENTITY, errors, f, edit).await
        }
        // Changed since the form was opened: back with what was typed and the current
        // version, so that sending it again is a choice.
        ServiceError::Stale if edit.is_some() => {
            let id = edit.map(|(id, _)| id).unwrap_or_default();
            let mut f = f;
            f.version = studios::page(&state.db, &me.caller, id)
                .await?
                .studio
                .updated_at
                .to_string();
            let errors = FormErrors::general(me.ctx.tr, "edited_since_form");
            form_page(state, me, StatusCode::PRECONDITION_FAILED, errors, f, edit).await
        }
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let f = FormValues::from_posted(&posted);
    let result = async {
        let (unit_id, profile) = posted.read(|f| (f.id("unit_id"), profile(f)))?;
        let input = StudioInput {
            unit_id,
            leader_person_id: leader_of(&state, &me, &f.leader, unit_id).await?,
            profile,
        };
        Ok(studios::create(&state.db, &me.caller, input).await?.id)
    }
    .await;
    match result {
        Ok(id) => Ok(
            Redirect::to(&format!("/innovation/studios/{id}?done=studio_saved")).into_response(),
        ),
        Err(e) => refused_form(&state, &me, f, None, e).await,
    }
}

pub async fn edit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let page = studios::page(&state.db, &me.caller, id).await?;
    if page.keeping == Keeping::None {
        return Err(WebError::Forbidden);
    }
    let f = FormValues::from_studio(&page.studio);
    let admin = page.keeping == Keeping::Admin;
    form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        f,
        Some((id, admin)),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let page = studios::page(&state.db, &me.caller, id).await?;
    let admin = page.keeping == Keeping::Admin;
    let mut f = FormValues::from_posted(&posted);
    f.unit_id = page.studio.unit_id;
    let version = f.version.parse().ok();
    let result = async {
        let profile = posted.read(profile)?;
        let leader = if admin {
            leader_of(&state, &me, &f.leader, page.studio.unit_id).await?
        } else {
            page.studio.leader_person_id
        };
        let input = StudioInput {
            unit_id: page.studio.unit_id,
            leader_person_id: leader,
            profile,
        };
        let reason = posted.get("reason");
        studios::update(&state.db, &me.caller, id, input, &reason, version).await
    }
    .await;
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/innovation/studios/{id}?done=studio_saved")).into_response(),
        ),
        Err(e) => refused_form(&state, &me, f, Some((id, admin)), e).await,
    }
}

#[derive(Template)]
#[template(path = "registry/studio.html")]
struct StudioShow {
    l: Layout,
    errors: FormErrors,
    p: StudioPage,
    c: Choices,
    can_keep: bool,
    can_admin: bool,
    today: String,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = studios::page(&state.db, &me.caller, id).await?;
    let title = p.studio.name.clone();
    html_status(
        status,
        &StudioShow {
            errors,
            can_keep: p.keeping != Keeping::None,
            can_admin: p.keeping == Keeping::Admin,
            p,
            c: Choices::new(),
            today: gongjiang_domain::clock::today(),
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

/// After an action on the studio's page: back to it, or the page again with the errors.
async fn back(
    state: &AppState,
    me: &Me,
    id: i64,
    done: &str,
    result: Result<(), ServiceError>,
) -> WebResult<Response> {
    let url = format!("/innovation/studios/{id}?done={done}");
    super::after_form(me.ctx.tr, result, url, |status, errors| {
        show_page(state, me, id, status, errors)
    })
    .await
}

pub async fn add_member(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = studios::add_member_named(
        &state.db,
        &me.caller,
        id,
        &posted.get("person"),
        posted.get("role"),
        posted.get("joined_on"),
    )
    .await
    .map(|_| ());
    back(&state, &me, id, "member_added", result).await
}

pub async fn end_member(
    State(state): State<AppState>,
    me: Me,
    Path(member_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let studio_id = posted.read(|f| f.id("studio_id"))?;
    let result = studios::end_member(
        &state.db,
        &me.caller,
        member_id,
        &posted.get("left_on"),
        &posted.get("reason"),
    )
    .await
    .map(|_| ());
    back(&state, &me, studio_id, "member_left", result).await
}

pub async fn record_level(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| LevelInput {
            level: f.text("level"),
            year: f.text("year"),
            granted_by: f.text("granted_by"),
            note: f.text("note"),
        })?;
        studios::record_level(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "level_recorded", result).await
}

pub async fn record_rating(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| RatingInput {
            stars: f.text("stars"),
            rated_on: f.text("rated_on"),
            source: f.text("source"),
        })?;
        studios::record_rating(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "rating_recorded", result).await
}

/// Certifies one of the studio's ratings (see `recognitions`).
pub async fn certify_rating(
    State(state): State<AppState>,
    me: Me,
    Path((id, rating_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let result = gongjiang_app::recognitions::for_rating(
        &state.db,
        &me.caller,
        id,
        rating_id,
        Default::default(),
    )
    .await
    .map(|_| ());
    back(&state, &me, id, "certificate_issued", result).await
}

pub async fn set_status(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| StatusInput {
            status: f.text("status"),
            merged_into: f.optional_id("merged_into"),
            on: f.text("on"),
            reason: f.text("reason"),
        })?;
        studios::set_status(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "status_changed", result).await
}

pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let published = posted.get("published") == "1";
    let result = studios::publish(&state.db, &me.caller, id, published)
        .await
        .map(|_| ());
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

pub async fn add_picture(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> WebResult<Response> {
    let result = match crate::view::uploaded_file(&mut multipart).await? {
        Some((name, bytes)) => studios::add_picture(&state.db, &me.caller, id, &name, bytes)
            .await
            .map(|_| ()),
        None => Err(gongjiang_domain::FieldError::new("file", "required").into()),
    };
    back(&state, &me, id, "picture_added", result).await
}

async fn send_picture(
    state: &AppState,
    ctx: &crate::context::Ctx,
    id: i64,
    size: gongjiang_app::PictureSize,
) -> WebResult<Response> {
    let caller = ctx.caller();
    let (content_type, bytes) = studios::picture(&state.db, caller.as_ref(), id, size).await?;
    Ok(crate::view::send_file(
        bytes,
        &content_type,
        &format!("studio-picture-{id}"),
        crate::view::Disposition::Inline,
        "private, max-age=3600",
    ))
}

pub async fn picture(
    State(state): State<AppState>,
    ctx: crate::context::Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    send_picture(&state, &ctx, id, gongjiang_app::PictureSize::Whole).await
}

pub async fn picture_thumbnail(
    State(state): State<AppState>,
    ctx: crate::context::Ctx,
    Path(id): Path<i64>,
    Query(width): Query<crate::view::ThumbnailWidth>,
) -> WebResult<Response> {
    send_picture(&state, &ctx, id, width.size()).await
}
