//! Fixed-window counters kept in the database, so every app instance sees the same counts.

use crate::{Conn, DbResult};

/// Counts one hit in `bucket` for the window of `window_ms` that contains `now`; returns the
/// hits in the current window including this one.
pub async fn hit(conn: &mut Conn, bucket: &str, now: i64, window_ms: i64) -> DbResult<i64> {
    let stale_before = now - window_ms;
    Ok(sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(bucket)
    .bind(now)
    .bind(stale_before)
    .fetch_one(conn)
    .await?)
}

/// The hits counted in the current window, without adding one.
pub async fn current(conn: &mut Conn, bucket: &str, now: i64, window_ms: i64) -> DbResult<i64> {
    let hits: Option<i64> =
        sqlx::query_scalar("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start > $2")
            .bind(bucket)
            .bind(now - window_ms)
            .fetch_optional(conn)
            .await?;
    Ok(hits.unwrap_or(0))
}

/// Takes back one hit of the current window (an attempt counted before it was known to be
/// good, then found good).
pub async fn forgive(conn: &mut Conn, bucket: &str, now: i64, window_ms: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND window_start > $2 AND hits > 0",
    )
    .bind(bucket)
    .bind(now - window_ms)
    .execute(conn)
    .await?;
    Ok(())
}
