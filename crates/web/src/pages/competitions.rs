//! Competitions and their tracks: the list (the competitions area's front page), a
//! competition's page with its tracks, and the forms that set them up.

use super::{Posted, UnitOption, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::{FormErrors, Layout, Pager, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::competitions::{self, CompetitionPage, TrackPage};
use gongjiang_app::entries::{self, Registration};
use gongjiang_app::{ServiceError, units};
use gongjiang_db::Page;
use gongjiang_db::competitions::{CompetitionView, Track};
use gongjiang_db::exams::SessionRecord;
use gongjiang_domain::Invalid;
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::{
    CompetitionInput, RoundKind, TrackInput, TrackKind, tier_lines, tier_text,
};
use serde::Deserialize;

const PAGE_SIZE: i64 = 30;

#[derive(Template)]
#[template(path = "competitions/list.html")]
struct List {
    l: Layout,
    items: Vec<CompetitionView>,
    pager: Pager,
    links: Vec<(String, String)>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    page: String,
}

/// The competitions area: its competitions, newest first, and the exam tools.
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let page = q.page.trim().parse().unwrap_or(1).clamp(1, 100_000);
    let (items, total) = competitions::list(&state.db, Page::new(page, PAGE_SIZE)).await?;
    html_status(
        StatusCode::OK,
        &List {
            items,
            pager: Pager::new("/competitions", &[], page, PAGE_SIZE, total),
            links: super::home::competition_links(&me.ctx),
            can_create: me.caller.may_somewhere(Action::ManageCompetitions),
            l: Layout::new(
                &me.ctx,
                "competitions",
                me.ctx.tr.t_string("nav.competitions"),
            ),
        },
    )
}

#[derive(Template)]
#[template(path = "competitions/form.html")]
struct CompetitionForm {
    l: Layout,
    errors: FormErrors,
    units: Vec<UnitOption>,
    all_units: Vec<UnitOption>,
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
    me.caller.ensure_somewhere(Action::ManageCompetitions)?;
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageCompetitions).await?);
    let all_units = unit_options(&units::directory(&state.db).await?);
    let (title, action) = match edit {
        Some(id) => ("competitions.edit", format!("/competitions/{id}")),
        None => ("competitions.new", "/competitions".to_owned()),
    };
    html_status(
        status,
        &CompetitionForm {
            errors,
            units,
            all_units,
            f,
            action,
            editing: edit.is_some(),
            l: Layout::new(&me.ctx, "competitions", me.ctx.tr.t_string(title)),
        },
    )
}

pub async fn new(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let f = Posted::default();
    form_page(&state, &me, StatusCode::OK, FormErrors::default(), f, None).await
}

fn competition_input(p: &Posted) -> Result<CompetitionInput, Invalid> {
    p.read(|f| CompetitionInput {
        unit_id: f.id("unit_id"),
        co_organisers: f.ids("co_organisers"),
        name: f.text("name"),
        edition: f.text("edition"),
        starts_on: f.text("starts_on"),
        ends_on: f.text("ends_on"),
        rules: f.text("rules"),
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
        |id| format!("/competitions/{id}?done=competition_saved"),
        posted,
        || async {
            let id = edit.unwrap_or_default();
            let p = competitions::page(&state.db, &me.caller, id).await?;
            Ok(p.competition.updated_at)
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
        let input = competition_input(&posted)?;
        let p = competitions::create(&state.db, &me.caller, input).await?;
        Ok(p.competition.id)
    }
    .await;
    saved(&state, &me, posted, None, result).await
}

pub async fn edit(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = competitions::page(&state.db, &me.caller, id).await?;
    if !p.can_manage {
        return Err(WebError::Forbidden);
    }
    let c = p.competition;
    let mut f = Posted::of([
        ("unit_id", c.unit_id.to_string()),
        ("name", c.name),
        ("edition", c.edition),
        ("starts_on", c.starts_on),
        ("ends_on", c.ends_on),
        ("rules", c.rules),
        ("version", c.updated_at.to_string()),
    ]);
    for o in p.organisers {
        f.0.push(("co_organisers".into(), o.unit_id.to_string()));
    }
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
        let input = competition_input(&posted)?;
        let p = competitions::update(&state.db, &me.caller, id, input, version).await?;
        Ok(p.competition.id)
    }
    .await;
    saved(&state, &me, posted, Some(id), result).await
}

#[derive(Template)]
#[template(path = "competitions/show.html")]
struct Show {
    l: Layout,
    p: CompetitionPage,
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = competitions::page(&state.db, &me.caller, id).await?;
    let title = p.competition.name.clone();
    html_status(
        StatusCode::OK,
        &Show {
            p,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

#[derive(Template)]
#[template(path = "competitions/track_form.html")]
struct TrackForm {
    l: Layout,
    errors: FormErrors,
    competition: CompetitionView,
    all_units: Vec<UnitOption>,
    kinds: &'static [TrackKind],
    f: Posted,
    action: String,
    editing: bool,
}

#[allow(clippy::too_many_arguments)]
async fn track_form_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
    competition_id: i64,
    edit: Option<i64>,
) -> WebResult<Response> {
    let p = competitions::page(&state.db, &me.caller, competition_id).await?;
    if !p.can_manage {
        return Err(WebError::Forbidden);
    }
    let (title, action) = match edit {
        Some(id) => ("tracks.edit", format!("/competitions/tracks/{id}")),
        None => (
            "tracks.new",
            format!("/competitions/{competition_id}/tracks"),
        ),
    };
    html_status(
        status,
        &TrackForm {
            errors,
            all_units: unit_options(&units::directory(&state.db).await?),
            kinds: TrackKind::ALL,
            f,
            action,
            editing: edit.is_some(),
            l: Layout::new(&me.ctx, "competitions", me.ctx.tr.t_string(title)),
            competition: p.competition,
        },
    )
}

pub async fn new_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let f = Posted::of([("kind", "individual"), ("practical_weight", "100")]);
    track_form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        f,
        id,
        None,
    )
    .await
}

fn track_input(p: &Posted) -> Result<TrackInput, Invalid> {
    p.read(|f| TrackInput {
        name: f.text("name"),
        trade: f.text("trade"),
        kind: f.text("kind"),
        new_this_edition: f.ticked("new_this_edition"),
        theory_weight: f.text("theory_weight"),
        practical_weight: f.text("practical_weight"),
        eligible_unit_id: f.optional_id("eligible_unit_id"),
        min_age: f.text("min_age"),
        max_age: f.text("max_age"),
        quota_per_unit: f.text("quota_per_unit"),
        team_size: f.text("team_size"),
        prizes: tier_lines(&f.text("prizes")),
        team_best: f.text("team_best"),
        team_prizes: tier_lines(&f.text("team_prizes")),
        min_prize_score: f.text("min_prize_score"),
    })
}

async fn track_saved(
    state: &AppState,
    me: &Me,
    posted: Posted,
    competition_id: i64,
    edit: Option<i64>,
    result: Result<i64, ServiceError>,
) -> WebResult<Response> {
    super::after_record_form(
        me.ctx.tr,
        result,
        |id| format!("/competitions/tracks/{id}?done=track_saved"),
        posted,
        || async {
            let id = edit.unwrap_or_default();
            Ok(competitions::track(&state.db, &me.caller, id)
                .await?
                .track
                .row
                .updated_at)
        },
        |status, errors, posted| {
            track_form_page(state, me, status, errors, posted, competition_id, edit)
        },
    )
    .await
}

pub async fn create_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = track_input(&posted)?;
        Ok(competitions::add_track(&state.db, &me.caller, id, input)
            .await?
            .row
            .id)
    }
    .await;
    track_saved(&state, &me, posted, id, None, result).await
}

/// A track's form filled in from the track.
fn track_values(t: &Track) -> Posted {
    let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let weight = |kind: RoundKind| {
        t.rounds
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.weight.to_string())
            .unwrap_or_default()
    };
    let r = &t.row;
    let mut f = Posted::of([
        ("name", r.name.clone()),
        ("trade", r.trade.clone()),
        ("kind", r.kind.as_str().to_owned()),
        ("theory_weight", weight(RoundKind::Theory)),
        ("practical_weight", weight(RoundKind::Practical)),
        ("eligible_unit_id", n(r.eligible_unit_id)),
        ("min_age", n(r.min_age)),
        ("max_age", n(r.max_age)),
        ("quota_per_unit", n(r.quota_per_unit)),
        ("team_size", n(r.team_size)),
        ("prizes", tier_text(&t.prizes)),
        ("team_best", n(r.team_best)),
        ("team_prizes", tier_text(&t.team_prizes)),
        (
            "min_prize_score",
            r.min_prize_score()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ),
        ("version", r.updated_at.to_string()),
    ]);
    if r.new_this_edition {
        f.set("new_this_edition", "on".into());
    }
    f
}

pub async fn edit_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = competitions::track(&state.db, &me.caller, id).await?;
    if !p.can_manage {
        return Err(WebError::Forbidden);
    }
    let f = track_values(&p.track);
    let competition_id = p.competition.id;
    track_form_page(
        &state,
        &me,
        StatusCode::OK,
        FormErrors::default(),
        f,
        competition_id,
        Some(id),
    )
    .await
}

pub async fn update_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let version = posted.get("version").parse().ok();
    let competition_id = competitions::track(&state.db, &me.caller, id)
        .await?
        .competition
        .id;
    let result = async {
        let input = track_input(&posted)?;
        let t = competitions::update_track(&state.db, &me.caller, id, input, version).await?;
        Ok(t.row.id)
    }
    .await;
    track_saved(&state, &me, posted, competition_id, Some(id), result).await
}

#[derive(Template)]
#[template(path = "competitions/track.html")]
struct TrackShow {
    l: Layout,
    p: TrackPage,
    reg: Registration,
    /// Exam sessions the theory round may be sat as (for its organisers).
    sessions: Vec<SessionRecord>,
    errors: FormErrors,
    f: Posted,
}

pub async fn track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    track_page(
        &state,
        &me,
        id,
        StatusCode::OK,
        FormErrors::default(),
        Posted::default(),
    )
    .await
}

/// A track's page with its registration box; a refused sign-up or enrolment comes back here
/// with what was typed and every error.
pub(crate) async fn track_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
) -> WebResult<Response> {
    let p = competitions::track(&state.db, &me.caller, id).await?;
    let reg = entries::registration(&state.db, &me.caller, id).await?;
    let sessions = if p.can_manage {
        state.exams.sessions(&me.caller).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let title = format!("{} · {}", p.competition.name, p.track.row.name);
    html_status(
        status,
        &TrackShow {
            p,
            reg,
            sessions,
            errors,
            f,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

/// Links the theory round to an exam session (or unlinks it with an empty choice).
pub async fn link_exam(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    // Rights before the input: a bad choice is only reported to those who may choose.
    if !competitions::track(&state.db, &me.caller, id)
        .await?
        .can_manage
    {
        return Err(WebError::Forbidden);
    }
    let result = async {
        let session = posted.read(|f| f.optional_id("exam_session_id"))?;
        gongjiang_app::track_exams::link(&state.db, &me.caller, id, session).await?;
        Ok(())
    }
    .await;
    let again = |status, errors| track_page(&state, &me, id, status, errors, posted.clone());
    super::after_form(
        me.ctx.tr,
        result,
        format!("/competitions/tracks/{id}"),
        again,
    )
    .await
}
