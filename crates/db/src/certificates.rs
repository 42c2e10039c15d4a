//! Certificates as issued (what each says, its serial, its revocation), the certificate
//! templates of units, and batches of PDFs.

use crate::{Conn, DbResult};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct CertificateRow {
    pub id: i64,
    pub serial: String,
    /// `prize`, `team_prize`, `studio_rating` or `honour`.
    pub kind: String,
    /// For a prize: its competition and track.
    pub competition_id: Option<i64>,
    pub track_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub person_id: Option<i64>,
    pub unit_id: i64,
    pub holder: String,
    pub unit_name: String,
    pub title: String,
    pub subtitle: String,
    pub honour: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub issuer_unit_id: i64,
    pub issuer: String,
    /// For a prize: the frozen results version it comes from.
    pub results_version: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoked_by: String,
    pub revoked_reason: String,
    pub created_at: i64,
    /// For a studio's rating: the studio.
    pub studio_id: Option<i64>,
    /// For a recognition: the studio rating or the honour it certifies.
    pub source_id: Option<i64>,
}

impl CertificateRow {
    pub fn is_valid(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A certificate to store.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub serial: String,
    pub kind: &'static str,
    pub competition_id: Option<i64>,
    pub track_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub person_id: Option<i64>,
    pub unit_id: i64,
    pub holder: String,
    pub unit_name: String,
    pub title: String,
    pub subtitle: String,
    pub honour: String,
    pub issued_on: String,
    pub issuer_unit_id: i64,
    pub issuer: String,
    pub results_version: Option<i64>,
    pub studio_id: Option<i64>,
    pub source_id: Option<i64>,
}

const COLUMNS: &str = "id, serial, kind, competition_id, track_id, entry_id, person_id, unit_id, holder, unit_name, title, subtitle, honour, issued_on, issuer_unit_id, issuer, results_version, revoked_at, revoked_by, revoked_reason, created_at, studio_id, source_id";

pub async fn insert(conn: &mut Conn, c: &NewCertificate, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO certificates (serial, kind, competition_id, track_id, entry_id, person_id, unit_id, holder, unit_name, title, subtitle, honour, issued_on, issuer_unit_id, issuer, results_version, created_at, studio_id, source_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
    )
    .bind(&c.serial)
    .bind(c.kind)
    .bind(c.competition_id)
    .bind(c.track_id)
    .bind(c.entry_id)
    .bind(c.person_id)
    .bind(c.unit_id)
    .bind(&c.holder)
    .bind(&c.unit_name)
    .bind(&c.title)
    .bind(&c.subtitle)
    .bind(&c.honour)
    .bind(&c.issued_on)
    .bind(c.issuer_unit_id)
    .bind(&c.issuer)
    .bind(c.results_version)
    .bind(now)
    .bind(c.studio_id)
    .bind(c.source_id)
    .fetch_one(conn)
    .await?)
}

pub async fn by_serial(conn: &mut Conn, serial: &str) -> DbResult<Option<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE serial = $1"
    )))
    .bind(serial)
    .fetch_optional(conn)
    .await?)
}

pub async fn of_track(conn: &mut Conn, track_id: i64) -> DbResult<Vec<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE track_id = $1 ORDER BY id"
    )))
    .bind(track_id)
    .fetch_all(conn)
    .await?)
}

/// A competition's valid certificates, in the order they were issued.
pub async fn valid_of_competition(
    conn: &mut Conn,
    competition_id: i64,
) -> DbResult<Vec<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE competition_id = $1 AND revoked_at IS NULL ORDER BY track_id, id"
    )))
    .bind(competition_id)
    .fetch_all(conn)
    .await?)
}

/// A person's valid certificates, newest first.
pub async fn of_person(conn: &mut Conn, person_id: i64) -> DbResult<Vec<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE person_id = $1 AND revoked_at IS NULL ORDER BY id DESC"
    )))
    .bind(person_id)
    .fetch_all(conn)
    .await?)
}

/// The certificates of a recognition (a studio rating, an honour), valid and revoked.
pub async fn of_source(
    conn: &mut Conn,
    kind: &str,
    source_id: i64,
) -> DbResult<Vec<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE kind = $1 AND source_id = $2 ORDER BY id"
    )))
    .bind(kind)
    .bind(source_id)
    .fetch_all(conn)
    .await?)
}

/// A studio's valid certificates, newest first.
pub async fn of_studio(conn: &mut Conn, studio_id: i64) -> DbResult<Vec<CertificateRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificates WHERE studio_id = $1 AND revoked_at IS NULL ORDER BY id DESC"
    )))
    .bind(studio_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes a valid certificate; false when it was revoked already.
pub async fn revoke(conn: &mut Conn, id: i64, by: &str, reason: &str, now: i64) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE certificates SET revoked_at = $2, revoked_by = $3, revoked_reason = $4 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The template set for one of these units (the nearest first: `units` run from the unit up
/// to the root), with the unit that set it.
pub async fn nearest_template(conn: &mut Conn, units: &[i64]) -> DbResult<Option<(i64, String)>> {
    for &unit in units {
        let found: Option<String> =
            sqlx::query_scalar("SELECT source FROM certificate_templates WHERE unit_id = $1")
                .bind(unit)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(source) = found {
            return Ok(Some((unit, source)));
        }
    }
    Ok(None)
}

pub async fn set_template(
    conn: &mut Conn,
    unit_id: i64,
    source: &str,
    by: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO certificate_templates (unit_id, source, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (unit_id) DO UPDATE SET source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(unit_id)
    .bind(source)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_template(conn: &mut Conn, unit_id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM certificate_templates WHERE unit_id = $1")
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct BatchRow {
    pub id: i64,
    pub competition_id: i64,
    pub requested_by: String,
    pub total: i64,
    pub done: i64,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub error: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub async fn insert_batch(
    conn: &mut Conn,
    competition_id: i64,
    by: &str,
    total: i64,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO certificate_batches (competition_id, requested_by, total, state, created_at) VALUES ($1, $2, $3, 'running', $4) RETURNING id",
    )
    .bind(competition_id)
    .bind(by)
    .bind(total)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn batch(conn: &mut Conn, id: i64) -> DbResult<Option<BatchRow>> {
    Ok(sqlx::query_as(
        "SELECT id, competition_id, requested_by, total, done, state, error, created_at, finished_at FROM certificate_batches WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn batch_progress(conn: &mut Conn, id: i64, done: i64) -> DbResult<()> {
    sqlx::query("UPDATE certificate_batches SET done = $2 WHERE id = $1")
        .bind(id)
        .bind(done)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn finish_batch(
    conn: &mut Conn,
    id: i64,
    state: &str,
    error: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE certificate_batches SET state = $2, error = $3, finished_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Batches left running by a process that stopped: they will not finish.
pub async fn fail_interrupted_batches(conn: &mut Conn, now: i64) -> DbResult<u64> {
    Ok(sqlx::query(
        "UPDATE certificate_batches SET state = 'failed', error = 'interrupted', finished_at = $1 WHERE state = 'running'",
    )
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
