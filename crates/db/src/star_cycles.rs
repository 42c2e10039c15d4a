//! Studio star evaluation cycles: the cycle and its rule, its experts, their scores, and the
//! confirmations of its proposals.

use crate::{Conn, DbResult};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct CycleRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub year: i64,
    pub name: String,
    pub criteria: String,
    pub exit_below: i64,
    pub three_stars: i64,
    pub four_stars: i64,
    pub five_stars: i64,
    pub aggregation: String,
    pub min_judges: i64,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A cycle as stored.
pub struct NewCycle<'a> {
    pub unit_id: i64,
    pub year: i64,
    pub name: &'a str,
    pub criteria: &'a str,
    /// Exit, three, four and five stars, in thousandths.
    pub thresholds: [i64; 4],
    pub aggregation: &'a str,
    pub min_judges: i64,
}

const VIEW: &str = "SELECT c.id, c.unit_id, u.name AS unit_name, u.path AS unit_path, c.year, c.name, c.criteria, c.exit_below, c.three_stars, c.four_stars, c.five_stars, c.aggregation, c.min_judges, c.closed_at, c.created_at, c.updated_at FROM star_cycles c JOIN units u ON u.id = c.unit_id";

pub async fn insert(conn: &mut Conn, c: &NewCycle<'_>, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO star_cycles (unit_id, year, name, criteria, exit_below, three_stars, four_stars, five_stars, aggregation, min_judges, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(c.unit_id)
    .bind(c.year)
    .bind(c.name)
    .bind(c.criteria)
    .bind(c.thresholds[0])
    .bind(c.thresholds[1])
    .bind(c.thresholds[2])
    .bind(c.thresholds[3])
    .bind(c.aggregation)
    .bind(c.min_judges)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<CycleRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{VIEW} WHERE c.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn list(conn: &mut Conn) -> DbResult<Vec<CycleRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VIEW} ORDER BY c.year DESC, c.id DESC"
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn close(conn: &mut Conn, id: i64, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE star_cycles SET closed_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_experts(conn: &mut Conn, id: i64, users: &[i64]) -> DbResult<()> {
    sqlx::query("DELETE FROM star_experts WHERE cycle_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for user in users {
        sqlx::query("INSERT INTO star_experts (cycle_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(user)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Expert {
    pub user_id: i64,
    pub name: String,
    /// Where the expert works, for conflicts; none without a person.
    pub unit_path: Option<String>,
}

pub async fn experts(conn: &mut Conn, id: i64) -> DbResult<Vec<Expert>> {
    Ok(sqlx::query_as(
        "SELECT e.user_id, COALESCE(p.name, u.username) AS name, un.path AS unit_path FROM star_experts e JOIN users u ON u.id = e.user_id LEFT JOIN people p ON p.id = u.person_id LEFT JOIN units un ON un.id = p.unit_id WHERE e.cycle_id = $1 ORDER BY e.user_id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// The cycles a user sits on as an expert.
pub async fn cycles_of_expert(conn: &mut Conn, user_id: i64) -> DbResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT cycle_id FROM star_experts WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Every score of a cycle: (studio, expert, position, points).
pub async fn scores(conn: &mut Conn, id: i64) -> DbResult<Vec<(i64, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT studio_id, expert_id, position, points FROM star_scores WHERE cycle_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_score(
    conn: &mut Conn,
    id: i64,
    studio: i64,
    expert: i64,
    position: i64,
    points: i64,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO star_scores (cycle_id, studio_id, expert_id, position, points, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (cycle_id, studio_id, expert_id, position) DO UPDATE SET points = excluded.points, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(studio)
    .bind(expert)
    .bind(position)
    .bind(points)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Confirmation {
    pub studio_id: i64,
    pub outcome: String,
    pub stars: i64,
    pub score: String,
    pub confirmed_by: String,
    pub confirmed_at: i64,
}

pub async fn confirmations(conn: &mut Conn, id: i64) -> DbResult<Vec<Confirmation>> {
    Ok(sqlx::query_as(
        "SELECT studio_id, outcome, stars, score, confirmed_by, confirmed_at FROM star_confirmations WHERE cycle_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// Keeps a confirmation; false when the studio's proposal was confirmed already.
pub async fn confirm(conn: &mut Conn, id: i64, c: &Confirmation) -> DbResult<bool> {
    let done = sqlx::query(
        "INSERT INTO star_confirmations (cycle_id, studio_id, outcome, stars, score, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cycle_id, studio_id) DO NOTHING",
    )
    .bind(id)
    .bind(c.studio_id)
    .bind(&c.outcome)
    .bind(c.stars)
    .bind(&c.score)
    .bind(&c.confirmed_by)
    .bind(c.confirmed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
