//! A deterministic, believable demo data set: the union federation of the (fictional) city of
//! 华江市, with industry and district unions, enterprises and their branches, a few hundred
//! people with Chinese names, and an account for every role. It grows with each module.

use crate::demo_data::{
    BANKS, DISTRICT_UNIONS, ENTERPRISES, INDUSTRY_UNIONS, POSTS, TRADES, person_name,
};
use crate::{Caller, ServiceResult, passwords, record};
use gongjiang_db::units::{NewUnit, UnitRecord};
use gongjiang_db::users::NewUser;
use gongjiang_db::{Database, people, units, users};
use gongjiang_domain::account::Role;
use gongjiang_domain::audit::Change;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::person::{Gender, NewPerson, PersonName, Phone};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The password of every demo account (printed by `gongjiang demo`).
pub const DEMO_PASSWORD: &str = "gongjiang-2026";

/// A demo login to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role_label: &'static str,
    pub description: String,
}

async fn unit(
    tx: &mut gongjiang_db::Tx,
    parent: Option<&UnitRecord>,
    kind: &str,
    code: &str,
    name: &str,
    now: i64,
) -> ServiceResult<UnitRecord> {
    let path = parent.map(|p| p.unit_path());
    let new = NewUnit {
        parent: parent.zip(path.as_ref()).map(|(p, path)| (p.id, path)),
        kind,
        code,
        name,
    };
    Ok(units::insert(tx, new, now).await?)
}

/// Loads the demo data into an empty database and returns the logins to print. Refuses a
/// database that already has units, so it can never mix demo data into real data.
/// A paper with every question of the bank, and an open theory exam on it for the whole
/// federation (three attempts, results shown at once), so that any demo worker can sit it.
async fn exam_for_bank(
    tx: &mut gongjiang_db::Conn,
    bank: i64,
    trade: &str,
    question_ids: &[i64],
    max_points: i64,
    federation: i64,
    now: i64,
) -> ServiceResult<()> {
    let spec = serde_json::to_string(question_ids)
        .map_err(|e| crate::ServiceError::Internal(e.to_string()))?;
    let paper = gongjiang_db::papers::insert(
        tx,
        gongjiang_db::papers::NewPaper {
            bank_id: bank,
            name: &format!("{trade}理论知识试卷"),
            mode: "fixed",
            spec: &spec,
            shuffle_questions: true,
            shuffle_options: true,
            pass_mark: max_points * 6 / 10,
            partial_credit: "proportional_if_no_wrong",
        },
        now,
    )
    .await?;
    const DAY: i64 = 24 * 3_600_000;
    let session = gongjiang_db::exams::insert(
        tx,
        gongjiang_db::exams::NewSession {
            paper_id: paper,
            unit_id: federation,
            name: &format!("2026年华江市职工职业技能大赛（{trade}）理论考试"),
            opens_ms: now - DAY,
            closes_ms: now + 60 * DAY,
            limit_ms: 30 * 60_000,
            late_start: "cut_at_close",
            grace_ms: 10_000,
            attempts_allowed: 3,
            show_results: true,
        },
        now,
    )
    .await?;
    gongjiang_db::exams::add_entrant(tx, session, None, Some(federation)).await?;
    Ok(())
}

pub async fn load(db: &Database) -> ServiceResult<Vec<DemoLogin>> {
    {
        let mut conn = db.read().await?;
        if units::count(&mut conn).await? > 0 {
            return Err(crate::ServiceError::Conflict(
                crate::Conflict::DemoNeedsEmptyDatabase,
            ));
        }
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let hash = passwords::hash(&passwords::turn().await?, DEMO_PASSWORD.to_owned()).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let federation = unit(&mut tx, None, "federation", "HJ", "华江市总工会", now).await?;
    let mut parents = std::collections::HashMap::new();
    for (code, name) in INDUSTRY_UNIONS {
        parents.insert(
            *code,
            unit(
                &mut tx,
                Some(&federation),
                "industry_union",
                code,
                name,
                now,
            )
            .await?,
        );
    }
    for (code, name) in DISTRICT_UNIONS {
        parents.insert(
            *code,
            unit(
                &mut tx,
                Some(&federation),
                "district_union",
                code,
                name,
                now,
            )
            .await?,
        );
    }
    let mut workplaces: Vec<UnitRecord> = Vec::new();
    let mut enterprises: std::collections::HashMap<&str, UnitRecord> =
        std::collections::HashMap::new();
    for (code, name, parent, branches) in ENTERPRISES {
        let Some(parent) = parents.get(parent) else {
            continue;
        };
        let enterprise = unit(&mut tx, Some(parent), "enterprise_union", code, name, now).await?;
        for (i, branch) in branches.iter().enumerate() {
            let b = unit(
                &mut tx,
                Some(&enterprise),
                "branch_union",
                &format!("{code}-{:02}", i + 1),
                branch,
                now,
            )
            .await?;
            workplaces.push(b);
        }
        if branches.is_empty() {
            workplaces.push(enterprise.clone());
        }
        enterprises.insert(code, enterprise);
    }

    // About eight people a workplace, with employee numbers per enterprise.
    let mut people_by_unit: std::collections::HashMap<i64, Vec<(i64, String)>> =
        std::collections::HashMap::new();
    for (i, place) in workplaces.iter().enumerate() {
        let count = 6 + rng.random_range(0..5);
        for j in 0..count {
            let (name, gender) = person_name(&mut rng);
            let phone = format!(
                "13{}{:08}",
                rng.random_range(0..10),
                rng.random_range(0..100_000_000u32)
            );
            let person = NewPerson {
                name: PersonName::parse("name", &name)?,
                unit_id: place.id,
                gender: Some(gender),
                phone: Phone::parse_optional("phone", &phone)?,
                email: None,
                trade: TRADES[rng.random_range(0..TRADES.len())].to_owned(),
                post: POSTS[rng.random_range(0..POSTS.len())].to_owned(),
            };
            let no = format!("{:03}{:03}", i + 1, j + 1);
            let id = people::insert(&mut tx, &person, &no, now).await?;
            people_by_unit.entry(place.id).or_default().push((id, name));
        }
    }
    // Staff of the federation and the unions above the workplaces.
    let staff = |unit: &UnitRecord, rng: &mut StdRng| (unit.id, person_name(rng));
    let mut accounts: Vec<(String, Role, i64, i64, String)> = Vec::new();
    let fed_staff = staff(&federation, &mut rng);
    let admin_person = people::insert(
        &mut tx,
        &staff_person(fed_staff.0, &fed_staff.1.0, fed_staff.1.1, "权益保障部干部")?,
        "F001",
        now,
    )
    .await?;
    accounts.push((
        "admin".into(),
        Role::FederationAdmin,
        federation.id,
        admin_person,
        fed_staff.1.0.clone(),
    ));
    let judge_staff = staff(&federation, &mut rng);
    let judge_person = people::insert(
        &mut tx,
        &staff_person(
            judge_staff.0,
            &judge_staff.1.0,
            judge_staff.1.1,
            "高级工程师",
        )?,
        "F002",
        now,
    )
    .await?;
    accounts.push((
        "judge".into(),
        Role::Judge,
        federation.id,
        judge_person,
        judge_staff.1.0.clone(),
    ));
    // Four more judges for the competition's practical round: experts of the federation's
    // office (judge2, judge3) and of two industry unions (judge4, judge5).
    let expert_units: Vec<UnitRecord> = vec![
        federation.clone(),
        federation.clone(),
        parents
            .get("HJ-JXYJ")
            .cloned()
            .unwrap_or_else(|| federation.clone()),
        parents
            .get("HJ-JTYS")
            .cloned()
            .unwrap_or_else(|| federation.clone()),
    ];
    for (k, place) in expert_units.iter().enumerate() {
        let expert = staff(place, &mut rng);
        let person = people::insert(
            &mut tx,
            &staff_person(expert.0, &expert.1.0, expert.1.1, "技能大师")?,
            &format!("J{:03}", k + 2),
            now,
        )
        .await?;
        accounts.push((
            format!("judge{}", k + 2),
            Role::Judge,
            place.id,
            person,
            expert.1.0.clone(),
        ));
    }
    let steel = enterprises
        .get("HJGT")
        .cloned()
        .unwrap_or_else(|| federation.clone());
    let steel_staff = staff(&steel, &mut rng);
    let steel_admin = people::insert(
        &mut tx,
        &staff_person(
            steel_staff.0,
            &steel_staff.1.0,
            steel_staff.1.1,
            "工会办公室主任",
        )?,
        "G001",
        now,
    )
    .await?;
    accounts.push((
        "unitadmin".into(),
        Role::UnitAdmin,
        steel.id,
        steel_admin,
        steel_staff.1.0.clone(),
    ));
    // A studio leader and workers from the steel group's branches.
    let first_branch = workplaces
        .iter()
        .find(|w| w.code.starts_with("HJGT-"))
        .cloned()
        .unwrap_or_else(|| steel.clone());
    if let Some(list) = people_by_unit.get(&first_branch.id) {
        if let Some((id, name)) = list.first() {
            accounts.push((
                "leader".into(),
                Role::StudioLeader,
                first_branch.id,
                *id,
                name.clone(),
            ));
        }
        if let Some((id, name)) = list.get(1) {
            accounts.push((
                "worker".into(),
                Role::Worker,
                first_branch.id,
                *id,
                name.clone(),
            ));
        }
    }
    // Forty more workers across workplaces, for exams to come.
    let mut n = 0;
    'outer: for place in &workplaces {
        for (id, name) in people_by_unit
            .get(&place.id)
            .into_iter()
            .flatten()
            .skip(2)
            .take(2)
        {
            n += 1;
            accounts.push((
                format!("worker{n:02}"),
                Role::Worker,
                place.id,
                *id,
                name.clone(),
            ));
            if n >= 40 {
                break 'outer;
            }
        }
    }
    let mut logins = Vec::new();
    for (username, role, unit_id, person_id, name) in &accounts {
        let user_id = users::insert(
            &mut tx,
            NewUser {
                person_id: Some(*person_id),
                username,
                display_name: name,
                password_hash: &hash,
                must_change_password: false,
            },
            now,
        )
        .await?;
        users::insert_grant(&mut tx, user_id, *role, *unit_id, None, now).await?;
        let listed = !username.starts_with("worker") && !username.starts_with("judge")
            || ["worker", "worker01", "judge", "judge2"].contains(&username.as_str());
        if listed {
            let unit_name = if *unit_id == federation.id {
                federation.name.clone()
            } else {
                workplaces
                    .iter()
                    .chain(enterprises.values())
                    .find(|u| u.id == *unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default()
            };
            logins.push(DemoLogin {
                username: username.clone(),
                role_label: role_label(*role),
                description: format!("{name} · {unit_name}"),
            });
        }
    }
    // A question bank per trade, owned by the federation, written in GIFT.
    let mut bank_count = 0;
    for (trade, gift) in BANKS {
        let questions = gongjiang_domain::exam::formats::parse_gift(gift)
            .map_err(crate::ServiceError::ImportRejected)?;
        let bank = gongjiang_db::banks::insert_bank(
            &mut tx,
            federation.id,
            &format!("{trade}理论题库"),
            trade,
            now,
        )
        .await?;
        let mut question_ids = Vec::new();
        let mut max_points = 0;
        for q in questions {
            max_points += q.question.points;
            let body = serde_json::to_string(&q.question)
                .map_err(|e| crate::ServiceError::Internal(e.to_string()))?;
            let version = gongjiang_db::banks::NewVersion {
                kind: q.question.kind.as_str(),
                difficulty: i64::from(q.question.difficulty),
                points: q.question.points,
                body: &body,
                created_by: None,
            };
            let (question_id, _) = gongjiang_db::banks::insert_question(
                &mut tx,
                bank,
                q.category.as_deref().unwrap_or(""),
                version,
                now,
            )
            .await?;
            question_ids.push(question_id);
        }
        bank_count += 1;
        exam_for_bank(
            &mut tx,
            bank,
            trade,
            &question_ids,
            max_points,
            federation.id,
            now,
        )
        .await?;
    }
    let person_of = |name: &str| accounts.iter().find(|a| a.0 == name).map(|a| a.3);
    let base = crate::demo_registry::Base {
        federation: &federation,
        workplaces: &workplaces,
        people_by_unit: &people_by_unit,
        leader: person_of("leader"),
        worker: person_of("worker"),
        now,
    };
    let (studio_count, alliance_count, achievement_count) =
        crate::demo_registry::load(&mut tx, base).await?;
    let change = Change {
        action: "demo.load".into(),
        entity_type: "demo".into(),
        entity_id: "huajiang".into(),
        after: Some(format!(
            "{{\"units\":{},\"accounts\":{},\"banks\":{},\"studios\":{studio_count},\"alliances\":{alliance_count},\"achievements\":{achievement_count}}}",
            1 + parents.len() + enterprises.len() + workplaces.len(),
            accounts.len(),
            bank_count
        )),
        ..Default::default()
    };
    record(&mut tx, &Caller::system("demo"), change).await?;
    gongjiang_db::commit_auth(tx).await?;
    // The competition goes through the services (their rules, steps and audit entries), once
    // the tree and the people it draws on are committed.
    let candidates: Vec<(i64, i64)> = workplaces
        .iter()
        .flat_map(|w| {
            people_by_unit
                .get(&w.id)
                .into_iter()
                .flatten()
                .skip(2)
                .map(move |(id, _)| (*id, w.id))
        })
        .collect();
    crate::demo_competition::load(db, federation.id, &candidates, person_of("worker")).await?;
    Ok(logins)
}

fn staff_person(unit_id: i64, name: &str, gender: Gender, post: &str) -> ServiceResult<NewPerson> {
    Ok(NewPerson {
        name: PersonName::parse("name", name)?,
        unit_id,
        gender: Some(gender),
        phone: None,
        email: None,
        trade: String::new(),
        post: post.to_owned(),
    })
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::FederationAdmin => "总工会管理员 federation admin",
        Role::UnitAdmin => "单位管理员 unit admin",
        Role::StudioLeader => "工作室带头人 studio leader",
        Role::Judge => "评委/专家 judge",
        Role::Worker => "职工 worker",
    }
}
