//! Innovation centers and bases (创新中心, 创新基地): larger groupings of studios and alliances.

use crate::{Conn, DbResult};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct GroupView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: String,
    pub name: String,
    pub summary: String,
    pub studios: i64,
    pub alliances: i64,
}

impl GroupView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }
}

const VIEW: &str = "SELECT g.id, g.unit_id, u.name AS unit_name, u.path AS unit_path, g.kind, g.name, g.summary, (SELECT COUNT(*) FROM innovation_group_members m WHERE m.group_id = g.id AND m.studio_id IS NOT NULL) AS studios, (SELECT COUNT(*) FROM innovation_group_members m WHERE m.group_id = g.id AND m.alliance_id IS NOT NULL) AS alliances FROM innovation_groups g JOIN units u ON u.id = g.unit_id";

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    kind: &str,
    name: &str,
    summary: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO innovation_groups (unit_id, kind, name, summary, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(unit_id)
    .bind(kind)
    .bind(name)
    .bind(summary)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<GroupView>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{VIEW} WHERE g.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn list(conn: &mut Conn) -> DbResult<Vec<GroupView>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VIEW} ORDER BY g.kind, g.name"
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn by_name(conn: &mut Conn, name: &str) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM innovation_groups WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

/// A member: (studio id, alliance id, name).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub studio_id: Option<i64>,
    pub alliance_id: Option<i64>,
    pub name: String,
}

pub async fn members(conn: &mut Conn, id: i64) -> DbResult<Vec<MemberView>> {
    Ok(sqlx::query_as(
        "SELECT m.studio_id, m.alliance_id, COALESCE(s.name, a.name) AS name FROM innovation_group_members m LEFT JOIN studios s ON s.id = m.studio_id LEFT JOIN alliances a ON a.id = m.alliance_id WHERE m.group_id = $1 ORDER BY CASE WHEN m.alliance_id IS NULL THEN 1 ELSE 0 END, name",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn add_member(
    conn: &mut Conn,
    id: i64,
    studio: Option<i64>,
    alliance: Option<i64>,
) -> DbResult<()> {
    sqlx::query("INSERT INTO innovation_group_members (group_id, studio_id, alliance_id) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(studio)
        .bind(alliance)
        .execute(conn)
        .await?;
    Ok(())
}
