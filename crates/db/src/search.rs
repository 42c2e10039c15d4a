//! The search documents: one per studio, achievement and person, written in the caller's
//! transaction with the next number of the change log (`search_feed`), which the instances'
//! word indexes (`gongjiang_search::index`) read to stay in step; and the rows of the
//! documents an index found, read again here under the searcher's rights.

use crate::filter::Where;
use crate::{Conn, DbResult};
use gongjiang_domain::unit::UnitPath;
use gongjiang_search::index::{Change, IndexedDoc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// Searches count their matches up to this many ("more than 1,000").
pub const COUNT_CAP: i64 = 1000;

/// What is indexed of one record.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub entity: &'static str,
    pub entity_id: i64,
    pub unit_path: String,
    pub published: bool,
    pub fields: Vec<String>,
    pub kind: String,
    pub year: Option<i64>,
    pub level: String,
    pub tier: String,
    pub title: String,
    pub body: String,
}

/// Writes (or rewrites) a record's document under the log's next number. The counter's row
/// stays locked until the caller commits, so numbers are taken in the order of commits and a
/// reader of the log never sees a number before a smaller one.
pub async fn put(conn: &mut Conn, d: &Document) -> DbResult<()> {
    let fields = if d.fields.is_empty() {
        String::new()
    } else {
        format!(",{},", d.fields.join(","))
    };
    let seq: i64 =
        sqlx::query_scalar("UPDATE search_feed SET seq = seq + 1 WHERE id = 1 RETURNING seq")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "INSERT INTO search_docs (entity, entity_id, unit_path, published, fields, kind, year, level, tier, title, body, title_words, body_words, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (entity, entity_id) DO UPDATE SET unit_path = excluded.unit_path, published = excluded.published, fields = excluded.fields, kind = excluded.kind, year = excluded.year, level = excluded.level, tier = excluded.tier, title = excluded.title, body = excluded.body, title_words = excluded.title_words, body_words = excluded.body_words, seq = excluded.seq",
    )
    .bind(d.entity)
    .bind(d.entity_id)
    .bind(&d.unit_path)
    .bind(i64::from(d.published))
    .bind(fields)
    .bind(&d.kind)
    .bind(d.year)
    .bind(&d.level)
    .bind(&d.tier)
    .bind(&d.title)
    .bind(&d.body)
    .bind(gongjiang_search::index_words(&d.title))
    .bind(gongjiang_search::index_words(&d.body))
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// 'studio', 'achievement' or 'person'; all when none.
    pub entity: Option<String>,
    pub field: Option<String>,
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub level: Option<String>,
    pub tier: Option<String>,
    /// Only records of this unit's subtree.
    pub within: Option<UnitPath>,
}

/// Who is searching: published records for everyone, and everything inside `roots` too.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    pub roots: Vec<UnitPath>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Hit {
    pub entity: String,
    pub entity_id: i64,
    pub title: String,
    pub body: String,
    pub year: Option<i64>,
    pub kind: String,
    pub level: String,
    pub tier: String,
}

/// Where the log stands: its last number, and the name of this database for the indexes.
pub async fn feed(conn: &mut Conn) -> DbResult<(i64, String)> {
    let row = sqlx::query("SELECT seq, owner FROM search_feed WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Gives the log a new name: every instance's index then starts again from its first change.
/// For a copy that may be restored (its numbers would go on differently from the indexes
/// built from the original) and after every document was rewritten.
pub async fn rename_feed(conn: &mut Conn) -> DbResult<()> {
    let fresh = if conn.backend_name() == "SQLite" {
        "lower(hex(randomblob(16)))"
    } else {
        "md5(random()::text || clock_timestamp()::text)"
    };
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE search_feed SET owner = {fresh} WHERE id = 1"
    )))
    .execute(conn)
    .await?;
    Ok(())
}

/// The changes numbered after `after`, up to `upto`, at most about `limit` of them, in order;
/// and the number up to which they are complete (`upto` when nothing was left out).
pub async fn changes(
    conn: &mut Conn,
    after: i64,
    upto: i64,
    limit: i64,
) -> DbResult<(Vec<Change>, i64)> {
    let rows = sqlx::query(
        "SELECT id, seq, entity, unit_path, published, fields, kind, year, level, tier, title_words, body_words, title, body FROM search_docs WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after)
    .bind(upto)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let removed: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT seq, doc_id FROM search_removed WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after)
    .bind(upto)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut complete = upto;
    let mut numbered: Vec<(i64, Change)> = Vec::with_capacity(rows.len() + removed.len());
    for r in &rows {
        let fields: String = r.try_get(5)?;
        numbered.push((
            r.try_get(1)?,
            Change::Put(Box::new(IndexedDoc {
                doc_id: r.try_get(0)?,
                entity: r.try_get(2)?,
                unit_path: r.try_get(3)?,
                published: r.try_get::<i64, _>(4)? == 1,
                fields: fields
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect(),
                kind: r.try_get(6)?,
                year: r.try_get(7)?,
                level: r.try_get(8)?,
                tier: r.try_get(9)?,
                title_words: r.try_get(10)?,
                body_words: r.try_get(11)?,
                title: r.try_get(12)?,
                body: r.try_get(13)?,
            })),
        ));
    }
    if rows.len() as i64 == limit
        && let Some(last) = numbered.last()
    {
        complete = complete.min(last.0);
    }
    if removed.len() as i64 == limit
        && let Some(last) = removed.last()
    {
        complete = complete.min(last.0);
    }
    numbered.extend(
        removed
            .into_iter()
            .map(|(seq, id)| (seq, Change::Remove(id))),
    );
    numbered.retain(|(seq, _)| *seq <= complete);
    numbered.sort_by_key(|(seq, _)| *seq);
    Ok((numbered.into_iter().map(|(_, c)| c).collect(), complete))
}

/// The documents `ids` that the searcher may see and the filters keep, by their row (the
/// index found them a moment ago: a change of rights or publication since is not missed).
pub async fn shown(
    conn: &mut Conn,
    ids: &[i64],
    filter: &SearchFilter,
    visible: &Visibility,
) -> DbResult<Vec<(i64, Hit)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    let listed: Vec<String> = ids.iter().map(|id| w.int(*id)).collect();
    w.and(format!("d.id IN ({})", listed.join(", ")));
    restrict(&mut w, filter, visible);
    let sql = format!(
        "SELECT d.id, d.entity, d.entity_id, d.title, d.body, d.year, d.kind, d.level, d.tier FROM search_docs d{}",
        w.sql()
    );
    let rows = w
        .bind_as::<(
            i64,
            String,
            i64,
            String,
            String,
            Option<i64>,
            String,
            String,
            String,
        )>(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(doc_id, entity, entity_id, title, body, year, kind, level, tier)| {
                (
                    doc_id,
                    Hit {
                        entity,
                        entity_id,
                        title,
                        body,
                        year,
                        kind,
                        level,
                        tier,
                    },
                )
            },
        )
        .collect())
}

/// What the searcher may see (published records, or those inside their subtrees) and the
/// filters, on the documents `d`.
fn restrict(w: &mut Where, filter: &SearchFilter, visible: &Visibility) {
    let mut seen = vec!["d.published = 1".to_owned()];
    for root in &visible.roots {
        let p = w.text(&crate::like_prefix(root.as_str()));
        seen.push(format!("d.unit_path LIKE {p} ESCAPE '\\'"));
    }
    w.and(format!("({})", seen.join(" OR ")));
    if let Some(within) = &filter.within {
        w.within("d.unit_path", std::slice::from_ref(within));
    }
    for (column, value) in [
        ("d.entity", &filter.entity),
        ("d.kind", &filter.kind),
        ("d.level", &filter.level),
        ("d.tier", &filter.tier),
    ] {
        if let Some(v) = value {
            let p = w.text(v);
            w.and(format!("{column} = {p}"));
        }
    }
    if let Some(field) = &filter.field {
        let p = w.text(&format!("%,{field},%"));
        w.and(format!("d.fields LIKE {p}"));
    }
    if let Some(year) = filter.year {
        let p = w.int(year);
        w.and(format!("d.year = {p}"));
    }
}

/// The records indexed under a unit's subtree.
pub async fn entities_under(conn: &mut Conn, path: &UnitPath) -> DbResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT entity, entity_id FROM search_docs WHERE unit_path LIKE $1 ESCAPE '\\' ORDER BY id",
    )
    .bind(crate::like_prefix(path.as_str()))
    .fetch_all(conn)
    .await?)
}

/// The kinds of record indexed, with their tables.
pub const ENTITIES: [(&str, &str); 3] = [
    ("studio", "studios"),
    ("achievement", "achievements"),
    ("person", "people"),
];

/// Every record's id of an entity (`ENTITIES`), in order.
pub async fn record_ids(conn: &mut Conn, entity: &str) -> DbResult<Vec<i64>> {
    let Some((_, table)) = ENTITIES.iter().find(|(e, _)| *e == entity) else {
        return Ok(Vec::new());
    };
    Ok(
        sqlx::query_scalar(AssertSqlSafe(format!("SELECT id FROM {table} ORDER BY id")))
            .fetch_all(conn)
            .await?,
    )
}

/// How many studios and achievements have no document (the index is missing or behind).
pub async fn unindexed(conn: &mut Conn) -> DbResult<i64> {
    let mut missing = 0;
    for (entity, table) in &ENTITIES[..2] {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} r WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.entity = '{entity}' AND d.entity_id = r.id)"
        )))
        .fetch_one(&mut *conn)
        .await?;
        missing += n;
    }
    Ok(missing)
}

/// Removes the documents of records that no longer exist; how many.
pub async fn remove_orphans(conn: &mut Conn) -> DbResult<u64> {
    let mut removed = 0;
    for (entity, table) in ENTITIES {
        removed += sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM search_docs WHERE entity = '{entity}' AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = search_docs.entity_id)"
        )))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(removed)
}
