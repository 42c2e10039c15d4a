//! Achievement pages: the register and its filters, the form, the achievement's page (people,
//! awards, files, the declaration's steps and the decision in front of the caller's unit), the
//! inbox of declarations waiting on the caller's units, and file downloads.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::{Ctx, Me};
use crate::error::{WebError, WebResult};
use crate::view::{Disposition, FormErrors, Layout, Pager, html, html_status, uploaded_file};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::achievements::{self, AchievementInput, AchievementPage};
use gongjiang_app::{ServiceError, studios, units};
use gongjiang_db::Page;
use gongjiang_db::achievements::{AchievementFilter, AchievementView};
use gongjiang_db::studios::{StudioFilter, StudioView};
use gongjiang_domain::authz::Action;
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::achievement::{
    AchievementKind, AchievementTextInput, AwardInput, AwardTier, Stage,
};
use serde::Deserialize;

const PAGE_SIZE: i64 = 30;

/// The codes the filters and forms offer.
pub struct Codes {
    pub fields: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    pub tiers: Vec<&'static str>,
    pub stages: Vec<&'static str>,
}

impl Codes {
    pub fn new() -> Codes {
        Codes {
            fields: Field::ALL.iter().map(|c| c.as_str()).collect(),
            kinds: AchievementKind::ALL.iter().map(|c| c.as_str()).collect(),
            tiers: AwardTier::ALL.iter().map(|c| c.as_str()).collect(),
            stages: Stage::ALL.iter().map(|c| c.as_str()).collect(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    pub fn filter(&self) -> AchievementFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        AchievementFilter {
            query: gongjiang_domain::error::search_term(&self.q),
            field: some(&self.field),
            kind: some(&self.kind),
            year: self.year.trim().parse().ok(),
            stage: some(&self.stage),
            tier: some(&self.tier),
            ..Default::default()
        }
    }

    pub fn page(&self) -> i64 {
        self.page.parse::<i64>().unwrap_or(1).max(1)
    }

    pub fn pager(&self, base: &str, size: i64, total: i64) -> Pager {
        let params = [
            ("q", self.q.as_str()),
            ("field", &self.field),
            ("kind", &self.kind),
            ("year", &self.year),
            ("stage", &self.stage),
            ("tier", &self.tier),
        ];
        Pager::new(base, &params, self.page(), size, total)
    }
}

#[derive(Template)]
#[template(path = "registry/achievements.html")]
struct AchievementList {
    l: Layout,
    items: Vec<AchievementView>,
    pager: Pager,
    q: ListQuery,
    c: Codes,
    can_declare: bool,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let (items, total) = achievements::list(
        &state.db,
        &me.caller,
        q.filter(),
        Page::new(q.page(), PAGE_SIZE),
    )
    .await?;
    html(&AchievementList {
        items,
        pager: q.pager("/innovation/achievements", PAGE_SIZE, total),
        q,
        c: Codes::new(),
        can_declare: me.caller.may_somewhere(Action::DeclareAchievements),
        l: Layout::new(
            &me.ctx,
            "innovation",
            me.ctx.tr.t_string("achievements.title"),
        ),
    })
}

#[derive(Template)]
#[template(path = "registry/achievement_form.html")]
struct AchievementForm {
    l: Layout,
    errors: FormErrors,
    units: Vec<UnitOption>,
    studios: Vec<StudioView>,
    c: Codes,
    f: Posted,
    action: String,
    editing: bool,
}

/// The studios an achievement may belong to: those the caller keeps.
async fn studio_choices(state: &AppState, me: &Me) -> WebResult<Vec<StudioView>> {
    match studios::list(
        &state.db,
        &me.caller,
        StudioFilter::default(),
        Page::new(1, 500),
    )
    .await
    {
        Ok((list, _)) => Ok(list),
        Err(ServiceError::Forbidden) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

async fn form_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
    edit: Option<i64>,
) -> WebResult<Response> {
    let units = unit_options(
        &units::parents_for(&state.db, &me.caller, Action::DeclareAchievements).await?,
    );
    let studios = studio_choices(state, me).await?;
    if units.is_empty() && studios.is_empty() {
        return Err(WebError::Forbidden);
    }
    let (title, action) = match edit {
        Some(id) => (
            me.ctx.tr.t_string("achievements.edit"),
            format!("/innovation/achievements/{id}"),
        ),
        None => (
            me.ctx.tr.t_string("achievements.new"),
            "/innovation/achievements".to_owned(),
        ),
    };
    html_status(
        status,
        &AchievementForm {
            errors,
            units,
            studios,
            c: Codes::new(),
            f,
            action,
            editing: edit.is_some(),
            l: Layout::new(&me.ctx, "innovation", title),
        },
    )
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    studio: String,
}

pub async fn new(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    let f = Posted::of([
        ("studio_id", q.studio),
        ("year", gongjiang_domain::clock::this_year().to_string()),
    ]);
    form_page(&state, &me, StatusCode::OK, FormErrors::default(), f, None).await
}

/// The form's input; a studio chosen without a unit declares in the studio's host unit.
async fn input(state: &AppState, me: &Me, p: &Posted) -> Result<AchievementInput, ServiceError> {
    let (studio_id, unit_id, text) = p.read(|f| {
        let text = AchievementTextInput {
            title: f.text("title"),
            summary: f.text("summary"),
            description: f.text("description"),
            kind: f.text("kind"),
            field: f.text("field"),
            year: f.text("year"),
            effects: f.text("effects"),
            patents: f.text("patents"),
        };
        (f.optional_id("studio_id"), f.optional_id("unit_id"), text)
    })?;
    let (unit_id, vouched) =
        achievements::declaring_unit(&state.db, &me.caller, unit_id, studio_id).await?;
    let people =
        achievements::resolve_people(&state.db, &me.caller, &p.get("people"), unit_id, vouched)
            .await?;
    Ok(AchievementInput {
        unit_id,
        studio_id,
        text,
        people,
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
        |id| format!("/innovation/achievements/{id}?done=achievement_saved"),
        posted,
        || async {
            let id = edit.unwrap_or_default();
            Ok(achievements::page(&state.db, &me.caller, id)
                .await?
                .achievement
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
    let result = match input(&state, &me, &posted).await {
        Ok(i) => achievements::create(&state.db, &me.caller, i)
            .await
            .map(|a| a.id),
        Err(e) => Err(e),
    };
    saved(&state, &me, posted, None, result).await
}

pub async fn edit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = achievements::page(&state.db, &me.caller, id).await?;
    if !p.rights.edit {
        return Err(WebError::Forbidden);
    }
    let a = p.achievement;
    let people: Vec<String> = p
        .people
        .iter()
        .map(|m| format!("#{}", m.person_id))
        .collect();
    let f = Posted::of([
        ("unit_id", a.unit_id.to_string()),
        (
            "studio_id",
            a.studio_id.map(|s| s.to_string()).unwrap_or_default(),
        ),
        ("title", a.title),
        ("summary", a.summary),
        ("description", a.description),
        ("kind", a.kind.as_str().to_owned()),
        ("field", a.field),
        ("year", a.year.to_string()),
        ("effects", a.effects),
        ("patents", a.patents),
        ("people", people.join("、")),
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
    let result = match input(&state, &me, &posted).await {
        Ok(i) => {
            let version = posted.get("version").parse().ok();
            let reason = posted.get("reason");
            achievements::update(&state.db, &me.caller, id, i, &reason, version)
                .await
                .map(|a| a.id)
        }
        Err(e) => Err(e),
    };
    saved(&state, &me, posted, Some(id), result).await
}

#[derive(Template)]
#[template(path = "registry/achievement.html")]
struct AchievementShow {
    l: Layout,
    errors: FormErrors,
    p: AchievementPage,
    c: Codes,
    year: i32,
}

async fn show_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let p = achievements::page(&state.db, &me.caller, id).await?;
    let title = p.achievement.title.clone();
    html_status(
        status,
        &AchievementShow {
            errors,
            p,
            c: Codes::new(),
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
    let url = format!("/innovation/achievements/{id}?done={done}");
    super::after_form(me.ctx.tr, result, url, |status, errors| {
        show_page(state, me, id, status, errors)
    })
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let decision = posted.get("decision");
    let result =
        achievements::decide_on(&state.db, &me.caller, id, &decision, &posted.get("reason"))
            .await
            .map(|_| ());
    back(&state, &me, id, &format!("decision_{decision}"), result).await
}

pub async fn add_award(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| AwardInput {
            // The page's field is `award_name`; `name` is still read as before.
            name: match f.text("award_name") {
                name if name.is_empty() => f.text("name"),
                name => name,
            },
            tier: f.text("tier"),
            granted_by: f.text("granted_by"),
            year: f.text("year"),
        })?;
        achievements::add_award(&state.db, &me.caller, id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, id, "award_added", result).await
}

pub async fn publish(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let published = posted.get("published") == "1";
    let result = achievements::publish(&state.db, &me.caller, id, published)
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

pub async fn add_file(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let Some((name, bytes)) = uploaded_file(&mut multipart).await? else {
        return back(
            &state,
            &me,
            id,
            "",
            Err(gongjiang_domain::FieldError::new("file", "required").into()),
        )
        .await;
    };
    let result = achievements::add_file(&state.db, &me.caller, id, &name, bytes)
        .await
        .map(|_| ());
    back(&state, &me, id, "file_added", result).await
}

pub async fn remove_file(
    State(state): State<AppState>,
    me: Me,
    Path(file_id): Path<i64>,
) -> WebResult<Response> {
    let id = achievements::remove_file(&state.db, &me.caller, file_id).await?;
    Ok(Redirect::to(&format!("/innovation/achievements/{id}?done=file_removed")).into_response())
}

/// A file, to anyone who may read its achievement (anyone once it is published). Documents
/// are always downloaded, never shown in the page's origin; nothing is sniffed by the browser.
async fn send_file(
    state: &AppState,
    ctx: &Ctx,
    file_id: i64,
    size: gongjiang_app::PictureSize,
) -> WebResult<Response> {
    let caller = ctx.caller();
    let (view, bytes) = achievements::file(&state.db, caller.as_ref(), file_id, size).await?;
    let disposition = if view.kind == "picture" {
        Disposition::Inline
    } else {
        Disposition::Attachment
    };
    Ok(crate::view::send_file(
        bytes,
        &view.content_type,
        &view.name,
        disposition,
        "private, max-age=3600",
    ))
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file_id): Path<i64>,
) -> WebResult<Response> {
    send_file(&state, &ctx, file_id, gongjiang_app::PictureSize::Whole).await
}

pub async fn thumbnail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file_id): Path<i64>,
    Query(width): Query<crate::view::ThumbnailWidth>,
) -> WebResult<Response> {
    send_file(&state, &ctx, file_id, width.size()).await
}

#[derive(Template)]
#[template(path = "registry/declarations.html")]
struct Declarations {
    l: Layout,
    items: Vec<AchievementView>,
}

/// Declarations waiting on one of the caller's units.
pub async fn inbox(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let items = achievements::awaiting(&state.db, &me.caller).await?;
    html(&Declarations {
        items,
        l: Layout::new(
            &me.ctx,
            "innovation",
            me.ctx.tr.t_string("declarations.title"),
        ),
    })
}
