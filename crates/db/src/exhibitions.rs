//! Exhibitions and the achievements they show, online and at the venue.

use crate::{Conn, DbResult, StoredFlag};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ExhibitionView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub title: String,
    pub summary: String,
    pub venue: String,
    pub opens_on: String,
    pub closes_on: String,
    #[sqlx(try_from = "StoredFlag")]
    pub published: bool,
    pub items: i64,
    pub offline_items: i64,
    /// The same counts over published achievements only: what the public may count.
    #[serde(skip)]
    pub public_items: i64,
    #[serde(skip)]
    pub public_offline_items: i64,
}

impl ExhibitionView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }

    /// As the public may see it: counting only the published achievements it shows.
    pub fn for_public(mut self) -> ExhibitionView {
        self.items = self.public_items;
        self.offline_items = self.public_offline_items;
        self
    }
}

const VIEW: &str = "SELECT e.id, e.unit_id, u.name AS unit_name, u.path AS unit_path, e.title, e.summary, e.venue, e.opens_on, e.closes_on, e.published, (SELECT COUNT(*) FROM exhibition_items i WHERE i.exhibition_id = e.id) AS items, (SELECT COUNT(*) FROM exhibition_items i WHERE i.exhibition_id = e.id AND i.offline = 1) AS offline_items, (SELECT COUNT(*) FROM exhibition_items i JOIN achievements a ON a.id = i.achievement_id WHERE i.exhibition_id = e.id AND a.published = 1) AS public_items, (SELECT COUNT(*) FROM exhibition_items i JOIN achievements a ON a.id = i.achievement_id WHERE i.exhibition_id = e.id AND i.offline = 1 AND a.published = 1) AS public_offline_items FROM exhibitions e JOIN units u ON u.id = e.unit_id";

pub struct NewExhibition<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub venue: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
}

pub async fn insert(
    conn: &mut Conn,
    unit_id: i64,
    e: &NewExhibition<'_>,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO exhibitions (unit_id, title, summary, venue, opens_on, closes_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(unit_id)
    .bind(e.title)
    .bind(e.summary)
    .bind(e.venue)
    .bind(e.opens_on)
    .bind(e.closes_on)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<ExhibitionView>> {
    let sql = format!("{VIEW} WHERE e.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Exhibitions, newest first: all of them, or only the published.
pub async fn list(conn: &mut Conn, published_only: bool) -> DbResult<Vec<ExhibitionView>> {
    let cond = if published_only {
        " WHERE e.published = 1"
    } else {
        ""
    };
    let sql = format!("{VIEW}{cond} ORDER BY e.opens_on DESC, e.id DESC LIMIT 200");
    Ok(sqlx::query_as(AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn set_published(conn: &mut Conn, id: i64, published: bool, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE exhibitions SET published = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(published))
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ItemView {
    pub achievement_id: i64,
    pub position: i64,
    #[sqlx(try_from = "StoredFlag")]
    pub offline: bool,
    pub board_no: String,
    pub board_note: String,
    pub model_note: String,
    pub title: String,
    pub summary: String,
    pub unit_name: String,
    pub field: String,
    pub year: i64,
    pub best_tier: String,
    #[sqlx(try_from = "StoredFlag")]
    pub published: bool,
    pub cover_id: Option<i64>,
}

/// The items in their order; only those at the venue, when asked.
pub async fn items(conn: &mut Conn, id: i64, offline_only: bool) -> DbResult<Vec<ItemView>> {
    let extra = if offline_only {
        " AND i.offline = 1"
    } else {
        ""
    };
    let order = if offline_only {
        "i.board_no, i.position"
    } else {
        "i.position"
    };
    let sql = format!(
        "SELECT i.achievement_id, i.position, i.offline, i.board_no, i.board_note, i.model_note, a.title, a.summary, u.name AS unit_name, a.field, a.year, a.best_tier, a.published, (SELECT MIN(f.id) FROM achievement_files f WHERE f.achievement_id = a.id AND f.kind = 'picture') AS cover_id FROM exhibition_items i JOIN achievements a ON a.id = i.achievement_id JOIN units u ON u.id = a.unit_id WHERE i.exhibition_id = $1{extra} ORDER BY {order}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(conn)
        .await?)
}

pub async fn add_item(conn: &mut Conn, id: i64, achievement_id: i64) -> DbResult<()> {
    let position: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exhibition_items WHERE exhibition_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("INSERT INTO exhibition_items (exhibition_id, achievement_id, position) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(achievement_id)
        .bind(position + 1)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn remove_item(conn: &mut Conn, id: i64, achievement_id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM exhibition_items WHERE exhibition_id = $1 AND achievement_id = $2")
        .bind(id)
        .bind(achievement_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_offline(
    conn: &mut Conn,
    id: i64,
    achievement_id: i64,
    offline: bool,
    board_no: &str,
    board_note: &str,
    model_note: &str,
) -> DbResult<()> {
    sqlx::query("UPDATE exhibition_items SET offline = $1, board_no = $2, board_note = $3, model_note = $4 WHERE exhibition_id = $5 AND achievement_id = $6")
        .bind(i64::from(offline))
        .bind(board_no)
        .bind(board_note)
        .bind(model_note)
        .bind(id)
        .bind(achievement_id)
        .execute(conn)
        .await?;
    Ok(())
}
