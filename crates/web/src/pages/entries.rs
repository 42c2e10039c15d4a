//! Registration pages: signing up or enrolling on a track's page, a track's entries, one
//! entry with its steps (approve, return, withdraw), and "my entries" with what waits on me.

use super::Posted;
use super::competitions::track_page;
use super::imports::{RowMessage, row_messages};
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::{FormErrors, Layout, Pager, html_status, xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::entries::{self, EntryInput, EntryPage};
use gongjiang_app::{ServiceError, competitions, entry_imports};
use gongjiang_db::Page;
use gongjiang_db::entries::EntryView;
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::entry::EntryStage;
use gongjiang_domain::competition::entry_sheet::ENTRY_COLUMNS;
use gongjiang_domain::import::RowError;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

/// Signs the caller up, or, when the form names a worker, enrols them.
pub async fn enter(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = EntryInput {
        team: posted.get("team"),
        birth_on: posted.get("birth_on"),
    };
    let who = posted.get("person");
    let result = async {
        if who.trim().is_empty() {
            entries::sign_up(&state.db, &me.caller, track_id, input).await
        } else {
            let person = entries::find_entrant(&state.db, &me.caller, &who).await?;
            entries::enrol(&state.db, &me.caller, track_id, person, input).await
        }
    }
    .await;
    match result {
        Ok(entry) => {
            Ok(Redirect::to(&format!("/competitions/entries/{}", entry.id)).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            track_page(
                &state,
                &me,
                track_id,
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
#[template(path = "competitions/entries.html")]
struct TrackEntries {
    l: Layout,
    track_id: i64,
    track_name: String,
    competition_name: String,
    items: Vec<EntryView>,
    pager: Pager,
    stage: String,
    waiting: bool,
    stages: Vec<&'static str>,
    can_enrol: bool,
    report: Option<String>,
    row_errors: Vec<RowMessage>,
}

#[derive(Deserialize, Default)]
pub struct EntriesQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    waiting: String,
}

/// A track's entries, as the caller may see them.
pub async fn of_track(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Query(q): Query<EntriesQuery>,
) -> WebResult<Response> {
    entries_page(&state, &me, track_id, &q, StatusCode::OK, None, Vec::new()).await
}

async fn entries_page(
    state: &AppState,
    me: &Me,
    track_id: i64,
    q: &EntriesQuery,
    status: StatusCode,
    report: Option<String>,
    row_errors: Vec<RowMessage>,
) -> WebResult<Response> {
    let page = q.page.trim().parse().unwrap_or(1).clamp(1, 100_000);
    let stage = EntryStage::from_stored(q.stage.trim());
    let waiting = !q.waiting.is_empty();
    let t = competitions::track(&state.db, &me.caller, track_id).await?;
    let (items, total) = entries::of_track(
        &state.db,
        &me.caller,
        track_id,
        stage,
        waiting,
        Page::new(page, PAGE_SIZE),
    )
    .await?;
    let base = format!("/competitions/tracks/{track_id}/entries");
    let stage_code = stage.map(|s| s.as_str()).unwrap_or("");
    let mut params = vec![("stage", stage_code)];
    if waiting {
        params.push(("waiting", "1"));
    }
    let title = format!("{} · {}", t.track.row.name, me.ctx.tr.t("entries.title"));
    html_status(
        status,
        &TrackEntries {
            track_id,
            track_name: t.track.row.name,
            competition_name: t.competition.name,
            items,
            pager: Pager::new(&base, &params, page, PAGE_SIZE, total),
            stage: stage_code.to_owned(),
            waiting,
            stages: EntryStage::ALL.iter().map(|s| s.as_str()).collect(),
            can_enrol: me.caller.may_somewhere(Action::EnrolEntrants),
            report,
            row_errors,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

/// The enrolment template, with a note on each column.
pub async fn template(me: Me, Path(_track_id): Path<i64>) -> WebResult<Response> {
    me.caller.ensure_somewhere(Action::EnrolEntrants)?;
    let tr = me.ctx.tr;
    let english = tr.locale.is_english();
    let notes: Vec<(String, String)> = ENTRY_COLUMNS
        .iter()
        .map(|c| {
            let label = if english { c.en } else { c.zh };
            (
                label.to_owned(),
                tr.t_string(&format!("entries.note.{}", c.key)),
            )
        })
        .collect();
    let bytes = gongjiang_app::sheets::template(ENTRY_COLUMNS, english, &notes)
        .map_err(WebError::Internal)?;
    Ok(xlsx(
        bytes,
        &format!("{}.xlsx", tr.t("entries.template_name")),
    ))
}

/// Enrols the workers of an uploaded template; a refused file lists every bad row.
pub async fn import(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    mut multipart: Multipart,
) -> WebResult<Response> {
    let q = EntriesQuery::default();
    let tr = me.ctx.tr;
    let Some((_, bytes)) = crate::view::uploaded_file(&mut multipart).await? else {
        let rows = [RowError {
            row: 0,
            column: String::new(),
            code: "empty_file".into(),
            params: vec![],
        }];
        let errors = row_messages(tr, &rows);
        return entries_page(
            &state,
            &me,
            track_id,
            &q,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
        )
        .await;
    };
    match entry_imports::import(&state.db, &me.caller, track_id, &bytes).await {
        Ok(report) => {
            let done = tr.tf("entries.imported", &[("n", &report.created.to_string())]);
            entries_page(
                &state,
                &me,
                track_id,
                &q,
                StatusCode::OK,
                Some(done),
                Vec::new(),
            )
            .await
        }
        Err(ServiceError::ImportRejected(rows)) => {
            let errors = row_messages(tr, &rows);
            entries_page(
                &state,
                &me,
                track_id,
                &q,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "competitions/entry.html")]
struct EntryShow {
    l: Layout,
    p: EntryPage,
    errors: FormErrors,
    f: Posted,
}

async fn entry_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
    f: Posted,
) -> WebResult<Response> {
    let p = entries::entry(&state.db, &me.caller, id).await?;
    let title = format!("{} · {}", p.entry.person_name, p.entry.track_name);
    html_status(
        status,
        &EntryShow {
            p,
            errors,
            f,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    entry_page(
        &state,
        &me,
        id,
        StatusCode::OK,
        FormErrors::default(),
        Posted::default(),
    )
    .await
}

/// Approve or return, by the unit the entry waits on.
pub async fn decide(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let version = posted.get("version").trim().parse().ok();
    let result = entries::decide(
        &state.db,
        &me.caller,
        id,
        &posted.get("decision"),
        &posted.get("reason"),
        version,
    )
    .await
    .map(|_| ());
    after(&state, &me, id, result, posted).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = entries::withdraw(&state.db, &me.caller, id, &posted.get("reason"))
        .await
        .map(|_| ());
    after(&state, &me, id, result, posted).await
}

async fn after(
    state: &AppState,
    me: &Me,
    id: i64,
    result: Result<(), ServiceError>,
    posted: Posted,
) -> WebResult<Response> {
    super::after_form(
        me.ctx.tr,
        result,
        format!("/competitions/entries/{id}"),
        |status, errors| entry_page(state, me, id, status, errors, posted),
    )
    .await
}

#[derive(Template)]
#[template(path = "competitions/my_entries.html")]
struct MyEntries {
    l: Layout,
    mine: Vec<EntryView>,
    /// The caller's own results, for tracks on notice or final.
    results: Vec<gongjiang_app::notices::MyResult>,
    /// The caller's prizes, as their valid certificates.
    prizes: Vec<gongjiang_db::certificates::CertificateRow>,
    waiting: Vec<EntryView>,
    waiting_total: i64,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
}

/// The caller's own entries and, for unit admins, the entries waiting on their units.
pub async fn mine(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let page = q.page.trim().parse().unwrap_or(1).clamp(1, 100_000);
    let mine = entries::mine(&state.db, &me.caller).await?;
    let results = gongjiang_app::notices::mine(&state.db, &me.caller).await?;
    let prizes = match me.caller.person_id {
        Some(person) => gongjiang_app::certificates::of_person(&state.db, person).await?,
        None => Vec::new(),
    };
    let (waiting, waiting_total) =
        match entries::inbox(&state.db, &me.caller, Page::new(page, PAGE_SIZE)).await {
            Ok(found) => found,
            Err(ServiceError::Forbidden) => (Vec::new(), 0),
            Err(e) => return Err(e.into()),
        };
    html_status(
        StatusCode::OK,
        &MyEntries {
            mine,
            results,
            prizes,
            waiting,
            pager: Pager::new("/competitions/entries", &[], page, PAGE_SIZE, waiting_total),
            waiting_total,
            l: Layout::new(
                &me.ctx,
                "competitions",
                me.ctx.tr.t("entries.mine").to_owned(),
            ),
        },
    )
}

/// A track's entries as the caller may see them, as a workbook.
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let tr = me.ctx.tr;
    let bytes =
        entry_imports::export(&state.db, &me.caller, track_id, tr.locale.is_english()).await?;
    Ok(xlsx(bytes, &format!("{}.xlsx", tr.t("entries.title"))))
}
