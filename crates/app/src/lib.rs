//! The services of gongjiang: each use case checks who may do it, runs in one transaction,
//! and records what it changed in the audit log. Knows neither HTTP nor SQL.

pub mod accounts;
pub mod achievements;
pub mod alliances;
pub mod audit;
pub mod audit_checkpoints;
pub mod auth;
pub mod banks;
mod caller;
pub mod certificate_batches;
pub mod certificate_templates;
pub mod certificates;
pub mod competitions;
pub mod demo;
mod demo_competition;
mod demo_data;
mod demo_registry;
mod demo_results;
pub mod entries;
pub mod entry_imports;
mod error;
pub mod exams;
pub mod exhibitions;
pub mod groups;
pub mod honours;
pub mod idempotency;
pub mod imports;
pub mod judging;
pub mod notices;
pub(crate) mod panel_scores;
pub mod papers;
pub mod parsing;
pub mod passwords;
pub mod people;
pub mod practical;
pub mod recognitions;
pub mod registry_exports;
pub mod registry_imports;
pub mod results;
pub mod search;
pub mod search_engine;
pub mod search_index;
pub mod session_cache;
pub mod sheets;
pub mod showcase;
pub mod star_cycles;
pub mod statistics;
mod studio_history;
pub mod studios;
mod thumbnails;
pub use thumbnails::PictureSize;
pub mod track_exams;
pub mod units;

pub use caller::Caller;
pub use error::{Conflict, ServiceError, ServiceResult, ensure_version, next_version};
pub use gongjiang_db::Database;

use gongjiang_db::{Conn, DbResult};
use gongjiang_domain::audit::Change;
use gongjiang_domain::clock::now_ms;

/// Records `change` as made by `caller`, inside the caller's transaction.
pub(crate) async fn record(conn: &mut Conn, caller: &Caller, change: Change) -> DbResult<()> {
    gongjiang_db::audit::append(conn, &caller.actor, &change, now_ms()).await?;
    Ok(())
}

/// A change as the audit log keeps it: the JSON of the state before and after.
pub(crate) fn change<B: serde::Serialize, A: serde::Serialize>(
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    before: Option<&B>,
    after: Option<&A>,
) -> Change {
    Change {
        action: action.to_owned(),
        entity_type: entity_type.to_owned(),
        entity_id: entity_id.to_string(),
        before: before.and_then(|b| serde_json::to_string(b).ok()),
        after: after.and_then(|a| serde_json::to_string(a).ok()),
        reason: None,
    }
}
