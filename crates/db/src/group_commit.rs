//! Group commit: many small writes from many requests committed together in one transaction,
//! each caller answered only after the commit that holds its write (so an acknowledged write
//! survives a crash). On SQLite this is how one writer sustains tens of thousands of durable
//! writes a second; a commit per request manages a few thousand (docs/benchmarks.md).

use crate::{Conn, Database, DbError, DbResult};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// How a writer applies a batch of operations on one transaction, giving one outcome per
/// operation in order. It may be asked again with a single operation, alone, if another
/// operation of its batch failed.
pub trait Apply: Send + Sync + 'static {
    type Op: Send + Sync + 'static;
    type Out: Send + 'static;
    fn apply<'c>(
        &'c self,
        conn: &'c mut Conn,
        ops: &'c [Self::Op],
    ) -> BoxFuture<'c, DbResult<Vec<Self::Out>>>;
}

/// One write as a function that runs its statements on the batch's transaction.
pub type Job = Box<dyn for<'c> Fn(&'c mut Conn) -> BoxFuture<'c, DbResult<()>> + Send + Sync>;

/// The writer of [`Job`]s: runs them one after another on the batch's transaction.
pub struct Jobs;

impl Apply for Jobs {
    type Op = Job;
    type Out = ();
    fn apply<'c>(&'c self, conn: &'c mut Conn, ops: &'c [Job]) -> BoxFuture<'c, DbResult<Vec<()>>> {
        Box::pin(async move {
            for job in ops {
                job(conn).await?;
            }
            Ok(vec![(); ops.len()])
        })
    }
}

struct Request<A: Apply> {
    op: A::Op,
    done: oneshot::Sender<DbResult<A::Out>>,
    queued_at: std::time::Instant,
}

/// A handle to the writer tasks; cheap to clone, one per database and kind of write.
pub struct GroupCommit<A: Apply> {
    queue: mpsc::Sender<Request<A>>,
}

impl<A: Apply> Clone for GroupCommit<A> {
    fn clone(&self) -> Self {
        GroupCommit {
            queue: self.queue.clone(),
        }
    }
}

/// Why a write was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the writer has stopped")]
    Stopped,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl<A: Apply> GroupCommit<A> {
    /// Starts the writer tasks. `max_batch` bounds a transaction's size; the queue holds
    /// `4 * max_batch` waiting writes before callers wait to enqueue (back-pressure).
    ///
    /// SQLite has one writer, so one task commits batch after batch. PostgreSQL commits in
    /// parallel (its commits share WAL flushes), so several tasks each commit their own batch.
    pub fn start(db: Database, max_batch: usize, applier: A) -> GroupCommit<A> {
        let max_batch = max_batch.max(1);
        let (queue, receiver) = mpsc::channel(max_batch * 4);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let applier = Arc::new(applier);
        let runners = match db.backend() {
            crate::Backend::Sqlite => 1,
            crate::Backend::Postgres => 4,
        };
        for _ in 0..runners {
            tokio::spawn(run(
                db.clone(),
                applier.clone(),
                receiver.clone(),
                max_batch,
            ));
        }
        GroupCommit { queue }
    }

    /// Queues a write and waits until it is committed (or failed).
    pub async fn write(&self, op: A::Op) -> Result<A::Out, WriteError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Request {
                op,
                done,
                queued_at: std::time::Instant::now(),
            })
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer
            .await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::Db)
    }
}

type Receiver<A> = Arc<tokio::sync::Mutex<mpsc::Receiver<Request<A>>>>;

async fn run<A: Apply>(db: Database, applier: Arc<A>, receiver: Receiver<A>, max_batch: usize) {
    loop {
        let (ops, senders, oldest): (Vec<A::Op>, Vec<_>, _) = {
            let Some(batch) = next_batch(&receiver, max_batch).await else {
                return;
            };
            let oldest = batch[0].queued_at;
            let (ops, senders) = batch.into_iter().map(|r| (r.op, r.done)).unzip();
            (ops, senders, oldest)
        };
        let results = match commit_batch(&db, &*applier, &ops).await {
            Ok(outs) if outs.len() == ops.len() => outs.into_iter().map(Ok).collect(),
            // Something in the batch failed and nothing was committed: each write alone, so
            // that only the bad one fails.
            _ => one_by_one(&db, &*applier, &ops).await,
        };
        let writer = [("writer", crate::short_type_name::<A>())];
        gongjiang_telemetry::observe(
            "gongjiang_group_commit_batch_size",
            "Writes committed together in one transaction.",
            &writer,
            gongjiang_telemetry::SIZES,
            ops.len() as f64,
        );
        gongjiang_telemetry::time(
            "gongjiang_group_commit_wait_seconds",
            "From the oldest write of a batch being queued to its commit.",
            &writer,
            oldest.elapsed(),
        );
        for (done, result) in senders.into_iter().zip(results) {
            let _ = done.send(result);
        }
    }
}

/// The next request, and everything queued behind it (up to `max` in all): what arrived while
/// the last batch was under way. None once every sender is gone.
pub(crate) async fn next_batch<T>(
    receiver: &tokio::sync::Mutex<mpsc::Receiver<T>>,
    max: usize,
) -> Option<Vec<T>> {
    let mut receiver = receiver.lock().await;
    let first = receiver.recv().await?;
    let mut batch = vec![first];
    while batch.len() < max {
        match receiver.try_recv() {
            Ok(request) => batch.push(request),
            Err(_) => break,
        }
    }
    Some(batch)
}

async fn commit_batch<A: Apply>(
    db: &Database,
    applier: &A,
    ops: &[A::Op],
) -> DbResult<Vec<A::Out>> {
    let mut tx = db.begin().await?;
    let outs = applier.apply(&mut tx, ops).await?;
    crate::commit(tx).await?;
    Ok(outs)
}

async fn one_by_one<A: Apply>(db: &Database, applier: &A, ops: &[A::Op]) -> Vec<DbResult<A::Out>> {
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let result = async {
            let mut outs = commit_batch(db, applier, std::slice::from_ref(op)).await?;
            outs.pop().ok_or_else(|| {
                DbError::Sqlx(sqlx::Error::Protocol("a write gave no outcome".into()))
            })
        }
        .await;
        if let Err(e) = &result {
            tracing::debug!(error = %e, "a grouped write failed");
        }
        results.push(result);
    }
    results
}
