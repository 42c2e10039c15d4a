//! Idempotency keys for the API's creates: a client that sends `Idempotency-Key` with a POST
//! and retries it (a lost answer on a weak network) gets the first answer again, not a second
//! record. The store is the database, so every instance agrees.

use crate::ServiceResult;
use gongjiang_db::Database;
use gongjiang_db::idempotency::{self, Claim};
use gongjiang_domain::clock::now_ms;
use sha2::{Digest, Sha256};

/// Answers are kept a day.
const KEEP_MS: i64 = 24 * 3600 * 1000;
/// A first request still running after this long is taken to have died with its process:
/// far longer than any request runs (the largest import reads 12 MB).
const ABANDONED_MS: i64 = 10 * 60 * 1000;

pub use gongjiang_db::idempotency::{Claim as KeyClaim, Stored as StoredAnswer};

/// What identifies a request: its method, path with query, and body.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes(), body] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hex::encode(hash.finalize())
}

/// The run that holds a key: only it completes or releases it.
#[derive(Debug, Clone)]
pub struct Holder {
    pub user_id: i64,
    pub key: String,
    claim: String,
}

/// Claims a key for a request of `user_id`; with `Claim::New`, the holder that must complete
/// or release it.
pub async fn claim(
    db: &Database,
    user_id: i64,
    key: &str,
    fingerprint: &str,
) -> ServiceResult<(Claim, Holder)> {
    let now = now_ms();
    let holder = Holder {
        user_id,
        key: key.to_owned(),
        claim: crate::auth::random_token(""),
    };
    let mut tx = db.begin().await?;
    // Old answers go as new keys come, in the same transaction.
    idempotency::forget_before(&mut tx, now - KEEP_MS).await?;
    let claim = idempotency::claim(
        &mut tx,
        user_id,
        key,
        fingerprint,
        &holder.claim,
        now,
        ABANDONED_MS,
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok((claim, holder))
}

/// Stores the answer given to a claimed key.
pub async fn complete(
    db: &Database,
    holder: &Holder,
    status: u16,
    content_type: &str,
    body: &str,
    etag: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    idempotency::complete(
        &mut tx,
        holder.user_id,
        &holder.key,
        &holder.claim,
        i64::from(status),
        content_type,
        body,
        etag,
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// Lets a key go after its request was refused.
pub async fn release(db: &Database, holder: &Holder) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    idempotency::release(&mut tx, holder.user_id, &holder.key, &holder.claim).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_requests_apart_by_every_part() {
        let a = fingerprint("POST", "/api/v1/studios", b"{}");
        assert_eq!(a, fingerprint("POST", "/api/v1/studios", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/studios", b"{ }"));
        assert_ne!(a, fingerprint("POST", "/api/v1/units", b"{}"));
        // Lengths are part of it: moving bytes between parts changes it.
        assert_ne!(
            fingerprint("POST", "/a", b"b"),
            fingerprint("POST", "/ab", b"")
        );
    }
}
