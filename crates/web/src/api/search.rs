//! Search over studios, achievements and people as JSON, with the page's filters and
//! highlights: anyone finds what is published; with a token, admins also what their units keep.

use super::kit::{Paged, Paging, bounded};
use crate::AppState;
use crate::context::Ctx;
use crate::error::WebResult;
use axum::Json;
use axum::extract::{Query, State};
use gongjiang_app::search;
use gongjiang_db::search::{COUNT_CAP, SearchFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find (Chinese or Latin): every word must match.
    #[serde(default)]
    q: String,
    /// Only this kind of record; all when left out.
    #[param(inline)]
    what: Option<What>,
    /// A field code.
    field: Option<String>,
    /// An achievement kind.
    kind: Option<String>,
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i64>,
    /// A studio level.
    level: Option<String>,
    /// An award tier.
    tier: Option<String>,
}

/// The kinds of record search finds.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum What {
    Studio,
    Achievement,
    Person,
}

impl What {
    fn as_str(self) -> &'static str {
        match self {
            What::Studio => "studio",
            What::Achievement => "achievement",
            What::Person => "person",
        }
    }
}

/// A run of text, marked where it matched the query.
#[derive(Serialize, ToSchema)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// `studio`, `achievement` or `person`.
    pub what: String,
    pub id: i64,
    pub title: String,
    /// The title in pieces, the matches marked.
    pub title_pieces: Vec<Piece>,
    /// Around the first match in the text, in pieces.
    pub snippet: Vec<Piece>,
    pub year: Option<i64>,
    pub kind: String,
    pub level: String,
    pub tier: String,
}

/// Hits, the most relevant first. `total` counts at most 1,000 (`total_capped` then says
/// there are more).
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    #[serde(flatten)]
    pub page: Paged<SearchHit>,
    pub total_capped: bool,
}

/// Searches what the caller may see.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery, Paging), responses((status = 200, body = SearchResults)))]
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<SearchResults>> {
    let page = paging.resolve(20)?;
    let filter = SearchFilter {
        entity: q.what.map(|w| w.as_str().to_owned()),
        field: q.field,
        kind: q.kind,
        year: bounded("year", q.year, 1949, 2100)?,
        level: q.level,
        tier: q.tier,
        within: None,
    };
    let caller = ctx.caller();
    let r = search::search(&state.search, caller.as_ref(), &q.q, &filter, page.page()).await?;
    let hits = r
        .found
        .into_iter()
        .map(|f| {
            let piece = |p: &_| {
                let gongjiang_app::search::Piece { text, hit } = p;
                Piece {
                    text: text.clone(),
                    hit: *hit,
                }
            };
            SearchHit {
                what: f.hit.entity,
                id: f.hit.entity_id,
                title: f.hit.title,
                title_pieces: f.title.iter().map(piece).collect(),
                snippet: f.snippet.iter().map(piece).collect(),
                year: f.hit.year,
                kind: f.hit.kind,
                level: f.hit.level,
                tier: f.hit.tier,
            }
        })
        .collect();
    Ok(Json(SearchResults {
        page: page.answer(hits, r.total),
        total_capped: r.total >= COUNT_CAP,
    }))
}
