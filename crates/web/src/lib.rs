//! The web layer: the router, the request context (who, which language, CSRF), pages rendered
//! on the server, the JSON API and its OpenAPI document. It knows no SQL: it calls services.

mod api;
pub use api::limits::RateLimits;
mod assets;
mod charts;
mod context;
mod error;
mod form;
mod page_cache;
pub use page_cache::PageCache;
pub mod i18n;
mod pages;
mod router;
pub mod telemetry;
mod view;

pub use router::build;

use gongjiang_app::Database;
use gongjiang_app::auth::AuthSettings;
use std::sync::Arc;

/// What the web layer needs to know of the configuration.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    pub auth: AuthSettings,
    /// Mark cookies `Secure` (set when the site is served over HTTPS).
    pub secure_cookies: bool,
    /// Proxies of ours in front of the server (0: none, `X-Forwarded-For` ignored): the client's
    /// address is the entry this many from the end, the one our outermost proxy appended.
    pub proxy_hops: usize,
    /// Requests a minute each caller may make to the JSON API, on this instance (0: no limit).
    pub api_requests_per_minute: i64,
}

/// Shared by every request; cloned for every request, so one pointer to [`Services`].
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What the handlers use.
pub struct Services {
    pub db: Database,
    /// The exam services, with their group-commit writer (one per process).
    pub exams: gongjiang_app::exams::Exams,
    /// Judges' scores, with their group-commit writer (one per process).
    pub judging: gongjiang_app::judging::Judging,
    pub settings: Arc<WebSettings>,
    /// Signed-in sessions kept for a few seconds (see `gongjiang_app::session_cache`).
    pub sessions: gongjiang_app::session_cache::SessionCache,
    /// The API's request counts per caller (see `api::limits`).
    pub api_limits: api::limits::RateLimits,
    /// Printing certificates: the renderer and where links and batches go.
    pub certificates: gongjiang_app::certificates::Certificates,
    /// Public pages as rendered for visitors, until public data changes (see `page_cache`).
    pub public_pages: PageCache,
    /// Published records as the showcase reads them, batched under load.
    pub public_records: gongjiang_app::showcase::Records,
    /// This instance's search index (see `gongjiang_app::search_engine`).
    pub search: gongjiang_app::search_engine::SearchEngine,
}

/// The API's OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi_json() -> String {
    let (_, doc) = api::routes_and_document();
    doc.to_pretty_json().unwrap_or_default()
}
