//! People's honours and master–apprentice pairs.

use crate::{Conn, DbResult};
use gongjiang_domain::registry::honour::{Honour, Mentorship};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct HonourView {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub level: String,
    pub title: String,
    pub year: i64,
    pub granted_by: String,
}

/// A person's honours, the most recent first.
pub async fn of_person(conn: &mut Conn, person_id: i64) -> DbResult<Vec<HonourView>> {
    Ok(sqlx::query_as(
        "SELECT id, person_id, kind, level, title, year, granted_by FROM honours WHERE person_id = $1 ORDER BY year DESC, id DESC",
    )
    .bind(person_id)
    .fetch_all(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<HonourView>> {
    Ok(sqlx::query_as(
        "SELECT id, person_id, kind, level, title, year, granted_by FROM honours WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert(conn: &mut Conn, person_id: i64, h: &Honour, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO honours (person_id, kind, level, title, year, granted_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(person_id)
    .bind(h.kind.as_str())
    .bind(h.level.as_str())
    .bind(&h.title)
    .bind(i64::from(h.year))
    .bind(&h.granted_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn delete(conn: &mut Conn, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM honours WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct MentorshipView {
    pub id: i64,
    pub master_id: i64,
    pub master_name: String,
    pub apprentice_id: i64,
    pub apprentice_name: String,
    pub from_year: i64,
    pub to_year: Option<i64>,
}

/// The pairs a person is in, as master or as apprentice.
pub async fn mentorships_of(conn: &mut Conn, person_id: i64) -> DbResult<Vec<MentorshipView>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.master_id, a.name AS master_name, m.apprentice_id, b.name AS apprentice_name, m.from_year, m.to_year FROM mentorships m JOIN people a ON a.id = m.master_id JOIN people b ON b.id = m.apprentice_id WHERE m.master_id = $1 OR m.apprentice_id = $1 ORDER BY m.from_year DESC, m.id",
    )
    .bind(person_id)
    .fetch_all(conn)
    .await?)
}

pub async fn insert_mentorship(conn: &mut Conn, m: &Mentorship, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO mentorships (master_id, apprentice_id, from_year, to_year, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(m.master_id)
    .bind(m.apprentice_id)
    .bind(i64::from(m.from_year))
    .bind(m.to_year.map(i64::from))
    .bind(now)
    .fetch_one(conn)
    .await?)
}
