//! Password hashing with argon2id, off the async threads (a hash takes tens of milliseconds)
//! and a bounded number at once.

use crate::{ServiceError, ServiceResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

fn hasher() -> Argon2<'static> {
    // OWASP's recommended argon2id settings: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> ServiceResult<String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_blocking(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// At most this many hashes at once: each takes 19 MiB and a core for tens of milliseconds,
/// so a burst of logins waits its turn instead of taking gigabytes.
fn hashing() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.max(2))
    })
}

/// How long a request waits for a turn before it is told to try again.
const MOST_WAIT: Duration = Duration::from_secs(10);

/// A turn at hashing: held across the work it guards (a login holds it from counting the
/// attempt to the verdict).
pub struct Turn {
    _permit: SemaphorePermit<'static>,
}

/// Waits for a turn at hashing; too long a queue is refused (`RateLimited`) rather than held.
pub async fn turn() -> ServiceResult<Turn> {
    match tokio::time::timeout(MOST_WAIT, hashing().acquire()).await {
        Ok(Ok(permit)) => Ok(Turn { _permit: permit }),
        _ => Err(ServiceError::RateLimited),
    }
}

pub async fn hash(_turn: &Turn, password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
}

/// Whether `password` matches `stored`; with no stored hash (no such user) a dummy one is
/// verified, so that the answer takes as long and does not tell which names exist.
pub async fn verify(_turn: &Turn, password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(dummy_hash);
        verify_blocking(&password, &stored) && known
    })
    .await
    .unwrap_or(false)
}

/// A real hash to verify against when the user does not exist.
fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| hash_blocking("no such user, no such password").unwrap_or_default())
        .clone()
}

/// A readable random password for resets and new accounts: no look-alike characters.
pub fn generate() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let body: String = (0..12)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect();
    format!("{}-{}-{}", &body[0..4], &body[4..8], &body[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_blocking("工匠精神2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_blocking("工匠精神2026", &h));
        assert!(!verify_blocking("wrong-password1", &h));
        assert!(!verify_blocking("x", "not a hash"));
        let g = generate();
        assert_eq!(g.len(), 14);
        assert!(gongjiang_domain::account::NewPassword::parse("p", &g).is_ok());
        assert!(dummy_hash().starts_with("$argon2id$"));
    }
}
