//! Starting the web server: connect, migrate, listen; stop gracefully on a signal.

use crate::config::Config;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;

/// A running server: where it listens, and how to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub db: gongjiang_app::Database,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    sweeper: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting connections, finishes the requests in flight, and closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        self.sweeper.abort();
        self.db.close().await;
    }

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM).
    pub async fn until_signal(self) {
        shutdown_signal().await;
        tracing::info!("stopping");
        self.stop().await;
    }
}

/// Connects to the database (creating and migrating it) and starts listening.
pub async fn start(config: &Config) -> anyhow::Result<Running> {
    let db = connect(config).await?;
    let exams = gongjiang_app::exams::Exams::start(db.clone());
    // Attempts whose time ran out while no server was running are submitted now.
    let swept = exams
        .sweep()
        .await
        .context("cannot submit overdue attempts")?;
    if swept > 0 {
        tracing::info!(swept, "overdue attempts submitted");
    }
    let sweeper = exams.spawn_sweeper();
    // A lost or outdated search index is rebuilt while the server already answers: searches
    // meanwhile find what the old documents say.
    let index_db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = gongjiang_app::search_index::ensure_current(&index_db).await {
            tracing::error!(error = %e, "the search index could not be checked or rebuilt");
        }
    });
    let interrupted = gongjiang_app::certificate_batches::fail_interrupted(&db)
        .await
        .context("cannot read certificate batches")?;
    if interrupted > 0 {
        tracing::warn!(interrupted, "certificate batches interrupted by a restart");
    }
    let public_changes = gongjiang_db::public_changes::watch(&db);
    let search = gongjiang_app::search_engine::SearchEngine::open(
        &db,
        config.search_index_folder(),
        config.search_threads.into(),
    )
    .await
    .context("cannot open the search index")?;
    search.follow(public_changes.clone());
    let listener = tokio::net::TcpListener::bind((config.bind.as_str(), config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let state = gongjiang_web::AppState::new(gongjiang_web::Services {
        certificates: config.certificates(addr),
        exams,
        judging: gongjiang_app::judging::Judging::start(db.clone()),
        db: db.clone(),
        settings: Arc::new(config.web_settings()),
        sessions: gongjiang_app::session_cache::SessionCache::new(
            config.session_cache_seconds * 1_000,
        ),
        api_limits: gongjiang_web::RateLimits::default(),
        public_pages: gongjiang_web::PageCache::new(public_changes),
        public_records: gongjiang_app::showcase::Records::start(db.clone()),
        search,
    });
    if config.metrics_port != 0 {
        let metrics = tokio::net::TcpListener::bind((config.bind.as_str(), config.metrics_port))
            .await
            .with_context(|| {
                format!(
                    "cannot listen for metrics on {}:{}",
                    config.bind, config.metrics_port
                )
            })?;
        tracing::info!(addr = %metrics.local_addr()?, "metrics at /metrics");
        let metrics_app = gongjiang_web::telemetry::metrics_app(state.clone());
        tokio::spawn(async move { axum::serve(metrics, metrics_app).await });
    }
    let app = gongjiang_web::build(state);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await
    });
    Ok(Running {
        addr,
        db,
        stop,
        task,
        sweeper,
    })
}

/// Connects and brings the schema up to date.
pub async fn connect(config: &Config) -> anyhow::Result<gongjiang_app::Database> {
    let db = gongjiang_app::Database::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                redact(&config.database_url)
            )
        })?;
    let applied = db.migrate().await.context("cannot migrate the database")?;
    if !applied.is_empty() {
        tracing::info!(?applied, "database migrated");
    }
    Ok(db)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://gj:secret@db:5432/gj"),
            "postgres://gj:***@db:5432/gj"
        );
        assert_eq!(
            super::redact("sqlite://data/gongjiang.db"),
            "sqlite://data/gongjiang.db"
        );
    }
}
