//! Studios, their members, recognition levels and star ratings.

use crate::filter::Where;
use crate::{Conn, DbResult, Page, StoredFlag, like_contains};
use gongjiang_domain::registry::studio::{StudioProfile, StudioStatus};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A studio as pages and the API show it, with its host unit and leader.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StudioView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub leader_person_id: Option<i64>,
    pub leader_name: Option<String>,
    pub fields: String,
    pub founded_year: Option<i64>,
    pub site: String,
    pub equipment: String,
    pub funds: String,
    pub contact: String,
    pub summary: String,
    pub level: String,
    pub stars: i64,
    #[sqlx(try_from = "String")]
    pub status: StudioStatus,
    pub merged_into: Option<i64>,
    pub status_on: String,
    #[sqlx(try_from = "StoredFlag")]
    pub published: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl StudioView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }

    pub fn field_codes(&self) -> Vec<&str> {
        self.fields.split(',').filter(|f| !f.is_empty()).collect()
    }
}

const VIEW: &str = "SELECT s.id, s.unit_id, u.name AS unit_name, u.path AS unit_path, s.name, s.leader_person_id, p.name AS leader_name, s.fields, s.founded_year, s.site, s.equipment, s.funds, s.contact, s.summary, s.level, s.stars, s.status, s.merged_into, s.status_on, s.published, s.created_at, s.updated_at FROM studios s JOIN units u ON u.id = s.unit_id LEFT JOIN people p ON p.id = s.leader_person_id";

fn joined_fields(profile: &StudioProfile) -> String {
    profile
        .fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    leader: Option<i64>,
    profile: &StudioProfile,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO studios (unit_id, name, leader_person_id, fields, founded_year, site, equipment, funds, contact, summary, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(unit_id)
    .bind(&profile.name)
    .bind(leader)
    .bind(joined_fields(profile))
    .bind(profile.founded_year.map(i64::from))
    .bind(&profile.site)
    .bind(&profile.equipment)
    .bind(&profile.funds)
    .bind(&profile.contact)
    .bind(&profile.summary)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Rewrites the profile if the studio is still at version `previous` (its `updated_at`);
/// false when another change came first.
pub async fn update_profile(
    conn: &mut Conn,
    id: i64,
    leader: Option<i64>,
    profile: &StudioProfile,
    previous: i64,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE studios SET name = $1, leader_person_id = $2, fields = $3, founded_year = $4, site = $5, equipment = $6, funds = $7, contact = $8, summary = $9, updated_at = $10 WHERE id = $11 AND updated_at = $12",
    )
    .bind(&profile.name)
    .bind(leader)
    .bind(joined_fields(profile))
    .bind(profile.founded_year.map(i64::from))
    .bind(&profile.site)
    .bind(&profile.equipment)
    .bind(&profile.funds)
    .bind(&profile.contact)
    .bind(&profile.summary)
    .bind(now)
    .bind(id)
    .bind(previous)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<StudioView>> {
    let sql = format!("{VIEW} WHERE s.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The studio of this name in this unit, if any (names are unique within a host unit).
pub async fn by_name(conn: &mut Conn, unit_id: i64, name: &str) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM studios WHERE unit_id = $1 AND name = $2")
            .bind(unit_id)
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(Debug, Clone, Default)]
pub struct StudioFilter {
    /// Part of the name, the leader's name or the host unit's name.
    pub query: String,
    pub level: Option<String>,
    pub stars: Option<i64>,
    pub status: Option<String>,
    pub field: Option<String>,
    /// Only studios hosted inside this subtree.
    pub within: Option<UnitPath>,
    pub published_only: bool,
}

/// Studios hosted inside `roots` (or anywhere, for `None`) matching the filter, with the total.
pub async fn list(
    conn: &mut Conn,
    roots: Option<&[UnitPath]>,
    filter: &StudioFilter,
    page: Page,
) -> DbResult<(Vec<StudioView>, i64)> {
    let mut w = Where::default();
    if let Some(roots) = roots {
        w.within("u.path", roots);
    }
    if let Some(within) = &filter.within {
        w.within("u.path", std::slice::from_ref(within));
    }
    if !filter.query.is_empty() {
        let p = w.text(&like_contains(&filter.query));
        w.and(format!(
            "(s.name LIKE {p} ESCAPE '\\' OR p.name LIKE {p} ESCAPE '\\' OR u.name LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(level) = &filter.level {
        let p = w.text(level);
        w.and(format!("s.level = {p}"));
    }
    if let Some(stars) = filter.stars {
        let p = w.int(stars);
        w.and(format!("s.stars = {p}"));
    }
    if let Some(status) = &filter.status {
        let p = w.text(status);
        w.and(format!("s.status = {p}"));
    }
    if let Some(field) = &filter.field {
        let p = w.text(&format!(",{field},"));
        w.and(format!("(',' || s.fields || ',') LIKE '%' || {p} || '%'"));
    }
    if filter.published_only {
        w.and("s.published = 1");
    }
    let cond = w.sql();
    let count_sql = format!(
        "SELECT COUNT(*) FROM studios s JOIN units u ON u.id = s.unit_id LEFT JOIN people p ON p.id = s.leader_person_id{cond}"
    );
    let total: i64 = w
        .bind_scalar(sqlx::query_scalar(AssertSqlSafe(count_sql)))
        .fetch_one(&mut *conn)
        .await?;
    let sql = format!(
        "{VIEW}{cond} ORDER BY u.path, s.name, s.id LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    let rows = w
        .bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await?;
    Ok((rows, total))
}

/// The studios a person leads or belongs to now.
pub async fn of_person(conn: &mut Conn, person_id: i64) -> DbResult<Vec<StudioView>> {
    let sql = format!(
        "{VIEW} WHERE s.leader_person_id = $1 OR s.id IN (SELECT studio_id FROM studio_members WHERE person_id = $1 AND left_on IS NULL) ORDER BY s.name"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(conn)
        .await?)
}

pub async fn set_status(
    conn: &mut Conn,
    id: i64,
    status: &str,
    merged_into: Option<i64>,
    on: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE studios SET status = $1, merged_into = $2, status_on = $3, updated_at = CASE WHEN updated_at >= $4 THEN updated_at + 1 ELSE $4 END WHERE id = $5",
    )
    .bind(status)
    .bind(merged_into)
    .bind(on)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_published(conn: &mut Conn, id: i64, published: bool, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE studios SET published = $1, updated_at = CASE WHEN updated_at >= $2 THEN updated_at + 1 ELSE $2 END WHERE id = $3")
        .bind(i64::from(published))
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member of a studio, with the person's name and unit.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub studio_id: i64,
    pub person_id: i64,
    pub name: String,
    pub unit_name: String,
    pub trade: String,
    pub role: String,
    pub joined_on: String,
    pub left_on: Option<String>,
}

/// Everyone who was ever a member, present members first.
pub async fn members(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<MemberView>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.studio_id, m.person_id, p.name, u.name AS unit_name, p.trade, m.role, m.joined_on, m.left_on FROM studio_members m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id WHERE m.studio_id = $1 ORDER BY CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, CASE m.role WHEN 'leader' THEN 0 WHEN 'core' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, m.joined_on, m.id",
    )
    .bind(studio_id)
    .fetch_all(conn)
    .await?)
}

pub async fn member(conn: &mut Conn, id: i64) -> DbResult<Option<MemberView>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.studio_id, m.person_id, p.name, u.name AS unit_name, p.trade, m.role, m.joined_on, m.left_on FROM studio_members m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn add_member(
    conn: &mut Conn,
    studio_id: i64,
    person_id: i64,
    role: &str,
    joined_on: &str,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO studio_members (studio_id, person_id, role, joined_on) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(studio_id)
    .bind(person_id)
    .bind(role)
    .bind(joined_on)
    .fetch_one(conn)
    .await?)
}

pub async fn end_member(conn: &mut Conn, id: i64, left_on: &str) -> DbResult<()> {
    sqlx::query("UPDATE studio_members SET left_on = $1 WHERE id = $2")
        .bind(left_on)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct LevelView {
    pub id: i64,
    pub level: String,
    pub year: i64,
    pub granted_by: String,
    pub note: String,
}

pub async fn levels(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<LevelView>> {
    Ok(sqlx::query_as(
        "SELECT id, level, year, granted_by, note FROM studio_levels WHERE studio_id = $1 ORDER BY year, id",
    )
    .bind(studio_id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_level(
    conn: &mut Conn,
    studio_id: i64,
    level: &str,
    year: i64,
    granted_by: &str,
    note: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO studio_levels (studio_id, level, year, granted_by, note, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(studio_id)
    .bind(level)
    .bind(year)
    .bind(granted_by)
    .bind(note)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Keeps the studio's current level and stars next to their histories, for lists and counts.
pub async fn set_standing(conn: &mut Conn, id: i64, level: &str, stars: i64) -> DbResult<()> {
    sqlx::query("UPDATE studios SET level = $1, stars = $2 WHERE id = $3")
        .bind(level)
        .bind(stars)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct RatingView {
    pub id: i64,
    pub stars: i64,
    pub rated_on: String,
    pub source: String,
}

/// Ratings, oldest first.
pub async fn ratings(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<RatingView>> {
    Ok(sqlx::query_as(
        "SELECT id, stars, rated_on, source FROM studio_ratings WHERE studio_id = $1 ORDER BY rated_on, id",
    )
    .bind(studio_id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_rating(
    conn: &mut Conn,
    studio_id: i64,
    stars: i64,
    rated_on: &str,
    source: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO studio_ratings (studio_id, stars, rated_on, source, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(studio_id)
    .bind(stars)
    .bind(rated_on)
    .bind(source)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A studio's pictures (their ids and names), oldest first.
pub async fn pictures(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM studio_pictures WHERE studio_id = $1 ORDER BY id")
            .bind(studio_id)
            .fetch_all(conn)
            .await?,
    )
}

pub async fn add_picture(
    conn: &mut Conn,
    studio_id: i64,
    name: &str,
    content_type: &str,
    bytes: &[u8],
    thumbnail: &[u8],
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO studio_pictures (studio_id, name, content_type, bytes, thumbnail, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(studio_id)
    .bind(name)
    .bind(content_type)
    .bind(bytes.to_vec())
    .bind(thumbnail.to_vec())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A picture: its studio, content type and bytes (the JPEG thumbnail's, when asked).
pub async fn picture(
    conn: &mut Conn,
    id: i64,
    thumbnail: bool,
) -> DbResult<Option<(i64, String, Vec<u8>)>> {
    let sql = if thumbnail {
        "SELECT studio_id, 'image/jpeg', thumbnail FROM studio_pictures WHERE id = $1"
    } else {
        "SELECT studio_id, content_type, bytes FROM studio_pictures WHERE id = $1"
    };
    Ok(sqlx::query_as(sql).bind(id).fetch_optional(conn).await?)
}
