//! The command line: migrate, admin commands, backup, audit verification, configuration errors.

use crate::common::{TestApp, on_postgres, test_config};
use std::process::Command;

fn gongjiang(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongjiang"))
        .args(args)
        .env("GONGJIANG_DATABASE_URL", url)
        .env("GONGJIANG_LOG", "warn")
        .env_remove("GONGJIANG_CONFIG")
        .output()
        .expect("the gongjiang binary runs")
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn admin_commands_set_up_a_federation_and_an_admin_who_can_log_in() {
    let mut app = TestApp::spawn().await;
    let url = app.config.database_url.clone();
    app.stop().await;
    let o = gongjiang(
        &url,
        &[
            "admin",
            "create-unit",
            "--code",
            "NJ",
            "--name",
            "南江市总工会",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gongjiang(
        &url,
        &[
            "admin",
            "create-user",
            "--username",
            "nj.admin",
            "--name",
            "南江管理员",
            "--unit",
            "NJ",
            "--role",
            "federation_admin",
            "--password",
            "南江-admin-2026",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gongjiang(
        &url,
        &[
            "admin",
            "create-user",
            "--username",
            "nj.worker",
            "--name",
            "南江职工",
            "--unit",
            "NJ",
        ],
    );
    assert!(text(&o).contains("initial password"), "{}", text(&o));
    let o = gongjiang(
        &url,
        &[
            "admin",
            "grant",
            "--username",
            "nj.worker",
            "--role",
            "emperor",
            "--unit",
            "NJ",
        ],
    );
    assert!(
        !o.status.success() && text(&o).contains("unknown_role"),
        "{}",
        text(&o)
    );
    let o = gongjiang(
        &url,
        &[
            "admin",
            "reset-password",
            "--username",
            "nj.worker",
            "--password",
            "short",
        ],
    );
    assert!(!o.status.success() && text(&o).contains("password_too_short"));
    let o = gongjiang(&url, &["audit", "verify"]);
    assert!(
        o.status.success() && text(&o).contains("audit chain intact"),
        "{}",
        text(&o)
    );

    let config = test_config(&url);
    let running = gongjiang::server::start(&config).await.unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://{}", running.addr);
    let html = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_in(&html).unwrap();
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "nj.admin"),
            ("password", "南江-admin-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    running.stop().await;
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_detected() {
    let mut app = TestApp::spawn().await;
    let url = app.config.database_url.clone();
    let db = app.db().clone();
    // The database refuses changes to the log...
    {
        let mut tx = db.begin().await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET actor_name = 'x' WHERE seq = 2")
            .execute(&mut *tx)
            .await;
        assert!(refused.is_err(), "the audit log is append-only");
    }
    app.stop().await;
    // ...so an attacker with direct access first removes the guard, then edits an entry.
    let drop_guard = if on_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    sqlx::query(drop_guard).execute(&mut *tx).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor_name = '冒名者' WHERE seq = 3")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let o = gongjiang(&url, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("Content { seq: 3 }"), "{}", text(&o));
}

/// Issue 12, finding 5: with its guards dropped, the tail cut and the head reset, the chain
/// still verifies on its own; a checkpoint signed with a key kept outside the database finds
/// the cut, and a rewritten tail.
#[tokio::test]
async fn a_signed_checkpoint_finds_a_cut_or_rewritten_tail() {
    let mut app = TestApp::spawn().await;
    let url = app.config.database_url.clone();
    app.login("admin").await;
    app.login("unitadmin").await;
    app.stop().await;
    let dir = std::env::temp_dir().join(format!("gj-checkpoint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("audit.key");
    let key = key.to_str().unwrap();
    let o = gongjiang(&url, &["audit", "keygen", key]);
    assert!(o.status.success(), "{}", text(&o));
    let public = text(&o)
        .lines()
        .find_map(|l| l.strip_prefix("public: ").map(str::to_owned))
        .unwrap();
    let public_file = dir.join("audit.pub");
    std::fs::write(&public_file, format!("public: {public}\n")).unwrap();
    let public_file = public_file.to_str().unwrap();
    let o = gongjiang(&url, &["audit", "keygen", key]);
    assert_eq!(o.status.code(), Some(2), "a key is never overwritten");

    let checkpoint = dir.join("checkpoint.txt");
    let checkpoint = checkpoint.to_str().unwrap();
    // Signed, and logged (here as JSON lines, `log_format = "json"`).
    let o = Command::new(env!("CARGO_BIN_EXE_gongjiang"))
        .args(["audit", "checkpoint", "--key", key, "--out", checkpoint])
        .env("GONGJIANG_DATABASE_URL", &url)
        .env("GONGJIANG_LOG", "info")
        .env("GONGJIANG_LOG_FORMAT", "json")
        .env_remove("GONGJIANG_CONFIG")
        .output()
        .expect("the gongjiang binary runs");
    assert!(o.status.success(), "{}", text(&o));
    let logged = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l["fields"]["message"] == "audit checkpoint signed")
        .unwrap_or_else(|| panic!("a JSON log line of the checkpoint: {}", text(&o)));
    assert_eq!(logged["level"], "INFO");
    let signed = std::fs::read_to_string(checkpoint).unwrap();
    assert_eq!(
        logged["fields"]["seq"].to_string(),
        signed
            .lines()
            .find_map(|l| l.strip_prefix("seq: "))
            .unwrap()
    );
    let seq: i64 = signed
        .lines()
        .find_map(|l| l.strip_prefix("seq: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(seq >= 2, "{signed}");
    let verify = || {
        gongjiang(
            &url,
            &[
                "audit",
                "verify",
                "--checkpoint",
                checkpoint,
                "--key",
                public_file,
            ],
        )
    };
    let o = verify();
    assert!(o.status.success(), "{}", text(&o));
    // A forged checkpoint (the seq changed) is refused.
    let forged = dir.join("forged.txt");
    std::fs::write(&forged, signed.replace(&format!("seq: {seq}"), "seq: 1")).unwrap();
    let o = gongjiang(
        &url,
        &[
            "audit",
            "verify",
            "--checkpoint",
            forged.to_str().unwrap(),
            "--key",
            public_file,
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));

    // Whoever holds the database drops the guards, cuts the last entry and resets the head.
    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let guards: &[&str] = if on_postgres() {
        &["DROP TRIGGER audit_log_no_update ON audit_log"]
    } else {
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ]
    };
    for guard in guards {
        sqlx::query(sqlx::AssertSqlSafe(*guard))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(seq)
        .execute(&mut *tx)
        .await
        .unwrap();
    let previous: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(seq - 1)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq - 1)
        .bind(&previous)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let o = gongjiang(&url, &["audit", "verify"]);
    assert!(
        o.status.success(),
        "on its own the cut chain verifies: {}",
        text(&o)
    );
    let o = verify();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("AUDIT CHAIN CUT"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn backup_makes_a_consistent_copy_of_sqlite() {
    if on_postgres() {
        let app = TestApp::spawn().await;
        let o = gongjiang(
            &app.config.database_url,
            &["backup", "/tmp/never-written.dump"],
        );
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o).contains("pg_dump"));
        return;
    }
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("gj-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("copy.db");
    let _ = std::fs::remove_file(&copy);
    let o = gongjiang(
        &app.config.database_url,
        &["backup", copy.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let copy_url = format!("sqlite://{}", copy.display());
    let o = gongjiang(&copy_url, &["audit", "verify"]);
    assert!(
        text(&o).contains("audit chain intact"),
        "the copy is whole: {}",
        text(&o)
    );
    let db = gongjiang_app::Database::connect(&copy_url).await.unwrap();
    let mut conn = db.read().await.unwrap();
    assert_eq!(
        gongjiang_db::units::count(&mut conn).await.unwrap(),
        app.count_units().await
    );
    drop(conn);
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_configuration_is_refused_by_name() {
    let o = Command::new(env!("CARGO_BIN_EXE_gongjiang"))
        .args(["migrate"])
        .env("GONGJIANG_PROT", "9000")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("GONGJIANG_PROT"), "{}", text(&o));
}

async fn demo_database() -> (
    crate::common::Backend,
    gongjiang_app::Database,
    Vec<gongjiang_app::demo::DemoLogin>,
) {
    let (backend, url) = crate::common::fresh_database().await;
    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let logins = gongjiang_app::demo::load(&db).await.unwrap();
    (backend, db, logins)
}

#[tokio::test]
async fn the_demo_loads_the_same_believable_federation_every_time() {
    let (first_backend, first, logins) = demo_database().await;
    let (second_backend, second, _) = demo_database().await;
    let names = |db: gongjiang_app::Database| async move {
        let mut conn = db.read().await.unwrap();
        let people: Vec<String> = sqlx::query_scalar("SELECT name FROM people ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let banks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM question_banks")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let questions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM questions")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        (people, units, banks, questions)
    };
    let a = names(first.clone()).await;
    assert_eq!(a, names(second.clone()).await, "deterministic");
    assert!(
        a.0.len() > 300 && a.1 > 60,
        "a few hundred people in dozens of units"
    );
    assert_eq!((a.2, a.3), (4, 23), "a question bank per trade");
    let roles: Vec<&str> = logins.iter().map(|l| l.username.as_str()).collect();
    for role in ["admin", "unitadmin", "leader", "judge", "worker"] {
        assert!(roles.contains(&role), "a login for {role}");
    }
    assert!(
        gongjiang_app::audit::verify(&first)
            .await
            .unwrap()
            .is_intact()
    );
    // The demo worker can sit an open theory exam of each trade.
    let person: i64 = {
        let mut conn = first.read().await.unwrap();
        sqlx::query_scalar("SELECT person_id FROM users WHERE username = 'worker'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    let worker = gongjiang_app::Caller::system("test").with_person(Some(person));
    let exams = gongjiang_app::exams::Exams::start(first.clone());
    let open = exams.my_sessions(&worker).await.unwrap();
    assert_eq!(open.len(), 4);
    assert!(open.iter().all(|s| s.may_start));
    let attempt = exams
        .start_attempt(&worker, open[0].session.id)
        .await
        .unwrap();
    let view = exams.attempt(&worker, attempt).await.unwrap();
    assert!(view.questions.len() >= 5);
    // The competition: four tracks, entries approved through the tree and one waiting (the
    // demo worker's), the welders' panels with a confirmed one and a recusal.
    let system = gongjiang_app::Caller::system("test");
    let (competitions, total) =
        gongjiang_app::competitions::list(&first, gongjiang_db::Page::new(1, 10))
            .await
            .unwrap();
    assert_eq!(total, 1);
    let page = gongjiang_app::competitions::page(&first, &system, competitions[0].id)
        .await
        .unwrap();
    assert_eq!(page.tracks.len(), 4);
    let welding = page.tracks[0].row.id;
    let (approved, n) = gongjiang_app::entries::of_track(
        &first,
        &system,
        welding,
        Some(gongjiang_domain::competition::entry::EntryStage::Approved),
        false,
        gongjiang_db::Page::new(1, 200),
    )
    .await
    .unwrap();
    assert!(n >= 12, "welders entered: {n}");
    assert!(approved.iter().all(|e| e.stage.as_str() == "approved"));
    let mine = gongjiang_app::entries::mine(&first, &worker).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].stage.as_str(), "pending");
    let round = gongjiang_app::practical::page(&first, &system, welding)
        .await
        .unwrap();
    assert_eq!(round.panels.len(), 2);
    assert!(round.panels[0].panel.confirmed_at.is_some());
    let results = gongjiang_app::judging::results(&first, &system, round.panels[0].panel.id)
        .await
        .unwrap();
    assert!(
        results.scores.subjects.iter().all(|s| s.score.is_some()),
        "every entrant of the confirmed panel has a score"
    );
    let second_panel = gongjiang_app::judging::results(&first, &system, round.panels[1].panel.id)
        .await
        .unwrap();
    assert!(
        second_panel
            .scores
            .subjects
            .iter()
            .flat_map(|s| &s.trace.lines)
            .any(|l| l.status == gongjiang_domain::review::scoring::LineStatus::Recused)
    );
    // The CNC turners' track is final, with an answered objection and a valid certificate
    // for each prize; a star evaluation is closed with confirmations.
    let turning = page.tracks[2].row.id;
    let notice = gongjiang_app::notices::notice(&first, &system, turning)
        .await
        .unwrap();
    assert_eq!(notice.stage.as_str(), "final");
    assert!(notice.objections.iter().all(|o| o.outcome.0.is_some()));
    let issued = gongjiang_app::certificates::of_track(&first, &system, turning)
        .await
        .unwrap();
    assert_eq!(issued.len(), 6, "一等奖 1, 二等奖 2, 三等奖 3");
    let v = gongjiang_app::certificates::verify(&first, &issued[0].serial)
        .await
        .unwrap();
    assert_eq!(v.status, "valid");
    let cycles = gongjiang_app::star_cycles::list(&first, &system)
        .await
        .unwrap();
    assert_eq!(cycles.len(), 1);
    let cycle = gongjiang_app::star_cycles::page(&first, &system, cycles[0].id)
        .await
        .unwrap();
    assert!(cycle.cycle.closed_at.is_some());
    assert!(cycle.studios.iter().any(|s| s.confirmation.is_some()));
    assert!(cycle.studios.iter().any(|s| s.result.score.is_some()));
    assert!(
        gongjiang_app::audit::verify(&first)
            .await
            .unwrap()
            .is_intact()
    );
    assert!(
        gongjiang_app::demo::load(&first).await.is_err(),
        "never into a database that has data"
    );
    first.close().await;
    second.close().await;
    crate::common::remove(first_backend);
    crate::common::remove(second_backend);
}

/// Issue 13: the search index is rebuilt from the records by a command, and by the server
/// itself at start when records have no document; what was found is found again.
#[tokio::test]
async fn a_lost_search_index_is_rebuilt_by_the_command_and_at_start() {
    let app = TestApp::spawn().await;
    let id = app
        .fx()
        .achievement_from(crate::common::fixtures::AchievementSpec {
            published: true,
            ..app.fx().achievement_spec("索引重建测试成果")
        })
        .await;
    let engine = gongjiang_app::search_engine::SearchEngine::open(app.db(), None, 0)
        .await
        .unwrap();
    let found = || async {
        let r = gongjiang_app::search::search(
            &engine,
            None,
            "索引重建",
            &Default::default(),
            gongjiang_db::Page::new(1, 20),
        )
        .await
        .unwrap();
        r.found.iter().any(|f| f.hit.entity_id == id)
    };
    let lose = || async {
        let mut tx = app.db().begin().await.unwrap();
        sqlx::query("DELETE FROM search_docs")
            .execute(&mut *tx)
            .await
            .unwrap();
        gongjiang_db::commit(tx).await.unwrap();
    };
    assert!(found().await);
    lose().await;
    assert!(!found().await, "the index is gone");
    let o = gongjiang(&app.config.database_url, &["search", "rebuild"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("search index rebuilt"), "{}", text(&o));
    assert!(found().await, "found again after the command");

    lose().await;
    let second = app.another_instance().await;
    let started = std::time::Instant::now();
    while !found().await {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the server did not rebuild the index at start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    second.stop().await;
}
