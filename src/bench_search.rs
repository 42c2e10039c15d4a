//! `gongjiang bench search`: the registry's search and public pages at scale. Fills a fresh
//! database with N achievements (Chinese texts from a realistic vocabulary, indexed as the
//! services index them), measures search latency in-process over a fixed set of queries, then
//! starts the server as its own process and loads the public pages with concurrent clients,
//! against `/healthz` as the baseline of the same run. Results: docs/benchmarks.md.

use crate::bench_exam::{free_port, peak_memory_kb, quantile};
use anyhow::Context;
use gongjiang_app::Caller;
use gongjiang_db::search::{Document, SearchFilter};
use gongjiang_db::units::NewUnit;
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::achievement::{AchievementKind, AchievementText};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const THINGS: &[(&str, Field)] = &[
    ("连铸机结晶器", Field::Traditional),
    ("转炉炉口", Field::Traditional),
    ("高炉炉缸", Field::Traditional),
    ("热轧带钢", Field::Traditional),
    ("冷轧板形", Field::Traditional),
    ("数控机床主轴", Field::AdvancedManufacturing),
    ("加工中心夹具", Field::AdvancedManufacturing),
    ("转向架构架", Field::AdvancedManufacturing),
    ("白车身焊点", Field::AdvancedManufacturing),
    ("电驱总成", Field::AdvancedManufacturing),
    ("卫星电装线束", Field::Aerospace),
    ("火箭贮箱焊缝", Field::Aerospace),
    ("光伏组件", Field::EnergyEnvironment),
    ("储能电池簇", Field::EnergyEnvironment),
    ("锅炉燃烧", Field::EnergyEnvironment),
    ("污水曝气", Field::EnergyEnvironment),
    ("设备振动数据", Field::ArtificialIntelligence),
    ("表面缺陷图像", Field::ArtificialIntelligence),
    ("抗体纯化工艺", Field::Biomedicine),
    ("静脉用药调配", Field::Biomedicine),
    ("抢修工单派发", Field::InformationTechnology),
    ("柜面业务系统", Field::InformationTechnology),
    ("碳纤维复合材料", Field::NewMaterials),
    ("受电弓碳滑板", Field::Transport),
    ("接触网隔离开关", Field::Transport),
    ("机场行李分拣", Field::Transport),
    ("盾构刀具", Field::Construction),
    ("管廊管线", Field::Construction),
    ("茶叶杀青", Field::Services),
    ("养老护理操作", Field::Services),
];

const ACTIONS: &[&str] = &[
    "在线监测系统",
    "自动控制改进",
    "工艺优化",
    "快速更换装置",
    "故障诊断方法",
    "节能降耗改造",
    "防错改造",
    "智能检测装置",
    "作业流程优化",
    "安全防护改造",
    "寿命延长技术",
    "精度提升方法",
];

const PLACES: &[&str] = &[
    "炼钢厂",
    "热轧厂",
    "总装车间",
    "机加工车间",
    "电装车间",
    "检修中心",
    "运营分公司",
    "供电段",
    "车辆段",
    "质检部",
];

/// Measured passes over the queries, after one to warm up.
const ROUNDS: usize = 20;

/// The queries measured: words of the vocabulary, words jieba splits badly, and misses.
const QUERIES: &[&str] = &[
    "结晶器",
    "液面波动",
    "转向架",
    "焊接变形",
    "电装",
    "线束",
    "光伏",
    "储能",
    "节能降耗",
    "故障诊断",
    "防错",
    "机器视觉",
    "受电弓",
    "接触网",
    "行李",
    "盾构刀具",
    "管廊",
    "杀青",
    "养老护理",
    "抗体纯化",
    "碳纤维",
    "数控 主轴",
    "在线监测",
    "快速更换",
    "精度提升",
    "热轧 工艺",
    "连铸 自动控制",
    "安全防护",
    "炉缸",
    "白车身",
    "不存在的词汇",
    "检修中心 故障",
    "作业流程",
    "夹具",
    "振动",
    "工单",
    // Common words: thousands of matches each.
    "工艺",
    "改造",
    "优化",
];

fn text(rng: &mut StdRng, n: usize) -> (AchievementText, bool) {
    let (thing, field) = THINGS[rng.random_range(0..THINGS.len())];
    let action = ACTIONS[rng.random_range(0..ACTIONS.len())];
    let place = PLACES[rng.random_range(0..PLACES.len())];
    let title = format!("{thing}{action}（{n}号）");
    let summary = format!(
        "{place}针对{thing}问题开展攻关，完成{action}，年创效益约{}万元。",
        rng.random_range(5..500)
    );
    let description = format!(
        "一、问题：{thing}长期依赖人工经验，稳定性差。二、做法：{place}成立攻关小组，开展数据分析与试验验证，完成{action}。三、效果：一次合格率提升{}%，减少停机{}小时。",
        rng.random_range(2..30),
        rng.random_range(10..400)
    );
    let kinds = AchievementKind::ALL;
    (
        AchievementText {
            title,
            summary,
            description,
            kind: kinds[rng.random_range(0..kinds.len())],
            field,
            year: rng.random_range(2015..=2026),
            effects: String::new(),
            patents: String::new(),
        },
        rng.random_bool(0.3),
    )
}

/// Fills the database: one federation, ten units, `count` achievements with their documents.
async fn fill(db: &gongjiang_app::Database, count: usize) -> anyhow::Result<Vec<i64>> {
    let now = gongjiang_domain::clock::now_ms();
    let mut tx = db.begin().await?;
    let root = gongjiang_db::units::insert(
        &mut tx,
        NewUnit {
            parent: None,
            kind: "federation",
            code: "HJ",
            name: "华江市总工会",
        },
        now,
    )
    .await?;
    let root_path = root.unit_path();
    let mut units = Vec::new();
    for (i, place) in PLACES.iter().enumerate() {
        let code = format!("HJ-{i:02}");
        let name = format!("华江{place}工会");
        let unit = gongjiang_db::units::insert(
            &mut tx,
            NewUnit {
                parent: Some((root.id, &root_path)),
                kind: "enterprise_union",
                code: &code,
                name: &name,
            },
            now,
        )
        .await?;
        units.push((unit.id, unit.path.clone(), name));
    }
    gongjiang_db::commit(tx).await?;
    let mut rng = StdRng::seed_from_u64(100_000);
    let mut published = Vec::new();
    for chunk in 0..count.div_ceil(2000) {
        let mut tx = db.begin().await?;
        for n in chunk * 2000..((chunk + 1) * 2000).min(count) {
            let (t, public) = text(&mut rng, n);
            let (unit, path, unit_name) = &units[n % units.len()];
            let id = gongjiang_db::achievements::insert(&mut tx, *unit, None, &t, now).await?;
            if public {
                gongjiang_db::achievements::set_published(&mut tx, id, true, now).await?;
                published.push(id);
            }
            let doc = Document {
                entity: "achievement",
                entity_id: id,
                unit_path: path.clone(),
                published: public,
                fields: vec![t.field.as_str().to_owned()],
                kind: t.kind.as_str().to_owned(),
                year: Some(i64::from(t.year)),
                title: t.title.clone(),
                body: format!("{}\n{unit_name}\n{}", t.summary, t.description),
                ..Default::default()
            };
            gongjiang_db::search::put(&mut tx, &doc).await?;
        }
        gongjiang_db::commit(tx).await?;
    }
    Ok(published)
}

fn line(label: &str, mut l: Vec<f64>) -> String {
    l.sort_by(|a, b| a.total_cmp(b));
    format!(
        "{label:<28} {:>7} requests  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms",
        l.len(),
        quantile(&l, 0.5),
        quantile(&l, 0.99),
        l.last().copied().unwrap_or(0.0)
    )
}

pub async fn run(
    database_url: &str,
    count: usize,
    seconds: u64,
    clients: usize,
    search_threads: u16,
) -> anyhow::Result<()> {
    let db = gongjiang_app::Database::connect(database_url).await?;
    db.migrate().await?;
    gongjiang_search::warm_up();
    let t = Instant::now();
    let published = fill(&db, count).await?;
    let fill_secs = t.elapsed().as_secs_f64();
    // As autovacuum would have by the time a live database holds this many.
    db.settle_after_bulk_load().await?;
    println!(
        "  filled {count} achievements ({} published) in {fill_secs:.0} s: {:.0} a second, indexed in the same transactions",
        published.len(),
        count as f64 / fill_secs
    );

    // The word index, built from the documents as a new instance builds it, in a folder the
    // server below opens in turn.
    let index_folder =
        std::env::temp_dir().join(format!("gongjiang-bench-index-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&index_folder);
    let engine = gongjiang_app::search_engine::SearchEngine::open(
        &db,
        Some(index_folder.clone()),
        search_threads.into(),
    )
    .await?;
    let t = Instant::now();
    let documents = engine.catch_up().await?;
    let built = t.elapsed().as_secs_f64();
    // The searches below meet the index as a running server holds it, not in the middle of
    // the merges a bulk build leaves behind.
    engine.settle().await?;
    println!(
        "  word index built from {documents} documents in {built:.1} s, its merges done {:.1} s later",
        t.elapsed().as_secs_f64() - built
    );

    // In-process search latency, as staff (everything) and as the public (published only).
    let staff = Caller::system("bench");
    for (who, caller) in [
        ("staff (all records)", Some(&staff)),
        ("public (published only)", None),
    ] {
        let mut lat = Vec::new();
        // The noise floor of this moment: one trip to the database (the read of the log's
        // head a search starts with), timed between the searches.
        let mut floor = Vec::new();
        let mut found = 0i64;
        let mut by_query: HashMap<&str, Vec<f64>> = HashMap::new();
        // A first pass unmeasured, as a running server is warm: its connections have prepared
        // their statements and the index's files are in memory.
        for round in 0..=ROUNDS {
            for q in QUERIES {
                let t = Instant::now();
                let r = gongjiang_app::search::search(
                    &engine,
                    caller,
                    q,
                    &SearchFilter::default(),
                    gongjiang_db::Page::new(1, 20),
                )
                .await?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if round == 0 {
                    found += r.total;
                    continue;
                }
                lat.push(ms);
                by_query.entry(q).or_default().push(ms);
                let t = Instant::now();
                engine.catch_up().await?;
                floor.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        // The slowest by their median: a query's cost, not a moment's noise.
        let mut worst: Vec<(&str, f64, f64)> = by_query
            .into_iter()
            .map(|(q, mut l)| {
                l.sort_by(|a, b| a.total_cmp(b));
                (q, quantile(&l, 0.5), l.last().copied().unwrap_or(0.0))
            })
            .collect();
        worst.sort_by(|a, b| b.1.total_cmp(&a.1));
        println!(
            "  {}  ({} queries, {found} matches in all; slowest by median: {})",
            line(&format!("search, {who}"), lat),
            QUERIES.len(),
            worst
                .iter()
                .take(3)
                .map(|(q, median, max)| format!("{q} {median:.1} ms (max {max:.1})"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "  {}  (baseline between the searches: one trip to the database)",
            line("  one read of the log's head", floor)
        );
    }

    // The server opens the folder the index was built in.
    drop(engine);
    // Public pages over HTTP under load, against /healthz in the same run.
    let port = free_port()?;
    let mut server = std::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env("GONGJIANG_DATABASE_URL", database_url)
        .env("GONGJIANG_PORT", port.to_string())
        .env("GONGJIANG_BIND", "127.0.0.1")
        .env("GONGJIANG_LOG", "warn")
        .env("GONGJIANG_SEARCH_INDEX", &index_folder)
        .env("GONGJIANG_SEARCH_THREADS", search_threads.to_string())
        .env_remove("GONGJIANG_CONFIG")
        .spawn()
        .context("cannot start the server")?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .timeout(Duration::from_secs(30))
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
    let published = Arc::new(published);
    for (label, fresh) in [
        ("kept pages (the server's page cache as it runs)", false),
        (
            "every page rendered (each URL made unique: no cache hit)",
            true,
        ),
    ] {
        println!("  public pages, {label}:");
        load(&http, &base, &published, seconds, clients, fresh).await?;
    }
    let memory = peak_memory_kb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    db.close().await;
    let _ = std::fs::remove_dir_all(&index_folder);
    if let Some(kb) = memory {
        println!(
            "  server peak memory (VmHWM): {:.0} MiB",
            kb as f64 / 1024.0
        );
    }
    Ok(())
}

/// A query-string value, percent-encoded.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Each kind's samples sorted, the kinds in order.
fn sorted_by_kind(samples: &HashMap<&'static str, Vec<f64>>) -> Vec<(&'static str, Vec<f64>)> {
    let mut kinds: Vec<(&'static str, Vec<f64>)> = samples
        .iter()
        .map(|(kind, l)| {
            let mut l = l.clone();
            l.sort_by(|a, b| a.total_cmp(b));
            (*kind, l)
        })
        .collect();
    kinds.sort_by_key(|(kind, _)| *kind);
    kinds
}

/// Loads the public pages with `clients` for `seconds`, against `/healthz`; with `fresh`, every
/// URL gets a parameter of its own so that no page comes from the cache.
async fn load(
    http: &reqwest::Client,
    base: &str,
    published: &Arc<Vec<i64>>,
    seconds: u64,
    clients: usize,
    fresh: bool,
) -> anyhow::Result<()> {
    let samples: Arc<Mutex<HashMap<&'static str, Vec<f64>>>> = Arc::default();
    let errors: Arc<Mutex<usize>> = Arc::default();
    // The same samples once the first third of the run is over: with the page cache filling as
    // it runs, this tells a warm-up from the steady state.
    let later: Arc<Mutex<HashMap<&'static str, Vec<f64>>>> = Arc::default();
    let began = Instant::now();
    let settled = began + Duration::from_secs(seconds) / 3;
    let until = began + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, base, samples, errors, published, later) = (
            http.clone(),
            base.to_owned(),
            samples.clone(),
            errors.clone(),
            published.clone(),
            later.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(c as u64);
            let mut n = 0u64;
            while Instant::now() < until {
                n += 1;
                let (kind, mut path): (&'static str, String) = match rng.random_range(0..10) {
                    0 => ("baseline /healthz", "/healthz".into()),
                    1 => ("/showcase", "/showcase".into()),
                    2 | 3 => {
                        let f = Field::ALL[rng.random_range(0..Field::ALL.len())];
                        (
                            "/showcase/achievements?…",
                            format!(
                                "/showcase/achievements?field={}&page={}",
                                f.as_str(),
                                rng.random_range(1..20)
                            ),
                        )
                    }
                    4..=6 => {
                        let id = published
                            .get(rng.random_range(0..published.len().max(1)))
                            .copied()
                            .unwrap_or(1);
                        (
                            "/showcase/achievements/{id}",
                            format!("/showcase/achievements/{id}"),
                        )
                    }
                    _ => {
                        let q = QUERIES[rng.random_range(0..QUERIES.len())];
                        (
                            "/search?q=…",
                            format!("/search?q={}", crate::bench_search::encode(q)),
                        )
                    }
                };
                if fresh && kind != "baseline /healthz" {
                    let sep = if path.contains('?') { '&' } else { '?' };
                    path = format!("{path}{sep}_={c}-{n}");
                }
                let t = Instant::now();
                let ok = http
                    .get(format!("{base}{path}"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if ok {
                    if let Ok(mut s) = samples.lock() {
                        s.entry(kind).or_default().push(ms);
                    }
                    if t >= settled
                        && let Ok(mut s) = later.lock()
                    {
                        s.entry(kind).or_default().push(ms);
                    }
                } else if let Ok(mut e) = errors.lock() {
                    *e += 1;
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let samples = samples
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    let total: usize = samples.values().map(Vec::len).sum();
    println!(
        "  public pages, {clients} clients for {seconds} s: {:.0} requests a second, {} errors",
        total as f64 / seconds as f64,
        errors.lock().map(|e| *e).unwrap_or(0)
    );
    let baseline = {
        let mut l = samples
            .get("baseline /healthz")
            .cloned()
            .unwrap_or_default();
        l.sort_by(|a, b| a.total_cmp(b));
        quantile(&l, 0.5).max(0.001)
    };
    for (kind, l) in sorted_by_kind(&samples) {
        println!(
            "  {}  ({:.1}× the baseline's p50)",
            line(kind, l.clone()),
            quantile(&l, 0.5) / baseline
        );
    }
    if !fresh {
        let later = later
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .clone();
        println!(
            "  the same after the first {:.0} s (the warm-up left out):",
            (settled - began).as_secs_f64()
        );
        for (kind, l) in sorted_by_kind(&later) {
            println!("  {}", line(kind, l));
        }
    }
    Ok(())
}
