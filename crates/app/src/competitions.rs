//! Competitions and their tracks: organised by a unit's admins, read by everyone signed in
//! (workers sign up for them).

use crate::{Caller, ServiceError, ServiceResult, change, ensure_version, next_version, record};
use gongjiang_db::competitions::{self, CompetitionView, Organiser, Track};
use gongjiang_db::{Conn, Database, Page, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::competition::{CompetitionInput, CompetitionText, TrackInput, TrackSetup};

async fn load(conn: &mut Conn, id: i64) -> ServiceResult<CompetitionView> {
    competitions::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn load_track(conn: &mut Conn, id: i64) -> ServiceResult<Track> {
    competitions::track(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The organising unit, which the caller must administer.
async fn organiser(conn: &mut Conn, caller: &Caller, unit_id: i64) -> ServiceResult<()> {
    let unit = units::get(conn, unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::ManageCompetitions, &unit.unit_path())?;
    Ok(())
}

/// Co-organisers must be units that exist; the organiser itself is not repeated.
async fn co_organisers(conn: &mut Conn, input: &CompetitionInput) -> ServiceResult<Vec<i64>> {
    let mut out = Vec::new();
    for &id in &input.co_organisers {
        if id == input.unit_id || out.contains(&id) {
            continue;
        }
        if units::get(conn, id).await?.is_none() {
            return Err(FieldError::new("co_organisers", "unknown_unit")
                .with("value", id)
                .into());
        }
        out.push(id);
    }
    Ok(out)
}

/// A competition as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompetitionPage {
    pub competition: CompetitionView,
    pub organisers: Vec<Organiser>,
    pub tracks: Vec<Track>,
    pub can_manage: bool,
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: CompetitionInput,
) -> ServiceResult<CompetitionPage> {
    let mut tx = db.begin().await?;
    organiser(&mut tx, caller, input.unit_id).await?;
    let text = CompetitionText::parse(&input)?;
    let co = co_organisers(&mut tx, &input).await?;
    let id = competitions::insert(&mut tx, input.unit_id, &text, now_ms()).await?;
    competitions::set_organisers(&mut tx, id, &co).await?;
    let after = read(&mut tx, caller, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "competition.create",
            "competition",
            id,
            None,
            Some(&after.competition),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

pub async fn update(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: CompetitionInput,
    expected_version: Option<i64>,
) -> ServiceResult<CompetitionPage> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    caller.ensure(Action::ManageCompetitions, &before.unit_path())?;
    organiser(&mut tx, caller, input.unit_id).await?;
    ensure_version(expected_version, before.updated_at)?;
    let text = CompetitionText::parse(&input)?;
    let co = co_organisers(&mut tx, &input).await?;
    let version = next_version(now_ms(), before.updated_at);
    if !competitions::update(
        &mut tx,
        id,
        input.unit_id,
        &text,
        before.updated_at,
        version,
    )
    .await?
    {
        return Err(ServiceError::Stale);
    }
    competitions::set_organisers(&mut tx, id, &co).await?;
    let after = read(&mut tx, caller, id).await?;
    record(
        &mut tx,
        caller,
        change(
            "competition.update",
            "competition",
            id,
            Some(&before),
            Some(&after.competition),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

async fn read(conn: &mut Conn, caller: &Caller, id: i64) -> ServiceResult<CompetitionPage> {
    let competition = load(conn, id).await?;
    Ok(CompetitionPage {
        organisers: competitions::organisers(conn, id).await?,
        tracks: competitions::tracks(conn, id).await?,
        can_manage: caller.may(Action::ManageCompetitions, &competition.unit_path()),
        competition,
    })
}

/// A competition with its tracks, for anyone signed in.
pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<CompetitionPage> {
    let mut conn = db.read().await?;
    read(&mut conn, caller, id).await
}

/// Competitions, newest first, for anyone signed in.
pub async fn list(db: &Database, page: Page) -> ServiceResult<(Vec<CompetitionView>, i64)> {
    let mut conn = db.read().await?;
    Ok(competitions::list(&mut conn, page).await?)
}

/// Checks a track's setup against the tree: the eligible unit must exist.
async fn setup(conn: &mut Conn, input: &TrackInput) -> ServiceResult<TrackSetup> {
    let setup = TrackSetup::parse(input)?;
    if let Some(unit) = setup.eligible_unit_id
        && units::get(conn, unit).await?.is_none()
    {
        return Err(FieldError::new("eligible_unit_id", "unknown_unit").into());
    }
    Ok(setup)
}

async fn name_free(
    conn: &mut Conn,
    competition_id: i64,
    name: &str,
    except: Option<i64>,
) -> ServiceResult<()> {
    let taken = competitions::tracks(conn, competition_id)
        .await?
        .iter()
        .any(|t| t.row.name == name && Some(t.row.id) != except);
    if taken {
        return Err(FieldError::new("name", "track_name_taken")
            .with("value", name)
            .into());
    }
    Ok(())
}

pub async fn add_track(
    db: &Database,
    caller: &Caller,
    competition_id: i64,
    input: TrackInput,
) -> ServiceResult<Track> {
    let mut tx = db.begin().await?;
    let competition = load(&mut tx, competition_id).await?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    let setup = setup(&mut tx, &input).await?;
    name_free(&mut tx, competition_id, &setup.name, None).await?;
    let id = competitions::insert_track(&mut tx, competition_id, &setup, now_ms()).await?;
    let after = load_track(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>("track.create", "track", id, None, Some(&after)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

pub async fn update_track(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: TrackInput,
    expected_version: Option<i64>,
) -> ServiceResult<Track> {
    let mut tx = db.begin().await?;
    let before = load_track(&mut tx, id).await?;
    let competition = load(&mut tx, before.row.competition_id).await?;
    caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
    ensure_version(expected_version, before.row.updated_at)?;
    let setup = setup(&mut tx, &input).await?;
    name_free(&mut tx, competition.id, &setup.name, Some(id)).await?;
    let version = next_version(now_ms(), before.row.updated_at);
    if !competitions::update_track(&mut tx, id, &setup, before.row.updated_at, version).await? {
        return Err(ServiceError::Stale);
    }
    let after = load_track(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change("track.update", "track", id, Some(&before), Some(&after)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// A track with its competition, for anyone signed in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackPage {
    pub track: Track,
    pub competition: CompetitionView,
    pub can_manage: bool,
}

pub async fn track(db: &Database, caller: &Caller, id: i64) -> ServiceResult<TrackPage> {
    let mut conn = db.read().await?;
    let track = load_track(&mut conn, id).await?;
    let competition = load(&mut conn, track.row.competition_id).await?;
    Ok(TrackPage {
        can_manage: caller.may(Action::ManageCompetitions, &competition.unit_path()),
        track,
        competition,
    })
}
