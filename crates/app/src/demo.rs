//! A deterministic, believable demo data set: the union federation of the (fictional) city of
//! 华江市, with industry and district unions, enterprises and their branches, a few hundred
//! people with Chinese names, and an account for every role. It grows with each module.

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

const INDUSTRY_UNIONS: &[(&str, &str)] = &[
    ("HJ-JXYJ", "华江市机械冶金工会"),
    ("HJ-JTYS", "华江市交通运输工会"),
    ("HJ-GFGY", "华江市国防工业工会"),
    ("HJ-NYHG", "华江市能源化工工会"),
    ("HJ-JRGH", "华江市金融工会"),
    ("HJ-JSGH", "华江市建设工会"),
];

const DISTRICT_UNIONS: &[(&str, &str)] = &[
    ("HJ-DC", "华江市东城区总工会"),
    ("HJ-XH", "华江市西湖区总工会"),
    ("HJ-BJ", "华江市滨江区总工会"),
    ("HJ-GX", "华江高新技术产业开发区总工会"),
    ("HJ-LG", "华江市临港新区总工会"),
];

/// (code, name, parent code, branches)
const ENTERPRISES: &[(&str, &str, &str, &[&str])] = &[
    (
        "HJGT",
        "华江钢铁集团有限公司工会",
        "HJ-JXYJ",
        &["炼钢厂分会", "冷轧厂分会", "热轧厂分会", "设备检修中心分会"],
    ),
    (
        "HJZJ",
        "华江重型机械股份有限公司工会",
        "HJ-JXYJ",
        &["铸锻分厂分会", "大型结构件车间分会"],
    ),
    (
        "HJQC",
        "华江汽车集团有限公司工会",
        "HJ-JXYJ",
        &[
            "整车制造厂分会",
            "发动机厂分会",
            "技术中心分会",
            "售后服务公司分会",
        ],
    ),
    (
        "HJLY",
        "华江铝业有限公司工会",
        "HJ-JXYJ",
        &["电解车间分会", "压延车间分会"],
    ),
    (
        "HJDT",
        "华江地铁运营有限公司工会",
        "HJ-JTYS",
        &["一号线客运分部分会", "车辆段分会", "供电分部分会"],
    ),
    (
        "HJGW",
        "华江港务集团有限公司工会",
        "HJ-JTYS",
        &["集装箱码头分会", "装卸机械队分会"],
    ),
    (
        "HJJC",
        "华江国际机场有限公司工会",
        "HJ-JTYS",
        &["航站楼运行部分会", "行李服务部分会"],
    ),
    (
        "HJGJ",
        "华江公交集团有限公司工会",
        "HJ-JTYS",
        &["第一客运分公司分会", "保修分公司分会"],
    ),
    (
        "HJHT8",
        "华江航天技术研究院第八研究所工会",
        "HJ-GFGY",
        &["203所电装车间分会", "总装测试中心分会"],
    ),
    (
        "HJCB",
        "华江船舶重工有限公司工会",
        "HJ-GFGY",
        &["船体车间分会", "舾装车间分会"],
    ),
    (
        "HJHF",
        "华江航空发动机有限公司工会",
        "HJ-GFGY",
        &["叶片分厂分会", "装配试车分厂分会"],
    ),
    (
        "HJDL",
        "国网华江供电公司工会",
        "HJ-NYHG",
        &["变电运维中心分会", "配电抢修班分会", "电力调度控制中心分会"],
    ),
    (
        "HJSH",
        "华江石化股份有限公司工会",
        "HJ-NYHG",
        &["炼油一部分会", "化工二部分会"],
    ),
    (
        "HJRQ",
        "华江燃气集团有限公司工会",
        "HJ-NYHG",
        &["管网运行分公司分会", "客户服务中心分会"],
    ),
    (
        "HJSW",
        "华江水务集团有限公司工会",
        "HJ-NYHG",
        &["第一水厂分会", "管网维修队分会"],
    ),
    (
        "HJYH",
        "华江银行股份有限公司工会",
        "HJ-JRGH",
        &["营业部分会", "科技信息部分会"],
    ),
    (
        "HJBX",
        "华江人寿保险公司工会",
        "HJ-JRGH",
        &["客户服务中心分会"],
    ),
    (
        "HJJG",
        "华江建工集团有限公司工会",
        "HJ-JSGH",
        &["第一建筑工程公司分会", "安装工程公司分会"],
    ),
    (
        "HJSZ",
        "华江市政工程有限公司工会",
        "HJ-JSGH",
        &["道桥养护队分会"],
    ),
    (
        "HJDZ",
        "华江电子信息集团有限公司工会",
        "HJ-GX",
        &["芯片封装测试厂分会", "软件开发中心分会"],
    ),
    (
        "HJYY",
        "华江生物医药有限公司工会",
        "HJ-GX",
        &["制剂车间分会", "质量检验中心分会"],
    ),
    (
        "HJZN",
        "华江智能装备有限公司工会",
        "HJ-GX",
        &["机器人装调车间分会"],
    ),
    (
        "HJFZ",
        "华江纺织集团有限公司工会",
        "HJ-DC",
        &["织造车间分会"],
    ),
    (
        "HJSP",
        "华江食品集团有限公司工会",
        "HJ-DC",
        &["烘焙车间分会"],
    ),
    (
        "HJBH",
        "华江百货股份有限公司工会",
        "HJ-XH",
        &["东城门店分会", "西湖门店分会"],
    ),
    ("HJYD", "华江市第一人民医院工会", "HJ-XH", &["护理部分会"]),
    (
        "HJWL",
        "华江物流集团有限公司工会",
        "HJ-BJ",
        &["仓储分拣中心分会", "运输车队分会"],
    ),
    (
        "HJXN",
        "华江新能源汽车电池有限公司工会",
        "HJ-LG",
        &["电芯车间分会", "模组车间分会"],
    ),
    ("HJGY", "华江港城工业园服务公司工会", "HJ-LG", &[]),
    ("HJSJ", "华江数据科技有限公司工会", "HJ-GX", &[]),
];

const BANKS: &[(&str, &str)] = &[
    ("焊工", include_str!("../demo/焊工.gift")),
    ("电工", include_str!("../demo/电工.gift")),
    ("汽车装调工", include_str!("../demo/汽车装调工.gift")),
    ("地铁列车司机", include_str!("../demo/地铁列车司机.gift")),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "欧阳", "司马",
];
const GIVEN_MALE: &[&str] = &[
    "建国", "志强", "伟", "磊", "军", "勇", "涛", "斌", "海峰", "国庆", "明", "超", "鹏", "浩",
    "宏伟", "建华", "振华", "立新", "俊杰", "晓东", "德胜", "永刚", "卫东", "文博", "子轩",
];
const GIVEN_FEMALE: &[&str] = &[
    "丽", "静", "敏", "燕", "艳", "娟", "霞", "秀英", "桂英", "玉兰", "晓红", "海燕", "春梅", "雪",
    "婷", "欣怡", "雨桐", "佳琪", "慧", "丹",
];
const TRADES: &[&str] = &[
    "焊工",
    "电工",
    "钳工",
    "车工",
    "数控铣工",
    "汽车装调工",
    "电装工",
    "起重装卸机械操作工",
    "地铁列车司机",
    "电力调度员",
    "化工总控工",
    "锅炉操作工",
    "仪器仪表维修工",
    "工具钳工",
    "收银员",
    "数据分析师",
    "木工",
    "速录员",
    "眼镜验光员",
    "中式烹调师",
    "养老护理员",
    "网络安全管理员",
];
const POSTS: &[&str] = &[
    "操作工",
    "班组长",
    "技术员",
    "工程师",
    "高级技师",
    "技师",
    "检修工",
    "质检员",
    "车间主任",
    "工段长",
];

fn person_name(rng: &mut StdRng) -> (String, Gender) {
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    if rng.random_bool(0.62) {
        (
            format!(
                "{surname}{}",
                GIVEN_MALE[rng.random_range(0..GIVEN_MALE.len())]
            ),
            Gender::Male,
        )
    } else {
        (
            format!(
                "{surname}{}",
                GIVEN_FEMALE[rng.random_range(0..GIVEN_FEMALE.len())]
            ),
            Gender::Female,
        )
    }
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
    let hash = passwords::hash(DEMO_PASSWORD.to_owned()).await?;
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
    gongjiang_db::commit(tx).await?;
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
