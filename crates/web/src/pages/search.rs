//! The search page: one box over studios, achievements and people, with filters; anyone may
//! search what is published, admins also what their units keep.

use crate::AppState;
use crate::context::Ctx;
use crate::error::WebResult;
use crate::view::{Layout, Pager, html};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gongjiang_app::search::{self, Results};
use gongjiang_db::Page;
use gongjiang_db::search::SearchFilter;
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::achievement::{AchievementKind, AwardTier};
use gongjiang_domain::registry::studio::StudioLevel;
use serde::Deserialize;

const PAGE_SIZE: i64 = 20;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub page: String,
}

impl SearchQuery {
    fn filter(&self) -> SearchFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        SearchFilter {
            entity: some(&self.entity)
                .filter(|e| ["studio", "achievement", "person"].contains(&e.as_str())),
            field: some(&self.field),
            kind: some(&self.kind),
            year: self.year.trim().parse().ok(),
            level: some(&self.level),
            tier: some(&self.tier),
            within: None,
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    q: SearchQuery,
    r: Results,
    pager: Pager,
    signed_in: bool,
    cap: i64,
    fields: Vec<&'static str>,
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
    tiers: Vec<&'static str>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> WebResult<Response> {
    let page = q.page.parse::<i64>().unwrap_or(1).max(1);
    let caller = ctx.caller();
    let r = search::search(
        &state.search,
        caller.as_ref(),
        &q.q,
        &q.filter(),
        Page::new(page, PAGE_SIZE),
    )
    .await?;
    let params = [
        ("q", q.q.as_str()),
        ("entity", &q.entity),
        ("field", &q.field),
        ("kind", &q.kind),
        ("year", &q.year),
        ("level", &q.level),
        ("tier", &q.tier),
    ];
    let pager = Pager::new("/search", &params, page, PAGE_SIZE, r.total);
    html(&SearchPage {
        signed_in: caller.is_some(),
        cap: gongjiang_db::search::COUNT_CAP,
        pager,
        r,
        q,
        fields: Field::ALL.iter().map(|c| c.as_str()).collect(),
        kinds: AchievementKind::ALL.iter().map(|c| c.as_str()).collect(),
        levels: StudioLevel::ALL.iter().map(|c| c.as_str()).collect(),
        tiers: AwardTier::ALL.iter().map(|c| c.as_str()).collect(),
        l: Layout::new(&ctx, "search", ctx.tr.t_string("search.title")),
    })
}
