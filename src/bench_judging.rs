//! Judges at scale: every judge of a competition's practical round saves their scores at the
//! same moment over HTTP, against the server as its own process, each on the keep-alive
//! connection that opened their sheet; the baseline in the same run is the same judges reading
//! who they are (`/api/v1/me`) at the same concurrency, at once and back to back. Then the
//! track's results (ranks and prizes from every panel's scores) are recomputed in process.

use crate::bench_exam::quantile;
use crate::bench_http::HttpConn;
use gongjiang_app::Caller;
use gongjiang_domain::clock::now_ms;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Judge {
    headers: String,
    panel: i64,
    /// (entry, criterion) pairs to score.
    work: Vec<(i64, i64)>,
}

async fn prepare(
    db: &gongjiang_app::Database,
    panels: usize,
    per_panel: usize,
) -> anyhow::Result<(i64, Vec<Judge>)> {
    let system = Caller::system("bench");
    let (enterprises, competition) =
        crate::bench_results::federation_competition(db, &system, 1).await?;
    let enterprise = enterprises[0];
    let track = gongjiang_app::competitions::add_track(
        db,
        &system,
        competition,
        gongjiang_domain::competition::TrackInput {
            name: "焊工".into(),
            trade: "焊工".into(),
            kind: "individual".into(),
            practical_weight: "100".into(),
            prizes: gongjiang_domain::competition::tier_lines("一等奖 10\n二等奖 20\n三等奖 30"),
            ..Default::default()
        },
    )
    .await?
    .row
    .id;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let mut people = Vec::new();
    for n in 0..panels * per_panel {
        let person: i64 = sqlx::query_scalar("INSERT INTO people (unit_id, name, employee_no, gender, phone, email, trade, post, created_at, updated_at) VALUES ($1, $2, $3, '', '', '', '焊工', '', $4, $4) RETURNING id")
            .bind(enterprise)
            .bind(format!("选手{n:05}"))
            .bind(format!("E{n:05}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        people.push(person);
    }
    let mut judges = Vec::new();
    for user in crate::bench_results::insert_judges(&mut tx, panels * 5, now).await? {
        judges.push(crate::bench_http::session_headers(&mut tx, user, now).await?);
    }
    gongjiang_db::commit(tx).await?;
    for person in people {
        gongjiang_app::entries::enrol(db, &system, track, person, Default::default()).await?;
    }
    let setup = gongjiang_app::practical::set_up(
        db,
        &system,
        track,
        gongjiang_app::practical::SetupInput {
            criteria: "操作规范 40\n焊点质量 40\n按时完成 20".into(),
            ..Default::default()
        },
    )
    .await?;
    let criteria: Vec<i64> = setup.criteria.iter().map(|c| c.id).collect();
    let mut panel_ids = Vec::new();
    for p in 0..panels {
        let panel =
            gongjiang_app::practical::add_panel(db, &system, track, &format!("第{}组", p + 1))
                .await?
                .id;
        let lines: Vec<String> = (0..5)
            .map(|j| format!("{}judge{:05}", if j == 0 { "*" } else { "" }, p * 5 + j))
            .collect();
        gongjiang_app::practical::set_judges(db, &system, panel, &lines.join("\n")).await?;
        panel_ids.push(panel);
    }
    gongjiang_app::practical::draw(db, &system, track).await?;
    let mut out = Vec::new();
    let mut conn = db.read().await?;
    for (p, panel) in panel_ids.iter().enumerate() {
        let entrants = gongjiang_db::practical::panel_entrants(&mut conn, *panel).await?;
        let work: Vec<(i64, i64)> = entrants
            .iter()
            .flat_map(|e| criteria.iter().map(move |c| (e.entry_id, *c)))
            .collect();
        for j in 0..5 {
            out.push(Judge {
                headers: judges[p * 5 + j].clone(),
                panel: *panel,
                work: work.clone(),
            });
        }
    }
    Ok((track, out))
}

/// Each judge's keep-alive connection, kept from one phase to the next (a judge's phone has
/// the sheet open before the first score, so a save does not pay for a new connection).
type Conns = Arc<Vec<tokio::sync::Mutex<HttpConn>>>;

/// Every judge runs `requests` at once from `start`; the latencies in ms, and the failures.
async fn at_once<F>(
    conns: &Conns,
    judges: &Arc<Vec<Judge>>,
    request: F,
) -> anyhow::Result<(Vec<f64>, usize, f64)>
where
    F: Fn(&Judge, usize) -> Option<(String, String, Option<String>)> + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let start = Instant::now() + Duration::from_millis(300);
    let mut tasks = Vec::new();
    for i in 0..judges.len() {
        let (judges, request, conns) = (judges.clone(), request.clone(), conns.clone());
        tasks.push(tokio::spawn(async move {
            let judge = &judges[i];
            let mut conn = conns[i].lock().await;
            let (mut latencies, mut failed) = (Vec::new(), 0usize);
            tokio::time::sleep_until(start.into()).await;
            let mut n = 0;
            while let Some((method, path, body)) = request(judge, n) {
                let t = Instant::now();
                match conn
                    .send(&method, &path, &judge.headers, body.as_deref())
                    .await
                {
                    Ok(r) if r.status == 200 => latencies.push(t.elapsed().as_secs_f64() * 1e3),
                    _ => failed += 1,
                }
                n += 1;
            }
            (latencies, failed)
        }));
    }
    let (mut all, mut failed) = (Vec::new(), 0);
    for t in tasks {
        let (l, f) = t.await?;
        all.extend(l);
        failed += f;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    Ok((all, failed, elapsed))
}

fn line(what: &str, l: &[f64], failed: usize, secs: f64) {
    println!(
        "{what}: {} requests in {secs:.1} s ({:.0}/s), failed {failed}; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        l.len(),
        l.len() as f64 / secs,
        quantile(l, 0.5),
        quantile(l, 0.99),
        l.last().copied().unwrap_or(0.0)
    );
}

pub async fn run(database_url: &str, panels: usize, per_panel: usize) -> anyhow::Result<()> {
    let db = gongjiang_app::Database::connect(database_url).await?;
    db.migrate().await?;
    let prepared = Instant::now();
    let (track, judges) = prepare(&db, panels, per_panel).await?;
    println!(
        "{} judges on {panels} panels, {} entrants, 3 criteria (prepared in {:.1} s)",
        judges.len(),
        panels * per_panel,
        prepared.elapsed().as_secs_f64()
    );
    let server = crate::bench_http::ServerProcess::start(
        database_url,
        &[("GONGJIANG_API_REQUESTS_PER_MINUTE", "0")],
    )
    .await?;
    let judges = Arc::new(judges);
    let conns: Conns = Arc::new(
        judges
            .iter()
            .map(|_| tokio::sync::Mutex::new(HttpConn::new(server.addr)))
            .collect(),
    );
    let per_judge = judges.first().map_or(0, |j| j.work.len());
    // Each judge opens their sheet, then the baselines: everyone reads who they are at the
    // same moment, then back to back.
    let (_, sheet_failed, _) = at_once(&conns, &judges, |j, n| {
        (n == 0).then(|| {
            (
                "GET".into(),
                format!("/api/v1/panels/{}/sheet", j.panel),
                None,
            )
        })
    })
    .await?;
    anyhow::ensure!(sheet_failed == 0, "every judge opens the sheet");
    let (base_burst, base_burst_failed, base_burst_secs) = at_once(&conns, &judges, |_, n| {
        (n == 0).then(|| ("GET".into(), "/api/v1/me".into(), None))
    })
    .await?;
    let (base, base_failed, base_secs) = at_once(&conns, &judges, move |_, n| {
        (n < per_judge).then(|| ("GET".into(), "/api/v1/me".into(), None))
    })
    .await?;
    let save = |j: &Judge, n: usize| {
        let (entry, criterion) = *j.work.get(n)?;
        let points = 10 + (entry + criterion + n as i64) % 10;
        Some((
            "POST".to_owned(),
            format!("/api/v1/panels/{}/scores", j.panel),
            Some(format!(
                "{{\"entry_id\":{entry},\"criterion_id\":{criterion},\"points\":\"{points}\"}}"
            )),
        ))
    };
    // Every judge's first score at the same moment: 200 saves in flight at once.
    let (burst, burst_failed, burst_secs) =
        at_once(
            &conns,
            &judges,
            move |j, n| if n == 0 { save(j, 0) } else { None },
        )
        .await?;
    // Then the rest back to back, with no pause between saves (far more than judges type).
    let (saves, failed, secs) = at_once(&conns, &judges, |j, n| {
        let n = n + 1;
        let (entry, criterion) = *j.work.get(n)?;
        let points = 10 + (entry + criterion + n as i64) % 10;
        Some((
            "POST".into(),
            format!("/api/v1/panels/{}/scores", j.panel),
            Some(format!(
                "{{\"entry_id\":{entry},\"criterion_id\":{criterion},\"points\":\"{points}\"}}"
            )),
        ))
    })
    .await?;
    drop(server);
    line(
        "baseline, one GET /api/v1/me each, all at once",
        &base_burst,
        base_burst_failed,
        base_burst_secs,
    );
    line(
        "baseline, GET /api/v1/me back to back",
        &base,
        base_failed,
        base_secs,
    );
    line(
        "one save each, all at once",
        &burst,
        burst_failed,
        burst_secs,
    );
    line("the other saves, back to back", &saves, failed, secs);
    println!(
        "p99 of the saves at once / p99 of the reads at once = {:.1}; target: p99 of a save under 50 ms",
        quantile(&burst, 0.99) / quantile(&base_burst, 0.99).max(1e-9)
    );
    let mut conn = db.read().await?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scores")
        .fetch_one(&mut *conn)
        .await?;
    drop(conn);
    println!(
        "scores stored: {stored} (acknowledged: {})",
        burst.len() + saves.len()
    );
    let system = Caller::system("bench");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = gongjiang_app::results::of_track(&db, &system, track).await?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(r.unscored == 0, "every entrant scored");
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "results of the track recomputed ({} entrants, {panels} panels): median {:.0} ms, best {:.0} ms",
        panels * per_panel,
        times[2],
        times[0]
    );
    db.close().await;
    Ok(())
}
