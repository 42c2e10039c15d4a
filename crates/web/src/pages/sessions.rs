//! Pages for staff who run exam sessions: the list with a form to create one, and a
//! session's page with its entrants, arrangements, results, statistics and grading.

use super::{UnitOption, unit_options};
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
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::format_datetime;
use serde::Deserialize;

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
    form: SessionForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct SessionForm {
    #[serde(default)]
    paper_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    limit_minutes: String,
    #[serde(default)]
    late_start: String,
    #[serde(default)]
    grace_seconds: String,
    #[serde(default)]
    attempts_allowed: String,
    #[serde(default)]
    show_results: Option<String>,
    #[serde(default)]
    unit_id: String,
}

async fn list_page(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    form: SessionForm,
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
    let form = SessionForm {
        limit_minutes: "60".into(),
        grace_seconds: "10".into(),
        attempts_allowed: "1".into(),
        ..SessionForm::default()
    };
    list_page(&state, &me, StatusCode::OK, FormErrors::default(), form).await
}

fn number(field: &str, raw: &str) -> Result<i64, gongjiang_domain::FieldError> {
    Ok(super::parse_id(field, raw)?.unwrap_or(0))
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(form): Form<SessionForm>,
) -> WebResult<Response> {
    let parsed = (|| -> Result<SessionInput, gongjiang_domain::FieldError> {
        Ok(SessionInput {
            paper_id: number("paper_id", &form.paper_id)?,
            name: form.name.clone(),
            opens: form.opens.clone(),
            closes: form.closes.clone(),
            limit_minutes: number("limit_minutes", &form.limit_minutes)?,
            late_start: form.late_start.clone(),
            grace_seconds: number("grace_seconds", &form.grace_seconds)?,
            attempts_allowed: number("attempts_allowed", &form.attempts_allowed)?,
            show_results: form.show_results.is_some(),
            unit_ids: super::parse_id("unit_id", &form.unit_id)?
                .into_iter()
                .collect(),
            person_ids: Vec::new(),
        })
    })();
    let result = match parsed {
        Ok(input) => state.exams.create_session(&me.caller, input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(s) => Ok(
            Redirect::to(&format!("/exams/sessions/{}?done=session_created", s.id)).into_response(),
        ),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(me.ctx.tr, &invalid);
            list_page(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, errors, form).await
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

#[derive(Deserialize)]
pub struct EntrantsForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    person_id: String,
}

pub async fn add_entrants(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<EntrantsForm>,
) -> WebResult<Response> {
    let result = async {
        let input = EntrantsInput {
            unit_ids: super::parse_id("unit_id", &form.unit_id)?
                .into_iter()
                .collect(),
            person_ids: super::parse_id("person_id", &form.person_id)?
                .into_iter()
                .collect(),
        };
        state.exams.add_entrants(&me.caller, id, input).await?;
        Ok(())
    }
    .await;
    after(&state, &me, id, result, "entrants_added").await
}

#[derive(Deserialize)]
pub struct ArrangementForm {
    #[serde(default, rename = "arrange_person")]
    person_id: String,
    #[serde(default)]
    extra_minutes: String,
    #[serde(default, rename = "arrange_opens")]
    opens: String,
    #[serde(default, rename = "arrange_closes")]
    closes: String,
    #[serde(default)]
    reason: String,
}

pub async fn arrange(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ArrangementForm>,
) -> WebResult<Response> {
    let result = async {
        let input = ArrangementInput {
            person_id: number("person_id", &form.person_id)?,
            extra_minutes: number("extra_minutes", &form.extra_minutes)?,
            opens: form.opens,
            closes: form.closes,
            reason: form.reason,
        };
        state.exams.arrange(&me.caller, id, input).await
    }
    .await;
    after(&state, &me, id, result, "arrangement_saved").await
}

#[derive(Deserialize)]
pub struct GradeForm {
    #[serde(default)]
    attempt_id: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
}

pub async fn grade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<GradeForm>,
) -> WebResult<Response> {
    let result = async {
        let points: f64 = form
            .points
            .trim()
            .parse()
            .map_err(|_| gongjiang_domain::FieldError::new("points", "not_a_number"))?;
        let input = ManualGrade {
            attempt_id: number("attempt_id", &form.attempt_id)?,
            position: number("position", &form.position)?,
            points: (points * 100.0).round() as i64,
            reason: form.reason,
        };
        state.exams.grade_by_hand(&me.caller, id, input).await
    }
    .await;
    after(&state, &me, id, result, "graded").await
}

#[derive(Deserialize)]
pub struct RegradeForm {
    #[serde(default)]
    question_id: String,
    #[serde(default, rename = "regrade_reason")]
    reason: String,
}

pub async fn regrade(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<RegradeForm>,
) -> WebResult<Response> {
    let result = async {
        let question_id = number("question_id", &form.question_id)?;
        state
            .exams
            .regrade(&me.caller, id, question_id, &form.reason)
            .await?;
        Ok(())
    }
    .await;
    after(&state, &me, id, result, "regraded").await
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
