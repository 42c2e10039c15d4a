//! Competitions, their organisers and tracks, each track's rounds and prize tiers; rows come
//! back as domain types (codes, flags, tiers), never as text to re-parse.

use crate::{Conn, DbResult, Page, StoredFlag};
use gongjiang_domain::competition::{CompetitionText, PrizeTier, RoundKind, TrackKind, TrackSetup};
use gongjiang_domain::review::Points;
use gongjiang_domain::review::ranking::TierSize;
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct CompetitionView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub edition: String,
    pub starts_on: String,
    pub ends_on: String,
    pub rules: String,
    pub tracks: i64,
    pub created_at: i64,
    /// Milliseconds since the epoch; also the record's version (its `ETag`).
    pub updated_at: i64,
}

impl CompetitionView {
    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }
}

const VIEW: &str = "SELECT c.id, c.unit_id, u.name AS unit_name, u.path AS unit_path, c.name, c.edition, c.starts_on, c.ends_on, c.rules, (SELECT COUNT(*) FROM tracks t WHERE t.competition_id = c.id) AS tracks, c.created_at, c.updated_at FROM competitions c JOIN units u ON u.id = c.unit_id";

pub async fn insert(conn: &mut Conn, unit_id: i64, c: &CompetitionText, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO competitions (unit_id, name, edition, starts_on, ends_on, rules, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(unit_id)
    .bind(&c.name)
    .bind(&c.edition)
    .bind(c.starts_on.as_str())
    .bind(c.ends_on.as_str())
    .bind(&c.rules)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Writes the competition's text if it is still at `version`; false when someone else
/// changed it since.
pub async fn update(
    conn: &mut Conn,
    id: i64,
    unit_id: i64,
    c: &CompetitionText,
    version: i64,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE competitions SET unit_id = $1, name = $2, edition = $3, starts_on = $4, ends_on = $5, rules = $6, updated_at = $7 WHERE id = $8 AND updated_at = $9",
    )
    .bind(unit_id)
    .bind(&c.name)
    .bind(&c.edition)
    .bind(c.starts_on.as_str())
    .bind(c.ends_on.as_str())
    .bind(&c.rules)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_organisers(conn: &mut Conn, id: i64, units: &[i64]) -> DbResult<()> {
    sqlx::query("DELETE FROM competition_organisers WHERE competition_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for unit in units {
        sqlx::query("INSERT INTO competition_organisers (competition_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(unit)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Organiser {
    pub unit_id: i64,
    pub name: String,
}

/// The co-organisers, by name.
pub async fn organisers(conn: &mut Conn, id: i64) -> DbResult<Vec<Organiser>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS unit_id, u.name FROM competition_organisers o JOIN units u ON u.id = o.unit_id WHERE o.competition_id = $1 ORDER BY u.path",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<CompetitionView>> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{VIEW} WHERE c.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Competitions newest first, with their total.
pub async fn list(conn: &mut Conn, page: Page) -> DbResult<(Vec<CompetitionView>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM competitions")
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query_as(AssertSqlSafe(format!(
        "{VIEW} ORDER BY c.starts_on DESC, c.id DESC LIMIT $1 OFFSET $2"
    )))
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(conn)
    .await?;
    Ok((rows, total))
}

/// A track with its rounds and prize tiers.
#[derive(Debug, Clone, Serialize)]
pub struct Track {
    pub row: TrackRow,
    /// Each round held, with its stored id and weight, theory first.
    pub rounds: Vec<TrackRound>,
    pub prizes: Vec<PrizeTier>,
    pub team_prizes: Vec<PrizeTier>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TrackRow {
    pub id: i64,
    pub competition_id: i64,
    pub name: String,
    pub trade: String,
    #[sqlx(try_from = "String")]
    pub kind: TrackKind,
    #[sqlx(try_from = "StoredFlag")]
    pub new_this_edition: bool,
    pub eligible_unit_id: Option<i64>,
    pub eligible_unit_name: Option<String>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub quota_per_unit: Option<i64>,
    pub team_size: Option<i64>,
    pub team_best: Option<i64>,
    pub min_prize_score: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TrackRow {
    pub fn min_prize_score(&self) -> Option<Points> {
        self.min_prize_score.map(Points)
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TrackRound {
    pub id: i64,
    pub track_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: RoundKind,
    pub weight: i64,
    /// The theory round's exam session, once linked.
    pub exam_session_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TierRow {
    track_id: i64,
    #[sqlx(try_from = "StoredFlag")]
    team: bool,
    name: String,
    size_kind: String,
    size: i64,
}

impl TierRow {
    fn tier(self) -> PrizeTier {
        let size = u32::try_from(self.size).unwrap_or(0);
        PrizeTier {
            name: self.name,
            size: if self.size_kind == "share" {
                TierSize::Share(size)
            } else {
                TierSize::Count(size)
            },
        }
    }
}

const TRACK_VIEW: &str = "SELECT t.id, t.competition_id, t.name, t.trade, t.kind, t.new_this_edition, t.eligible_unit_id, e.name AS eligible_unit_name, t.min_age, t.max_age, t.quota_per_unit, t.team_size, t.team_best, t.min_prize_score, t.created_at, t.updated_at FROM tracks t LEFT JOIN units e ON e.id = t.eligible_unit_id";

fn opt(v: Option<u32>) -> Option<i64> {
    v.map(i64::from)
}

pub async fn insert_track(
    conn: &mut Conn,
    competition_id: i64,
    t: &TrackSetup,
    now: i64,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tracks (competition_id, name, trade, kind, new_this_edition, eligible_unit_id, min_age, max_age, quota_per_unit, team_size, team_best, min_prize_score, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(competition_id)
    .bind(&t.name)
    .bind(&t.trade)
    .bind(t.kind.as_str())
    .bind(i64::from(t.new_this_edition))
    .bind(t.eligible_unit_id)
    .bind(opt(t.min_age))
    .bind(opt(t.max_age))
    .bind(opt(t.quota_per_unit))
    .bind(opt(t.team_size))
    .bind(opt(t.team_prizes.as_ref().map(|p| p.best)))
    .bind(t.min_prize_score.map(|p| p.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    write_parts(conn, id, t).await?;
    Ok(id)
}

/// Rewrites a track still at `version`: its rounds keep their ids (scores hang on them), a
/// round no longer held is removed.
pub async fn update_track(
    conn: &mut Conn,
    id: i64,
    t: &TrackSetup,
    version: i64,
    now: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE tracks SET name = $1, trade = $2, kind = $3, new_this_edition = $4, eligible_unit_id = $5, min_age = $6, max_age = $7, quota_per_unit = $8, team_size = $9, team_best = $10, min_prize_score = $11, updated_at = $12 WHERE id = $13 AND updated_at = $14",
    )
    .bind(&t.name)
    .bind(&t.trade)
    .bind(t.kind.as_str())
    .bind(i64::from(t.new_this_edition))
    .bind(t.eligible_unit_id)
    .bind(opt(t.min_age))
    .bind(opt(t.max_age))
    .bind(opt(t.quota_per_unit))
    .bind(opt(t.team_size))
    .bind(opt(t.team_prizes.as_ref().map(|p| p.best)))
    .bind(t.min_prize_score.map(|p| p.0))
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    write_parts(conn, id, t).await?;
    Ok(true)
}

async fn write_parts(conn: &mut Conn, id: i64, t: &TrackSetup) -> DbResult<()> {
    let held: Vec<&str> = t.rounds.iter().map(|(k, _)| k.as_str()).collect();
    for kind in RoundKind::ALL {
        if !held.contains(&kind.as_str()) {
            sqlx::query("DELETE FROM track_rounds WHERE track_id = $1 AND kind = $2")
                .bind(id)
                .bind(kind.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    for (kind, weight) in &t.rounds {
        let updated =
            sqlx::query("UPDATE track_rounds SET weight = $1 WHERE track_id = $2 AND kind = $3")
                .bind(i64::from(*weight))
                .bind(id)
                .bind(kind.as_str())
                .execute(&mut *conn)
                .await?;
        if updated.rows_affected() == 0 {
            sqlx::query("INSERT INTO track_rounds (track_id, kind, weight) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(kind.as_str())
                .bind(i64::from(*weight))
                .execute(&mut *conn)
                .await?;
        }
    }
    sqlx::query("DELETE FROM prize_tiers WHERE track_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let team = t
        .team_prizes
        .as_ref()
        .map(|p| p.tiers.as_slice())
        .unwrap_or_default();
    for (is_team, tiers) in [(0i64, t.prizes.as_slice()), (1, team)] {
        for (position, tier) in tiers.iter().enumerate() {
            let (kind, size) = match tier.size {
                TierSize::Count(n) => ("count", n),
                TierSize::Share(pm) => ("share", pm),
            };
            sqlx::query(
                "INSERT INTO prize_tiers (track_id, team, position, name, size_kind, size) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(is_team)
            .bind(position as i64)
            .bind(&tier.name)
            .bind(kind)
            .bind(i64::from(size))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The tracks of a competition, in the order they were set up, with their parts.
pub async fn tracks(conn: &mut Conn, competition_id: i64) -> DbResult<Vec<Track>> {
    let rows: Vec<TrackRow> = sqlx::query_as(AssertSqlSafe(format!(
        "{TRACK_VIEW} WHERE t.competition_id = $1 ORDER BY t.id"
    )))
    .bind(competition_id)
    .fetch_all(&mut *conn)
    .await?;
    let rounds: Vec<TrackRound> = sqlx::query_as(
        "SELECT r.id, r.track_id, r.kind, r.weight, r.exam_session_id FROM track_rounds r JOIN tracks t ON t.id = r.track_id WHERE t.competition_id = $1 ORDER BY r.kind DESC",
    )
    .bind(competition_id)
    .fetch_all(&mut *conn)
    .await?;
    let tiers: Vec<TierRow> = sqlx::query_as(
        "SELECT p.track_id, p.team, p.name, p.size_kind, p.size FROM prize_tiers p JOIN tracks t ON t.id = p.track_id WHERE t.competition_id = $1 ORDER BY p.team, p.position",
    )
    .bind(competition_id)
    .fetch_all(conn)
    .await?;
    Ok(assemble(rows, rounds, tiers))
}

pub async fn track(conn: &mut Conn, id: i64) -> DbResult<Option<Track>> {
    let Some(row): Option<TrackRow> =
        sqlx::query_as(AssertSqlSafe(format!("{TRACK_VIEW} WHERE t.id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let rounds = sqlx::query_as(
        "SELECT id, track_id, kind, weight, exam_session_id FROM track_rounds WHERE track_id = $1 ORDER BY kind DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let tiers = sqlx::query_as(
        "SELECT track_id, team, name, size_kind, size FROM prize_tiers WHERE track_id = $1 ORDER BY team, position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(assemble(vec![row], rounds, tiers).pop())
}

fn assemble(rows: Vec<TrackRow>, rounds: Vec<TrackRound>, tiers: Vec<TierRow>) -> Vec<Track> {
    let mut tracks: Vec<Track> = rows
        .into_iter()
        .map(|row| Track {
            row,
            rounds: Vec::new(),
            prizes: Vec::new(),
            team_prizes: Vec::new(),
        })
        .collect();
    for r in rounds {
        if let Some(t) = tracks.iter_mut().find(|t| t.row.id == r.track_id) {
            t.rounds.push(r);
        }
    }
    for tier in tiers {
        if let Some(t) = tracks.iter_mut().find(|t| t.row.id == tier.track_id) {
            if tier.team {
                t.team_prizes.push(tier.tier());
            } else {
                t.prizes.push(tier.tier());
            }
        }
    }
    tracks
}

/// Links a round to the exam session it is sat as (or unlinks it).
pub async fn set_exam_session(
    conn: &mut Conn,
    round_id: i64,
    session_id: Option<i64>,
) -> DbResult<()> {
    sqlx::query("UPDATE track_rounds SET exam_session_id = $1 WHERE id = $2")
        .bind(session_id)
        .bind(round_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The people of a track's approved entries who are not yet entrants of `session_id` in their
/// own name.
pub async fn approved_not_sitting(
    conn: &mut Conn,
    track_id: i64,
    session_id: i64,
) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT e.person_id FROM entries e WHERE e.track_id = $1 AND e.stage = 'approved' AND NOT EXISTS (SELECT 1 FROM exam_entrants x WHERE x.session_id = $2 AND x.person_id = e.person_id) ORDER BY e.id",
    )
    .bind(track_id)
    .bind(session_id)
    .fetch_all(conn)
    .await?)
}

/// Takes a person off a session's entrants (a withdrawn entry).
pub async fn remove_exam_entrant(conn: &mut Conn, session_id: i64, person_id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM exam_entrants WHERE session_id = $1 AND person_id = $2")
        .bind(session_id)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}
