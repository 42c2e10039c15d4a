//! Innovation centers and bases: kept by the admins of a unit, grouping studios and alliances
//! ("studio = point, alliance = line, center = surface, base = body").

use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::groups::{self, GroupView, MemberView};
use gongjiang_db::{Database, alliances, studios, units};
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::error::text;
use gongjiang_domain::registry::alliance::GroupKind;
use gongjiang_domain::registry::studio::long_text;
use gongjiang_domain::{FieldError, Invalid};

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GroupInput {
    #[serde(default)]
    pub unit_id: i64,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn create(db: &Database, caller: &Caller, input: GroupInput) -> ServiceResult<GroupView> {
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, input.unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::ManageAlliances, &unit.unit_path())?;
    let mut invalid = Invalid::default();
    let kind = invalid.check(GroupKind::parse("kind", &input.kind));
    let name = invalid.check(text("name", &input.name, 2, 60));
    let summary = invalid.check(long_text("summary", &input.summary, 2000));
    let (Some(kind), Some(name), Some(summary)) = (kind, name, summary) else {
        return Err(invalid.into());
    };
    if groups::by_name(&mut tx, &name).await?.is_some() {
        return Err(FieldError::new("name", "group_name_taken")
            .with("value", &name)
            .into());
    }
    let id = groups::insert(&mut tx, unit.id, kind.as_str(), &name, &summary, now_ms()).await?;
    let view = groups::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("group.create", "group", id, None, Some(&view)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(view)
}

pub async fn list(db: &Database) -> ServiceResult<Vec<GroupView>> {
    let mut conn = db.read().await?;
    Ok(groups::list(&mut conn).await?)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupPage {
    pub group: GroupView,
    pub members: Vec<MemberView>,
    pub can_keep: bool,
}

pub async fn page(db: &Database, caller: &Caller, id: i64) -> ServiceResult<GroupPage> {
    let mut conn = db.read().await?;
    let group = groups::get(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(GroupPage {
        members: groups::members(&mut conn, id).await?,
        can_keep: caller.may(Action::ManageAlliances, &group.unit_path()),
        group,
    })
}

/// Adds a studio or an alliance (by number) to the group.
pub async fn add(
    db: &Database,
    caller: &Caller,
    id: i64,
    studio: Option<i64>,
    alliance: Option<i64>,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let group = groups::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageAlliances, &group.unit_path())?;
    let present = groups::members(&mut tx, id).await?;
    match (studio, alliance) {
        (Some(s), None) => {
            let studio = studios::get(&mut tx, s)
                .await?
                .ok_or_else(|| FieldError::new("studio_id", "unknown_studio"))?;
            if !crate::studios::readable(&mut tx, Some(caller), &studio).await? {
                return Err(FieldError::new("studio_id", "unknown_studio").into());
            }
            if present.iter().any(|m| m.studio_id == Some(s)) {
                return Err(FieldError::new("studio_id", "already_member").into());
            }
        }
        (None, Some(a)) => {
            alliances::get(&mut tx, a)
                .await?
                .ok_or_else(|| FieldError::new("alliance_id", "unknown_alliance"))?;
            if present.iter().any(|m| m.alliance_id == Some(a)) {
                return Err(FieldError::new("alliance_id", "already_member").into());
            }
        }
        _ => return Err(FieldError::new("studio_id", "studio_or_alliance").into()),
    }
    groups::add_member(&mut tx, id, studio, alliance).await?;
    let after = serde_json::json!({"studio_id": studio, "alliance_id": alliance});
    record(
        &mut tx,
        caller,
        change::<(), _>("group.add", "group", id, None, Some(&after)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}
