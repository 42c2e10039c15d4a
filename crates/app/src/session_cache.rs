//! A short-lived cache of signed-in sessions, so that a request in a burst (an entrant saving
//! answers, a page and its pictures) does not read its session, user and grants again.
//!
//! On this instance a cached session is dropped as soon as anything it was built from changes
//! (the database layer counts such writes, see `gongjiang_db::sessions::auth_epoch`). Another
//! instance behind the same load balancer learns of a logout, a disabled account or a changed
//! grant when its entry expires: after at most the cache's lifetime (`session_cache_seconds`,
//! 10 s by default; 0 turns the cache off).

use crate::auth::SignedIn;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct SessionCache {
    lifetime_ms: i64,
    entries: Arc<RwLock<HashMap<String, Entry>>>,
}

#[derive(Clone)]
struct Entry {
    signed_in: Arc<SignedIn>,
    cached_at: i64,
    /// When the session ends unless it is used again (the database's `expires_at`).
    expires_at: i64,
    epoch: u64,
}

/// A bound on memory for a server that runs for months.
const MOST_ENTRIES: usize = 100_000;

impl SessionCache {
    pub fn new(lifetime_ms: i64) -> SessionCache {
        SessionCache {
            lifetime_ms: lifetime_ms.max(0),
            entries: Arc::default(),
        }
    }

    /// The cached session of this token hash, if still fresh at `now`.
    pub fn get(&self, hash: &str, now: i64) -> Option<Arc<SignedIn>> {
        if self.lifetime_ms == 0 {
            return None;
        }
        let epoch = gongjiang_db::sessions::auth_epoch();
        let entries = self.entries.read().ok()?;
        let e = entries.get(hash)?;
        (e.epoch == epoch && now - e.cached_at < self.lifetime_ms && now < e.expires_at)
            .then(|| e.signed_in.clone())
    }

    /// Keeps a session read at `now` under `epoch` (read before the database was asked, so
    /// that a change made meanwhile is never hidden).
    pub fn put(&self, signed_in: Arc<SignedIn>, now: i64, expires_at: i64, epoch: u64) {
        if self.lifetime_ms == 0 {
            return;
        }
        let Some(hash) = signed_in.session.clone() else {
            return;
        };
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MOST_ENTRIES {
                let lifetime = self.lifetime_ms;
                entries.retain(|_, e| now - e.cached_at < lifetime);
                if entries.len() >= MOST_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(
                hash,
                Entry {
                    signed_in,
                    cached_at: now,
                    expires_at,
                    epoch,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongjiang_db::users::UserRecord;

    fn signed_in(hash: &str) -> Arc<SignedIn> {
        Arc::new(SignedIn {
            token_scope: None,
            user: UserRecord {
                id: 1,
                person_id: None,
                username: "u".into(),
                display_name: "U".into(),
                password_hash: String::new(),
                locale: "zh-CN".into(),
                disabled: false,
                must_change_password: false,
                failed_logins: 0,
                locked_until: 0,
                password_changed_at: 0,
                created_at: 0,
            },
            grants: vec![],
            csrf: "c".into(),
            session: Some(hash.into()),
        })
    }

    #[test]
    fn an_entry_lives_for_the_lifetime_and_not_past_its_session() {
        let cache = SessionCache::new(10_000);
        let epoch = gongjiang_db::sessions::auth_epoch();
        cache.put(signed_in("a"), 1_000, 5_000, epoch);
        // Another test may change the epoch meanwhile; only check while it holds.
        if gongjiang_db::sessions::auth_epoch() == epoch {
            assert!(cache.get("a", 4_999).is_some());
        }
        assert!(cache.get("a", 5_000).is_none(), "the session itself ended");
        cache.put(signed_in("b"), 1_000, 99_000, epoch);
        assert!(cache.get("b", 11_000).is_none(), "kept too long");
        assert!(cache.get("c", 1_000).is_none());
    }

    #[test]
    fn an_entry_from_before_a_change_is_dropped() {
        let cache = SessionCache::new(10_000);
        let epoch = gongjiang_db::sessions::auth_epoch();
        cache.put(signed_in("a"), 1_000, 99_000, epoch.wrapping_sub(1));
        assert!(cache.get("a", 1_001).is_none());
    }

    #[test]
    fn a_lifetime_of_zero_keeps_nothing() {
        let cache = SessionCache::new(0);
        let epoch = gongjiang_db::sessions::auth_epoch();
        cache.put(signed_in("a"), 1_000, 99_000, epoch);
        assert!(cache.get("a", 1_001).is_none());
    }
}
