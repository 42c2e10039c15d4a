//! Counts for the registry's statistics: studios, recognitions, achievements, awards and
//! alliances, grouped, within a set of unit subtrees and a span of years.

use crate::filter::Where;
use crate::{Conn, DbResult};
use gongjiang_domain::unit::UnitPath;
use sqlx::AssertSqlSafe;

/// Which records count: those of units inside `roots`, in years `from..=to` where years apply.
#[derive(Debug, Clone)]
pub struct Scope {
    pub roots: Vec<UnitPath>,
    pub from: i64,
    pub to: i64,
}

/// How studios are grouped.
#[derive(Debug, Clone, Copy)]
pub enum StudioBy {
    Level,
    Stars,
    Status,
}

/// How achievements are grouped.
#[derive(Debug, Clone, Copy)]
pub enum AchievementBy {
    Year,
    Kind,
    Field,
    Stage,
    Unit,
}

/// Active studios by their current level, stars or status (studios have no year: all count).
pub async fn studios(conn: &mut Conn, scope: &Scope, by: StudioBy) -> DbResult<Vec<(String, i64)>> {
    let column = match by {
        StudioBy::Level => "s.level",
        StudioBy::Stars => "CAST(s.stars AS TEXT)",
        StudioBy::Status => "s.status",
    };
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    if !matches!(by, StudioBy::Status) {
        w.and("s.status = 'active'");
    }
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM studios s JOIN units u ON u.id = s.unit_id{} GROUP BY {column} ORDER BY {column}",
        w.sql()
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?)
}

/// Active studios per field (a studio may count under several).
pub async fn studio_fields(conn: &mut Conn, scope: &Scope) -> DbResult<Vec<(String, i64)>> {
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    w.and("s.status = 'active'");
    let sql = format!(
        "SELECT s.fields FROM studios s JOIN units u ON u.id = s.unit_id{}",
        w.sql()
    );
    let rows: Vec<(String,)> = w
        .bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?;
    let mut counts: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (fields,) in rows {
        for f in fields.split(',').filter(|f| !f.is_empty()) {
            *counts.entry(f.to_owned()).or_default() += 1;
        }
    }
    Ok(counts.into_iter().collect())
}

/// Recognitions granted per year and level.
pub async fn recognitions(conn: &mut Conn, scope: &Scope) -> DbResult<Vec<(i64, String, i64)>> {
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    let from = w.int(scope.from);
    let to = w.int(scope.to);
    w.and(format!("l.year BETWEEN {from} AND {to}"));
    let sql = format!(
        "SELECT l.year, l.level, COUNT(*) FROM studio_levels l JOIN studios s ON s.id = l.studio_id JOIN units u ON u.id = s.unit_id{} GROUP BY l.year, l.level ORDER BY l.year, l.level",
        w.sql()
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?)
}

/// Achievements of the years in scope, grouped.
pub async fn achievements(
    conn: &mut Conn,
    scope: &Scope,
    by: AchievementBy,
) -> DbResult<Vec<(String, i64)>> {
    let (column, order) = match by {
        AchievementBy::Year => ("CAST(a.year AS TEXT)", "1"),
        AchievementBy::Kind => ("a.kind", "1"),
        AchievementBy::Field => ("a.field", "2 DESC, 1"),
        AchievementBy::Stage => ("a.stage", "1"),
        AchievementBy::Unit => ("u.name", "2 DESC, 1"),
    };
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    let from = w.int(scope.from);
    let to = w.int(scope.to);
    w.and(format!("a.year BETWEEN {from} AND {to}"));
    let limit = if matches!(by, AchievementBy::Unit) {
        " LIMIT 20"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM achievements a JOIN units u ON u.id = a.unit_id{} GROUP BY {column} ORDER BY {order}{limit}",
        w.sql()
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?)
}

/// Awards per year and tier, for achievements of units in scope.
pub async fn awards(conn: &mut Conn, scope: &Scope) -> DbResult<Vec<(i64, String, i64)>> {
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    let from = w.int(scope.from);
    let to = w.int(scope.to);
    w.and(format!("w.year BETWEEN {from} AND {to}"));
    let sql = format!(
        "SELECT w.year, w.tier, COUNT(*) FROM awards w JOIN achievements a ON a.id = w.achievement_id JOIN units u ON u.id = a.unit_id{} GROUP BY w.year, w.tier ORDER BY w.year, w.tier",
        w.sql()
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?)
}

/// Alliances kept by units in scope, by kind.
pub async fn alliances(conn: &mut Conn, scope: &Scope) -> DbResult<Vec<(String, i64)>> {
    let mut w = Where::default();
    w.within("u.path", &scope.roots);
    let sql = format!(
        "SELECT a.kind, COUNT(*) FROM alliances a JOIN units u ON u.id = a.unit_id{} GROUP BY a.kind ORDER BY a.kind",
        w.sql()
    );
    Ok(w.bind_as(sqlx::query_as(AssertSqlSafe(sql)))
        .fetch_all(conn)
        .await?)
}
