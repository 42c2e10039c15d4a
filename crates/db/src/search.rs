//! The search index: one document per studio, achievement and person, written in the caller's
//! transaction, and matched with SQLite FTS5 or a PostgreSQL `tsvector`, ranked by relevance.

use crate::filter::Where;
use crate::{Conn, DbResult, Page};
use gongjiang_domain::unit::UnitPath;
use gongjiang_search::Query;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// Searches count their matches up to this many ("more than 1,000").
pub const COUNT_CAP: i64 = 1000;

/// Searches rank at most this many of the newest matches in titles, and as many anywhere.
pub const RANKED_CANDIDATES: i64 = 600;

/// Beyond the page asked for, how many of the best-ranked candidates are read whole to find
/// the query as a phrase in their text.
const PHRASE_WINDOW: i64 = 300;

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

/// Writes (or rewrites) a record's document.
pub async fn put(conn: &mut Conn, d: &Document) -> DbResult<()> {
    let fields = if d.fields.is_empty() {
        String::new()
    } else {
        format!(",{},", d.fields.join(","))
    };
    sqlx::query(
        "INSERT INTO search_docs (entity, entity_id, unit_path, published, fields, kind, year, level, tier, title, body, title_words, body_words) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (entity, entity_id) DO UPDATE SET unit_path = excluded.unit_path, published = excluded.published, fields = excluded.fields, kind = excluded.kind, year = excluded.year, level = excluded.level, tier = excluded.tier, title = excluded.title, body = excluded.body, title_words = excluded.title_words, body_words = excluded.body_words",
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

/// How many documents match `query` that the searcher may see, counted up to [`COUNT_CAP`].
pub async fn count(
    conn: &mut Conn,
    query: &Query,
    filter: &SearchFilter,
    visible: &Visibility,
) -> DbResult<i64> {
    if query.is_empty() {
        return Ok(0);
    }
    let mut w = Where::default();
    let from = if conn.backend_name() == "SQLite" {
        let p = w.text(&query.fts5());
        w.and(format!("search_fts MATCH {p}"));
        " FROM search_fts JOIN search_docs d INDEXED BY search_docs_seen ON d.id = search_fts.rowid"
    } else {
        let p = w.text(&query.tsquery());
        w.and(format!("d.tsv @@ to_tsquery('simple', {p})"));
        " FROM search_docs d"
    };
    restrict(&mut w, filter, visible);
    let cond = w.sql();
    // Counting every match of a common word costs as much as ranking them: count up to a cap.
    Ok(w.bind_scalar(sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM (SELECT 1{from}{cond} LIMIT {COUNT_CAP}) capped"
    ))))
    .fetch_one(&mut *conn)
    .await?)
}

/// The page of documents matching `query` that the searcher may see, the most relevant first.
pub async fn hits(
    conn: &mut Conn,
    query: &Query,
    filter: &SearchFilter,
    visible: &Visibility,
    page: Page,
) -> DbResult<Vec<Hit>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let sqlite = conn.backend_name() == "SQLite";
    ranked(conn, query, sqlite, filter, visible, page).await
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

/// The page of hits, in tiers — the query whole in the title; all its words in the title; the
/// query whole in the body; the rest — and by relevance within a tier (bm25 or `ts_rank`, the
/// title weighted above the body). Only the newest matches are ranked, in the title and
/// anywhere, at most [`RANKED_CANDIDATES`] of each: a common word costs the same as a rare one.
async fn ranked(
    conn: &mut Conn,
    query: &Query,
    sqlite: bool,
    filter: &SearchFilter,
    visible: &Visibility,
    page: Page,
) -> DbResult<Vec<Hit>> {
    let mut w = Where::default();
    let phrase = w.text(&query.phrase);
    let candidates = if sqlite {
        let all = w.text(&query.fts5());
        let title = w.text(&format!("{{title_words}} : ({})", query.fts5()));
        format!(
            "SELECT id, MAX(in_title) AS in_title, COALESCE(MIN(CASE WHEN in_title = 1 THEN score END), MIN(score)) AS score FROM (\
             SELECT * FROM (SELECT rowid AS id, 1 AS in_title, bm25(search_fts, 5.0, 1.0) AS score FROM search_fts WHERE search_fts MATCH {title} ORDER BY rowid DESC LIMIT {RANKED_CANDIDATES}) \
             UNION ALL SELECT * FROM (SELECT rowid AS id, 0 AS in_title, bm25(search_fts, 5.0, 1.0) AS score FROM search_fts WHERE search_fts MATCH {all} ORDER BY rowid DESC LIMIT {RANKED_CANDIDATES})\
             ) found GROUP BY id"
        )
    } else {
        let all = w.text(&query.tsquery());
        let title = w.text(&query.tsquery_in_title());
        format!(
            "SELECT id, MAX(in_title) AS in_title, MIN(score) AS score FROM (\
             SELECT * FROM (SELECT id, 1 AS in_title, -ts_rank(tsv, to_tsquery('simple', {all})) AS score FROM search_docs WHERE tsv @@ to_tsquery('simple', {title}) ORDER BY id DESC LIMIT {RANKED_CANDIDATES}) t \
             UNION ALL SELECT * FROM (SELECT id, 0 AS in_title, -ts_rank(tsv, to_tsquery('simple', {all})) AS score FROM search_docs WHERE tsv @@ to_tsquery('simple', {all}) ORDER BY id DESC LIMIT {RANKED_CANDIDATES}) a\
             ) found GROUP BY id"
        )
    };
    let place = if sqlite { "instr" } else { "strpos" };
    restrict(&mut w, filter, visible);
    let filters = w.sql();
    // The filters read the narrow index, not the documents' text; only the best candidates'
    // text is read, to find the phrase.
    let narrow = if sqlite {
        " INDEXED BY search_docs_seen"
    } else {
        ""
    };
    let window = page.offset + page.limit + PHRASE_WINDOW;
    let sql = format!(
        "SELECT r.entity, r.entity_id, r.title, r.body, r.year, r.kind, r.level, r.tier FROM (\
         SELECT c.id, c.in_title, c.score FROM ({candidates}) c JOIN search_docs d{narrow} ON d.id = c.id{filters} \
         ORDER BY c.in_title DESC, c.score, c.id LIMIT {window}) top JOIN search_docs r ON r.id = top.id \
         ORDER BY CASE WHEN {place}(lower(r.title), {phrase}) > 0 THEN 0 WHEN top.in_title = 1 THEN 1 WHEN {place}(lower(r.body), {phrase}) > 0 THEN 2 ELSE 3 END, top.score, r.id \
         LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await?)
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
