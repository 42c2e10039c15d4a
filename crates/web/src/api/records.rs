//! Small shapes that several API modules show: a reference to a record, an achievement's
//! card, a picture with its addresses.

use gongjiang_db::achievements::AchievementView;
#[allow(unused_imports)] // named in schema attributes
use gongjiang_domain::registry::Field;
#[allow(unused_imports)]
use gongjiang_domain::registry::achievement::{AchievementKind, Stage};
use serde::Serialize;
use utoipa::ToSchema;

/// A record named by its id and name.
#[derive(Serialize, ToSchema)]
pub struct Reference {
    pub id: i64,
    pub name: String,
}

/// An achievement as lists show it.
#[derive(Serialize, ToSchema)]
pub struct AchievementCard {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// The declaring unit.
    pub unit_id: i64,
    pub unit_name: String,
    pub studio_id: Option<i64>,
    pub studio_name: Option<String>,
    pub kind: AchievementKind,
    #[schema(value_type = Field)]
    pub field: String,
    pub year: i64,
    /// Where its declaration stands (not on the public showcase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// The best award tier it holds (`special`, `first`, `second`, `third`, `excellence`,
    /// `patent`), or empty.
    pub best_tier: String,
    pub published: bool,
    /// Its first picture's thumbnail, if it has a picture.
    pub cover_url: Option<String>,
}

impl AchievementCard {
    /// As the showcase shows it: where its declaration stands stays inside.
    pub fn public(a: AchievementView) -> AchievementCard {
        AchievementCard {
            stage: None,
            ..AchievementCard::from(a)
        }
    }
}

impl From<AchievementView> for AchievementCard {
    fn from(a: AchievementView) -> Self {
        AchievementCard {
            id: a.id,
            title: a.title,
            summary: a.summary,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            studio_id: a.studio_id,
            studio_name: a.studio_name,
            kind: a.kind,
            field: a.field,
            year: a.year,
            stage: Some(a.stage),
            best_tier: a.best_tier,
            published: a.published,
            cover_url: a.cover_id.map(|id| format!("/files/{id}/thumb")),
        }
    }
}

/// A picture with where to fetch it and its thumbnail (the same rights as the record).
#[derive(Serialize, ToSchema)]
pub struct PictureDto {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub thumbnail_url: String,
}

impl PictureDto {
    pub fn studio(id: i64, name: String) -> PictureDto {
        PictureDto {
            id,
            name,
            url: format!("/studio-pictures/{id}"),
            thumbnail_url: format!("/studio-pictures/{id}/thumb"),
        }
    }
}
