//! Achievements, the people who made them, their awards, declaration steps and files.

use crate::filter::Where;
use crate::{Conn, DbResult, Page, StoredFlag, like_contains};
use gongjiang_domain::registry::achievement::{AchievementKind, AchievementText, Award, Stage};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

mod records;
pub use records::{RecordLists, RecordReads, record, records};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AchievementView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub studio_id: Option<i64>,
    pub studio_name: Option<String>,
    /// Whether its studio is on the showcase (1): public pages name only such studios.
    pub studio_published: Option<i64>,
    pub title: String,
    pub summary: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub kind: AchievementKind,
    pub field: String,
    pub year: i64,
    pub effects: String,
    pub patents: String,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub at_unit_id: Option<i64>,
    pub at_unit_name: Option<String>,
    pub best_tier: String,
    #[sqlx(try_from = "StoredFlag")]
    pub published: bool,
    /// The first picture, for cards and lists.
    pub cover_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AchievementView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }

    /// As the public may see it: its studio named only if the studio is published too.
    pub fn for_public(mut self) -> AchievementView {
        if self.studio_published != Some(1) {
            self.studio_id = None;
            self.studio_name = None;
        }
        self
    }
}

const VIEW: &str = "SELECT a.id, a.unit_id, u.name AS unit_name, u.path AS unit_path, a.studio_id, s.name AS studio_name, s.published AS studio_published, a.title, a.summary, a.description, a.kind, a.field, a.year, a.effects, a.patents, a.stage, a.at_unit_id, au.name AS at_unit_name, a.best_tier, a.published, (SELECT MIN(f.id) FROM achievement_files f WHERE f.achievement_id = a.id AND f.kind = 'picture') AS cover_id, a.created_at, a.updated_at FROM achievements a JOIN units u ON u.id = a.unit_id LEFT JOIN studios s ON s.id = a.studio_id LEFT JOIN units au ON au.id = a.at_unit_id";

const FROM: &str = " FROM achievements a JOIN units u ON u.id = a.unit_id LEFT JOIN studios s ON s.id = a.studio_id";

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    studio_id: Option<i64>,
    t: &AchievementText,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO achievements (unit_id, studio_id, title, summary, description, kind, field, year, effects, patents, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(unit_id)
    .bind(studio_id)
    .bind(&t.title)
    .bind(&t.summary)
    .bind(&t.description)
    .bind(t.kind.as_str())
    .bind(t.field.as_str())
    .bind(i64::from(t.year))
    .bind(&t.effects)
    .bind(&t.patents)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Rewrites the text if the achievement is still at version `previous` (its `updated_at`);
/// false when another change came first.
pub async fn update_text(
    conn: &mut Conn,
    id: i64,
    studio_id: Option<i64>,
    t: &AchievementText,
    previous: i64,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE achievements SET studio_id = $1, title = $2, summary = $3, description = $4, kind = $5, field = $6, year = $7, effects = $8, patents = $9, updated_at = $10 WHERE id = $11 AND updated_at = $12",
    )
    .bind(studio_id)
    .bind(&t.title)
    .bind(&t.summary)
    .bind(&t.description)
    .bind(t.kind.as_str())
    .bind(t.field.as_str())
    .bind(i64::from(t.year))
    .bind(&t.effects)
    .bind(&t.patents)
    .bind(now)
    .bind(id)
    .bind(previous)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<AchievementView>> {
    let sql = format!("{VIEW} WHERE a.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct AchievementFilter {
    /// Part of the title (the search box uses the search index instead).
    pub query: String,
    pub field: Option<String>,
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub stage: Option<String>,
    pub tier: Option<String>,
    pub studio: Option<i64>,
    /// Only those of this unit's subtree.
    pub within: Option<UnitPath>,
    pub published_only: bool,
}

fn conditions(w: &mut Where, roots: Option<&[UnitPath]>, f: &AchievementFilter) {
    if let Some(roots) = roots {
        w.within("u.path", roots);
    }
    if let Some(within) = &f.within {
        w.within("u.path", std::slice::from_ref(within));
    }
    if !f.query.is_empty() {
        let p = w.text(&like_contains(&f.query));
        w.and(format!("a.title LIKE {p} ESCAPE '\\'"));
    }
    for (column, value) in [
        ("a.field", &f.field),
        ("a.kind", &f.kind),
        ("a.stage", &f.stage),
        ("a.best_tier", &f.tier),
    ] {
        if let Some(v) = value {
            let p = w.text(v);
            w.and(format!("{column} = {p}"));
        }
    }
    if let Some(year) = f.year {
        let p = w.int(year);
        w.and(format!("a.year = {p}"));
    }
    if let Some(studio) = f.studio {
        let p = w.int(studio);
        w.and(format!("a.studio_id = {p}"));
    }
    if f.published_only {
        w.and("a.published = 1");
    }
}

/// Achievements declared inside `roots` (or anywhere, for `None`), newest first, with the total.
pub async fn list(
    conn: &mut Conn,
    roots: Option<&[UnitPath]>,
    filter: &AchievementFilter,
    page: Page,
) -> DbResult<(Vec<AchievementView>, i64)> {
    let mut w = Where::default();
    conditions(&mut w, roots, filter);
    let cond = w.sql();
    // Counting needs the units only to filter by subtree (it is the costly part at scale).
    let from = if roots.is_some() || filter.within.is_some() {
        FROM
    } else {
        " FROM achievements a"
    };
    let total: i64 = w
        .bind_scalar(sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*){from}{cond}"
        ))))
        .fetch_one(&mut *conn)
        .await?;
    // The page's ids first, from the index alone, then only their rows joined: a late page
    // would otherwise read and join every row it skips (PostgreSQL at 100,000: 2.2 ms down to
    // 0.6 ms for page 17 of a field).
    let sql = format!(
        "{VIEW} WHERE a.id IN (SELECT a.id{from}{cond} ORDER BY a.year DESC, a.id DESC LIMIT {} OFFSET {}) ORDER BY a.year DESC, a.id DESC",
        page.limit, page.offset
    );
    let rows = w
        .bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await?;
    Ok((rows, total))
}

/// Declarations waiting on one of these units.
pub async fn awaiting(conn: &mut Conn, unit_ids: &[i64]) -> DbResult<Vec<AchievementView>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = unit_ids.iter().map(|i| i.to_string()).collect();
    let sql = format!(
        "{VIEW} WHERE a.stage = 'declared' AND a.at_unit_id IN ({}) ORDER BY a.updated_at, a.id",
        list.join(",")
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn set_position(
    conn: &mut Conn,
    id: i64,
    stage: &str,
    at_unit: Option<i64>,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE achievements SET stage = $1, at_unit_id = $2, updated_at = CASE WHEN updated_at >= $3 THEN updated_at + 1 ELSE $3 END WHERE id = $4",
    )
    .bind(stage)
    .bind(at_unit)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_published(conn: &mut Conn, id: i64, published: bool, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE achievements SET published = $1, updated_at = CASE WHEN updated_at >= $2 THEN updated_at + 1 ELSE $2 END WHERE id = $3")
        .bind(i64::from(published))
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct MakerView {
    pub person_id: i64,
    pub name: String,
    pub unit_name: String,
}

pub async fn people(conn: &mut Conn, id: i64) -> DbResult<Vec<MakerView>> {
    Ok(sqlx::query_as(
        "SELECT m.person_id, p.name, u.name AS unit_name FROM achievement_people m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id WHERE m.achievement_id = $1 ORDER BY m.position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// Replaces the list of people who made the achievement (order matters: the first leads).
pub async fn set_people(conn: &mut Conn, id: i64, people: &[i64]) -> DbResult<()> {
    sqlx::query("DELETE FROM achievement_people WHERE achievement_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, person) in people.iter().enumerate() {
        sqlx::query("INSERT INTO achievement_people (achievement_id, person_id, position) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(*person)
            .bind(i as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The achievements a person helped make.
pub async fn of_person(conn: &mut Conn, person_id: i64) -> DbResult<Vec<AchievementView>> {
    let sql = format!(
        "{VIEW} WHERE a.id IN (SELECT achievement_id FROM achievement_people WHERE person_id = $1) ORDER BY a.year DESC, a.id DESC"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(conn)
        .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct AwardView {
    pub id: i64,
    pub achievement_id: i64,
    pub name: String,
    pub tier: String,
    pub granted_by: String,
    pub year: i64,
}

pub async fn awards(conn: &mut Conn, id: i64) -> DbResult<Vec<AwardView>> {
    Ok(sqlx::query_as(
        "SELECT id, achievement_id, name, tier, granted_by, year FROM awards WHERE achievement_id = $1 ORDER BY year DESC, id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_award(conn: &mut Conn, id: i64, a: &Award, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO awards (achievement_id, name, tier, granted_by, year, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(&a.name)
    .bind(a.tier.as_str())
    .bind(&a.granted_by)
    .bind(i64::from(a.year))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn set_best_tier(conn: &mut Conn, id: i64, tier: &str) -> DbResult<()> {
    sqlx::query("UPDATE achievements SET best_tier = $1 WHERE id = $2")
        .bind(tier)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub id: i64,
    pub at_ms: i64,
    pub actor_name: String,
    pub decision: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub to_unit_name: Option<String>,
    pub reason: String,
}

pub async fn steps(conn: &mut Conn, id: i64) -> DbResult<Vec<StepView>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.at_ms, d.actor_name, d.decision, d.unit_id, u.name AS unit_name, t.name AS to_unit_name, d.reason FROM declaration_steps d JOIN units u ON u.id = d.unit_id LEFT JOIN units t ON t.id = d.to_unit_id WHERE d.achievement_id = $1 ORDER BY d.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_step(
    conn: &mut Conn,
    id: i64,
    now: i64,
    actor_user_id: Option<i64>,
    actor_name: &str,
    decision: &str,
    unit_id: i64,
    to_unit_id: Option<i64>,
    reason: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO declaration_steps (achievement_id, at_ms, actor_user_id, actor_name, decision, unit_id, to_unit_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(now)
    .bind(actor_user_id)
    .bind(actor_name)
    .bind(decision)
    .bind(unit_id)
    .bind(to_unit_id)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: i64,
    pub achievement_id: i64,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

pub async fn files(conn: &mut Conn, id: i64) -> DbResult<Vec<FileView>> {
    Ok(sqlx::query_as(
        "SELECT id, achievement_id, kind, name, content_type, size FROM achievement_files WHERE achievement_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub struct NewFile<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub thumbnail: Option<&'a [u8]>,
}

pub async fn add_file(conn: &mut Conn, id: i64, f: &NewFile<'_>, now: i64) -> DbResult<i64> {
    let position: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM achievement_files WHERE achievement_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO achievement_files (achievement_id, kind, name, content_type, size, bytes, thumbnail, position, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(f.kind)
    .bind(f.name)
    .bind(f.content_type)
    .bind(f.bytes.len() as i64)
    .bind(f.bytes.to_vec())
    .bind(f.thumbnail.map(<[u8]>::to_vec))
    .bind(position)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A file's record and its bytes (the thumbnail's, when asked and there is one).
pub async fn file_bytes(
    conn: &mut Conn,
    file_id: i64,
    thumbnail: bool,
) -> DbResult<Option<(FileView, Vec<u8>)>> {
    // Thumbnails are JPEG whatever the picture was.
    let (content_type, column) = if thumbnail {
        (
            "CASE WHEN thumbnail IS NULL THEN content_type ELSE 'image/jpeg' END",
            "COALESCE(thumbnail, bytes)",
        )
    } else {
        ("content_type", "bytes")
    };
    let row: Option<FileRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, achievement_id, kind, name, {content_type} AS content_type, size, {column} AS bytes FROM achievement_files WHERE id = $1"
    )))
    .bind(file_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            FileView {
                id: r.id,
                achievement_id: r.achievement_id,
                kind: r.kind,
                name: r.name,
                content_type: r.content_type,
                size: r.size,
            },
            r.bytes,
        )
    }))
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    achievement_id: i64,
    kind: String,
    name: String,
    content_type: String,
    size: i64,
    bytes: Vec<u8>,
}

pub async fn delete_file(conn: &mut Conn, file_id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM achievement_files WHERE id = $1")
        .bind(file_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Units that have published achievements (for the showcase's filter). An `EXISTS` per unit
/// rather than a count over every published achievement: this runs on every listing page.
pub async fn units_with_published(conn: &mut Conn) -> DbResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name FROM units u WHERE EXISTS (SELECT 1 FROM achievements a WHERE a.unit_id = u.id AND a.published = 1) ORDER BY u.path LIMIT 300",
    )
    .fetch_all(conn)
    .await?)
}

/// The achievements that name a studio (to index them again when the studio changes).
pub async fn ids_of_studio(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM achievements WHERE studio_id = $1 ORDER BY id")
            .bind(studio_id)
            .fetch_all(conn)
            .await?,
    )
}
