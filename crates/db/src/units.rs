//! Units of the federation tree.

use crate::{Conn, DbResult, like_contains, like_prefix};
use gongjiang_domain::unit::{UnitKind, UnitPath};
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct UnitRecord {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    #[sqlx(try_from = "String")]
    pub kind: UnitKind,
    pub code: String,
    pub name: String,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl UnitRecord {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.path.clone())
    }
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }
}

const COLUMNS: &str = "id, parent_id, path, kind, code, name, closed_at, created_at, updated_at";

pub struct NewUnit<'a> {
    pub parent: Option<(i64, &'a UnitPath)>,
    pub kind: &'a str,
    pub code: &'a str,
    pub name: &'a str,
}

/// Inserts a unit and sets its path, which includes its own new id.
pub async fn insert(conn: &mut Conn, unit: NewUnit<'_>, now: i64) -> DbResult<UnitRecord> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (parent_id, path, kind, code, name, created_at, updated_at) VALUES ($1, '', $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(unit.parent.map(|(id, _)| id))
    .bind(unit.kind)
    .bind(unit.code)
    .bind(unit.name)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let path = match unit.parent {
        Some((_, parent_path)) => parent_path.child(id),
        None => UnitPath::root(id),
    };
    sqlx::query("UPDATE units SET path = $1 WHERE id = $2")
        .bind(path.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    get(conn, id)
        .await?
        .ok_or(crate::DbError::Sqlx(sqlx::Error::RowNotFound))
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<UnitRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn by_code(conn: &mut Conn, code: &str) -> DbResult<Option<UnitRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE code = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(conn)
        .await?)
}

/// The units with these ids (those that exist), in one statement.
pub async fn with_ids(conn: &mut Conn, ids: &[i64]) -> DbResult<Vec<UnitRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM units WHERE id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query_as(AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(conn).await?)
}

/// Every unit (a federation has at most a few thousand): for imports and tree views.
pub async fn all(conn: &mut Conn) -> DbResult<Vec<UnitRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM units ORDER BY path");
    Ok(sqlx::query_as(AssertSqlSafe(sql)).fetch_all(conn).await?)
}

/// The paths of the units at the top of the tree (usually one: the federation).
pub async fn roots(conn: &mut Conn) -> DbResult<Vec<UnitPath>> {
    let paths: Vec<String> = sqlx::query_scalar("SELECT path FROM units WHERE parent_id IS NULL")
        .fetch_all(conn)
        .await?;
    Ok(paths.into_iter().map(UnitPath::from_stored).collect())
}

/// The units inside any of the subtrees `roots`, optionally matching `query` in name or code.
pub async fn list_within(
    conn: &mut Conn,
    roots: &[UnitPath],
    query: &str,
    include_closed: bool,
) -> DbResult<Vec<UnitRecord>> {
    let mut out = Vec::new();
    for root in roots {
        let mut sql = format!("SELECT {COLUMNS} FROM units WHERE path LIKE $1 ESCAPE '\\'");
        if !include_closed {
            sql.push_str(" AND closed_at IS NULL");
        }
        if !query.is_empty() {
            sql.push_str(" AND (name LIKE $2 ESCAPE '\\' OR code LIKE $3 ESCAPE '\\')");
        }
        sql.push_str(" ORDER BY path");
        let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(like_prefix(root.as_str()));
        if !query.is_empty() {
            q = q
                .bind(like_contains(query))
                .bind(like_contains(&query.to_uppercase()));
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

pub async fn rename(conn: &mut Conn, id: i64, name: &str, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE units SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a unit and its whole subtree under a new parent by rewriting their paths.
pub async fn move_subtree(
    conn: &mut Conn,
    id: i64,
    old: &UnitPath,
    new_parent: i64,
    new: &UnitPath,
    now: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE units SET parent_id = $1, updated_at = $2 WHERE id = $3")
        .bind(new_parent)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // PostgreSQL has no substr(text, bigint): the cast keeps one statement for both backends.
    sqlx::query("UPDATE units SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 ESCAPE '\\'")
        .bind(new.as_str())
        .bind(old.as_str().len() as i64 + 1)
        .bind(like_prefix(old.as_str()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_closed(
    conn: &mut Conn,
    id: i64,
    closed_at: Option<i64>,
    now: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE units SET closed_at = $1, updated_at = $2 WHERE id = $3")
        .bind(closed_at)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn open_children(conn: &mut Conn, id: i64) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE parent_id = $1 AND closed_at IS NULL")
            .bind(id)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn count(conn: &mut Conn) -> DbResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM units")
        .fetch_one(conn)
        .await?)
}
