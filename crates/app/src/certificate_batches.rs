//! A competition's certificates printed in one go: rendered off the async workers on every
//! core, written into one zip as they come, with the progress kept in the database so that
//! the page (or the API) can show it and any instance can answer.

use crate::certificates::Certificates;
use crate::{Caller, ServiceError, ServiceResult, change, record};
use gongjiang_certificates::{CertificateFields, Renderer};
use gongjiang_db::certificates::{self, BatchRow};
use gongjiang_db::{Database, competitions};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many certificates are rendered between two progress reports.
const CHUNK: usize = 64;

impl Certificates {
    fn batch_file(&self, id: i64) -> PathBuf {
        self.batch_dir.join(format!("certificates-{id}.zip"))
    }

    /// Starts printing every valid certificate of a competition into one zip; answers at once
    /// with the batch, whose progress `batch` then tells.
    pub async fn start_batch(
        &self,
        db: &Database,
        caller: &Caller,
        competition_id: i64,
    ) -> ServiceResult<BatchRow> {
        let mut tx = db.begin().await?;
        let competition = competitions::get(&mut tx, competition_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
        let renderer = self.renderer().await?;
        let issued = certificates::valid_of_competition(&mut tx, competition_id).await?;
        if issued.is_empty() {
            return Err(FieldError::new("competition", "no_certificates").into());
        }
        let template = crate::certificates::template_for(&mut tx, &competition.unit_path()).await?;
        let id = certificates::insert_batch(
            &mut tx,
            competition_id,
            &caller.actor.name,
            i64::try_from(issued.len()).unwrap_or(i64::MAX),
            now_ms(),
        )
        .await?;
        let row = certificates::batch(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        record(
            &mut tx,
            caller,
            change(
                "certificates.batch",
                "competition",
                competition_id,
                None::<&()>,
                Some(&row),
            ),
        )
        .await?;
        gongjiang_db::commit(tx).await?;
        let jobs: Vec<(String, CertificateFields)> = issued
            .iter()
            .map(|c| {
                let name = format!("{}/{}-{}-{}.pdf", c.subtitle, c.honour, c.holder, c.serial);
                (safe_name(&name), self.fields(c))
            })
            .collect();
        let (db, path) = (db.clone(), self.batch_file(id));
        tokio::spawn(async move {
            let outcome = run(&db, id, renderer, template, jobs, &path).await;
            let (state, error) = match outcome {
                Ok(()) => ("done", String::new()),
                Err(e) => {
                    tracing::error!(batch = id, "certificate batch failed: {e}");
                    ("failed", e)
                }
            };
            if let Ok(mut tx) = db.begin().await
                && certificates::finish_batch(&mut tx, id, state, &error, now_ms())
                    .await
                    .is_ok()
            {
                let _ = gongjiang_db::commit(tx).await;
            }
        });
        Ok(row)
    }

    /// A batch's progress: for the competition's organisers.
    pub async fn batch(&self, db: &Database, caller: &Caller, id: i64) -> ServiceResult<BatchRow> {
        let mut conn = db.read().await?;
        let row = certificates::batch(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let competition = competitions::get(&mut conn, row.competition_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        caller.ensure(Action::ManageCompetitions, &competition.unit_path())?;
        Ok(row)
    }

    /// A finished batch's zip, as a file to send.
    pub async fn batch_zip(
        &self,
        db: &Database,
        caller: &Caller,
        id: i64,
    ) -> ServiceResult<(BatchRow, Vec<u8>)> {
        let row = self.batch(db, caller, id).await?;
        if row.state != "done" {
            return Err(FieldError::new("batch", "batch_not_done").into());
        }
        let bytes = tokio::fs::read(self.batch_file(id))
            .await
            .map_err(|_| ServiceError::NotFound)?;
        Ok((row, bytes))
    }
}

/// Marks batches a stopped process left running as failed (at start-up).
pub async fn fail_interrupted(db: &Database) -> ServiceResult<u64> {
    let mut tx = db.begin().await?;
    let n = certificates::fail_interrupted_batches(&mut tx, now_ms()).await?;
    gongjiang_db::commit(tx).await?;
    Ok(n)
}

/// No path separators or control characters in a zip entry's name but the track folder's.
fn safe_name(name: &str) -> String {
    let (folder, file) = name.split_once('/').unwrap_or(("", name));
    let clean = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    format!("{}/{}", clean(folder), clean(file))
}

async fn run(
    db: &Database,
    id: i64,
    renderer: Renderer,
    template: String,
    jobs: Vec<(String, CertificateFields)>,
    path: &Path,
) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let (progress, mut reports) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let path = path.to_owned();
    let work = tokio::task::spawn_blocking(move || {
        write_zip(&renderer, &template, &jobs, &path, |done| {
            let _ = progress.send(done);
        })
    });
    while let Some(done) = reports.recv().await {
        // Progress is a hint for the page: a report lost to a busy database is no harm.
        let done = i64::try_from(done).unwrap_or(0);
        if let Err(e) = progress_to(db, id, done).await {
            tracing::warn!(batch = id, "progress not kept: {e}");
        }
    }
    work.await.map_err(|e| e.to_string())?
}

async fn progress_to(db: &Database, id: i64, done: i64) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    certificates::batch_progress(&mut tx, id, done).await?;
    gongjiang_db::commit(tx).await?;
    Ok(())
}

/// Renders every certificate (on every core) into a zip; reports the count after each chunk.
pub fn write_zip(
    renderer: &Renderer,
    template: &str,
    jobs: &[(String, CertificateFields)],
    path: &Path,
    report: impl Fn(usize),
) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    // PDFs are compressed already: stored as they are.
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut done = 0;
    for chunk in jobs.chunks(CHUNK) {
        let pdfs = render_all(renderer, template, chunk, threads)?;
        for ((name, _), pdf) in chunk.iter().zip(pdfs) {
            zip.start_file(name.as_str(), options)
                .map_err(|e| e.to_string())?;
            zip.write_all(&pdf).map_err(|e| e.to_string())?;
        }
        done += chunk.len();
        report(done);
        Renderer::forget_caches();
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}

fn render_all(
    renderer: &Renderer,
    template: &str,
    chunk: &[(String, CertificateFields)],
    threads: usize,
) -> Result<Vec<Vec<u8>>, String> {
    let per = chunk.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunk
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(_, fields)| {
                            renderer.render(template, fields).map_err(|e| e.to_string())
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(chunk.len());
        for h in handles {
            out.extend(
                h.join()
                    .map_err(|_| "a rendering thread panicked".to_owned())??,
            );
        }
        Ok(out)
    })
}
