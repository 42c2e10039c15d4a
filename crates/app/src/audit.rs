//! Reading, exporting and verifying the audit log.

use crate::{Caller, ServiceResult, sheets};
use gongjiang_db::audit::AuditFilter;
use gongjiang_db::{Database, Page};
use gongjiang_domain::audit::{ChainBreak, Entry, GENESIS_HASH, verify_chain};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::format_datetime;

pub async fn list(
    db: &Database,
    caller: &Caller,
    filter: &AuditFilter,
    page: Page,
) -> ServiceResult<(Vec<Entry>, i64)> {
    let mut conn = db.read().await?;
    crate::units::ensure_tree_wide(&mut conn, caller, Action::ReadAudit).await?;
    Ok(gongjiang_db::audit::list(&mut conn, filter, page).await?)
}

/// The entries matching the filter (up to 100,000, newest first) as an `.xlsx` file.
pub async fn export(
    db: &Database,
    caller: &Caller,
    filter: &AuditFilter,
    headers: Vec<String>,
) -> ServiceResult<Vec<u8>> {
    let (entries, _) = list(
        db,
        caller,
        filter,
        Page {
            offset: 0,
            limit: 100_000,
        },
    )
    .await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                format_datetime(e.at_ms),
                e.actor.name.clone(),
                e.actor.origin.clone(),
                e.change.action.clone(),
                format!("{}:{}", e.change.entity_type, e.change.entity_id),
                e.change.before.clone().unwrap_or_default(),
                e.change.after.clone().unwrap_or_default(),
                e.change.reason.clone().unwrap_or_default(),
                e.hash.clone(),
            ]
        })
        .collect();
    sheets::write_xlsx("audit", &headers, &rows).map_err(crate::ServiceError::Internal)
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: i64,
    pub problem: Option<ChainBreak>,
    /// Whether the head row agrees with the last entry (a deleted tail shows here).
    pub head_matches: bool,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none() && self.head_matches
    }
}

/// Walks the whole chain in batches and reports where, if anywhere, it breaks.
pub async fn verify(db: &Database) -> ServiceResult<Verification> {
    let mut conn = db.read().await?;
    let mut last = (0_i64, GENESIS_HASH.to_owned());
    loop {
        let batch = gongjiang_db::audit::after(&mut conn, last.0, 2_000).await?;
        if batch.is_empty() {
            break;
        }
        match verify_chain(last.clone(), &batch) {
            Ok(next) => last = next,
            Err(problem) => {
                return Ok(Verification {
                    checked: last.0,
                    problem: Some(problem),
                    head_matches: false,
                });
            }
        }
    }
    let head = gongjiang_db::audit::head(&mut conn).await?;
    Ok(Verification {
        checked: last.0,
        problem: None,
        head_matches: head == last,
    })
}

/// The trail of one thing (newest first, at most 200 entries), for those who may `action` on
/// it: unit admins see their units' history without reading the whole log.
pub async fn history(
    db: &Database,
    caller: &Caller,
    filter: &AuditFilter,
    action: Action,
    path: &gongjiang_domain::unit::UnitPath,
) -> ServiceResult<Vec<Entry>> {
    caller.ensure(action, path)?;
    let mut conn = db.read().await?;
    Ok(gongjiang_db::audit::list(
        &mut conn,
        filter,
        Page {
            offset: 0,
            limit: 200,
        },
    )
    .await?
    .0)
}
