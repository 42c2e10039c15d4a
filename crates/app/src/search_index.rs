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
    gongjiang_db::search::rename_feed(&mut tx).await?;
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

/// Rebuilds the index if records have no document or the documents were made by another
/// segmenter or dictionary; what was done. A database from before fingerprints, with nothing
/// missing, has its documents recorded as made by this version.
pub async fn ensure_current(db: &Database) -> ServiceResult<Option<Rebuilt>> {
    let now = gongjiang_search::fingerprint();
    let (missing, made_by) = {
        let mut conn = db.read().await?;
        (
            unindexed(&mut conn).await?,
            setting(&mut conn, FINGERPRINT_SETTING).await?,
        )
    };
    let why = match made_by {
        _ if missing > 0 => format!("{missing} records have no document"),
        Some(f) if f == now => return Ok(None),
        Some(f) => format!("made by segmenter {f}, now {now}"),
        None => {
            let mut tx = db.begin().await?;
            set_setting(&mut tx, FINGERPRINT_SETTING, &now).await?;
            gongjiang_db::commit(tx).await?;
            return Ok(None);
        }
    };
    tracing::warn!(why, "the search index is behind: rebuilding it");
    Ok(Some(rebuild(db).await?))
}
