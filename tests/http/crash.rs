//! Nothing acknowledged is lost: the server process is killed with SIGKILL in the middle of
//! an answer surge, started again, and every answer it had acknowledged is there; the clients
//! resend what was not acknowledged (as the exam page does) and finish their attempts.

use crate::common::{PASSWORD, TestApp};
use crate::exams::{exam, start};
use gongjiang_app::{Caller, accounts, people};
use gongjiang_domain::clock::now_ms;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const ENTRANTS: usize = 24;
const CHANGES: i64 = 40;

/// A port nobody listens on, for a server started as its own process.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn serve(url: &str, port: u16) -> Child {
    serve_with_index(url, port, std::path::Path::new("memory"))
}

/// A server as its own process, keeping its search index in `index` (a folder, or `memory`).
pub fn serve_with_index(url: &str, port: u16, index: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gongjiang"))
        .arg("serve")
        .env("GONGJIANG_DATABASE_URL", url)
        .env("GONGJIANG_PORT", port.to_string())
        .env("GONGJIANG_BIND", "127.0.0.1")
        .env("GONGJIANG_LOG", "warn")
        .env("GONGJIANG_SEARCH_INDEX", index)
        .env_remove("GONGJIANG_CONFIG")
        .spawn()
        .expect("the server starts")
}

pub async fn ready(base: &str) {
    let client = Client::new();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up at {base}");
}

/// A valid answer to the question, different for every `seq`.
fn answer(question: &Value, seq: i64) -> Value {
    let options = question["options"].as_array().cloned().unwrap_or_default();
    match question["kind"].as_str().unwrap() {
        "single_choice" | "multiple_choice" => {
            let pick = &options[(seq as usize) % options.len()];
            json!({"type": "choice", "selected": [pick["index"]]})
        }
        "true_false" => json!({"type": "true_false", "value": seq % 2 == 0}),
        "fill_in" => json!({"type": "fill_in", "blanks": [format!("答{seq}")]}),
        _ => json!({"type": "text", "text": format!("第{seq}稿")}),
    }
}

pub struct Outcome {
    pub attempt: i64,
    /// What the server acknowledged: position → highest acknowledged seq.
    pub acked: HashMap<i64, i64>,
    /// The last seq the client gave each position.
    pub last: HashMap<i64, i64>,
}

/// One entrant: changes answers one after another, sending everything not yet acknowledged
/// each time (in order, retrying through errors and 503s, as the exam page does), then
/// submits. Given several instances (`bases`), it moves to the next when one stops answering,
/// as a load balancer would.
pub async fn entrant(
    bases: Vec<String>,
    client: Client,
    csrf: String,
    attempt: i64,
    errors: Arc<AtomicUsize>,
    go: Arc<tokio::sync::Barrier>,
) -> Outcome {
    let view: Value = loop {
        match client
            .get(format!("{}/api/v1/attempts/{attempt}", bases[0]))
            .send()
            .await
        {
            Ok(r) if r.status() == StatusCode::OK => break r.json().await.unwrap(),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let questions = view["questions"].as_array().unwrap().clone();
    let mut on = 0;
    // Everyone surges together.
    go.wait().await;
    let mut pending: HashMap<i64, (i64, Value)> = HashMap::new();
    let mut acked = HashMap::new();
    let mut last = HashMap::new();
    let send = |path: String, body: Value| {
        let client = client.clone();
        let csrf = csrf.clone();
        async move {
            client
                .post(path)
                .header("x-csrf-token", csrf)
                .json(&body)
                .send()
                .await
        }
    };
    for seq in 1..=CHANGES {
        let q = &questions[(seq as usize) % questions.len()];
        let position = q["position"].as_i64().unwrap();
        pending.insert(position, (seq, answer(q, seq)));
        last.insert(position, seq);
        loop {
            let mut batch: Vec<Value> = pending
                .iter()
                .map(|(p, (s, r))| json!({"position": p, "seq": s, "response": r}))
                .collect();
            batch.sort_by_key(|a| a["seq"].as_i64());
            let r = send(
                format!(
                    "{}/api/v1/attempts/{attempt}/answers",
                    bases[on % bases.len()]
                ),
                json!({ "answers": batch }),
            )
            .await;
            match r {
                Ok(r) if r.status() == StatusCode::OK => {
                    let body: Value = r.json().await.unwrap();
                    for pair in body["saved"].as_array().unwrap() {
                        let (p, s) = (pair[0].as_i64().unwrap(), pair[1].as_i64().unwrap());
                        let best = acked.entry(p).or_insert(0);
                        *best = (*best).max(s);
                        if pending.get(&p).is_some_and(|(ps, _)| *ps <= s) {
                            pending.remove(&p);
                        }
                    }
                    break;
                }
                Ok(r) if r.status() != StatusCode::SERVICE_UNAVAILABLE => {
                    panic!("save refused: {} {}", r.status(), r.text().await.unwrap())
                }
                _ => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    on += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    loop {
        let r = send(
            format!(
                "{}/api/v1/attempts/{attempt}/submit",
                bases[on % bases.len()]
            ),
            json!({"answers": []}),
        )
        .await;
        match r {
            Ok(r) if r.status() == StatusCode::OK => break,
            Ok(r) if r.status() != StatusCode::SERVICE_UNAVAILABLE => {
                panic!("submit refused: {} {}", r.status(), r.text().await.unwrap())
            }
            _ => {
                on += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    Outcome {
        attempt,
        acked,
        last,
    }
}

/// Every answer a client saw acknowledged is stored (at that seq or a later one).
pub async fn nothing_acknowledged_lost(
    db: &gongjiang_app::Database,
    outcomes: &[Outcome],
) -> usize {
    let mut conn = db.read().await.unwrap();
    let mut checked = 0;
    for o in outcomes {
        let stored: HashMap<i64, i64> = gongjiang_db::attempts::answers(&mut conn, o.attempt)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.position, a.client_seq))
            .collect();
        for (position, seq) in &o.acked {
            assert!(
                stored.get(position).is_some_and(|s| s >= seq),
                "attempt {} position {position}: acknowledged {seq}, stored {:?}",
                o.attempt,
                stored.get(position)
            );
            checked += 1;
        }
        for (position, seq) in &o.last {
            assert_eq!(stored.get(position), Some(seq), "the client's last change");
        }
    }
    checked
}

/// `n` people of the seed's branch with accounts `entrant00`, `entrant01`, …
pub async fn entrants(app: &TestApp, n: usize) -> Vec<String> {
    let caller = Caller::system("test");
    let mut usernames = Vec::new();
    for i in 0..n {
        let person = people::create(
            app.db(),
            &caller,
            people::PersonInput {
                unit_id: app.seed.branch,
                name: format!("考生{i:02}"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let username = format!("entrant{i:02}");
        accounts::create_for_person(app.db(), &caller, person.id, &username, Some(PASSWORD))
            .await
            .unwrap();
        usernames.push(username);
    }
    usernames
}

#[tokio::test]
async fn a_killed_server_loses_no_acknowledged_answer_and_clients_finish() {
    let mut app = TestApp::spawn().await;
    let usernames = entrants(&app, ENTRANTS).await;
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

    // The server as its own process, so that it can be killed outright.
    let port = free_port();
    app.base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&url, port);
    ready(&app.base).await;

    let errors = Arc::new(AtomicUsize::new(0));
    let go = Arc::new(tokio::sync::Barrier::new(ENTRANTS + 1));
    let mut tasks = Vec::new();
    for username in &usernames {
        let client = app.login(username).await;
        let csrf = app.token(&client).await;
        let r = start(&app, &client, exam.session).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let attempt = r.json::<Value>().await.unwrap()["attempt_id"]
            .as_i64()
            .unwrap();
        tasks.push(tokio::spawn(entrant(
            vec![app.base.clone()],
            client,
            csrf,
            attempt,
            errors.clone(),
            go.clone(),
        )));
    }
    go.wait().await;
    // In the middle of the surge: SIGKILL, no chance to flush or finish anything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let acked_before = {
        let db = gongjiang_app::Database::connect(&url).await.unwrap();
        let mut conn = db.read().await.unwrap();
        let n = gongjiang_db::attempts::count_answers(&mut conn, exam.session)
            .await
            .unwrap();
        drop(conn);
        db.close().await;
        n
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut server = serve(&url, port);
    ready(&app.base).await;

    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(acked_before > 0, "the kill came after answers were stored");
    assert!(
        errors.load(Ordering::Relaxed) > 0,
        "the kill interrupted clients in the middle of their saves"
    );

    let db = gongjiang_app::Database::connect(&url).await.unwrap();
    assert!(nothing_acknowledged_lost(&db, &outcomes).await >= ENTRANTS);
    // Every attempt was submitted by its entrant, and graded.
    let mut conn = db.read().await.unwrap();
    for o in &outcomes {
        let attempt = gongjiang_db::attempts::get(&mut conn, o.attempt)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(attempt.submitted_by.as_deref(), Some("entrant"));
        assert!(attempt.score.is_some());
    }
    drop(conn);
    db.close().await;
}
