//! Server-side login sessions. The cookie holds a random token; the table holds only its hash.

use crate::{Conn, DbResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub expires_at: i64,
    pub origin: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(conn: &mut Conn, s: NewSession<'_>, now: i64) -> DbResult<()> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, origin, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)")
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.csrf_token)
        .bind(now)
        .bind(s.expires_at)
        .bind(s.origin)
        .bind(s.user_agent)
        .execute(conn)
        .await?;
    Ok(())
}

/// The session with this token hash, if it has not expired.
pub async fn get_live(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> DbResult<Option<SessionRecord>> {
    Ok(sqlx::query_as("SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await?)
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now: i64, expires_at: i64) -> DbResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, token_hash: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user but the one given (after a password change or reset).
pub async fn delete_for_user(conn: &mut Conn, user_id: i64, keep: Option<&str>) -> DbResult<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn delete_expired(conn: &mut Conn, now: i64) -> DbResult<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}
