//! The registry's statistics for the caller's units and a span of years: the counts a union
//! reports upwards, and the sentence that sums them up.

use crate::{Caller, ServiceResult};
use gongjiang_db::Database;
use gongjiang_db::stats::{self, AchievementBy, Scope, StudioBy};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::this_year;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub from: i64,
    pub to: i64,
    pub studios_by_level: Vec<(String, i64)>,
    pub studios_by_stars: Vec<(String, i64)>,
    pub studios_by_status: Vec<(String, i64)>,
    pub studios_by_field: Vec<(String, i64)>,
    /// (year, level, count) of recognitions granted.
    pub recognitions: Vec<(i64, String, i64)>,
    pub achievements_by_year: Vec<(String, i64)>,
    pub achievements_by_kind: Vec<(String, i64)>,
    pub achievements_by_field: Vec<(String, i64)>,
    pub achievements_by_stage: Vec<(String, i64)>,
    pub achievements_by_unit: Vec<(String, i64)>,
    /// (year, tier, count) of awards.
    pub awards: Vec<(i64, String, i64)>,
    pub alliances_by_kind: Vec<(String, i64)>,
}

impl Report {
    /// Recognitions of one level over the span.
    pub fn recognised(&self, level: &str) -> i64 {
        self.recognitions
            .iter()
            .filter(|(_, l, _)| l == level)
            .map(|(_, _, n)| n)
            .sum()
    }

    /// Awards of one tier over the span.
    pub fn prizes(&self, tier: &str) -> i64 {
        self.awards
            .iter()
            .filter(|(_, t, _)| t == tier)
            .map(|(_, _, n)| n)
            .sum()
    }

    /// Totals per tier over the span, in the order given.
    pub fn tiers_total(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for (_, tier, n) in &self.awards {
            match out.iter_mut().find(|(t, _)| t == tier) {
                Some((_, total)) => *total += n,
                None => out.push((tier.clone(), *n)),
            }
        }
        out
    }
}

/// The span of years asked for, checked: at most thirty years, ending no later than next year.
pub fn span(from: Option<i64>, to: Option<i64>) -> (i64, i64) {
    let this = i64::from(this_year());
    let to = to.unwrap_or(this).clamp(1949, this + 1);
    let from = from.unwrap_or(to - 2).clamp(to - 30, to);
    (from, to)
}

pub async fn report(
    db: &Database,
    caller: &Caller,
    within_unit: Option<i64>,
    from: Option<i64>,
    to: Option<i64>,
) -> ServiceResult<Report> {
    caller.ensure_somewhere(Action::DeclareAchievements)?;
    let mut conn = db.read().await?;
    let roots = match within_unit {
        Some(u) => {
            let path = crate::units::path_of(&mut conn, u).await?;
            caller.ensure(Action::DeclareAchievements, &path)?;
            vec![path]
        }
        None => caller.scope(Action::DeclareAchievements),
    };
    let (from, to) = span(from, to);
    let scope = Scope { roots, from, to };
    Ok(Report {
        from,
        to,
        studios_by_level: stats::studios(&mut conn, &scope, StudioBy::Level).await?,
        studios_by_stars: stats::studios(&mut conn, &scope, StudioBy::Stars).await?,
        studios_by_status: stats::studios(&mut conn, &scope, StudioBy::Status).await?,
        studios_by_field: stats::studio_fields(&mut conn, &scope).await?,
        recognitions: stats::recognitions(&mut conn, &scope).await?,
        achievements_by_year: stats::achievements(&mut conn, &scope, AchievementBy::Year).await?,
        achievements_by_kind: stats::achievements(&mut conn, &scope, AchievementBy::Kind).await?,
        achievements_by_field: stats::achievements(&mut conn, &scope, AchievementBy::Field).await?,
        achievements_by_stage: stats::achievements(&mut conn, &scope, AchievementBy::Stage).await?,
        achievements_by_unit: stats::achievements(&mut conn, &scope, AchievementBy::Unit).await?,
        awards: stats::awards(&mut conn, &scope).await?,
        alliances_by_kind: stats::alliances(&mut conn, &scope).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bounded() {
        let this = i64::from(this_year());
        assert_eq!(span(None, None), (this - 2, this));
        assert_eq!(span(Some(1900), Some(2020)), (1990, 2020));
        assert_eq!(span(Some(2030), Some(2020)), (2020, 2020));
        assert_eq!(span(None, Some(3000)), (this - 1, this + 1));
    }
}
