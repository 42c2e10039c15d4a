//! Rebuilding the search index from the records: by `gongjiang search rebuild`, and by itself
//! at start when records have no document (an index lost or restored from elsewhere) or the
//! documents were made by another segmenter or dictionary (`gongjiang_search::fingerprint`).
//! Documents are otherwise written in each record's own transaction, so a crash never leaves
//! the index behind what was committed.

use crate::ServiceResult;
use gongjiang_db::Database;
use gongjiang_db::alliances::{set_setting, setting};
use gongjiang_db::search::{ENTITIES, record_ids, remove_orphans, unindexed};
use std::time::Instant;

const FINGERPRINT_SETTING: &str = "search_index_fingerprint";
/// Records rewritten per transaction: short enough not to hold the writer for long.
const BATCH: usize = 500;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rebuilt {
    pub documents: usize,
    pub removed: u64,
    pub seconds: f64,
}

/// Rewrites every document from its record and removes those of records that are gone.
pub async fn rebuild(db: &Database) -> ServiceResult<Rebuilt> {
    let started = Instant::now();
    let mut documents = 0;
    for (entity, _) in ENTITIES {
        let ids = {
            let mut conn = db.read().await?;
            record_ids(&mut conn, entity).await?
        };
        for batch in ids.chunks(BATCH) {
            let mut tx = db.begin().await?;
            for &id in batch {
                match entity {
                    "studio" => crate::search::index_studio(&mut tx, id).await?,
                    "achievement" => crate::search::index_achievement(&mut tx, id).await?,
                    _ => crate::search::index_person(&mut tx, id).await?,
                }
            }
            gongjiang_db::commit(tx).await?;
            documents += batch.len();
        }
    }
    let mut tx = db.begin().await?;
    let removed = remove_orphans(&mut tx).await?;
    set_setting(
        &mut tx,
        FINGERPRINT_SETTING,
        &gongjiang_search::fingerprint(),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(documents, removed, seconds, "search index rebuilt");
    Ok(Rebuilt {
        documents,
        removed,
        seconds,
    })
}

/// Why the index needs a rebuild, if it does.
pub async fn stale(db: &Database) -> ServiceResult<Option<String>> {
    let mut conn = db.read().await?;
    let missing = unindexed(&mut conn).await?;
    if missing > 0 {
        return Ok(Some(format!("{missing} records have no document")));
    }
    let made_by = setting(&mut conn, FINGERPRINT_SETTING).await?;
    let now = gongjiang_search::fingerprint();
    Ok(match made_by {
        Some(f) if f == now => None,
        // A database from before fingerprints: its documents came from the same code as now
        // only if nothing is missing; it is recorded as current.
        None => {
            drop(conn);
            let mut tx = db.begin().await?;
            set_setting(&mut tx, FINGERPRINT_SETTING, &now).await?;
            gongjiang_db::commit(tx).await?;
            None
        }
        Some(f) => Some(format!("made by segmenter {f}, now {now}")),
    })
}

/// Rebuilds the index if it is stale; what was done.
pub async fn ensure_current(db: &Database) -> ServiceResult<Option<Rebuilt>> {
    match stale(db).await? {
        Some(why) => {
            tracing::warn!(why, "the search index is behind: rebuilding it");
            Ok(Some(rebuild(db).await?))
        }
        None => Ok(None),
    }
}
