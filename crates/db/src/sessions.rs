//! Server-side login sessions. The cookie holds a random token; the table holds only its hash.

use crate::users::{GrantView, UserRecord};
use crate::{Conn, DbResult};
use std::sync::atomic::{AtomicU64, Ordering};

static AUTH_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Counts the committed changes made by this process to what a signed-in session is built
/// from (sessions, users, grants, units; see [`crate::commit_auth`]): a cache of sessions
/// drops what it kept before the last.
pub fn auth_epoch() -> u64 {
    AUTH_EPOCH.load(Ordering::Acquire)
}

pub(crate) fn auth_changed() {
    AUTH_EPOCH.fetch_add(1, Ordering::AcqRel);
}

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

/// One row of [`signed_in`]: the session, its user and one of the user's grants (if any).
#[derive(sqlx::FromRow)]
struct SignedInRow {
    csrf_token: String,
    last_seen_at: i64,
    session_created_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    user: UserRecord,
    grant_id: Option<i64>,
    role: Option<String>,
    unit_id: Option<i64>,
    unit_path: Option<String>,
    unit_name: Option<String>,
    granted_at: Option<i64>,
}

/// The live session with this token hash, its user (even if disabled: the caller decides)
/// and the user's grants, in one round trip: every signed-in request asks this.
pub async fn signed_in(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> DbResult<Option<(SessionRecord, UserRecord, Vec<GrantView>)>> {
    let rows: Vec<SignedInRow> = sqlx::query_as(
        "SELECT s.csrf_token, s.last_seen_at, s.created_at AS session_created_at, s.expires_at, \
         u.id, u.person_id, u.username, u.display_name, u.password_hash, u.locale, u.disabled, \
         u.must_change_password, u.failed_logins, u.locked_until, u.password_changed_at, \
         u.created_at, \
         g.id AS grant_id, g.role, g.unit_id, n.path AS unit_path, n.name AS unit_name, g.granted_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN grants g ON g.user_id = u.id LEFT JOIN units n ON n.id = g.unit_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 ORDER BY g.role, n.path",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_all(conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let session = SessionRecord {
        token_hash: token_hash.to_owned(),
        user_id: first.user.id,
        csrf_token: first.csrf_token.clone(),
        created_at: first.session_created_at,
        last_seen_at: first.last_seen_at,
        expires_at: first.expires_at,
    };
    let user = first.user.clone();
    let grants = rows
        .into_iter()
        .filter_map(|r| {
            Some(GrantView {
                id: r.grant_id?,
                user_id: r.user.id,
                role: r.role?,
                unit_id: r.unit_id?,
                unit_path: r.unit_path?,
                unit_name: r.unit_name?,
                granted_at: r.granted_at?,
            })
        })
        .collect();
    Ok(Some((session, user, grants)))
}
