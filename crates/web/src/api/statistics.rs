//! The registry's statistics as JSON: every table the statistics page shows, and the summary
//! sentence a union reports upwards, for the caller's units and a span of years.

use crate::AppState;
use crate::context::Me;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Query, State};
use gongjiang_app::statistics;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First year (default: two years before `to`; at most 30 years before it).
    #[param(minimum = 1949, maximum = 2100)]
    from: Option<i64>,
    /// Last year (default: this year).
    #[param(minimum = 1949, maximum = 2100)]
    to: Option<i64>,
    /// Only this unit's subtree (one the caller administers).
    unit: Option<i64>,
}

/// A count under a code (a level, a kind, a year…).
#[derive(Serialize, ToSchema)]
pub struct Count {
    pub key: String,
    pub count: i64,
}

/// A count under a code in a year.
#[derive(Serialize, ToSchema)]
pub struct YearCount {
    pub year: i64,
    pub key: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Statistics {
    /// The span of years the report covers, after its bounds.
    pub from: i64,
    pub to: i64,
    /// The sentence a union reports upwards, in the request's language.
    pub summary: String,
    pub studios_by_level: Vec<Count>,
    pub studios_by_stars: Vec<Count>,
    pub studios_by_status: Vec<Count>,
    pub studios_by_field: Vec<Count>,
    /// Levels granted, by year.
    pub recognitions: Vec<YearCount>,
    pub achievements_by_year: Vec<Count>,
    pub achievements_by_kind: Vec<Count>,
    pub achievements_by_field: Vec<Count>,
    pub achievements_by_stage: Vec<Count>,
    pub achievements_by_unit: Vec<Count>,
    /// Awards by year and tier.
    pub awards: Vec<YearCount>,
    pub alliances_by_kind: Vec<Count>,
}

fn counts(rows: Vec<(String, i64)>) -> Vec<Count> {
    rows.into_iter()
        .map(|(key, count)| Count { key, count })
        .collect()
}

fn year_counts(rows: Vec<(i64, String, i64)>) -> Vec<YearCount> {
    rows.into_iter()
        .map(|(year, key, count)| YearCount { year, key, count })
        .collect()
}

/// The statistics of the caller's units (admins who declare achievements).
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", params(StatsQuery), responses((status = 200, body = Statistics)))]
pub async fn report(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<StatsQuery>,
) -> WebResult<Json<Statistics>> {
    let from = super::kit::bounded("from", q.from, 1949, 2100)?;
    let to = super::kit::bounded("to", q.to, 1949, 2100)?;
    let r = statistics::report(&state.db, &me.caller, q.unit, from, to).await?;
    let summary = crate::pages::statistics::summary(me.ctx.tr, &r);
    Ok(Json(Statistics {
        from: r.from,
        to: r.to,
        summary,
        studios_by_level: counts(r.studios_by_level),
        studios_by_stars: counts(r.studios_by_stars),
        studios_by_status: counts(r.studios_by_status),
        studios_by_field: counts(r.studios_by_field),
        recognitions: year_counts(r.recognitions),
        achievements_by_year: counts(r.achievements_by_year),
        achievements_by_kind: counts(r.achievements_by_kind),
        achievements_by_field: counts(r.achievements_by_field),
        achievements_by_stage: counts(r.achievements_by_stage),
        achievements_by_unit: counts(r.achievements_by_unit),
        awards: year_counts(r.awards),
        alliances_by_kind: counts(r.alliances_by_kind),
    }))
}
