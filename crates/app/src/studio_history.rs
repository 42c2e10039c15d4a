//! A studio's recognition history and standing: levels granted, star ratings, status (active,
//! merged, exited) and publication. These belong to the admins of the host unit's subtree.

use crate::studios::{ensure_admin, load};
use crate::units::non_empty;
use crate::{Caller, ServiceResult, change, record};
use gongjiang_db::Database;
use gongjiang_db::studios::{self, StudioView};
use gongjiang_domain::FieldError;
use gongjiang_domain::Invalid;
use gongjiang_domain::clock::{now_ms, this_year, today};
use gongjiang_domain::registry::Day;
use gongjiang_domain::registry::studio::{
    Recognition, Stars, StudioLevel, StudioStatus, current_level,
};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LevelInput {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub granted_by: String,
    #[serde(default)]
    pub note: String,
}

/// Recognises a studio at a level in a year; the studio holds the highest level ever granted.
pub async fn record_level(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    input: LevelInput,
) -> ServiceResult<StudioView> {
    let mut invalid = Invalid::default();
    let level = invalid.check(StudioLevel::parse("level", &input.level));
    let year = invalid.check(gongjiang_domain::registry::year(
        "year",
        &input.year,
        this_year(),
    ));
    let granted_by = invalid.check(gongjiang_domain::error::text(
        "granted_by",
        &input.granted_by,
        2,
        60,
    ));
    let note = invalid.check(gongjiang_domain::error::text("note", &input.note, 0, 200));
    let (Some(level), Some(year), Some(granted_by), Some(note)) = (level, year, granted_by, note)
    else {
        return Err(invalid.into());
    };
    let mut tx = db.begin().await?;
    let before = load(&mut tx, studio_id).await?;
    ensure_admin(caller, &before)?;
    let history = studios::levels(&mut tx, studio_id).await?;
    if history
        .iter()
        .any(|l| l.level == level.as_str() && l.year == i64::from(year))
    {
        return Err(FieldError::new("level", "level_already_recorded").into());
    }
    studios::add_level(
        &mut tx,
        studio_id,
        level.as_str(),
        i64::from(year),
        &granted_by,
        &note,
        now_ms(),
    )
    .await?;
    let mut recognitions: Vec<Recognition> = history
        .iter()
        .filter_map(|l| {
            StudioLevel::from_stored(&l.level).map(|level| Recognition {
                level,
                year: l.year as i32,
            })
        })
        .collect();
    recognitions.push(Recognition { level, year });
    let current = current_level(&recognitions)
        .map(|l| l.as_str())
        .unwrap_or("");
    studios::set_standing(&mut tx, studio_id, current, before.stars).await?;
    let after = load(&mut tx, studio_id).await?;
    let entry = serde_json::json!({"level": level, "year": year, "granted_by": granted_by, "note": note, "current_level": current});
    record(
        &mut tx,
        caller,
        change(
            "studio.level",
            "studio",
            studio_id,
            Some(&serde_json::json!({"current_level": before.level})),
            Some(&entry),
        ),
    )
    .await?;
    crate::search::index_studio_and_achievements(&mut tx, studio_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RatingInput {
    #[serde(default)]
    pub stars: String,
    #[serde(default)]
    pub rated_on: String,
    #[serde(default)]
    pub source: String,
}

/// Records a star rating with its date and source; the studio shows its latest rating.
pub async fn record_rating(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    input: RatingInput,
) -> ServiceResult<StudioView> {
    let mut invalid = Invalid::default();
    let stars = invalid.check(Stars::parse("stars", &input.stars));
    let day = invalid.check(Day::parse("rated_on", &input.rated_on));
    let source = invalid.check(gongjiang_domain::error::text(
        "source",
        &input.source,
        2,
        80,
    ));
    let (Some(stars), Some(day), Some(source)) = (stars, day, source) else {
        return Err(invalid.into());
    };
    if day.as_str() > today().as_str() {
        return Err(FieldError::new("rated_on", "day_in_future")
            .with("value", day.as_str())
            .into());
    }
    let mut tx = db.begin().await?;
    let before = load(&mut tx, studio_id).await?;
    ensure_admin(caller, &before)?;
    studios::add_rating(
        &mut tx,
        studio_id,
        i64::from(stars.get()),
        day.as_str(),
        &source,
        now_ms(),
    )
    .await?;
    let latest = studios::ratings(&mut tx, studio_id)
        .await?
        .last()
        .map(|r| r.stars)
        .unwrap_or(0);
    studios::set_standing(&mut tx, studio_id, &before.level, latest).await?;
    let after = load(&mut tx, studio_id).await?;
    let entry = serde_json::json!({"stars": stars, "rated_on": day, "source": source, "current_stars": latest});
    record(
        &mut tx,
        caller,
        change(
            "studio.rating",
            "studio",
            studio_id,
            Some(&serde_json::json!({"current_stars": before.stars})),
            Some(&entry),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StatusInput {
    pub status: String,
    #[serde(default)]
    pub merged_into: Option<i64>,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub reason: String,
}

/// Marks a studio active, merged into another, or exited. Its history stays; a reason is needed.
pub async fn set_status(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    input: StatusInput,
) -> ServiceResult<StudioView> {
    let mut invalid = Invalid::default();
    let status = invalid.check(StudioStatus::parse("status", &input.status));
    let day = if input.on.trim().is_empty() {
        Some(Day::from_stored(&today()))
    } else {
        invalid.check(Day::parse("on", &input.on))
    };
    let reason = non_empty(&input.reason);
    if reason.is_none() {
        invalid.push(FieldError::new("reason", "reason_required"));
    }
    let (Some(status), Some(day)) = (status, day) else {
        return Err(invalid.into());
    };
    invalid.into_result()?;
    let mut tx = db.begin().await?;
    let before = load(&mut tx, studio_id).await?;
    ensure_admin(caller, &before)?;
    let merged_into = match (status, input.merged_into) {
        (StudioStatus::Merged, Some(target)) if target != studio_id => {
            let other = studios::get(&mut tx, target)
                .await?
                .ok_or_else(|| FieldError::new("merged_into", "unknown_studio"))?;
            if !crate::studios::readable(&mut tx, Some(caller), &other).await? {
                return Err(FieldError::new("merged_into", "unknown_studio").into());
            }
            if other.status != StudioStatus::Active {
                return Err(FieldError::new("merged_into", "studio_not_active")
                    .with("value", target)
                    .into());
            }
            Some(target)
        }
        (StudioStatus::Merged, _) => {
            return Err(FieldError::new("merged_into", "merge_target_required").into());
        }
        _ => None,
    };
    studios::set_status(
        &mut tx,
        studio_id,
        status.as_str(),
        merged_into,
        day.as_str(),
        now_ms(),
    )
    .await?;
    let after = load(&mut tx, studio_id).await?;
    let mut c = change(
        "studio.status",
        "studio",
        studio_id,
        Some(&before),
        Some(&after),
    );
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    crate::search::index_studio(&mut tx, studio_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Shows a studio on the public showcase, or takes it off.
pub async fn publish(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    published: bool,
) -> ServiceResult<StudioView> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, studio_id).await?;
    ensure_admin(caller, &before)?;
    studios::set_published(&mut tx, studio_id, published, now_ms()).await?;
    let after = load(&mut tx, studio_id).await?;
    let action = if published {
        "studio.publish"
    } else {
        "studio.unpublish"
    };
    record(
        &mut tx,
        caller,
        change(
            action,
            "studio",
            studio_id,
            Some(&before.published),
            Some(&after.published),
        ),
    )
    .await?;
    crate::search::index_studio(&mut tx, studio_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}
