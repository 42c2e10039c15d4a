//! Results of a session: one row per attempt, per-question statistics, answers waiting for a
//! person, and the Excel export.

use super::attempts::layout_of;
use super::grading::grades_of;
use super::{Exams, internal};
use crate::{Caller, ServiceError, ServiceResult};
use gongjiang_db::attempts;
use gongjiang_db::exams::{self, SessionRecord};
use gongjiang_db::{banks, papers};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::format_datetime;
use gongjiang_domain::exam::question::{AnswerKey, Response};
use gongjiang_domain::exam::stats::{Sitting, item_stats};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultRow {
    pub attempt_id: i64,
    pub person_id: i64,
    pub name: String,
    pub employee_no: String,
    pub unit_name: String,
    pub number: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub score: Option<i64>,
    pub max_score: i64,
    pub passed: Option<bool>,
    pub pending_manual: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionStats {
    pub question_id: i64,
    pub stem: String,
    pub kind: String,
    pub seen: usize,
    pub full_marks: usize,
    pub facility: Option<f64>,
    pub discrimination: Option<f64>,
}

/// An answer waiting for a person to grade it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingAnswer {
    pub attempt_id: i64,
    pub position: usize,
    pub stem: String,
    pub reference: String,
    pub text: String,
    pub max_points: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionResults {
    pub session: SessionRecord,
    pub pass_mark: i64,
    pub rows: Vec<ResultRow>,
    pub questions: Vec<QuestionStats>,
    pub pending: Vec<PendingAnswer>,
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    s
}

impl Exams {
    pub async fn results(&self, caller: &Caller, session_id: i64) -> ServiceResult<SessionResults> {
        let mut conn = self.db.read().await?;
        let session = exams::get(&mut conn, session_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = UnitPath::from_stored(session.unit_path.clone());
        if !caller.may(Action::ManageBanks, &path) && !caller.may(Action::GradeExams, &path) {
            return Err(ServiceError::Forbidden);
        }
        let pass_mark = papers::get(&mut conn, session.paper_id)
            .await?
            .map(|p| p.pass_mark)
            .unwrap_or(0);
        let people: HashMap<i64, (String, String, String)> =
            attempts::people_of_session(&mut conn, session_id)
                .await?
                .into_iter()
                .map(|(id, name, no, unit)| (id, (name, no, unit)))
                .collect();
        let all = attempts::of_session(&mut conn, session_id).await?;
        let answers = attempts::answers_of_session(&mut conn, session_id).await?;
        let mut by_attempt: HashMap<i64, Vec<&attempts::AnswerRecord>> = HashMap::new();
        for a in &answers {
            by_attempt.entry(a.attempt_id).or_default().push(a);
        }
        let mut rows = Vec::with_capacity(all.len());
        let mut sittings = Vec::new();
        let mut pending = Vec::new();
        let mut question_of: HashMap<i64, i64> = HashMap::new();
        let mut stems: HashMap<i64, (String, String)> = HashMap::new();
        for attempt in &all {
            let person = people.get(&attempt.person_id).cloned().unwrap_or_default();
            rows.push(ResultRow {
                attempt_id: attempt.id,
                person_id: attempt.person_id,
                name: person.0,
                employee_no: person.1,
                unit_name: person.2,
                number: attempt.number,
                started_at: attempt.started_at,
                submitted_at: attempt.submitted_at,
                submitted_by: attempt.submitted_by.clone(),
                score: attempt.score,
                max_score: attempt.max_score,
                passed: attempt
                    .score
                    .filter(|_| attempt.pending_manual == 0)
                    .map(|s| s >= pass_mark),
                pending_manual: attempt.pending_manual,
            });
            if attempt.submitted_at.is_none() {
                continue;
            }
            let layout = layout_of(attempt)?;
            let ids: Vec<i64> = layout.iter().map(|e| e.v).collect();
            let questions = self.questions(&mut conn, &ids).await?;
            let grades = grades_of(attempt);
            let mut items = Vec::with_capacity(layout.len());
            for (position, (entry, q)) in layout.iter().zip(&questions).enumerate() {
                let question_id = match question_of.get(&entry.v) {
                    Some(id) => *id,
                    None => {
                        let id = banks::version(&mut conn, entry.v)
                            .await?
                            .map(|v| v.0)
                            .unwrap_or(0);
                        question_of.insert(entry.v, id);
                        id
                    }
                };
                stems
                    .entry(question_id)
                    .or_insert_with(|| (short(&q.stem), q.kind.as_str().to_owned()));
                let points = grades.get(position).and_then(|g| g.p);
                items.push((
                    question_id,
                    points.map(|p| p as f64 / q.points.max(1) as f64),
                ));
                if points.is_none()
                    && let AnswerKey::Manual { reference } = &q.key
                {
                    let text = by_attempt
                        .get(&attempt.id)
                        .and_then(|list| list.iter().find(|a| a.position == position as i64))
                        .and_then(|a| serde_json::from_str::<Response>(&a.response).ok())
                        .map(|r| match r {
                            Response::Text { text } => text,
                            _ => String::new(),
                        })
                        .unwrap_or_default();
                    pending.push(PendingAnswer {
                        attempt_id: attempt.id,
                        position,
                        stem: q.stem.clone(),
                        reference: reference.clone(),
                        text,
                        max_points: q.points,
                    });
                }
            }
            sittings.push(Sitting {
                total: attempt.score.unwrap_or(0) as f64 / attempt.max_score.max(1) as f64,
                items,
            });
        }
        let questions = item_stats(&sittings)
            .into_iter()
            .map(|s| {
                let (stem, kind) = stems.get(&s.item).cloned().unwrap_or_default();
                QuestionStats {
                    question_id: s.item,
                    stem,
                    kind,
                    seen: s.seen,
                    full_marks: s.full_marks,
                    facility: s.facility,
                    discrimination: s.discrimination,
                }
            })
            .collect();
        Ok(SessionResults {
            session,
            pass_mark,
            rows,
            questions,
            pending,
        })
    }

    /// The results as an Excel workbook: a sheet of entrants, a sheet of questions. `labels`
    /// are the column headings in the reader's language.
    pub async fn export_results(
        &self,
        caller: &Caller,
        session_id: i64,
        labels: &ExportLabels,
    ) -> ServiceResult<Vec<u8>> {
        let results = self.results(caller, session_id).await?;
        let points = |p: i64| p as f64 / 100.0;
        let mut entrants: Vec<Vec<String>> = Vec::with_capacity(results.rows.len());
        for r in &results.rows {
            entrants.push(vec![
                r.name.clone(),
                r.employee_no.clone(),
                r.unit_name.clone(),
                r.number.to_string(),
                format_datetime(r.started_at),
                r.submitted_at.map(format_datetime).unwrap_or_default(),
                r.score.map(|s| points(s).to_string()).unwrap_or_default(),
                points(r.max_score).to_string(),
                match r.passed {
                    Some(true) => labels.yes.clone(),
                    Some(false) => labels.no.clone(),
                    None => String::new(),
                },
                r.pending_manual.to_string(),
            ]);
        }
        let questions: Vec<Vec<String>> = results
            .questions
            .iter()
            .map(|q| {
                vec![
                    q.question_id.to_string(),
                    q.stem.clone(),
                    q.kind.clone(),
                    q.seen.to_string(),
                    q.full_marks.to_string(),
                    q.facility.map(|f| format!("{f:.2}")).unwrap_or_default(),
                    q.discrimination
                        .map(|d| format!("{d:.2}"))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        crate::sheets::write_sheets(&[
            (&labels.entrants_sheet, &labels.entrants, &entrants),
            (&labels.questions_sheet, &labels.questions, &questions),
        ])
        .map_err(internal)
    }
}

/// Headings of the results workbook, in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct ExportLabels {
    pub entrants_sheet: String,
    pub entrants: Vec<String>,
    pub questions_sheet: String,
    pub questions: Vec<String>,
    pub yes: String,
    pub no: String,
}
