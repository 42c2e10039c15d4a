//! `gongjiang bench exam`: entrants over HTTP against the server running as its own process.
//! They start within the start window, autosave every so often, and submit within the last
//! seconds of the exam; or, with `--saturate`, save back to back to find the ceiling. Reports
//! latencies per request kind, errors, the server's peak memory, and how many acknowledged
//! answers the database holds. Results and the machine: docs/benchmarks.md.

use crate::bench_http::HttpConn;
use anyhow::Context;
use gongjiang_app::Caller;
use gongjiang_app::exams::{Exams, SessionInput};
use gongjiang_domain::clock::{format_datetime, now_ms};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Plan {
    pub entrants: usize,
    pub start_window: Duration,
    pub autosave: Duration,
    pub exam: Duration,
    pub submit_window: Duration,
    /// Back-to-back saves for this long instead of the exam timeline.
    pub saturate: Option<Duration>,
}

#[derive(Default)]
struct Samples {
    latencies: HashMap<&'static str, Vec<f64>>,
    errors: HashMap<&'static str, usize>,
}

struct Entrant {
    /// `cookie:` and `x-csrf-token:` header lines, as the exam page's requests carry them.
    headers: String,
}

const GIFT: &str = include_str!("../crates/app/demo/焊工.gift");

/// Creates the entrants (people, accounts and live sessions written directly: logging in ten
/// thousand people through argon2 would measure argon2), a bank, a paper and an open session.
async fn prepare(
    db: &gongjiang_app::Database,
    entrants: usize,
) -> anyhow::Result<(i64, Vec<Entrant>)> {
    let system = Caller::system("bench");
    let unit = gongjiang_app::units::create(
        db,
        &system,
        gongjiang_app::units::UnitInput {
            parent_id: None,
            kind: "federation".into(),
            code: "BENCH".into(),
            name: "压测总工会".into(),
        },
    )
    .await?
    .id;
    let now = now_ms();
    let mut list = Vec::with_capacity(entrants);
    let mut tx = db.begin().await?;
    for n in 0..entrants {
        let person: i64 = sqlx::query_scalar("INSERT INTO people (unit_id, name, employee_no, gender, phone, email, trade, post, created_at, updated_at) VALUES ($1, $2, $3, '', '', '', '焊工', '', $4, $4) RETURNING id")
            .bind(unit)
            .bind(format!("考生{n:05}"))
            .bind(format!("B{n:05}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let user = gongjiang_db::users::insert(
            &mut tx,
            gongjiang_db::users::NewUser {
                person_id: Some(person),
                username: &format!("bench{n:05}"),
                display_name: &format!("考生{n:05}"),
                password_hash: "(bench: no password)",
                must_change_password: false,
            },
            now,
        )
        .await?;
        let headers = crate::bench_http::session_headers(&mut tx, user, now).await?;
        list.push(Entrant { headers });
    }
    gongjiang_db::commit(tx).await?;
    let bank = gongjiang_app::banks::create(db, &system, unit, "焊工理论题库", "焊工").await?;
    gongjiang_app::banks::import(db, &system, bank.id, "焊工.gift", GIFT.as_bytes()).await?;
    let questions =
        gongjiang_app::banks::questions(db, &system, bank.id, gongjiang_db::Page::new(1, 100))
            .await?
            .0
            .iter()
            .map(|q| q.record.id)
            .collect();
    let paper = gongjiang_app::papers::create(
        db,
        &system,
        gongjiang_app::papers::PaperInput {
            bank_id: bank.id,
            name: "焊工理论试卷".into(),
            mode: "fixed".into(),
            question_ids: questions,
            shuffle_questions: true,
            shuffle_options: true,
            ..Default::default()
        },
    )
    .await?;
    let exams = Exams::start(db.clone());
    let session = exams
        .create_session(
            &system,
            SessionInput {
                paper_id: paper.id,
                name: "压测考试".into(),
                opens: format_datetime(now - 3_600_000),
                closes: format_datetime(now + 24 * 3_600_000),
                limit_minutes: 600,
                grace_seconds: 10,
                attempts_allowed: 1,
                unit_ids: vec![unit],
                ..Default::default()
            },
        )
        .await?;
    Ok((session.id, list))
}

/// A valid answer to the question, different for every `seq`, as JSON.
fn answer(question: &Value, seq: i64) -> String {
    let options = question["options"].as_array().cloned().unwrap_or_default();
    match question["kind"].as_str().unwrap_or("") {
        "single_choice" | "multiple_choice" if !options.is_empty() => {
            json!({"type": "choice", "selected": [options[(seq as usize) % options.len()]["index"]]})
        }
        "true_false" => json!({"type": "true_false", "value": seq % 2 == 0}),
        "fill_in" => json!({"type": "fill_in", "blanks": [format!("答{seq}")]}),
        _ => json!({"type": "text", "text": format!("第{seq}稿")}),
    }
    .to_string()
}

/// `{"answers": [...]}` in the order the device made them (written directly: the load
/// generator's own work is taken from the server's share of the machine).
fn batch(pending: &HashMap<i64, (i64, String)>) -> String {
    let mut list: Vec<(&i64, &(i64, String))> = pending.iter().collect();
    list.sort_by_key(|(_, (seq, _))| *seq);
    let mut out = String::from("{\"answers\":[");
    for (i, (position, (seq, response))) in list.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"position\":{position},\"seq\":{seq},\"response\":{response}}}"
        ));
    }
    out.push_str("]}");
    out
}

/// What a save answers, as far as the entrant cares.
#[derive(serde::Deserialize)]
struct SavedReply {
    saved: Vec<(i64, i64)>,
}

struct Client {
    addr: std::net::SocketAddr,
    samples: Arc<Mutex<Samples>>,
}

impl Client {
    async fn call(
        &self,
        conn: &mut HttpConn,
        kind: &'static str,
        who: &Entrant,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Option<Vec<u8>> {
        let t = Instant::now();
        let result = conn.send(method, path, &who.headers, body).await;
        let ok = match result {
            Ok(r) if (200..300).contains(&r.status) => Some(r.body),
            _ => None,
        };
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if let Ok(mut s) = self.samples.lock() {
            match ok {
                Some(_) => s.latencies.entry(kind).or_default().push(ms),
                None => *s.errors.entry(kind).or_default() += 1,
            }
        }
        ok
    }
}

/// One entrant's exam; returns (attempt, position → highest acknowledged seq).
async fn sit(
    client: Arc<Client>,
    who: Entrant,
    session: i64,
    plan: Arc<Plan>,
    seed: u64,
    t0: Instant,
) -> Option<(i64, HashMap<i64, i64>)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let start_at = if plan.saturate.is_some() {
        Duration::ZERO
    } else {
        plan.start_window.mul_f64(rng.random())
    };
    tokio::time::sleep_until((t0 + start_at).into()).await;
    let mut conn = HttpConn::new(client.addr);
    let started = client
        .call(
            &mut conn,
            "start",
            &who,
            "POST",
            &format!("/api/v1/exam-sessions/{session}/attempts"),
            None,
        )
        .await?;
    let started: Value = serde_json::from_slice(&started).ok()?;
    let attempt = started["attempt_id"].as_i64()?;
    let view = client
        .call(
            &mut conn,
            "load",
            &who,
            "GET",
            &format!("/api/v1/attempts/{attempt}"),
            None,
        )
        .await?;
    let view: Value = serde_json::from_slice(&view).ok()?;
    let questions = view["questions"].as_array()?.clone();
    let mut seq = 0i64;
    let mut pending: HashMap<i64, (i64, String)> = HashMap::new();
    let mut acked: HashMap<i64, i64> = HashMap::new();
    let mut change = |pending: &mut HashMap<i64, (i64, String)>, rng: &mut StdRng| {
        seq += 1;
        let q = &questions[rng.random_range(0..questions.len())];
        let position = q["position"].as_i64().unwrap_or(0);
        pending.insert(position, (seq, answer(q, seq)));
    };
    let save_path = format!("/api/v1/attempts/{attempt}/answers");
    let save = async |conn: &mut HttpConn,
                      pending: &mut HashMap<i64, (i64, String)>,
                      acked: &mut HashMap<i64, i64>| {
        if let Some(body) = client
            .call(
                conn,
                "save",
                &who,
                "POST",
                &save_path,
                Some(&batch(pending)),
            )
            .await
            && let Ok(reply) = serde_json::from_slice::<SavedReply>(&body)
        {
            for (p, s) in reply.saved {
                let best = acked.entry(p).or_insert(0);
                *best = (*best).max(s);
                if pending.get(&p).is_some_and(|(ps, _)| *ps <= s) {
                    pending.remove(&p);
                }
            }
        }
    };
    if let Some(run) = plan.saturate {
        let until = Instant::now() + run;
        while Instant::now() < until {
            change(&mut pending, &mut rng);
            save(&mut conn, &mut pending, &mut acked).await;
        }
        return Some((attempt, acked));
    }
    let submit_at = plan
        .exam
        .saturating_sub(plan.submit_window.mul_f64(rng.random()));
    let mut next = start_at + plan.autosave;
    while next < submit_at {
        tokio::time::sleep_until((t0 + next).into()).await;
        change(&mut pending, &mut rng);
        change(&mut pending, &mut rng);
        save(&mut conn, &mut pending, &mut acked).await;
        next += plan.autosave;
    }
    tokio::time::sleep_until((t0 + submit_at).into()).await;
    change(&mut pending, &mut rng);
    let body = batch(&pending);
    if client
        .call(
            &mut conn,
            "submit",
            &who,
            "POST",
            &format!("/api/v1/attempts/{attempt}/submit"),
            Some(&body),
        )
        .await
        .is_some()
    {
        for (p, (s, _)) in pending {
            let best = acked.entry(p).or_insert(0);
            *best = (*best).max(s);
        }
    }
    Some((attempt, acked))
}

pub(crate) fn peak_memory_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Runs the plan against `database_url` (which must be empty) and prints the figures.
pub async fn run(database_url: &str, plan: Plan) -> anyhow::Result<()> {
    let db = gongjiang_app::Database::connect(database_url).await?;
    db.migrate().await?;
    let (session, entrants) = prepare(&db, plan.entrants).await?;
    let port = free_port()?;
    let mut server = std::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env("GONGJIANG_DATABASE_URL", database_url)
        .env("GONGJIANG_PORT", port.to_string())
        .env("GONGJIANG_BIND", "127.0.0.1")
        .env("GONGJIANG_LOG", "warn")
        .env_remove("GONGJIANG_CONFIG")
        .spawn()
        .context("cannot start the server")?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .timeout(Duration::from_secs(60))
        .build()?;
    let mut up = false;
    for _ in 0..200 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(up, "the server did not start");
    let client = Arc::new(Client {
        addr: ([127, 0, 0, 1], port).into(),
        samples: Arc::default(),
    });
    let plan = Arc::new(plan);
    let t0 = Instant::now() + Duration::from_millis(200);
    let mut tasks = Vec::with_capacity(entrants.len());
    for (n, who) in entrants.into_iter().enumerate() {
        tasks.push(tokio::spawn(sit(
            client.clone(),
            who,
            session,
            plan.clone(),
            7 + n as u64,
            t0,
        )));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        if let Some(o) = t.await? {
            outcomes.push(o);
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let memory = peak_memory_kb(server.id());
    let _ = server.kill();
    let _ = server.wait();

    let mut conn = db.read().await?;
    let mut acknowledged = 0usize;
    let mut stored = 0usize;
    for (attempt, acked) in &outcomes {
        let held: HashMap<i64, i64> = gongjiang_db::attempts::answers(&mut conn, *attempt)
            .await?
            .into_iter()
            .map(|a| (a.position, a.client_seq))
            .collect();
        for (p, s) in acked {
            acknowledged += 1;
            if held.get(p).is_some_and(|h| h >= s) {
                stored += 1;
            }
        }
    }
    drop(conn);
    db.close().await;

    let samples = client
        .samples
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?;
    println!("  {} entrants, {:.0} s", plan.entrants, elapsed);
    for kind in ["start", "load", "save", "submit"] {
        let mut l = samples.latencies.get(kind).cloned().unwrap_or_default();
        if l.is_empty() && !samples.errors.contains_key(kind) {
            continue;
        }
        l.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| quantile(&l, q);
        println!(
            "  {kind:<7} {:>8} ok {:>5} errors  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>8.1} ms",
            l.len(),
            samples.errors.get(kind).copied().unwrap_or(0),
            at(0.5),
            at(0.99),
            l.last().copied().unwrap_or(0.0)
        );
    }
    let saves = samples.latencies.get("save").map(Vec::len).unwrap_or(0);
    if let Some(run) = plan.saturate {
        println!(
            "  answer saves per second (saturation): {:.0}",
            saves as f64 / run.as_secs_f64()
        );
    } else {
        println!(
            "  answer saves per second (mean over the run): {:.0}",
            saves as f64 / elapsed
        );
    }
    if let Some(kb) = memory {
        println!(
            "  server peak memory (VmHWM): {:.0} MiB",
            kb as f64 / 1024.0
        );
    }
    println!(
        "  answers acknowledged: {acknowledged}, stored: {stored}, lost: {}",
        acknowledged - stored
    );
    Ok(())
}

/// The `q` quantile of sorted samples (0 when there are none).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}
