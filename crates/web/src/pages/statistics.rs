//! The statistics page: the registry's counts for the caller's units and a span of years, each
//! table with its chart, the summary a union reports upwards, and the whole as an Excel file.

use super::{UnitOption, unit_options};
use crate::AppState;
use crate::charts;
use crate::context::{Ctx, Me};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::view::{Layout, html, xlsx};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gongjiang_app::Caller;
use gongjiang_app::statistics::{self, Report};
use gongjiang_app::{sheets, units};
use gongjiang_domain::authz::Action;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    unit: String,
}

/// One table of the report: its title, column names, rows, and its chart.
pub struct Table {
    pub id: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub chart: String,
}

fn labelled(tr: Tr, group: &str, items: &[(String, i64)]) -> Vec<(String, i64)> {
    items
        .iter()
        .map(|(code, n)| {
            let key = format!("{group}.{code}");
            let label = if group.is_empty() || code.is_empty() {
                if code.is_empty() {
                    "—".to_owned()
                } else {
                    code.clone()
                }
            } else if tr.has(&key) {
                tr.t_string(&key)
            } else {
                code.clone()
            };
            (label, *n)
        })
        .collect()
}

fn simple(
    tr: Tr,
    id: &'static str,
    title_key: &str,
    group: &str,
    column_key: &str,
    items: &[(String, i64)],
) -> Table {
    let items = labelled(tr, group, items);
    let title = tr.t_string(title_key);
    Table {
        id,
        chart: charts::bars(&title, &items),
        headers: vec![tr.t_string(column_key), tr.t_string("statistics.count")],
        rows: items
            .iter()
            .map(|(l, n)| vec![l.clone(), n.to_string()])
            .collect(),
        title,
    }
}

/// Year × code counts as a table (a column per code) and a stacked chart.
fn by_year(
    tr: Tr,
    id: &'static str,
    title_key: &str,
    group: &str,
    data: &[(i64, String, i64)],
    codes: &[&str],
) -> Table {
    let years: Vec<i64> = {
        let mut y: Vec<i64> = data.iter().map(|(y, _, _)| *y).collect();
        y.dedup();
        y
    };
    let present: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|c| data.iter().any(|(_, k, _)| k == c))
        .collect();
    let names: Vec<String> = present
        .iter()
        .map(|c| tr.t_string(&format!("{group}.{c}")))
        .collect();
    let rows: Vec<(String, Vec<i64>)> = years
        .iter()
        .map(|y| {
            let parts = present
                .iter()
                .map(|c| {
                    data.iter()
                        .filter(|(yy, k, _)| yy == y && k == c)
                        .map(|(_, _, n)| n)
                        .sum()
                })
                .collect();
            (y.to_string(), parts)
        })
        .collect();
    let title = tr.t_string(title_key);
    let mut headers = vec![tr.t_string("field.year")];
    headers.extend(names.iter().cloned());
    Table {
        id,
        chart: charts::stacked(&title, &rows, &names),
        headers,
        rows: rows
            .iter()
            .map(|(y, parts)| {
                std::iter::once(y.clone())
                    .chain(parts.iter().map(|n| n.to_string()))
                    .collect()
            })
            .collect(),
        title,
    }
}

const LEVELS: &[&str] = &[
    "enterprise",
    "district",
    "industry",
    "municipal",
    "demonstration",
];
const TIERS: &[&str] = &[
    "special",
    "first",
    "second",
    "third",
    "excellence",
    "patent",
];

fn tables(tr: Tr, r: &Report) -> Vec<Table> {
    let stars: Vec<(String, i64)> = r
        .studios_by_stars
        .iter()
        .filter(|(s, _)| s != "0")
        .map(|(s, n)| (tr.tf("studios.n_stars", &[("n", s)]), *n))
        .collect();
    vec![
        simple(
            tr,
            "studios-by-level",
            "statistics.studios_by_level",
            "level",
            "field.level",
            &r.studios_by_level,
        ),
        simple(
            tr,
            "studios-by-stars",
            "statistics.studios_by_stars",
            "",
            "field.stars",
            &stars,
        ),
        simple(
            tr,
            "studios-by-field",
            "statistics.studios_by_field",
            "industry_field",
            "field.field",
            &r.studios_by_field,
        ),
        simple(
            tr,
            "studios-by-status",
            "statistics.studios_by_status",
            "studio_status",
            "field.status",
            &r.studios_by_status,
        ),
        by_year(
            tr,
            "recognitions",
            "statistics.recognitions",
            "level",
            &r.recognitions,
            LEVELS,
        ),
        simple(
            tr,
            "achievements-by-year",
            "statistics.achievements_by_year",
            "",
            "field.year",
            &r.achievements_by_year,
        ),
        simple(
            tr,
            "achievements-by-kind",
            "statistics.achievements_by_kind",
            "achievement_kind",
            "field.kind",
            &r.achievements_by_kind,
        ),
        simple(
            tr,
            "achievements-by-field",
            "statistics.achievements_by_field",
            "industry_field",
            "field.field",
            &r.achievements_by_field,
        ),
        simple(
            tr,
            "achievements-by-unit",
            "statistics.achievements_by_unit",
            "",
            "field.unit",
            &r.achievements_by_unit,
        ),
        simple(
            tr,
            "achievements-by-stage",
            "statistics.achievements_by_stage",
            "stage",
            "field.stage",
            &r.achievements_by_stage,
        ),
        by_year(tr, "awards", "statistics.awards", "tier", &r.awards, TIERS),
        simple(
            tr,
            "alliances-by-kind",
            "statistics.alliances_by_kind",
            "alliance_kind",
            "field.kind",
            &r.alliances_by_kind,
        ),
    ]
}

/// "In 2024–2026: 19 municipal demonstration and 76 municipal studios recognised; 14 first, …"
pub(crate) fn summary(tr: Tr, r: &Report) -> String {
    let prizes: Vec<String> = r
        .tiers_total()
        .iter()
        .map(|(t, n)| {
            format!(
                "{}{}",
                tr.tf("statistics.n_of", &[("n", &n.to_string())]),
                tr.t_string(&format!("tier.{t}"))
            )
        })
        .collect();
    tr.tf(
        "statistics.summary",
        &[
            ("from", &r.from.to_string()),
            ("to", &r.to.to_string()),
            ("demonstration", &r.recognised("demonstration").to_string()),
            ("municipal", &r.recognised("municipal").to_string()),
            (
                "prizes",
                &if prizes.is_empty() {
                    tr.t_string("statistics.no_prizes")
                } else {
                    prizes.join(tr.t("statistics.list_separator"))
                },
            ),
        ],
    )
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatsPage {
    l: Layout,
    from: i64,
    to: i64,
    unit: Option<i64>,
    units: Vec<UnitOption>,
    summary: String,
    tables: Vec<Table>,
    query: String,
}

async fn load(
    state: &AppState,
    caller: &Caller,
    q: &StatsQuery,
) -> WebResult<(Report, Option<i64>)> {
    let unit = super::parse_id("unit", &q.unit)?;
    let r = statistics::report(
        &state.db,
        caller,
        unit,
        q.from.trim().parse().ok(),
        q.to.trim().parse().ok(),
    )
    .await?;
    Ok((r, unit))
}

/// The report for those who keep units; the module's overview for everyone else.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatsQuery>,
) -> WebResult<Response> {
    let Some(caller) = ctx
        .caller()
        .filter(|c| c.may_somewhere(Action::DeclareAchievements))
    else {
        return super::home::statistics(ctx).await;
    };
    let (r, unit) = load(&state, &caller, &q).await?;
    let tr = ctx.tr;
    let query = serde_urlencoded::to_string([
        ("from", r.from.to_string()),
        ("to", r.to.to_string()),
        ("unit", unit.map(|u| u.to_string()).unwrap_or_default()),
    ])
    .unwrap_or_default();
    html(&StatsPage {
        summary: summary(tr, &r),
        tables: tables(tr, &r),
        from: r.from,
        to: r.to,
        unit,
        units: unit_options(
            &units::parents_for(&state.db, &caller, Action::DeclareAchievements).await?,
        ),
        query,
        l: Layout::new(&ctx, "statistics", tr.t_string("statistics.title")),
    })
}

/// Every table of the page, a sheet each, with the summary on the first.
pub async fn export(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<StatsQuery>,
) -> WebResult<Response> {
    let (r, _) = load(&state, &me.caller, &q).await?;
    let tr = me.ctx.tr;
    let tables = tables(tr, &r);
    let summary_rows = vec![vec![summary(tr, &r)]];
    let summary_headers = vec![tr.t_string("statistics.summary_title")];
    let names: Vec<String> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{} {}", i + 1, t.title.chars().take(25).collect::<String>()))
        .collect();
    let mut specs: Vec<sheets::SheetSpec<'_>> = vec![(
        tr.t("statistics.summary_title"),
        &summary_headers,
        &summary_rows,
    )];
    for (t, name) in tables.iter().zip(&names) {
        specs.push((name.as_str(), &t.headers, &t.rows));
    }
    let bytes = sheets::write_sheets(&specs).map_err(WebError::Internal)?;
    Ok(xlsx(
        bytes,
        &format!("{}-{}-{}.xlsx", tr.t("statistics.title"), r.from, r.to),
    ))
}
