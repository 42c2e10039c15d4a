//! The public showcase as JSON, for a union's own site or mini-program: published studios,
//! achievements and exhibitions, without a token. Only what the showcase pages show.

use super::achievements::FileDto;
use super::kit::{Paged, Paging, bounded};
use super::records::{AchievementCard, PictureDto, Reference};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use gongjiang_app::{exhibitions, showcase, studios};
use gongjiang_db::achievements::{AchievementFilter, AwardView};
use gongjiang_db::exhibitions::{ExhibitionView, ItemView};
use gongjiang_db::studios::{StudioFilter, StudioView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::WebResult;

/// A published studio as the showcase shows it (no site, equipment, funds or contact).
#[derive(Serialize, ToSchema)]
pub struct PublicStudio {
    pub id: i64,
    pub name: String,
    pub unit_name: String,
    pub leader_name: Option<String>,
    pub fields: Vec<String>,
    pub founded_year: Option<i64>,
    /// The highest level granted, or empty.
    pub level: String,
    /// The latest star rating (3–5), or 0.
    pub stars: i64,
    pub summary: String,
}

impl From<StudioView> for PublicStudio {
    fn from(s: StudioView) -> Self {
        let fields = s.field_codes().into_iter().map(str::to_owned).collect();
        PublicStudio {
            id: s.id,
            name: s.name,
            unit_name: s.unit_name,
            leader_name: s.leader_name,
            fields,
            founded_year: s.founded_year,
            level: s.level,
            stars: s.stars,
            summary: s.summary,
        }
    }
}

/// A present member as the public sees them.
#[derive(Serialize, ToSchema)]
pub struct PublicMember {
    pub name: String,
    /// `leader`, `core`, `member` or `advisor`.
    pub role: String,
    pub trade: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicStudioDetail {
    pub studio: PublicStudio,
    pub members: Vec<PublicMember>,
    pub achievements: Vec<AchievementCard>,
    pub alliances: Vec<Reference>,
    pub pictures: Vec<PictureDto>,
}

/// A published achievement as the showcase shows it (no declaration steps).
#[derive(Serialize, ToSchema)]
pub struct PublicAchievement {
    #[serde(flatten)]
    pub card: AchievementCard,
    pub description: String,
    pub effects: String,
    pub patents: String,
    /// The makers' names, the leading one first.
    pub makers: Vec<String>,
    pub awards: Vec<AwardView>,
    /// Its pictures.
    pub files: Vec<FileDto>,
}

/// A published exhibition.
#[derive(Serialize, ToSchema)]
pub struct PublicExhibition {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub unit_name: String,
    pub venue: String,
    /// `YYYY-MM-DD`, or empty.
    pub opens_on: String,
    pub closes_on: String,
}

impl From<ExhibitionView> for PublicExhibition {
    fn from(e: ExhibitionView) -> Self {
        PublicExhibition {
            id: e.id,
            title: e.title,
            summary: e.summary,
            unit_name: e.unit_name,
            venue: e.venue,
            opens_on: e.opens_on,
            closes_on: e.closes_on,
        }
    }
}

/// An achievement shown in an exhibition.
#[derive(Serialize, ToSchema)]
pub struct ExhibitedItem {
    pub achievement_id: i64,
    pub title: String,
    pub summary: String,
    pub unit_name: String,
    pub field: String,
    pub year: i64,
    pub best_tier: String,
    /// Shown at the venue too, on this board.
    pub at_venue: bool,
    pub board_no: String,
    pub cover_url: Option<String>,
}

impl From<ItemView> for ExhibitedItem {
    fn from(i: ItemView) -> Self {
        ExhibitedItem {
            achievement_id: i.achievement_id,
            title: i.title,
            summary: i.summary,
            unit_name: i.unit_name,
            field: i.field,
            year: i.year,
            best_tier: i.best_tier,
            at_venue: i.offline,
            board_no: i.board_no,
            cover_url: i.cover_id.map(|id| format!("/files/{id}/thumb")),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PublicExhibitionDetail {
    pub exhibition: PublicExhibition,
    pub items: Vec<ExhibitedItem>,
}

/// The showcase's front page.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    /// Published studios and achievements in all.
    pub studios: i64,
    pub achievements: i64,
    pub latest: Vec<AchievementCard>,
    pub featured: Vec<PublicStudio>,
    pub exhibitions: Vec<PublicExhibition>,
}

/// The showcase's front page: counts, the latest achievements, featured studios, exhibitions.
#[utoipa::path(get, path = "/api/v1/public/overview", tag = "showcase", responses((status = 200, body = Overview)))]
pub async fn overview(State(state): State<AppState>) -> WebResult<Json<Overview>> {
    let o = showcase::overview(&state.db).await?;
    Ok(Json(Overview {
        studios: o.studios,
        achievements: o.achievements,
        latest: o.latest.into_iter().map(AchievementCard::public).collect(),
        featured: o.featured.into_iter().map(PublicStudio::from).collect(),
        exhibitions: o
            .exhibitions
            .into_iter()
            .map(PublicExhibition::from)
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Browse {
    /// A field code.
    field: Option<String>,
    /// Only this unit's subtree.
    unit: Option<i64>,
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i64>,
}

/// Published achievements, newest first.
#[utoipa::path(get, path = "/api/v1/public/achievements", tag = "showcase", params(Browse, Paging), responses((status = 200, body = Paged<AchievementCard>)))]
pub async fn achievements(
    State(state): State<AppState>,
    Query(b): Query<Browse>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<AchievementCard>>> {
    let page = paging.resolve(24)?;
    let filter = AchievementFilter {
        field: b.field,
        year: bounded("year", b.year, 1949, 2100)?,
        ..Default::default()
    };
    let (items, total) = showcase::achievements_of(&state.db, filter, b.unit, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(AchievementCard::public).collect(),
        total,
    )))
}

/// One published achievement with its makers, awards and files.
#[utoipa::path(get, path = "/api/v1/public/achievements/{id}", tag = "showcase", params(("id" = i64, Path)), responses((status = 200, body = PublicAchievement)))]
pub async fn achievement(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> WebResult<Json<PublicAchievement>> {
    let p = showcase::achievement(&state.public_records, id).await?;
    let a = p.achievement;
    let (description, effects, patents) =
        (a.description.clone(), a.effects.clone(), a.patents.clone());
    Ok(Json(PublicAchievement {
        card: AchievementCard::public(a),
        description,
        effects,
        patents,
        makers: p.people.into_iter().map(|m| m.name).collect(),
        awards: p.awards,
        // The showcase shows pictures; documents stay with those who keep the record.
        files: p
            .files
            .into_iter()
            .filter(|f| f.kind == "picture")
            .map(FileDto::from)
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudioBrowse {
    /// A field code.
    field: Option<String>,
    /// A level code.
    level: Option<String>,
}

/// Published studios.
#[utoipa::path(get, path = "/api/v1/public/studios", tag = "showcase", params(StudioBrowse, Paging), responses((status = 200, body = Paged<PublicStudio>)))]
pub async fn studio_list(
    State(state): State<AppState>,
    Query(b): Query<StudioBrowse>,
    Query(paging): Query<Paging>,
) -> WebResult<Json<Paged<PublicStudio>>> {
    let page = paging.resolve(24)?;
    let filter = StudioFilter {
        field: b.field,
        level: b.level,
        ..Default::default()
    };
    let (items, total) = studios::published(&state.db, filter, page.page()).await?;
    Ok(Json(page.answer(
        items.into_iter().map(PublicStudio::from).collect(),
        total,
    )))
}

/// One published studio with its present members, published achievements, alliances and
/// pictures.
#[utoipa::path(get, path = "/api/v1/public/studios/{id}", tag = "showcase", params(("id" = i64, Path)), responses((status = 200, body = PublicStudioDetail)))]
pub async fn studio(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> WebResult<Json<PublicStudioDetail>> {
    let p = showcase::studio(&state.db, id).await?;
    Ok(Json(PublicStudioDetail {
        studio: p.studio.into(),
        members: p
            .members
            .into_iter()
            .map(|m| PublicMember {
                name: m.name,
                role: m.role,
                trade: m.trade,
            })
            .collect(),
        achievements: p
            .achievements
            .into_iter()
            .map(AchievementCard::from)
            .collect(),
        alliances: p
            .alliances
            .into_iter()
            .map(|a| Reference {
                id: a.id,
                name: a.name,
            })
            .collect(),
        pictures: p
            .pictures
            .into_iter()
            .map(|(id, name)| PictureDto::studio(id, name))
            .collect(),
    }))
}

/// Published exhibitions.
#[utoipa::path(get, path = "/api/v1/public/exhibitions", tag = "showcase", responses((status = 200, body = Vec<PublicExhibition>)))]
pub async fn exhibition_list(
    State(state): State<AppState>,
) -> WebResult<Json<Vec<PublicExhibition>>> {
    let list = exhibitions::published(&state.db).await?;
    Ok(Json(list.into_iter().map(PublicExhibition::from).collect()))
}

/// One published exhibition with its published achievements, in order.
#[utoipa::path(get, path = "/api/v1/public/exhibitions/{id}", tag = "showcase", params(("id" = i64, Path)), responses((status = 200, body = PublicExhibitionDetail)))]
pub async fn exhibition(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> WebResult<Json<PublicExhibitionDetail>> {
    let p = exhibitions::public_page(&state.db, id).await?;
    Ok(Json(PublicExhibitionDetail {
        exhibition: p.exhibition.into(),
        items: p.items.into_iter().map(ExhibitedItem::from).collect(),
    }))
}
