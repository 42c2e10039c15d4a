//! The demo's competition, made through the services as staff would make it: 华江市第三届职工
//! 职业技能大赛 with individual and team tracks, entries approved through the tree (and some
//! still waiting), the welders' theory round linked to its exam, and a practical round with two
//! panels, a declared recusal, one panel fully scored and confirmed, the other under way.

use crate::{Caller, ServiceResult, competitions, entries, judging, practical, track_exams};
use gongjiang_db::{Database, exams, users};
use gongjiang_domain::authz::Grants;
use gongjiang_domain::competition::{CompetitionInput, TrackInput, tier_lines};
use gongjiang_domain::unit::UnitPath;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn track(name: &str, kind: &str, theory: &str, practical: &str, prizes: &str) -> TrackInput {
    TrackInput {
        name: name.to_owned(),
        trade: name.trim_end_matches("赛").to_owned(),
        kind: kind.to_owned(),
        theory_weight: theory.to_owned(),
        practical_weight: practical.to_owned(),
        prizes: tier_lines(prizes),
        ..Default::default()
    }
}

async fn judge(db: &Database, username: &str) -> ServiceResult<Option<Caller>> {
    let mut conn = db.read().await?;
    Ok(users::by_username(&mut conn, username)
        .await?
        .map(|u| Caller::user(u.id, &u.display_name, "demo", Grants::default())))
}

/// `candidates` are (person, workplace) of workers without a demo login; `worker` is the demo
/// worker's person, who signs up and waits on their branch.
pub(crate) async fn load(
    db: &Database,
    federation: i64,
    candidates: &[(i64, i64)],
    worker: Option<i64>,
) -> ServiceResult<()> {
    let system = Caller::system("demo");
    let mut rng = StdRng::seed_from_u64(2027);
    let competition = competitions::create(
        db,
        &system,
        CompetitionInput {
            unit_id: federation,
            name: "华江市职工职业技能大赛".into(),
            edition: "第三届".into(),
            starts_on: "2026-10-15".into(),
            ends_on: "2027-01-31".into(),
            rules: "比赛设理论和实操两部分，理论考试在线进行，实操比赛由评委现场评分，\
                    去掉一个最高分和一个最低分后取平均。各企业每个项目限报 4 人。"
                .into(),
            ..Default::default()
        },
    )
    .await?
    .competition
    .id;
    let mut welding = track(
        "焊工",
        "individual",
        "30",
        "70",
        "一等奖 2\n二等奖 4\n三等奖 6",
    );
    welding.quota_per_unit = "4".into();
    welding.min_age = "18".into();
    welding.max_age = "55".into();
    let welding = competitions::add_track(db, &system, competition, welding)
        .await?
        .row
        .id;
    let mut electric = track(
        "电工",
        "individual",
        "40",
        "60",
        "一等奖 10%\n二等奖 20%\n三等奖 30%",
    );
    electric.new_this_edition = true;
    let electric = competitions::add_track(db, &system, competition, electric)
        .await?
        .row
        .id;
    let turning = competitions::add_track(
        db,
        &system,
        competition,
        track(
            "数控车工",
            "individual",
            "",
            "100",
            "一等奖 1\n二等奖 2\n三等奖 3",
        ),
    )
    .await?
    .row
    .id;
    let mut relay = track("班组接力赛", "team", "", "100", "一等奖 1\n二等奖 2");
    relay.team_size = "3".into();
    let relay = competitions::add_track(db, &system, competition, relay)
        .await?
        .row
        .id;

    // Entries: the federation's staff enrol (approved through every level); quotas and ages
    // hold as for anyone, so some candidates are turned away.
    let birth = |rng: &mut StdRng| {
        format!(
            "{}-{:02}-{:02}",
            rng.random_range(1975..2003),
            rng.random_range(1..13),
            rng.random_range(1..29)
        )
    };
    let mut welders = 0;
    for (k, &(person, _)) in candidates.iter().enumerate() {
        let (track_id, team) = match k % 3 {
            0 => (welding, String::new()),
            1 => (electric, String::new()),
            _ => (relay, format!("接力{}队", k / 9 + 1)),
        };
        let input = entries::EntryInput {
            team,
            birth_on: birth(&mut rng),
        };
        if entries::enrol(db, &system, track_id, person, input)
            .await
            .is_ok()
            && track_id == welding
        {
            welders += 1;
        }
        if welders >= 24 && k > 60 {
            break;
        }
    }
    // The demo worker signs up themselves: the entry waits on their branch's admin.
    if let Some(person) = worker {
        let me = system.clone().with_person(Some(person));
        let input = entries::EntryInput {
            team: String::new(),
            birth_on: "1992-04-18".into(),
        };
        let _ = entries::sign_up(db, &me, electric, input).await;
    }

    // The welders' theory round is their exam session.
    let session = {
        let mut conn = db.read().await?;
        exams::list_within(&mut conn, &[UnitPath::from_stored("/")])
            .await?
            .into_iter()
            .find(|s| s.name.contains("焊工"))
            .map(|s| s.id)
    };
    if let Some(session) = session {
        track_exams::link(db, &system, welding, Some(session)).await?;
    }

    // The practical round: two panels of five judges, the draw, and the scores.
    let setup = practical::set_up(
        db,
        &system,
        welding,
        practical::SetupInput {
            criteria: "操作规范 30\n焊缝外观 30\n焊接质量 30\n按时完成 10\n安全文明生产 -10".into(),
            aggregation: "drop_highest_lowest".into(),
            normalise: false,
            min_judges: "3".into(),
        },
    )
    .await?;
    let criteria: Vec<(i64, i64)> = setup
        .criteria
        .iter()
        .map(|c| (c.id, c.max_points / 1000))
        .collect();
    let first = practical::add_panel(db, &system, welding, "第一评分组")
        .await?
        .id;
    let second = practical::add_panel(db, &system, welding, "第二评分组")
        .await?
        .id;
    let lineup = "*judge\njudge2\njudge3\njudge4\njudge5";
    practical::set_judges(db, &system, first, lineup).await?;
    practical::set_judges(
        db,
        &system,
        second,
        "*judge2\njudge\njudge3\njudge4\njudge5",
    )
    .await?;
    practical::draw(db, &system, welding).await?;
    let mut panel_judges = Vec::new();
    for name in ["judge", "judge2", "judge3", "judge4", "judge5"] {
        if let Some(c) = judge(db, name).await? {
            panel_judges.push(c);
        }
    }
    let scores = judging::Judging::start(db.clone());
    for (panel, complete) in [(first, true), (second, false)] {
        let sheet = scores.sheet(&panel_judges[0], panel).await?;
        for (n, line) in sheet.lines.iter().enumerate() {
            if !complete && n >= sheet.lines.len() / 2 {
                break;
            }
            let skill: f64 = rng.random_range(0.55..0.95);
            for (j, caller) in panel_judges.iter().enumerate() {
                // One judge knows one entrant of the second panel: they stand aside.
                if !complete && n == 0 && j == 4 {
                    judging::declare(db, caller, panel, line.entry_id, "选手系本人原徒弟").await?;
                    continue;
                }
                for &(criterion, max) in &criteria {
                    let points = if max == 10 && criterion == criteria[criteria.len() - 1].0 {
                        // The deduction: most entrants lose nothing.
                        if rng.random_range(0..10) == 0 {
                            2.0
                        } else {
                            0.0
                        }
                    } else {
                        let noise: f64 = rng.random_range(-0.08..0.08);
                        ((skill + noise).clamp(0.0, 1.0) * max as f64 * 2.0).round() / 2.0
                    };
                    let input = judging::ScoreInput {
                        entry_id: line.entry_id,
                        criterion_id: criterion,
                        points: format!("{points}"),
                        correction: None,
                    };
                    scores.save(caller, panel, input).await?;
                }
            }
        }
        if complete {
            judging::set_open(db, &panel_judges[0], panel, false, "").await?;
            judging::confirm(db, &panel_judges[0], panel).await?;
        }
    }
    // The CNC turners' track is over: judged, on notice, final, with certificates.
    let turners: Vec<i64> = candidates.iter().rev().take(8).map(|&(p, _)| p).collect();
    crate::demo_results::finished_track(db, turning, &turners).await?;
    crate::demo_results::star_cycle(db).await?;
    Ok(())
}
