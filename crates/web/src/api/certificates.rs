//! The API for certificates: public verification (no token), a track's certificates (issue,
//! list, revoke), a studio rating's or an honour's certificate, a certificate as PDF, a competition's batch with its progress and zip, and
//! a unit's template. Same services as the pages.

use super::kit::ApiJson;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::pages::certificates::{pdf_file, zip_file};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongjiang_app::certificate_templates::TemplateView;
use gongjiang_app::certificates::{self, IssueReport, Verification};
use gongjiang_app::recognitions::{self, RecognitionInput};
use gongjiang_db::certificates::{BatchRow, CertificateRow};
use serde::Deserialize;
use utoipa::ToSchema;

/// What a certificate's serial stands for: `valid`, `revoked` or `unknown` (nothing private).
#[utoipa::path(get, path = "/api/v1/public/certificates/{serial}", tag = "certificates", params(("serial" = String, Path)), responses((status = 200, body = Verification)))]
pub async fn verify(
    State(state): State<AppState>,
    Path(serial): Path<String>,
) -> WebResult<Json<Verification>> {
    Ok(Json(certificates::verify(&state.db, &serial).await?))
}

/// A track's certificates, valid and revoked (organisers).
#[utoipa::path(get, path = "/api/v1/tracks/{id}/certificates", tag = "certificates", params(("id" = i64, Path)), responses((status = 200, body = [CertificateRow])))]
pub async fn of_track(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<Vec<CertificateRow>>> {
    Ok(Json(
        certificates::of_track(&state.db, &me.caller, id).await?,
    ))
}

/// Issues the certificates of the track's final results (again: keeps, and revokes those
/// the results no longer give).
#[utoipa::path(post, path = "/api/v1/tracks/{id}/certificates", tag = "certificates", params(("id" = i64, Path)), responses((status = 200, body = IssueReport)))]
pub async fn issue(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<IssueReport>> {
    Ok(Json(certificates::issue(&state.db, &me.caller, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RevocationBody {
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/certificates/{serial}/revocation", tag = "certificates", params(("serial" = String, Path)), request_body = RevocationBody, responses((status = 200, body = CertificateRow)))]
pub async fn revoke(
    State(state): State<AppState>,
    me: Me,
    Path(serial): Path<String>,
    ApiJson(body): ApiJson<RevocationBody>,
) -> WebResult<Json<CertificateRow>> {
    Ok(Json(
        certificates::revoke(&state.db, &me.caller, &serial, &body.reason).await?,
    ))
}

/// Certifies a studio's star rating, in the name of a unit at or above the studio (by
/// default the highest the caller keeps studios for). Issuing the same again gives the same
/// certificate; a changed rating or studio name revokes the old one and issues a new one.
#[utoipa::path(post, path = "/api/v1/studios/{id}/ratings/{rating_id}/certificate", tag = "certificates", params(("id" = i64, Path), ("rating_id" = i64, Path)), request_body = RecognitionInput, responses((status = 200, body = CertificateRow)))]
pub async fn certify_rating(
    State(state): State<AppState>,
    me: Me,
    Path((id, rating_id)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<RecognitionInput>,
) -> WebResult<Json<CertificateRow>> {
    Ok(Json(
        recognitions::for_rating(&state.db, &me.caller, id, rating_id, body).await?,
    ))
}

/// Certifies a person's honour, in the name of a unit at or above the person's (by default
/// the highest the caller keeps people for); once, as for a rating.
#[utoipa::path(post, path = "/api/v1/honours/{id}/certificate", tag = "certificates", params(("id" = i64, Path)), request_body = RecognitionInput, responses((status = 200, body = CertificateRow)))]
pub async fn certify_honour(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RecognitionInput>,
) -> WebResult<Json<CertificateRow>> {
    Ok(Json(
        recognitions::for_honour(&state.db, &me.caller, id, body).await?,
    ))
}

/// A certificate as PDF (its holder and its keepers).
#[utoipa::path(get, path = "/api/v1/certificates/{serial}/pdf", tag = "certificates", params(("serial" = String, Path)), responses((status = 200, description = "The certificate", content_type = "application/pdf")))]
pub async fn pdf(
    State(state): State<AppState>,
    me: Me,
    Path(serial): Path<String>,
) -> WebResult<Response> {
    let (c, bytes) = certificates::pdf(&state.db, &state.certificates, &me.caller, &serial).await?;
    Ok(pdf_file(&c, bytes))
}

/// Starts printing every valid certificate of a competition into one zip.
#[utoipa::path(post, path = "/api/v1/competitions/{id}/certificate-batches", tag = "certificates", params(("id" = i64, Path)), responses((status = 202, body = BatchRow)))]
pub async fn start_batch(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<(StatusCode, Json<BatchRow>)> {
    let batch = state
        .certificates
        .start_batch(&state.db, &me.caller, id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(batch)))
}

#[utoipa::path(get, path = "/api/v1/certificate-batches/{id}", tag = "certificates", params(("id" = i64, Path)), responses((status = 200, body = BatchRow)))]
pub async fn batch(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<BatchRow>> {
    Ok(Json(
        state.certificates.batch(&state.db, &me.caller, id).await?,
    ))
}

/// A finished batch as one zip (one PDF a certificate, a folder a track).
#[utoipa::path(get, path = "/api/v1/certificate-batches/{id}/zip", tag = "certificates", params(("id" = i64, Path)), responses((status = 200, description = "The certificates", content_type = "application/zip")))]
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

#[utoipa::path(get, path = "/api/v1/units/{id}/certificate-template", tag = "certificates", params(("id" = i64, Path)), responses((status = 200, body = TemplateView)))]
pub async fn template(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Json<TemplateView>> {
    Ok(Json(
        state
            .certificates
            .template(&state.db, &me.caller, id)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TemplateBody {
    /// Typst source; empty to use the template above (or the shipped one).
    #[serde(default)]
    pub source: String,
}

/// Replaces the unit's template once a sample renders with it.
#[utoipa::path(put, path = "/api/v1/units/{id}/certificate-template", tag = "certificates", params(("id" = i64, Path)), request_body = TemplateBody, responses((status = 200, body = TemplateView)))]
pub async fn set_template(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> WebResult<Json<TemplateView>> {
    Ok(Json(
        state
            .certificates
            .set_template(&state.db, &me.caller, id, &body.source)
            .await?,
    ))
}
