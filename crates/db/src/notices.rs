//! A track's results after scoring: its stage, each frozen version (the results as JSON),
//! the stage changes with their reasons, and objections with their resolutions.

use crate::{Conn, DbResult};
use gongjiang_domain::competition::notice::{ObjectionOutcome, ResultStage};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ResultState {
    pub track_id: i64,
    #[sqlx(try_from = "String")]
    pub stage: ResultStage,
    pub version: i64,
    pub notice_opens_at: Option<i64>,
    pub notice_closes_at: Option<i64>,
    pub updated_at: i64,
}

impl ResultState {
    /// A track whose results were never frozen.
    pub fn open(track_id: i64) -> Self {
        Self {
            track_id,
            stage: ResultStage::Open,
            version: 0,
            notice_opens_at: None,
            notice_closes_at: None,
            updated_at: 0,
        }
    }
}

pub async fn state(conn: &mut Conn, track_id: i64) -> DbResult<ResultState> {
    let row: Option<ResultState> = sqlx::query_as(
        "SELECT track_id, stage, version, notice_opens_at, notice_closes_at, updated_at FROM result_states WHERE track_id = $1",
    )
    .bind(track_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.unwrap_or_else(|| ResultState::open(track_id)))
}

pub async fn set_state(conn: &mut Conn, s: &ResultState) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO result_states (track_id, stage, version, notice_opens_at, notice_closes_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (track_id) DO UPDATE SET stage = excluded.stage, version = excluded.version, notice_opens_at = excluded.notice_opens_at, notice_closes_at = excluded.notice_closes_at, updated_at = excluded.updated_at",
    )
    .bind(s.track_id)
    .bind(s.stage.as_str())
    .bind(s.version)
    .bind(s.notice_opens_at)
    .bind(s.notice_closes_at)
    .bind(s.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_version(
    conn: &mut Conn,
    track_id: i64,
    version: i64,
    body: &str,
    frozen_by: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO result_versions (track_id, version, body, frozen_by, frozen_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(track_id)
    .bind(version)
    .bind(body)
    .bind(frozen_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A frozen version's results (JSON), if there is one.
pub async fn version_body(
    conn: &mut Conn,
    track_id: i64,
    version: i64,
) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT body FROM result_versions WHERE track_id = $1 AND version = $2")
            .bind(track_id)
            .bind(version)
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ResultEvent {
    pub id: i64,
    /// The stage the results moved to.
    pub stage: String,
    /// The version frozen last when it happened.
    pub version: i64,
    pub reason: String,
    pub actor_name: String,
    pub at: i64,
}

pub async fn add_event(
    conn: &mut Conn,
    track_id: i64,
    stage: ResultStage,
    version: i64,
    reason: &str,
    actor: (Option<i64>, &str),
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO result_events (track_id, stage, version, reason, actor_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(track_id)
    .bind(stage.as_str())
    .bind(version)
    .bind(reason)
    .bind(actor.0)
    .bind(actor.1)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events(conn: &mut Conn, track_id: i64) -> DbResult<Vec<ResultEvent>> {
    Ok(sqlx::query_as(
        "SELECT id, stage, version, reason, actor_name, at FROM result_events WHERE track_id = $1 ORDER BY id",
    )
    .bind(track_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ObjectionRow {
    pub id: i64,
    pub track_id: i64,
    /// The frozen version the objection was lodged against.
    pub version: i64,
    pub entry_id: Option<i64>,
    /// The entrant's number (or, without a draw, the entry id) it is about.
    pub entry_number: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub lodged_at: i64,
    /// Empty while waiting for staff.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub outcome: OutcomeCode,
    pub resolution: String,
    pub resolved_by: String,
    pub resolved_at: Option<i64>,
}

/// An objection's outcome as stored: none while it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OutcomeCode(pub Option<ObjectionOutcome>);

impl TryFrom<String> for OutcomeCode {
    type Error = gongjiang_domain::registry::UnknownCode;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        if raw.is_empty() {
            return Ok(Self(None));
        }
        ObjectionOutcome::try_from(raw).map(|o| Self(Some(o)))
    }
}

const OBJECTION: &str = "SELECT o.id, o.track_id, o.version, o.entry_id, e.number AS entry_number, o.author_id, o.body, o.lodged_at, o.outcome, o.resolution, o.resolved_by, o.resolved_at FROM objections o LEFT JOIN entries e ON e.id = o.entry_id";

pub async fn insert_objection(
    conn: &mut Conn,
    track_id: i64,
    version: i64,
    entry_id: Option<i64>,
    author_id: i64,
    body: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO objections (track_id, version, entry_id, author_id, body, lodged_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(track_id)
    .bind(version)
    .bind(entry_id)
    .bind(author_id)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn objection(conn: &mut Conn, id: i64) -> DbResult<Option<ObjectionRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{OBJECTION} WHERE o.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// A track's objections; only the author's when `author` is given.
pub async fn objections(
    conn: &mut Conn,
    track_id: i64,
    author: Option<i64>,
) -> DbResult<Vec<ObjectionRow>> {
    let sql = match author {
        Some(_) => format!("{OBJECTION} WHERE o.track_id = $1 AND o.author_id = $2 ORDER BY o.id"),
        None => format!("{OBJECTION} WHERE o.track_id = $1 ORDER BY o.id"),
    };
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(track_id);
    if let Some(author) = author {
        query = query.bind(author);
    }
    Ok(query.fetch_all(conn).await?)
}

/// Resolves a waiting objection; false when it was resolved already.
pub async fn resolve_objection(
    conn: &mut Conn,
    id: i64,
    outcome: ObjectionOutcome,
    resolution: &str,
    resolved_by: &str,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE objections SET outcome = $2, resolution = $3, resolved_by = $4, resolved_at = $5 WHERE id = $1 AND outcome = ''",
    )
    .bind(id)
    .bind(outcome.as_str())
    .bind(resolution)
    .bind(resolved_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A track on notice or final, for the public list of notices.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct NoticeListing {
    pub track_id: i64,
    pub track_name: String,
    pub competition_id: i64,
    pub competition_name: String,
    pub stage: String,
    pub notice_opens_at: Option<i64>,
    pub notice_closes_at: Option<i64>,
}

pub async fn listings(conn: &mut Conn) -> DbResult<Vec<NoticeListing>> {
    Ok(sqlx::query_as(
        "SELECT s.track_id, t.name AS track_name, c.id AS competition_id, c.name AS competition_name, s.stage, s.notice_opens_at, s.notice_closes_at
         FROM result_states s JOIN tracks t ON t.id = s.track_id JOIN competitions c ON c.id = t.competition_id
         WHERE s.stage IN ('notice', 'final') ORDER BY s.notice_opens_at DESC, s.track_id",
    )
    .fetch_all(conn)
    .await?)
}
