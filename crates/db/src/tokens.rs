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
}

pub async fn insert(
    conn: &mut Conn,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(prefix)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

pub async fn list_for_user(conn: &mut Conn, user_id: i64) -> DbResult<Vec<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(conn)
        .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The owner of an unrevoked token with this hash.
pub async fn find_active(conn: &mut Conn, token_hash: &str) -> DbResult<Option<TokenRecord>> {
    Ok(sqlx::query_as("SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
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
