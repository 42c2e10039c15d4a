//! People's honours and master–apprentice pairs, kept by the admins who keep the people.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::honours::{self, HonourView, MentorshipView};
use gongjiang_db::studios::{self, StudioView};
use gongjiang_db::{Conn, Database, people};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::{now_ms, this_year};
use gongjiang_domain::registry::honour::{Honour, HonourInput, Mentorship};
use gongjiang_domain::registry::optional_year;
use gongjiang_domain::unit::UnitPath;
use gongjiang_domain::{FieldError, Invalid};

async fn person_path(conn: &mut Conn, field: &str, id: i64) -> ServiceResult<UnitPath> {
    people::get(conn, id)
        .await?
        .map(|p| UnitPath::from_stored(p.unit_path))
        .ok_or_else(|| {
            FieldError::new(field, "unknown_person")
                .with("value", id)
                .into()
        })
}

pub async fn add(
    db: &Database,
    caller: &Caller,
    person_id: i64,
    input: HonourInput,
) -> ServiceResult<HonourView> {
    let mut tx = db.begin().await?;
    let path = person_path(&mut tx, "person_id", person_id).await?;
    caller.ensure(Action::ManagePeople, &path)?;
    let honour = Honour::parse(&input, this_year())?;
    let id = honours::insert(&mut tx, person_id, &honour, now_ms()).await?;
    let view = honours::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("person.honour_add", "person", person_id, None, Some(&view)),
    )
    .await?;
    crate::search::index_person(&mut tx, person_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// Removes an honour recorded by mistake; the audit log keeps what it was and why it went.
pub async fn remove(
    db: &Database,
    caller: &Caller,
    honour_id: i64,
    reason: &str,
) -> ServiceResult<i64> {
    let reason = non_empty(reason).ok_or_else(|| FieldError::new("reason", "reason_required"))?;
    let mut tx = db.begin().await?;
    let before = honours::get(&mut tx, honour_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let path = person_path(&mut tx, "person_id", before.person_id).await?;
    caller.ensure(Action::ManagePeople, &path)?;
    honours::delete(&mut tx, honour_id).await?;
    let mut c = change::<_, ()>(
        "person.honour_remove",
        "person",
        before.person_id,
        Some(&before),
        None,
    );
    c.reason = Some(reason);
    record(&mut tx, caller, c).await?;
    crate::search::index_person(&mut tx, before.person_id).await?;
    gongjiang_db::commit(tx).await?;
    Ok(before.person_id)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MentorshipInput {
    pub master_id: i64,
    pub apprentice_id: i64,
    pub from_year: String,
    #[serde(default)]
    pub to_year: String,
}

/// Records a master–apprentice pair; the caller must keep at least one of the two people.
pub async fn add_mentorship(
    db: &Database,
    caller: &Caller,
    input: MentorshipInput,
) -> ServiceResult<MentorshipView> {
    let mut invalid = Invalid::default();
    let from = invalid.check(gongjiang_domain::registry::year(
        "from_year",
        &input.from_year,
        this_year(),
    ));
    let to = invalid.check(optional_year("to_year", &input.to_year, this_year()));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(invalid.into());
    };
    let pair = Mentorship::new(input.master_id, input.apprentice_id, from, to)?;
    let mut tx = db.begin().await?;
    let master = person_path(&mut tx, "master_id", pair.master_id).await?;
    let apprentice = person_path(&mut tx, "apprentice_id", pair.apprentice_id).await?;
    let (keeps_master, keeps_apprentice) = (
        caller.may(Action::ManagePeople, &master),
        caller.may(Action::ManagePeople, &apprentice),
    );
    if !keeps_master && !keeps_apprentice {
        return Err(ServiceError::Forbidden);
    }
    // The other person must be someone the caller could find by name near the one they keep
    // (as the form finds them), so that a program cannot pair, and so read, anyone by id.
    let (kept, other, field) = if keeps_master {
        (pair.master_id, pair.apprentice_id, "apprentice_id")
    } else {
        (pair.apprentice_id, pair.master_id, "master_id")
    };
    if !(keeps_master && keeps_apprentice) {
        let near = people::get(&mut tx, kept)
            .await?
            .ok_or(ServiceError::NotFound)?
            .unit_id;
        crate::people::resolve(db, caller, field, &format!("#{other}"), near, false).await?;
    }
    let id = match honours::insert_mentorship(&mut tx, &pair, now_ms()).await {
        Err(e) if e.is_unique_violation() => {
            return Err(FieldError::new("apprentice_id", "pair_already_recorded").into());
        }
        other => other?,
    };
    let view = honours::mentorships_of(&mut tx, pair.master_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>(
            "person.mentorship_add",
            "person",
            pair.apprentice_id,
            None,
            Some(&view),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

/// What the registry knows of a person: honours, pairs, studios.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonRecord {
    pub honours: Vec<HonourView>,
    pub mentorships: Vec<MentorshipView>,
    pub studios: Vec<StudioView>,
    pub achievements: Vec<gongjiang_db::achievements::AchievementView>,
    /// Competition prizes, as their valid certificates.
    pub prizes: Vec<gongjiang_db::certificates::CertificateRow>,
}

/// A person's registry record, for those who keep the person (the person page checks first).
pub async fn record_of(
    db: &Database,
    caller: &Caller,
    person_id: i64,
) -> ServiceResult<PersonRecord> {
    let mut conn = db.read().await?;
    let path = people::get(&mut conn, person_id)
        .await?
        .map(|p| UnitPath::from_stored(p.unit_path))
        .ok_or(ServiceError::NotFound)?;
    if !caller.may(Action::ManagePeople, &path) && caller.person_id != Some(person_id) {
        return Err(ServiceError::Forbidden);
    }
    Ok(PersonRecord {
        honours: honours::of_person(&mut conn, person_id).await?,
        mentorships: honours::mentorships_of(&mut conn, person_id).await?,
        studios: studios::of_person(&mut conn, person_id).await?,
        achievements: gongjiang_db::achievements::of_person(&mut conn, person_id).await?,
        prizes: gongjiang_db::certificates::of_person(&mut conn, person_id).await?,
    })
}
