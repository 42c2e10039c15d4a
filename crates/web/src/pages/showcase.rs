//! The public showcase (no sign-in): published achievements and studios, browsable by field,
//! unit and year, with pictures; light pages for phones on weak networks.

use crate::AppState;
use crate::context::Ctx;
use crate::error::WebResult;
use crate::view::{Layout, Pager, html};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use gongjiang_app::achievements::AchievementPage;
use gongjiang_app::showcase::{self, Overview, PublicStudio};
use gongjiang_app::studios;
use gongjiang_db::Page;
use gongjiang_db::achievements::{AchievementFilter, AchievementView};
use gongjiang_db::studios::{StudioFilter, StudioView};
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::studio::StudioLevel;
use serde::Deserialize;

const PAGE_SIZE: i64 = 24;

#[derive(Template)]
#[template(path = "showcase/index.html")]
struct Index {
    l: Layout,
    o: Overview,
    fields: Vec<&'static str>,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let o = showcase::overview(&state.db).await?;
    html(&Index {
        o,
        fields: Field::ALL.iter().map(|c| c.as_str()).collect(),
        l: Layout::new(&ctx, "showcase", ctx.tr.t_string("showcase.title")),
    })
}

#[derive(Deserialize, Default)]
pub struct Browse {
    #[serde(default)]
    field: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    page: String,
}

impl Browse {
    fn page(&self) -> i64 {
        self.page.parse::<i64>().unwrap_or(1).max(1)
    }
    fn some(s: &str) -> Option<String> {
        (!s.trim().is_empty()).then(|| s.trim().to_owned())
    }
}

#[derive(Template)]
#[template(path = "showcase/achievements.html")]
struct Achievements {
    l: Layout,
    items: Vec<AchievementView>,
    pager: Pager,
    b: Browse,
    fields: Vec<&'static str>,
    units: Vec<(i64, String)>,
}

pub async fn achievements(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(b): Query<Browse>,
) -> WebResult<Response> {
    let filter = AchievementFilter {
        field: Browse::some(&b.field),
        year: b.year.trim().parse().ok(),
        ..Default::default()
    };
    let unit = b.unit.trim().parse::<i64>().ok();
    let (items, total) =
        showcase::achievements_of(&state.db, filter, unit, Page::new(b.page(), PAGE_SIZE)).await?;
    let pager = Pager::new(
        "/showcase/achievements",
        &[("field", &b.field), ("unit", &b.unit), ("year", &b.year)],
        b.page(),
        PAGE_SIZE,
        total,
    );
    html(&Achievements {
        items,
        pager,
        b,
        fields: Field::ALL.iter().map(|c| c.as_str()).collect(),
        units: showcase::units(&state.db).await?,
        l: Layout::new(&ctx, "showcase", ctx.tr.t_string("showcase.achievements")),
    })
}

#[derive(Template)]
#[template(path = "showcase/achievement.html")]
struct AchievementShow {
    l: Layout,
    p: AchievementPage,
}

pub async fn achievement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = showcase::achievement(&state.public_records, id).await?;
    let title = p.achievement.title.clone();
    html(&AchievementShow {
        p,
        l: Layout::new(&ctx, "showcase", title),
    })
}

#[derive(Template)]
#[template(path = "showcase/studios.html")]
struct Studios {
    l: Layout,
    items: Vec<StudioView>,
    pager: Pager,
    b: Browse,
    fields: Vec<&'static str>,
    levels: Vec<&'static str>,
}

pub async fn studios(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(b): Query<Browse>,
) -> WebResult<Response> {
    let filter = StudioFilter {
        field: Browse::some(&b.field),
        level: Browse::some(&b.level),
        ..Default::default()
    };
    let (items, total) =
        studios::published(&state.db, filter, Page::new(b.page(), PAGE_SIZE)).await?;
    let pager = Pager::new(
        "/showcase/studios",
        &[("field", &b.field), ("level", &b.level)],
        b.page(),
        PAGE_SIZE,
        total,
    );
    html(&Studios {
        items,
        pager,
        b,
        fields: Field::ALL.iter().map(|c| c.as_str()).collect(),
        levels: StudioLevel::ALL.iter().map(|c| c.as_str()).collect(),
        l: Layout::new(&ctx, "showcase", ctx.tr.t_string("showcase.studios")),
    })
}

#[derive(Template)]
#[template(path = "showcase/studio.html")]
struct StudioShow {
    l: Layout,
    p: PublicStudio,
}

pub async fn studio(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = showcase::studio(&state.db, id).await?;
    let title = p.studio.name.clone();
    html(&StudioShow {
        p,
        l: Layout::new(&ctx, "showcase", title),
    })
}
