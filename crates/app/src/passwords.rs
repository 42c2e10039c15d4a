//! Password hashing with argon2id, off the async threads (a hash takes tens of milliseconds).

use crate::{ServiceError, ServiceResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

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

pub async fn hash(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
}

pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &stored))
        .await
        .unwrap_or(false)
}

/// A real hash to verify against when the user does not exist, so that the answer takes as
/// long as for a real user and does not tell which names exist.
pub fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
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
