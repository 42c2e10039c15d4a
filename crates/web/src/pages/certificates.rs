//! Certificates: the public verification page (what a QR code opens), a track's certificates
//! for its organisers (issue, revoke, print), a competition's batch with its progress and its
//! zip, and a unit's certificate template with a preview.

use super::{Posted, after_form};
use crate::AppState;
use crate::context::{Ctx, Me};
use crate::error::WebResult;
use crate::view::{Disposition, FormErrors, Layout, html, html_status, send_file};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::certificate_templates::TemplateView;
use gongjiang_app::certificates::{self, Verification};
use gongjiang_db::certificates::{BatchRow, CertificateRow};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "certificates/verify.html")]
struct Verify {
    l: Layout,
    v: Option<Verification>,
}

#[derive(Deserialize, Default)]
pub struct SerialQuery {
    #[serde(default)]
    serial: String,
}

/// The form to type a serial (from a paper certificate without a phone camera).
pub async fn verify_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SerialQuery>,
) -> WebResult<Response> {
    let serial = q.serial.trim();
    if !serial.is_empty() {
        return verify(State(state), ctx, Path(serial.to_owned())).await;
    }
    html(&Verify {
        v: None,
        l: Layout::new(&ctx, "verify", ctx.tr.t_string("certificates.verify_title")),
    })
}

/// What a certificate's QR code opens: valid, revoked or unknown, and nothing private.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(serial): Path<String>,
) -> WebResult<Response> {
    let v = certificates::verify(&state.db, &serial).await?;
    let status = if v.status == "unknown" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &Verify {
            v: Some(v),
            l: Layout::new(&ctx, "verify", ctx.tr.t_string("certificates.verify_title")),
        },
    )
}

#[derive(Template)]
#[template(path = "certificates/track.html")]
struct TrackCertificates {
    l: Layout,
    track_id: i64,
    competition_id: i64,
    certificates: Vec<CertificateRow>,
    errors: FormErrors,
}

async fn track_page(
    state: &AppState,
    me: &Me,
    track_id: i64,
    status: StatusCode,
    errors: FormErrors,
) -> WebResult<Response> {
    let certificates = certificates::of_track(&state.db, &me.caller, track_id).await?;
    let track = gongjiang_app::competitions::track(&state.db, &me.caller, track_id).await?;
    html_status(
        status,
        &TrackCertificates {
            track_id,
            competition_id: track.competition.id,
            certificates,
            errors,
            l: Layout::new(
                &me.ctx,
                "competitions",
                format!(
                    "{} · {}",
                    track.track.row.name,
                    me.ctx.tr.t("certificates.title")
                ),
            ),
        },
    )
}

pub async fn of_track(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    track_page(&state, &me, track_id, StatusCode::OK, FormErrors::default()).await
}

async fn after(
    state: &AppState,
    me: &Me,
    track_id: i64,
    result: Result<(), gongjiang_app::ServiceError>,
) -> WebResult<Response> {
    let done = format!("/competitions/tracks/{track_id}/certificates");
    after_form(me.ctx.tr, result, done, |status, errors| {
        track_page(state, me, track_id, status, errors)
    })
    .await
}

/// Issues the certificates of the track's final results.
pub async fn issue(
    State(state): State<AppState>,
    me: Me,
    Path(track_id): Path<i64>,
) -> WebResult<Response> {
    let result = certificates::issue(&state.db, &me.caller, track_id)
        .await
        .map(|_| ());
    after(&state, &me, track_id, result).await
}

pub async fn revoke(
    State(state): State<AppState>,
    me: Me,
    Path(serial): Path<String>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = certificates::revoke(&state.db, &me.caller, &serial, &posted.get("reason")).await;
    let track_id = match &result {
        Ok(c) => match c.track_id {
            Some(track) => track,
            // A recognition's certificate: its public page says it is revoked.
            None => return Ok(Redirect::to(&format!("/verify/{}", c.serial)).into_response()),
        },
        Err(_) => posted.get("track_id").trim().parse().unwrap_or(0),
    };
    after(&state, &me, track_id, result.map(|_| ())).await
}

/// A certificate as PDF, for its holder and the organisers.
pub async fn pdf(
    State(state): State<AppState>,
    me: Me,
    Path(serial): Path<String>,
) -> WebResult<Response> {
    let (c, bytes) = certificates::pdf(&state.db, &state.certificates, &me.caller, &serial).await?;
    Ok(pdf_file(&c, bytes))
}

/// The one way a certificate leaves as a file (the page and the API).
pub fn pdf_file(c: &CertificateRow, bytes: Vec<u8>) -> Response {
    send_file(
        bytes,
        "application/pdf",
        &format!("{}-{}-{}.pdf", c.holder, c.honour, c.serial),
        Disposition::Inline,
        "private, no-store",
    )
}

/// Starts printing a competition's certificates into one zip, then shows its progress.
pub async fn start_batch(
    State(state): State<AppState>,
    me: Me,
    Path(competition_id): Path<i64>,
) -> WebResult<Response> {
    let batch = state
        .certificates
        .start_batch(&state.db, &me.caller, competition_id)
        .await?;
    Ok(Redirect::to(&format!("/certificates/batches/{}", batch.id)).into_response())
}

#[derive(Template)]
#[template(path = "certificates/batch.html")]
struct Batch {
    l: Layout,
    b: BatchRow,
    percent: i64,
}

pub async fn batch(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let b = state.certificates.batch(&state.db, &me.caller, id).await?;
    let percent = if b.total > 0 {
        b.done * 100 / b.total
    } else {
        100
    };
    html(&Batch {
        b,
        percent,
        l: Layout::new(
            &me.ctx,
            "competitions",
            me.ctx.tr.t_string("certificates.batch_title"),
        ),
    })
}

pub async fn batch_zip(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (_, bytes) = state
        .certificates
        .batch_zip(&state.db, &me.caller, id)
        .await?;
    Ok(zip_file(id, bytes))
}

pub fn zip_file(id: i64, bytes: Vec<u8>) -> Response {
    send_file(
        bytes,
        "application/zip",
        &format!("certificates-{id}.zip"),
        Disposition::Attachment,
        "no-store",
    )
}

#[derive(Template)]
#[template(path = "certificates/template.html")]
struct TemplatePage {
    l: Layout,
    t: TemplateView,
    errors: FormErrors,
    source: String,
}

async fn template_page(
    state: &AppState,
    me: &Me,
    unit_id: i64,
    status: StatusCode,
    errors: FormErrors,
    typed: Option<String>,
) -> WebResult<Response> {
    let t = state
        .certificates
        .template(&state.db, &me.caller, unit_id)
        .await?;
    let source = typed.unwrap_or_else(|| t.source.clone());
    html_status(
        status,
        &TemplatePage {
            l: Layout::new(
                &me.ctx,
                "admin",
                format!(
                    "{} · {}",
                    t.unit_name,
                    me.ctx.tr.t("certificates.template_title")
                ),
            ),
            t,
            errors,
            source,
        },
    )
}

pub async fn template(
    State(state): State<AppState>,
    me: Me,
    Path(unit_id): Path<i64>,
) -> WebResult<Response> {
    template_page(
        &state,
        &me,
        unit_id,
        StatusCode::OK,
        FormErrors::default(),
        None,
    )
    .await
}

pub async fn set_template(
    State(state): State<AppState>,
    me: Me,
    Path(unit_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let source = posted.get("source");
    let result = state
        .certificates
        .set_template(&state.db, &me.caller, unit_id, &source)
        .await
        .map(|_| ());
    let done = format!("/admin/units/{unit_id}/certificate-template");
    after_form(me.ctx.tr, result, done, |status, errors| {
        template_page(&state, &me, unit_id, status, errors, Some(source.clone()))
    })
    .await
}

/// A sample certificate with the template in use.
pub async fn preview(
    State(state): State<AppState>,
    me: Me,
    Path(unit_id): Path<i64>,
) -> WebResult<Response> {
    let bytes = state
        .certificates
        .preview(&state.db, &me.caller, unit_id)
        .await?;
    Ok(send_file(
        bytes,
        "application/pdf",
        "sample.pdf",
        Disposition::Inline,
        "no-store",
    ))
}
