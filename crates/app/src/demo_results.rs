//! The demo's finished work: the CNC turners' track judged, frozen, put on notice (an
//! objection lodged and answered), final, with a certificate for each prize; and a star
//! evaluation of one union's studios, scored by three experts, closed, half confirmed.
//! Made through the services; only the notice's dates are set in the past, as if it had run.

use crate::{Caller, ServiceResult, certificates, judging, notices, practical, star_cycles};
use gongjiang_db::{Database, Page, notices as notice_rows, studios, units, users};
use gongjiang_domain::authz::Grants;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::unit::UnitKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

async fn as_user(db: &Database, username: &str) -> ServiceResult<Option<Caller>> {
    let mut conn = db.read().await?;
    Ok(users::by_username(&mut conn, username).await?.map(|u| {
        Caller::user(u.id, &u.display_name, "demo", Grants::default()).with_person(u.person_id)
    }))
}

/// `track` is a practical-only track of the demo competition; `people` enter it.
pub(crate) async fn finished_track(db: &Database, track: i64, people: &[i64]) -> ServiceResult<()> {
    let system = Caller::system("demo");
    let mut rng = StdRng::seed_from_u64(2026);
    for &person in people {
        let input = crate::entries::EntryInput {
            team: String::new(),
            birth_on: "1988-06-01".into(),
        };
        let _ = crate::entries::enrol(db, &system, track, person, input).await;
    }
    let setup = practical::set_up(
        db,
        &system,
        track,
        practical::SetupInput {
            criteria: "工件精度 50\n表面质量 30\n按时完成 20".into(),
            aggregation: "drop_highest_lowest".into(),
            normalise: false,
            min_judges: "3".into(),
        },
    )
    .await?;
    let panel = practical::add_panel(db, &system, track, "数控车工评分组")
        .await?
        .id;
    practical::set_judges(db, &system, panel, "*judge3\njudge\njudge2\njudge4\njudge5").await?;
    practical::draw(db, &system, track).await?;
    let mut judges = Vec::new();
    for name in ["judge3", "judge", "judge2", "judge4", "judge5"] {
        if let Some(c) = as_user(db, name).await? {
            judges.push(c);
        }
    }
    let Some(chief) = judges.first().cloned() else {
        return Ok(());
    };
    let scores = judging::Judging::start(db.clone());
    let sheet = scores.sheet(&chief, panel).await?;
    for line in &sheet.lines {
        let skill: f64 = rng.random_range(0.6..0.97);
        for judge in &judges {
            for c in &setup.criteria {
                let noise: f64 = rng.random_range(-0.06..0.06);
                let max = c.max_points as f64 / 1000.0;
                let points = ((skill + noise).clamp(0.0, 1.0) * max * 2.0).round() / 2.0;
                let input = judging::ScoreInput {
                    entry_id: line.entry_id,
                    criterion_id: c.id,
                    points: format!("{points}"),
                    correction: None,
                };
                scores.save(judge, panel, input).await?;
            }
        }
    }
    judging::set_open(db, &chief, panel, false, "").await?;
    judging::confirm(db, &chief, panel).await?;
    let step = |action: &str, days: Option<i64>| notices::MoveInput {
        action: action.into(),
        days,
        reason: String::new(),
    };
    notices::move_results(db, &system, track, &step("freeze", None)).await?;
    notices::move_results(db, &system, track, &step("publish", Some(7))).await?;
    if let Some(worker) = as_user(db, "worker").await? {
        let objection = notices::lodge(
            db,
            &worker,
            track,
            &notices::ObjectionInput {
                entry_id: None,
                body: "请公布各评委的原始评分，便于核对。".into(),
            },
        )
        .await?;
        notices::resolve(
            db,
            &system,
            objection.id,
            &notices::ResolutionInput {
                outcome: "dismissed".into(),
                resolution: "每位选手的各评委原始评分及去掉的最高分、最低分已在成绩导出表中列明，可向组委会索取。".into(),
            },
        )
        .await?;
    }
    // The notice ran its seven days.
    let mut tx = db.begin().await?;
    let mut state = notice_rows::state(&mut tx, track).await?;
    let day = 24 * 3_600_000;
    state.notice_opens_at = Some(now_ms() - 8 * day);
    state.notice_closes_at = Some(now_ms() - day);
    notice_rows::set_state(&mut tx, &state).await?;
    gongjiang_db::commit(tx).await?;
    notices::move_results(db, &system, track, &step("final", None)).await?;
    certificates::issue(db, &system, track).await?;
    Ok(())
}

/// A star evaluation of the first industry or district union with a handful of studios.
pub(crate) async fn star_cycle(db: &Database) -> ServiceResult<()> {
    let system = Caller::system("demo");
    let mut rng = StdRng::seed_from_u64(5);
    let chosen = {
        let mut conn = db.read().await?;
        let mut chosen = None;
        for u in units::all(&mut conn).await? {
            if !matches!(u.kind, UnitKind::IndustryUnion | UnitKind::DistrictUnion) {
                continue;
            }
            let filter = studios::StudioFilter {
                within: Some(u.unit_path()),
                ..Default::default()
            };
            let (_, total) = studios::list(&mut conn, None, &filter, Page::new(1, 1)).await?;
            if (5..=25).contains(&total) {
                chosen = Some(u.id);
                break;
            }
        }
        chosen
    };
    let Some(unit_id) = chosen else {
        return Ok(());
    };
    let cycle = star_cycles::create(
        db,
        &system,
        star_cycles::CycleInput {
            unit_id,
            year: "2026".into(),
            name: "2026年度职工创新工作室星级评定".into(),
            criteria: "创新成果 40\n人才培养 25\n团队管理 20\n经费使用 15".into(),
            exit_below: "60".into(),
            three_stars: "70".into(),
            four_stars: "80".into(),
            five_stars: "90".into(),
            aggregation: "mean".into(),
            min_judges: "2".into(),
            experts: "judge3\njudge4\njudge5".into(),
        },
    )
    .await?
    .id;
    let page = star_cycles::page(db, &system, cycle).await?;
    for name in ["judge3", "judge4", "judge5"] {
        let Some(expert) = as_user(db, name).await? else {
            continue;
        };
        for s in &page.studios {
            let skill: f64 = rng.random_range(0.55..0.98);
            let points = page
                .criteria
                .iter()
                .map(|c| {
                    let max = c.max.0 as f64 / 1000.0;
                    format!("{}", ((skill * max) * 2.0).round() / 2.0)
                })
                .collect();
            let input = star_cycles::SheetInput {
                studio_id: s.studio_id,
                points,
            };
            // An expert who stands aside for a studio is refused: that is the point.
            let _ = star_cycles::save(db, &expert, cycle, &input).await;
        }
    }
    star_cycles::close(db, &system, cycle).await?;
    let page = star_cycles::page(db, &system, cycle).await?;
    for s in page.studios.iter().take(page.studios.len() / 2) {
        let _ = star_cycles::confirm(db, &system, cycle, s.studio_id).await;
    }
    Ok(())
}
