//! Knowing, on every instance, that a commit changed what public pages show. Triggers on the
//! tables those pages read (migration 0023) mark every such commit: on SQLite a counter written
//! in the same transaction, polled here; on PostgreSQL a notification delivered at commit,
//! listened to here. Either way the watcher's generation moves on within a fraction of a
//! second of the commit, and never before it.

use crate::{Backend, Database, DbResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often SQLite's counter is read.
const POLL: Duration = Duration::from_millis(200);
const CHANNEL: &str = "gongjiang_public_changes";

/// The generation of public data as this instance knows it: it grows after every commit that
/// changes public pages (and whenever changes might have been missed).
#[derive(Clone, Default)]
pub struct Generation(Arc<AtomicU64>);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

async fn counter(db: &Database) -> DbResult<i64> {
    let mut conn = db.read().await?;
    Ok(
        sqlx::query_scalar("SELECT generation FROM public_changes WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Starts watching; the task runs as long as the process.
pub fn watch(db: &Database) -> Generation {
    let generation = Generation::default();
    let (db, g) = (db.clone(), generation.clone());
    tokio::spawn(async move {
        match db.backend() {
            Backend::Sqlite => poll(db, g).await,
            Backend::Postgres => listen(db, g).await,
        }
    });
    generation
}

async fn poll(db: Database, generation: Generation) {
    // Counted from a base of our own: the local value only grows, by the counter's growth.
    let mut last: Option<i64> = None;
    while !db.is_closed() {
        match counter(&db).await {
            Ok(now) => {
                if last.is_some_and(|l| l != now) {
                    generation.bump();
                }
                last = Some(now);
            }
            Err(e) => {
                tracing::warn!(error = %e, "public changes: the counter cannot be read");
                generation.bump();
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn listen(db: Database, generation: Generation) {
    while !db.is_closed() {
        match sqlx::postgres::PgListener::connect(&db.url).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "public changes: cannot listen");
                } else {
                    // Whatever happened while nobody listened counts as a change.
                    generation.bump();
                    while !db.is_closed() {
                        match listener.try_recv().await {
                            Ok(Some(_)) => generation.bump(),
                            // The connection was lost and will be made again: changes in
                            // between were not heard.
                            Ok(None) => generation.bump(),
                            Err(e) => {
                                tracing::warn!(error = %e, "public changes: listener failed");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "public changes: cannot connect to listen"),
        }
        generation.bump();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
