//! Question banks, questions and their versions.

use crate::{Conn, DbResult, Page, like_prefix};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct BankRecord {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub trade: String,
    pub questions: i64,
    pub created_at: i64,
}

const BANK: &str = "SELECT b.id, b.unit_id, u.name AS unit_name, u.path AS unit_path, b.name, b.trade, (SELECT COUNT(*) FROM questions q WHERE q.bank_id = b.id AND q.retired_at IS NULL) AS questions, b.created_at FROM question_banks b JOIN units u ON u.id = b.unit_id";

pub async fn insert_bank(
    conn: &mut Conn,
    unit_id: i64,
    name: &str,
    trade: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO question_banks (unit_id, name, trade, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(unit_id)
        .bind(name)
        .bind(trade)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

pub async fn get_bank(conn: &mut Conn, id: i64) -> DbResult<Option<BankRecord>> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{BANK} WHERE b.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The banks of the units inside the subtrees `roots`.
pub async fn list_banks(conn: &mut Conn, roots: &[UnitPath]) -> DbResult<Vec<BankRecord>> {
    let mut out = Vec::new();
    for root in roots {
        let sql = format!("{BANK} WHERE u.path LIKE $1 ESCAPE '\\' ORDER BY u.path, b.name");
        out.extend(
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(like_prefix(root.as_str()))
                .fetch_all(&mut *conn)
                .await?,
        );
    }
    Ok(out)
}

/// A new question with its first version; returns (question id, version id).
pub async fn insert_question(
    conn: &mut Conn,
    bank_id: i64,
    category: &str,
    version: NewVersion<'_>,
    now: i64,
) -> DbResult<(i64, i64)> {
    let question_id: i64 = sqlx::query_scalar(
        "INSERT INTO questions (bank_id, category, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(bank_id)
    .bind(category)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let version_id = insert_version(conn, question_id, 1, version, now).await?;
    Ok((question_id, version_id))
}

pub struct NewVersion<'a> {
    pub kind: &'a str,
    pub difficulty: i64,
    pub points: i64,
    pub body: &'a str,
    pub created_by: Option<i64>,
}

async fn insert_version(
    conn: &mut Conn,
    question_id: i64,
    number: i64,
    v: NewVersion<'_>,
    now: i64,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO question_versions (question_id, number, kind, difficulty, points, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(question_id)
    .bind(number)
    .bind(v.kind)
    .bind(v.difficulty)
    .bind(v.points)
    .bind(v.body)
    .bind(v.created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE questions SET current_version = $1 WHERE id = $2")
        .bind(id)
        .bind(question_id)
        .execute(conn)
        .await?;
    Ok(id)
}

/// A question as lists show it: its current version.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct QuestionRecord {
    pub id: i64,
    pub bank_id: i64,
    pub category: String,
    pub version_id: i64,
    pub version: i64,
    pub kind: String,
    pub difficulty: i64,
    pub points: i64,
    pub body: String,
}

/// The bank's current questions, by category and id, a page at a time, with the total.
pub async fn list_questions(
    conn: &mut Conn,
    bank_id: i64,
    page: Page,
) -> DbResult<(Vec<QuestionRecord>, i64)> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM questions WHERE bank_id = $1 AND retired_at IS NULL",
    )
    .bind(bank_id)
    .fetch_one(&mut *conn)
    .await?;
    let sql = format!(
        "SELECT q.id, q.bank_id, q.category, v.id AS version_id, v.number AS version, v.kind, v.difficulty, v.points, v.body FROM questions q JOIN question_versions v ON v.id = q.current_version WHERE q.bank_id = $1 AND q.retired_at IS NULL ORDER BY q.category, q.id LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    Ok((
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(bank_id)
            .fetch_all(&mut *conn)
            .await?,
        total,
    ))
}

const QUESTION: &str = "SELECT q.id, q.bank_id, q.category, v.id AS version_id, v.number AS version, v.kind, v.difficulty, v.points, v.body FROM questions q JOIN question_versions v ON v.id = q.current_version";

pub async fn get_question(conn: &mut Conn, id: i64) -> DbResult<Option<QuestionRecord>> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{QUESTION} WHERE q.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Adds a version to a question and makes it current; earlier versions stay as they were.
pub async fn revise(
    conn: &mut Conn,
    question_id: i64,
    category: &str,
    version: NewVersion<'_>,
    now: i64,
) -> DbResult<i64> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM question_versions WHERE question_id = $1",
    )
    .bind(question_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE questions SET category = $1 WHERE id = $2")
        .bind(category)
        .bind(question_id)
        .execute(&mut *conn)
        .await?;
    insert_version(conn, question_id, next, version, now).await
}

/// Every version of a question, oldest first (number, version id, body).
pub async fn versions(conn: &mut Conn, question_id: i64) -> DbResult<Vec<(i64, i64, String)>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT number, id, body FROM question_versions WHERE question_id = $1 ORDER BY number",
    )
    .bind(question_id)
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// One version of a question: (question id, body).
pub async fn version(conn: &mut Conn, version_id: i64) -> DbResult<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT question_id, body FROM question_versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The text of a question version when its question is in `bank_id` (a picture shows only
/// through a question of its own bank).
pub async fn version_in_bank(
    conn: &mut Conn,
    version_id: i64,
    bank_id: i64,
) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT v.body FROM question_versions v JOIN questions q ON q.id = v.question_id
         WHERE v.id = $1 AND q.bank_id = $2",
    )
    .bind(version_id)
    .bind(bank_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_image(
    conn: &mut Conn,
    bank_id: i64,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO question_images (bank_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(bank_id)
        .bind(content_type)
        .bind(bytes.to_vec())
        .bind(now)
        .fetch_one(conn)
        .await?)
}

/// A picture: (bank id, content type, bytes).
pub async fn image(conn: &mut Conn, id: i64) -> DbResult<Option<(i64, String, Vec<u8>)>> {
    Ok(
        sqlx::query_as("SELECT bank_id, content_type, bytes FROM question_images WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn delete_image(conn: &mut Conn, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM question_images WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
