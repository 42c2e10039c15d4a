//! The request context: who is asking (session cookie or API token), in which language, from
//! where; the CSRF check for every state-changing request; and the rendering of errors as a
//! page or as JSON. Every request passes through `middleware` once.

use crate::AppState;
use crate::error::{ErrorCode, ErrorInfo, WebError};
use crate::i18n::{Locale, Tr};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::Caller;
use gongjiang_app::auth::{self, SignedIn};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "gj_session";
pub const CSRF_COOKIE: &str = "gj_csrf";
pub const LANG_COOKIE: &str = "gj_lang";
/// Largest body read for the CSRF check (an Excel upload fits).
pub const MAX_BODY: usize = 12 * 1024 * 1024;

/// What every handler may know about the request.
#[derive(Clone)]
pub struct Ctx {
    pub tr: Tr,
    pub me: Option<Arc<SignedIn>>,
    /// The CSRF token forms must carry: the session's, or the anonymous cookie's.
    pub csrf: String,
    /// The client's address, recorded in the audit log.
    pub origin: String,
    pub user_agent: String,
    /// Path and query of this request (to come back after logging in).
    pub here: String,
    pub secure_cookies: bool,
}

impl Ctx {
    pub fn locale(&self) -> Locale {
        self.tr.locale
    }

    pub fn caller(&self) -> Option<Caller> {
        self.me.as_ref().map(|m| m.caller(&self.origin))
    }

    /// The signed-in caller, or an anonymous one for public pages.
    pub fn caller_or_anonymous(&self) -> Caller {
        self.caller()
            .unwrap_or_else(|| Caller::anonymous(&self.origin))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(WebError::Internal("request context missing".into()))
    }
}

/// A signed-in user; handlers that take it refuse anonymous requests (a page redirects to the
/// login form, the API answers 401).
pub struct Me {
    pub ctx: Ctx,
    pub user: Arc<SignedIn>,
    pub caller: Caller,
}

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let user = ctx.me.clone().ok_or(WebError::Unauthorized)?;
        let caller = user.caller(&ctx.origin);
        Ok(Me { ctx, user, caller })
    }
}

pub fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A `Set-Cookie` value; session and CSRF cookies are never readable from scripts.
pub fn cookie(name: &str, value: &str, max_age_s: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_s {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address. Behind `proxy_hops` proxies of ours, each appending the address it
/// saw to `X-Forwarded-For`, the client's is that many entries from the end: whatever the
/// client wrote itself comes before and is never believed.
fn client_origin(req: &Request, proxy_hops: usize) -> String {
    if proxy_hops > 0 {
        let chain: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        let ours = chain.len().saturating_sub(proxy_hops);
        if let Some(addr) = chain
            .get(ours)
            .and_then(|hop| hop.parse::<std::net::IpAddr>().ok())
        {
            return addr.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Finds the `_csrf` field of a form or multipart body, giving the body back whole.
async fn submitted_csrf(req: Request) -> Result<(Request, Option<String>), WebError> {
    if let Some(token) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let token = token.to_owned();
        return Ok((req, Some(token)));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| WebError::Invalid(gongjiang_domain::Invalid::one("body", "body_too_large")))?;
    let token = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == "_csrf")
                    .map(|(_, v)| v)
            })
    } else if content_type.starts_with("multipart/form-data") {
        multipart_field(&content_type, bytes.clone(), "_csrf").await
    } else {
        None
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

async fn multipart_field(content_type: &str, bytes: bytes::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let jar = cookies(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let origin = client_origin(&req, state.settings.proxy_hops);
    let locale = jar
        .get(LANG_COOKIE)
        .and_then(|l| Locale::parse(l))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();
    let tr = Tr::new(locale);
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());

    let me = match (&bearer, jar.get(SESSION_COOKIE)) {
        (Some(token), _) => match auth::from_api_token(&state.db, token).await {
            Ok(Some(me)) => Some(Arc::new(me)),
            Ok(None) => {
                return finish(
                    WebError::Unauthorized.into_response(),
                    tr,
                    is_api,
                    &here,
                    req.method(),
                );
            }
            Err(e) => {
                return finish(
                    WebError::from(e).into_response(),
                    tr,
                    is_api,
                    &here,
                    req.method(),
                );
            }
        },
        (None, Some(token)) => {
            match auth::from_session(&state.db, &state.settings.auth, &state.sessions, token).await
            {
                Ok(found) => found,
                Err(e) => {
                    return finish(
                        WebError::from(e).into_response(),
                        tr,
                        is_api,
                        &here,
                        req.method(),
                    );
                }
            }
        }
        (None, None) => None,
    };

    let (me, refused) = gate(me, req.method(), req.uri().path());
    if let Some(refused) = refused {
        let response = match refused {
            WebError::PasswordChangeRequired if !is_api => {
                Redirect::to("/account#password").into_response()
            }
            other => other.into_response(),
        };
        return finish(response, tr, is_api, &here, req.method());
    }
    let signed_in = me.is_some();

    let anonymous = jar.get(CSRF_COOKIE).filter(|t| t.len() == 64).cloned();
    // A signed-in session carries its own token; the anonymous one is for forms before login.
    let signed_in_by_session = me.as_ref().is_some_and(|m| m.session.is_some());
    let new_anonymous = if anonymous.is_none() && !signed_in_by_session {
        Some(auth::random_token(""))
    } else {
        None
    };
    let csrf = match &me {
        Some(m) if m.session.is_some() => m.csrf.clone(),
        _ => anonymous
            .clone()
            .or_else(|| new_anonymous.clone())
            .unwrap_or_default(),
    };

    let method = req.method().clone();
    let mut req = req;
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) && bearer.is_none() {
        let (back, submitted) = match submitted_csrf(req).await {
            Ok(found) => found,
            Err(e) => return finish(e.into_response(), tr, is_api, &here, &method),
        };
        req = back;
        if !submitted.is_some_and(|s| constant_time_eq(&s, &csrf)) {
            return finish(WebError::Csrf.into_response(), tr, is_api, &here, &method);
        }
    }

    let ctx = Ctx {
        tr,
        me,
        csrf,
        origin,
        user_agent,
        here: here.clone(),
        secure_cookies: state.settings.secure_cookies,
    };
    req.extensions_mut().insert(ctx);
    let response = next.run(req).await;
    let mut response = finish(response, tr, is_api, &here, &method);
    // What a signed-in user is shown (a new token, a reset password, their drafts) is theirs
    // alone: no cache keeps it, unless the handler said how (files, pictures).
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(token) = new_anonymous {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(CSRF_COOKIE, &token, None, state.settings.secure_cookies),
        );
    }
    response
}

/// What a signed-in caller may reach before anything else: an API token only what its scope
/// covers (on a public path it counts for nothing and the request goes on as anonymous); a
/// user who must change the password they were given only the account page, the password
/// form, logging out and the language.
fn gate(
    me: Option<Arc<SignedIn>>,
    method: &Method,
    path: &str,
) -> (Option<Arc<SignedIn>>, Option<WebError>) {
    let Some(m) = me else {
        return (None, None);
    };
    if m.user.must_change_password && !open_before_password_change(method, path) {
        return (None, Some(WebError::PasswordChangeRequired));
    }
    if let Some(scope) = &m.token_scope {
        let rest = path
            .strip_prefix("/api/v1/")
            .unwrap_or(path.trim_start_matches('/'));
        let segment = rest.split('/').next().unwrap_or_default();
        let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !scope.allows(writes, segment) {
            if crate::api::openapi::is_public(path) {
                return (None, None);
            }
            return (None, Some(WebError::TokenOutOfScope));
        }
    }
    (Some(m), None)
}

fn open_before_password_change(method: &Method, path: &str) -> bool {
    let reads = matches!(*method, Method::GET | Method::HEAD);
    match path {
        "/account" | "/api/v1/me" => reads,
        "/account/password" | "/logout" => !reads,
        _ => path.starts_with("/lang/") || path.starts_with("/assets/") || path == "/healthz",
    }
}

/// Turns error responses (ours, and axum's own rejections) into a page or JSON, and adds the
/// security headers every response carries.
fn finish(response: Response, tr: Tr, is_api: bool, here: &str, method: &Method) -> Response {
    let mut response = render_error(response, tr, is_api, here, method);
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    // A file's own policy (a sandbox) stays: the site's would let a document run scripts.
    if h.contains_key(header::CONTENT_SECURITY_POLICY) {
        return response;
    }
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    response
}

/// An error answer in the request's language, keeping the headers the handler or an inner
/// layer set on it (`Retry-After`, `RateLimit-*`).
fn render_error(response: Response, tr: Tr, is_api: bool, here: &str, method: &Method) -> Response {
    let original = response.headers().clone();
    let mut rendered = render_error_body(response, tr, is_api, here, method);
    for name in original.keys() {
        if name == header::CONTENT_TYPE
            || name == header::CONTENT_LENGTH
            || rendered.headers().contains_key(name)
        {
            continue;
        }
        for value in original.get_all(name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}

fn render_error_body(
    response: Response,
    tr: Tr,
    is_api: bool,
    here: &str,
    method: &Method,
) -> Response {
    let status = response.status();
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if status.is_client_error() || status.is_server_error() => {
            let is_ours = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| {
                    ct.starts_with("text/html") || ct.starts_with("application/json")
                });
            if is_ours {
                return response;
            }
            // axum's rejections (a bad path segment, a malformed form) speak plain English text.
            let code = match status {
                StatusCode::NOT_FOUND => ErrorCode::NotFound,
                StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
                StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge,
                s if s.is_server_error() => ErrorCode::Internal,
                _ => ErrorCode::BadRequest,
            };
            let status = if code == ErrorCode::BadRequest {
                StatusCode::BAD_REQUEST
            } else {
                status
            };
            ErrorInfo {
                status,
                code: code.as_str().into(),
                fields: vec![],
                rows: vec![],
                reference: None,
            }
        }
        None => return response,
    };
    // Every error names its request, so that what a user quotes leads to the log's lines.
    let info = ErrorInfo {
        reference: info.reference.or_else(crate::telemetry::request_id),
        ..info
    };
    if is_api {
        return crate::api::error_body(&info, tr);
    }
    if info.status == StatusCode::UNAUTHORIZED {
        let next = if method == Method::GET { here } else { "/" };
        let target = format!("/login?next={}", urlencode(next));
        return Redirect::to(&target).into_response();
    }
    crate::pages::errors::page(&info, tr)
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// Only paths on this site may be redirect targets. A browser drops tabs and line breaks
/// from a URL and reads `\` as `/`, so `/<TAB>/evil.example` and `/\evil.example` both lead
/// off the site: a target with a control character, a space or a backslash anywhere, or that
/// does not start with exactly one `/`, becomes the home page.
pub fn local_path(next: &str) -> &str {
    let plain = !next
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if plain && next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_plain_paths_of_this_site_are_redirect_targets() {
        for kept in [
            "/",
            "/account",
            "/innovation/achievements?year=2026&q=%E5%B7%A5",
        ] {
            assert_eq!(local_path(kept), kept);
        }
        for refused in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\/evil.example",
            " /evil",
            "https://evil.example",
            "evil.example",
            "/\u{3000}/evil.example",
            "",
        ] {
            assert_eq!(local_path(refused), "/", "{refused:?}");
        }
    }
}
