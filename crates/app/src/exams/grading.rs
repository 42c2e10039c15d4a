//! Grading: automatic on submission, by hand for short answers, and again after a key is
//! corrected. Every change to a score after the first grading is in the audit log with who
//! and why.

use super::attempts::layout_of;
use super::{Exams, internal};
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::attempts::{self, AnswerRecord, AttemptRecord};
use gongjiang_db::{banks, exams};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::error::text;
use gongjiang_domain::exam::grading::{Grade, PartialCredit, grade};
use gongjiang_domain::exam::question::{AnswerKey, Question, Response};
use gongjiang_domain::unit::UnitPath;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One question of an attempt as laid out at its start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayoutEntry {
    /// The question version (pinned: later edits do not change the attempt).
    pub v: i64,
    /// The order in which the entrant saw the options.
    pub o: Vec<usize>,
}

/// The grade of one position.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct GradeEntry {
    /// Points (hundredths); `None` while a person has to grade it.
    pub p: Option<i64>,
    /// Graded by a person.
    #[serde(default)]
    pub m: bool,
}

pub(crate) struct Graded {
    pub score: i64,
    pub grades: Vec<GradeEntry>,
    pub pending: i64,
}

impl Graded {
    fn from_grades(grades: Vec<GradeEntry>) -> Graded {
        Graded {
            score: grades.iter().filter_map(|g| g.p).sum(),
            pending: grades.iter().filter(|g| g.p.is_none()).count() as i64,
            grades,
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(&self.grades).unwrap_or_else(|_| "[]".into())
    }
}

/// Writes an attempt's grades with the score and the count still waiting for a person.
async fn store(
    conn: &mut gongjiang_db::Conn,
    attempt_id: i64,
    grades: Vec<GradeEntry>,
) -> ServiceResult<Graded> {
    let graded = Graded::from_grades(grades);
    attempts::set_grades(
        conn,
        attempt_id,
        graded.score,
        &graded.json(),
        graded.pending,
    )
    .await?;
    Ok(graded)
}

pub(crate) fn grades_of(attempt: &AttemptRecord) -> Vec<GradeEntry> {
    attempt
        .grades
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok())
        .unwrap_or_default()
}

fn response_at(answers: &[AnswerRecord], position: usize) -> Option<Response> {
    answers
        .iter()
        .find(|a| a.position == position as i64)
        .and_then(|a| serde_json::from_str(&a.response).ok())
}

pub(crate) fn grade_attempt(
    questions: &[Arc<Question>],
    answers: &[AnswerRecord],
    rule: PartialCredit,
) -> Graded {
    Graded::from_grades(
        questions
            .iter()
            .enumerate()
            .map(
                |(position, q)| match grade(q, response_at(answers, position).as_ref(), rule) {
                    Grade::Scored(p) => GradeEntry {
                        p: Some(p),
                        m: false,
                    },
                    Grade::Manual => GradeEntry::default(),
                },
            )
            .collect(),
    )
}

/// Points given by a person to one answer.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct ManualGrade {
    #[serde(default)]
    pub attempt_id: i64,
    /// From 0 (the first question as the entrant saw it).
    #[serde(default)]
    pub position: i64,
    /// In hundredths of a point.
    #[serde(default)]
    pub points: i64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegradeReport {
    pub attempts: usize,
    pub changed: usize,
}

impl Exams {
    /// Gives points to an answer by hand (short answers; or overriding an automatic grade,
    /// with a reason). Recorded with the points before and after.
    pub async fn grade_by_hand(
        &self,
        caller: &Caller,
        session_id: i64,
        input: ManualGrade,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let session = exams::get(&mut tx, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(
            Action::GradeExams,
            &UnitPath::from_stored(session.unit_path),
        )?;
        attempts::lock(&mut tx, input.attempt_id).await?;
        let attempt = attempts::get(&mut tx, input.attempt_id)
            .await?
            .filter(|a| a.session_id == session_id)
            .ok_or(ServiceError::NotFound)?;
        if attempt.submitted_at.is_none() {
            return Err(ServiceError::Conflict(crate::Conflict::AttemptNotSubmitted));
        }
        let layout = layout_of(&attempt)?;
        let position = usize::try_from(input.position)
            .ok()
            .filter(|p| *p < layout.len())
            .ok_or_else(|| FieldError::new("position", "not_found"))?;
        let question = self.questions(&mut tx, &[layout[position].v]).await?;
        let max = question.first().map(|q| q.points).unwrap_or(0);
        if !(0..=max).contains(&input.points) {
            return Err(FieldError::new("points", "out_of_range")
                .with("min", 0)
                .with("max", max as f64 / 100.0)
                .into());
        }
        let manual = question
            .first()
            .is_some_and(|q| matches!(q.key, AnswerKey::Manual { .. }));
        let reason = if manual && input.reason.trim().is_empty() {
            String::new()
        } else {
            // Overriding an automatic grade needs a reason.
            text("reason", &input.reason, 2, 500)?
        };
        let mut grades = grades_of(&attempt);
        grades.resize(layout.len(), GradeEntry::default());
        let before = grades[position];
        grades[position] = GradeEntry {
            p: Some(input.points),
            m: true,
        };
        let graded = store(&mut tx, attempt.id, grades).await?;
        let mut entry = change(
            "attempt.grade",
            "attempt",
            format!("{}/{}", attempt.id, position + 1),
            Some(&serde_json::json!({"points": before.p, "score": attempt.score})),
            Some(&serde_json::json!({"points": input.points, "score": graded.score})),
        );
        entry.reason = (!reason.is_empty()).then_some(reason);
        record(&mut tx, caller, entry).await?;
        gongjiang_db::commit(tx).await?;
        Ok(())
    }

    /// Grades again, against the question's current version, every submitted attempt of the
    /// session that held any version of the question (after its key was corrected). Answers
    /// graded by a person keep their points. Each changed score is recorded with the reason.
    pub async fn regrade(
        &self,
        caller: &Caller,
        session_id: i64,
        question_id: i64,
        reason: &str,
    ) -> ServiceResult<RegradeReport> {
        let mut tx = self.db.begin().await?;
        let session = exams::get(&mut tx, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(
            Action::ManageBanks,
            &UnitPath::from_stored(session.unit_path),
        )?;
        let reason = text("reason", reason, 2, 500)?;
        let current = banks::get_question(&mut tx, question_id)
            .await?
            .ok_or_else(|| FieldError::new("question_id", "not_found"))?;
        let corrected: Question = serde_json::from_str(&current.body).map_err(internal)?;
        let rule = self.marking(session_id).await?.rule;
        let all = attempts::of_session(&mut tx, session_id).await?;
        let mut report = RegradeReport {
            attempts: 0,
            changed: 0,
        };
        let mut question_of_version = std::collections::HashMap::new();
        for listed in all.into_iter().filter(|a| a.submitted_at.is_some()) {
            let layout = layout_of(&listed)?;
            let mut positions = Vec::new();
            for (position, entry) in layout.iter().enumerate() {
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    question_of_version.entry(entry.v)
                {
                    slot.insert(banks::version(&mut tx, entry.v).await?.map(|v| v.0));
                }
                if question_of_version.get(&entry.v).copied().flatten() == Some(question_id) {
                    positions.push(position);
                }
            }
            if positions.is_empty() {
                continue;
            }
            report.attempts += 1;
            attempts::lock(&mut tx, listed.id).await?;
            let attempt = attempts::get(&mut tx, listed.id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let answers = attempts::answers(&mut tx, attempt.id).await?;
            let mut grades = grades_of(&attempt);
            grades.resize(layout.len(), GradeEntry::default());
            let before = grades.clone();
            let pinned = self
                .questions(
                    &mut tx,
                    &positions.iter().map(|p| layout[*p].v).collect::<Vec<_>>(),
                )
                .await?;
            // Responses are indices into the pinned version's options, and its points made the
            // attempt's maximum: only a corrected key may differ.
            if pinned.iter().any(|q| {
                q.kind != corrected.kind
                    || q.options.len() != corrected.options.len()
                    || q.points != corrected.points
            }) {
                return Err(ServiceError::Conflict(crate::Conflict::RegradeIncompatible));
            }
            for position in positions {
                if grades[position].m {
                    continue;
                }
                if let Grade::Scored(p) =
                    grade(&corrected, response_at(&answers, position).as_ref(), rule)
                {
                    grades[position].p = Some(p);
                }
            }
            if grades == before {
                continue;
            }
            report.changed += 1;
            let graded = store(&mut tx, attempt.id, grades).await?;
            let mut entry = change(
                "attempt.regrade",
                "attempt",
                attempt.id,
                Some(&serde_json::json!({"score": attempt.score, "grades": before})),
                Some(
                    &serde_json::json!({"score": graded.score, "grades": graded.grades, "question_version": current.version_id}),
                ),
            );
            entry.reason = Some(reason.clone());
            record(&mut tx, caller, entry).await?;
        }
        gongjiang_db::commit(tx).await?;
        Ok(report)
    }
}
