//! The database layer: the only code that writes SQL or knows which backend it talks to.
//! SQLite (embedded, WAL, full durability) by default; PostgreSQL for larger installations.
//! The backend is chosen by the URL; both run the same SQL through sqlx's `Any` driver.

pub mod achievements;
pub mod alliances;
pub mod attempt_writes;
pub mod attempts;
pub mod audit;
pub mod banks;
pub mod batched_reads;
pub mod certificates;
pub mod competitions;
pub mod entries;
pub mod exams;
pub mod exhibitions;
mod filter;
pub mod group_commit;
pub mod groups;
pub mod honours;
pub mod idempotency;
mod migrations;
pub mod notices;
pub mod papers;
pub mod people;
pub mod practical;
pub mod public_changes;
pub mod rate_limits;
pub mod score_writes;
pub mod search;
pub mod sessions;
pub mod star_cycles;
pub mod stats;
pub mod studios;
pub mod tokens;
pub mod units;
pub mod users;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

pub use sqlx::AnyConnection as Conn;
pub type Tx = sqlx::Transaction<'static, Any>;

/// How long a pooled connection may sit idle before it is pinged when lent again.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(2);

/// Pool options shared by every pool. sqlx pings each connection before lending it; under load
/// that is one more round trip to PostgreSQL (or wake-up of SQLite's worker thread) for every
/// request. A connection that was busy a moment ago is alive: only idle ones are pinged.
fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_BEFORE_PING {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (use sqlite://… or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder {
        path: String,
        source: std::io::Error,
    },
}

impl DbError {
    /// Whether a unique constraint refused the write. SQLite reports no constraint names, so
    /// callers learn only that some unique value was taken, and say which from context.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlx(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }

    /// Whether the database refused a write for want of space: SQLite's `SQLITE_FULL` ("database
    /// or disk is full"), PostgreSQL's `disk_full` (53100), or the system's "no space left".
    pub fn is_storage_full(&self) -> bool {
        match self {
            DbError::Sqlx(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                code == "13" || code == "53100" || e.message().contains("disk is full")
            }
            DbError::Sqlx(sqlx::Error::Io(e)) => e.raw_os_error() == Some(28),
            _ => false,
        }
    }

    /// Whether the database cannot be reached just now (a connection refused, lost or ended by
    /// a restart, a pool that timed out): the request may be tried again in a moment.
    pub fn is_unreachable(&self) -> bool {
        match self {
            DbError::Sqlx(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Tls(_),
            ) => true,
            // PostgreSQL: connection exceptions (08…), shutting down or not yet up (57P…), a
            // database closed to connections for maintenance.
            DbError::Sqlx(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                code.starts_with("08")
                    || code.starts_with("57P")
                    || e.message().contains("not currently accepting connections")
            }
            _ => false,
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// A yes/no column as both backends store it (0 or 1 in a BIGINT), read into a `bool` by
/// `#[sqlx(try_from = "StoredFlag")]` so that no caller compares integers.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct StoredFlag(i64);

impl From<StoredFlag> for bool {
    fn from(flag: StoredFlag) -> bool {
        flag.0 != 0
    }
}

/// The connection pools of one database.
///
/// On SQLite all writes go through one connection: several writers only wait on each other's
/// locks (see docs/architecture.md). Readers use their own pool and, thanks to WAL, never wait
/// for the writer. On PostgreSQL both pools are the same.
#[derive(Clone)]
pub struct Database {
    writer: AnyPool,
    reader: AnyPool,
    backend: Backend,
    /// Where it is, for a connection of its own (PostgreSQL's listener of changes).
    url: std::sync::Arc<str>,
}

impl Database {
    /// The pools' connections (open, idle), for metrics: `writer` and `reader`.
    pub fn pool_use(&self) -> [(&'static str, u32, usize); 2] {
        [
            ("writer", self.writer.size(), self.writer.num_idle()),
            ("reader", self.reader.size(), self.reader.num_idle()),
        ]
    }

    /// Connects to the database at `url`, creating an SQLite file (and its folder) if needed.
    pub async fn connect(url: &str) -> DbResult<Database> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = AnyConnectOptions::from_str(url)?;
            // Separate pools, so that reads never wait behind the group-commit runners (eight
            // batches in flight) at a deadline surge. 32 connections an instance in all.
            let writer = pool_options()
                .max_connections(12)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
                .await?;
            let reader = pool_options()
                .max_connections(20)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Database {
                writer,
                reader,
                backend: Backend::Postgres,
                url: url.into(),
            })
        } else {
            Err(DbError::UnsupportedUrl(url.to_owned()))
        }
    }

    async fn connect_sqlite(url: &str) -> DbResult<Database> {
        let path = sqlite_path(url);
        if let Some(dir) = std::path::Path::new(&path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| DbError::DataFolder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let url = if url.contains('?') {
            url.to_owned()
        } else {
            format!("{url}?mode=rwc")
        };
        let options = AnyConnectOptions::from_str(&url)?;
        // Full durability: an acknowledged write survives a crash of the process or the machine.
        let writer = pool_options()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(WRITER_PRAGMAS).await?;
                    Ok(())
                })
            })
            // A write that failed at the disk (full, failing) can leave SQLite inside its
            // transaction while sqlx believes it ended; later "commits" would then release only
            // a savepoint and nothing would reach the file. The writer is kept only if it can
            // start a transaction of its own, else closed (which rolls back) and replaced. The
            // test `BEGIN` is deferred: it takes no lock, so it never waits behind another
            // process's write (a CLI command, a second instance) nor makes one wait behind it.
            .after_release(|conn, _| {
                Box::pin(async move {
                    let clean = conn.execute("BEGIN").await.is_ok();
                    if clean {
                        conn.execute("ROLLBACK").await?;
                    } else {
                        tracing::warn!("the SQLite writer was left inside a transaction: replaced");
                    }
                    Ok(clean)
                })
            })
            .connect_with(options.clone())
            .await?;
        let reader = pool_options()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(READER_PRAGMAS).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Database {
            writer,
            reader,
            backend: Backend::Sqlite,
            url: url.as_str().into(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings the schema up to date; safe to call from several instances at once.
    pub async fn migrate(&self) -> DbResult<Vec<i64>> {
        migrations::run(&self.writer, self.backend).await
    }

    /// After a bulk load, what a live database has done by itself some minutes later: on
    /// PostgreSQL the planner's statistics and the visibility map brought up to date
    /// (autovacuum), and the written pages flushed to their files (a checkpoint); on SQLite the
    /// write-ahead log folded into the database file (SQLite's planner keeps no statistics
    /// unless asked). Otherwise the measurements that follow share the disk and the cores with
    /// that catching up.
    pub async fn settle_after_bulk_load(&self) -> DbResult<()> {
        match self.backend {
            Backend::Postgres => {
                sqlx::query("VACUUM ANALYZE").execute(&self.writer).await?;
                // Only for superusers and `pg_checkpoint`; without it the checkpointer does
                // it in its own time.
                if let Err(e) = sqlx::query("CHECKPOINT").execute(&self.writer).await {
                    tracing::debug!(error = %e, "no checkpoint after the bulk load");
                }
            }
            Backend::Sqlite => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&self.writer)
                    .await?;
            }
        }
        Ok(())
    }

    /// A transaction for changes; commit it, or it rolls back when dropped.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(self.writer.begin().await?)
    }

    /// A connection for reading.
    pub async fn read(&self) -> DbResult<PoolConnection<Any>> {
        Ok(self.reader.acquire().await?)
    }

    /// A second connection for reading, only if one is idle now: a caller that already holds
    /// one never waits for another (which could leave every caller holding one, waiting).
    pub fn read_if_idle(&self) -> Option<PoolConnection<Any>> {
        self.reader.try_acquire()
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> DbResult<()> {
        let mut conn = self.read().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    /// A consistent copy of a live SQLite database in `target` (`VACUUM INTO`). PostgreSQL has
    /// its own tools: `pg_dump`.
    pub async fn backup_sqlite(&self, target: &str) -> DbResult<bool> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        let mut conn = self.writer.acquire().await?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&mut *conn)
            .await?;
        drop(conn);
        // The copy's search log gets a name of its own: once restored, its numbers go on
        // differently from those the running instances' indexes hold.
        let mut copy = <Conn as sqlx::Connection>::connect(&format!("sqlite://{target}")).await?;
        search::rename_feed(&mut copy).await?;
        sqlx::Connection::close(copy).await?;
        Ok(true)
    }

    /// Whether `close` was called: background tasks of a stopped instance end then.
    pub fn is_closed(&self) -> bool {
        self.reader.is_closed()
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// Reads go through a memory map of the file (up to 1 GiB of it): a page already in the
/// operating system's cache is read without a system call or a copy, and all connections share
/// it. Writes still go through the journal.
const WRITER_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA mmap_size = 1073741824;";
const READER_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA query_only = ON; PRAGMA mmap_size = 1073741824;";

/// The file path inside an `sqlite://` URL.
pub fn sqlite_path(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or_default().to_owned()
}

/// `LIKE` patterns escape their wildcards the same way on both backends.
pub(crate) fn like_prefix(prefix: &str) -> String {
    let escaped: String = prefix
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("{escaped}%")
}

/// A `LIKE` pattern that finds `needle` anywhere.
pub(crate) fn like_contains(needle: &str) -> String {
    format!("%{}", like_prefix(needle))
}

/// Page of a list: which rows, out of how many.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// Every row: for services that must see a whole list (results, exports), never for a
    /// page a request asks for.
    pub const ALL: Page = Page {
        offset: 0,
        limit: i64::MAX,
    };

    pub fn new(number: i64, size: i64) -> Page {
        let size = size.clamp(1, 500);
        Page {
            // A page number from a URL may be anything; far past any list is simply empty.
            offset: (number.clamp(1, 1_000_000) - 1) * size,
            limit: size,
        }
    }
}

/// Commits a transaction (a function so that callers need not know sqlx's error type).
pub async fn commit(tx: Tx) -> DbResult<()> {
    Ok(tx.commit().await?)
}

/// Commits a transaction that changed what a signed-in session is built from (sessions,
/// users, grants, units), then tells this process's session cache. After the commit, never
/// before: a request in between would read the old grants and keep them.
pub async fn commit_auth(tx: Tx) -> DbResult<()> {
    tx.commit().await?;
    sessions::auth_changed();
    Ok(())
}

/// A type's name without its path or parameters, for metrics' labels (the kind of write or
/// read a batcher serves).
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let plain = full.split('<').next().unwrap_or(full);
    plain.rsplit("::").next().unwrap_or(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_and_like_patterns() {
        assert_eq!(
            sqlite_path("sqlite://data/gongjiang.db?mode=rwc"),
            "data/gongjiang.db"
        );
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), "/tmp/x.db");
        assert_eq!(like_prefix("/1/2_%/"), "/1/2\\_\\%/%");
    }
}
