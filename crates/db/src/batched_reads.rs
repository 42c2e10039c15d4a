//! Batched reads: requests for rows by key that arrive while earlier ones are being read are
//! answered together, by one statement for the lot. The read side's counterpart of
//! [`crate::group_commit`]. When a newspaper links the showcase, thousands of different records
//! are asked for in a second before any is kept rendered; on PostgreSQL each statement costs a
//! database process's wake-up and its executor's start-up, paid once for a batch instead of
//! once a record (kept record pages' p99 under that storm went from 58–89 ms to 27–48 ms:
//! docs/benchmarks.md, issue 13). When reads are few, each goes alone at once: a batch only
//! forms behind batches under way.

use crate::{Conn, Database, DbError, DbResult};
use futures_util::future::BoxFuture;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The rows found for a set of keys, each with its key, as a [`Fetch`] gives them.
pub type Found<'c, K, R> = BoxFuture<'c, DbResult<Vec<(K, R)>>>;

/// How rows are read for a set of keys, on one connection. Keys without a row are left out.
pub trait Fetch: Send + Sync + 'static {
    type Key: Copy + Eq + Hash + Send + Sync + 'static;
    type Row: Clone + Send + Sync + 'static;
    fn fetch<'c>(
        &'c self,
        conn: &'c mut Conn,
        keys: &'c [Self::Key],
    ) -> Found<'c, Self::Key, Self::Row>;
}

struct Request<F: Fetch> {
    key: F::Key,
    done: oneshot::Sender<DbResult<Option<F::Row>>>,
}

/// A handle to the reader tasks; cheap to clone, one per database and kind of row.
pub struct BatchedReads<F: Fetch> {
    queue: mpsc::Sender<Request<F>>,
}

impl<F: Fetch> Clone for BatchedReads<F> {
    fn clone(&self) -> Self {
        BatchedReads {
            queue: self.queue.clone(),
        }
    }
}

type Receiver<F> = Arc<tokio::sync::Mutex<mpsc::Receiver<Request<F>>>>;

/// Batches read at once: each holds one pooled connection while it reads.
const RUNNERS: usize = 4;

impl<F: Fetch> BatchedReads<F> {
    /// Starts the reader tasks; `max_batch` bounds the keys of one statement. Call inside a
    /// Tokio runtime.
    pub fn start(db: Database, max_batch: usize, fetcher: F) -> BatchedReads<F> {
        let max_batch = max_batch.max(1);
        let (queue, receiver) = mpsc::channel(max_batch * RUNNERS * 4);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let fetcher = Arc::new(fetcher);
        for _ in 0..RUNNERS {
            tokio::spawn(run(
                db.clone(),
                fetcher.clone(),
                receiver.clone(),
                max_batch,
            ));
        }
        BatchedReads { queue }
    }

    /// The row with this key, if there is one.
    pub async fn get(&self, key: F::Key) -> DbResult<Option<F::Row>> {
        let (done, answer) = oneshot::channel();
        let stopped = || DbError::Sqlx(sqlx::Error::PoolClosed);
        self.queue
            .send(Request { key, done })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run<F: Fetch>(db: Database, fetcher: Arc<F>, receiver: Receiver<F>, max_batch: usize) {
    loop {
        // Whatever queued while the other runners read goes into this one.
        let Some(batch) = crate::group_commit::next_batch(&receiver, max_batch).await else {
            return;
        };
        let mut seen = HashSet::new();
        let keys: Vec<F::Key> = batch
            .iter()
            .map(|r| r.key)
            .filter(|k| seen.insert(*k))
            .collect();
        gongjiang_telemetry::observe(
            "gongjiang_batched_reads_keys",
            "Keys read together in one statement.",
            &[("rows", crate::short_type_name::<F>())],
            gongjiang_telemetry::SIZES,
            keys.len() as f64,
        );
        match read(&db, &*fetcher, &keys).await {
            Ok(rows) => {
                for request in batch {
                    let _ = request.done.send(Ok(rows.get(&request.key).cloned()));
                }
            }
            // Each alone, so that each caller gets its own answer or error.
            Err(e) => {
                tracing::debug!(error = %e, "a batched read failed");
                for request in batch {
                    let result = read(&db, &*fetcher, &[request.key])
                        .await
                        .map(|mut rows| rows.remove(&request.key));
                    let _ = request.done.send(result);
                }
            }
        }
    }
}

async fn read<F: Fetch>(
    db: &Database,
    fetcher: &F,
    keys: &[F::Key],
) -> DbResult<HashMap<F::Key, F::Row>> {
    let mut conn = db.read().await?;
    Ok(fetcher.fetch(&mut conn, keys).await?.into_iter().collect())
}
