//! Submitting an attempt, by its entrant (with what is still queued on the device) or by the
//! clock (the sweeper), and grading it in the same grouped transaction.

use super::attempts::{AnswerInput, layout_of};
use super::grading::grade_attempt;
use super::{Exams, internal};
use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::attempts::{self, AttemptRecord};
use gongjiang_db::{exams, papers};
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::exam::grading::PartialCredit;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// A submitted attempt, in short (the page then shows the whole result).
#[derive(Debug, Clone, Serialize)]
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
        let attempt = self.mine(caller, id).await?;
        if attempt.submitted_at.is_none() {
            let answers = self.checked(&attempt, answers).await?;
            let by = if arrived > attempt.deadline_ms + attempt.grace_ms {
                "clock"
            } else {
                "entrant"
            };
            self.finish(&attempt, answers, arrived, by).await?;
        }
        let (attempt, session) = self.own_attempt(caller, id).await?;
        let reveal = session.show_results != 0;
        Ok(Submitted {
            attempt_id: attempt.id,
            submitted_at: attempt.submitted_at.unwrap_or(arrived),
            submitted_by: attempt.submitted_by.unwrap_or_default(),
            score: if reveal { attempt.score } else { None },
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
        self.finish(&attempt, Vec::new(), now_ms(), "clock").await
    }

    /// Marks the attempt submitted and grades it, in one grouped transaction.
    async fn finish(
        &self,
        attempt: &AttemptRecord,
        answers: Vec<super::attempts::Checked>,
        at: i64,
        by: &'static str,
    ) -> ServiceResult<()> {
        let layout = layout_of(attempt)?;
        let ids: Vec<i64> = layout.iter().map(|e| e.v).collect();
        let cached_rule = self
            .rules
            .read()
            .ok()
            .and_then(|m| m.get(&attempt.session_id).copied());
        let (questions, rule) = match (self.cached(&ids), cached_rule) {
            (Some(questions), Some(rule)) => (questions, rule),
            _ => {
                let mut conn = self.db.read().await?;
                let questions = self.questions(&mut conn, &ids).await?;
                let rule = self.partial_credit(&mut conn, attempt.session_id).await?;
                if let Ok(mut m) = self.rules.write() {
                    m.insert(attempt.session_id, rule);
                }
                (questions, rule)
            }
        };
        let id = attempt.id;
        let questions = Arc::new(questions);
        let answers = Arc::new(answers);
        let _: Option<()> = grouped!(self, slot, [answers, questions], |conn| {
            let _ = &slot;
            if !answers.is_empty() && attempts::claim_for_save(conn, id, at).await? {
                for a in answers.iter() {
                    attempts::upsert_answer(conn, id, a.position, &a.response, a.seq, at).await?;
                }
            }
            if attempts::mark_submitted(conn, id, at, by).await? {
                let stored = attempts::answers(conn, id).await?;
                let graded = grade_attempt(&questions, &stored, rule);
                attempts::set_grades(conn, id, graded.score, &graded.json(), graded.pending)
                    .await?;
            }
            Ok(())
        });
        Ok(())
    }

    pub(crate) async fn partial_credit(
        &self,
        conn: &mut gongjiang_db::Conn,
        session_id: i64,
    ) -> ServiceResult<PartialCredit> {
        let session = exams::get(conn, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let paper = papers::get(conn, session.paper_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        serde_json::from_value(serde_json::Value::String(paper.partial_credit)).map_err(internal)
    }
}
