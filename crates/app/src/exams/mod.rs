//! Exam sessions and attempts: who may sit, starting on the server's clock, saving answers
//! through group commit, submitting (by the entrant or by the clock), grading and results.

/// Runs `job` through group commit and gives back what it left in the slot.
macro_rules! grouped {
    ($exams:expr, $slot:ident, [$($captured:ident),*], |$conn:ident| $body:block) => {{
        let $slot = Arc::new(Mutex::new(None));
        let out = $slot.clone();
        $exams
            .write(Box::new(move |$conn| {
                let $slot = $slot.clone();
                $(let $captured = $captured.clone();)*
                Box::pin(async move { $body })
            }))
            .await?;
        let value = out.lock().ok().and_then(|mut v| v.take());
        value
    }};
}

mod attempts;
mod grading;
mod results;
mod sessions;
mod submission;

pub use attempts::{AnswerInput, AttemptView, Review, Saved, ShownOption, ShownQuestion};
pub use grading::{ManualGrade, RegradeReport};
pub use results::{ExportLabels, PendingAnswer, QuestionStats, ResultRow, SessionResults};
pub use sessions::{
    ArrangementInput, EntrantsInput, MyAttempt, MySession, SessionInput, SessionView,
};
pub use submission::Submitted;

use crate::{ServiceError, ServiceResult};
use gongjiang_db::attempt_writes::{AttemptWrite, AttemptWriter, AttemptWritten};
use gongjiang_db::group_commit::{GroupCommit, Job, Jobs};
use gongjiang_db::{Conn, Database, banks};
use gongjiang_domain::exam::grading::PartialCredit;
use gongjiang_domain::exam::question::Question;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// What the exam services share: the database, the group-commit writer for the hot path, and
/// a cache of question versions (immutable once written, so never stale).
#[derive(Clone)]
pub struct Exams {
    db: Database,
    writer: GroupCommit<Jobs>,
    /// Saves and submits, written in sets (`gongjiang_db::attempt_writes`).
    attempt_writer: GroupCommit<AttemptWriter>,
    versions: Arc<RwLock<HashMap<i64, Arc<Question>>>>,
    /// How each session marks (a session and its paper never change once made).
    markings: Arc<RwLock<HashMap<i64, Marking>>>,
    /// Open attempts as first read (see `open_attempt`).
    open: Arc<RwLock<HashMap<i64, Arc<gongjiang_db::attempts::AttemptRecord>>>>,
}

/// How often the clock looks for attempts whose time ran out.
pub const SWEEP_EVERY_MS: u64 = 2_000;

impl Exams {
    /// Starts the writer. Call inside a Tokio runtime.
    pub fn start(db: Database) -> Exams {
        Exams {
            writer: GroupCommit::start(db.clone(), 512, Jobs),
            attempt_writer: GroupCommit::start(db.clone(), 1_024, AttemptWriter),
            db,
            versions: Arc::default(),
            markings: Arc::default(),
            open: Arc::default(),
        }
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    /// Submits overdue attempts every [`SWEEP_EVERY_MS`] until the process ends. Several
    /// instances may sweep at once: submitting is idempotent.
    pub fn spawn_sweeper(&self) -> tokio::task::JoinHandle<()> {
        let exams = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(SWEEP_EVERY_MS));
            loop {
                tick.tick().await;
                if let Err(e) = exams.sweep().await {
                    tracing::warn!(error = %e, "sweeping overdue attempts failed");
                }
            }
        })
    }

    async fn write(&self, job: Job) -> ServiceResult<()> {
        Ok(self.writer.write(job).await?)
    }

    async fn write_attempt(&self, write: AttemptWrite) -> ServiceResult<AttemptWritten> {
        Ok(self.attempt_writer.write(write).await?)
    }

    /// The question versions `ids` if all are cached (no connection needed).
    fn cached(&self, ids: &[i64]) -> Option<Vec<Arc<Question>>> {
        let map = self.versions.read().ok()?;
        ids.iter().map(|id| map.get(id).cloned()).collect()
    }

    /// The question versions `ids`, from the cache or the database.
    async fn questions(&self, conn: &mut Conn, ids: &[i64]) -> ServiceResult<Vec<Arc<Question>>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let cached = self.versions.read().ok().and_then(|m| m.get(id).cloned());
            let q = match cached {
                Some(q) => q,
                None => {
                    let (_, body) = banks::version(conn, *id)
                        .await?
                        .ok_or(ServiceError::NotFound)?;
                    let q: Arc<Question> = Arc::new(
                        serde_json::from_str(&body)
                            .map_err(|e| ServiceError::Internal(e.to_string()))?,
                    );
                    if let Ok(mut m) = self.versions.write() {
                        m.insert(*id, q.clone());
                    }
                    q
                }
            };
            out.push(q);
        }
        Ok(out)
    }
}

/// How a session marks its attempts.
#[derive(Debug, Clone, Copy)]
struct Marking {
    rule: PartialCredit,
    show_results: bool,
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}
