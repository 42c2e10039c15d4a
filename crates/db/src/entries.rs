//! Entries of competition tracks and the steps of their approval, read back as domain types.

use crate::filter::Where;
use crate::{Conn, DbResult, Page};
use gongjiang_domain::competition::entry::EntryStage;
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// An entry of a track, with its entrant and where its approval stands.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub track_id: i64,
    pub track_name: String,
    pub competition_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub employee_no: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub quota_unit_id: i64,
    pub team: String,
    pub birth_on: String,
    #[sqlx(try_from = "String")]
    pub stage: EntryStage,
    pub at_unit_id: Option<i64>,
    pub at_unit_name: Option<String>,
    /// The number drawn for the practical round, once drawn.
    pub number: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl EntryView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }
}

const VIEW: &str = "SELECT e.id, e.track_id, t.name AS track_name, t.competition_id, e.person_id, p.name AS person_name, p.employee_no, e.unit_id, u.name AS unit_name, u.path AS unit_path, e.quota_unit_id, e.team, e.birth_on, e.stage, e.at_unit_id, au.name AS at_unit_name, e.number, e.created_at, e.updated_at FROM entries e JOIN tracks t ON t.id = e.track_id JOIN people p ON p.id = e.person_id JOIN units u ON u.id = e.unit_id LEFT JOIN units au ON au.id = e.at_unit_id";

/// What an entry holds when it is made or sent again after a return.
#[derive(Debug, Clone)]
pub struct EntryFacts<'a> {
    pub unit_id: i64,
    pub quota_unit_id: i64,
    pub team: &'a str,
    pub birth_on: &'a str,
    pub stage: EntryStage,
    pub at_unit: Option<i64>,
}

pub async fn insert(
    conn: &mut Conn,
    track_id: i64,
    person_id: i64,
    facts: &EntryFacts<'_>,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO entries (track_id, person_id, unit_id, quota_unit_id, team, birth_on, stage, at_unit_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(track_id)
    .bind(person_id)
    .bind(facts.unit_id)
    .bind(facts.quota_unit_id)
    .bind(facts.team)
    .bind(facts.birth_on)
    .bind(facts.stage.as_str())
    .bind(facts.at_unit)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Rewrites a returned or withdrawn entry as sent again; false when someone changed it first.
pub async fn reopen(
    conn: &mut Conn,
    id: i64,
    facts: &EntryFacts<'_>,
    version: i64,
    next_version: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE entries SET unit_id = $1, quota_unit_id = $2, team = $3, birth_on = $4, stage = $5, at_unit_id = $6, updated_at = $7 WHERE id = $8 AND updated_at = $9",
    )
    .bind(facts.unit_id)
    .bind(facts.quota_unit_id)
    .bind(facts.team)
    .bind(facts.birth_on)
    .bind(facts.stage.as_str())
    .bind(facts.at_unit)
    .bind(next_version)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an entry; false when someone moved it first.
pub async fn set_position(
    conn: &mut Conn,
    id: i64,
    stage: EntryStage,
    at_unit: Option<i64>,
    version: i64,
    next_version: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE entries SET stage = $1, at_unit_id = $2, updated_at = $3 WHERE id = $4 AND updated_at = $5",
    )
    .bind(stage.as_str())
    .bind(at_unit)
    .bind(next_version)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<EntryView>> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{VIEW} WHERE e.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn of_person(
    conn: &mut Conn,
    track_id: i64,
    person_id: i64,
) -> DbResult<Option<EntryView>> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{VIEW} WHERE e.track_id = $1 AND e.person_id = $2"
    )))
    .bind(track_id)
    .bind(person_id)
    .fetch_optional(conn)
    .await?)
}

/// Entries of the track that hold one of the enterprise's places, other than `except`.
pub async fn places_taken(
    conn: &mut Conn,
    track_id: i64,
    quota_unit_id: i64,
    except: Option<i64>,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM entries WHERE track_id = $1 AND quota_unit_id = $2 AND stage IN ('pending', 'approved') AND id <> $3",
    )
    .bind(track_id)
    .bind(quota_unit_id)
    .bind(except.unwrap_or(0))
    .fetch_one(conn)
    .await?)
}

/// Members already in a team (by its name, within an enterprise), other than `except`.
pub async fn team_members(
    conn: &mut Conn,
    track_id: i64,
    quota_unit_id: i64,
    team: &str,
    except: Option<i64>,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM entries WHERE track_id = $1 AND quota_unit_id = $2 AND team = $3 AND stage IN ('pending', 'approved') AND id <> $4",
    )
    .bind(track_id)
    .bind(quota_unit_id)
    .bind(team)
    .bind(except.unwrap_or(0))
    .fetch_one(conn)
    .await?)
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub track_id: Option<i64>,
    pub stage: Option<EntryStage>,
    /// Only entrants of these subtrees; `None` for all.
    pub within: Option<Vec<UnitPath>>,
    /// Only pending entries waiting on a unit inside one of these subtrees.
    pub waiting_within: Option<Vec<UnitPath>>,
    pub person_id: Option<i64>,
}

pub async fn list(
    conn: &mut Conn,
    filter: &EntryFilter,
    page: Page,
) -> DbResult<(Vec<EntryView>, i64)> {
    let mut w = Where::default();
    if let Some(t) = filter.track_id {
        let p = w.int(t);
        w.and(format!("e.track_id = {p}"));
    }
    if let Some(s) = filter.stage {
        let p = w.text(s.as_str());
        w.and(format!("e.stage = {p}"));
    }
    if let Some(roots) = &filter.within {
        w.within("u.path", roots);
    }
    if let Some(roots) = &filter.waiting_within {
        w.and("e.stage = 'pending'");
        w.within("au.path", roots);
    }
    if let Some(person) = filter.person_id {
        let p = w.int(person);
        w.and(format!("e.person_id = {p}"));
    }
    let from = "FROM entries e JOIN units u ON u.id = e.unit_id LEFT JOIN units au ON au.id = e.at_unit_id";
    let total: i64 = w
        .bind_scalar(sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) {from}{}",
            w.sql()
        ))))
        .fetch_one(&mut *conn)
        .await?;
    // Page bounds are numbers the service clamped, never text from a request.
    let sql = format!(
        "{VIEW}{} ORDER BY u.path, e.team, p.name, e.id LIMIT {} OFFSET {}",
        w.sql(),
        page.limit,
        page.offset
    );
    let rows = w
        .bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct EntryStep {
    pub at_ms: i64,
    pub actor_name: String,
    /// `submit`, `approve`, `return` or `withdraw`.
    pub decision: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub to_unit_id: Option<i64>,
    pub reason: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_step(
    conn: &mut Conn,
    entry_id: i64,
    now: i64,
    actor_user_id: Option<i64>,
    actor_name: &str,
    decision: &str,
    unit_id: i64,
    to_unit_id: Option<i64>,
    reason: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO entry_steps (entry_id, at_ms, actor_user_id, actor_name, decision, unit_id, to_unit_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry_id)
    .bind(now)
    .bind(actor_user_id)
    .bind(actor_name)
    .bind(decision)
    .bind(unit_id)
    .bind(to_unit_id)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn steps(conn: &mut Conn, entry_id: i64) -> DbResult<Vec<EntryStep>> {
    Ok(sqlx::query_as(
        "SELECT s.at_ms, s.actor_name, s.decision, s.unit_id, u.name AS unit_name, s.to_unit_id, s.reason FROM entry_steps s JOIN units u ON u.id = s.unit_id WHERE s.entry_id = $1 ORDER BY s.id",
    )
    .bind(entry_id)
    .fetch_all(conn)
    .await?)
}
