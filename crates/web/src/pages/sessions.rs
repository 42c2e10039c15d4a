//! Pages for staff who run exam sessions: the list with a form to create one, and a
//! session's page with its entrants, arrangements, results, statistics and grading.

use super::{Posted, UnitOption, parse_id, unit_options};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::view::{FormErrors, Layout, html_status, xlsx};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::exams::{
    ArrangementInput, EntrantsInput, ExportLabels, ManualGrade, SessionInput, SessionResults,
    SessionView,
};
use gongjiang_app::{ServiceError, papers, units};
use gongjiang_db::exams::SessionRecord;
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::format_datetime;

pub fn export_labels(tr: Tr) -> ExportLabels {
    let t = |k: &str| tr.t_string(k);
    ExportLabels {
        entrants_sheet: t("sessions.export.entrants"),
        entrants: [
            "field.name",
            "field.employee_no",
            "field.unit",
            "sessions.attempt",
            "sessions.started",
            "sessions.submitted",
            "sessions.score",
            "sessions.max_score",
            "sessions.passed",
            "sessions.pending",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        questions_sheet: t("sessions.export.questions"),
        questions: [
            "sessions.question_id",
            "banks.stem",
            "banks.kind",
            "sessions.seen",
            "sessions.full_marks",
            "sessions.facility",
            "sessions.discrimination",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        yes: t("form.yes"),
        no: t("form.no"),
    }
}

/// A session's line in the list.
pub struct SessionLine {
    pub id: i64,
    pub name: String,
    pub paper: String,
    pub opens: String,
    pub closes: String,
}

fn line(s: &SessionRecord) -> SessionLine {
    SessionLine {
        id: s.id,
        name: s.name.clone(),
        paper: s.paper_name.clone(),
        opens: format_datetime(s.opens_ms),
        closes: format_datetime(s.closes_ms),
    }
}

#[derive(Template)]
#[template(path = "exams/sessions.html")]
struct SessionList {
    l: Layout,
    sessions: Vec<SessionLine>,
    papers: Vec<(i64, String, String)>,
    units: Vec<UnitOption>,
    errors: FormErrors,
    form: Posted,
}

async fn list_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    form: Posted,
) -> WebResult<Response> {
    let sessions = state.exams.sessions(&me.caller).await?;
    let papers = if me.caller.may_somewhere(Action::ManageBanks) {
        papers::list(&state.db, &me.caller).await?
    } else {
        Vec::new()
    };
    let units =
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageBanks).await?);
    html_status(
        status,
        &SessionList {
            sessions: sessions.iter().map(line).collect(),
            papers,
            units,
            errors,
            form,
            l: Layout::new(
                &me.ctx,
                "competitions",
                me.ctx.tr.t_string("sessions.title"),
            ),
        },
    )
}

pub async fn list(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    let form = Posted::of([
        ("limit_minutes", "60"),
        ("grace_seconds", "10"),
        ("attempts_allowed", "1"),
    ]);
    list_page(&state, &me, StatusCode::OK, FormErrors::default(), form).await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        // Numbers left empty are 0, for the service to refuse by its own rules.
        let input = posted.read(|f| SessionInput {
            paper_id: f.optional_id("paper_id").unwrap_or(0),
            name: f.text("name"),
            opens: f.text("opens"),
            closes: f.text("closes"),
            limit_minutes: f.optional_id("limit_minutes").unwrap_or(0),
            late_start: f.text("late_start"),
            grace_seconds: f.optional_id("grace_seconds").unwrap_or(0),
            attempts_allowed: f.optional_id("attempts_allowed").unwrap_or(0),
            show_results: f.ticked("show_results"),
            unit_ids: f.optional_id("unit_id").into_iter().collect(),
            person_ids: Vec::new(),
        })?;
        Ok(state.exams.create_session(&me.caller, input).await?.id)
    }
    .await;
    match result {
        Ok(id) => {
            Ok(Redirect::to(&format!("/exams/sessions/{id}?done=session_created")).into_response())
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

/// A result row as the table shows it.
pub struct RowView {
    pub name: String,
    pub unit: String,
    pub number: i64,
    pub submitted: String,
    pub by_clock: bool,
    pub score: String,
    pub passed: Option<bool>,
    pub pending: i64,
}

pub struct StatView {
    pub question_id: i64,
    pub stem: String,
    pub seen: usize,
    pub full_marks: usize,
    pub facility: String,
    pub discrimination: String,
}

pub struct PendingView {
    pub attempt_id: i64,
    pub position: usize,
    pub number: usize,
    pub stem: String,
    pub reference: String,
    pub text: String,
    pub max_points: String,
}

#[derive(Template)]
#[template(path = "exams/session.html")]
struct SessionPage {
    l: Layout,
    s: SessionLine,
    view: SessionView,
    limit_minutes: i64,
    grace_seconds: i64,
    full_time: bool,
    keys_released_at: Option<String>,
    can_manage: bool,
    units: Vec<UnitOption>,
    rows: Vec<RowView>,
    stats: Vec<StatView>,
    pending: Vec<PendingView>,
    errors: FormErrors,
}

fn points(p: i64) -> String {
    format!("{}", p as f64 / 100.0)
}

async fn session_page(
    state: &AppState,
    me: &Me,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let view = state.exams.session(&me.caller, id).await?;
    let results: SessionResults = state.exams.results(&me.caller, id).await?;
    let can_manage = me.caller.may(
        Action::ManageBanks,
        &gongjiang_domain::unit::UnitPath::from_stored(view.session.unit_path.clone()),
    );
    let units = if can_manage {
        unit_options(&units::parents_for(&state.db, &me.caller, Action::ManageBanks).await?)
    } else {
        Vec::new()
    };
    let rows = results
        .rows
        .iter()
        .map(|r| RowView {
            name: r.name.clone(),
            unit: r.unit_name.clone(),
            number: r.number,
            submitted: r.submitted_at.map(format_datetime).unwrap_or_default(),
            by_clock: r.submitted_by.as_deref() == Some("clock"),
            score: r
                .score
                .map(|s| format!("{} / {}", points(s), points(r.max_score)))
                .unwrap_or_default(),
            passed: r.passed,
            pending: r.pending_manual,
        })
        .collect();
    let stats = results
        .questions
        .iter()
        .map(|q| StatView {
            question_id: q.question_id,
            stem: q.stem.clone(),
            seen: q.seen,
            full_marks: q.full_marks,
            facility: q.facility.map(|f| format!("{f:.2}")).unwrap_or_default(),
            discrimination: q
                .discrimination
                .map(|d| format!("{d:.2}"))
                .unwrap_or_default(),
        })
        .collect();
    let pending = results
        .pending
        .iter()
        .map(|p| PendingView {
            attempt_id: p.attempt_id,
            position: p.position,
            number: p.position + 1,
            stem: p.stem.clone(),
            reference: p.reference.clone(),
            text: p.text.clone(),
            max_points: points(p.max_points),
        })
        .collect();
    let s = line(&view.session);
    html_status(
        status,
        &SessionPage {
            limit_minutes: view.session.limit_ms / 60_000,
            grace_seconds: view.session.grace_ms / 1000,
            full_time: view.session.late_start == "full_time",
            keys_released_at: view.session.keys_released_at.map(format_datetime),
            l: Layout::new(&me.ctx, "competitions", s.name.clone()),
            s,
            view,
            can_manage,
            units,
            rows,
            stats,
            pending,
            errors,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    session_page(&state, &me, id, StatusCode::OK, FormErrors::default()).await
}

/// Renders the session page again with the errors of a form, or goes back to it with a notice.
async fn after(
    state: &AppState,
    me: &Me,
    id: i64,
    result: Result<(), ServiceError>,
    done: &str,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/exams/sessions/{id}?done={done}")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            session_page(state, me, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_entrants(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| EntrantsInput {
            unit_ids: f.optional_id("unit_id").into_iter().collect(),
            person_ids: f.optional_id("person_id").into_iter().collect(),
        })?;
        state.exams.add_entrants(&me.caller, id, input).await?;
        Ok(())
    }
    .await;
    after(&state, &me, id, result, "entrants_added").await
}

pub async fn arrange(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| ArrangementInput {
            // Posted as `arrange_person` (the entrants' form has its own `person_id`), named
            // `person_id` in errors as the service names it.
            person_id: match parse_id("person_id", &f.text("arrange_person")) {
                Ok(id) => id.unwrap_or(0),
                Err(e) => {
                    f.refuse(e);
                    0
                }
            },
            extra_minutes: f.optional_id("extra_minutes").unwrap_or(0),
            opens: f.text("arrange_opens"),
            closes: f.text("arrange_closes"),
            reason: f.text("reason"),
        })?;
        state.exams.arrange(&me.caller, id, input).await
    }
    .await;
    after(&state, &me, id, result, "arrangement_saved").await
}

pub async fn grade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| {
            let points = f.text("points").trim().parse::<f64>().unwrap_or_else(|_| {
                f.refuse(FieldError::new("points", "not_a_number"));
                0.0
            });
            ManualGrade {
                attempt_id: f.optional_id("attempt_id").unwrap_or(0),
                position: f.optional_id("position").unwrap_or(0),
                points: (points * 100.0).round() as i64,
                reason: f.text("reason"),
            }
        })?;
        state.exams.grade_by_hand(&me.caller, id, input).await
    }
    .await;
    after(&state, &me, id, result, "graded").await
}

pub async fn regrade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let question_id = posted.read(|f| f.optional_id("question_id").unwrap_or(0))?;
        let reason = posted.get("regrade_reason");
        state
            .exams
            .regrade(&me.caller, id, question_id, &reason)
            .await?;
        Ok(())
    }
    .await;
    after(&state, &me, id, result, "regraded").await
}

pub async fn release_keys(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let result = state.exams.release_keys(&me.caller, id).await.map(|_| ());
    after(&state, &me, id, result, "keys_released").await
}

pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let bytes = state
        .exams
        .export_results(&me.caller, id, &export_labels(me.ctx.tr))
        .await?;
    Ok(xlsx(
        bytes,
        &format!("{}-{id}.xlsx", me.ctx.tr.t_string("sessions.export.file")),
    ))
}
