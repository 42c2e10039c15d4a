//! Units: create, rename, move and close, each checked against the caller's grants and recorded.

use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_db::units::{NewUnit, UnitRecord};
use gongjiang_db::{Database, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::unit::{UnitCode, UnitKind, UnitName, UnitPath, check_move};

/// A unit to create, as a form or an API call gives it.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub code: String,
    pub name: String,
}

/// Creates a unit under `parent_id` (or a federation at the top, which only the command line
/// may do).
pub async fn create(db: &Database, caller: &Caller, input: UnitInput) -> ServiceResult<UnitRecord> {
    let mut invalid = gongjiang_domain::Invalid::default();
    let kind = invalid.check(UnitKind::parse("kind", &input.kind));
    let code = invalid.check(UnitCode::parse("code", &input.code));
    let name = invalid.check(UnitName::parse("name", &input.name));
    let mut tx = db.begin().await?;
    let parent = match input.parent_id {
        Some(id) => Some(
            units::get(&mut tx, id)
                .await?
                .ok_or_else(|| FieldError::new("parent", "unknown_unit"))?,
        ),
        None => None,
    };
    match &parent {
        Some(p) => caller.ensure(Action::ManageUnits, &p.unit_path())?,
        None if caller.is_system() => {}
        None => return Err(ServiceError::Forbidden),
    }
    if let Some(p) = &parent
        && p.is_closed()
    {
        invalid.push(FieldError::new("parent", "parent_closed"));
    }
    if let Some(kind) = kind
        && !kind.may_have_parent(parent.as_ref().map(|p| p.kind))
    {
        invalid.push(FieldError::new("kind", "parent_kind_not_allowed"));
    }
    if let Some(code) = &code
        && units::by_code(&mut tx, code.as_str()).await?.is_some()
    {
        invalid.push(FieldError::new("code", "unit_code_taken").with("value", code.as_str()));
    }
    let (Some(kind), Some(code), Some(name)) = (kind, code, name) else {
        return Err(invalid.into());
    };
    invalid.into_result()?;
    let parent_path = parent.as_ref().map(|p| p.unit_path());
    let new = NewUnit {
        parent: parent
            .as_ref()
            .zip(parent_path.as_ref())
            .map(|(p, path)| (p.id, path)),
        kind: kind.as_str(),
        code: code.as_str(),
        name: name.as_str(),
    };
    let unit = match units::insert(&mut tx, new, now_ms()).await {
        Err(e) if e.is_unique_violation() => {
            return Err(FieldError::new("code", "unit_code_taken")
                .with("value", code.as_str())
                .into());
        }
        other => other?,
    };
    record(
        &mut tx,
        caller,
        change::<(), _>("unit.create", "unit", unit.id, None, Some(&unit)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(unit)
}

/// A unit the caller may manage, or why not.
async fn managed(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    id: i64,
) -> ServiceResult<UnitRecord> {
    let unit = units::get(conn, id).await?.ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageUnits, &unit.unit_path())?;
    Ok(unit)
}

/// The parent of a unit the caller manages (its name is shown even when the parent itself lies
/// above the caller's subtree).
pub async fn parent_of(
    db: &Database,
    caller: &Caller,
    unit: &UnitRecord,
) -> ServiceResult<Option<UnitRecord>> {
    caller.ensure(Action::ManageUnits, &unit.unit_path())?;
    let Some(parent_id) = unit.parent_id else {
        return Ok(None);
    };
    let mut conn = db.read().await?;
    Ok(units::get(&mut conn, parent_id).await?)
}

/// Reads a unit the caller may manage.
pub async fn get(db: &Database, caller: &Caller, id: i64) -> ServiceResult<UnitRecord> {
    let mut conn = db.read().await?;
    managed(&mut conn, caller, id).await
}

pub async fn rename(
    db: &Database,
    caller: &Caller,
    id: i64,
    name: &str,
    reason: &str,
) -> ServiceResult<UnitRecord> {
    let name = UnitName::parse("name", name)?;
    let mut tx = db.begin().await?;
    let before = managed(&mut tx, caller, id).await?;
    if before.name == name.as_str() {
        return Ok(before);
    }
    units::rename(&mut tx, id, name.as_str(), now_ms()).await?;
    // Search documents carry their unit's name.
    crate::search::reindex_under(&mut tx, &before.unit_path()).await?;
    let after = units::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change("unit.rename", "unit", id, Some(&before), Some(&after));
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(after)
}

/// Moves a unit, with its subtree, under another parent; the caller must manage both places.
pub async fn move_to(
    db: &Database,
    caller: &Caller,
    id: i64,
    new_parent_id: i64,
    reason: &str,
) -> ServiceResult<UnitRecord> {
    let mut tx = db.begin().await?;
    let before = managed(&mut tx, caller, id).await?;
    let parent = units::get(&mut tx, new_parent_id)
        .await?
        .ok_or_else(|| FieldError::new("parent", "unknown_unit"))?;
    caller.ensure(Action::ManageUnits, &parent.unit_path())?;
    if parent.is_closed() {
        return Err(FieldError::new("parent", "parent_closed").into());
    }
    if before.parent_id == Some(parent.id) {
        return Ok(before);
    }
    let old_path = before.unit_path();
    check_move(&old_path, before.kind, &parent.unit_path(), parent.kind)?;
    let new_path = parent.unit_path().child(id);
    units::move_subtree(&mut tx, id, &old_path, parent.id, &new_path, now_ms()).await?;
    // Search documents carry their unit's path: those under the old one move with it.
    crate::search::reindex_under(&mut tx, &old_path).await?;
    let after = units::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change("unit.move", "unit", id, Some(&before), Some(&after));
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(after)
}

/// Closes a unit (it stays, with its history, but takes no new children or people). A unit
/// with open children cannot close.
pub async fn close(
    db: &Database,
    caller: &Caller,
    id: i64,
    reason: &str,
) -> ServiceResult<UnitRecord> {
    set_closed(db, caller, id, true, reason).await
}

pub async fn reopen(
    db: &Database,
    caller: &Caller,
    id: i64,
    reason: &str,
) -> ServiceResult<UnitRecord> {
    set_closed(db, caller, id, false, reason).await
}

async fn set_closed(
    db: &Database,
    caller: &Caller,
    id: i64,
    closed: bool,
    reason: &str,
) -> ServiceResult<UnitRecord> {
    let mut tx = db.begin().await?;
    let before = managed(&mut tx, caller, id).await?;
    if before.is_closed() == closed {
        return Ok(before);
    }
    if closed && units::open_children(&mut tx, id).await? > 0 {
        return Err(ServiceError::Conflict(crate::Conflict::UnitHasOpenChildren));
    }
    if !closed
        && let Some(parent_id) = before.parent_id
        && units::get(&mut tx, parent_id)
            .await?
            .is_some_and(|p| p.is_closed())
    {
        return Err(ServiceError::Conflict(crate::Conflict::ParentClosed));
    }
    let now = now_ms();
    units::set_closed(&mut tx, id, closed.then_some(now), now).await?;
    let after = units::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        if closed { "unit.close" } else { "unit.reopen" },
        "unit",
        id,
        Some(&before),
        Some(&after),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(after)
}

pub(crate) fn non_empty(reason: &str) -> Option<String> {
    let r: String = reason
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(500)
        .collect();
    (!r.is_empty()).then_some(r)
}

/// The units the caller may manage, in tree order (each parent before its children, siblings
/// by code), optionally only those matching `query`.
pub async fn list(
    db: &Database,
    caller: &Caller,
    query: &str,
    include_closed: bool,
) -> ServiceResult<Vec<UnitRecord>> {
    caller.ensure_somewhere(Action::ManageUnits)?;
    let roots = caller.scope(Action::ManageUnits);
    let mut conn = db.read().await?;
    let found = units::list_within(
        &mut conn,
        &roots,
        &gongjiang_domain::error::search_term(query),
        include_closed,
    )
    .await?;
    Ok(tree_order(found))
}

/// Orders units so that each comes after its parent, siblings by code.
pub fn tree_order(mut units: Vec<UnitRecord>) -> Vec<UnitRecord> {
    let key = |u: &UnitRecord| -> Vec<String> {
        // Sort by the codes along the path; ids in the path are replaced by position keys below.
        u.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.to_owned())
            .collect()
    };
    let codes: std::collections::HashMap<String, String> = units
        .iter()
        .map(|u| (u.id.to_string(), u.code.clone()))
        .collect();
    units.sort_by_cached_key(|u| {
        key(u)
            .into_iter()
            .map(|id| codes.get(&id).cloned().unwrap_or(id))
            .collect::<Vec<_>>()
    });
    units
}

/// The units where the caller may put a new child unit or person: open ones in scope.
pub async fn parents_for(
    db: &Database,
    caller: &Caller,
    action: Action,
) -> ServiceResult<Vec<UnitRecord>> {
    let roots = caller.scope(action);
    let mut conn = db.read().await?;
    Ok(tree_order(
        units::list_within(&mut conn, &roots, "", false).await?,
    ))
}

/// Every open unit in tree order, for choosing one anywhere in the federation (a
/// competition's co-organisers, a track's eligible subtree): names and places are not secret.
pub async fn directory(db: &Database) -> ServiceResult<Vec<UnitRecord>> {
    let mut conn = db.read().await?;
    let root = [UnitPath::from_stored("/")];
    Ok(tree_order(
        units::list_within(&mut conn, &root, "", false).await?,
    ))
}

/// The path of a unit, for checks by other services.
/// Where a unit sits in the tree, to narrow a list to its subtree (not found if there is none).
pub async fn subtree(db: &Database, id: i64) -> ServiceResult<UnitPath> {
    let mut conn = db.read().await?;
    path_of(&mut conn, id).await
}

/// A right over what belongs to the whole tree (the audit log, the federation's settings):
/// the action allowed at every top unit, not merely somewhere: a federation admin's grant on
/// a sub-unit covers that sub-unit only.
pub(crate) async fn ensure_tree_wide(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    action: Action,
) -> ServiceResult<()> {
    if caller.is_system() {
        return Ok(());
    }
    let roots = units::roots(conn).await?;
    if !roots.is_empty() && roots.iter().all(|root| caller.may(action, root)) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

pub async fn path_of(conn: &mut gongjiang_db::Conn, id: i64) -> ServiceResult<UnitPath> {
    Ok(units::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?
        .unit_path())
}
