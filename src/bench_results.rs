//! A whole competition's results recomputed: many tracks, their entrants drawn onto panels of
//! judges, every criterion scored by every judge; then every track's results (scores with
//! their traces, ranks, prizes, team prizes) computed from the stored scores, in process. The
//! baseline in the same run is reading every score of the competition in one statement.

use gongjiang_app::Caller;
use gongjiang_domain::clock::now_ms;
use std::time::Instant;

/// What to build.
pub struct Size {
    pub tracks: usize,
    pub entrants: usize,
    pub judges: usize,
    pub criteria: usize,
    pub per_panel: usize,
}

const TRADES: [&str; 21] = [
    "钳工",
    "车工",
    "铣工",
    "焊工",
    "电工",
    "数控车工",
    "数控铣工",
    "加工中心操作工",
    "维修电工",
    "汽车维修工",
    "工具钳工",
    "装配钳工",
    "化学检验员",
    "电子仪器仪表装配工",
    "工业机器人系统操作员",
    "网络与信息安全管理员",
    "起重装卸机械操作工",
    "无人机驾驶员",
    "砌筑工",
    "茶艺师",
    "育婴员",
];

/// A federation with `enterprises` enterprise unions under it, and a competition it organises
/// next year: what the judging and results benchmarks build on. The enterprises and the
/// competition.
pub(crate) async fn federation_competition(
    db: &gongjiang_app::Database,
    system: &Caller,
    enterprises: usize,
) -> anyhow::Result<(Vec<i64>, i64)> {
    let unit = |kind: &str, code: String, name: String, parent: Option<i64>| {
        gongjiang_app::units::UnitInput {
            parent_id: parent,
            kind: kind.into(),
            code,
            name,
        }
    };
    let federation = gongjiang_app::units::create(
        db,
        system,
        unit("federation", "BENCH".into(), "压测总工会".into(), None),
    )
    .await?
    .id;
    let mut ids = Vec::new();
    for n in 0..enterprises {
        let e = gongjiang_app::units::create(
            db,
            system,
            unit(
                "enterprise_union",
                format!("BENCH-E{n:02}"),
                format!("压测企业{n:02}工会"),
                Some(federation),
            ),
        )
        .await?;
        ids.push(e.id);
    }
    let year = gongjiang_domain::clock::this_year() + 1;
    let competition = gongjiang_app::competitions::create(
        db,
        system,
        gongjiang_domain::competition::CompetitionInput {
            unit_id: federation,
            name: "压测职工职业技能大赛".into(),
            edition: "第一届".into(),
            starts_on: format!("{year}-05-01"),
            ends_on: format!("{year}-09-30"),
            ..Default::default()
        },
    )
    .await?
    .competition
    .id;
    Ok((ids, competition))
}

/// Accounts `judge00000`, `judge00001`… (no person, no password), their user ids.
pub(crate) async fn insert_judges(
    conn: &mut gongjiang_db::Conn,
    count: usize,
    now: i64,
) -> anyhow::Result<Vec<i64>> {
    let mut users = Vec::with_capacity(count);
    for n in 0..count {
        let user = gongjiang_db::users::insert(
            conn,
            gongjiang_db::users::NewUser {
                person_id: None,
                username: &format!("judge{n:05}"),
                display_name: &format!("评委{n:05}"),
                password_hash: "(bench: no password)",
                must_change_password: false,
            },
            now,
        )
        .await?;
        users.push(user);
    }
    Ok(users)
}

async fn prepare(db: &gongjiang_app::Database, size: &Size) -> anyhow::Result<(i64, Vec<i64>)> {
    let system = Caller::system("bench");
    let (enterprises, competition) = federation_competition(db, &system, 20).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let per_track = size.entrants.div_ceil(size.tracks.max(1));
    let judge_count = size.judges * size.tracks * per_track.div_ceil(size.per_panel.max(1));
    insert_judges(&mut tx, judge_count, now).await?;
    let mut people = Vec::new();
    for n in 0..size.entrants {
        let person: i64 = sqlx::query_scalar("INSERT INTO people (unit_id, name, employee_no, gender, phone, email, trade, post, created_at, updated_at) VALUES ($1, $2, $3, '', '', '', '', '', $4, $4) RETURNING id")
            .bind(enterprises[n % enterprises.len()])
            .bind(format!("选手{n:05}"))
            .bind(format!("E{n:05}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        people.push(person);
    }
    gongjiang_db::commit(tx).await?;
    let criteria: Vec<String> = (0..size.criteria)
        .map(|c| format!("评分项{} {}", c + 1, 100 / size.criteria.max(1)))
        .collect();
    let mut tracks = Vec::new();
    let mut next_judge = 0;
    for t in 0..size.tracks {
        let track = gongjiang_app::competitions::add_track(
            db,
            &system,
            competition,
            gongjiang_domain::competition::TrackInput {
                name: TRADES[t % TRADES.len()].into(),
                trade: TRADES[t % TRADES.len()].into(),
                kind: "individual".into(),
                practical_weight: "100".into(),
                prizes: gongjiang_domain::competition::tier_lines(
                    "一等奖 5%\n二等奖 10%\n三等奖 15%",
                ),
                team_best: "3".into(),
                team_prizes: gongjiang_domain::competition::tier_lines(
                    "团体一等奖 1\n团体二等奖 2",
                ),
                ..Default::default()
            },
        )
        .await?
        .row
        .id;
        let mine: Vec<i64> = people
            .iter()
            .skip(t)
            .step_by(size.tracks)
            .copied()
            .collect();
        for &person in &mine {
            gongjiang_app::entries::enrol(db, &system, track, person, Default::default()).await?;
        }
        gongjiang_app::practical::set_up(
            db,
            &system,
            track,
            gongjiang_app::practical::SetupInput {
                criteria: criteria.join("\n"),
                aggregation: "drop_highest_lowest".into(),
                ..Default::default()
            },
        )
        .await?;
        for p in 0..mine.len().div_ceil(size.per_panel) {
            let panel =
                gongjiang_app::practical::add_panel(db, &system, track, &format!("第{}组", p + 1))
                    .await?
                    .id;
            let lines: Vec<String> = (0..size.judges)
                .map(|j| {
                    format!(
                        "{}judge{:05}",
                        if j == 0 { "*" } else { "" },
                        next_judge + j
                    )
                })
                .collect();
            next_judge += size.judges;
            gongjiang_app::practical::set_judges(db, &system, panel, &lines.join("\n")).await?;
        }
        gongjiang_app::practical::draw(db, &system, track).await?;
        tracks.push(track);
    }
    // Every judge scores every criterion of every entrant of their panel, in bulk.
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT e.id, j.user_id, c.id, c.max_points FROM entries e JOIN panels p ON p.id = e.panel_id JOIN panel_judges j ON j.panel_id = p.id JOIN criteria c ON c.round_id = p.round_id JOIN tracks t ON t.id = e.track_id WHERE t.competition_id = $1",
    )
    .bind(competition)
    .fetch_all(&mut *db.read().await?)
    .await?;
    let mut tx = db.begin().await?;
    for chunk in rows.chunks(400) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO scores (entry_id, user_id, criterion_id, points, saved_at) VALUES {}",
            marks.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for &(entry, judge, criterion, max) in chunk {
            // 60 % to 100 % of the maximum, in steps of 0.5, spread by entrant and judge.
            let steps = max / 500;
            let points = (max * 6 / 10
                + ((entry * 7 + judge * 3 + criterion) % (steps * 4 / 10 + 1)) * 500)
                .min(max);
            query = query
                .bind(entry)
                .bind(judge)
                .bind(criterion)
                .bind(points)
                .bind(now);
        }
        query.execute(&mut *tx).await?;
    }
    gongjiang_db::commit(tx).await?;
    Ok((competition, tracks))
}

pub async fn run(database_url: &str, size: Size) -> anyhow::Result<()> {
    let db = gongjiang_app::Database::connect(database_url).await?;
    db.migrate().await?;
    let prepared = Instant::now();
    let (competition, tracks) = prepare(&db, &size).await?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scores")
        .fetch_one(&mut *db.read().await?)
        .await?;
    println!(
        "{} tracks, {} entrants, {} judges a panel of up to {}, {} criteria: {stored} scores (prepared in {:.1} s)",
        size.tracks,
        size.entrants,
        size.judges,
        size.per_panel,
        size.criteria,
        prepared.elapsed().as_secs_f64()
    );
    let system = Caller::system("bench");
    let (mut baseline, mut full) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as("SELECT s.entry_id, s.user_id, s.criterion_id, s.points FROM scores s JOIN entries e ON e.id = s.entry_id JOIN tracks t ON t.id = e.track_id WHERE t.competition_id = $1")
            .bind(competition)
            .fetch_all(&mut *db.read().await?)
            .await?;
        baseline.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(rows.len() as i64 == stored, "every score read");
        let t = Instant::now();
        let all = gongjiang_app::results::of_competition(&db, &system, competition).await?;
        anyhow::ensure!(all.len() == tracks.len(), "every track");
        anyhow::ensure!(all.iter().all(|r| r.unscored == 0), "every entrant scored");
        let ranked: usize = all.iter().map(|r| r.lines.len()).sum();
        full.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(ranked == size.entrants, "every entrant ranked");
    }
    baseline.sort_by(|a, b| a.total_cmp(b));
    full.sort_by(|a, b| a.total_cmp(b));
    println!(
        "baseline, every score of the competition read in one statement: median {:.0} ms, best {:.0} ms",
        baseline[2], baseline[0]
    );
    println!(
        "every track's results recomputed: median {:.0} ms, best {:.0} ms; ratio to the baseline {:.1}; target under 1,000 ms",
        full[2],
        full[0],
        full[2] / baseline[2].max(1e-9)
    );
    db.close().await;
    Ok(())
}
