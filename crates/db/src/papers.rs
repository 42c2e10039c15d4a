//! Papers: what an exam asks, fixed or drawn by rules from a bank.

use crate::{Conn, DbResult, StoredFlag};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PaperRecord {
    pub id: i64,
    pub bank_id: i64,
    pub name: String,
    pub mode: String,
    pub spec: String,
    #[sqlx(try_from = "StoredFlag")]
    pub shuffle_questions: bool,
    #[sqlx(try_from = "StoredFlag")]
    pub shuffle_options: bool,
    pub pass_mark: i64,
    pub partial_credit: String,
    pub created_at: i64,
}

pub struct NewPaper<'a> {
    pub bank_id: i64,
    pub name: &'a str,
    pub mode: &'a str,
    pub spec: &'a str,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub pass_mark: i64,
    pub partial_credit: &'a str,
}

pub async fn insert(conn: &mut Conn, p: NewPaper<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO papers (bank_id, name, mode, spec, shuffle_questions, shuffle_options, pass_mark, partial_credit, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(p.bank_id)
    .bind(p.name)
    .bind(p.mode)
    .bind(p.spec)
    .bind(i64::from(p.shuffle_questions))
    .bind(i64::from(p.shuffle_options))
    .bind(p.pass_mark)
    .bind(p.partial_credit)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<PaperRecord>> {
    Ok(sqlx::query_as("SELECT id, bank_id, name, mode, spec, shuffle_questions, shuffle_options, pass_mark, partial_credit, created_at FROM papers WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// What drawing needs of every current question of a bank: (id, category, kind, difficulty,
/// version id, points).
pub async fn pool(
    conn: &mut Conn,
    bank_id: i64,
) -> DbResult<Vec<(i64, String, String, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT q.id, q.category, v.kind, v.difficulty, v.id, v.points FROM questions q JOIN question_versions v ON v.id = q.current_version WHERE q.bank_id = $1 AND q.retired_at IS NULL ORDER BY q.id",
    )
    .bind(bank_id)
    .fetch_all(conn)
    .await?)
}

/// The papers of banks of units inside the subtrees `roots`: (id, name, bank name).
pub async fn list_within(
    conn: &mut Conn,
    roots: &[gongjiang_domain::unit::UnitPath],
) -> DbResult<Vec<(i64, String, String)>> {
    let mut out = Vec::new();
    for root in roots {
        out.extend(
            sqlx::query_as::<_, (i64, String, String)>(
                "SELECT p.id, p.name, b.name FROM papers p JOIN question_banks b ON b.id = p.bank_id JOIN units u ON u.id = b.unit_id WHERE u.path LIKE $1 ESCAPE '\\' ORDER BY p.id DESC",
            )
            .bind(crate::like_prefix(root.as_str()))
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    Ok(out)
}
