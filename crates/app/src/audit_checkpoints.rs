//! Checkpoints of the audit chain, signed with a key kept outside the database: whoever holds
//! the database can drop its guards, cut the chain's tail and reset its head, and the chain
//! still verifies; it cannot sign a checkpoint. `audit checkpoint` writes one (a short text to
//! keep, log, print or mail); `audit verify --checkpoint` holds the chain to it and finds a cut
//! or rewritten tail.

use crate::{ServiceError, ServiceResult};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use gongjiang_db::Database;
use gongjiang_domain::clock::{format_datetime, now_ms};

const HEADER: &str = "gongjiang audit checkpoint v1";
const KEY_HEADER: &str =
    "# gongjiang audit signing key: keep it away from the database and its backups";

/// The key that signs checkpoints, or only its public half (enough to verify).
pub struct AuditKey {
    signing: Option<SigningKey>,
    public: VerifyingKey,
}

impl AuditKey {
    /// A new key, and the text of its file (its secret and its public half).
    pub fn generate() -> (AuditKey, String) {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed);
        let signing = SigningKey::from_bytes(&seed);
        let public = signing.verifying_key();
        let text = format!(
            "{KEY_HEADER}\nsecret: {}\npublic: {}\n",
            hex::encode(seed),
            hex::encode(public.as_bytes())
        );
        let key = AuditKey {
            signing: Some(signing),
            public,
        };
        (key, text)
    }

    /// Reads a key file: `secret:` and `public:` lines (a file of the public half alone, or a
    /// line `public: …`, verifies but cannot sign).
    pub fn parse(text: &str) -> Result<AuditKey, String> {
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        let bytes = |hex_text: String, what: &str| -> Result<[u8; 32], String> {
            hex::decode(&hex_text)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| format!("the key's {what} is not 64 hexadecimal digits"))
        };
        let signing = match field("secret:") {
            Some(s) => Some(SigningKey::from_bytes(&bytes(s, "secret")?)),
            None => None,
        };
        let public = match (field("public:"), &signing) {
            (Some(p), _) => VerifyingKey::from_bytes(&bytes(p, "public half")?)
                .map_err(|_| "the key's public half is not a valid key".to_owned())?,
            (None, Some(s)) => s.verifying_key(),
            (None, None) => return Err("no `secret:` or `public:` line in the key file".into()),
        };
        if signing
            .as_ref()
            .is_some_and(|s| s.verifying_key() != public)
        {
            return Err("the key's public half does not belong to its secret".into());
        }
        Ok(AuditKey { signing, public })
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.public.as_bytes())
    }
}

/// A signed statement: the chain had `hash` at entry `seq`, at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at_ms: i64,
}

impl Checkpoint {
    /// The lines the signature covers.
    fn signed_part(&self) -> String {
        format!(
            "{HEADER}\nseq: {}\nhash: {}\nat_ms: {}\n",
            self.seq, self.hash, self.at_ms
        )
    }

    /// The checkpoint as a text to keep: readable, and whole in an e-mail or a log line.
    pub fn sign(&self, key: &AuditKey) -> Result<String, String> {
        let signing = key
            .signing
            .as_ref()
            .ok_or("this key file holds only the public half: it verifies, it cannot sign")?;
        let signature = signing.sign(self.signed_part().as_bytes());
        Ok(format!(
            "{}at: {} (China time)\nkey: {}\nsignature: {}\n",
            self.signed_part(),
            format_datetime(self.at_ms),
            key.public_hex(),
            hex::encode(signature.to_bytes())
        ))
    }

    /// Reads a checkpoint and checks its signature with the trusted key (never with the key
    /// the text names: anyone can sign with a key of their own).
    pub fn verified(text: &str, trusted: &AuditKey) -> Result<Checkpoint, String> {
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
                .ok_or_else(|| format!("the checkpoint has no `{name}` line"))
        };
        if !text.lines().any(|l| l.trim() == HEADER) {
            return Err(format!("not a checkpoint: no `{HEADER}` line"));
        }
        let number = |name: &str| -> Result<i64, String> {
            field(name)?
                .parse()
                .map_err(|_| format!("the checkpoint's `{name}` is not a number"))
        };
        let checkpoint = Checkpoint {
            seq: number("seq:")?,
            hash: field("hash:")?,
            at_ms: number("at_ms:")?,
        };
        let signature = hex::decode(field("signature:")?)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or("the checkpoint's signature is not 128 hexadecimal digits")?;
        trusted
            .public
            .verify(checkpoint.signed_part().as_bytes(), &signature)
            .map_err(|_| "the checkpoint's signature does not match the key: it was not signed with this key, or it was altered".to_owned())?;
        Ok(checkpoint)
    }
}

/// Signs the chain's head, once the whole chain verifies (a broken chain is not vouched for).
pub async fn take(db: &Database, key: &AuditKey) -> ServiceResult<(Checkpoint, String)> {
    let verification = crate::audit::verify(db).await?;
    if !verification.is_intact() {
        return Err(ServiceError::Internal(format!(
            "the audit chain is broken after entry {}: no checkpoint signed",
            verification.checked
        )));
    }
    let (seq, hash) = {
        let mut conn = db.read().await?;
        gongjiang_db::audit::head(&mut conn).await?
    };
    let checkpoint = Checkpoint {
        seq,
        hash,
        at_ms: now_ms(),
    };
    let text = checkpoint.sign(key).map_err(ServiceError::Internal)?;
    tracing::info!(
        seq = checkpoint.seq,
        hash = %checkpoint.hash,
        key = %key.public_hex(),
        "audit checkpoint signed"
    );
    Ok((checkpoint, text))
}

/// How the chain in the database stands to a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Against {
    /// The entry the checkpoint names is there with the hash it names.
    Holds,
    /// The chain ends before the checkpoint's entry: its tail was cut.
    Cut { head_seq: i64 },
    /// The checkpoint's entry has another hash: the chain was rewritten up to it.
    Rewritten,
}

pub async fn against(db: &Database, checkpoint: &Checkpoint) -> ServiceResult<Against> {
    let mut conn = db.read().await?;
    let found = gongjiang_db::audit::after(&mut conn, checkpoint.seq - 1, 1).await?;
    Ok(match found.first() {
        Some(entry) if entry.seq == checkpoint.seq && entry.hash == checkpoint.hash => {
            Against::Holds
        }
        Some(entry) if entry.seq == checkpoint.seq => Against::Rewritten,
        _ => Against::Cut {
            head_seq: gongjiang_db::audit::head(&mut conn).await?.0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_with_its_key_only_and_unaltered() {
        let (key, file) = AuditKey::generate();
        let read = AuditKey::parse(&file).unwrap();
        assert_eq!(read.public_hex(), key.public_hex());
        let checkpoint = Checkpoint {
            seq: 42,
            hash: "ab".repeat(32),
            at_ms: 1_790_000_000_000,
        };
        let text = checkpoint.sign(&key).unwrap();
        let public_only = AuditKey::parse(&format!("public: {}", key.public_hex())).unwrap();
        assert_eq!(Checkpoint::verified(&text, &public_only), Ok(checkpoint));
        assert!(public_only.signing.is_none());
        assert!(
            Checkpoint::sign(&Checkpoint::verified(&text, &key).unwrap(), &public_only).is_err()
        );

        let altered = text.replace("seq: 42", "seq: 41");
        assert!(Checkpoint::verified(&altered, &key).is_err());
        let (other, _) = AuditKey::generate();
        assert!(Checkpoint::verified(&text, &other).is_err(), "another key");
        assert!(AuditKey::parse("secret: 12").is_err());
        assert!(AuditKey::parse("nothing here").is_err());
    }
}
