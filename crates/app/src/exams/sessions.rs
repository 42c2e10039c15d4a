//! Exam sessions (考试场次): window, time limit, late starters, grace, attempts; entrants by
//! person or unit; personal arrangements (extra time, a make-up window).

use super::Exams;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::attempts::{self, AttemptRecord};
use gongjiang_db::exams::{self, ArrangementRecord, EntrantRecord, NewSession, SessionRecord};
use gongjiang_db::{banks, papers, people, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, parse_datetime_ms};
use gongjiang_domain::error::{in_range, text};
use gongjiang_domain::exam::timing::{LateStart, SessionClock, Window};
use gongjiang_domain::unit::UnitPath;
use serde::{Deserialize, Serialize};

const MINUTE: i64 = 60_000;

/// A session as a form or an API call gives it. Times are China time, `2026-11-22 09:00`.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct SessionInput {
    #[serde(default)]
    pub paper_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub limit_minutes: i64,
    /// `cut_at_close` (default) or `full_time`.
    #[serde(default)]
    pub late_start: String,
    #[serde(default)]
    pub grace_seconds: i64,
    #[serde(default)]
    pub attempts_allowed: i64,
    #[serde(default)]
    pub show_results: bool,
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    #[serde(default)]
    pub person_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct EntrantsInput {
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    #[serde(default)]
    pub person_ids: Vec<i64>,
}

/// Extra time and/or another window for one person, with the reason (recorded).
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct ArrangementInput {
    #[serde(default)]
    pub person_id: i64,
    #[serde(default)]
    pub extra_minutes: i64,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub session: SessionRecord,
    pub entrants: Vec<EntrantRecord>,
}

/// A session as an entrant sees it in their list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MySession {
    pub session: SessionRecord,
    pub attempts: Vec<MyAttempt>,
    /// An attempt in progress, to resume.
    pub open_attempt: Option<i64>,
    pub may_start: bool,
}

/// An attempt in the entrant's list: no grades, seed or layout (they would give the key away
/// for a later attempt); the score only if the session shows results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyAttempt {
    pub id: i64,
    pub number: i64,
    pub started_at: i64,
    pub deadline_ms: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<i64>,
    pub max_score: i64,
}

/// Whether the answer keys of a session may be shown to its entrants: released by staff, or
/// past the last moment any entrant (extra time and make-up windows included) can answer.
pub(crate) async fn keys_open(
    conn: &mut gongjiang_db::Conn,
    session: &SessionRecord,
    now: i64,
) -> ServiceResult<bool> {
    if session.keys_released_at.is_some() {
        return Ok(true);
    }
    let arrangements: Vec<_> = exams::arrangements_of(conn, session.id)
        .await?
        .into_iter()
        .map(super::attempts::arrangement_of)
        .collect();
    Ok(now > clock_of(session).last_answer_ms(&arrangements))
}

/// A session the caller runs (they manage banks where it is held).
async fn managed(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    id: i64,
) -> ServiceResult<SessionRecord> {
    let session = exams::get(conn, id).await?.ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManageBanks,
        &UnitPath::from_stored(session.unit_path.clone()),
    )?;
    Ok(session)
}

pub(crate) fn clock_of(s: &SessionRecord) -> SessionClock {
    SessionClock {
        window: Window {
            opens_ms: s.opens_ms,
            closes_ms: s.closes_ms,
        },
        limit_ms: s.limit_ms,
        late_start: if s.late_start == "full_time" {
            LateStart::FullTime
        } else {
            LateStart::CutAtClose
        },
        grace_ms: s.grace_ms,
    }
}

fn moment(field: &str, raw: &str) -> Result<i64, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    parse_datetime_ms(raw)
        .ok_or_else(|| FieldError::new(field, "invalid_datetime").with("value", raw))
}

impl Exams {
    pub async fn create_session(
        &self,
        caller: &Caller,
        input: SessionInput,
    ) -> ServiceResult<SessionRecord> {
        let mut tx = self.db.begin().await?;
        let paper = papers::get(&mut tx, input.paper_id)
            .await?
            .ok_or_else(|| FieldError::new("paper_id", "not_found"))?;
        let bank = banks::get_bank(&mut tx, paper.bank_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(Action::ManageBanks, &UnitPath::from_stored(bank.unit_path))?;
        let name = text("name", &input.name, 2, 100)?;
        let opens_ms = moment("opens", &input.opens)?;
        let closes_ms = moment("closes", &input.closes)?;
        if closes_ms <= opens_ms {
            return Err(FieldError::new("closes", "closes_before_opens").into());
        }
        let limit = in_range("limit_minutes", input.limit_minutes, 1, 24 * 60)?;
        let grace = in_range("grace_seconds", input.grace_seconds, 0, 120)?;
        let attempts_allowed = in_range("attempts_allowed", input.attempts_allowed, 1, 10)?;
        let late_start = match input.late_start.as_str() {
            "" | "cut_at_close" => "cut_at_close",
            "full_time" => "full_time",
            other => {
                return Err(FieldError::new("late_start", "unknown_late_start")
                    .with("value", other)
                    .into());
            }
        };
        let id = exams::insert(
            &mut tx,
            NewSession {
                paper_id: paper.id,
                unit_id: bank.unit_id,
                name: &name,
                opens_ms,
                closes_ms,
                limit_ms: limit * MINUTE,
                late_start,
                grace_ms: grace * 1000,
                attempts_allowed,
                show_results: input.show_results,
            },
            now_ms(),
        )
        .await?;
        add_entrants(&mut tx, caller, id, &input.unit_ids, &input.person_ids).await?;
        let session = exams::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let entrants = exams::entrants(&mut tx, id).await?;
        let view = SessionView {
            session: session.clone(),
            entrants,
        };
        record(
            &mut tx,
            caller,
            change::<(), _>("exam_session.create", "exam_session", id, None, Some(&view)),
        )
        .await?;
        gongjiang_db::commit(tx).await?;
        Ok(session)
    }

    /// A session with its entrants, for those who run it or grade it.
    pub async fn session(&self, caller: &Caller, id: i64) -> ServiceResult<SessionView> {
        let mut conn = self.db.read().await?;
        let session = exams::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = UnitPath::from_stored(session.unit_path.clone());
        if !caller.may(Action::ManageBanks, &path) && !caller.may(Action::GradeExams, &path) {
            return Err(ServiceError::Forbidden);
        }
        let entrants = exams::entrants(&mut conn, id).await?;
        Ok(SessionView { session, entrants })
    }

    /// The sessions the caller runs or grades.
    pub async fn sessions(&self, caller: &Caller) -> ServiceResult<Vec<SessionRecord>> {
        if !caller.may_somewhere(Action::ManageBanks) && !caller.may_somewhere(Action::GradeExams) {
            return Err(ServiceError::Forbidden);
        }
        let mut roots = caller.scope(Action::ManageBanks);
        roots.extend(caller.scope(Action::GradeExams));
        roots.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        roots.dedup_by(|b, a| b.is_within(a));
        let mut conn = self.db.read().await?;
        Ok(exams::list_within(&mut conn, &roots).await?)
    }

    pub async fn add_entrants(
        &self,
        caller: &Caller,
        id: i64,
        input: EntrantsInput,
    ) -> ServiceResult<SessionView> {
        let mut tx = self.db.begin().await?;
        let session = managed(&mut tx, caller, id).await?;
        if input.unit_ids.is_empty() && input.person_ids.is_empty() {
            return Err(FieldError::new("entrants", "required").into());
        }
        let before = exams::entrants(&mut tx, id).await?;
        add_entrants(&mut tx, caller, id, &input.unit_ids, &input.person_ids).await?;
        let entrants = exams::entrants(&mut tx, id).await?;
        record(
            &mut tx,
            caller,
            change(
                "exam_session.entrants",
                "exam_session",
                id,
                Some(&before),
                Some(&entrants),
            ),
        )
        .await?;
        gongjiang_db::commit(tx).await?;
        Ok(SessionView { session, entrants })
    }

    /// Gives a person extra time or another window (recorded with the reason).
    pub async fn arrange(
        &self,
        caller: &Caller,
        id: i64,
        input: ArrangementInput,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        managed(&mut tx, caller, id).await?;
        let person = people::get(&mut tx, input.person_id)
            .await?
            .ok_or_else(|| FieldError::new("person_id", "not_found"))?;
        if !exams::is_entrant(&mut tx, id, person.id, &person.unit_path).await? {
            return Err(FieldError::new("person_id", "not_an_entrant").into());
        }
        let extra = in_range("extra_minutes", input.extra_minutes, 0, 24 * 60)?;
        let reason = text("reason", &input.reason, 2, 500)?;
        let window = match (
            input.opens.trim().is_empty(),
            input.closes.trim().is_empty(),
        ) {
            (true, true) => None,
            _ => {
                let opens = moment("opens", &input.opens)?;
                let closes = moment("closes", &input.closes)?;
                if closes <= opens {
                    return Err(FieldError::new("closes", "closes_before_opens").into());
                }
                Some((opens, closes))
            }
        };
        let before = exams::arrangement(&mut tx, id, person.id).await?;
        let after = ArrangementRecord {
            extra_ms: extra * MINUTE,
            opens_ms: window.map(|w| w.0),
            closes_ms: window.map(|w| w.1),
        };
        exams::set_arrangement(&mut tx, id, person.id, after, &reason).await?;
        let mut entry = change(
            "exam_session.arrange",
            "exam_session",
            format!("{id}/{}", person.id),
            before.as_ref(),
            Some(&after),
        );
        entry.reason = Some(reason);
        record(&mut tx, caller, entry).await?;
        gongjiang_db::commit(tx).await?;
        Ok(())
    }

    /// Releases the answer keys before the window has closed for everyone (when the last
    /// entrant has finished, say). Recorded; releasing twice changes nothing.
    pub async fn release_keys(&self, caller: &Caller, id: i64) -> ServiceResult<SessionRecord> {
        let mut tx = self.db.begin().await?;
        let session = managed(&mut tx, caller, id).await?;
        if session.keys_released_at.is_none() {
            let now = now_ms();
            exams::release_keys(&mut tx, id, now).await?;
            let entry = change::<(), _>(
                "exam_session.release_keys",
                "exam_session",
                id,
                None,
                Some(&serde_json::json!({ "keys_released_at": now })),
            );
            record(&mut tx, caller, entry).await?;
        }
        let session = exams::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        gongjiang_db::commit(tx).await?;
        Ok(session)
    }

    /// The sessions the caller may sit, with their attempts.
    pub async fn my_sessions(&self, caller: &Caller) -> ServiceResult<Vec<MySession>> {
        let Some(person_id) = caller.person_id else {
            return Ok(Vec::new());
        };
        let mut conn = self.db.read().await?;
        let person = people::get(&mut conn, person_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let sessions = exams::list_for_person(&mut conn, person_id, &person.unit_path).await?;
        let now = now_ms();
        let mut out = Vec::with_capacity(sessions.len());
        for session in sessions {
            let attempts = attempts::of_person(&mut conn, session.id, person_id).await?;
            let arrangement = exams::arrangement(&mut conn, session.id, person_id)
                .await?
                .unwrap_or_default();
            let open_attempt = attempts
                .iter()
                .find(|a| a.submitted_at.is_none() && now <= a.deadline_ms + a.grace_ms)
                .map(|a| a.id);
            let may_start = open_attempt.is_none()
                && (attempts.len() as i64) < session.attempts_allowed
                && clock_of(&session)
                    .deadline(super::attempts::arrangement_of(arrangement), now)
                    .is_ok();
            let shows = session.show_results;
            let attempts = attempts
                .into_iter()
                .map(|a: AttemptRecord| MyAttempt {
                    id: a.id,
                    number: a.number,
                    started_at: a.started_at,
                    deadline_ms: a.deadline_ms,
                    submitted_at: a.submitted_at,
                    score: a.score.filter(|_| shows && a.submitted_at.is_some()),
                    max_score: a.max_score,
                })
                .collect();
            out.push(MySession {
                session,
                attempts,
                open_attempt,
                may_start,
            });
        }
        Ok(out)
    }
}

async fn add_entrants(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    session_id: i64,
    unit_ids: &[i64],
    person_ids: &[i64],
) -> ServiceResult<()> {
    for id in unit_ids {
        let unit = units::get(conn, *id)
            .await?
            .ok_or_else(|| FieldError::new("unit_ids", "not_found").with("value", id))?;
        caller.ensure(Action::ManageBanks, &UnitPath::from_stored(unit.path))?;
        exams::add_entrant(conn, session_id, None, Some(unit.id)).await?;
    }
    for id in person_ids {
        let person = people::get(conn, *id)
            .await?
            .ok_or_else(|| FieldError::new("person_ids", "not_found").with("value", id))?;
        caller.ensure(
            Action::ManageBanks,
            &UnitPath::from_stored(person.unit_path),
        )?;
        exams::add_entrant(conn, session_id, Some(person.id), None).await?;
    }
    Ok(())
}
