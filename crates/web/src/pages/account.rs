//! The signed-in user's own account: password and personal API tokens.

use super::Posted;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::view::{FormErrors, Layout, html_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::ServiceError;
use gongjiang_app::auth;
use gongjiang_db::tokens::TokenRecord;
use gongjiang_db::users::GrantView;

#[derive(Template)]
#[template(path = "account.html")]
struct Account {
    l: Layout,
    username: String,
    display_name: String,
    roles: Vec<GrantView>,
    must_change_password: bool,
    tokens: Vec<TokenRecord>,
    new_token: Option<String>,
    errors: FormErrors,
}

async fn render(
    state: &AppState,
    me: &Me,
    status: StatusCode,
    errors: FormErrors,
    new_token: Option<String>,
) -> WebResult<Response> {
    let tokens = auth::list_api_tokens(&state.db, me.user.user.id).await?;
    let title = me.ctx.tr.t_string("account.title");
    html_status(
        status,
        &Account {
            username: me.user.user.username.clone(),
            display_name: me.user.user.display_name.clone(),
            roles: me.user.grants.clone(),
            must_change_password: me.user.user.must_change_password,
            tokens,
            new_token,
            errors,
            l: Layout::new(&me.ctx, "", title),
        },
    )
}

pub async fn show(State(state): State<AppState>, me: Me) -> WebResult<Response> {
    render(&state, &me, StatusCode::OK, FormErrors::default(), None).await
}

pub async fn change_password(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    match auth::change_password(
        &state.db,
        &me.user,
        &me.ctx.origin,
        &posted.get("current_password"),
        &posted.get("new_password"),
        &posted.get("repeat_password"),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account?done=password_changed").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            render(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    me: Me,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let input = auth::TokenInput {
        name: posted.get("name"),
        access: posted.get("access"),
        modules: posted.all("modules"),
        expires_in_days: posted.get("expires_in_days").trim().parse().ok(),
    };
    match auth::create_api_token(&state.db, &me.user, &me.ctx.origin, &input).await {
        // Shown once, on this page, never again: not a redirect.
        Ok((_, token)) => {
            render(
                &state,
                &me,
                StatusCode::OK,
                FormErrors::default(),
                Some(token),
            )
            .await
        }
        Err(ServiceError::Invalid(invalid)) => {
            render(
                &state,
                &me,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    auth::revoke_api_token(&state.db, &me.user, &me.ctx.origin, id).await?;
    Ok(Redirect::to("/account?done=token_revoked#tokens").into_response())
}
