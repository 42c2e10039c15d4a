//! Reading uploaded files off the async workers. A parse runs on a blocking thread, a few at
//! a time, and is abandoned after `MOST_PARSE_TIME`: however hostile a file, the async
//! workers that answer exam saves never wait on it. (The parsers are linear and capped too:
//! `sheets::read_xlsx`, `gongjiang_domain::exam`.)

use crate::{ServiceError, ServiceResult};
use gongjiang_domain::import::RowError;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Longer than any real file takes (a 20,000-row sheet: well under a second).
pub const MOST_PARSE_TIME: Duration = Duration::from_secs(20);
/// How long an upload waits for a turn before it is told to try again.
const MOST_WAIT: Duration = Duration::from_secs(60);

fn turns() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new((cores / 2).max(1))
    })
}

fn refused(code: &str) -> ServiceError {
    ServiceError::ImportRejected(vec![RowError {
        row: 0,
        column: String::new(),
        code: code.to_owned(),
        params: vec![("seconds".into(), MOST_PARSE_TIME.as_secs().to_string())],
    }])
}

/// Runs `parse` on a blocking thread when a turn is free; its problems become the import's.
pub async fn off_thread<T: Send + 'static>(
    parse: impl FnOnce() -> Result<T, Vec<RowError>> + Send + 'static,
) -> ServiceResult<T> {
    let _turn = tokio::time::timeout(MOST_WAIT, turns().acquire())
        .await
        .map_err(|_| ServiceError::RateLimited)?
        .map_err(|_| ServiceError::RateLimited)?;
    let started = std::time::Instant::now();
    let task = tokio::task::spawn_blocking(parse);
    let outcome = match tokio::time::timeout(MOST_PARSE_TIME, task).await {
        Ok(Ok(parsed)) => parsed.map_err(ServiceError::ImportRejected),
        Ok(Err(e)) => Err(ServiceError::Internal(format!("a parser failed: {e}"))),
        Err(_) => Err(refused("import_too_slow")),
    };
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "upload parsed"
    );
    gongjiang_telemetry::time(
        "gongjiang_import_parse_seconds",
        "Reading an uploaded file (question banks, workbooks), off the async workers.",
        &[],
        started.elapsed(),
    );
    outcome
}
