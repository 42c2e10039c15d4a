//! Certificates as PDF: a Typst template (a federation may replace the shipped one) filled
//! with one certificate's fields, Chinese fonts embedded and subset, and a QR code that
//! opens the public verification page. Rendering is synchronous and CPU-bound: callers run
//! it off the async workers.

mod fonts;
mod world;

pub use fonts::Fonts;

use std::sync::Arc;
use typst::diag::SourceDiagnostic;
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;

/// The template shipped with gongjiang: an A4 landscape certificate with a double border.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/default.typ");

/// What a certificate says. The template reads these from `/certificate.json` and the QR
/// code from `/qr.svg`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertificateFields {
    /// What it certifies: `prize`, `team_prize`, `studio_rating` or `honour` (a template
    /// words each its own way).
    pub kind: String,
    pub serial: String,
    /// The holder: a person's name, or a unit's for a team prize.
    pub holder: String,
    pub unit: String,
    /// The competition (or the recognition's title).
    pub title: String,
    /// The track, empty when there is none.
    pub subtitle: String,
    /// The prize tier or honour, e.g. 一等奖.
    pub honour: String,
    /// The date of issue as printed, e.g. 2026年12月3日.
    pub issued_on: String,
    pub issuer: String,
    /// The public verification page the QR code opens.
    pub verify_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The template does not compile: the first error, with its line (1-based) when known.
    #[error("template line {line:?}: {message}")]
    Template {
        line: Option<usize>,
        message: String,
    },
    #[error("no font with Chinese characters was found (looked in {0})")]
    NoChineseFont(String),
    #[error("{0}")]
    Pdf(String),
}

/// Renders certificates with one set of fonts; cheap to share between threads.
#[derive(Clone)]
pub struct Renderer {
    library: Arc<LazyHash<Library>>,
    fonts: Arc<Fonts>,
}

impl Renderer {
    pub fn new(fonts: Arc<Fonts>) -> Self {
        Self {
            library: Arc::new(LazyHash::new(Library::default())),
            fonts,
        }
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// One certificate as a PDF.
    pub fn render(
        &self,
        template: &str,
        fields: &CertificateFields,
    ) -> Result<Vec<u8>, CertificateError> {
        let data = serde_json::to_vec(fields).map_err(|e| CertificateError::Pdf(e.to_string()))?;
        let world = world::CertificateWorld::new(
            &self.library,
            &self.fonts,
            template,
            data,
            qr_svg(&fields.verify_url).into_bytes(),
        );
        let document: PagedDocument = typst::compile(&world)
            .output
            .map_err(|errors| template_error(&world, &errors))?;
        let options = typst_pdf::PdfOptions::default();
        typst_pdf::pdf(&document, &options).map_err(|errors| template_error(&world, &errors))
    }

    /// Checks a template by rendering a sample certificate with it.
    pub fn check(&self, template: &str) -> Result<(), CertificateError> {
        self.render(template, &sample()).map(|_| ())
    }

    /// Lets the compiler's caches go after a batch, so that memory does not grow with it.
    pub fn forget_caches() {
        typst::comemo::evict(0);
    }
}

/// Fields to try a template with.
pub fn sample() -> CertificateFields {
    CertificateFields {
        kind: "prize".into(),
        serial: "GJ-2026-SAMPLE01".into(),
        holder: "张三".into(),
        unit: "华江市第一机械厂".into(),
        title: "华江市第三届职工职业技能大赛".into(),
        subtitle: "焊工".into(),
        honour: "一等奖".into(),
        issued_on: "2026年12月3日".into(),
        issuer: "华江市总工会".into(),
        verify_url: "https://example.org/verify/GJ-2026-SAMPLE01".into(),
    }
}

fn template_error(
    world: &world::CertificateWorld,
    errors: &[SourceDiagnostic],
) -> CertificateError {
    let Some(first) = errors.first() else {
        return CertificateError::Pdf("unknown error".into());
    };
    CertificateError::Template {
        line: world.line_of(first.span),
        message: first.message.to_string(),
    }
}

/// The QR code of a link, as SVG.
pub fn qr_svg(link: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        // Only a link longer than a QR code holds gets here; an empty square says so.
        Err(_) => r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>"#.into(),
    }
}
