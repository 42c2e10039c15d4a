//! Group commit: many small writes from many requests committed together in one transaction,
//! each caller answered only after the commit that holds its write (so an acknowledged write
//! survives a crash). On SQLite this is how one writer sustains tens of thousands of durable
//! writes a second; a commit per request manages a few thousand (docs/benchmarks.md).

use crate::{Conn, Database, DbError, DbResult};
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

/// One write: a function that runs its statements on the batch's transaction. It may run a
/// second time, alone, if another write of its batch failed.
pub type Job = Box<dyn for<'c> Fn(&'c mut Conn) -> BoxFuture<'c, DbResult<()>> + Send + Sync>;

struct Request {
    job: Job,
    done: oneshot::Sender<DbResult<()>>,
}

/// A handle to the writer task; cheap to clone, one per database.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Request>,
}

/// Why a write was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the writer has stopped")]
    Stopped,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl GroupCommit {
    /// Starts the writer tasks. `max_batch` bounds a transaction's size; the queue holds
    /// `4 * max_batch` waiting writes before callers wait to enqueue (back-pressure).
    ///
    /// SQLite has one writer, so one task commits batch after batch. PostgreSQL commits in
    /// parallel (its commits share WAL flushes), so several tasks each commit their own batch.
    pub fn start(db: Database, max_batch: usize) -> GroupCommit {
        let max_batch = max_batch.max(1);
        let (queue, receiver) = mpsc::channel(max_batch * 4);
        let receiver = std::sync::Arc::new(tokio::sync::Mutex::new(receiver));
        let runners = match db.backend() {
            crate::Backend::Sqlite => 1,
            crate::Backend::Postgres => 8,
        };
        for _ in 0..runners {
            tokio::spawn(run(db.clone(), receiver.clone(), max_batch));
        }
        GroupCommit { queue }
    }

    /// Queues a write and waits until it is committed (or failed).
    pub async fn write(&self, job: Job) -> Result<(), WriteError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Request { job, done })
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer
            .await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::Db)
    }
}

async fn run(
    db: Database,
    receiver: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<Request>>>,
    max_batch: usize,
) {
    loop {
        let batch = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            let mut batch = vec![first];
            // Everything that queued while the last batch committed goes into this one.
            while batch.len() < max_batch {
                match receiver.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            batch
        };
        let results = match commit_batch(&db, &batch).await {
            Ok(()) => batch.iter().map(|_| Ok(())).collect(),
            // Something in the batch failed and nothing was committed: each write alone, so
            // that only the bad one fails.
            Err(_) => one_by_one(&db, &batch).await,
        };
        for (request, result) in batch.into_iter().zip(results) {
            let _ = request.done.send(result);
        }
    }
}

async fn commit_batch(db: &Database, batch: &[Request]) -> DbResult<()> {
    let mut tx = db.begin().await?;
    for request in batch {
        (request.job)(&mut tx).await?;
    }
    crate::commit(tx).await
}

async fn one_by_one(db: &Database, batch: &[Request]) -> Vec<DbResult<()>> {
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        let result = async {
            let mut tx = db.begin().await?;
            (request.job)(&mut tx).await?;
            crate::commit(tx).await
        }
        .await;
        if let Err(e) = &result {
            tracing::debug!(error = %e, "a grouped write failed");
        }
        results.push(result);
    }
    results
}
