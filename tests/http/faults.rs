//! Faults survived (issue 12), each on the database it concerns: PostgreSQL going away in the
//! middle of an exam, the disk filling up under SQLite, an instance killed while another keeps
//! serving the same entrants. In each, no acknowledged answer is lost.

use crate::common::{TestApp, on_postgres};
use crate::crash::{
    Outcome, entrant, entrants, free_port, nothing_acknowledged_lost, ready, serve,
};
use crate::exams::{exam, start};
use gongjiang_domain::clock::now_ms;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Logs each entrant in through `app.base`, starts their attempt and sets them going on
/// `bases` (the first, then the next when one stops answering).
async fn sit(
    app: &TestApp,
    bases: &[String],
    usernames: &[String],
    session: i64,
    errors: &Arc<AtomicUsize>,
) -> (
    Vec<tokio::task::JoinHandle<Outcome>>,
    Arc<tokio::sync::Barrier>,
) {
    let go = Arc::new(tokio::sync::Barrier::new(usernames.len() + 1));
    let mut tasks = Vec::new();
    for username in usernames {
        let client = app.login(username).await;
        let csrf = app.token(&client).await;
        let r = start(app, &client, session).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let attempt = r.json::<Value>().await.unwrap()["attempt_id"]
            .as_i64()
            .unwrap();
        tasks.push(tokio::spawn(entrant(
            bases.to_vec(),
            client,
            csrf,
            attempt,
            errors.clone(),
            go.clone(),
        )));
    }
    (tasks, go)
}

/// PostgreSQL stops taking this database's connections and drops the open ones (as a restart
/// does) in the middle of an exam: readiness says 503 while it is away, saves are refused
/// with 503 and retried, the pool reconnects, and every acknowledged answer is there.
#[tokio::test]
async fn postgres_going_away_mid_exam_loses_nothing_acknowledged() {
    if !on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let (admin_url, name) = app.postgres_database().unwrap();
    let usernames = entrants(&app, 8).await;
    let now = now_ms();
    let exam = exam(
        &app,
        now - 60_000,
        now + 3_600_000,
        json!({"grace_seconds": 5}),
    )
    .await;
    let errors = Arc::new(AtomicUsize::new(0));
    let bases = [app.base.clone()];
    let (tasks, go) = sit(&app, &bases, &usernames, exam.session, &errors).await;
    go.wait().await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let admin = gongjiang_app::Database::connect(&admin_url).await.unwrap();
    let run = |sql: String| {
        let admin = &admin;
        async move {
            let mut conn = admin.read().await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await
                .unwrap();
        }
    };
    run(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;
    let client = Client::new();
    let mut saw_503 = false;
    for _ in 0..40 {
        let r = client.get(app.url("/readyz")).send().await.unwrap();
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            saw_503 = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    run(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    admin.close().await;
    assert!(saw_503, "readiness said the database was away");
    ready(&app.base).await;

    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    assert!(
        errors.load(Ordering::Relaxed) > 0,
        "the outage met clients in the middle of their saves"
    );
    assert!(nothing_acknowledged_lost(app.db(), &outcomes).await >= usernames.len());
}

/// Under SQLite the disk fills up in the middle of an exam: saves are refused with a clear
/// 503 (`storage_full`), nothing is corrupted, and once space is freed saves go on.
#[tokio::test]
async fn a_full_disk_refuses_writes_clearly_and_recovers() {
    if on_postgres() {
        return;
    }
    let mut app = TestApp::spawn().await;
    let now = now_ms();
    let exam = exam(&app, now - 60_000, now + 3_600_000, json!({})).await;
    let source = app.config.database_url.clone();
    app.stop().await;
    let source = source.trim_start_matches("sqlite://");
    let source = source.split('?').next().unwrap().to_owned();

    // A disk of its own, just larger than the database: a small tmpfs (root only).
    let disk = std::env::temp_dir().join(format!("gj-full-{}", std::process::id()));
    let _ = std::process::Command::new("umount").arg(&disk).output();
    std::fs::create_dir_all(&disk).unwrap();
    let used: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{source}{s}")).ok())
        .map(|m| m.len())
        .sum();
    let size = used + 384 * 1024;
    let mount = |options: String| {
        let o = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &options, "tmpfs"])
            .arg(&disk)
            .output()
            .expect("mount runs");
        assert!(
            o.status.success(),
            "this test fills a disk of its own, a small tmpfs, and needs root to mount it: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    mount(format!("size={size}"));
    for suffix in ["", "-wal"] {
        if std::path::Path::new(&format!("{source}{suffix}")).exists() {
            std::fs::copy(
                format!("{source}{suffix}"),
                disk.join(format!("gongjiang.db{suffix}")),
            )
            .unwrap();
        }
    }
    let url = format!("sqlite://{}/gongjiang.db", disk.display());
    let port = free_port();
    app.base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&url, port);
    ready(&app.base).await;

    let worker = app.login("worker").await;
    let csrf = app.token(&worker).await;
    let attempt = crate::exams::started(&app, &worker, exam.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    let essay = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "short_answer")
        .cloned()
        .expect("an essay question");
    let position = essay["position"].as_i64().unwrap();
    let save = |seq: i64| {
        let (worker, csrf, url) = (
            worker.clone(),
            csrf.clone(),
            app.url(&format!("/api/v1/attempts/{attempt}/answers")),
        );
        async move {
            let text: String = format!("第{seq}稿：").repeat(400);
            worker
                .post(url)
                .header("x-csrf-token", csrf)
                .json(&json!({"answers": [{"position": position, "seq": seq,
                    "response": {"type": "text", "text": text}}]}))
                .send()
                .await
                .unwrap()
        }
    };
    let mut acked = 0;
    let mut refusal = None;
    for seq in 1..=2_000 {
        let r = save(seq).await;
        if r.status() == StatusCode::OK {
            acked = seq;
            continue;
        }
        refusal = Some((
            r.status(),
            r.headers().clone(),
            r.json::<Value>().await.unwrap(),
        ));
        break;
    }
    let (status, headers, body) = refusal.expect("the disk filled up");
    assert!(acked > 0, "some saves went through before");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "storage_full", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("存储空间已满")
    );
    assert!(headers.contains_key("retry-after"));
    // Space is freed: saves go on, from where the client was.
    mount(format!("remount,size={}", size + 64 * 1024 * 1024));
    let r = save(acked + 1).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    server.kill().unwrap();
    server.wait().unwrap();

    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    {
        let mut conn = db.read().await.unwrap();
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(integrity, "ok");
        let stored = gongjiang_db::attempts::answers(&mut conn, attempt)
            .await
            .unwrap();
        let seq = stored
            .iter()
            .find(|a| a.position == position)
            .map(|a| a.client_seq);
        assert_eq!(seq, Some(acked + 1));
    }
    assert!(gongjiang_app::audit::verify(&db).await.unwrap().is_intact());
    db.close().await;
    let _ = std::process::Command::new("umount").arg(&disk).output();
    let _ = std::fs::remove_dir_all(&disk);
}

/// Two instances serve the same entrants; one is killed outright in the middle of a surge and
/// the entrants go on through the other: nothing acknowledged by the dead one is lost.
#[tokio::test]
async fn an_instance_killed_while_another_serves_loses_nothing_acknowledged() {
    let mut app = TestApp::spawn().await;
    let usernames = entrants(&app, 12).await;
    let now = now_ms();
    let exam = exam(
        &app,
        now - 60_000,
        now + 3_600_000,
        json!({"grace_seconds": 5}),
    )
    .await;
    let url = app.config.database_url.clone();
    app.stop().await;
    let (first, second) = (free_port(), free_port());
    let bases = [
        format!("http://127.0.0.1:{first}"),
        format!("http://127.0.0.1:{second}"),
    ];
    let mut doomed = serve(&url, first);
    let mut survivor = serve(&url, second);
    ready(&bases[0]).await;
    ready(&bases[1]).await;
    app.base = bases[0].clone();

    let errors = Arc::new(AtomicUsize::new(0));
    let (tasks, go) = sit(&app, &bases, &usernames, exam.session, &errors).await;
    go.wait().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    survivor.kill().unwrap();
    survivor.wait().unwrap();
    assert!(
        errors.load(Ordering::Relaxed) > 0,
        "the kill met clients in the middle of their saves"
    );
    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    assert!(nothing_acknowledged_lost(&db, &outcomes).await >= usernames.len());
    db.close().await;
}
