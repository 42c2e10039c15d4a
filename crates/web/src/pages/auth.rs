//! Logging in and out, and choosing the language.

use super::Posted;
use crate::AppState;
use crate::context::{Ctx, LANG_COOKIE, SESSION_COOKIE, cookie, local_path};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::view::{FormErrors, Layout, html, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::auth::{self, LoginError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    l: Layout,
    errors: FormErrors,
    username: String,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn form(ctx: Ctx, Query(q): Query<NextQuery>) -> WebResult<Response> {
    if ctx.me.is_some() {
        return Ok(Redirect::to(local_path(&q.next)).into_response());
    }
    let title = ctx.tr.t_string("login.title");
    html(&Login {
        errors: FormErrors::default(),
        username: String::new(),
        next: q.next,
        l: Layout::new(&ctx, "", title),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let (username, next) = (posted.get("username"), posted.get("next"));
    let result = auth::login(
        &state.db,
        &state.settings.auth,
        &username,
        &posted.get("password"),
        &ctx.origin,
        &ctx.user_agent,
    )
    .await;
    let (status, code) = match result {
        Ok(done) => {
            let target = if done.must_change_password {
                "/account#password"
            } else {
                local_path(&next)
            };
            let mut response = Redirect::to(target).into_response();
            let max_age = state.settings.auth.session_idle_ms / 1000;
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie(
                    SESSION_COOKIE,
                    &done.token,
                    Some(max_age),
                    ctx.secure_cookies,
                ),
            );
            return Ok(response);
        }
        Err(LoginError::BadCredentials) => (StatusCode::UNAUTHORIZED, "bad_credentials"),
        Err(LoginError::RateLimited) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        Err(LoginError::Service(e)) => return Err(e.into()),
    };
    let errors = FormErrors::general(ctx.tr, code);
    let title = ctx.tr.t_string("login.title");
    // Not 401: that status is kept for "please log in", which redirects here.
    let status = if status == StatusCode::UNAUTHORIZED {
        StatusCode::OK
    } else {
        status
    };
    html_status(
        status,
        &Login {
            errors,
            username,
            next,
            l: Layout::new(&ctx, "", title),
        },
    )
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    if let Some(me) = &ctx.me {
        auth::logout(&state.db, me, &ctx.origin).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", Some(0), ctx.secure_cookies),
    );
    Ok(response)
}

/// Sets the language cookie and goes back where the user was.
pub async fn language(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    let locale = Locale::parse(&code).ok_or(crate::error::WebError::NotFound)?;
    let mut response = Redirect::to(local_path(&q.next)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(
            LANG_COOKIE,
            locale.code(),
            Some(365 * 24 * 3600),
            ctx.secure_cookies,
        ),
    );
    Ok(response)
}
