//! Embedded migrations and their runner. One set for both backends: `@ID@` becomes each one's
//! auto-increment key, and a migration may add a part only one backend needs (triggers).

use crate::{Backend, DbError, DbResult};
use sqlx::AssertSqlSafe;
use sqlx::{AnyPool, Row};

struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("../../../migrations/0001_foundation.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 2,
        name: "audit_append_only",
        common: "",
        sqlite: include_str!("../../../migrations/0002_audit_append_only.sqlite.sql"),
        postgres: include_str!("../../../migrations/0002_audit_append_only.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "question_banks",
        common: include_str!("../../../migrations/0003_question_banks.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "papers",
        common: include_str!("../../../migrations/0004_papers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "exam_sessions",
        common: include_str!("../../../migrations/0005_exam_sessions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "question_images",
        common: "",
        sqlite: include_str!("../../../migrations/0006_question_images.sqlite.sql"),
        postgres: include_str!("../../../migrations/0006_question_images.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "studios_and_alliances",
        common: include_str!("../../../migrations/0007_studios_and_alliances.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "achievements",
        common: include_str!("../../../migrations/0008_achievements.sql"),
        sqlite: include_str!("../../../migrations/0008_achievement_files.sqlite.sql"),
        postgres: include_str!("../../../migrations/0008_achievement_files.postgres.sql"),
    },
    Migration {
        version: 9,
        name: "search",
        common: include_str!("../../../migrations/0009_search.sql"),
        sqlite: include_str!("../../../migrations/0009_search.sqlite.sql"),
        postgres: include_str!("../../../migrations/0009_search.postgres.sql"),
    },
    Migration {
        version: 10,
        name: "exhibitions",
        common: include_str!("../../../migrations/0010_exhibitions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "registry_indexes",
        common: include_str!("../../../migrations/0011_registry_indexes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "studio_pictures",
        common: "",
        sqlite: include_str!("../../../migrations/0012_studio_pictures.sqlite.sql"),
        postgres: include_str!("../../../migrations/0012_studio_pictures.postgres.sql"),
    },
    Migration {
        version: 13,
        name: "idempotency_keys",
        common: include_str!("../../../migrations/0013_idempotency_keys.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "competitions",
        common: include_str!("../../../migrations/0014_competitions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 15,
        name: "entries",
        common: include_str!("../../../migrations/0015_entries.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "track_exams",
        common: include_str!("../../../migrations/0016_track_exams.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "practical",
        common: include_str!("../../../migrations/0017_practical.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 18,
        name: "result_notices",
        common: include_str!("../../../migrations/0018_result_notices.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 19,
        name: "certificates",
        common: include_str!("../../../migrations/0019_certificates.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "star_evaluations",
        common: include_str!("../../../migrations/0020_star_evaluations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 21,
        name: "recognition_certificates",
        common: include_str!("../../../migrations/0021_recognition_certificates.sql"),
        sqlite: include_str!("../../../migrations/0021_recognition_certificates.sqlite.sql"),
        postgres: include_str!("../../../migrations/0021_recognition_certificates.postgres.sql"),
    },
    Migration {
        version: 22,
        name: "hardening",
        common: include_str!("../../../migrations/0022_hardening.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 23,
        name: "public_changes",
        common: include_str!("../../../migrations/0023_public_changes.sql"),
        sqlite: include_str!("../../../migrations/0023_public_changes.sqlite.sql"),
        postgres: include_str!("../../../migrations/0023_public_changes.postgres.sql"),
    },
    Migration {
        version: 24,
        name: "search_filters",
        common: include_str!("../../../migrations/0024_search_filters.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 25,
        name: "search_feed",
        common: include_str!("../../../migrations/0025_search_feed.sql"),
        sqlite: include_str!("../../../migrations/0025_search_feed.sqlite.sql"),
        postgres: include_str!("../../../migrations/0025_search_feed.postgres.sql"),
    },
];

fn render(m: &Migration, backend: Backend) -> String {
    let (id, extra) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", m.sqlite),
        Backend::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            m.postgres,
        ),
    };
    format!("{}\n{}", m.common.replace("@ID@", id), extra)
}

/// Applies the migrations not yet applied, each in its own transaction, and returns their
/// versions.
pub async fn run(pool: &AnyPool, backend: Backend) -> DbResult<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    // Several instances may start at once on PostgreSQL: one migrates, the others wait.
    // (SQLite has one writer connection in this process, and its file lock for the rest.)
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock(7361001)")
            .execute(&mut *conn)
            .await?;
    }
    let result = apply(&mut conn, backend).await;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock(7361001)")
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply(conn: &mut sqlx::AnyConnection, backend: Backend) -> DbResult<Vec<i64>> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        let wrap = |source| DbError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(wrap)?;
        sqlx::raw_sql(AssertSqlSafe(render(m, backend)))
            .execute(&mut *tx)
            .await
            .map_err(wrap)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(gongjiang_domain::clock::now_ms())
        .execute(&mut *tx)
        .await
        .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        applied.push(m.version);
    }
    Ok(applied)
}
