//! Exam sessions, who may sit them, and personal arrangements.

use crate::{Conn, DbResult, StoredFlag, like_prefix};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct SessionRecord {
    pub id: i64,
    pub paper_id: i64,
    pub paper_name: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub name: String,
    pub opens_ms: i64,
    pub closes_ms: i64,
    pub limit_ms: i64,
    pub late_start: String,
    pub grace_ms: i64,
    pub attempts_allowed: i64,
    #[sqlx(try_from = "StoredFlag")]
    pub show_results: bool,
    /// When staff released the answer keys before the window closed for everyone.
    pub keys_released_at: Option<i64>,
}

pub struct NewSession<'a> {
    pub paper_id: i64,
    pub unit_id: i64,
    pub name: &'a str,
    pub opens_ms: i64,
    pub closes_ms: i64,
    pub limit_ms: i64,
    pub late_start: &'a str,
    pub grace_ms: i64,
    pub attempts_allowed: i64,
    pub show_results: bool,
}

const SESSION: &str = "SELECT s.id, s.paper_id, p.name AS paper_name, s.unit_id, u.path AS unit_path, s.name, s.opens_ms, s.closes_ms, s.limit_ms, s.late_start, s.grace_ms, s.attempts_allowed, s.show_results, s.keys_released_at FROM exam_sessions s JOIN papers p ON p.id = s.paper_id JOIN units u ON u.id = s.unit_id";

pub async fn insert(conn: &mut Conn, s: NewSession<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO exam_sessions (paper_id, unit_id, name, opens_ms, closes_ms, limit_ms, late_start, grace_ms, attempts_allowed, show_results, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(s.paper_id)
    .bind(s.unit_id)
    .bind(s.name)
    .bind(s.opens_ms)
    .bind(s.closes_ms)
    .bind(s.limit_ms)
    .bind(s.late_start)
    .bind(s.grace_ms)
    .bind(s.attempts_allowed)
    .bind(i64::from(s.show_results))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<SessionRecord>> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{SESSION} WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The sessions run by units inside the subtrees `roots`, newest first.
pub async fn list_within(conn: &mut Conn, roots: &[UnitPath]) -> DbResult<Vec<SessionRecord>> {
    let mut out: Vec<SessionRecord> = Vec::new();
    for root in roots {
        let sql = format!("{SESSION} WHERE u.path LIKE $1 ESCAPE '\\' ORDER BY s.opens_ms DESC");
        out.extend(
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(like_prefix(root.as_str()))
                .fetch_all(&mut *conn)
                .await?,
        );
    }
    Ok(out)
}

/// The sessions a person may sit: named, or in a unit whose subtree holds the person's unit.
pub async fn list_for_person(
    conn: &mut Conn,
    person_id: i64,
    person_unit_path: &str,
) -> DbResult<Vec<SessionRecord>> {
    let sql = format!(
        "{SESSION} WHERE s.id IN (SELECT e.session_id FROM exam_entrants e LEFT JOIN units eu ON eu.id = e.unit_id WHERE e.person_id = $1 OR (eu.path IS NOT NULL AND $2 LIKE eu.path || '%')) ORDER BY s.opens_ms DESC"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .bind(person_unit_path)
        .fetch_all(conn)
        .await?)
}

/// Whether the person is among the session's entrants.
pub async fn is_entrant(
    conn: &mut Conn,
    session_id: i64,
    person_id: i64,
    person_unit_path: &str,
) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM exam_entrants e LEFT JOIN units eu ON eu.id = e.unit_id WHERE e.session_id = $1 AND (e.person_id = $2 OR (eu.path IS NOT NULL AND $3 LIKE eu.path || '%'))",
    )
    .bind(session_id)
    .bind(person_id)
    .bind(person_unit_path)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct EntrantRecord {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The person's or the unit's name.
    pub name: String,
}

pub async fn entrants(conn: &mut Conn, session_id: i64) -> DbResult<Vec<EntrantRecord>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.person_id, e.unit_id, COALESCE(p.name, u.name, '') AS name FROM exam_entrants e LEFT JOIN people p ON p.id = e.person_id LEFT JOIN units u ON u.id = e.unit_id WHERE e.session_id = $1 ORDER BY e.id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_entrant(
    conn: &mut Conn,
    session_id: i64,
    person_id: Option<i64>,
    unit_id: Option<i64>,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO exam_entrants (session_id, person_id, unit_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(session_id)
    .bind(person_id)
    .bind(unit_id)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone, Copy, sqlx::FromRow, Serialize, Default)]
pub struct ArrangementRecord {
    pub extra_ms: i64,
    pub opens_ms: Option<i64>,
    pub closes_ms: Option<i64>,
}

pub async fn arrangement(
    conn: &mut Conn,
    session_id: i64,
    person_id: i64,
) -> DbResult<Option<ArrangementRecord>> {
    Ok(sqlx::query_as(
        "SELECT extra_ms, opens_ms, closes_ms FROM exam_arrangements WHERE session_id = $1 AND person_id = $2",
    )
    .bind(session_id)
    .bind(person_id)
    .fetch_optional(conn)
    .await?)
}

/// Every personal arrangement of a session.
pub async fn arrangements_of(conn: &mut Conn, session_id: i64) -> DbResult<Vec<ArrangementRecord>> {
    Ok(sqlx::query_as(
        "SELECT extra_ms, opens_ms, closes_ms FROM exam_arrangements WHERE session_id = $1",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

pub async fn release_keys(conn: &mut Conn, session_id: i64, now: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE exam_sessions SET keys_released_at = $1 WHERE id = $2 AND keys_released_at IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_arrangement(
    conn: &mut Conn,
    session_id: i64,
    person_id: i64,
    a: ArrangementRecord,
    reason: &str,
) -> DbResult<()> {
    sqlx::query("DELETE FROM exam_arrangements WHERE session_id = $1 AND person_id = $2")
        .bind(session_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO exam_arrangements (session_id, person_id, extra_ms, opens_ms, closes_ms, reason) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(session_id)
        .bind(person_id)
        .bind(a.extra_ms)
        .bind(a.opens_ms)
        .bind(a.closes_ms)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}
