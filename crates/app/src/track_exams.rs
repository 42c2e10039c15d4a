//! A track's theory round is sat as an exam session: linking the two, and keeping the
//! session's entrants in step with the track's approved entries (no retyping).

use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::competitions::{self, Track};
use gongjiang_db::{Conn, Database, exams};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::competition::RoundKind;
use gongjiang_domain::unit::UnitPath;

fn theory_session(track: &Track) -> Option<i64> {
    track
        .rounds
        .iter()
        .find(|r| r.kind == RoundKind::Theory)
        .and_then(|r| r.exam_session_id)
}

/// Links the track's theory round to an exam session the caller runs (or unlinks it with
/// `None`), and seats every approved entrant. Needs the rights of both: the competition's
/// organiser and the session's keeper.
pub async fn link(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    session_id: Option<i64>,
) -> ServiceResult<(Track, usize)> {
    let mut tx = db.begin().await?;
    let track = competitions::track(&mut tx, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(&mut tx, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    let Some(round) = track.rounds.iter().find(|r| r.kind == RoundKind::Theory) else {
        return Err(FieldError::new("exam_session_id", "track_without_theory").into());
    };
    if let Some(id) = session_id {
        let session = exams::get(&mut tx, id).await?.ok_or_else(|| {
            FieldError::new("exam_session_id", "unknown_exam_session").with("value", id)
        })?;
        caller.ensure(
            Action::ManageBanks,
            &UnitPath::from_stored(session.unit_path.clone()),
        )?;
    }
    let before = round.exam_session_id;
    competitions::set_exam_session(&mut tx, round.id, session_id).await?;
    let seated = seat_approved(&mut tx, track_id).await?;
    let after = competitions::track(&mut tx, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change(
            "track.exam_session",
            "track",
            track_id,
            Some(&serde_json::json!({ "exam_session_id": before })),
            Some(&serde_json::json!({ "exam_session_id": session_id, "seated": seated })),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok((after, seated))
}

/// Makes every approved entrant of the track an entrant of its theory session; how many were
/// added. Nothing when the theory round is not linked.
pub(crate) async fn seat_approved(conn: &mut Conn, track_id: i64) -> ServiceResult<usize> {
    let Some(track) = competitions::track(conn, track_id).await? else {
        return Ok(0);
    };
    let Some(session) = theory_session(&track) else {
        return Ok(0);
    };
    let people = competitions::approved_not_sitting(conn, track_id, session).await?;
    for &person in &people {
        exams::add_entrant(conn, session, Some(person), None).await?;
    }
    Ok(people.len())
}

/// Takes a withdrawn entrant off the track's theory session.
pub(crate) async fn unseat(conn: &mut Conn, track_id: i64, person_id: i64) -> ServiceResult<()> {
    if let Some(track) = competitions::track(conn, track_id).await?
        && let Some(session) = theory_session(&track)
    {
        competitions::remove_exam_entrant(conn, session, person_id).await?;
    }
    Ok(())
}
