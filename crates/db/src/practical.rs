//! The practical round's tables: criteria and rule, panels and their judges, the draw, scores
//! and their corrections, declared conflicts. Rows come back as domain types.

use crate::{Conn, DbResult, StoredFlag};
use gongjiang_domain::competition::practical::CriterionSpec;
use gongjiang_domain::review::Points;
use gongjiang_domain::review::scoring::{Aggregation, Rule};
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CriterionRow {
    pub id: i64,
    pub round_id: i64,
    pub position: i64,
    pub name: String,
    pub max_points: i64,
    #[sqlx(try_from = "StoredFlag")]
    pub deduction: bool,
}

impl CriterionRow {
    pub fn max(&self) -> Points {
        Points(self.max_points)
    }

    pub fn spec(&self) -> CriterionSpec {
        CriterionSpec {
            name: self.name.clone(),
            max: self.max(),
            deduction: self.deduction,
        }
    }
}

pub async fn criteria(conn: &mut Conn, round_id: i64) -> DbResult<Vec<CriterionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, round_id, position, name, max_points, deduction FROM criteria WHERE round_id = $1 ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?)
}

/// Replaces a round's criteria (only before any score is given: the service checks).
pub async fn set_criteria(conn: &mut Conn, round_id: i64, specs: &[CriterionSpec]) -> DbResult<()> {
    sqlx::query("DELETE FROM criteria WHERE round_id = $1")
        .bind(round_id)
        .execute(&mut *conn)
        .await?;
    for (i, c) in specs.iter().enumerate() {
        sqlx::query(
            "INSERT INTO criteria (round_id, position, name, max_points, deduction) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(round_id)
        .bind(i as i64 + 1)
        .bind(&c.name)
        .bind(c.max.0)
        .bind(i64::from(c.deduction))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct RuleRow {
    aggregation: String,
    #[sqlx(try_from = "StoredFlag")]
    normalise: bool,
    min_judges: i64,
    rule_version: i64,
    draw_seed: String,
}

/// A round's panel rule and the seed of its draw (empty until drawn).
pub async fn rule(conn: &mut Conn, round_id: i64) -> DbResult<(Rule, String)> {
    let r: RuleRow = sqlx::query_as(
        "SELECT aggregation, normalise, min_judges, rule_version, draw_seed FROM track_rounds WHERE id = $1",
    )
    .bind(round_id)
    .fetch_one(conn)
    .await?;
    let aggregation = match r.aggregation.as_str() {
        "drop_highest_lowest" => Aggregation::DropHighestLowest,
        _ => Aggregation::Mean,
    };
    let rule = Rule {
        aggregation,
        normalise: r.normalise,
        min_judges: u32::try_from(r.min_judges).unwrap_or(1),
        version: u32::try_from(r.rule_version).unwrap_or(1),
    };
    Ok((rule, r.draw_seed))
}

pub fn aggregation_code(a: Aggregation) -> &'static str {
    match a {
        Aggregation::Mean => "mean",
        Aggregation::DropHighestLowest => "drop_highest_lowest",
    }
}

/// Sets the rule; its version goes up by one each time.
pub async fn set_rule(conn: &mut Conn, round_id: i64, rule: &Rule) -> DbResult<()> {
    sqlx::query(
        "UPDATE track_rounds SET aggregation = $1, normalise = $2, min_judges = $3, rule_version = rule_version + 1 WHERE id = $4",
    )
    .bind(aggregation_code(rule.aggregation))
    .bind(i64::from(rule.normalise))
    .bind(i64::from(rule.min_judges))
    .bind(round_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the draw: each entry's number and panel, and the seed that made them.
pub async fn set_draw(
    conn: &mut Conn,
    round_id: i64,
    seed: u64,
    placed: &[(i64, i64, Option<i64>)],
) -> DbResult<()> {
    sqlx::query("UPDATE track_rounds SET draw_seed = $1 WHERE id = $2")
        .bind(seed.to_string())
        .bind(round_id)
        .execute(&mut *conn)
        .await?;
    for &(entry, number, panel) in placed {
        sqlx::query("UPDATE entries SET number = $1, panel_id = $2 WHERE id = $3")
            .bind(number)
            .bind(panel)
            .bind(entry)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct PanelRow {
    pub id: i64,
    pub round_id: i64,
    pub track_id: i64,
    pub name: String,
    pub closed_at: Option<i64>,
    pub confirmed_at: Option<i64>,
    pub confirmed_by: String,
    pub entrants: i64,
    pub judges: i64,
    pub updated_at: i64,
}

const PANEL: &str = "SELECT p.id, p.round_id, r.track_id, p.name, p.closed_at, p.confirmed_at, p.confirmed_by, (SELECT COUNT(*) FROM entries e WHERE e.panel_id = p.id AND e.stage = 'approved') AS entrants, (SELECT COUNT(*) FROM panel_judges j WHERE j.panel_id = p.id) AS judges, p.updated_at FROM panels p JOIN track_rounds r ON r.id = p.round_id";

pub async fn insert_panel(conn: &mut Conn, round_id: i64, name: &str, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO panels (round_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(round_id)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn panels(conn: &mut Conn, round_id: i64) -> DbResult<Vec<PanelRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PANEL} WHERE p.round_id = $1 ORDER BY p.id"
    )))
    .bind(round_id)
    .fetch_all(conn)
    .await?)
}

pub async fn panel(conn: &mut Conn, id: i64) -> DbResult<Option<PanelRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{PANEL} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The panels a user judges on.
pub async fn panels_of_judge(conn: &mut Conn, user_id: i64) -> DbResult<Vec<PanelRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PANEL} WHERE p.id IN (SELECT panel_id FROM panel_judges WHERE user_id = $1) ORDER BY p.id DESC"
    )))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Sets a panel's open/closed and confirmed state; bumps its version.
pub async fn set_panel_state(
    conn: &mut Conn,
    id: i64,
    closed_at: Option<i64>,
    confirmed: Option<(i64, &str)>,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE panels SET closed_at = $1, confirmed_at = $2, confirmed_by = $3, updated_at = CASE WHEN updated_at >= $4 THEN updated_at + 1 ELSE $4 END WHERE id = $5",
    )
    .bind(closed_at)
    .bind(confirmed.map(|c| c.0))
    .bind(confirmed.map(|c| c.1).unwrap_or(""))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which panels a read covers: one, or every panel of a round (a track's results read the
/// whole round at once, not panel by panel).
#[derive(Debug, Clone, Copy)]
pub enum Panels {
    One(i64),
    OfRound(i64),
}

impl Panels {
    /// The condition on the panel `p` (bound to `$1`) and its value.
    fn condition(self) -> (&'static str, i64) {
        match self {
            Panels::One(id) => ("p.id = $1", id),
            Panels::OfRound(round) => ("p.round_id = $1", round),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct PanelJudge {
    #[serde(skip)]
    pub panel_id: i64,
    pub user_id: i64,
    pub name: String,
    pub person_id: Option<i64>,
    /// The judge's own unit (where they work), for conflicts; empty without a person.
    #[serde(skip)]
    pub unit_path: Option<String>,
    #[sqlx(try_from = "StoredFlag")]
    pub chief: bool,
}

pub async fn judges(conn: &mut Conn, panel_id: i64) -> DbResult<Vec<PanelJudge>> {
    judges_of(conn, Panels::One(panel_id)).await
}

/// The judges of the panels, each panel's chief first.
pub async fn judges_of(conn: &mut Conn, panels: Panels) -> DbResult<Vec<PanelJudge>> {
    let (condition, value) = panels.condition();
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT j.panel_id, j.user_id, u.display_name AS name, u.person_id, un.path AS unit_path, j.chief FROM panel_judges j JOIN panels p ON p.id = j.panel_id JOIN users u ON u.id = j.user_id LEFT JOIN people pe ON pe.id = u.person_id LEFT JOIN units un ON un.id = pe.unit_id WHERE {condition} ORDER BY j.panel_id, j.chief DESC, u.display_name"
    )))
    .bind(value)
    .fetch_all(conn)
    .await?)
}

pub async fn set_judges(conn: &mut Conn, panel_id: i64, judges: &[(i64, bool)]) -> DbResult<()> {
    sqlx::query("DELETE FROM panel_judges WHERE panel_id = $1")
        .bind(panel_id)
        .execute(&mut *conn)
        .await?;
    for &(user, chief) in judges {
        sqlx::query("INSERT INTO panel_judges (panel_id, user_id, chief) VALUES ($1, $2, $3)")
            .bind(panel_id)
            .bind(user)
            .bind(i64::from(chief))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An entrant as a panel sees them: by number only (the unit is for conflicts, never shown).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PanelEntrant {
    #[serde(skip)]
    pub panel_id: i64,
    pub entry_id: i64,
    pub number: i64,
    #[serde(skip)]
    pub unit_path: String,
}

impl PanelEntrant {
    pub fn unit(&self) -> UnitPath {
        UnitPath::from_stored(self.unit_path.clone())
    }
}

pub async fn panel_entrants(conn: &mut Conn, panel_id: i64) -> DbResult<Vec<PanelEntrant>> {
    entrants_of(conn, Panels::One(panel_id)).await
}

/// The drawn entrants of the panels, by number.
pub async fn entrants_of(conn: &mut Conn, panels: Panels) -> DbResult<Vec<PanelEntrant>> {
    let (condition, value) = panels.condition();
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT e.panel_id, e.id AS entry_id, e.number, u.path AS unit_path FROM entries e JOIN panels p ON p.id = e.panel_id JOIN units u ON u.id = e.unit_id WHERE {condition} AND e.stage = 'approved' AND e.number IS NOT NULL ORDER BY e.number"
    )))
    .bind(value)
    .fetch_all(conn)
    .await?)
}

/// One entrant of a panel, if the entry is on it (approved and drawn).
pub async fn panel_entrant(
    conn: &mut Conn,
    panel_id: i64,
    entry_id: i64,
) -> DbResult<Option<PanelEntrant>> {
    Ok(sqlx::query_as(
        "SELECT e.panel_id, e.id AS entry_id, e.number, u.path AS unit_path FROM entries e JOIN units u ON u.id = e.unit_id WHERE e.id = $1 AND e.panel_id = $2 AND e.stage = 'approved' AND e.number IS NOT NULL",
    )
    .bind(entry_id)
    .bind(panel_id)
    .fetch_optional(conn)
    .await?)
}

/// Whether any judge has given a score in a round.
pub async fn round_has_scores(conn: &mut Conn, round_id: i64) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scores s JOIN criteria c ON c.id = s.criterion_id WHERE c.round_id = $1",
    )
    .bind(round_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Whether a judge declared a conflict with an entrant.
pub async fn has_declared(conn: &mut Conn, entry_id: i64, user_id: i64) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM declared_conflicts WHERE entry_id = $1 AND user_id = $2",
    )
    .bind(entry_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ScoreRow {
    pub id: i64,
    pub entry_id: i64,
    pub user_id: i64,
    pub criterion_id: i64,
    pub points: i64,
    pub saved_at: i64,
}

pub async fn panel_scores(conn: &mut Conn, panel_id: i64) -> DbResult<Vec<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.entry_id, s.user_id, s.criterion_id, s.points, s.saved_at FROM scores s JOIN entries e ON e.id = s.entry_id WHERE e.panel_id = $1",
    )
    .bind(panel_id)
    .fetch_all(conn)
    .await?)
}

/// A score as the engine needs it.
#[derive(Debug, Clone, Copy)]
pub struct ScorePoints {
    pub entry_id: i64,
    pub user_id: i64,
    pub criterion_id: i64,
    pub points: i64,
}

/// Every score given on the panels, in one statement: one row a judge's sheet for an entrant,
/// its criteria packed as `criterion:points,…` (a track's 300,000 scores are 50,000 rows, and
/// rows, not bytes, are what reading costs).
pub async fn points_of(conn: &mut Conn, panels: Panels) -> DbResult<Vec<ScorePoints>> {
    let (condition, value) = panels.condition();
    let pack = if conn.backend_name() == "SQLite" {
        "group_concat"
    } else {
        "string_agg"
    };
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.entry_id, s.user_id, {pack}(CAST(s.criterion_id AS TEXT) || ':' || CAST(s.points AS TEXT), ',') FROM scores s JOIN entries e ON e.id = s.entry_id JOIN panels p ON p.id = e.panel_id WHERE {condition} GROUP BY s.entry_id, s.user_id"
    )))
    .bind(value)
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len() * 6);
    for (entry_id, user_id, packed) in rows {
        for item in packed.split(',') {
            let parsed = item
                .split_once(':')
                .and_then(|(c, p)| Some((c.parse().ok()?, p.parse().ok()?)));
            let Some((criterion_id, points)) = parsed else {
                return Err(crate::DbError::Sqlx(sqlx::Error::Protocol(format!(
                    "a packed score reads {item:?}"
                ))));
            };
            out.push(ScorePoints {
                entry_id,
                user_id,
                criterion_id,
                points,
            });
        }
    }
    Ok(out)
}

pub async fn score(
    conn: &mut Conn,
    entry_id: i64,
    user_id: i64,
    criterion_id: i64,
) -> DbResult<Option<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT id, entry_id, user_id, criterion_id, points, saved_at FROM scores WHERE entry_id = $1 AND user_id = $2 AND criterion_id = $3",
    )
    .bind(entry_id)
    .bind(user_id)
    .bind(criterion_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_score(
    conn: &mut Conn,
    entry_id: i64,
    user_id: i64,
    criterion_id: i64,
    points: Points,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO scores (entry_id, user_id, criterion_id, points, saved_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(entry_id)
    .bind(user_id)
    .bind(criterion_id)
    .bind(points.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes a stored score and keeps the correction beside it.
pub async fn correct_score(
    conn: &mut Conn,
    score: &ScoreRow,
    points: Points,
    reason: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query("UPDATE scores SET points = $1, saved_at = $2 WHERE id = $3")
        .bind(points.0)
        .bind(now)
        .bind(score.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO score_corrections (score_id, before_points, after_points, reason, user_id, at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(score.id)
    .bind(score.points)
    .bind(points.0)
    .bind(reason)
    .bind(score.user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn declare_conflict(
    conn: &mut Conn,
    entry_id: i64,
    user_id: i64,
    reason: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO declared_conflicts (entry_id, user_id, reason, at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (entry_id, user_id) DO NOTHING",
    )
    .bind(entry_id)
    .bind(user_id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Declared conflicts on the panels' entrants, as (judge, entry).
pub async fn declared(conn: &mut Conn, panels: Panels) -> DbResult<Vec<(i64, i64)>> {
    let (condition, value) = panels.condition();
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.user_id, d.entry_id FROM declared_conflicts d JOIN entries e ON e.id = d.entry_id JOIN panels p ON p.id = e.panel_id WHERE {condition}"
    )))
    .bind(value)
    .fetch_all(conn)
    .await?)
}

/// The approved entries of a track, by id.
pub async fn approved_entries(conn: &mut Conn, track_id: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM entries WHERE track_id = $1 AND stage = 'approved' ORDER BY id",
    )
    .bind(track_id)
    .fetch_all(conn)
    .await?)
}

/// Clears a track's numbers and panels before a new draw.
pub async fn clear_numbers(conn: &mut Conn, track_id: i64) -> DbResult<()> {
    sqlx::query("UPDATE entries SET number = NULL, panel_id = NULL WHERE track_id = $1")
        .bind(track_id)
        .execute(conn)
        .await?;
    Ok(())
}
