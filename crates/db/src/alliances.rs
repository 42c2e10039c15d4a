//! Alliances, their member studios, chair terms and projects; the federation's settings.

use crate::filter::Where;
use crate::{Conn, DbResult, Page, StoredFlag, like_contains};
use gongjiang_domain::registry::alliance::AllianceProfile;
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AllianceView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub kind: String,
    pub theme: String,
    pub purpose: String,
    pub founded_year: Option<i64>,
    pub annual_quota: Option<i64>,
    #[sqlx(try_from = "StoredFlag")]
    pub published: bool,
    /// Studios that are members now.
    pub members: i64,
    /// The unit chairing it now.
    pub chair_name: Option<String>,
    pub updated_at: i64,
}

impl AllianceView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }
}

const VIEW: &str = "SELECT a.id, a.unit_id, u.name AS unit_name, u.path AS unit_path, a.name, a.kind, a.theme, a.purpose, a.founded_year, a.annual_quota, a.published, (SELECT COUNT(*) FROM alliance_members m WHERE m.alliance_id = a.id AND m.left_on IS NULL) AS members, (SELECT cu.name FROM alliance_chairs c JOIN units cu ON cu.id = c.unit_id WHERE c.alliance_id = a.id AND c.until_on IS NULL) AS chair_name, a.updated_at FROM alliances a JOIN units u ON u.id = a.unit_id";

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    profile: &AllianceProfile,
    quota: Option<i64>,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO alliances (unit_id, name, kind, theme, purpose, founded_year, annual_quota, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(unit_id)
    .bind(&profile.name)
    .bind(profile.kind.as_str())
    .bind(&profile.theme)
    .bind(&profile.purpose)
    .bind(profile.founded_year.map(i64::from))
    .bind(quota)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Rewrites the record if the alliance is still at version `previous` (its `updated_at`);
/// false when another change came first.
pub async fn update(
    conn: &mut Conn,
    id: i64,
    profile: &AllianceProfile,
    quota: Option<i64>,
    previous: i64,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE alliances SET name = $1, kind = $2, theme = $3, purpose = $4, founded_year = $5, annual_quota = $6, updated_at = $7 WHERE id = $8 AND updated_at = $9",
    )
    .bind(&profile.name)
    .bind(profile.kind.as_str())
    .bind(&profile.theme)
    .bind(&profile.purpose)
    .bind(profile.founded_year.map(i64::from))
    .bind(quota)
    .bind(now)
    .bind(id)
    .bind(previous)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<AllianceView>> {
    let sql = format!("{VIEW} WHERE a.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn by_name(conn: &mut Conn, name: &str) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM alliances WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(Debug, Clone, Default)]
pub struct AllianceFilter {
    pub query: String,
    pub kind: Option<String>,
    pub published_only: bool,
}

/// Alliances, all of them (they span units, so every signed-in user may browse them).
pub async fn list(
    conn: &mut Conn,
    filter: &AllianceFilter,
    page: Page,
) -> DbResult<(Vec<AllianceView>, i64)> {
    let mut w = Where::default();
    if !filter.query.is_empty() {
        let p = w.text(&like_contains(&filter.query));
        w.and(format!(
            "(a.name LIKE {p} ESCAPE '\\' OR a.theme LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(kind) = &filter.kind {
        let p = w.text(kind);
        w.and(format!("a.kind = {p}"));
    }
    if filter.published_only {
        w.and("a.published = 1");
    }
    let cond = w.sql();
    let total: i64 = w
        .bind_scalar(sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM alliances a{cond}"
        ))))
        .fetch_one(&mut *conn)
        .await?;
    let sql = format!(
        "{VIEW}{cond} ORDER BY a.name, a.id LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    let rows = w
        .bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await?;
    Ok((rows, total))
}

/// The alliances a studio belongs to now.
pub async fn of_studio(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<AllianceView>> {
    let sql = format!(
        "{VIEW} WHERE a.id IN (SELECT alliance_id FROM alliance_members WHERE studio_id = $1 AND left_on IS NULL) ORDER BY a.name"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(studio_id)
        .fetch_all(conn)
        .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct AllianceMemberView {
    pub id: i64,
    pub alliance_id: i64,
    pub studio_id: i64,
    pub studio_name: String,
    pub unit_name: String,
    pub joined_on: String,
    pub left_on: Option<String>,
}

const MEMBER: &str = "SELECT m.id, m.alliance_id, m.studio_id, s.name AS studio_name, u.name AS unit_name, m.joined_on, m.left_on FROM alliance_members m JOIN studios s ON s.id = m.studio_id JOIN units u ON u.id = s.unit_id";

/// Every membership, present ones first.
pub async fn members(conn: &mut Conn, alliance_id: i64) -> DbResult<Vec<AllianceMemberView>> {
    let sql = format!(
        "{MEMBER} WHERE m.alliance_id = $1 ORDER BY CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, m.joined_on, m.id"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(alliance_id)
        .fetch_all(conn)
        .await?)
}

pub async fn member(conn: &mut Conn, id: i64) -> DbResult<Option<AllianceMemberView>> {
    let sql = format!("{MEMBER} WHERE m.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn add_member(
    conn: &mut Conn,
    alliance_id: i64,
    studio_id: i64,
    joined_on: &str,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO alliance_members (alliance_id, studio_id, joined_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(alliance_id)
    .bind(studio_id)
    .bind(joined_on)
    .fetch_one(conn)
    .await?)
}

pub async fn end_member(conn: &mut Conn, id: i64, left_on: &str) -> DbResult<()> {
    sqlx::query("UPDATE alliance_members SET left_on = $1 WHERE id = $2")
        .bind(left_on)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ChairView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub from_on: String,
    pub until_on: Option<String>,
    pub handover_note: String,
}

/// Chair terms in order.
pub async fn chairs(conn: &mut Conn, alliance_id: i64) -> DbResult<Vec<ChairView>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.unit_id, u.name AS unit_name, c.from_on, c.until_on, c.handover_note FROM alliance_chairs c JOIN units u ON u.id = c.unit_id WHERE c.alliance_id = $1 ORDER BY c.from_on, c.id",
    )
    .bind(alliance_id)
    .fetch_all(conn)
    .await?)
}

/// Ends the sitting term on `day` and opens the next one, in the caller's transaction.
pub async fn hand_over(
    conn: &mut Conn,
    alliance_id: i64,
    unit_id: i64,
    day: &str,
    note: &str,
) -> DbResult<i64> {
    sqlx::query(
        "UPDATE alliance_chairs SET until_on = $1 WHERE alliance_id = $2 AND until_on IS NULL",
    )
    .bind(day)
    .bind(alliance_id)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO alliance_chairs (alliance_id, unit_id, from_on, handover_note) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(alliance_id)
    .bind(unit_id)
    .bind(day)
    .bind(note)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub alliance_id: i64,
    pub year: i64,
    pub title: String,
    pub summary: String,
}

pub async fn projects(conn: &mut Conn, alliance_id: i64) -> DbResult<Vec<ProjectView>> {
    Ok(sqlx::query_as(
        "SELECT id, alliance_id, year, title, summary FROM alliance_projects WHERE alliance_id = $1 ORDER BY year DESC, id",
    )
    .bind(alliance_id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_project(
    conn: &mut Conn,
    alliance_id: i64,
    year: i64,
    title: &str,
    summary: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO alliance_projects (alliance_id, year, title, summary, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(alliance_id)
    .bind(year)
    .bind(title)
    .bind(summary)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Each alliance alive in `year` (founded by then), with its own quota and its projects that
/// year: what the annual-projects rule is checked on.
pub async fn project_counts(conn: &mut Conn, year: i64) -> DbResult<Vec<(i64, Option<i64>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.annual_quota, (SELECT COUNT(*) FROM alliance_projects p WHERE p.alliance_id = a.id AND p.year = $1) FROM alliances a WHERE a.founded_year IS NULL OR a.founded_year <= $1 ORDER BY a.id",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// A setting's value, if the federation has set it.
pub async fn setting(conn: &mut Conn, name: &str) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn set_setting(conn: &mut Conn, name: &str, value: &str) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(name)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}
