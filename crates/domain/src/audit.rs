//! The audit log's entries and their hash chain: each entry's hash covers its content and the
//! previous entry's hash, so any edit, deletion or reordering breaks the chain from that point.

use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a change is: recorded by every service that changes anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    /// A stable dotted code, e.g. `unit.rename`; the interface translates it.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON of the state before and after (absent for creations and deletions).
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why, when the user gave a reason.
    pub reason: Option<String>,
}

/// Who made a change and from where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// The name at the time: kept even if the account is renamed later.
    pub name: String,
    /// Client address, or `cli` for the command line.
    pub origin: String,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            name: name.to_owned(),
            origin: "cli".to_owned(),
        }
    }
}

/// An entry as stored: the change with its position, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: Actor,
    pub change: Change,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry's content chained to the previous hash. Each field is written with its
/// length so that no two different entries can serialise to the same bytes.
pub fn entry_hash(seq: i64, at_ms: i64, actor: &Actor, change: &Change, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: &str| {
        hasher.update(value.len().to_string().as_bytes());
        hasher.update(b":");
        hasher.update(value.as_bytes());
        hasher.update(b"\n");
    };
    field(&seq.to_string());
    field(&at_ms.to_string());
    field(&actor.user_id.map(|id| id.to_string()).unwrap_or_default());
    field(&actor.name);
    field(&actor.origin);
    field(&change.action);
    field(&change.entity_type);
    field(&change.entity_id);
    field(change.before.as_deref().unwrap_or("\u{0}"));
    field(change.after.as_deref().unwrap_or("\u{0}"));
    field(change.reason.as_deref().unwrap_or("\u{0}"));
    field(prev_hash);
    hex::encode(hasher.finalize())
}

/// Where a chain stops being intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's sequence number is not the one after its predecessor's (a deletion).
    Gap { expected: i64, found: i64 },
    /// The entry does not point at its predecessor's hash.
    Link { seq: i64 },
    /// The entry's content does not match its hash (an edit).
    Content { seq: i64 },
}

/// Checks entries in sequence order, continuing from `prev` (`(seq, hash)` of the entry before
/// the first one given, or `(0, GENESIS_HASH)`). Returns the last `(seq, hash)` checked.
pub fn verify_chain<'a>(
    prev: (i64, String),
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Result<(i64, String), ChainBreak> {
    let (mut last_seq, mut last_hash) = prev;
    for e in entries {
        if e.seq != last_seq + 1 {
            return Err(ChainBreak::Gap {
                expected: last_seq + 1,
                found: e.seq,
            });
        }
        if e.prev_hash != last_hash {
            return Err(ChainBreak::Link { seq: e.seq });
        }
        if entry_hash(e.seq, e.at_ms, &e.actor, &e.change, &e.prev_hash) != e.hash {
            return Err(ChainBreak::Content { seq: e.seq });
        }
        last_seq = e.seq;
        last_hash = e.hash.clone();
    }
    Ok((last_seq, last_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let actor = Actor {
                    user_id: Some(1),
                    name: "王磊".into(),
                    origin: "127.0.0.1".into(),
                };
                let change = Change {
                    action: "unit.rename".into(),
                    entity_type: "unit".into(),
                    entity_id: seq.to_string(),
                    before: Some("{}".into()),
                    after: None,
                    reason: None,
                };
                let hash = entry_hash(seq, 1000 + seq, &actor, &change, &prev);
                let e = Entry {
                    seq,
                    at_ms: 1000 + seq,
                    actor,
                    change,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        assert_eq!(
            verify_chain((0, GENESIS_HASH.into()), &entries).unwrap().0,
            5
        );
    }

    #[test]
    fn edits_deletions_and_relinks_are_found() {
        let mut edited = chain(5);
        edited[2].change.after = Some("{\"name\":\"x\"}".into());
        assert_eq!(
            verify_chain((0, GENESIS_HASH.into()), &edited),
            Err(ChainBreak::Content { seq: 3 })
        );

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(
            verify_chain((0, GENESIS_HASH.into()), &deleted),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );

        let mut relinked = chain(5);
        relinked[3].prev_hash = GENESIS_HASH.into();
        assert_eq!(
            verify_chain((0, GENESIS_HASH.into()), &relinked),
            Err(ChainBreak::Link { seq: 4 })
        );
    }

    #[test]
    fn absent_and_empty_values_hash_differently() {
        let actor = Actor::system("cli");
        let a = Change {
            reason: None,
            ..Default::default()
        };
        let b = Change {
            reason: Some(String::new()),
            ..Default::default()
        };
        assert_ne!(
            entry_hash(1, 1, &actor, &a, GENESIS_HASH),
            entry_hash(1, 1, &actor, &b, GENESIS_HASH)
        );
    }
}
