//! The command line: `serve`, `demo`, `migrate`, `admin …`, `backup`, `audit …` (in `cli_audit`).

use crate::config::{Config, Layer};
use crate::server;
use clap::{Parser, Subcommand};
use gongjiang_app::{Caller, Database, ServiceError, accounts, demo, people, units};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "gongjiang",
    version,
    about = "工匠 gongjiang: worker innovation and skills competitions for trade unions"
)]
struct Cli {
    /// A TOML configuration file (keys as in docs/configuration.md).
    #[arg(long, env = "GONGJIANG_CONFIG", global = true)]
    config: Option<String>,
    /// sqlite://… or postgres://… (default: sqlite under the data folder).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rewrite every search document from its record (the server also does it by itself when
    /// records have no document or the segmenter changed).
    Rebuild,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        #[arg(long)]
        bind: Option<String>,
        #[arg(long)]
        port: Option<u16>,
    },
    /// Load the Chinese demo data set into a fresh data folder and run the server.
    Demo {
        #[arg(long, default_value = "data/demo")]
        data_dir: String,
        #[arg(long)]
        bind: Option<String>,
        #[arg(long)]
        port: Option<u16>,
    },
    /// Create or update the database schema, then exit.
    Migrate,
    /// Administer units and accounts from the command line.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Write a consistent copy of a live SQLite database to FILE.
    Backup { file: String },
    /// Feed every importer mutated files for SECONDS: no panic, no input over 1 s or 256 MiB.
    /// Failing inputs are saved to OUT; `--replay FILE --target NAME` runs one again.
    Fuzz {
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, default_value = "fuzz-failures")]
        out: String,
        #[arg(long, requires = "target")]
        replay: Option<String>,
        #[arg(long)]
        target: Option<String>,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Work with the search index.
    Search {
        #[command(subcommand)]
        action: SearchCommand,
    },
    /// Measure (results in docs/benchmarks.md).
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Durable small writes per second: a commit per write against group commit. Uses a
    /// fresh SQLite file unless --database-url is given.
    Writes {
        #[arg(long, default_value_t = 64)]
        writers: i64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Entrants over HTTP against the server as its own process: start within the start
    /// window, autosave, submit within the last seconds. With --database-url postgres://…, a
    /// fresh database is made on that server and dropped afterwards.
    Exam {
        #[arg(long, default_value_t = 1000)]
        entrants: usize,
        #[arg(long, default_value_t = 60)]
        start_window_secs: u64,
        #[arg(long, default_value_t = 30)]
        autosave_secs: u64,
        /// From the first possible start to the end of the exam.
        #[arg(long, default_value_t = 150)]
        exam_secs: u64,
        #[arg(long, default_value_t = 10)]
        submit_window_secs: u64,
        /// Instead of the timeline: every entrant saves back to back for this many seconds.
        #[arg(long)]
        saturate_secs: Option<u64>,
    },
    /// Judges at scale: every judge of a practical round (five a panel) saves their scores at
    /// once over HTTP; then the track's results are recomputed. A fresh database as for exam.
    Judging {
        #[arg(long, default_value_t = 40)]
        panels: usize,
        #[arg(long, default_value_t = 25)]
        entrants_per_panel: usize,
    },
    /// A competition's results at scale: many tracks scored by panels, then every track's
    /// results recomputed from the stored scores. A fresh database as for exam.
    Results {
        #[arg(long, default_value_t = 21)]
        tracks: usize,
        /// In all, spread over the tracks.
        #[arg(long, default_value_t = 10_000)]
        entrants: usize,
        /// A panel.
        #[arg(long, default_value_t = 5)]
        judges: usize,
        #[arg(long, default_value_t = 6)]
        criteria: usize,
        #[arg(long, default_value_t = 50)]
        entrants_per_panel: usize,
    },
    /// Certificates at scale: render this many PDFs into one zip as a batch does, against a
    /// baseline of the same zip without rendering.
    Certificates {
        #[arg(long, default_value_t = 10_000)]
        count: usize,
    },
    /// The registry at scale: fill a fresh database with achievements, measure search in
    /// process, then the public pages over HTTP with concurrent clients.
    Search {
        #[arg(long, default_value_t = 100_000)]
        achievements: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, default_value_t = 32)]
        clients: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a unit; without --parent, a federation at the top of the tree.
    CreateUnit {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "federation")]
        kind: String,
        /// The parent unit's code.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Create a person in a unit with a login account, optionally granting a role there.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// The code of the person's unit.
        #[arg(long)]
        unit: String,
        /// federation_admin, unit_admin, studio_leader, judge or worker.
        #[arg(long)]
        role: Option<String>,
        /// Without it, a password is generated, printed, and must be changed at first login.
        #[arg(long, env = "GONGJIANG_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Set a new password (generated if not given; then it must be changed at next login).
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, env = "GONGJIANG_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Grant a role on a unit (and its whole subtree).
    Grant {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the whole hash chain; exits non-zero if any entry was changed, removed or reordered,
    /// or, given a signed checkpoint, if the chain was cut or rewritten since it was signed.
    Verify {
        /// A checkpoint written by `audit checkpoint`.
        #[arg(long, requires = "key")]
        checkpoint: Option<String>,
        /// The key file that signed it (its public half is enough).
        #[arg(long)]
        key: Option<String>,
    },
    /// Make a key for signing checkpoints, written to FILE (keep it away from the database and
    /// its backups); prints its public half.
    Keygen { file: String },
    /// Sign the chain's head with the key: prints the checkpoint, logs it, and writes it to
    /// `--out` if given. Keep, print or mail it where the database's holders cannot reach.
    Checkpoint {
        #[arg(long)]
        key: String,
        #[arg(long)]
        out: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn environment() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("GONGJIANG_") && k != "GONGJIANG_NEW_PASSWORD")
        .collect()
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A request's span (its id, method and route) is on every line logged within it.
    let _ = if config.log_format == "json" {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut flags = Layer {
        database_url: cli.database_url.clone(),
        ..Default::default()
    };
    match &cli.command {
        Command::Bench { .. } if flags.database_url.is_none() => {
            let dir = std::env::temp_dir().join(format!("gongjiang-bench-{}", std::process::id()));
            flags.database_url = Some(format!("sqlite://{}/bench.db", dir.display()));
        }
        Command::Serve { bind, port } => {
            flags.bind = bind.clone();
            flags.port = *port;
        }
        Command::Demo {
            data_dir,
            bind,
            port,
        } => {
            flags.data_dir = Some(data_dir.clone());
            flags.bind = bind.clone();
            flags.port = *port;
            if flags.database_url.is_none() {
                // The demo always starts from a fresh SQLite file in its own folder.
                flags.database_url = Some(format!(
                    "sqlite://{}/gongjiang.db",
                    data_dir.trim_end_matches('/')
                ));
                remove_sqlite_files(&format!("{}/gongjiang.db", data_dir.trim_end_matches('/')))?;
            }
        }
        _ => {}
    }
    let config =
        Config::load(cli.config.as_deref(), &environment(), flags).map_err(anyhow::Error::msg)?;
    init_logging(&config);
    match cli.command {
        Command::Serve { .. } => {
            let running = server::start(&config).await?;
            println!(
                "gongjiang is listening on http://{} (database: {})",
                running.addr,
                server::redact(&config.database_url)
            );
            running.until_signal().await;
        }
        Command::Demo { .. } => {
            let db = server::connect(&config).await?;
            let logins = demo::load(&db).await?;
            db.close().await;
            let running = server::start(&config).await?;
            print_demo_banner(&running, &logins);
            running.until_signal().await;
        }
        Command::Migrate => {
            let db = server::connect(&config).await?;
            println!(
                "database at {} is up to date",
                server::redact(&config.database_url)
            );
            db.close().await;
        }
        Command::Admin { action } => {
            let db = server::connect(&config).await?;
            let result = admin(&db, action).await;
            db.close().await;
            result?;
        }
        Command::Backup { file } => {
            let db = server::connect(&config).await?;
            let done = db.backup_sqlite(&file).await?;
            db.close().await;
            if done {
                println!("backup written to {file}");
            } else {
                println!(
                    "this is a PostgreSQL database: back it up with pg_dump, e.g.\n  pg_dump --format=custom --file={file} '{}'",
                    server::redact(&config.database_url)
                );
                return Ok(ExitCode::from(2));
            }
        }
        Command::Bench {
            what: BenchCommand::Writes { writers, seconds },
        } => {
            println!(
                "durable writes, {writers} concurrent writers, {seconds} s each, on {}",
                server::redact(&config.database_url)
            );
            let (naive, grouped) = crate::bench::writes(&config, writers, seconds).await?;
            println!("  commit per write: {naive}");
            println!("  group commit:     {grouped}");
            println!(
                "  ratio (group / per write): {:.1}x",
                grouped.per_second / naive.per_second.max(1.0)
            );
            if config.database_url.contains("gongjiang-bench-")
                && let Some(dir) =
                    std::path::Path::new(&gongjiang_db::sqlite_path(&config.database_url)).parent()
            {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        Command::Bench {
            what:
                BenchCommand::Exam {
                    entrants,
                    start_window_secs,
                    autosave_secs,
                    exam_secs,
                    submit_window_secs,
                    saturate_secs,
                },
        } => {
            let plan = crate::bench_exam::Plan {
                entrants,
                start_window: Duration::from_secs(start_window_secs),
                autosave: Duration::from_secs(autosave_secs.max(1)),
                exam: Duration::from_secs(exam_secs),
                submit_window: Duration::from_secs(submit_window_secs),
                saturate: saturate_secs.map(Duration::from_secs),
            };
            let url = config.database_url.clone();
            println!("exam load, on {}", server::redact(&url));
            on_fresh_database(&url, |fresh| async move {
                crate::bench_exam::run(&fresh, plan).await
            })
            .await?;
        }
        Command::Bench {
            what:
                BenchCommand::Judging {
                    panels,
                    entrants_per_panel,
                },
        } => {
            let url = config.database_url.clone();
            println!("judges saving at once, on {}", server::redact(&url));
            on_fresh_database(&url, |fresh| async move {
                crate::bench_judging::run(&fresh, panels, entrants_per_panel).await
            })
            .await?;
        }
        Command::Bench {
            what:
                BenchCommand::Results {
                    tracks,
                    entrants,
                    judges,
                    criteria,
                    entrants_per_panel,
                },
        } => {
            let url = config.database_url.clone();
            println!(
                "a competition's results recomputed, on {}",
                server::redact(&url)
            );
            let size = crate::bench_results::Size {
                tracks,
                entrants,
                judges,
                criteria,
                per_panel: entrants_per_panel,
            };
            on_fresh_database(&url, |fresh| async move {
                crate::bench_results::run(&fresh, size).await
            })
            .await?;
        }
        Command::Bench {
            what: BenchCommand::Certificates { count },
        } => {
            let dirs: Vec<std::path::PathBuf> = config
                .font_dirs
                .split(':')
                .filter(|d| !d.is_empty())
                .map(std::path::PathBuf::from)
                .collect();
            tokio::task::spawn_blocking(move || crate::bench_certificates::run(count, &dirs))
                .await??;
        }
        Command::Bench {
            what:
                BenchCommand::Search {
                    achievements,
                    seconds,
                    clients,
                },
        } => {
            let url = config.database_url.clone();
            let threads = config.search_threads;
            println!(
                "registry search and public pages, on {}; search threads: {}",
                server::redact(&url),
                if threads == 0 {
                    "automatic".to_string()
                } else {
                    threads.to_string()
                }
            );
            on_fresh_database(&url, |fresh| async move {
                crate::bench_search::run(&fresh, achievements, seconds, clients, threads).await
            })
            .await?;
        }
        Command::Audit { action } => return crate::cli_audit::run(&config, action).await,
        Command::Search {
            action: SearchCommand::Rebuild,
        } => {
            let db = server::connect(&config).await?;
            let done = gongjiang_app::search_index::rebuild(&db).await;
            db.close().await;
            let done = done.map_err(explain)?;
            println!(
                "search index rebuilt: {} documents written, {} of records that are gone removed, in {:.1} s",
                done.documents, done.removed, done.seconds
            );
        }
        Command::Fuzz {
            seconds,
            seed,
            out,
            replay,
            target,
        } => {
            if let (Some(file), Some(target)) = (replay, target) {
                let took = crate::fuzz::replay(&target, std::path::Path::new(&file))
                    .map_err(|e| anyhow::anyhow!(e))?;
                println!("{target}: {file} read in {} ms", took.as_millis());
                return Ok(ExitCode::SUCCESS);
            }
            let report = tokio::task::spawn_blocking(move || {
                crate::fuzz::run(seconds, seed, std::path::Path::new(&out))
            })
            .await?;
            for line in &report.lines {
                println!("{line}");
            }
            for failure in &report.failures {
                println!("FAILED {failure}");
            }
            if !report.failures.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn remove_sqlite_files(path: &str) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        if std::path::Path::new(&file).exists() {
            std::fs::remove_file(&file)?;
        }
    }
    Ok(())
}

fn explain(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(invalid) => anyhow::anyhow!(
            "invalid input: {}",
            invalid
                .0
                .iter()
                .map(|f| format!(
                    "{} ({}{})",
                    f.field,
                    f.code,
                    f.params
                        .iter()
                        .map(|(k, v)| format!(", {k}={v}"))
                        .collect::<String>()
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        ServiceError::NotFound => anyhow::anyhow!("not found"),
        other => anyhow::anyhow!("{other}"),
    }
}

async fn admin(db: &Database, action: AdminCommand) -> anyhow::Result<()> {
    let caller = Caller::system("command line");
    let unit_id = |code: String| async move {
        let mut conn = db.read().await?;
        gongjiang_db::units::by_code(&mut conn, &code.trim().to_ascii_uppercase())
            .await?
            .map(|u| u.id)
            .ok_or_else(|| anyhow::anyhow!("no unit has the code {code}"))
    };
    match action {
        AdminCommand::CreateUnit {
            code,
            name,
            kind,
            parent,
        } => {
            let parent_id = match parent {
                Some(p) => Some(unit_id(p).await?),
                None => None,
            };
            let unit = units::create(
                db,
                &caller,
                units::UnitInput {
                    parent_id,
                    kind,
                    code,
                    name,
                },
            )
            .await
            .map_err(explain)?;
            println!(
                "unit {} ({}) created with id {}",
                unit.name, unit.code, unit.id
            );
        }
        AdminCommand::CreateUser {
            username,
            name,
            unit,
            role,
            password,
        } => {
            let unit_id = unit_id(unit).await?;
            let person = people::create(
                db,
                &caller,
                people::PersonInput {
                    unit_id,
                    name,
                    ..Default::default()
                },
            )
            .await
            .map_err(explain)?;
            let (user, generated) =
                accounts::create_for_person(db, &caller, person.id, &username, password.as_deref())
                    .await
                    .map_err(explain)?;
            if let Some(role) = role {
                accounts::grant(db, &caller, user.id, &role, unit_id)
                    .await
                    .map_err(explain)?;
            }
            println!(
                "account {} created for {}",
                user.username, user.display_name
            );
            if let Some(p) = generated {
                println!("initial password (must be changed at first login): {p}");
            }
        }
        AdminCommand::ResetPassword { username, password } => match password {
            Some(p) => {
                accounts::set_password(db, &caller, &username, &p, false)
                    .await
                    .map_err(explain)?;
                println!("password of {username} set");
            }
            None => {
                let user = {
                    let mut conn = db.read().await?;
                    gongjiang_db::users::by_username(&mut conn, &username.to_ascii_lowercase())
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no user {username}"))?
                };
                let p = accounts::reset_password(db, &caller, user.id, "command line")
                    .await
                    .map_err(explain)?;
                println!("new password of {username} (must be changed at next login): {p}");
            }
        },
        AdminCommand::Grant {
            username,
            role,
            unit,
        } => {
            let grant = accounts::grant_by_username(db, &caller, &username, &role, &unit)
                .await
                .map_err(explain)?;
            println!("{username} is now {} of {}", grant.role, grant.unit_name);
        }
    }
    Ok(())
}

fn print_demo_banner(running: &server::Running, logins: &[demo::DemoLogin]) {
    println!();
    println!("  工匠 gongjiang 演示 / demo");
    println!("  打开 / open:  http://{}/", running.addr);
    println!(
        "  所有演示账号的密码 / password of every demo account:  {}",
        demo::DEMO_PASSWORD
    );
    println!();
    for l in logins {
        println!("  {:<12} {}  {}", l.username, l.role_label, l.description);
    }
    println!();
    println!(
        "  worker 登录后在「我的考试」可参加开放中的理论考试 / as worker, take an open exam at http://{}/exams",
        running.addr
    );
    println!();
    println!("  按 Ctrl-C 停止 / press Ctrl-C to stop");
}

/// Runs a benchmark on a fresh database: on PostgreSQL a new database on the given server,
/// dropped afterwards; on SQLite the given (fresh) file, whose folder is removed afterwards
/// when the command made it.
async fn on_fresh_database<F, Fut>(url: &str, run: F) -> anyhow::Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    if url.starts_with("postgres") {
        let name = format!("gj_bench_{}", std::process::id());
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
        let admin_sql = |sql: String| sqlx::AssertSqlSafe(sql);
        sqlx::Executor::execute(&mut admin, admin_sql(format!("CREATE DATABASE {name}"))).await?;
        let fresh = format!("{}/{name}", &url[..url.rfind('/').unwrap_or(url.len())]);
        let result = run(fresh).await;
        sqlx::Executor::execute(
            &mut admin,
            admin_sql(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
        )
        .await?;
        result
    } else {
        let result = run(url.to_owned()).await;
        if let Some(dir) = std::path::Path::new(&gongjiang_db::sqlite_path(url)).parent()
            && url.contains("gongjiang-bench-")
        {
            let _ = std::fs::remove_dir_all(dir);
        }
        result
    }
}
