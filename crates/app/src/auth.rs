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
use gongjiang_domain::token_scope::TokenScope;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long sessions live and how hard guessing passwords is made.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session ends after this long without a request.
    pub session_idle_ms: i64,
    /// and this long after login, however active.
    pub session_max_ms: i64,
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
            session_max_ms: 24 * 3600 * 1000,
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

/// Why a login was refused. Every refusal tied to an account (no such name, wrong password,
/// locked, disabled) is the one `BadCredentials`, so the answer never tells which names exist
/// or what state an account is in; the audit log records which it was.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong user name or password")]
    BadCredentials,
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
/// account (which locks after `max_failures`) and against the client's address; every
/// attempt, good or bad, is recorded in the audit log.
pub async fn login(
    db: &Database,
    settings: &AuthSettings,
    username: &str,
    password: &str,
    origin: &str,
    user_agent: &str,
) -> Result<LoggedIn, LoginError> {
    let username = username.trim().to_ascii_lowercase();
    let bucket = format!("login-failures:{origin}");
    // A turn at hashing first, then the attempt counted as a failure before any hash (and
    // given back if it succeeds): a burst from one address holds at most a turn per core, and
    // is refused once its failures, those in flight included, reach the limit.
    let turn = passwords::turn()
        .await
        .map_err(|_| LoginError::RateLimited)?;
    let now = now_ms();
    {
        let mut tx = db.begin().await?;
        let failures = rate_limits::hit(&mut tx, &bucket, now, settings.origin_window_ms).await?;
        gongjiang_db::commit(tx).await?;
        if failures > settings.origin_max_failures {
            return Err(LoginError::RateLimited);
        }
    }
    // No account name holds control characters (and PostgreSQL refuses NUL in a query).
    let user = if username.chars().any(char::is_control) {
        None
    } else {
        let mut conn = db.read().await?;
        users::by_username(&mut conn, &username).await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let right = passwords::verify(&turn, password.to_owned(), stored).await;
    drop(turn);
    let mut tx = db.begin().await?;
    let refusal = match &user {
        None => Some("unknown_user"),
        Some(u) if u.locked_until > now => Some("locked"),
        Some(_) if !right => Some("wrong_password"),
        Some(u) if u.disabled => Some("disabled"),
        Some(_) => None,
    };
    let user = match (user, refusal) {
        (Some(user), None) => user,
        (user, reason) => {
            let reason = reason.unwrap_or("unknown_user");
            let failure = Failure {
                user_id: user.as_ref().map(|u| u.id),
                reason,
                username: &username,
                origin,
                now,
            };
            refuse(tx, settings, failure).await?;
            return Err(LoginError::BadCredentials);
        }
    };
    rate_limits::forgive(&mut tx, &bucket, now, settings.origin_window_ms).await?;
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
            expires_at: now + settings.session_idle_ms.min(settings.session_max_ms),
            origin,
            user_agent: &ua,
        },
        now,
    )
    .await?;
    sessions::delete_expired(&mut tx, now).await?;
    let mut change = Change {
        action: "auth.login".into(),
        entity_type: "user".into(),
        entity_id: user.id.to_string(),
        ..Default::default()
    };
    change.after = Some(serde_json::json!({ "user_agent": ua }).to_string());
    let caller = Caller::user(user.id, &user.display_name, origin, Default::default());
    record(&mut tx, &caller, change).await?;
    gongjiang_db::commit(tx).await?;
    Ok(LoggedIn {
        token,
        user_id: user.id,
        must_change_password: user.must_change_password,
        locale: user.locale,
    })
}

/// A refused login, as the audit log records it.
struct Failure<'a> {
    user_id: Option<i64>,
    reason: &'static str,
    username: &'a str,
    origin: &'a str,
    now: i64,
}

/// Records a refused login (a wrong password also counts against its account) and commits.
async fn refuse(
    mut tx: gongjiang_db::Tx,
    settings: &AuthSettings,
    f: Failure<'_>,
) -> ServiceResult<()> {
    if let (Some(id), "wrong_password") = (f.user_id, f.reason) {
        count_failure(&mut tx, settings, id, f.origin, f.now).await?;
    }
    let typed: String = f
        .username
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    let mut change = Change {
        action: "auth.login_failed".into(),
        entity_type: "user".into(),
        entity_id: f.user_id.map(|id| id.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    change.after = Some(serde_json::json!({ "username": typed, "reason": f.reason }).to_string());
    record(&mut tx, &Caller::anonymous(f.origin), change).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// One more wrong password for an account; the one that reaches `max_failures` locks it.
async fn count_failure(
    tx: &mut gongjiang_db::Tx,
    settings: &AuthSettings,
    user_id: i64,
    origin: &str,
    now: i64,
) -> ServiceResult<()> {
    let failures = users::add_failed_login(tx, user_id).await?;
    if failures >= settings.max_failures {
        let until = now + settings.lockout_ms;
        users::set_lock(tx, user_id, until, 0).await?;
        let mut change = Change {
            action: "account.lock".into(),
            entity_type: "user".into(),
            entity_id: user_id.to_string(),
            ..Default::default()
        };
        change.after =
            Some(serde_json::json!({ "locked_until": until, "origin": origin }).to_string());
        change.reason = Some(format!("{failures} failed logins"));
        record(tx, &Caller::system("login"), change).await?;
    }
    Ok(())
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
    /// What the API token allows (`None` for a session: everything the grants allow).
    pub token_scope: Option<TokenScope>,
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
    // However active, a session ends `session_max_ms` after its login.
    let ends_at = session.created_at.saturating_add(settings.session_max_ms);
    if user.disabled || now >= ends_at {
        return Ok(None);
    }
    let mut expires_at = session.expires_at.min(ends_at);
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        expires_at = (now + settings.session_idle_ms).min(ends_at);
        let mut tx = db.begin().await?;
        sessions::touch(&mut tx, &hash, now, expires_at).await?;
        gongjiang_db::commit(tx).await?;
    }
    let signed_in = Arc::new(SignedIn {
        user,
        grants,
        csrf: session.csrf_token,
        session: Some(hash),
        token_scope: None,
    });
    cache.put(signed_in.clone(), now, expires_at, epoch);
    Ok(Some(signed_in))
}

/// The user of a personal API token (`Authorization: Bearer gj_…`), unless it is revoked or
/// expired or its user disabled, with what the token allows.
pub async fn from_api_token(db: &Database, token: &str) -> ServiceResult<Option<SignedIn>> {
    let now = now_ms();
    let mut conn = db.read().await?;
    let Some(found) = tokens::find_active(&mut conn, &token_hash(token), now).await? else {
        return Ok(None);
    };
    let loaded = load_user(&mut conn, found.user_id).await?;
    drop(conn);
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
        token_scope: Some(TokenScope::from_stored(&found.scope)),
    }))
}

/// Ends the caller's session, recorded.
pub async fn logout(db: &Database, me: &SignedIn, origin: &str) -> ServiceResult<()> {
    let Some(session_hash) = me.session.as_deref() else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    sessions::delete(&mut tx, session_hash).await?;
    let change = Change {
        action: "auth.logout".into(),
        entity_type: "user".into(),
        entity_id: me.user.id.to_string(),
        ..Default::default()
    };
    record(&mut tx, &me.caller(origin), change).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(())
}

/// Wrong current passwords a user may give when changing theirs, in `PASSWORD_WINDOW_MS`.
const PASSWORD_TRIES: i64 = 5;
const PASSWORD_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Changes the signed-in user's own password; every other session of theirs ends. Wrong
/// current passwords are limited as logins are: a stolen session cannot guess the password.
pub async fn change_password(
    db: &Database,
    me: &SignedIn,
    origin: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> ServiceResult<()> {
    let bucket = format!("password-failures:{}", me.user.id);
    let turn = passwords::turn().await?;
    let now = now_ms();
    {
        let mut tx = db.begin().await?;
        let tries = rate_limits::hit(&mut tx, &bucket, now, PASSWORD_WINDOW_MS).await?;
        gongjiang_db::commit(tx).await?;
        if tries > PASSWORD_TRIES {
            return Err(ServiceError::RateLimited);
        }
    }
    let stored = Some(me.user.password_hash.clone());
    if !passwords::verify(&turn, current.to_owned(), stored).await {
        return Err(FieldError::new("current_password", "wrong_password").into());
    }
    let new = NewPassword::parse("new_password", new)?;
    if new.expose() != repeat {
        return Err(FieldError::new("repeat_password", "passwords_differ").into());
    }
    if new.expose() == current {
        return Err(FieldError::new("new_password", "password_unchanged").into());
    }
    let hash = passwords::hash(&turn, new.expose().to_owned()).await?;
    drop(turn);
    let mut tx = db.begin().await?;
    rate_limits::forgive(&mut tx, &bucket, now, PASSWORD_WINDOW_MS).await?;
    users::set_password(&mut tx, me.user.id, &hash, false, now_ms()).await?;
    sessions::delete_for_user(&mut tx, me.user.id, me.session.as_deref()).await?;
    let change = Change {
        action: "account.change_password".into(),
        entity_type: "user".into(),
        entity_id: me.user.id.to_string(),
        ..Default::default()
    };
    record(&mut tx, &me.caller(origin), change).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(())
}

pub async fn set_locale(db: &Database, user_id: i64, locale: &str) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    users::set_locale(&mut tx, user_id, locale).await?;
    gongjiang_db::commit_auth(tx).await?;
    Ok(())
}

/// What a new API token may do and how long it lives.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    #[serde(default)]
    pub name: String,
    /// `read` (the default) or `write`.
    #[serde(default)]
    pub access: String,
    /// `people`, `registry`, `exams`, `competitions`; none: every module.
    #[serde(default)]
    pub modules: Vec<String>,
    /// 1 to 365; 90 when not given.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Creates a personal API token; the token is returned once and never stored. Only a person
/// signed in with their password makes tokens: a token cannot make another.
pub async fn create_api_token(
    db: &Database,
    me: &SignedIn,
    origin: &str,
    input: &TokenInput,
) -> ServiceResult<(i64, String)> {
    if me.session.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let name = text("name", &input.name, 1, 60)?;
    let scope = TokenScope::parse(&input.access, &input.modules)?;
    let days = gongjiang_domain::error::in_range(
        "expires_in_days",
        input.expires_in_days.unwrap_or(90),
        1,
        365,
    )?;
    let token = random_token("gj_");
    let now = now_ms();
    let expires_at = now + days * DAY_MS;
    let mut tx = db.begin().await?;
    let id = tokens::insert(
        &mut tx,
        tokens::NewToken {
            user_id: me.user.id,
            name: &name,
            token_hash: &token_hash(&token),
            prefix: &token[..11],
            expires_at,
            scope: &scope.stored(),
        },
        now,
    )
    .await?;
    let after = serde_json::json!({ "name": name, "prefix": &token[..11],
        "scope": scope.stored(), "expires_at": expires_at });
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
