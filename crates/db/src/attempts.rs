//! Attempts and their answers, one at a time: starting, reading, results and grading by hand.
//! The hot path (saves and submits) is written in sets by `attempt_writes.rs`.

use crate::{Conn, DbResult};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AttemptRecord {
    pub id: i64,
    pub session_id: i64,
    pub person_id: i64,
    pub number: i64,
    pub seed: i64,
    pub layout: String,
    pub started_at: i64,
    pub deadline_ms: i64,
    pub grace_ms: i64,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub score: Option<i64>,
    pub max_score: i64,
    pub grades: Option<String>,
    pub pending_manual: i64,
}

const ATTEMPT: &str = "SELECT id, session_id, person_id, number, seed, layout, started_at, deadline_ms, grace_ms, submitted_at, submitted_by, score, max_score, grades, pending_manual FROM attempts";

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub session_id: i64,
    pub person_id: i64,
    pub number: i64,
    pub seed: i64,
    pub layout: String,
    pub started_at: i64,
    pub deadline_ms: i64,
    pub grace_ms: i64,
    pub max_score: i64,
}

/// Inserts an attempt unless one with the same number exists (a double tap on start), and
/// returns the id of the attempt with that number either way.
pub async fn insert(conn: &mut Conn, a: &NewAttempt) -> DbResult<i64> {
    sqlx::query(
        "INSERT INTO attempts (session_id, person_id, number, seed, layout, started_at, deadline_ms, grace_ms, last_save_at, max_score) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6, $9) ON CONFLICT (session_id, person_id, number) DO NOTHING",
    )
    .bind(a.session_id)
    .bind(a.person_id)
    .bind(a.number)
    .bind(a.seed)
    .bind(&a.layout)
    .bind(a.started_at)
    .bind(a.deadline_ms)
    .bind(a.grace_ms)
    .bind(a.max_score)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT id FROM attempts WHERE session_id = $1 AND person_id = $2 AND number = $3",
    )
    .bind(a.session_id)
    .bind(a.person_id)
    .bind(a.number)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<AttemptRecord>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ATTEMPT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// A person's attempts at a session, oldest first.
pub async fn of_person(
    conn: &mut Conn,
    session_id: i64,
    person_id: i64,
) -> DbResult<Vec<AttemptRecord>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ATTEMPT} WHERE session_id = $1 AND person_id = $2 ORDER BY number"
    )))
    .bind(session_id)
    .bind(person_id)
    .fetch_all(conn)
    .await?)
}

/// Every attempt at a session.
pub async fn of_session(conn: &mut Conn, session_id: i64) -> DbResult<Vec<AttemptRecord>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ATTEMPT} WHERE session_id = $1 ORDER BY id"
    )))
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AnswerRecord {
    pub attempt_id: i64,
    pub position: i64,
    pub response: String,
    pub client_seq: i64,
    pub saved_at: i64,
}

pub async fn answers(conn: &mut Conn, attempt_id: i64) -> DbResult<Vec<AnswerRecord>> {
    Ok(sqlx::query_as(
        "SELECT attempt_id, position, response, client_seq, saved_at FROM answers WHERE attempt_id = $1 ORDER BY position",
    )
    .bind(attempt_id)
    .fetch_all(conn)
    .await?)
}

/// Every answer of a session's attempts (for statistics and grading by hand).
pub async fn answers_of_session(conn: &mut Conn, session_id: i64) -> DbResult<Vec<AnswerRecord>> {
    Ok(sqlx::query_as(
        "SELECT a.attempt_id, a.position, a.response, a.client_seq, a.saved_at FROM answers a JOIN attempts t ON t.id = a.attempt_id WHERE t.session_id = $1 ORDER BY a.attempt_id, a.position",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_grades(
    conn: &mut Conn,
    id: i64,
    score: i64,
    grades: &str,
    pending_manual: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE attempts SET score = $2, grades = $3, pending_manual = $4 WHERE id = $1")
        .bind(id)
        .bind(score)
        .bind(grades)
        .bind(pending_manual)
        .execute(conn)
        .await?;
    Ok(())
}

/// Open attempts whose time (and grace) ran out before `now_ms`: the clock submits them.
pub async fn overdue(conn: &mut Conn, now_ms: i64, limit: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM attempts WHERE submitted_at IS NULL AND deadline_ms + grace_ms < $1 ORDER BY deadline_ms LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The count of stored answers (the load benchmark compares it with what was acknowledged).
pub async fn count_answers(conn: &mut Conn, session_id: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id WHERE t.session_id = $1",
    )
    .bind(session_id)
    .fetch_one(conn)
    .await?)
}

/// Takes the attempt's row lock (PostgreSQL) before its grades are read and rewritten, so two
/// graders never overwrite each other; SQLite's single writer already orders them.
pub async fn lock(conn: &mut Conn, id: i64) -> DbResult<()> {
    sqlx::query("UPDATE attempts SET pending_manual = pending_manual WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Who sat a session: (person id, name, employee number, unit name).
pub async fn people_of_session(
    conn: &mut Conn,
    session_id: i64,
) -> DbResult<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT p.id, p.name, p.employee_no, u.name FROM attempts t JOIN people p ON p.id = t.person_id JOIN units u ON u.id = p.unit_id WHERE t.session_id = $1",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

/// The layouts of a person's attempts (which question versions they were given).
pub async fn layouts_of_person(conn: &mut Conn, person_id: i64) -> DbResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT layout FROM attempts WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(conn)
            .await?,
    )
}
