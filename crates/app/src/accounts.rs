//! Accounts of people: create, reset password, disable, unlock, and grant or revoke roles.

use crate::units::non_empty;
use crate::{Caller, ServiceError, ServiceResult, change, passwords, record};
use gongjiang_db::users::{GrantView, NewUser, UserRecord};
use gongjiang_db::{Database, people, sessions, tokens, units, users};
use gongjiang_domain::FieldError;
use gongjiang_domain::account::{NewPassword, Role, Username};
use gongjiang_domain::audit::Change;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;

/// What the audit log keeps of an account: never the password hash.
#[derive(Serialize)]
struct AccountState<'a> {
    username: &'a str,
    display_name: &'a str,
    person_id: Option<i64>,
    disabled: bool,
    locked_until: i64,
}

fn state(u: &UserRecord) -> AccountState<'_> {
    AccountState {
        username: &u.username,
        display_name: &u.display_name,
        person_id: u.person_id,
        disabled: u.disabled,
        locked_until: u.locked_until,
    }
}

/// The unit path an account belongs to (its person's unit): rights over accounts follow it.
async fn account_path(conn: &mut gongjiang_db::Conn, user: &UserRecord) -> ServiceResult<UnitPath> {
    match user.person_id {
        Some(pid) => {
            let person = people::get(conn, pid)
                .await?
                .ok_or(ServiceError::NotFound)?;
            Ok(UnitPath::from_stored(person.unit_path))
        }
        // Accounts with no person are the operator's own (made on the command line).
        None => Ok(UnitPath::from_stored("/")),
    }
}

/// An account the caller may manage: it belongs to a unit in the caller's subtrees, and the
/// caller could grant every role it holds. (Otherwise a unit admin could reset the password of
/// a federation admin who happens to work in one of their units, and log in as them.)
async fn managed_user(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    user_id: i64,
) -> ServiceResult<UserRecord> {
    let user = users::get(conn, user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(Action::ManageAccounts, &account_path(conn, &user).await?)?;
    for grant in users::grants_of(conn, user_id).await? {
        let role = Role::parse("role", &grant.role)?;
        caller.ensure(
            Action::GrantRole(role),
            &UnitPath::from_stored(grant.unit_path),
        )?;
    }
    Ok(user)
}

/// A new account for a person. With no password given, one is generated and returned, to be
/// handed to the person, who must change it at first login.
pub async fn create_for_person(
    db: &Database,
    caller: &Caller,
    person_id: i64,
    username: &str,
    password: Option<&str>,
) -> ServiceResult<(UserRecord, Option<String>)> {
    let username = Username::parse("username", username)?;
    let (password, generated) = match password.filter(|p| !p.is_empty()) {
        Some(p) => (NewPassword::parse("password", p)?.expose().to_owned(), None),
        None => {
            let g = passwords::generate();
            (g.clone(), Some(g))
        }
    };
    let hash = passwords::hash(&passwords::turn().await?, password).await?;
    let mut tx = db.begin().await?;
    let person = people::get(&mut tx, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManageAccounts,
        &UnitPath::from_stored(person.unit_path.clone()),
    )?;
    if person.user_id.is_some() {
        return Err(ServiceError::Conflict(crate::Conflict::PersonHasAccount));
    }
    if users::by_username(&mut tx, username.as_str())
        .await?
        .is_some()
    {
        return Err(FieldError::new("username", "username_taken").into());
    }
    let new = NewUser {
        person_id: Some(person_id),
        username: username.as_str(),
        display_name: &person.name,
        password_hash: &hash,
        must_change_password: generated.is_some(),
    };
    let id = match users::insert(&mut tx, new, now_ms()).await {
        Err(e) if e.is_unique_violation() => {
            return Err(FieldError::new("username", "username_taken").into());
        }
        other => other?,
    };
    let user = users::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("account.create", "user", id, None, Some(&state(&user))),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok((user, generated))
}

/// Sets a new generated password that the user must change at next login; ends their sessions
/// and revokes their API tokens.
pub async fn reset_password(
    db: &Database,
    caller: &Caller,
    user_id: i64,
    reason: &str,
) -> ServiceResult<String> {
    let password = passwords::generate();
    let hash = passwords::hash(&passwords::turn().await?, password.clone()).await?;
    let mut tx = db.begin().await?;
    let user = managed_user(&mut tx, caller, user_id).await?;
    users::set_password(&mut tx, user.id, &hash, true, now_ms()).await?;
    sessions::delete_for_user(&mut tx, user.id, None).await?;
    // A reset password means the old one may be known: its tokens go with it.
    tokens::revoke_all_for_user(&mut tx, user.id, now_ms()).await?;
    let mut c = Change {
        action: "account.reset_password".into(),
        entity_type: "user".into(),
        entity_id: user.id.to_string(),
        ..Default::default()
    };
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(password)
}

/// Sets a chosen password (for the command line's `admin reset-password`).
pub async fn set_password(
    db: &Database,
    caller: &Caller,
    username: &str,
    password: &str,
    must_change: bool,
) -> ServiceResult<()> {
    let password = NewPassword::parse("password", password)?;
    let hash = passwords::hash(&passwords::turn().await?, password.expose().to_owned()).await?;
    let mut tx = db.begin().await?;
    let user = users::by_username(&mut tx, &username.trim().to_ascii_lowercase())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let user = managed_user(&mut tx, caller, user.id).await?;
    users::set_password(&mut tx, user.id, &hash, must_change, now_ms()).await?;
    sessions::delete_for_user(&mut tx, user.id, None).await?;
    // A reset password means the old one may be known: its tokens go with it.
    tokens::revoke_all_for_user(&mut tx, user.id, now_ms()).await?;
    let c = Change {
        action: "account.reset_password".into(),
        entity_type: "user".into(),
        entity_id: user.id.to_string(),
        ..Default::default()
    };
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(())
}

/// Disables or enables an account (a disabled account cannot log in; its sessions end and its
/// API tokens are revoked, not merely unusable: enabling it again does not bring them back).
pub async fn set_disabled(
    db: &Database,
    caller: &Caller,
    user_id: i64,
    disabled: bool,
    reason: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let before = managed_user(&mut tx, caller, user_id).await?;
    if caller.user_id() == Some(user_id) {
        return Err(ServiceError::Conflict(crate::Conflict::CannotDisableSelf));
    }
    users::set_disabled(&mut tx, user_id, disabled).await?;
    if disabled {
        sessions::delete_for_user(&mut tx, user_id, None).await?;
        tokens::revoke_all_for_user(&mut tx, user_id, now_ms()).await?;
    }
    let after = users::get(&mut tx, user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        if disabled {
            "account.disable"
        } else {
            "account.enable"
        },
        "user",
        user_id,
        Some(&state(&before)),
        Some(&state(&after)),
    );
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(())
}

/// Lifts a lock-out after failed logins.
pub async fn unlock(db: &Database, caller: &Caller, user_id: i64) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let before = managed_user(&mut tx, caller, user_id).await?;
    users::set_lock(&mut tx, user_id, 0, 0).await?;
    let after = users::get(&mut tx, user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change(
            "account.unlock",
            "user",
            user_id,
            Some(&state(&before)),
            Some(&state(&after)),
        ),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// The account and grants of a user the caller manages.
pub async fn get(
    db: &Database,
    caller: &Caller,
    user_id: i64,
) -> ServiceResult<(UserRecord, Vec<GrantView>)> {
    let mut conn = db.read().await?;
    let user = managed_user(&mut conn, caller, user_id).await?;
    let grants = users::grants_of(&mut conn, user_id).await?;
    Ok((user, grants))
}

/// Grants `role` on a unit. The caller must manage the account and be allowed to grant that
/// role on that unit (only federation admins make federation admins).
pub async fn grant(
    db: &Database,
    caller: &Caller,
    user_id: i64,
    role: &str,
    unit_id: i64,
) -> ServiceResult<GrantView> {
    let role = Role::parse("role", role)?;
    let mut tx = db.begin().await?;
    managed_user(&mut tx, caller, user_id).await?;
    let unit = units::get(&mut tx, unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::GrantRole(role), &unit.unit_path())?;
    if unit.is_closed() {
        return Err(FieldError::new("unit_id", "unit_closed")
            .with("value", &unit.code)
            .into());
    }
    if users::grants_of(&mut tx, user_id)
        .await?
        .iter()
        .any(|g| g.role == role.as_str() && g.unit_id == unit_id)
    {
        return Err(ServiceError::Conflict(crate::Conflict::GrantExists));
    }
    let id =
        users::insert_grant(&mut tx, user_id, role, unit_id, caller.user_id(), now_ms()).await?;
    let grant = users::grant_by_id(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("grant.create", "user", user_id, None, Some(&grant)),
    )
    .await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(grant)
}

pub async fn revoke(
    db: &Database,
    caller: &Caller,
    grant_id: i64,
    reason: &str,
) -> ServiceResult<GrantView> {
    let mut tx = db.begin().await?;
    let grant = users::grant_by_id(&mut tx, grant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    managed_user(&mut tx, caller, grant.user_id).await?;
    let role = Role::parse("role", &grant.role)?;
    caller.ensure(
        Action::GrantRole(role),
        &UnitPath::from_stored(grant.unit_path.clone()),
    )?;
    users::delete_grant(&mut tx, grant_id).await?;
    let mut c = change::<_, ()>("grant.revoke", "user", grant.user_id, Some(&grant), None);
    c.reason = non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(grant)
}

/// Grants by user name (for the command line).
pub async fn grant_by_username(
    db: &Database,
    caller: &Caller,
    username: &str,
    role: &str,
    unit_code: &str,
) -> ServiceResult<GrantView> {
    let (user, unit) = {
        let mut conn = db.read().await?;
        let user = users::by_username(&mut conn, &username.trim().to_ascii_lowercase())
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unit = units::by_code(&mut conn, &unit_code.trim().to_ascii_uppercase())
            .await?
            .ok_or_else(|| FieldError::new("unit", "unknown_unit_code").with("value", unit_code))?;
        (user, unit)
    };
    grant(db, caller, user.id, role, unit.id).await
}
