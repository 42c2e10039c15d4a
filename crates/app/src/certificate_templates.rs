//! The certificate template of a unit's subtree: a federation (or any unit whose admin holds
//! the right) replaces the shipped Typst template with its own, checked by rendering a sample
//! before it is kept; an empty template goes back to the one above (or the shipped one).

use crate::certificates::{Certificates, render};
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_certificates::CertificateError;
use gongjiang_db::{Database, certificates, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    pub unit_id: i64,
    pub unit_name: String,
    /// The template in use for the unit's certificates.
    pub source: String,
    /// The unit whose template it is; none for the shipped one.
    pub set_by_unit: Option<i64>,
    /// Font families installed on the server, for `#set text(font: …)`.
    pub fonts: Vec<String>,
}

impl Certificates {
    pub async fn template(
        &self,
        db: &Database,
        caller: &Caller,
        unit_id: i64,
    ) -> ServiceResult<TemplateView> {
        let mut conn = db.read().await?;
        let unit = units::get(&mut conn, unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(Action::DesignCertificates, &unit.unit_path())?;
        let mut chain = unit.unit_path().ids();
        chain.reverse();
        let found = certificates::nearest_template(&mut conn, &chain).await?;
        Ok(TemplateView {
            unit_id,
            unit_name: unit.name,
            set_by_unit: found.as_ref().map(|(u, _)| *u),
            source: found.map_or_else(
                || gongjiang_certificates::DEFAULT_TEMPLATE.to_owned(),
                |(_, s)| s,
            ),
            fonts: self.font_families().await,
        })
    }

    /// Keeps a unit's template once a sample renders with it; an empty one removes it.
    pub async fn set_template(
        &self,
        db: &Database,
        caller: &Caller,
        unit_id: i64,
        source: &str,
    ) -> ServiceResult<TemplateView> {
        let before = self.template(db, caller, unit_id).await?;
        if source.len() > 200_000 {
            return Err(FieldError::new("source", "too_long")
                .with("max", 200_000)
                .into());
        }
        if !source.trim().is_empty() {
            let renderer = self.renderer().await?;
            let template = source.to_owned();
            let checked = tokio::task::spawn_blocking(move || renderer.check(&template))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            match checked {
                Ok(()) => {}
                Err(CertificateError::Template { line, message }) => {
                    return Err(FieldError::new("source", "template_error")
                        .with(
                            "line",
                            line.map_or_else(|| "?".to_owned(), |l| l.to_string()),
                        )
                        .with("message", message)
                        .into());
                }
                Err(e) => return Err(ServiceError::Internal(e.to_string())),
            }
        }
        let mut tx = db.begin().await?;
        if source.trim().is_empty() {
            certificates::remove_template(&mut tx, unit_id).await?;
        } else {
            certificates::set_template(&mut tx, unit_id, source, &caller.actor.name, now_ms())
                .await?;
        }
        record(
            &mut tx,
            caller,
            change(
                "certificates.template",
                "unit",
                unit_id,
                Some(&before.source),
                Some(&source),
            ),
        )
        .await?;
        gongjiang_db::commit(tx).await?;
        self.template(db, caller, unit_id).await
    }

    /// A sample certificate with the unit's template in use.
    pub async fn preview(
        &self,
        db: &Database,
        caller: &Caller,
        unit_id: i64,
    ) -> ServiceResult<Vec<u8>> {
        let view = self.template(db, caller, unit_id).await?;
        render(
            self.renderer().await?,
            view.source,
            gongjiang_certificates::sample(),
        )
        .await
    }
}
