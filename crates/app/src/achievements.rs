//! Achievements: kept by the admins of the declaring unit (and the studio's leader while it is
//! a draft), declared upwards level by level, with awards and files; every step is recorded.

use crate::studios::{Keeping, keeping};
use crate::units::non_empty;
use crate::{
    Caller, ServiceError, ServiceResult, change, ensure_version, next_version, record, search,
};
use gongjiang_db::achievements::{
    self, AchievementFilter, AchievementView, AwardView, FileView, MakerView, StepView,
};
use gongjiang_db::{Conn, Database, Page, people, studios, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, this_year};
use gongjiang_domain::registry::achievement::{
    AchievementText, AchievementTextInput, Award, AwardInput, AwardTier, Decision, Position, Stage,
    decide, editable,
};
use gongjiang_domain::unit::UnitPath;
use gongjiang_domain::{FieldError, Invalid};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AchievementInput {
    pub unit_id: i64,
    #[serde(default)]
    pub studio_id: Option<i64>,
    #[serde(flatten)]
    pub text: AchievementTextInput,
    /// The people who made it, the leading one first.
    #[serde(default)]
    pub people: Vec<i64>,
}

pub(crate) async fn load(conn: &mut Conn, id: i64) -> ServiceResult<AchievementView> {
    achievements::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// How the caller stands to an achievement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Rights {
    /// May change its text, people and files (admins; the studio's leader on drafts).
    pub edit: bool,
    /// Admin of the declaring unit: awards, publication, declaring.
    pub admin: bool,
    /// May decide on it now (it waits on a unit the caller administers).
    pub decide: bool,
    /// May read it at all.
    pub read: bool,
}

async fn rights(conn: &mut Conn, caller: &Caller, a: &AchievementView) -> ServiceResult<Rights> {
    let admin = caller.may(Action::DeclareAchievements, &a.unit_path());
    let stage = a.stage;
    // The studio's leader works on its drafts; an admin of the studio's unit reads them but
    // edits only achievements of their own units (`admin`), never an ancestor unit's.
    let keeps_studio = match a.studio_id {
        Some(s) => match studios::get(conn, s).await? {
            Some(studio) => keeping(caller, &studio),
            None => Keeping::None,
        },
        None => Keeping::None,
    };
    let leader = keeps_studio == Keeping::Leader;
    let decide = match (stage, a.at_unit_id) {
        (Stage::Declared, Some(at)) => {
            let path = crate::units::path_of(conn, at).await?;
            caller.may(Action::DeclareAchievements, &path)
        }
        _ => false,
    };
    let maker = match caller.person_id {
        Some(p) => achievements::people(conn, a.id)
            .await?
            .iter()
            .any(|m| m.person_id == p),
        None => false,
    };
    let reviewer = match a.at_unit_id {
        Some(at) => caller.may(
            Action::DeclareAchievements,
            &crate::units::path_of(conn, at).await?,
        ),
        None => false,
    };
    Ok(Rights {
        edit: admin && editable(stage) || leader && editable(stage),
        admin,
        decide,
        read: admin || keeps_studio != Keeping::None || decide || maker || reviewer || a.published,
    })
}

async fn check_links(
    conn: &mut Conn,
    unit: &UnitPath,
    input: &AchievementInput,
) -> ServiceResult<()> {
    if let Some(studio) = input.studio_id {
        let s = studios::get(conn, studio)
            .await?
            .ok_or_else(|| FieldError::new("studio_id", "unknown_studio"))?;
        if !s.unit_path().is_within(unit) && !unit.is_within(&s.unit_path()) {
            // By number: the caller may not be allowed to read that studio.
            return Err(FieldError::new("studio_id", "studio_of_another_unit")
                .with("value", s.id)
                .into());
        }
    }
    let mut seen = Vec::new();
    for person in &input.people {
        if seen.contains(person) {
            return Err(FieldError::new("people", "person_twice").into());
        }
        people::get(conn, *person)
            .await?
            .ok_or_else(|| FieldError::new("people", "unknown_person").with("value", person))?;
        seen.push(*person);
    }
    Ok(())
}

/// The unit that declares an achievement: the one named, or else the host unit of its studio;
/// and whether the caller keeps that studio (its keepers may then name people near it).
pub async fn declaring_unit(
    db: &Database,
    caller: &Caller,
    unit_id: Option<i64>,
    studio_id: Option<i64>,
) -> ServiceResult<(i64, bool)> {
    match (unit_id, studio_id) {
        (Some(unit), _) => Ok((unit, false)),
        (None, Some(studio)) => {
            let mut conn = db.read().await?;
            let studio = studios::get(&mut conn, studio)
                .await?
                .ok_or_else(|| FieldError::new("studio_id", "unknown_studio"))?;
            let keeps = keeping(caller, &studio) != Keeping::None;
            // A studio the caller may not read is refused as such, not told apart from none.
            if !keeps && !studio.published {
                return Err(ServiceError::Forbidden);
            }
            Ok((studio.unit_id, keeps))
        }
        (None, None) => Err(FieldError::new("unit_id", "required").into()),
    }
}

/// People newly named as makers must be people the caller could find by name in a form
/// (see `people::resolve`): a program cannot name by id someone a person could not find.
async fn ensure_people_visible(
    db: &Database,
    caller: &Caller,
    unit_id: i64,
    studio_id: Option<i64>,
    people: &[i64],
    already: &[i64],
) -> ServiceResult<()> {
    let new: Vec<i64> = people
        .iter()
        .copied()
        .filter(|p| !already.contains(p))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let vouched = match studio_id {
        Some(s) => {
            let mut conn = db.read().await?;
            match studios::get(&mut conn, s).await? {
                Some(studio) => keeping(caller, &studio) != Keeping::None,
                None => false,
            }
        }
        None => false,
    };
    let raw: Vec<String> = new.iter().map(|p| format!("#{p}")).collect();
    resolve_people(db, caller, &raw.join("\n"), unit_id, vouched)
        .await
        .map(|_| ())
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: AchievementInput,
) -> ServiceResult<AchievementView> {
    ensure_people_visible(
        db,
        caller,
        input.unit_id,
        input.studio_id,
        &input.people,
        &[],
    )
    .await?;
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    let may_as_leader = match input.studio_id {
        Some(s) => match studios::get(&mut tx, s).await? {
            Some(studio) => {
                keeping(caller, &studio) == Keeping::Leader && studio.unit_id == input.unit_id
            }
            None => false,
        },
        None => false,
    };
    if !may_as_leader {
        caller.ensure(Action::DeclareAchievements, &unit.unit_path())?;
    }
    let text = AchievementText::parse(&input.text, this_year())?;
    check_links(&mut tx, &unit.unit_path(), &input).await?;
    let id = achievements::insert(&mut tx, input.unit_id, input.studio_id, &text, now_ms()).await?;
    achievements::set_people(&mut tx, id, &input.people).await?;
    search::index_achievement(&mut tx, id).await?;
    let view = load(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>("achievement.create", "achievement", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// Changes the text, studio and makers. With `expected_version` (the `updated_at` the caller
/// read), a change made since then is refused as stale instead of being overwritten.
pub async fn update(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: AchievementInput,
    reason: &str,
    expected_version: Option<i64>,
) -> ServiceResult<AchievementView> {
    let (unit_id, makers) = {
        let mut conn = db.read().await?;
        let a = load(&mut conn, id).await?;
        let makers: Vec<i64> = achievements::people(&mut conn, id)
            .await?
            .iter()
            .map(|m| m.person_id)
            .collect();
        (a.unit_id, makers)
    };
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    let r = rights(&mut tx, caller, &before).await?;
    if !r.edit {
        // Locked for a reader only when its stage locks it; a draft they may read but not
        // edit (an ancestor unit's) is simply not theirs.
        if (r.admin || r.read) && !editable(before.stage) {
            return Err(FieldError::new("stage", "achievement_locked").into());
        }
        return Err(ServiceError::Forbidden);
    }
    ensure_version(expected_version, before.updated_at)?;
    let text = AchievementText::parse(&input.text, this_year())?;
    ensure_people_visible(db, caller, unit_id, input.studio_id, &input.people, &makers).await?;
    check_links(&mut tx, &before.unit_path(), &input).await?;
    let version = next_version(now_ms(), before.updated_at);
    if !achievements::update_text(
        &mut tx,
        id,
        input.studio_id,
        &text,
        before.updated_at,
        version,
    )
    .await?
    {
        return Err(ServiceError::Stale);
    }
    achievements::set_people(&mut tx, id, &input.people).await?;
    search::index_achievement(&mut tx, id).await?;
    let after = load(&mut tx, id).await?;
    let mut c = change(
        "achievement.update",
        "achievement",
        id,
        Some(&before),
        Some(&after),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Everything an achievement's page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AchievementPage {
    pub achievement: AchievementView,
    pub people: Vec<MakerView>,
    pub awards: Vec<AwardView>,
    pub steps: Vec<StepView>,
    pub files: Vec<FileView>,
    pub rights: Rights,
}

pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<AchievementPage> {
    let mut conn = db.read().await?;
    let (achievement, lists) = achievements::record(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rights = rights(&mut conn, caller, &achievement).await?;
    if !rights.read {
        return Err(ServiceError::Forbidden);
    }
    Ok(AchievementPage {
        people: lists.people,
        awards: lists.awards,
        steps: achievements::steps(&mut conn, id).await?,
        files: lists.files,
        achievement,
        rights,
    })
}

/// The caller's register: achievements of the units they administer, and those they made.
pub async fn list(
    db: &Database,
    caller: &Caller,
    filter: AchievementFilter,
    page: Page,
) -> ServiceResult<(Vec<AchievementView>, i64)> {
    let mut conn = db.read().await?;
    if caller.may_somewhere(Action::DeclareAchievements) {
        let roots = caller.scope(Action::DeclareAchievements);
        return Ok(achievements::list(&mut conn, Some(&roots), &filter, page).await?);
    }
    let Some(person) = caller.person_id else {
        return Err(ServiceError::Forbidden);
    };
    let mine = achievements::of_person(&mut conn, person).await?;
    let total = mine.len() as i64;
    Ok((mine, total))
}

/// Published achievements, for the showcase.
pub async fn published(
    db: &Database,
    mut filter: AchievementFilter,
    page: Page,
) -> ServiceResult<(Vec<AchievementView>, i64)> {
    filter.published_only = true;
    let mut conn = db.read().await?;
    let (found, total) = achievements::list(&mut conn, None, &filter, page).await?;
    Ok((
        found.into_iter().map(AchievementView::for_public).collect(),
        total,
    ))
}

/// Declarations waiting on a unit the caller administers (their inbox).
pub async fn awaiting(db: &Database, caller: &Caller) -> ServiceResult<Vec<AchievementView>> {
    caller.ensure_somewhere(Action::DeclareAchievements)?;
    let mut conn = db.read().await?;
    let roots = caller.scope(Action::DeclareAchievements);
    let units = gongjiang_db::units::list_within(&mut conn, &roots, "", false).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    Ok(achievements::awaiting(&mut conn, &ids).await?)
}

/// Declares, recommends, recognises or returns: the unit acting is the one the declaration is
/// in front of. Returning needs a reason; every decision is a step and an audit entry.
pub async fn decide_on(
    db: &Database,
    caller: &Caller,
    id: i64,
    decision: &str,
    reason: &str,
) -> ServiceResult<AchievementView> {
    let decision = Decision::parse("decision", decision)?;
    let reason = non_empty(reason);
    if decision == Decision::Return && reason.is_none() {
        return Err(FieldError::new("reason", "reason_required").into());
    }
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    let stage = before.stage;
    let acting = match decision {
        Decision::Declare => before.unit_id,
        _ => before.at_unit_id.unwrap_or(before.unit_id),
    };
    let acting_path = crate::units::path_of(&mut tx, acting).await?;
    caller.ensure(Action::DeclareAchievements, &acting_path)?;
    let parent = units::get(&mut tx, acting).await?.and_then(|u| u.parent_id);
    let at = Position {
        stage,
        at_unit: before.at_unit_id,
    };
    let next = decide(at, decision, acting, before.unit_id, |u| {
        if u == acting { parent } else { None }
    })?;
    let now = now_ms();
    achievements::set_position(&mut tx, id, next.stage.as_str(), next.at_unit, now).await?;
    let to_unit = match next.stage {
        Stage::Declared => next.at_unit,
        Stage::Returned => Some(before.unit_id),
        _ => None,
    };
    achievements::add_step(
        &mut tx,
        id,
        now,
        caller.user_id(),
        &caller.actor.name,
        decision.as_str(),
        acting,
        to_unit,
        reason.as_deref().unwrap_or(""),
    )
    .await?;
    let after = load(&mut tx, id).await?;
    let summary =
        |a: &AchievementView| serde_json::json!({"stage": a.stage, "at_unit_id": a.at_unit_id});
    let mut c = change(
        &format!("achievement.{}", decision.as_str()),
        "achievement",
        id,
        Some(&summary(&before)),
        Some(&summary(&after)),
    );
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Records an award; the achievement shows its best tier in lists and counts.
pub async fn add_award(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: AwardInput,
) -> ServiceResult<AwardView> {
    let mut tx = db.begin().await?;
    let a = load(&mut tx, id).await?;
    caller.ensure(Action::DeclareAchievements, &a.unit_path())?;
    let award = Award::parse(&input, this_year())?;
    let award_id = achievements::add_award(&mut tx, id, &award, now_ms()).await?;
    let all = achievements::awards(&mut tx, id).await?;
    let best = all
        .iter()
        .filter_map(|w| AwardTier::from_stored(&w.tier))
        .min()
        .map(|t| t.as_str())
        .unwrap_or("");
    achievements::set_best_tier(&mut tx, id, best).await?;
    search::index_achievement(&mut tx, id).await?;
    let view = all
        .into_iter()
        .find(|w| w.id == award_id)
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("achievement.award", "achievement", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

pub async fn publish(
    db: &Database,
    caller: &Caller,
    id: i64,
    published: bool,
) -> ServiceResult<AchievementView> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    caller.ensure(Action::DeclareAchievements, &before.unit_path())?;
    achievements::set_published(&mut tx, id, published, now_ms()).await?;
    search::index_achievement(&mut tx, id).await?;
    let after = load(&mut tx, id).await?;
    let action = if published {
        "achievement.publish"
    } else {
        "achievement.unpublish"
    };
    record(
        &mut tx,
        caller,
        change(
            action,
            "achievement",
            id,
            Some(&before.published),
            Some(&after.published),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Attaches a picture or a document; pictures get a thumbnail. Checked by content, not name.
pub async fn add_file(
    db: &Database,
    caller: &Caller,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> ServiceResult<FileView> {
    {
        let mut conn = db.read().await?;
        let a = load(&mut conn, id).await?;
        let r = rights(&mut conn, caller, &a).await?;
        if !(r.edit || r.admin) {
            return Err(ServiceError::Forbidden);
        }
    }
    let accepted = gongjiang_domain::registry::upload::accept(name, &bytes)?;
    let thumbnail = match accepted.kind {
        gongjiang_domain::registry::upload::FileKind::Picture => {
            let bytes = bytes.clone();
            tokio::task::spawn_blocking(move || crate::thumbnails::make(&bytes))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .map_err(|_| FieldError::new("file", "picture_unreadable"))?
                .into()
        }
        gongjiang_domain::registry::upload::FileKind::Document => None,
    };
    let mut tx = db.begin().await?;
    load(&mut tx, id).await?;
    let file = achievements::NewFile {
        kind: accepted.kind.as_str(),
        name: &accepted.name,
        content_type: accepted.content_type,
        bytes: &bytes,
        thumbnail: thumbnail.as_deref(),
    };
    let file_id = achievements::add_file(&mut tx, id, &file, now_ms()).await?;
    let view = achievements::files(&mut tx, id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("achievement.file_add", "achievement", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// A file to send: to those who may read the achievement (the public once it is published).
pub async fn file(
    db: &Database,
    caller: Option<&Caller>,
    file_id: i64,
    size: crate::PictureSize,
) -> ServiceResult<(FileView, Vec<u8>)> {
    let mut conn = db.read().await?;
    let (view, bytes) = achievements::file_bytes(&mut conn, file_id, size.from_thumbnail())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let a = load(&mut conn, view.achievement_id).await?;
    let readable = a.published
        || match caller {
            Some(c) => rights(&mut conn, c, &a).await?.read,
            None => false,
        };
    if !readable {
        return Err(ServiceError::NotFound);
    }
    drop(conn);
    Ok((view, size.made(bytes).await?))
}

pub async fn remove_file(db: &Database, caller: &Caller, file_id: i64) -> ServiceResult<i64> {
    let mut tx = db.begin().await?;
    let (view, _) = achievements::file_bytes(&mut tx, file_id, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let a = load(&mut tx, view.achievement_id).await?;
    let r = rights(&mut tx, caller, &a).await?;
    if !(r.edit || r.admin) {
        return Err(ServiceError::Forbidden);
    }
    achievements::delete_file(&mut tx, file_id).await?;
    record(
        &mut tx,
        caller,
        change::<_, ()>(
            "achievement.file_remove",
            "achievement",
            a.id,
            Some(&view),
            None,
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(a.id)
}

/// Parses the people of a form: one per line or separated by 、/，, each a name, an employee
/// number or `#id`, found near the declaring unit.
pub async fn resolve_people(
    db: &Database,
    caller: &Caller,
    raw: &str,
    unit_id: i64,
    vouched: bool,
) -> ServiceResult<Vec<i64>> {
    let mut ids = Vec::new();
    let mut invalid = Invalid::default();
    for who in raw
        .split(['\n', '、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        match crate::people::resolve(db, caller, "people", who, unit_id, vouched).await {
            Ok(id) => ids.push(id),
            Err(ServiceError::Invalid(i)) => invalid.0.extend(i.0),
            Err(e) => return Err(e),
        }
    }
    invalid.into_result()?;
    Ok(ids)
}
