//! User accounts and the roles granted to them.

use crate::{Conn, DbResult, StoredFlag};
use gongjiang_domain::account::Role;
use gongjiang_domain::authz::{Grant, Grants};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub person_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: String,
    #[sqlx(try_from = "StoredFlag")]
    pub disabled: bool,
    #[sqlx(try_from = "StoredFlag")]
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: i64,
    pub password_changed_at: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, person_id, username, display_name, password_hash, locale, disabled, must_change_password, failed_logins, locked_until, password_changed_at, created_at";

pub struct NewUser<'a> {
    pub person_id: Option<i64>,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

pub async fn insert(conn: &mut Conn, user: NewUser<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (person_id, username, display_name, password_hash, must_change_password, password_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(user.person_id)
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(i64::from(user.must_change_password))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn by_username(conn: &mut Conn, username: &str) -> DbResult<Option<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(conn)
        .await?)
}

pub async fn set_password(
    conn: &mut Conn,
    id: i64,
    hash: &str,
    must_change: bool,
    now: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, failed_logins = 0, locked_until = 0 WHERE id = $4")
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts a failed login; returns the new count.
pub async fn add_failed_login(conn: &mut Conn, id: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

pub async fn set_lock(
    conn: &mut Conn,
    id: i64,
    locked_until: i64,
    failed_logins: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE users SET locked_until = $1, failed_logins = $2 WHERE id = $3")
        .bind(locked_until)
        .bind(failed_logins)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_disabled(conn: &mut Conn, id: i64, disabled: bool) -> DbResult<()> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_locale(conn: &mut Conn, id: i64, locale: &str) -> DbResult<()> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_person(conn: &mut Conn, person_id: i64) -> DbResult<Option<UserRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE person_id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_optional(conn)
        .await?)
}

/// A grant as pages show it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct GrantView {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
    pub granted_at: i64,
}

pub async fn grants_of(conn: &mut Conn, user_id: i64) -> DbResult<Vec<GrantView>> {
    Ok(sqlx::query_as(
        "SELECT g.id, g.user_id, g.role, g.unit_id, u.path AS unit_path, u.name AS unit_name, g.granted_at FROM grants g JOIN units u ON u.id = g.unit_id WHERE g.user_id = $1 ORDER BY g.role, u.path",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// The grants of a user as the domain reads them. Unknown roles (from a newer version) are
/// skipped rather than trusted.
pub fn to_domain(views: &[GrantView]) -> Grants {
    Grants(
        views
            .iter()
            .filter_map(|g| {
                Role::parse("role", &g.role).ok().map(|role| Grant {
                    role,
                    unit_id: g.unit_id,
                    unit_path: UnitPath::from_stored(g.unit_path.clone()),
                })
            })
            .collect(),
    )
}

pub async fn grant_by_id(conn: &mut Conn, id: i64) -> DbResult<Option<GrantView>> {
    Ok(sqlx::query_as(
        "SELECT g.id, g.user_id, g.role, g.unit_id, u.path AS unit_path, u.name AS unit_name, g.granted_at FROM grants g JOIN units u ON u.id = g.unit_id WHERE g.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_grant(
    conn: &mut Conn,
    user_id: i64,
    role: Role,
    unit_id: i64,
    granted_by: Option<i64>,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO grants (user_id, role, unit_id, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(user_id)
        .bind(role.as_str())
        .bind(unit_id)
        .bind(granted_by)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

pub async fn delete_grant(conn: &mut Conn, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM grants WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
