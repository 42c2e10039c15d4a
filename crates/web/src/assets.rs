//! Static files shipped inside the binary: nothing is fetched from the internet.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::error::WebError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    ),
    (
        "exam.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/exam.js"),
    ),
    (
        "judge.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/judge.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../assets/favicon.svg"),
    ),
];

/// An asset as served: its bytes, a gzip copy when smaller, and its fingerprint.
struct Shipped {
    content_type: &'static str,
    plain: &'static str,
    gzip: Option<Bytes>,
    fingerprint: String,
}

fn shipped() -> &'static [Shipped] {
    static SHIPPED: OnceLock<Vec<Shipped>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        FILES
            .iter()
            .map(|(_, content_type, plain)| {
                let gzip = crate::page_cache::gzip(plain.as_bytes());
                Shipped {
                    content_type,
                    plain,
                    gzip,
                    fingerprint: hex::encode(&Sha256::digest(plain.as_bytes())[..6]),
                }
            })
            .collect()
    })
}

/// The URL of a shipped file, with its fingerprint: `/assets/app.css?v=1a2b3c4d5e6f`. Pages
/// name their assets this way, so browsers keep them for a year and fetch a new one when it
/// changes.
pub fn url(name: &str) -> String {
    match FILES.iter().position(|(n, _, _)| *n == name) {
        Some(i) => format!("/assets/{name}?v={}", shipped()[i].fingerprint),
        None => format!("/assets/{name}"),
    }
}

#[derive(serde::Deserialize)]
pub struct Version {
    #[serde(default)]
    v: String,
}

pub async fn serve(
    Path(name): Path<String>,
    Query(version): Query<Version>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let i = FILES
        .iter()
        .position(|(n, _, _)| *n == name)
        .ok_or(WebError::NotFound)?;
    let file = &shipped()[i];
    let mut response = match &file.gzip {
        Some(g) if crate::page_cache::accepts_gzip(&headers) => {
            let mut r = g.clone().into_response();
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        _ => file.plain.into_response(),
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // The fingerprinted URL never changes its content: kept for a year.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if version.v == file.fingerprint {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300"
        }),
    );
    Ok(response)
}
