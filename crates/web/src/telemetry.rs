//! What an operator sees of each request: its id (taken from a trusted `X-Request-Id` or made
//! here; sent back in the header, in every error page and JSON error as the `reference`, and on
//! every log line of the request, queries included, through its span), and its count and
//! latency by route for `/metrics`.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Instant;
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being answered, if any.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A caller's own id is kept when it looks like one (a proxy's, for following a request across
/// systems); anything else gets a new one.
fn id_of(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (8..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| gongjiang_app::auth::random_token("")[..16].to_owned())
}

/// The outermost layer: names the request, runs it in its span, counts and times it.
pub async fn middleware(req: Request, next: Next) -> Response {
    let id = id_of(&req);
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let took = started.elapsed();
    let status = response.status();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status_text = status.as_str().to_owned();
    gongjiang_telemetry::count(
        "gongjiang_http_requests_total",
        "Requests answered, by route, method and status.",
        &[
            ("route", &route),
            ("method", &method),
            ("status", &status_text),
        ],
        1,
    );
    gongjiang_telemetry::time(
        "gongjiang_http_request_duration_seconds",
        "Time to answer a request, by route.",
        &[("route", &route)],
        took,
    );
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::warn!(
                status = status.as_u16(),
                ms = took.as_millis() as u64,
                "answered"
            );
        } else {
            tracing::debug!(
                status = status.as_u16(),
                ms = took.as_millis() as u64,
                "answered"
            );
        }
    });
    response
}

/// `/metrics` in the Prometheus text format, served on its own port (`metrics_port`), never on
/// the public one.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn metrics(State(state): State<AppState>) -> Response {
    for (pool, open, idle) in state.db.pool_use() {
        let help = "Database connections of the pool, open and idle.";
        gongjiang_telemetry::set(
            "gongjiang_db_connections",
            help,
            &[("pool", pool), ("state", "open")],
            u64::from(open),
        );
        gongjiang_telemetry::set(
            "gongjiang_db_connections",
            help,
            &[("pool", pool), ("state", "idle")],
            idle as u64,
        );
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        gongjiang_telemetry::render(),
    )
        .into_response()
}
