//! The stored answers of API requests sent with an `Idempotency-Key`.

use crate::{Conn, DbResult};

/// A request's key as it stands in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First seen: the caller runs the request, then completes or releases the key.
    New,
    /// Answered before: the answer to give again.
    Answered(Stored),
    /// The key names a different request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Stored {
    pub fingerprint: String,
    pub status: i64,
    pub content_type: String,
    pub body: String,
    pub etag: String,
    pub created_at: i64,
}

/// Claims `key` for a request with `fingerprint` at `now`, as the run named `claim`. A claim
/// left running for longer than `abandoned_ms` (its process died) is taken over.
pub async fn claim(
    conn: &mut Conn,
    user_id: i64,
    key: &str,
    fingerprint: &str,
    claim: &str,
    now: i64,
    abandoned_ms: i64,
) -> DbResult<Claim> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, claim, status, content_type, body, etag, created_at) VALUES ($1, $2, $3, $4, 0, '', '', '', $5) ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(fingerprint)
    .bind(claim)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let stored: Option<Stored> = sqlx::query_as(
        "SELECT fingerprint, status, content_type, body, etag, created_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(stored) = stored else {
        // Forgotten between the two statements (a day old): the client may simply retry.
        return Ok(Claim::InFlight);
    };
    if stored.fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    if stored.status != 0 {
        return Ok(Claim::Answered(stored));
    }
    if now - stored.created_at < abandoned_ms {
        return Ok(Claim::InFlight);
    }
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET created_at = $1, claim = $5 WHERE user_id = $2 AND idem_key = $3 AND status = 0 AND created_at = $4",
    )
    .bind(now)
    .bind(user_id)
    .bind(key)
    .bind(stored.created_at)
    .bind(claim)
    .execute(&mut *conn)
    .await?;
    Ok(if taken.rows_affected() == 1 {
        Claim::New
    } else {
        Claim::InFlight
    })
}

/// Stores the answer of a key, if the run `claim` still holds it.
#[allow(clippy::too_many_arguments)]
pub async fn complete(
    conn: &mut Conn,
    user_id: i64,
    key: &str,
    claim: &str,
    status: i64,
    content_type: &str,
    body: &str,
    etag: &str,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3, etag = $4 WHERE user_id = $5 AND idem_key = $6 AND claim = $7 AND status = 0",
    )
    .bind(status)
    .bind(content_type)
    .bind(body)
    .bind(etag)
    .bind(user_id)
    .bind(key)
    .bind(claim)
    .execute(conn)
    .await?;
    Ok(())
}

/// Lets a key go, if the run `claim` still holds it (its request was refused, or its answer
/// is not one to keep: a retry may run again).
pub async fn release(conn: &mut Conn, user_id: i64, key: &str, claim: &str) -> DbResult<()> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND claim = $3 AND status = 0",
    )
    .bind(user_id)
    .bind(key)
    .bind(claim)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the keys claimed before `cutoff`.
pub async fn forget_before(conn: &mut Conn, cutoff: i64) -> DbResult<u64> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(cutoff)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
