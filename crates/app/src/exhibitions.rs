//! Exhibitions: the admins of a unit select published achievements for the online showcase,
//! mark the subset shown at the venue with board numbers and notes, and publish the whole.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::exhibitions::{self, ExhibitionView, ItemView, NewExhibition};
use gongjiang_db::{Conn, Database, achievements, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::error::text;
use gongjiang_domain::registry::Day;
use gongjiang_domain::registry::studio::{check_span, long_text};
use gongjiang_domain::{FieldError, Invalid};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExhibitionInput {
    #[serde(default)]
    pub unit_id: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
}

async fn load(conn: &mut Conn, id: i64) -> ServiceResult<ExhibitionView> {
    exhibitions::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn ensure_keeper(caller: &Caller, e: &ExhibitionView) -> ServiceResult<()> {
    caller.ensure(Action::DeclareAchievements, &e.unit_path())
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: ExhibitionInput,
) -> ServiceResult<ExhibitionView> {
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::DeclareAchievements, &unit.unit_path())?;
    let mut invalid = Invalid::default();
    let title = invalid.check(text("title", &input.title, 4, 80));
    let summary = invalid.check(long_text("summary", &input.summary, 2000));
    let venue = invalid.check(text("venue", &input.venue, 0, 80));
    let opens = invalid.check(Day::optional("opens_on", &input.opens_on));
    let closes = invalid.check(Day::optional("closes_on", &input.closes_on));
    if let (Some(Some(o)), Some(Some(c))) = (&opens, &closes) {
        invalid.check(check_span("closes_on", o, Some(c)));
    }
    let (Some(title), Some(summary), Some(venue), Some(opens), Some(closes)) =
        (title, summary, venue, opens, closes)
    else {
        return Err(invalid.into());
    };
    invalid.into_result()?;
    let day = |d: &Option<Day>| {
        d.as_ref()
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default()
    };
    let (opens, closes) = (day(&opens), day(&closes));
    let e = NewExhibition {
        title: &title,
        summary: &summary,
        venue: &venue,
        opens_on: &opens,
        closes_on: &closes,
    };
    let id = exhibitions::insert(&mut tx, input.unit_id, &e, now_ms()).await?;
    let view = load(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>("exhibition.create", "exhibition", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// Exhibitions the caller keeps (admins), newest first.
pub async fn list(db: &Database, caller: &Caller) -> ServiceResult<Vec<ExhibitionView>> {
    caller.ensure_somewhere(Action::DeclareAchievements)?;
    let mut conn = db.read().await?;
    Ok(exhibitions::list(&mut conn, false)
        .await?
        .into_iter()
        .filter(|e| caller.may(Action::DeclareAchievements, &e.unit_path()))
        .collect())
}

pub async fn published(db: &Database) -> ServiceResult<Vec<ExhibitionView>> {
    let mut conn = db.read().await?;
    Ok(exhibitions::list(&mut conn, true)
        .await?
        .into_iter()
        .map(ExhibitionView::for_public)
        .collect())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ExhibitionPage {
    pub exhibition: ExhibitionView,
    pub items: Vec<ItemView>,
}

pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<ExhibitionPage> {
    let mut conn = db.read().await?;
    let exhibition = load(&mut conn, id).await?;
    ensure_keeper(caller, &exhibition)?;
    Ok(ExhibitionPage {
        items: exhibitions::items(&mut conn, id, false).await?,
        exhibition,
    })
}

/// The online part for the public: a published exhibition's published achievements.
pub async fn public_page(db: &Database, id: i64) -> ServiceResult<ExhibitionPage> {
    let mut conn = db.read().await?;
    let exhibition = load(&mut conn, id).await?;
    if !exhibition.published {
        return Err(ServiceError::NotFound);
    }
    let items = exhibitions::items(&mut conn, id, false)
        .await?
        .into_iter()
        .filter(|i| i.published)
        .collect();
    Ok(ExhibitionPage {
        items,
        exhibition: exhibition.for_public(),
    })
}

/// The boards of the venue, in board order, for printing.
pub async fn boards(db: &Database, caller: &Caller, id: i64) -> ServiceResult<ExhibitionPage> {
    let mut conn = db.read().await?;
    let exhibition = load(&mut conn, id).await?;
    ensure_keeper(caller, &exhibition)?;
    Ok(ExhibitionPage {
        items: exhibitions::items(&mut conn, id, true).await?,
        exhibition,
    })
}

/// Adds a published achievement (the online part shows only what the public may see).
pub async fn add(
    db: &Database,
    caller: &Caller,
    id: i64,
    achievement_id: i64,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let e = load(&mut tx, id).await?;
    ensure_keeper(caller, &e)?;
    let a = achievements::get(&mut tx, achievement_id)
        .await?
        .ok_or_else(|| {
            FieldError::new("achievement_id", "unknown_achievement").with("value", achievement_id)
        })?;
    if !a.published {
        return Err(
            // By number: the caller may not be allowed to read an unpublished achievement.
            FieldError::new("achievement_id", "achievement_not_published")
                .with("value", a.id)
                .into(),
        );
    }
    if exhibitions::items(&mut tx, id, false)
        .await?
        .iter()
        .any(|i| i.achievement_id == achievement_id)
    {
        return Err(FieldError::new("achievement_id", "already_shown")
            .with("value", &a.title)
            .into());
    }
    exhibitions::add_item(&mut tx, id, achievement_id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "exhibition.add",
            "exhibition",
            id,
            None,
            Some(&serde_json::json!({"achievement_id": achievement_id, "title": a.title})),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

pub async fn remove(
    db: &Database,
    caller: &Caller,
    id: i64,
    achievement_id: i64,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let e = load(&mut tx, id).await?;
    ensure_keeper(caller, &e)?;
    exhibitions::remove_item(&mut tx, id, achievement_id).await?;
    record(
        &mut tx,
        caller,
        change::<_, ()>(
            "exhibition.remove",
            "exhibition",
            id,
            Some(&serde_json::json!({"achievement_id": achievement_id})),
            None,
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct VenueInput {
    #[serde(default)]
    pub offline: bool,
    #[serde(default)]
    pub board_no: String,
    #[serde(default)]
    pub board_note: String,
    #[serde(default)]
    pub model_note: String,
}

/// Puts an item at the venue (with a board number unique in the exhibition) or takes it off.
pub async fn set_venue(
    db: &Database,
    caller: &Caller,
    id: i64,
    achievement_id: i64,
    input: VenueInput,
) -> ServiceResult<()> {
    let mut invalid = Invalid::default();
    let board_no = invalid.check(text(
        "board_no",
        &input.board_no,
        usize::from(input.offline),
        10,
    ));
    let board_note = invalid.check(long_text("board_note", &input.board_note, 500));
    let model_note = invalid.check(long_text("model_note", &input.model_note, 500));
    let (Some(board_no), Some(board_note), Some(model_note)) = (board_no, board_note, model_note)
    else {
        return Err(invalid.into());
    };
    let mut tx = db.begin().await?;
    let e = load(&mut tx, id).await?;
    ensure_keeper(caller, &e)?;
    let items = exhibitions::items(&mut tx, id, false).await?;
    let Some(before) = items
        .iter()
        .find(|i| i.achievement_id == achievement_id)
        .cloned()
    else {
        return Err(ServiceError::NotFound);
    };
    if input.offline
        && items
            .iter()
            .any(|i| i.offline && i.board_no == board_no && i.achievement_id != achievement_id)
    {
        return Err(FieldError::new("board_no", "board_no_taken")
            .with("value", &board_no)
            .into());
    }
    exhibitions::set_offline(
        &mut tx,
        id,
        achievement_id,
        input.offline,
        &board_no,
        &board_note,
        &model_note,
    )
    .await?;
    let after = serde_json::json!({"achievement_id": achievement_id, "offline": input.offline, "board_no": board_no, "board_note": board_note, "model_note": model_note});
    record(
        &mut tx,
        caller,
        change(
            "exhibition.venue",
            "exhibition",
            id,
            Some(&before),
            Some(&after),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

pub async fn publish(
    db: &Database,
    caller: &Caller,
    id: i64,
    published: bool,
    reason: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let e = load(&mut tx, id).await?;
    ensure_keeper(caller, &e)?;
    exhibitions::set_published(&mut tx, id, published, now_ms()).await?;
    let action = if published {
        "exhibition.publish"
    } else {
        "exhibition.unpublish"
    };
    let mut c = change(
        action,
        "exhibition",
        id,
        Some(&e.published),
        Some(&i64::from(published)),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}
