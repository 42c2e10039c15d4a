//! The audit log: appended in the same transaction as the change it records, never updated.

use crate::{Conn, DbResult, Page};
use gongjiang_domain::audit::{Actor, Change, Entry, entry_hash};
use sqlx::AssertSqlSafe;
use sqlx::Row;

/// Appends one entry. The `UPDATE … RETURNING` on the single head row locks it until the
/// transaction ends, so concurrent appends queue up and the chain never forks.
pub async fn append(conn: &mut Conn, actor: &Actor, change: &Change, now: i64) -> DbResult<Entry> {
    let row = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = row.try_get(0)?;
    let prev_hash: String = row.try_get(1)?;
    let hash = entry_hash(seq, now, actor, change, &prev_hash);
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO audit_log (seq, at_ms, actor_user_id, actor_name, origin, action, entity_type, entity_id, before_json, after_json, reason, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(seq)
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(&actor.origin)
    .bind(&change.action)
    .bind(&change.entity_type)
    .bind(&change.entity_id)
    .bind(change.before.as_deref())
    .bind(change.after.as_deref())
    .bind(change.reason.as_deref())
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(Entry {
        seq,
        at_ms: now,
        actor: actor.clone(),
        change: change.clone(),
        prev_hash,
        hash,
    })
}

/// What to look for in the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_user_id: Option<i64>,
    /// An action code or its start (`unit.` for every unit action).
    pub action_prefix: String,
    pub entity_type: String,
    pub entity_id: String,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

const COLUMNS: &str = "seq, at_ms, actor_user_id, actor_name, origin, action, entity_type, entity_id, before_json, after_json, reason, prev_hash, hash";

fn entry(row: &sqlx::any::AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at_ms")?,
        actor: Actor {
            user_id: row.try_get("actor_user_id")?,
            name: row.try_get("actor_name")?,
            origin: row.try_get("origin")?,
        },
        change: Change {
            action: row.try_get("action")?,
            entity_type: row.try_get("entity_type")?,
            entity_id: row.try_get("entity_id")?,
            before: row.try_get("before_json")?,
            after: row.try_get("after_json")?,
            reason: row.try_get("reason")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Entries matching the filter, newest first, a page at a time, with the total.
pub async fn list(
    conn: &mut Conn,
    filter: &AuditFilter,
    page: Page,
) -> DbResult<(Vec<Entry>, i64)> {
    let mut conds: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    // Text parameters are numbered first, integer ones after them.
    if !filter.action_prefix.is_empty() {
        texts.push(crate::like_prefix(&filter.action_prefix));
        conds.push(format!("action LIKE ${} ESCAPE '\\'", texts.len()));
    }
    if !filter.entity_type.is_empty() {
        texts.push(filter.entity_type.clone());
        conds.push(format!("entity_type = ${}", texts.len()));
    }
    if !filter.entity_id.is_empty() {
        texts.push(filter.entity_id.clone());
        conds.push(format!("entity_id = ${}", texts.len()));
    }
    let mut int_conds: Vec<(&str, i64)> = Vec::new();
    if let Some(id) = filter.actor_user_id {
        int_conds.push(("actor_user_id =", id));
    }
    if let Some(from) = filter.from_ms {
        int_conds.push(("at_ms >=", from));
    }
    if let Some(to) = filter.to_ms {
        int_conds.push(("at_ms <", to));
    }
    for (cond, value) in int_conds {
        ints.push(value);
        conds.push(format!("{cond} ${}", texts.len() + ints.len()));
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM audit_log{where_sql}");
    let mut count = sqlx::query_scalar(AssertSqlSafe(count_sql));
    for t in &texts {
        count = count.bind(t.clone());
    }
    for i in &ints {
        count = count.bind(*i);
    }
    let total: i64 = count.fetch_one(&mut *conn).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log{where_sql} ORDER BY seq DESC LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for t in &texts {
        q = q.bind(t.clone());
    }
    for i in &ints {
        q = q.bind(*i);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let entries = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    Ok((entries, total))
}

/// Up to `limit` entries after `seq`, oldest first: for verifying the chain in batches.
pub async fn after(conn: &mut Conn, seq: i64, limit: i64) -> DbResult<Vec<Entry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(seq)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?)
}

/// The sequence number and hash of the newest entry.
pub async fn head(conn: &mut Conn) -> DbResult<(i64, String)> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
