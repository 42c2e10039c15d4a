//! Personal API tokens. Only a hash is stored; the token itself is shown once, at creation.

use crate::{Conn, DbResult};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// `read` or `write`, then `:` and its modules when not all (`domain::token_scope`).
    pub scope: String,
}

pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: i64,
    pub scope: &'a str,
}

pub async fn insert(conn: &mut Conn, t: NewToken<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, scope) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(t.user_id)
        .bind(t.name)
        .bind(t.token_hash)
        .bind(t.prefix)
        .bind(now)
        .bind(t.expires_at)
        .bind(t.scope)
        .fetch_one(conn)
        .await?)
}

pub async fn list_for_user(conn: &mut Conn, user_id: i64) -> DbResult<Vec<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at, scope FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(conn)
        .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at, scope FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The token with this hash, unless revoked or expired at `now`.
pub async fn find_active(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> DbResult<Option<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at, scope FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await?)
}

pub async fn touch(conn: &mut Conn, id: i64, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn revoke(conn: &mut Conn, id: i64, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every live token of a user (their password was reset, their account disabled);
/// returns how many.
pub async fn revoke_all_for_user(conn: &mut Conn, user_id: i64, now: i64) -> DbResult<u64> {
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected())
}
