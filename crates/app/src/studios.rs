//! Studios: registered by the admins of their host unit's subtree, kept day to day by their
//! leader (profile and members); levels, ratings, status and publication stay with the admins.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, ensure_version, next_version, record};
use gongjiang_db::alliances::AllianceView;
use gongjiang_db::studios::{self, LevelView, MemberView, RatingView, StudioFilter, StudioView};
use gongjiang_db::{Conn, Database, Page, alliances, units};

pub use crate::studio_history::{
    LevelInput, RatingInput, StatusInput, publish, record_level, record_rating, set_status,
};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, this_year, today};
use gongjiang_domain::registry::studio::{
    MemberRole, RatingOutcome, Stars, StudioProfile, StudioProfileInput, check_span,
};
use gongjiang_domain::registry::{Day, Field};
use gongjiang_domain::{FieldError, Invalid};

/// A studio as the form or the API gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StudioInput {
    pub unit_id: i64,
    pub leader_person_id: Option<i64>,
    #[serde(flatten)]
    pub profile: StudioProfileInput,
}

/// How the caller stands to a studio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeping {
    /// An admin of the host unit's subtree: everything.
    Admin,
    /// The studio's leader: profile and members.
    Leader,
    /// Anyone else.
    None,
}

pub fn keeping(caller: &Caller, studio: &StudioView) -> Keeping {
    if caller.may(Action::ManageStudios, &studio.unit_path()) {
        Keeping::Admin
    } else if caller.person_id.is_some() && caller.person_id == studio.leader_person_id {
        Keeping::Leader
    } else {
        Keeping::None
    }
}

pub(crate) async fn load(conn: &mut Conn, id: i64) -> ServiceResult<StudioView> {
    studios::get(conn, id).await?.ok_or(ServiceError::NotFound)
}

fn ensure_keeper(caller: &Caller, studio: &StudioView) -> ServiceResult<Keeping> {
    match keeping(caller, studio) {
        Keeping::None => Err(ServiceError::Forbidden),
        k => Ok(k),
    }
}

pub(crate) fn ensure_admin(caller: &Caller, studio: &StudioView) -> ServiceResult<()> {
    caller.ensure(Action::ManageStudios, &studio.unit_path())
}

/// A person the caller may name for a studio of `unit_id`: someone in the units they manage,
/// or near the studio when they keep it (the same rule as the forms' people lookup, so a
/// program cannot name by id someone a person could not find by name).
async fn visible_person(
    db: &Database,
    caller: &Caller,
    field: &str,
    person_id: i64,
    unit_id: i64,
) -> ServiceResult<()> {
    crate::people::resolve(db, caller, field, &format!("#{person_id}"), unit_id, true)
        .await
        .map(|_| ())
}

async fn name_free(
    conn: &mut Conn,
    unit_id: i64,
    name: &str,
    except: Option<i64>,
) -> ServiceResult<()> {
    match studios::by_name(conn, unit_id, name).await? {
        Some(other) if Some(other) != except => Err(FieldError::new("name", "studio_name_taken")
            .with("value", name)
            .into()),
        _ => Ok(()),
    }
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: StudioInput,
) -> ServiceResult<StudioView> {
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    // Rights first: someone who may not register a studio there learns nothing from its checks.
    caller.ensure(Action::ManageStudios, &unit.unit_path())?;
    let profile = StudioProfile::parse(&input.profile, this_year())?;
    if unit.is_closed() {
        return Err(FieldError::new("unit_id", "unit_closed")
            .with("value", &unit.code)
            .into());
    }
    name_free(&mut tx, input.unit_id, &profile.name, None).await?;
    if let Some(leader) = input.leader_person_id {
        visible_person(db, caller, "leader_person_id", leader, input.unit_id).await?;
    }
    let now = now_ms();
    let id = studios::insert(
        &mut tx,
        input.unit_id,
        input.leader_person_id,
        &profile,
        now,
    )
    .await?;
    if let Some(leader) = input.leader_person_id {
        studios::add_member(&mut tx, id, leader, MemberRole::Leader.as_str(), &today()).await?;
    }
    let view = load(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>("studio.create", "studio", id, None, Some(&view)),
    )
    .await?;
    crate::search::index_studio(&mut tx, id).await?;
    if let Some(leader) = input.leader_person_id {
        crate::search::index_person(&mut tx, leader).await?;
    }
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// Changes the profile. Only admins change the leader; the host unit does not change here.
/// With `expected_version` (the `updated_at` the caller read), a profile changed since then
/// is refused as stale instead of being overwritten.
pub async fn update(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: StudioInput,
    reason: &str,
    expected_version: Option<i64>,
) -> ServiceResult<StudioView> {
    let profile = StudioProfile::parse(&input.profile, this_year())?;
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    let keeping = ensure_keeper(caller, &before)?;
    ensure_version(expected_version, before.updated_at)?;
    if input.leader_person_id != before.leader_person_id {
        if keeping != Keeping::Admin {
            return Err(ServiceError::Forbidden);
        }
        if let Some(leader) = input.leader_person_id {
            visible_person(db, caller, "leader_person_id", leader, before.unit_id).await?;
        }
    }
    name_free(&mut tx, before.unit_id, &profile.name, Some(id)).await?;
    let version = next_version(now_ms(), before.updated_at);
    let leader = input.leader_person_id;
    if !studios::update_profile(&mut tx, id, leader, &profile, before.updated_at, version).await? {
        return Err(ServiceError::Stale);
    }
    let after = load(&mut tx, id).await?;
    let mut c = change("studio.update", "studio", id, Some(&before), Some(&after));
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    crate::search::index_studio_and_achievements(&mut tx, id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Everything a studio's page shows, in one read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StudioPage {
    pub studio: StudioView,
    pub members: Vec<MemberView>,
    pub levels: Vec<LevelView>,
    /// Each rating with what it did against the one before.
    pub ratings: Vec<(RatingView, RatingOutcome)>,
    pub alliances: Vec<AllianceView>,
    pub merged_into: Option<StudioView>,
    /// Its achievements (only the published ones for those who do not keep it), with awards.
    pub achievements: Vec<gongjiang_db::achievements::AchievementView>,
    pub awards: Vec<gongjiang_db::achievements::AwardView>,
    /// Its pictures: (id, name).
    pub pictures: Vec<(i64, String)>,
    /// Its valid certificates (of its ratings), newest first.
    pub certificates: Vec<gongjiang_db::certificates::CertificateRow>,
    #[serde(skip)]
    pub keeping: Keeping,
}

/// A studio's page: for its keepers and members, and for everyone once it is published.
pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<StudioPage> {
    let mut conn = db.read().await?;
    let studio = load(&mut conn, id).await?;
    let keeping = keeping(caller, &studio);
    let members = studios::members(&mut conn, id).await?;
    let is_member = caller.person_id.is_some_and(|p| {
        members
            .iter()
            .any(|m| m.person_id == p && m.left_on.is_none())
    });
    if keeping == Keeping::None && !is_member && !studio.published {
        return Err(ServiceError::Forbidden);
    }
    let ratings = studios::ratings(&mut conn, id).await?;
    let stars: Vec<Stars> = ratings
        .iter()
        .filter_map(|r| Stars::from_stored(r.stars))
        .collect();
    let outcomes = RatingOutcome::of_history(&stars);
    let merged_into = match studio.merged_into {
        Some(m) => studios::get(&mut conn, m).await?,
        None => None,
    };
    let filter = gongjiang_db::achievements::AchievementFilter {
        studio: Some(id),
        published_only: keeping == Keeping::None && !is_member,
        ..Default::default()
    };
    let (achievements, _) =
        gongjiang_db::achievements::list(&mut conn, None, &filter, gongjiang_db::Page::new(1, 200))
            .await?;
    let mut awards = Vec::new();
    for a in achievements.iter().filter(|a| !a.best_tier.is_empty()) {
        awards.extend(gongjiang_db::achievements::awards(&mut conn, a.id).await?);
    }
    Ok(StudioPage {
        pictures: studios::pictures(&mut conn, id).await?,
        certificates: gongjiang_db::certificates::of_studio(&mut conn, id).await?,
        achievements,
        awards,
        levels: studios::levels(&mut conn, id).await?,
        ratings: ratings.into_iter().zip(outcomes).collect(),
        alliances: alliances::of_studio(&mut conn, id).await?,
        members,
        merged_into,
        keeping,
        studio,
    })
}

/// Studios the caller keeps: admins see their subtrees, leaders the studios they lead.
pub async fn list(
    db: &Database,
    caller: &Caller,
    filter: StudioFilter,
    page: Page,
) -> ServiceResult<(Vec<StudioView>, i64)> {
    let mut conn = db.read().await?;
    if caller.may_somewhere(Action::ManageStudios) {
        let roots = caller.scope(Action::ManageStudios);
        return Ok(studios::list(&mut conn, Some(&roots), &filter, page).await?);
    }
    let Some(person) = caller.person_id else {
        return Err(ServiceError::Forbidden);
    };
    let mine = studios::of_person(&mut conn, person).await?;
    let total = mine.len() as i64;
    Ok((mine, total))
}

/// Published studios, for the public showcase.
pub async fn published(
    db: &Database,
    mut filter: StudioFilter,
    page: Page,
) -> ServiceResult<(Vec<StudioView>, i64)> {
    filter.published_only = true;
    let mut conn = db.read().await?;
    Ok(studios::list(&mut conn, None, &filter, page).await?)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberInput {
    pub person_id: i64,
    pub role: String,
    #[serde(default)]
    pub joined_on: String,
}

pub async fn add_member(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    input: MemberInput,
) -> ServiceResult<MemberView> {
    let mut invalid = Invalid::default();
    let role = invalid.check(MemberRole::parse("role", &input.role));
    let joined = if input.joined_on.trim().is_empty() {
        Some(Day::from_stored(&today()))
    } else {
        invalid.check(Day::parse("joined_on", &input.joined_on))
    };
    let (Some(role), Some(joined)) = (role, joined) else {
        return Err(invalid.into());
    };
    let mut tx = db.begin().await?;
    let studio = load(&mut tx, studio_id).await?;
    // Keeping is checked before anyone is looked up, so that others learn nothing of people.
    ensure_keeper(caller, &studio)?;
    visible_person(db, caller, "person_id", input.person_id, studio.unit_id).await?;
    let present = studios::members(&mut tx, studio_id).await?;
    if present
        .iter()
        .any(|m| m.person_id == input.person_id && m.left_on.is_none())
    {
        return Err(FieldError::new("person_id", "already_member").into());
    }
    let id = studios::add_member(
        &mut tx,
        studio_id,
        input.person_id,
        role.as_str(),
        joined.as_str(),
    )
    .await?;
    let view = studios::member(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("studio.member_join", "studio", studio_id, None, Some(&view)),
    )
    .await?;
    crate::search::index_studio(&mut tx, studio_id).await?;
    crate::search::index_person(&mut tx, input.person_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// Adds a member named as a person types it in a form (a name, an employee number or `#id`):
/// keeping is checked first, and the person is looked for near the studio.
pub async fn add_member_named(
    db: &Database,
    caller: &Caller,
    studio_id: i64,
    who: &str,
    role: String,
    joined_on: String,
) -> ServiceResult<MemberView> {
    let studio = {
        let mut conn = db.read().await?;
        load(&mut conn, studio_id).await?
    };
    ensure_keeper(caller, &studio)?;
    let person_id = crate::people::resolve(db, caller, "person", who, studio.unit_id, true).await?;
    let input = MemberInput {
        person_id,
        role,
        joined_on,
    };
    add_member(db, caller, studio_id, input).await
}

/// Records that a member left on a day; the membership stays in the history.
pub async fn end_member(
    db: &Database,
    caller: &Caller,
    member_id: i64,
    left_on: &str,
    reason: &str,
) -> ServiceResult<MemberView> {
    let day = if left_on.trim().is_empty() {
        Day::from_stored(&today())
    } else {
        Day::parse("left_on", left_on)?
    };
    let mut tx = db.begin().await?;
    let before = studios::member(&mut tx, member_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let studio = load(&mut tx, before.studio_id).await?;
    ensure_keeper(caller, &studio)?;
    if before.left_on.is_some() {
        return Err(FieldError::new("left_on", "already_left").into());
    }
    check_span("left_on", &Day::from_stored(&before.joined_on), Some(&day))?;
    studios::end_member(&mut tx, member_id, day.as_str()).await?;
    let after = studios::member(&mut tx, member_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        "studio.member_leave",
        "studio",
        studio.id,
        Some(&before),
        Some(&after),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    crate::search::index_studio(&mut tx, studio.id).await?;
    crate::search::index_person(&mut tx, before.person_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// The field codes a studio form offers.
pub fn field_choices() -> &'static [Field] {
    Field::ALL
}

/// Adds a picture to the profile (keepers); checked by its bytes, with a thumbnail.
pub async fn add_picture(
    db: &Database,
    caller: &Caller,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> ServiceResult<i64> {
    {
        let mut conn = db.read().await?;
        ensure_keeper(caller, &load(&mut conn, id).await?)?;
    }
    let accepted = gongjiang_domain::registry::upload::accept(name, &bytes)?;
    if accepted.kind != gongjiang_domain::registry::upload::FileKind::Picture {
        return Err(FieldError::new("file", "picture_only").into());
    }
    let copy = bytes.clone();
    let thumbnail = tokio::task::spawn_blocking(move || crate::thumbnails::make(&copy))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|_| FieldError::new("file", "picture_unreadable"))?;
    let mut tx = db.begin().await?;
    load(&mut tx, id).await?;
    let picture = studios::add_picture(
        &mut tx,
        id,
        &accepted.name,
        accepted.content_type,
        &bytes,
        &thumbnail,
        now_ms(),
    )
    .await?;
    let after = serde_json::json!({"picture": picture, "name": accepted.name});
    record(
        &mut tx,
        caller,
        change::<(), _>("studio.picture_add", "studio", id, None, Some(&after)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(picture)
}

/// Whether the caller may see a studio at all: everyone once it is published, else its keepers
/// and its current members. Whatever names a studio by id (an alliance, a group, a merger)
/// treats one the caller may not see as no studio, so that its name never shows.
pub(crate) async fn readable(
    conn: &mut Conn,
    caller: Option<&Caller>,
    studio: &StudioView,
) -> ServiceResult<bool> {
    if studio.published || caller.is_some_and(|c| keeping(c, studio) != Keeping::None) {
        return Ok(true);
    }
    Ok(match caller.and_then(|c| c.person_id) {
        Some(p) => studios::members(conn, studio.id)
            .await?
            .iter()
            .any(|m| m.person_id == p && m.left_on.is_none()),
        None => false,
    })
}

/// A picture, for those who may see its studio (everyone once it is published).
pub async fn picture(
    db: &Database,
    caller: Option<&Caller>,
    id: i64,
    size: crate::PictureSize,
) -> ServiceResult<(String, Vec<u8>)> {
    let mut conn = db.read().await?;
    let (studio_id, content_type, bytes) = studios::picture(&mut conn, id, size.from_thumbnail())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let studio = load(&mut conn, studio_id).await?;
    if !readable(&mut conn, caller, &studio).await? {
        return Err(ServiceError::NotFound);
    }
    drop(conn);
    Ok((content_type, size.made(bytes).await?))
}
