//! Logging in and out, sessions, password changes and personal API tokens.

use crate::session_cache::SessionCache;
use crate::{Caller, ServiceError, ServiceResult, passwords, record};
use gongjiang_db::users::{GrantView, UserRecord};
use gongjiang_db::{Database, rate_limits, sessions, tokens, users};
use gongjiang_domain::FieldError;
use gongjiang_domain::account::NewPassword;
use gongjiang_domain::audit::Change;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::error::text;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long sessions live and how hard guessing passwords is made.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session ends after this long without a request.
    pub session_idle_ms: i64,
    /// Failed logins in a row that lock an account.
    pub max_failures: i64,
    pub lockout_ms: i64,
    /// Failed logins from one address in a window before it is refused.
    pub origin_max_failures: i64,
    pub origin_window_ms: i64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_idle_ms: 12 * 3600 * 1000,
            max_failures: 5,
            lockout_ms: 15 * 60 * 1000,
            origin_max_failures: 30,
            origin_window_ms: 15 * 60 * 1000,
        }
    }
}

/// A session touches the database at most this often (not on every request).
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 32 random bytes, hex-encoded, after a prefix that tells what the secret is.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

#[derive(Debug)]
pub struct LoggedIn {
    /// The cookie value; only its hash is stored.
    pub token: String,
    pub user_id: i64,
    pub must_change_password: bool,
    pub locale: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("account locked until {until_ms}")]
    Locked { until_ms: i64 },
    #[error("account disabled")]
    Disabled,
    #[error("too many failed logins from this address")]
    RateLimited,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<gongjiang_db::DbError> for LoginError {
    fn from(e: gongjiang_db::DbError) -> Self {
        LoginError::Service(e.into())
    }
}

/// Checks a user name and password and opens a session. Failed attempts count against the
/// account (which locks after `max_failures`) and against the client's address.
pub async fn login(
    db: &Database,
    settings: &AuthSettings,
    username: &str,
    password: &str,
    origin: &str,
    user_agent: &str,
) -> Result<LoggedIn, LoginError> {
    let now = now_ms();
    let bucket = format!("login-failures:{origin}");
    {
        let mut conn = db.read().await?;
        if rate_limits::current(&mut conn, &bucket, now, settings.origin_window_ms).await?
            >= settings.origin_max_failures
        {
            return Err(LoginError::RateLimited);
        }
    }
    let username = username.trim().to_ascii_lowercase();
    // No account name holds control characters (and PostgreSQL refuses NUL in a query).
    let user = if username.chars().any(char::is_control) {
        None
    } else {
        let mut conn = db.read().await?;
        users::by_username(&mut conn, &username).await?
    };
    let Some(user) = user else {
        passwords::verify(password.to_owned(), passwords::dummy_hash()).await;
        let mut tx = db.begin().await?;
        rate_limits::hit(&mut tx, &bucket, now, settings.origin_window_ms).await?;
        gongjiang_db::commit(tx).await?;
        return Err(LoginError::BadCredentials);
    };
    if user.locked_until > now {
        return Err(LoginError::Locked {
            until_ms: user.locked_until,
        });
    }
    let ok = passwords::verify(password.to_owned(), user.password_hash.clone()).await;
    let mut tx = db.begin().await?;
    if !ok {
        rate_limits::hit(&mut tx, &bucket, now, settings.origin_window_ms).await?;
        let failures = users::add_failed_login(&mut tx, user.id).await?;
        let mut locked = None;
        if failures >= settings.max_failures {
            let until = now + settings.lockout_ms;
            users::set_lock(&mut tx, user.id, until, 0).await?;
            let caller = Caller::system("login");
            let mut change = Change {
                action: "account.lock".into(),
                entity_type: "user".into(),
                entity_id: user.id.to_string(),
                ..Default::default()
            };
            change.after = Some(format!(
                "{{\"locked_until\":{until},\"origin\":{}}}",
                serde_json::Value::String(origin.to_owned())
            ));
            change.reason = Some(format!("{failures} failed logins"));
            record(&mut tx, &caller, change).await?;
            locked = Some(until);
        }
        gongjiang_db::commit(tx).await?;
        return Err(match locked {
            Some(until_ms) => LoginError::Locked { until_ms },
            None => LoginError::BadCredentials,
        });
    }
    if user.disabled {
        return Err(LoginError::Disabled);
    }
    if user.failed_logins != 0 {
        users::set_lock(&mut tx, user.id, 0, 0).await?;
    }
    let token = random_token("");
    let csrf = random_token("");
    let ua: String = user_agent.chars().take(200).collect();
    sessions::insert(
        &mut tx,
        sessions::NewSession {
            token_hash: &token_hash(&token),
            user_id: user.id,
            csrf_token: &csrf,
            expires_at: now + settings.session_idle_ms,
            origin,
            user_agent: &ua,
        },
        now,
    )
    .await?;
    sessions::delete_expired(&mut tx, now).await?;
    gongjiang_db::commit(tx).await?;
    Ok(LoggedIn {
        token,
        user_id: user.id,
        must_change_password: user.must_change_password,
        locale: user.locale,
    })
}

/// The signed-in user behind a request, with their grants.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: UserRecord,
    pub grants: Vec<GrantView>,
    /// The session's CSRF token (empty for API tokens, which need none: they are not ambient).
    pub csrf: String,
    /// The hash of the session token, or `None` when signed in by API token.
    pub session: Option<String>,
}

impl SignedIn {
    pub fn caller(&self, origin: &str) -> Caller {
        Caller::user(
            self.user.id,
            &self.user.display_name,
            origin,
            gongjiang_db::users::to_domain(&self.grants),
        )
        .with_person(self.user.person_id)
    }
}

/// The active user with their grants, on the connection that found their session or token
/// (one reader connection per request, not two).
async fn load_user(
    conn: &mut gongjiang_db::Conn,
    user_id: i64,
) -> ServiceResult<Option<(UserRecord, Vec<GrantView>)>> {
    let Some(user) = users::get(conn, user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let grants = users::grants_of(conn, user.id).await?;
    Ok(Some((user, grants)))
}

/// The user of a live session cookie, extending the session when it was last seen a while ago.
pub async fn from_session(
    db: &Database,
    settings: &AuthSettings,
    cache: &SessionCache,
    token: &str,
) -> ServiceResult<Option<Arc<SignedIn>>> {
    let now = now_ms();
    let hash = token_hash(token);
    if let Some(hit) = cache.get(&hash, now) {
        return Ok(Some(hit));
    }
    let epoch = sessions::auth_epoch();
    let found = {
        let mut conn = db.read().await?;
        sessions::signed_in(&mut conn, &hash, now).await?
    };
    let Some((session, user, grants)) = found else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let mut expires_at = session.expires_at;
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        expires_at = now + settings.session_idle_ms;
        let mut tx = db.begin().await?;
        sessions::touch(&mut tx, &hash, now, expires_at).await?;
        gongjiang_db::commit(tx).await?;
    }
    let signed_in = Arc::new(SignedIn {
        user,
        grants,
        csrf: session.csrf_token,
        session: Some(hash),
    });
    cache.put(signed_in.clone(), now, expires_at, epoch);
    Ok(Some(signed_in))
}

/// The user of a personal API token (`Authorization: Bearer gj_…`).
pub async fn from_api_token(db: &Database, token: &str) -> ServiceResult<Option<SignedIn>> {
    let mut conn = db.read().await?;
    let Some(found) = tokens::find_active(&mut conn, &token_hash(token)).await? else {
        return Ok(None);
    };
    let loaded = load_user(&mut conn, found.user_id).await?;
    drop(conn);
    let now = now_ms();
    if found.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
        let mut tx = db.begin().await?;
        tokens::touch(&mut tx, found.id, now).await?;
        gongjiang_db::commit(tx).await?;
    }
    Ok(loaded.map(|(user, grants)| SignedIn {
        user,
        grants,
        csrf: String::new(),
        session: None,
    }))
}

pub async fn logout(db: &Database, session_hash: &str) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    sessions::delete(&mut tx, session_hash).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// Changes the signed-in user's own password; every other session of theirs ends.
pub async fn change_password(
    db: &Database,
    me: &SignedIn,
    origin: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> ServiceResult<()> {
    if !passwords::verify(current.to_owned(), me.user.password_hash.clone()).await {
        return Err(FieldError::new("current_password", "wrong_password").into());
    }
    let new = NewPassword::parse("new_password", new)?;
    if new.expose() != repeat {
        return Err(FieldError::new("repeat_password", "passwords_differ").into());
    }
    if new.expose() == current {
        return Err(FieldError::new("new_password", "password_unchanged").into());
    }
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let mut tx = db.begin().await?;
    users::set_password(&mut tx, me.user.id, &hash, false, now_ms()).await?;
    sessions::delete_for_user(&mut tx, me.user.id, me.session.as_deref()).await?;
    let change = Change {
        action: "account.change_password".into(),
        entity_type: "user".into(),
        entity_id: me.user.id.to_string(),
        ..Default::default()
    };
    record(&mut tx, &me.caller(origin), change).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

pub async fn set_locale(db: &Database, user_id: i64, locale: &str) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    users::set_locale(&mut tx, user_id, locale).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// Creates a personal API token; the token is returned once and never stored.
pub async fn create_api_token(
    db: &Database,
    me: &SignedIn,
    origin: &str,
    name: &str,
) -> ServiceResult<(i64, String)> {
    let name = text("name", name, 1, 60)?;
    let token = random_token("gj_");
    let mut tx = db.begin().await?;
    let id = tokens::insert(
        &mut tx,
        me.user.id,
        &name,
        &token_hash(&token),
        &token[..11],
        now_ms(),
    )
    .await?;
    let after = serde_json::json!({ "name": name, "prefix": &token[..11] });
    record(
        &mut tx,
        &me.caller(origin),
        crate::change::<(), _>("api_token.create", "api_token", id, None, Some(&after)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok((id, token))
}

/// Revokes one of the signed-in user's own tokens.
pub async fn revoke_api_token(
    db: &Database,
    me: &SignedIn,
    origin: &str,
    id: i64,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let token = tokens::get(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if token.user_id != me.user.id {
        return Err(ServiceError::NotFound);
    }
    if token.revoked_at.is_none() {
        tokens::revoke(&mut tx, id, now_ms()).await?;
        record(
            &mut tx,
            &me.caller(origin),
            crate::change::<(), _>("api_token.revoke", "api_token", id, None, Some(&token)),
        )
        .await?;
    }
    gongjiang_db::commit(tx).await?;
    Ok(())
}

pub async fn list_api_tokens(
    db: &Database,
    user_id: i64,
) -> ServiceResult<Vec<tokens::TokenRecord>> {
    let mut conn = db.read().await?;
    Ok(tokens::list_for_user(&mut conn, user_id).await?)
}
