//! The organisers' pages for a practical round: criteria and rule, panels and their judges,
//! the draw, reopening a panel, and a panel's final scores with each one's trace.

use super::Posted;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::ServiceError;
use gongjiang_app::judging::{self, PanelResults};
use gongjiang_app::practical::{self, PracticalPage, SetupInput};
use gongjiang_db::practical::aggregation_code;
use gongjiang_domain::competition::practical::{CriterionSpec, criteria_text};

#[derive(Template)]
#[template(path = "competitions/practical.html")]
struct Setup {
    l: Layout,
    p: PracticalPage,
    errors: FormErrors,
    f: Posted,
}

async fn setup_page(
    state: &AppState,
    me: &Me,
    track_id: i64,
    status: StatusCode,
    errors: FormErrors,
    f: Option<Posted>,
) -> WebResult<Response> {
    let p = practical::page(&state.db, &me.caller, track_id).await?;
    let f = f.unwrap_or_else(|| {
        let specs: Vec<CriterionSpec> = p.criteria.iter().map(|c| c.spec()).collect();
        Posted::of([
            ("criteria", criteria_text(&specs)),
            (
                "aggregation",
                aggregation_code(p.rule.aggregation).to_owned(),
            ),
            (
                "normalise",
                if p.rule.normalise { "on" } else { "" }.to_owned(),
            ),
            ("min_judges", p.rule.min_judges.to_string()),
        ])
    });
    let title = format!("{} · {}", p.track_name, me.ctx.tr.t("practical.title"));
    html_status(
        status,
        &Setup {
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
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    setup_page(
        &state,
        &me,
        track_id,
        StatusCode::OK,
        FormErrors::default(),
        None,
    )
    .await
}

async fn after(
    state: &AppState,
    me: &Me,
    track_id: i64,
    result: Result<(), ServiceError>,
    posted: Option<Posted>,
) -> WebResult<Response> {
    super::after_form(
        me.ctx.tr,
        result,
        format!("/competitions/tracks/{track_id}/practical"),
        |status, errors| setup_page(state, me, track_id, status, errors, posted),
    )
    .await
}

pub async fn set_up(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = SetupInput {
        criteria: posted.get("criteria"),
        aggregation: posted.get("aggregation"),
        normalise: !posted.get("normalise").is_empty(),
        min_judges: posted.get("min_judges"),
    };
    let result = practical::set_up(&state.db, &me.caller, track_id, input)
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, Some(posted)).await
}

pub async fn add_panel(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = practical::add_panel(&state.db, &me.caller, track_id, &posted.get("name"))
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, None).await
}

pub async fn draw(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let result = practical::draw(&state.db, &me.caller, track_id)
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, None).await
}

/// A panel's judges, by user name one a line (`*` before the chief judge).
pub async fn set_judges(
    State(state): State<AppState>,
    me: Me,
    Path(panel_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let track_id = judging::track_of_panel(&state.db, panel_id).await?;
    let result = practical::set_judges(&state.db, &me.caller, panel_id, &posted.get("judges"))
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, None).await
}

/// Reopens a closed panel (organisers, with a reason, before the chief judge confirms).
pub async fn reopen(
    State(state): State<AppState>,
    me: Me,
    Path(panel_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let track_id = judging::track_of_panel(&state.db, panel_id).await?;
    let result = judging::set_open(&state.db, &me.caller, panel_id, true, &posted.get("reason"))
        .await
        .map(|_| ());
    after(&state, &me, track_id, result, None).await
}

#[derive(Template)]
#[template(path = "competitions/panel_results.html")]
struct Results {
    l: Layout,
    r: PanelResults,
    rows: Vec<ResultRow>,
    /// The rule in words, with its version.
    rule: String,
}

/// One entrant's line: number, final score (or none) and the trace in words.
struct ResultRow {
    number: i64,
    score: String,
    lines: Vec<(String, String, String)>,
    notes: Vec<String>,
}

pub async fn results(
    State(state): State<AppState>,
    me: Me,
    Path(panel_id): Path<i64>,
) -> WebResult<Response> {
    let r = judging::results(&state.db, &me.caller, panel_id).await?;
    let tr = me.ctx.tr;
    let name_of = |user: i64| {
        r.judges
            .iter()
            .find(|j| j.user_id == user)
            .map(|j| j.name.clone())
            .unwrap_or_default()
    };
    let mut rows: Vec<ResultRow> = r
        .scores
        .subjects
        .iter()
        .map(|s| ResultRow {
            number: r.numbers.get(&s.subject).copied().unwrap_or(0),
            score: s.score.map(|p| p.to_string()).unwrap_or_default(),
            lines: s
                .trace
                .lines
                .iter()
                .map(|line| {
                    let status = serde_json::to_value(line.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    (
                        name_of(line.judge),
                        line.value().map(|p| p.to_string()).unwrap_or_default(),
                        tr.t_string(&format!("line_status.{status}")),
                    )
                })
                .collect(),
            notes: s
                .trace
                .notes
                .iter()
                .map(|n| {
                    let code = serde_json::to_value(n)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    tr.t_string(&format!("trace_note.{code}"))
                })
                .collect(),
        })
        .collect();
    rows.sort_by_key(|row| row.number);
    let rule = match r.scores.subjects.first() {
        Some(s) => {
            let rule = s.trace.rule;
            let mut text = tr.t_string(&format!(
                "aggregation.{}",
                aggregation_code(rule.aggregation)
            ));
            if rule.normalise {
                text.push_str(" · ");
                text.push_str(tr.t("practical.normalise"));
            }
            format!("{text} · v{}", rule.version)
        }
        None => String::new(),
    };
    let title = format!("{} · {}", r.panel.name, tr.t("practical.results"));
    html_status(
        StatusCode::OK,
        &Results {
            r,
            rows,
            rule,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

/// A panel's scores as a workbook from which every final score can be recomputed.
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Path(panel_id): Path<i64>,
) -> WebResult<Response> {
    let tr = me.ctx.tr;
    let bytes = judging::export(&state.db, &me.caller, panel_id, tr.locale.is_english()).await?;
    Ok(crate::view::xlsx(
        bytes,
        &format!("{}-{panel_id}.xlsx", tr.t("practical.results")),
    ))
}

#[derive(Template)]
#[template(path = "competitions/results.html")]
struct TrackResultsPage {
    l: Layout,
    r: gongjiang_app::results::TrackResults,
}

/// A track's results as they stand: ranks, prizes and team prizes (its organisers).
pub async fn track_results(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let r = gongjiang_app::results::of_track(&state.db, &me.caller, track_id).await?;
    let title = format!("{} · {}", r.track_name, me.ctx.tr.t("results.title"));
    html_status(
        StatusCode::OK,
        &TrackResultsPage {
            r,
            l: Layout::new(&me.ctx, "competitions", title),
        },
    )
}

/// A track's results as a workbook (entrants, and units when there are team prizes).
pub async fn track_results_export(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let tr = me.ctx.tr;
    let english = tr.locale.is_english();
    let bytes = gongjiang_app::results::export(&state.db, &me.caller, track_id, english).await?;
    Ok(crate::view::xlsx(
        bytes,
        &format!("{}-{track_id}.xlsx", tr.t("results.title")),
    ))
}
