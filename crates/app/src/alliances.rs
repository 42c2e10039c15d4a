//! Alliances of studios: kept by the admins of the unit that records them; a studio's own
//! keepers may join it or take it out; the federation sets the annual-projects quota.

use crate::studios::{Keeping, keeping};
use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, ensure_version, next_version, record};
use gongjiang_db::alliances::{
    self, AllianceFilter, AllianceMemberView, AllianceView, ChairView, ProjectView,
};
use gongjiang_db::{Conn, Database, Page, studios, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, this_year, today};
use gongjiang_domain::error::text;
use gongjiang_domain::registry::alliance::{
    AllianceProfile, AllianceProfileInput, DEFAULT_ANNUAL_QUOTA, QuotaStanding, Span, below_quota,
    check_handover, check_join, check_leave, parse_quota,
};
use gongjiang_domain::registry::studio::StudioStatus;
use gongjiang_domain::registry::studio::long_text;
use gongjiang_domain::registry::{Day, year};
use gongjiang_domain::{FieldError, Invalid};

const QUOTA_SETTING: &str = "alliance_annual_quota";

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AllianceInput {
    pub unit_id: i64,
    #[serde(flatten)]
    pub profile: AllianceProfileInput,
    /// Its own quota, or empty for the federation's.
    #[serde(default)]
    pub annual_quota: String,
}

fn parse(input: &AllianceInput) -> Result<(AllianceProfile, Option<i64>), Invalid> {
    let profile = AllianceProfile::parse(&input.profile, this_year());
    let quota = if input.annual_quota.trim().is_empty() {
        Ok(None)
    } else {
        parse_quota("annual_quota", &input.annual_quota).map(Some)
    };
    match (profile, quota) {
        (Ok(p), Ok(q)) => Ok((p, q)),
        (Err(mut invalid), Err(e)) => {
            invalid.push(e);
            Err(invalid)
        }
        (Err(invalid), _) => Err(invalid),
        (_, Err(e)) => Err(Invalid(vec![e])),
    }
}

async fn load(conn: &mut Conn, id: i64) -> ServiceResult<AllianceView> {
    alliances::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn ensure_keeper(caller: &Caller, alliance: &AllianceView) -> ServiceResult<()> {
    caller.ensure(Action::ManageAlliances, &alliance.unit_path())
}

async fn name_free(conn: &mut Conn, name: &str, except: Option<i64>) -> ServiceResult<()> {
    match alliances::by_name(conn, name).await? {
        Some(other) if Some(other) != except => Err(FieldError::new("name", "alliance_name_taken")
            .with("value", name)
            .into()),
        _ => Ok(()),
    }
}

pub async fn create(
    db: &Database,
    caller: &Caller,
    input: AllianceInput,
) -> ServiceResult<AllianceView> {
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::ManageAlliances, &unit.unit_path())?;
    let (profile, quota) = parse(&input)?;
    name_free(&mut tx, &profile.name, None).await?;
    let id = alliances::insert(&mut tx, input.unit_id, &profile, quota, now_ms()).await?;
    let view = load(&mut tx, id).await?;
    record(
        &mut tx,
        caller,
        change::<(), _>("alliance.create", "alliance", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

pub async fn update(
    db: &Database,
    caller: &Caller,
    id: i64,
    input: AllianceInput,
    reason: &str,
    expected_version: Option<i64>,
) -> ServiceResult<AllianceView> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx, id).await?;
    ensure_keeper(caller, &before)?;
    ensure_version(expected_version, before.updated_at)?;
    let (profile, quota) = parse(&input)?;
    name_free(&mut tx, &profile.name, Some(id)).await?;
    let version = next_version(now_ms(), before.updated_at);
    if !alliances::update(&mut tx, id, &profile, quota, before.updated_at, version).await? {
        return Err(ServiceError::Stale);
    }
    let after = load(&mut tx, id).await?;
    let mut c = change(
        "alliance.update",
        "alliance",
        id,
        Some(&before),
        Some(&after),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

/// Alliances for any signed-in user: they cross units, and their members are public knowledge.
pub async fn list(
    db: &Database,
    filter: AllianceFilter,
    page: Page,
) -> ServiceResult<(Vec<AllianceView>, i64)> {
    let mut conn = db.read().await?;
    Ok(alliances::list(&mut conn, &filter, page).await?)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AlliancePage {
    pub alliance: AllianceView,
    pub members: Vec<AllianceMemberView>,
    pub chairs: Vec<ChairView>,
    pub projects: Vec<ProjectView>,
    /// The quota that applies to it and its projects this year.
    pub quota: i64,
    pub projects_this_year: i64,
    pub can_keep: bool,
}

pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<AlliancePage> {
    let mut conn = db.read().await?;
    let alliance = load(&mut conn, id).await?;
    let quota = match alliance.annual_quota {
        Some(q) => q,
        None => federation_quota(&mut conn).await?,
    };
    let projects = alliances::projects(&mut conn, id).await?;
    let year = i64::from(this_year());
    Ok(AlliancePage {
        members: alliances::members(&mut conn, id).await?,
        chairs: alliances::chairs(&mut conn, id).await?,
        projects_this_year: projects.iter().filter(|p| p.year == year).count() as i64,
        projects,
        quota,
        can_keep: caller.may(Action::ManageAlliances, &alliance.unit_path()),
        alliance,
    })
}

fn day_or_today(field: &str, raw: &str) -> Result<Day, FieldError> {
    if raw.trim().is_empty() {
        Ok(Day::from_stored(&today()))
    } else {
        Day::parse(field, raw)
    }
}

/// Whether the caller may move this studio in or out: the alliance's keepers, or the studio's.
async fn ensure_member_keeper(
    conn: &mut Conn,
    caller: &Caller,
    alliance: &AllianceView,
    studio_id: i64,
) -> ServiceResult<()> {
    if caller.may(Action::ManageAlliances, &alliance.unit_path()) {
        return Ok(());
    }
    let studio = crate::studios::load(conn, studio_id).await?;
    match keeping(caller, &studio) {
        Keeping::None => Err(ServiceError::Forbidden),
        _ => Ok(()),
    }
}

pub async fn join(
    db: &Database,
    caller: &Caller,
    alliance_id: i64,
    studio_id: i64,
    joined_on: &str,
) -> ServiceResult<AllianceMemberView> {
    let day = day_or_today("joined_on", joined_on)?;
    let mut tx = db.begin().await?;
    let alliance = load(&mut tx, alliance_id).await?;
    let unknown = || FieldError::new("studio_id", "unknown_studio").with("value", studio_id);
    let studio = studios::get(&mut tx, studio_id)
        .await?
        .ok_or_else(unknown)?;
    ensure_member_keeper(&mut tx, caller, &alliance, studio_id).await?;
    if !crate::studios::readable(&mut tx, Some(caller), &studio).await? {
        return Err(unknown().into());
    }
    if studio.status != StudioStatus::Active {
        return Err(FieldError::new("studio_id", "studio_not_active")
            .with("value", studio_id)
            .into());
    }
    let history: Vec<Span> = alliances::members(&mut tx, alliance_id)
        .await?
        .into_iter()
        .filter(|m| m.studio_id == studio_id)
        .map(|m| Span {
            from: Day::from_stored(&m.joined_on),
            until: m.left_on.as_deref().map(Day::from_stored),
        })
        .collect();
    check_join(&history, &day)?;
    let id = alliances::add_member(&mut tx, alliance_id, studio_id, day.as_str()).await?;
    let view = alliances::member(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "alliance.member_join",
            "alliance",
            alliance_id,
            None,
            Some(&view),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

pub async fn leave(
    db: &Database,
    caller: &Caller,
    member_id: i64,
    left_on: &str,
    reason: &str,
) -> ServiceResult<AllianceMemberView> {
    let day = day_or_today("left_on", left_on)?;
    let mut tx = db.begin().await?;
    let before = alliances::member(&mut tx, member_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let alliance = load(&mut tx, before.alliance_id).await?;
    ensure_member_keeper(&mut tx, caller, &alliance, before.studio_id).await?;
    if before.left_on.is_some() {
        return Err(FieldError::new("left_on", "already_left").into());
    }
    let open = Span {
        from: Day::from_stored(&before.joined_on),
        until: None,
    };
    check_leave(&open, &day)?;
    alliances::end_member(&mut tx, member_id, day.as_str()).await?;
    let after = alliances::member(&mut tx, member_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        "alliance.member_leave",
        "alliance",
        alliance.id,
        Some(&before),
        Some(&after),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HandoverInput {
    pub unit_id: i64,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub note: String,
}

/// Hands the chair to another unit from a day: the sitting term ends that day.
pub async fn hand_over(
    db: &Database,
    caller: &Caller,
    alliance_id: i64,
    input: HandoverInput,
) -> ServiceResult<Vec<ChairView>> {
    let day = day_or_today("from", &input.from)?;
    let note = long_text("note", &input.note, 1000)?;
    let mut tx = db.begin().await?;
    let alliance = load(&mut tx, alliance_id).await?;
    ensure_keeper(caller, &alliance)?;
    units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    let before = alliances::chairs(&mut tx, alliance_id).await?;
    let terms: Vec<(i64, Span)> = before
        .iter()
        .map(|c| {
            (
                c.unit_id,
                Span {
                    from: Day::from_stored(&c.from_on),
                    until: c.until_on.as_deref().map(Day::from_stored),
                },
            )
        })
        .collect();
    check_handover(&terms, input.unit_id, &day)?;
    alliances::hand_over(&mut tx, alliance_id, input.unit_id, day.as_str(), &note).await?;
    let after = alliances::chairs(&mut tx, alliance_id).await?;
    record(
        &mut tx,
        caller,
        change(
            "alliance.chair_handover",
            "alliance",
            alliance_id,
            Some(&before),
            Some(&after),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProjectInput {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn add_project(
    db: &Database,
    caller: &Caller,
    alliance_id: i64,
    input: ProjectInput,
) -> ServiceResult<ProjectView> {
    let mut invalid = Invalid::default();
    let y = invalid.check(year("year", &input.year, this_year()));
    let title = invalid.check(text("title", &input.title, 2, 80));
    let summary = invalid.check(long_text("summary", &input.summary, 2000));
    let (Some(y), Some(title), Some(summary)) = (y, title, summary) else {
        return Err(invalid.into());
    };
    let mut tx = db.begin().await?;
    let alliance = load(&mut tx, alliance_id).await?;
    ensure_keeper(caller, &alliance)?;
    let id = alliances::add_project(
        &mut tx,
        alliance_id,
        i64::from(y),
        &title,
        &summary,
        now_ms(),
    )
    .await?;
    let view = alliances::projects(&mut tx, alliance_id)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "alliance.project_add",
            "alliance",
            alliance_id,
            None,
            Some(&view),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

async fn federation_quota(conn: &mut Conn) -> ServiceResult<i64> {
    Ok(alliances::setting(conn, QUOTA_SETTING)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ANNUAL_QUOTA))
}

/// The annual-projects rule this year: the quota and the alliances below it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QuotaReport {
    pub year: i64,
    pub quota: i64,
    pub alive: usize,
    pub below: Vec<(QuotaStanding, AllianceView)>,
}

pub async fn quota_report(db: &Database, caller: &Caller, year: i64) -> ServiceResult<QuotaReport> {
    caller.ensure_somewhere(Action::ManageAlliances)?;
    let mut conn = db.read().await?;
    let quota = federation_quota(&mut conn).await?;
    let counts = alliances::project_counts(&mut conn, year).await?;
    let mut below = Vec::new();
    for standing in below_quota(&counts, quota) {
        let view = load(&mut conn, standing.alliance_id).await?;
        below.push((standing, view));
    }
    Ok(QuotaReport {
        year,
        quota,
        alive: counts.len(),
        below,
    })
}

/// Sets the federation's quota (federation staff only).
pub async fn set_quota(
    db: &Database,
    caller: &Caller,
    raw: &str,
    reason: &str,
) -> ServiceResult<i64> {
    let mut tx = db.begin().await?;
    crate::units::ensure_tree_wide(&mut tx, caller, Action::ConfigureRegistry).await?;
    let quota = parse_quota("quota", raw)?;
    let before = federation_quota(&mut tx).await?;
    alliances::set_setting(&mut tx, QUOTA_SETTING, &quota.to_string()).await?;
    let mut c = change(
        "registry.quota",
        "setting",
        QUOTA_SETTING,
        Some(&before),
        Some(&quota),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(quota)
}
