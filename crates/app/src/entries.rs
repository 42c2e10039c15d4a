//! Registration for competition tracks: a worker signs up, or a unit admin enrols them (which
//! counts as the approval of every level the admin keeps); each level above approves or sends
//! the entry back with a reason, up to the organiser; quotas and team sizes hold at each step.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, ensure_version, next_version, record};
use gongjiang_db::competitions::{self, CompetitionView, Track};
use gongjiang_db::entries::{self, EntryFacts, EntryFilter, EntryStep, EntryView};
use gongjiang_db::{Conn, Database, Page, people, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::competition::TrackKind;
use gongjiang_domain::competition::entry::{
    self as rules, Applicant, Eligibility, EntryDecision, EntryStage, Position,
};
use gongjiang_domain::registry::Day;
use gongjiang_domain::unit::{UnitKind, UnitPath};
use serde::Deserialize;

/// What an entrant or their unit admin types: the team (team tracks) and, when the track has
/// age limits, the entrant's birthday.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    #[serde(default)]
    pub team: String,
    /// `YYYY-MM-DD`; needed when the track sets an age range.
    #[serde(default)]
    pub birth_on: String,
}

async fn load(conn: &mut Conn, id: i64) -> ServiceResult<EntryView> {
    entries::get(conn, id).await?.ok_or(ServiceError::NotFound)
}

pub(crate) async fn track_and_competition(
    conn: &mut Conn,
    track_id: i64,
) -> ServiceResult<(Track, CompetitionView)> {
    let track = competitions::track(conn, track_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let competition = competitions::get(conn, track.row.competition_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((track, competition))
}

/// The unit whose places an entrant takes: their enterprise, or their own unit when they
/// stand above any enterprise.
async fn quota_unit(conn: &mut Conn, unit: &UnitPath) -> ServiceResult<(i64, String)> {
    let mut own = None;
    for id in unit.ids().into_iter().rev() {
        let u = units::get(conn, id).await?.ok_or(ServiceError::NotFound)?;
        if own.is_none() {
            own = Some((u.id, u.name.clone()));
        }
        if u.kind == UnitKind::EnterpriseUnion {
            return Ok((u.id, u.name));
        }
    }
    own.ok_or(ServiceError::NotFound)
}

/// Checks everything an entry must meet, and gives the facts to store.
async fn admissible<'a>(
    conn: &mut Conn,
    track: &Track,
    competition: &CompetitionView,
    unit_id: i64,
    unit: &UnitPath,
    input: &'a EntryInput,
    except: Option<i64>,
) -> ServiceResult<EntryFacts<'a>> {
    let birth = Day::optional("birth_on", &input.birth_on)?;
    let within = match track.row.eligible_unit_id {
        Some(id) => {
            let u = units::get(conn, id).await?.ok_or(ServiceError::NotFound)?;
            Some((u.unit_path(), u.name))
        }
        None => None,
    };
    let rule = Eligibility {
        organiser: competition.unit_path(),
        within,
        min_age: track.row.min_age,
        max_age: track.row.max_age,
        on: Some(Day::from_stored(&competition.starts_on)),
        team_track: track.row.kind == TrackKind::Team,
    };
    let team = input.team.trim();
    rules::check(
        &rule,
        &Applicant {
            unit,
            birth_on: birth.as_ref(),
            team,
        },
    )?;
    let (quota_unit_id, quota_name) = quota_unit(conn, unit).await?;
    let taken = entries::places_taken(conn, track.row.id, quota_unit_id, except).await?;
    rules::quota(track.row.quota_per_unit, taken, &quota_name)?;
    if !team.is_empty() {
        let members =
            entries::team_members(conn, track.row.id, quota_unit_id, team, except).await?;
        rules::team_room(track.row.team_size, members, team)?;
    }
    Ok(EntryFacts {
        unit_id,
        quota_unit_id,
        team,
        birth_on: input.birth_on.trim(),
        stage: EntryStage::Pending,
        at_unit: Some(unit_id),
    })
}

/// A worker signs themselves up for a track.
pub async fn sign_up(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    input: EntryInput,
) -> ServiceResult<EntryView> {
    let person_id = caller
        .person_id
        .ok_or_else(|| FieldError::new("person_id", "account_without_person"))?;
    enter(db, caller, track_id, person_id, input, false).await
}

/// A unit admin enrols one of their workers: the entry starts approved by every level of the
/// tree the admin keeps.
pub async fn enrol(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    person_id: i64,
    input: EntryInput,
) -> ServiceResult<EntryView> {
    enter(db, caller, track_id, person_id, input, true).await
}

async fn enter(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    person_id: i64,
    input: EntryInput,
    by_admin: bool,
) -> ServiceResult<EntryView> {
    let mut tx = db.begin().await?;
    let (track, competition) = track_and_competition(&mut tx, track_id).await?;
    let person = people::get(&mut tx, person_id)
        .await?
        .ok_or_else(|| FieldError::new("person_id", "unknown_person").with("value", person_id))?;
    let unit = UnitPath::from_stored(person.unit_path.clone());
    if by_admin {
        caller.ensure(Action::EnrolEntrants, &unit)?;
    }
    let entry = enter_in(
        &mut tx,
        caller,
        &track,
        &competition,
        &person,
        &unit,
        &input,
        by_admin,
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(entry)
}

/// Makes (or, after a return or withdrawal, renews) one entry inside a transaction: shared by
/// a sign-up, an enrolment and each row of an enrolment sheet.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn enter_in(
    tx: &mut Conn,
    caller: &Caller,
    track: &Track,
    competition: &CompetitionView,
    person: &gongjiang_db::people::PersonView,
    unit: &UnitPath,
    input: &EntryInput,
    by_admin: bool,
) -> ServiceResult<EntryView> {
    if gongjiang_domain::clock::today().as_str() > competition.ends_on.as_str() {
        return Err(FieldError::new("track_id", "competition_over").into());
    }
    let before = entries::of_person(tx, track.row.id, person.id).await?;
    if let Some(b) = &before
        && b.stage.holds_place()
    {
        return Err(FieldError::new("person_id", "already_entered")
            .with("name", &person.name)
            .into());
    }
    let except = before.as_ref().map(|b| b.id);
    let facts = admissible(tx, track, competition, person.unit_id, unit, input, except).await?;
    // The admin's enrolment is the approval of each level they keep, up the tree.
    let mut at = Position::start(person.unit_id);
    let mut approvals = Vec::new();
    while by_admin && let Some(acting) = at.at_unit {
        if !caller.may(
            Action::EnrolEntrants,
            &crate::units::path_of(tx, acting).await?,
        ) {
            break;
        }
        let parent = units::get(tx, acting).await?.and_then(|u| u.parent_id);
        at = rules::decide(
            at,
            EntryDecision::Approve,
            acting,
            competition.unit_id,
            parent,
        )?;
        approvals.push((acting, at.at_unit));
    }
    let facts = EntryFacts {
        stage: at.stage,
        at_unit: at.at_unit,
        ..facts
    };
    let now = now_ms();
    let id = match &before {
        Some(b) => {
            let version = next_version(now, b.updated_at);
            if !entries::reopen(tx, b.id, &facts, b.updated_at, version).await? {
                return Err(ServiceError::Stale);
            }
            b.id
        }
        None => entries::insert(tx, track.row.id, person.id, &facts, now).await?,
    };
    let who = caller.user_id();
    let actor = &caller.actor.name;
    let unit_id = person.unit_id;
    entries::add_step(
        tx,
        id,
        now,
        who,
        actor,
        "submit",
        unit_id,
        Some(unit_id),
        "",
    )
    .await?;
    for (acting, to) in approvals {
        entries::add_step(tx, id, now, who, actor, "approve", acting, to, "").await?;
    }
    if at.stage == EntryStage::Approved {
        crate::track_exams::seat_approved(tx, track.row.id).await?;
    }
    let after = load(tx, id).await?;
    let code = if by_admin {
        "entry.enrol"
    } else {
        "entry.sign_up"
    };
    record(
        tx,
        caller,
        change(
            code,
            "entry",
            id,
            before.as_ref().map(summary).as_ref(),
            Some(&summary(&after)),
        ),
    )
    .await?;
    Ok(after)
}

fn summary(e: &EntryView) -> serde_json::Value {
    serde_json::json!({
        "track_id": e.track_id, "person_id": e.person_id, "unit_id": e.unit_id,
        "team": e.team, "stage": e.stage, "at_unit_id": e.at_unit_id,
    })
}

/// The unit an entry waits on approves it (one level up, or for good at the organiser) or
/// sends it back with a reason. The quota is checked again at each approval.
pub async fn decide(
    db: &Database,
    caller: &Caller,
    id: i64,
    decision: &str,
    reason: &str,
    expected_version: Option<i64>,
) -> ServiceResult<EntryView> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    let acting = before
        .at_unit_id
        .ok_or_else(|| FieldError::new("decision", "entry_not_before_unit"))?;
    caller.ensure(
        Action::EnrolEntrants,
        &crate::units::path_of(&mut tx, acting).await?,
    )?;
    let decision = EntryDecision::parse("decision", decision)?;
    let reason = non_empty(reason);
    if decision == EntryDecision::Return && reason.is_none() {
        return Err(FieldError::new("reason", "reason_required").into());
    }
    ensure_version(expected_version, before.updated_at)?;
    let (track, competition) = track_and_competition(&mut tx, before.track_id).await?;
    let parent = units::get(&mut tx, acting).await?.and_then(|u| u.parent_id);
    let at = Position {
        stage: before.stage,
        at_unit: before.at_unit_id,
    };
    let next = rules::decide(at, decision, acting, competition.unit_id, parent)?;
    if decision == EntryDecision::Approve {
        let unit = units::get(&mut tx, before.quota_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let taken =
            entries::places_taken(&mut tx, track.row.id, before.quota_unit_id, Some(id)).await?;
        rules::quota(track.row.quota_per_unit, taken, &unit.name)?;
    }
    let now = now_ms();
    let version = next_version(now, before.updated_at);
    if !entries::set_position(
        &mut tx,
        id,
        next.stage,
        next.at_unit,
        before.updated_at,
        version,
    )
    .await?
    {
        return Err(ServiceError::Stale);
    }
    let reason_text = reason.clone().unwrap_or_default();
    entries::add_step(
        &mut tx,
        id,
        now,
        caller.user_id(),
        &caller.actor.name,
        decision.as_str(),
        acting,
        next.at_unit,
        &reason_text,
    )
    .await?;
    if next.stage == EntryStage::Approved {
        crate::track_exams::seat_approved(&mut tx, track.row.id).await?;
    }
    let after = load(&mut tx, id).await?;
    let mut c = change(
        &format!("entry.{}", decision.as_str()),
        "entry",
        id,
        Some(&summary(&before)),
        Some(&summary(&after)),
    );
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// The entrant, or an admin of their unit, withdraws an entry; its place is freed.
pub async fn withdraw(
    db: &Database,
    caller: &Caller,
    id: i64,
    reason: &str,
) -> ServiceResult<EntryView> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    let own = caller.person_id == Some(before.person_id);
    if !own {
        caller.ensure(Action::EnrolEntrants, &before.unit_path())?;
    }
    if before.stage == EntryStage::Withdrawn {
        return Err(FieldError::new("decision", "entry_withdrawn").into());
    }
    let now = now_ms();
    let version = next_version(now, before.updated_at);
    if !entries::set_position(
        &mut tx,
        id,
        EntryStage::Withdrawn,
        None,
        before.updated_at,
        version,
    )
    .await?
    {
        return Err(ServiceError::Stale);
    }
    if before.stage == EntryStage::Approved {
        crate::track_exams::unseat(&mut tx, before.track_id, before.person_id).await?;
    }
    let reason = non_empty(reason);
    entries::add_step(
        &mut tx,
        id,
        now,
        caller.user_id(),
        &caller.actor.name,
        "withdraw",
        before.unit_id,
        None,
        reason.as_deref().unwrap_or(""),
    )
    .await?;
    let after = load(&mut tx, id).await?;
    let mut c = change(
        "entry.withdraw",
        "entry",
        id,
        Some(&summary(&before)),
        Some(&summary(&after)),
    );
    c.reason = reason;
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// An entry with its steps and what the caller may do with it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntryPage {
    pub entry: EntryView,
    pub steps: Vec<EntryStep>,
    /// The caller keeps the unit it waits on.
    pub can_decide: bool,
    pub can_withdraw: bool,
}

/// Whether the caller may read an entry: the entrant, the admins of their unit and of every
/// unit above it, and the competition's organisers.
fn may_read(caller: &Caller, entry: &EntryView, competition: &CompetitionView) -> bool {
    caller.person_id == Some(entry.person_id)
        || caller.may(Action::EnrolEntrants, &entry.unit_path())
        || caller.may(Action::ManageCompetitions, &competition.unit_path())
}

pub async fn entry(db: &Database, caller: &Caller, id: i64) -> ServiceResult<EntryPage> {
    let mut conn = db.read().await?;
    let entry = load(&mut conn, id).await?;
    let (_, competition) = track_and_competition(&mut conn, entry.track_id).await?;
    if !may_read(caller, &entry, &competition) {
        return Err(ServiceError::Forbidden);
    }
    let can_decide = match entry.at_unit_id {
        Some(u) if entry.stage == EntryStage::Pending => caller.may(
            Action::EnrolEntrants,
            &crate::units::path_of(&mut conn, u).await?,
        ),
        _ => false,
    };
    let can_withdraw = entry.stage != EntryStage::Withdrawn
        && (caller.person_id == Some(entry.person_id)
            || caller.may(Action::EnrolEntrants, &entry.unit_path()));
    Ok(EntryPage {
        steps: entries::steps(&mut conn, id).await?,
        entry,
        can_decide,
        can_withdraw,
    })
}

/// A track's entries as the caller may see them: all for its organisers, else those of the
/// units the caller enrols for. `waiting` keeps those that wait on the caller's units.
pub async fn of_track(
    db: &Database,
    caller: &Caller,
    track_id: i64,
    stage: Option<EntryStage>,
    waiting: bool,
    page: Page,
) -> ServiceResult<(Vec<EntryView>, i64)> {
    let mut conn = db.read().await?;
    let (_, competition) = track_and_competition(&mut conn, track_id).await?;
    let organiser = caller.may(Action::ManageCompetitions, &competition.unit_path());
    if !organiser && !caller.may_somewhere(Action::EnrolEntrants) {
        return Err(ServiceError::Forbidden);
    }
    let mut filter = EntryFilter {
        track_id: Some(track_id),
        stage,
        within: (!organiser).then(|| caller.scope(Action::EnrolEntrants)),
        ..EntryFilter::default()
    };
    if waiting {
        filter.waiting_within = Some(caller.scope(Action::EnrolEntrants));
    }
    Ok(entries::list(&mut conn, &filter, page).await?)
}

/// Entries of every track waiting on a unit the caller keeps.
pub async fn inbox(
    db: &Database,
    caller: &Caller,
    page: Page,
) -> ServiceResult<(Vec<EntryView>, i64)> {
    caller.ensure_somewhere(Action::EnrolEntrants)?;
    let mut conn = db.read().await?;
    let filter = EntryFilter {
        waiting_within: Some(caller.scope(Action::EnrolEntrants)),
        ..EntryFilter::default()
    };
    Ok(entries::list(&mut conn, &filter, page).await?)
}

/// The caller's own entries.
pub async fn mine(db: &Database, caller: &Caller) -> ServiceResult<Vec<EntryView>> {
    let Some(person_id) = caller.person_id else {
        return Ok(Vec::new());
    };
    let mut conn = db.read().await?;
    let filter = EntryFilter {
        person_id: Some(person_id),
        ..EntryFilter::default()
    };
    Ok(entries::list(&mut conn, &filter, Page::ALL).await?.0)
}

/// What a track's page offers the caller for registration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Registration {
    /// The caller's own entry, if any.
    pub mine: Option<EntryView>,
    /// The caller has a worker record and no entry that holds a place.
    pub can_sign_up: bool,
    /// The caller enrols workers of some unit.
    pub can_enrol: bool,
    /// The caller may list the track's entries (its organisers and unit admins).
    pub can_list: bool,
}

pub async fn registration(
    db: &Database,
    caller: &Caller,
    track_id: i64,
) -> ServiceResult<Registration> {
    let mut conn = db.read().await?;
    let (_, competition) = track_and_competition(&mut conn, track_id).await?;
    let mine = match caller.person_id {
        Some(p) => entries::of_person(&mut conn, track_id, p).await?,
        None => None,
    };
    let can_enrol = caller.may_somewhere(Action::EnrolEntrants);
    Ok(Registration {
        can_sign_up: caller.person_id.is_some()
            && !mine.as_ref().is_some_and(|e| e.stage.holds_place()),
        can_list: can_enrol || caller.may(Action::ManageCompetitions, &competition.unit_path()),
        can_enrol,
        mine,
    })
}

/// Finds the worker an enrolment form names (`#id`, employee number or name) among the
/// people of the units the caller enrols for.
pub async fn find_entrant(db: &Database, caller: &Caller, who: &str) -> ServiceResult<i64> {
    let near = caller
        .scope(Action::EnrolEntrants)
        .first()
        .and_then(|root| root.ids().last().copied())
        .ok_or(ServiceError::Forbidden)?;
    crate::people::resolve(db, caller, "person", who, near, false).await
}
