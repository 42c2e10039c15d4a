//! Submitting an attempt, by its entrant (with what is still queued on the device) or by the
//! clock (the sweeper), and grading it in the same grouped transaction.

use super::attempts::{AnswerInput, layout_of};
use super::grading::grade_attempt;
use super::{Exams, Marking, internal};
use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::attempt_writes::{AttemptWrite, AttemptWritten, Grader, Grades, NewAnswer};
use gongjiang_db::attempts::{self, AttemptRecord};
use gongjiang_db::{exams, papers};
use gongjiang_domain::clock::now_ms;
use serde::Serialize;
use std::sync::Arc;

/// A submitted attempt, in short (the page then shows the whole result).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub attempt_id: i64,
    pub submitted_at: i64,
    pub submitted_by: String,
    /// Only if the session shows results.
    pub score: Option<i64>,
    pub max_score: i64,
    pub pending_manual: i64,
}

impl Exams {
    /// Submits the caller's attempt with the answers still on the device; grades it.
    /// Submitting twice is harmless.
    pub async fn submit(
        &self,
        caller: &Caller,
        id: i64,
        answers: Vec<AnswerInput>,
    ) -> ServiceResult<Submitted> {
        let arrived = now_ms();
        let attempt = self.open_attempt(caller, id).await?;
        let marking = self.marking(attempt.session_id).await?;
        if attempt.submitted_at.is_none() {
            let answers = self.checked(&attempt, answers).await?;
            let by = if arrived > attempt.deadline_ms + attempt.grace_ms {
                "clock"
            } else {
                "entrant"
            };
            // Answered from what this submit wrote: no second read at the deadline surge.
            if let Some(grades) = self.finish(&attempt, answers, arrived, by).await? {
                return Ok(Submitted {
                    attempt_id: id,
                    submitted_at: arrived,
                    submitted_by: by.to_owned(),
                    score: marking.show_results.then_some(grades.score),
                    max_score: attempt.max_score,
                    pending_manual: grades.pending_manual,
                });
            }
        }
        let attempt = self.mine(caller, id).await?;
        Ok(Submitted {
            attempt_id: attempt.id,
            submitted_at: attempt.submitted_at.unwrap_or(arrived),
            submitted_by: attempt.submitted_by.unwrap_or_default(),
            score: if marking.show_results {
                attempt.score
            } else {
                None
            },
            max_score: attempt.max_score,
            pending_manual: attempt.pending_manual,
        })
    }

    /// Submits every attempt whose time ran out; returns how many.
    pub async fn sweep(&self) -> ServiceResult<usize> {
        let mut total = 0;
        loop {
            let ids = {
                let mut conn = self.db.read().await?;
                attempts::overdue(&mut conn, now_ms(), 500).await?
            };
            if ids.is_empty() {
                return Ok(total);
            }
            total += ids.len();
            // Concurrently, so that group commit puts them in few transactions.
            let results =
                futures_util::future::join_all(ids.iter().map(|id| self.submit_by_clock(*id)))
                    .await;
            for r in results {
                r?;
            }
        }
    }

    pub(crate) async fn submit_by_clock(&self, id: i64) -> ServiceResult<()> {
        let attempt = {
            let mut conn = self.db.read().await?;
            attempts::get(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?
        };
        if attempt.submitted_at.is_some() {
            return Ok(());
        }
        self.finish(&attempt, Vec::new(), now_ms(), "clock").await?;
        Ok(())
    }

    /// Marks the attempt submitted and grades it, in one grouped transaction. `None` if it
    /// was already submitted.
    async fn finish(
        &self,
        attempt: &AttemptRecord,
        answers: Vec<NewAnswer>,
        at: i64,
        by: &'static str,
    ) -> ServiceResult<Option<Grades>> {
        let layout = layout_of(attempt)?;
        let ids: Vec<i64> = layout.iter().map(|e| e.v).collect();
        let questions = match self.cached(&ids) {
            Some(questions) => questions,
            None => {
                let mut conn = self.db.read().await?;
                self.questions(&mut conn, &ids).await?
            }
        };
        let rule = self.marking(attempt.session_id).await?.rule;
        let grader: Grader = Arc::new(move |stored| {
            let graded = grade_attempt(&questions, stored, rule);
            Grades {
                score: graded.score,
                json: graded.json(),
                pending_manual: graded.pending,
            }
        });
        let written = self
            .write_attempt(AttemptWrite::Submit {
                attempt_id: attempt.id,
                at_ms: at,
                by,
                answers,
                grader,
            })
            .await?;
        self.forget_open(attempt.id);
        match written {
            AttemptWritten::Submitted(grades) => Ok(grades),
            AttemptWritten::Saved(_) => Err(internal("a submit was written as a save")),
        }
    }

    /// How the session marks: from the cache, or read once (a session never changes).
    pub(super) async fn marking(&self, session_id: i64) -> ServiceResult<Marking> {
        let cached = self
            .markings
            .read()
            .ok()
            .and_then(|m| m.get(&session_id).copied());
        if let Some(marking) = cached {
            return Ok(marking);
        }
        let mut conn = self.db.read().await?;
        let session = exams::get(&mut conn, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let paper = papers::get(&mut conn, session.paper_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let marking = Marking {
            rule: serde_json::from_value(serde_json::Value::String(paper.partial_credit))
                .map_err(internal)?,
            show_results: session.show_results,
        };
        if let Ok(mut m) = self.markings.write() {
            m.insert(session_id, marking);
        }
        Ok(marking)
    }
}
