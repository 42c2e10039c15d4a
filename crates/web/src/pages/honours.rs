//! Honours and master–apprentice pairs, added from the person's page.

use super::Posted;
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gongjiang_app::honours::{self, MentorshipInput};
use gongjiang_app::{ServiceError, people};
use gongjiang_domain::registry::honour::HonourInput;

async fn back(
    state: &AppState,
    me: &Me,
    person_id: i64,
    done: &str,
    result: Result<(), ServiceError>,
) -> WebResult<Response> {
    let url = format!("/admin/people/{person_id}?done={done}#honours");
    super::after_form(me.ctx.tr, result, url, |status, errors| {
        super::people::show_page(state, me, person_id, status, errors, None)
    })
    .await
}

pub async fn add(
    State(state): State<AppState>,
    me: Me,
    Path(person_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let input = posted.read(|f| HonourInput {
            kind: f.text("kind"),
            level: f.text("level"),
            title: f.text("title"),
            year: f.text("year"),
            granted_by: f.text("granted_by"),
        })?;
        honours::add(&state.db, &me.caller, person_id, input).await?;
        Ok(())
    }
    .await;
    back(&state, &me, person_id, "honour_added", result).await
}

pub async fn remove(
    State(state): State<AppState>,
    me: Me,
    Path(honour_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let person_id =
        honours::remove(&state.db, &me.caller, honour_id, &posted.get("reason")).await?;
    Ok(Redirect::to(&format!(
        "/admin/people/{person_id}?done=honour_removed#honours"
    ))
    .into_response())
}

/// Certifies an honour (see `recognitions`), then back to the person's certificates.
pub async fn certify(
    State(state): State<AppState>,
    me: Me,
    Path(honour_id): Path<i64>,
) -> WebResult<Response> {
    let issued = gongjiang_app::recognitions::for_honour(
        &state.db,
        &me.caller,
        honour_id,
        Default::default(),
    )
    .await?;
    let person = issued.person_id.unwrap_or_default();
    Ok(Redirect::to(&format!(
        "/admin/people/{person}?done=certificate_issued#person-prizes"
    ))
    .into_response())
}

/// Pairs this person with another, found by name, employee number or `#id`.
pub async fn add_mentorship(
    State(state): State<AppState>,
    me: Me,
    Path(person_id): Path<i64>,
    Form(posted): Form<Posted>,
) -> WebResult<Response> {
    let result = async {
        let person = people::get(&state.db, &me.caller, person_id).await?;
        let other = people::resolve(
            &state.db,
            &me.caller,
            "other",
            &posted.get("other"),
            person.unit_id,
            false,
        )
        .await?;
        let (master_id, apprentice_id) = if posted.get("as") == "apprentice" {
            (other, person_id)
        } else {
            (person_id, other)
        };
        let input = MentorshipInput {
            master_id,
            apprentice_id,
            from_year: posted.get("from_year"),
            to_year: posted.get("to_year"),
        };
        honours::add_mentorship(&state.db, &me.caller, input)
            .await
            .map(|_| ())
    }
    .await;
    back(&state, &me, person_id, "mentorship_added", result).await
}
