//! The public showcase: what anyone may see without signing in — published studios and
//! achievements (and, with them, their pictures), browsable by field, unit and year.

use crate::achievements::{AchievementPage, Rights};
use crate::{ServiceError, ServiceResult};
use gongjiang_db::achievements::{self, AchievementFilter, AchievementView, RecordReads};
use gongjiang_db::alliances::AllianceView;
use gongjiang_db::batched_reads::BatchedReads;
use gongjiang_db::studios::{self, MemberView, StudioFilter, StudioView};
use gongjiang_db::{Database, Page, alliances};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    pub studios: i64,
    pub achievements: i64,
    pub latest: Vec<AchievementView>,
    pub featured: Vec<StudioView>,
    pub exhibitions: Vec<gongjiang_db::exhibitions::ExhibitionView>,
}

pub async fn overview(db: &Database) -> ServiceResult<Overview> {
    let mut conn = db.read().await?;
    let published = AchievementFilter {
        published_only: true,
        ..Default::default()
    };
    let (latest, achievements) =
        achievements::list(&mut conn, None, &published, Page::new(1, 12)).await?;
    let latest = latest
        .into_iter()
        .map(AchievementView::for_public)
        .collect();
    let studio_filter = StudioFilter {
        published_only: true,
        level: Some("demonstration".into()),
        ..Default::default()
    };
    let (mut featured, _) = studios::list(&mut conn, None, &studio_filter, Page::new(1, 8)).await?;
    let (all_studios, studios) = studios::list(
        &mut conn,
        None,
        &StudioFilter {
            published_only: true,
            ..Default::default()
        },
        Page::new(1, 8),
    )
    .await?;
    if featured.len() < 8 {
        featured.extend(
            all_studios
                .into_iter()
                .filter(|s| s.level != "demonstration")
                .take(8 - featured.len()),
        );
    }
    let exhibitions = gongjiang_db::exhibitions::list(&mut conn, true)
        .await?
        .into_iter()
        .map(gongjiang_db::exhibitions::ExhibitionView::for_public)
        .collect();
    Ok(Overview {
        studios,
        achievements,
        latest,
        featured,
        exhibitions,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicStudio {
    pub studio: StudioView,
    pub members: Vec<MemberView>,
    pub achievements: Vec<AchievementView>,
    pub alliances: Vec<AllianceView>,
    pub pictures: Vec<(i64, String)>,
}

pub async fn studio(db: &Database, id: i64) -> ServiceResult<PublicStudio> {
    let mut conn = db.read().await?;
    let studio = studios::get(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !studio.published {
        return Err(ServiceError::NotFound);
    }
    let filter = AchievementFilter {
        published_only: true,
        studio: Some(id),
        ..Default::default()
    };
    let (achievements, _) = achievements::list(&mut conn, None, &filter, Page::new(1, 100)).await?;
    let members = studios::members(&mut conn, id)
        .await?
        .into_iter()
        .filter(|m| m.left_on.is_none())
        .collect();
    Ok(PublicStudio {
        pictures: studios::pictures(&mut conn, id).await?,
        members,
        achievements,
        alliances: alliances::of_studio(&mut conn, id).await?,
        studio,
    })
}

/// Units with published achievements, for the showcase's unit filter.
pub async fn units(db: &Database) -> ServiceResult<Vec<(i64, String)>> {
    let mut conn = db.read().await?;
    Ok(achievements::units_with_published(&mut conn).await?)
}

/// Published achievements of a unit's subtree (or all), filtered, newest first.
pub async fn achievements_of(
    db: &Database,
    mut filter: AchievementFilter,
    unit: Option<i64>,
    page: Page,
) -> ServiceResult<(Vec<AchievementView>, i64)> {
    let mut conn = db.read().await?;
    if let Some(u) = unit {
        filter.within = Some(crate::units::path_of(&mut conn, u).await?);
    }
    filter.published_only = true;
    let (found, total) = achievements::list(&mut conn, None, &filter, page).await?;
    Ok((
        found.into_iter().map(AchievementView::for_public).collect(),
        total,
    ))
}

/// Achievements' records as the showcase reads them: in batches when many are asked for at
/// once (see [`gongjiang_db::batched_reads`]). One per process.
#[derive(Clone)]
pub struct Records(BatchedReads<RecordReads>);

impl Records {
    /// Starts its readers. Call inside a Tokio runtime.
    pub fn start(db: Database) -> Records {
        Records(BatchedReads::start(db, 64, RecordReads))
    }
}

/// A published achievement's page, for the public (steps and drafts stay inside).
pub async fn achievement(records: &Records, id: i64) -> ServiceResult<AchievementPage> {
    let (achievement, lists) = records.0.get(id).await?.ok_or(ServiceError::NotFound)?;
    let achievement = achievement.for_public();
    if !achievement.published {
        return Err(ServiceError::NotFound);
    }
    Ok(AchievementPage {
        people: lists.people,
        awards: lists.awards,
        steps: Vec::new(),
        files: lists.files,
        achievement,
        rights: Rights {
            edit: false,
            admin: false,
            decide: false,
            read: true,
        },
    })
}
