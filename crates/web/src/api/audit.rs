//! The API for the audit log.

use super::kit::{Paged, Paging};
use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use crate::pages::audit::AuditQuery;
use axum::Json;
use axum::extract::{Query, State};
use gongjiang_app::audit;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub origin: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON of the state before the change.
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The query of the audit list (documentation of `AuditQuery`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditParams {
    /// An action code or its start, e.g. `unit.`.
    action: Option<String>,
    /// `type` or `type:id`, e.g. `unit:12`.
    entity: Option<String>,
    /// The acting user's id.
    actor: Option<i64>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

/// Audit entries, newest first, 100 a page unless asked otherwise (federation admins only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams, Paging), responses((status = 200, body = Paged<AuditEntryDto>)))]
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<AuditQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<AuditEntryDto>>> {
    let filter = q.filter()?;
    let page = paging.resolve(100)?;
    let (entries, total) = audit::list(&state.db, &me.caller, &filter, page.page()).await?;
    let items = entries
        .into_iter()
        .map(|e| AuditEntryDto {
            seq: e.seq,
            at_ms: e.at_ms,
            actor_user_id: e.actor.user_id,
            actor_name: e.actor.name,
            origin: e.actor.origin,
            action: e.change.action,
            entity_type: e.change.entity_type,
            entity_id: e.change.entity_id,
            before: e.change.before,
            after: e.change.after,
            reason: e.change.reason,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(Json(page.answer(items, total)))
}
