//! Admin actions on accounts, from a person's page: create, reset password, lock and unlock,
//! disable and enable, grant and revoke roles.

use super::Posted;
use super::people::show_page;
use crate::AppState;
use crate::context::Me;
use crate::error::{WebError, WebResult};
use crate::view::FormErrors;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::{ServiceError, accounts};

/// Shows a failed action on the person's page with its errors.
async fn failed(state: &AppState, me: &Me, person_id: i64, e: ServiceError) -> WebResult<Response> {
    match e {
        ServiceError::Invalid(invalid) => {
            show_page(
                state,
                me,
                person_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::from_invalid(me.ctx.tr, &invalid),
                None,
            )
            .await
        }
        ServiceError::Conflict(code) => {
            show_page(
                state,
                me,
                person_id,
                StatusCode::CONFLICT,
                FormErrors::general(me.ctx.tr, code.code()),
                None,
            )
            .await
        }
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Path(person_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let username = posted.get("username");
    match accounts::create_for_person(&state.db, &me.caller, person_id, &username, None).await {
        // The generated password is shown once, now.
        Ok((_, password)) => {
            show_page(
                &state,
                &me,
                person_id,
                StatusCode::OK,
                FormErrors::default(),
                password,
            )
            .await
        }
        Err(e) => failed(&state, &me, person_id, e).await,
    }
}

async fn person_of(state: &AppState, me: &Me, user_id: i64) -> WebResult<i64> {
    let (user, _) = accounts::get(&state.db, &me.caller, user_id).await?;
    user.person_id.ok_or(WebError::NotFound)
}

pub async fn reset_password(
    State(state): State<AppState>,
    me: Me,
    Path(user_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let person_id = person_of(&state, &me, user_id).await?;
    let password =
        accounts::reset_password(&state.db, &me.caller, user_id, &posted.get("reason")).await?;
    show_page(
        &state,
        &me,
        person_id,
        StatusCode::OK,
        FormErrors::default(),
        Some(password),
    )
    .await
}

async fn simple(
    state: &AppState,
    me: &Me,
    user_id: i64,
    result: Result<(), ServiceError>,
    done: &str,
) -> WebResult<Response> {
    let person_id = person_of(state, me, user_id).await?;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/people/{person_id}?done={done}#account")).into_response(),
        ),
        Err(e) => failed(state, me, person_id, e).await,
    }
}

pub async fn unlock(
    State(state): State<AppState>,
    me: Me,
    Path(user_id): Path<i64>,
) -> WebResult<Response> {
    let result = accounts::unlock(&state.db, &me.caller, user_id).await;
    simple(&state, &me, user_id, result, "account_unlocked").await
}

pub async fn disable(
    State(state): State<AppState>,
    me: Me,
    Path(user_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result =
        accounts::set_disabled(&state.db, &me.caller, user_id, true, &posted.get("reason")).await;
    simple(&state, &me, user_id, result, "account_disabled").await
}

pub async fn enable(
    State(state): State<AppState>,
    me: Me,
    Path(user_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result =
        accounts::set_disabled(&state.db, &me.caller, user_id, false, &posted.get("reason")).await;
    simple(&state, &me, user_id, result, "account_enabled").await
}

pub async fn grant(
    State(state): State<AppState>,
    me: Me,
    Path(user_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let unit_id = posted.read(|f| f.id("unit_id"))?;
        accounts::grant(&state.db, &me.caller, user_id, &posted.get("role"), unit_id).await?;
        Ok(())
    }
    .await;
    simple(&state, &me, user_id, result, "role_granted").await
}

pub async fn revoke(
    State(state): State<AppState>,
    me: Me,
    Path(grant_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let grant = accounts::revoke(&state.db, &me.caller, grant_id, &posted.get("reason")).await?;
    let person_id = person_of(&state, &me, grant.user_id).await?;
    Ok(Redirect::to(&format!(
        "/admin/people/{person_id}?done=role_revoked#account"
    ))
    .into_response())
}
