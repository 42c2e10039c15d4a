//! Taking an exam: starting an attempt (the paper drawn and laid out from a seed, versions
//! pinned), the entrant's view (never the key before submission), saving answers through
//! group commit (submitting is in `submission.rs`).

use super::grading::LayoutEntry;
use super::sessions::clock_of;
use super::{Exams, internal};
use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::attempt_writes::{AttemptWrite, AttemptWritten, NewAnswer};
use gongjiang_db::attempts::{self, AttemptRecord, NewAttempt};
use gongjiang_db::exams::{self, ArrangementRecord};
use gongjiang_db::{papers, people};
use gongjiang_domain::FieldError;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::exam::cloze::ClozePart;
use gongjiang_domain::exam::draw::{self, DrawRule, PoolQuestion};
use gongjiang_domain::exam::question::{AnswerKey, QuestionKind, Response};
use gongjiang_domain::exam::timing::{Arrangement, StartRefused, Window};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// One answer as the device sends it: `seq` grows with every change the device makes.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AnswerInput {
    pub position: i64,
    pub seq: i64,
    pub response: Response,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShownOption {
    /// The option's index in the question (what an answer refers to).
    pub index: usize,
    pub text: String,
}

/// A question as an entrant sees it: no key, no explanation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShownQuestion {
    pub position: usize,
    pub kind: QuestionKind,
    /// A cloze question's stem marks where each part goes: `{#1}`, `{#2}` …
    pub stem: String,
    /// In the order this entrant sees them (for matching: the answers prompts choose from).
    pub options: Vec<ShownOption>,
    pub blanks: usize,
    /// A matching question's prompts, in order (an answer gives an option for each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<String>,
    /// A cloze question's parts, in order (an answer gives a text for each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<ClozePart>,
    pub points: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedAnswer {
    pub position: i64,
    pub seq: i64,
    pub response: Response,
}

/// After submission, when the session shows results: the key and the points per question.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub position: usize,
    pub points: Option<i64>,
    pub key: AnswerKey,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub attempt_id: i64,
    pub session_id: i64,
    pub session_name: String,
    pub number: i64,
    pub deadline_ms: i64,
    pub server_ms: i64,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub questions: Vec<ShownQuestion>,
    pub answers: Vec<SavedAnswer>,
    pub max_score: i64,
    /// Only once submitted and only if the session shows results.
    pub score: Option<i64>,
    pub pending_manual: i64,
    /// Points per question, keys and explanations: only once the session is over for every
    /// entrant (or staff released them), so no key reaches someone who can still answer.
    pub review: Option<Vec<Review>>,
    /// The review exists but is kept until the session is over.
    pub review_later: bool,
}

/// What a save acknowledges: every answer sent is stored at this `seq` or a newer one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub saved: Vec<(i64, i64)>,
    pub deadline_ms: i64,
    pub server_ms: i64,
}

pub(crate) fn arrangement_of(a: ArrangementRecord) -> Arrangement {
    Arrangement {
        extra_ms: a.extra_ms,
        window: match (a.opens_ms, a.closes_ms) {
            (Some(opens_ms), Some(closes_ms)) => Some(Window {
                opens_ms,
                closes_ms,
            }),
            _ => None,
        },
    }
}

pub(crate) fn layout_of(a: &AttemptRecord) -> ServiceResult<Vec<LayoutEntry>> {
    serde_json::from_str(&a.layout).map_err(internal)
}

impl Exams {
    /// Starts an attempt, or gives back the one in progress (a second tap, a second device).
    pub async fn start_attempt(&self, caller: &Caller, session_id: i64) -> ServiceResult<i64> {
        let person_id = caller.person_id.ok_or(ServiceError::Forbidden)?;
        let now = now_ms();
        let mut conn = self.db.read().await?;
        let session = exams::get(&mut conn, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let person = people::get(&mut conn, person_id)
            .await?
            .ok_or(ServiceError::Forbidden)?;
        if !exams::is_entrant(&mut conn, session_id, person_id, &person.unit_path).await? {
            return Err(ServiceError::Forbidden);
        }
        let existing = attempts::of_person(&mut conn, session_id, person_id).await?;
        if let Some(open) = existing.iter().find(|a| a.submitted_at.is_none()) {
            if now <= open.deadline_ms + open.grace_ms {
                return Ok(open.id);
            }
            drop(conn);
            self.submit_by_clock(open.id).await?;
            conn = self.db.read().await?;
        }
        if existing.len() as i64 >= session.attempts_allowed {
            return Err(ServiceError::Conflict(crate::Conflict::NoAttemptsLeft));
        }
        let arrangement = exams::arrangement(&mut conn, session_id, person_id)
            .await?
            .unwrap_or_default();
        let deadline_ms = clock_of(&session)
            .deadline(arrangement_of(arrangement), now)
            .map_err(|refused| match refused {
                StartRefused::NotYetOpen { .. } => {
                    ServiceError::Conflict(crate::Conflict::ExamNotOpen)
                }
                StartRefused::Closed { .. } => ServiceError::Conflict(crate::Conflict::ExamClosed),
            })?;
        let paper = papers::get(&mut conn, session.paper_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let seed: u64 = rand::random();
        let pool = papers::pool(&mut conn, paper.bank_id).await?;
        let question_ids: Vec<i64> = if paper.mode == "fixed" {
            serde_json::from_str(&paper.spec).map_err(internal)?
        } else {
            let rules: Vec<DrawRule> = serde_json::from_str(&paper.spec).map_err(internal)?;
            let candidates: Vec<PoolQuestion> = pool
                .iter()
                .filter_map(|(id, category, kind, difficulty, _, _)| {
                    Some(PoolQuestion {
                        id: *id,
                        category: category.clone(),
                        kind: QuestionKind::parse("kind", kind).ok()?,
                        difficulty: *difficulty as u8,
                    })
                })
                .collect();
            draw::draw(&candidates, &rules, seed)
                .map_err(|_| ServiceError::Conflict(crate::Conflict::PaperCannotBeDrawn))?
                .into_iter()
                .flatten()
                .collect()
        };
        let picked: Vec<(i64, i64)> = question_ids
            .iter()
            .filter_map(|id| pool.iter().find(|p| p.0 == *id).map(|p| (p.0, p.4)))
            .collect();
        let version_ids: Vec<i64> = picked.iter().map(|p| p.1).collect();
        let questions = self.questions(&mut conn, &version_ids).await?;
        drop(conn);
        let counts: Vec<usize> = questions.iter().map(|q| q.options.len()).collect();
        let layout = draw::layout(
            &counts,
            seed,
            !paper.shuffle_questions,
            paper.shuffle_options,
        );
        let entries: Vec<LayoutEntry> = layout
            .question_order
            .iter()
            .map(|&i| LayoutEntry {
                v: version_ids[i],
                o: layout.option_orders[i].clone(),
            })
            .collect();
        let new = NewAttempt {
            session_id,
            person_id,
            number: existing.len() as i64 + 1,
            seed: seed as i64,
            layout: serde_json::to_string(&entries).map_err(internal)?,
            started_at: now,
            deadline_ms,
            grace_ms: session.grace_ms,
            max_score: questions.iter().map(|q| q.points).sum(),
        };
        let new = Arc::new(new);
        let id = grouped!(self, slot, [new], |conn| {
            let id = attempts::insert(conn, &new).await?;
            if let Ok(mut s) = slot.lock() {
                *s = Some(id);
            }
            Ok(())
        });
        id.ok_or_else(|| internal("the attempt was not stored"))
    }

    /// An attempt of the caller's, as their exam page shows it.
    pub async fn attempt(&self, caller: &Caller, id: i64) -> ServiceResult<AttemptView> {
        let (mut attempt, session) = self.own_attempt(caller, id).await?;
        let now = now_ms();
        if attempt.submitted_at.is_none() && now > attempt.deadline_ms + attempt.grace_ms {
            self.submit_by_clock(id).await?;
            attempt = self.own_attempt(caller, id).await?.0;
        }
        let mut conn = self.db.read().await?;
        let layout = layout_of(&attempt)?;
        let ids: Vec<i64> = layout.iter().map(|e| e.v).collect();
        let questions = self.questions(&mut conn, &ids).await?;
        let answers = attempts::answers(&mut conn, id).await?;
        let shown = layout
            .iter()
            .zip(&questions)
            .enumerate()
            .map(|(position, (entry, q))| ShownQuestion {
                position,
                kind: q.kind,
                stem: q.stem.clone(),
                options: entry
                    .o
                    .iter()
                    .filter_map(|&index| {
                        q.options.get(index).map(|text| ShownOption {
                            index,
                            text: text.clone(),
                        })
                    })
                    .collect(),
                blanks: q.blank_count(),
                prompts: q.prompts.clone(),
                parts: q.parts.clone(),
                points: q.points,
            })
            .collect();
        let answers = answers
            .into_iter()
            .filter_map(|a| {
                Some(SavedAnswer {
                    position: a.position,
                    seq: a.client_seq,
                    response: serde_json::from_str(&a.response).ok()?,
                })
            })
            .collect();
        let reveal = attempt.submitted_at.is_some() && session.show_results;
        let keys_open = reveal && super::sessions::keys_open(&mut conn, &session, now).await?;
        let review = if keys_open {
            let grades = super::grading::grades_of(&attempt);
            Some(
                questions
                    .iter()
                    .enumerate()
                    .map(|(position, q)| Review {
                        position,
                        points: grades.get(position).and_then(|g| g.p),
                        key: q.key.clone(),
                        explanation: q.explanation.clone(),
                    })
                    .collect(),
            )
        } else {
            None
        };
        Ok(AttemptView {
            attempt_id: attempt.id,
            session_id: session.id,
            session_name: session.name,
            number: attempt.number,
            deadline_ms: attempt.deadline_ms,
            server_ms: now_ms(),
            submitted_at: attempt.submitted_at,
            submitted_by: attempt.submitted_by,
            questions: shown,
            answers,
            max_score: attempt.max_score,
            score: if reveal { attempt.score } else { None },
            pending_manual: attempt.pending_manual,
            review,
            review_later: reveal && !keys_open,
        })
    }

    /// Saves answers. Refused once the attempt is submitted or its time (and grace) is over;
    /// the acknowledgement comes only after the commit.
    pub async fn save(
        &self,
        caller: &Caller,
        id: i64,
        answers: Vec<AnswerInput>,
    ) -> ServiceResult<Saved> {
        let arrived = now_ms();
        let attempt = self.open_attempt(caller, id).await?;
        if arrived > attempt.deadline_ms + attempt.grace_ms {
            return Err(ServiceError::Conflict(crate::Conflict::TimeUp));
        }
        let answers = self.checked(&attempt, answers).await?;
        let saved: Vec<(i64, i64)> = answers.iter().map(|a| (a.position, a.seq)).collect();
        let written = self
            .write_attempt(AttemptWrite::Save {
                attempt_id: id,
                at_ms: arrived,
                answers,
            })
            .await?;
        if written != AttemptWritten::Saved(true) {
            // Submitted (by the entrant elsewhere, or by the clock), or out of time.
            self.forget_open(id);
            let fresh = self.mine(caller, id).await?;
            let by_entrant =
                fresh.submitted_at.is_some() && fresh.submitted_by.as_deref() != Some("clock");
            return Err(ServiceError::Conflict(if by_entrant {
                crate::Conflict::AttemptSubmitted
            } else {
                crate::Conflict::TimeUp
            }));
        }
        Ok(Saved {
            saved,
            deadline_ms: attempt.deadline_ms,
            server_ms: now_ms(),
        })
    }

    /// An attempt of the caller's as it was when first read open: only what never changes
    /// (owner, layout, deadline) may be used from it; whether it is still open is decided by
    /// the save's own transaction (`attempt_writes`). Saves the hot path a query.
    pub(super) async fn open_attempt(
        &self,
        caller: &Caller,
        id: i64,
    ) -> ServiceResult<Arc<AttemptRecord>> {
        let cached = self.open.read().ok().and_then(|m| m.get(&id).cloned());
        if let Some(a) = cached {
            if caller.person_id != Some(a.person_id) {
                return Err(ServiceError::NotFound);
            }
            return Ok(a);
        }
        let attempt = Arc::new(self.mine(caller, id).await?);
        if attempt.submitted_at.is_none()
            && let Ok(mut m) = self.open.write()
        {
            // A bound on memory for a server that runs for months.
            if m.len() >= 200_000 {
                m.clear();
            }
            m.insert(id, attempt.clone());
        }
        Ok(attempt)
    }

    /// Drops an attempt that is no longer open from the cache of open ones.
    pub(super) fn forget_open(&self, id: i64) {
        if let Ok(mut m) = self.open.write() {
            m.remove(&id);
        }
    }

    /// The attempt, if it is the caller's (the hot path: one query).
    pub(super) async fn mine(&self, caller: &Caller, id: i64) -> ServiceResult<AttemptRecord> {
        let mut conn = self.db.read().await?;
        let attempt = attempts::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // Someone else's attempt does not exist, as far as the caller can tell.
        if caller.person_id != Some(attempt.person_id) {
            return Err(ServiceError::NotFound);
        }
        Ok(attempt)
    }

    /// The attempt, if it is the caller's; with its session.
    pub(super) async fn own_attempt(
        &self,
        caller: &Caller,
        id: i64,
    ) -> ServiceResult<(AttemptRecord, gongjiang_db::exams::SessionRecord)> {
        let attempt = self.mine(caller, id).await?;
        let mut conn = self.db.read().await?;
        let session = exams::get(&mut conn, attempt.session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((attempt, session))
    }

    pub(super) async fn checked(
        &self,
        attempt: &AttemptRecord,
        answers: Vec<AnswerInput>,
    ) -> ServiceResult<Vec<NewAnswer>> {
        if answers.len() > 500 {
            return Err(FieldError::new("answers", "too_many_answers")
                .with("max", 500)
                .into());
        }
        let layout = layout_of(attempt)?;
        let ids: Vec<i64> = layout.iter().map(|e| e.v).collect();
        let questions = match self.cached(&ids) {
            Some(q) => q,
            None => {
                let mut conn = self.db.read().await?;
                self.questions(&mut conn, &ids).await?
            }
        };
        let mut out: Vec<NewAnswer> = Vec::with_capacity(answers.len());
        for a in answers {
            let fits = usize::try_from(a.position)
                .ok()
                .and_then(|p| questions.get(p))
                .is_some_and(|q| q.fits(&a.response));
            if !fits || a.seq <= 0 {
                return Err(FieldError::new("answers", "answer_does_not_fit")
                    .with("position", a.position + 1)
                    .into());
            }
            // The newest of several answers to one position in the same request wins.
            let response = serde_json::to_string(&a.response).map_err(internal)?;
            match out.iter_mut().find(|c| c.position == a.position) {
                Some(c) if c.seq < a.seq => {
                    c.seq = a.seq;
                    c.response = response;
                }
                Some(_) => {}
                None => out.push(NewAnswer {
                    position: a.position,
                    seq: a.seq,
                    response,
                }),
            }
        }
        Ok(out)
    }
}
