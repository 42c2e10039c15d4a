//! `gongjiang bench writes`: durable small writes per second, one commit per write against
//! group commit, on the configured database (by default a fresh SQLite file). Results and the
//! machine are recorded in docs/benchmarks.md.

use crate::config::Config;
use gongjiang_db::group_commit::{GroupCommit, Job, Jobs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Figures {
    pub writes: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>9.0} writes/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  ({} writes)",
            self.per_second, self.p50_ms, self.p99_ms, self.max_ms, self.writes
        )
    }
}

const UPSERT: &str = "INSERT INTO bench_writes (attempt, question, answer, saved_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (attempt, question) DO UPDATE SET answer = excluded.answer, saved_at = excluded.saved_at";

fn answer(writer: i64, n: i64) -> String {
    // About the size of a saved exam answer with its bookkeeping.
    format!(
        "{{\"type\":\"choice\",\"selected\":[{}],\"client_seq\":{n},\"device\":\"writer-{writer}\",\"pad\":\"{}\"}}",
        n % 4,
        "x".repeat(120)
    )
}

async fn measure<F, Fut>(writers: i64, seconds: u64, write: F) -> anyhow::Result<Figures>
where
    F: Fn(i64, i64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let write = Arc::new(write);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (write, stop) = (write.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                write(w, n).await?;
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                n += 1;
            }
            anyhow::Ok(latencies)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    Ok(Figures {
        writes: all.len(),
        per_second: all.len() as f64 / elapsed,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: all.last().copied().unwrap_or(0.0),
    })
}

pub async fn writes(
    config: &Config,
    writers: i64,
    seconds: u64,
) -> anyhow::Result<(Figures, Figures)> {
    let db = crate::server::connect(config).await?;
    let mut tx = db.begin().await?;
    sqlx::query("DROP TABLE IF EXISTS bench_writes")
        .execute(&mut *tx)
        .await?;
    sqlx::query("CREATE TABLE bench_writes (attempt BIGINT NOT NULL, question BIGINT NOT NULL, answer TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (attempt, question))")
        .execute(&mut *tx)
        .await?;
    gongjiang_db::commit(tx).await?;

    let naive_db = db.clone();
    let naive = measure(writers, seconds, move |w, n| {
        let db = naive_db.clone();
        async move {
            let mut tx = db.begin().await?;
            sqlx::query(UPSERT)
                .bind(w)
                .bind(n % 50)
                .bind(answer(w, n))
                .bind(n)
                .execute(&mut *tx)
                .await?;
            gongjiang_db::commit(tx).await?;
            Ok(())
        }
    })
    .await?;

    let writer = GroupCommit::start(db.clone(), 512, Jobs);
    let grouped = measure(writers, seconds, move |w, n| {
        let writer = writer.clone();
        async move {
            let job: Job = Box::new(move |conn| {
                Box::pin(async move {
                    sqlx::query(UPSERT)
                        .bind(w + 1_000_000)
                        .bind(n % 50)
                        .bind(answer(w, n))
                        .bind(n)
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            });
            writer.write(job).await?;
            Ok(())
        }
    })
    .await?;

    let mut tx = db.begin().await?;
    sqlx::query("DROP TABLE bench_writes")
        .execute(&mut *tx)
        .await?;
    gongjiang_db::commit(tx).await?;
    db.close().await;
    Ok((naive, grouped))
}
