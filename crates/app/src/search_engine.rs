//! This instance's word index, kept in step with the database's search documents: before each
//! search it reads the log's last number (one small query) and applies what it lacks, so a
//! search sees every commit made before it began, on every instance; between searches it
//! follows the log in the background, so that the next search rarely waits.

use crate::{ServiceError, ServiceResult};
use gongjiang_db::Database;
use gongjiang_db::public_changes::Generation;
use gongjiang_search::index::WordIndex;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Changes read from the log at a time: a rebuild of a million documents goes in steps.
const STEP: i64 = 5_000;

#[derive(Clone)]
pub struct SearchEngine {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    index: WordIndex,
    /// One catch-up at a time; the others wait for it, then find nothing left to do.
    catching_up: tokio::sync::Mutex<()>,
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

impl SearchEngine {
    /// Opens the index kept in `folder` (in memory when `None`, or when another instance
    /// already writes that folder: it is then built from the log here); one search reads it on
    /// `threads` threads (0: one a core, at most 4).
    pub async fn open(
        db: &Database,
        folder: Option<PathBuf>,
        threads: usize,
    ) -> ServiceResult<SearchEngine> {
        let (_, owner) = {
            let mut conn = db.read().await?;
            gongjiang_db::search::feed(&mut conn).await?
        };
        let index = tokio::task::spawn_blocking(move || {
            match WordIndex::open(folder.as_deref(), &owner, threads) {
                Ok(index) => Ok(index),
                Err(e) if folder.is_some() => {
                    tracing::warn!(error = %e, "the search index folder cannot be used: this instance keeps its index in memory");
                    WordIndex::open(None, &owner, threads)
                }
                Err(e) => Err(e),
            }
        })
        .await
        .map_err(internal)?
        .map_err(internal)?;
        Ok(SearchEngine {
            inner: Arc::new(Inner {
                db: db.clone(),
                index,
                catching_up: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    pub(crate) fn index(&self) -> &WordIndex {
        &self.inner.index
    }

    /// Waits for the index's merges under way to end (after a bulk build).
    pub async fn settle(&self) -> ServiceResult<()> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.inner.index.settle())
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    /// Applies every change committed before this call; returns how many were applied.
    pub async fn catch_up(&self) -> ServiceResult<usize> {
        let (head, owner) = {
            let mut conn = self.inner.db.read().await?;
            gongjiang_db::search::feed(&mut conn).await?
        };
        let index = &self.inner.index;
        if head == index.applied() && owner == index.owner() {
            return Ok(0);
        }
        let _one = self.inner.catching_up.lock().await;
        let mut applied = 0;
        // The database was given a new name (restored from a copy, or its documents rewritten
        // by `search rebuild`), or its log is behind the index (restored otherwise): the
        // numbers the index holds mean nothing here. Start again.
        if owner != index.owner() || head < index.applied() {
            tracing::warn!(
                head,
                applied = index.applied(),
                "the search log is not the one the index was built from: rebuilding the index"
            );
            let engine = self.clone();
            tokio::task::spawn_blocking(move || engine.inner.index.clear(&owner))
                .await
                .map_err(internal)?
                .map_err(internal)?;
        }
        while self.inner.index.applied() < head {
            let after = self.inner.index.applied();
            let (changes, upto) = {
                let mut conn = self.inner.db.read().await?;
                gongjiang_db::search::changes(&mut conn, after, head, STEP).await?
            };
            applied += changes.len();
            let engine = self.clone();
            tokio::task::spawn_blocking(move || engine.inner.index.apply(&changes, upto))
                .await
                .map_err(internal)?
                .map_err(internal)?;
        }
        Ok(applied)
    }

    /// Follows the log as long as the process runs: at start (a new or stale index is built
    /// here, not in a visitor's search) and whenever public data changed.
    pub fn follow(&self, changes: Generation) {
        let engine = self.clone();
        tokio::spawn(async move {
            let mut seen = None;
            while !engine.db().is_closed() {
                let now = changes.current();
                if seen != Some(now) {
                    match engine.catch_up().await {
                        Ok(n) if n > 0 => tracing::debug!(n, "search index caught up"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "the search index could not catch up"),
                    }
                    seen = Some(now);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
}
