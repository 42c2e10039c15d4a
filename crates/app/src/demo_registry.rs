//! The demo's innovation registry: a few hundred studios across levels with their ratings and
//! members, dozens of alliances of every kind with chair terms and projects, a few thousand
//! achievements with awards and declaration histories, and people with honours. Deterministic.

use crate::ServiceResult;
use gongjiang_db::achievements::{self as ach};
use gongjiang_db::units::UnitRecord;
use gongjiang_db::{Conn, alliances, honours, studios};
use gongjiang_domain::registry::Field;
use gongjiang_domain::registry::achievement::{AchievementKind, AchievementText, Award, AwardTier};
use gongjiang_domain::registry::alliance::{AllianceKind, AllianceProfile};
use gongjiang_domain::registry::honour::{Honour, HonourKind, HonourLevel, Mentorship};
use gongjiang_domain::registry::studio::StudioProfile;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// What the rest of the demo made, that the registry builds on.
pub struct Base<'a> {
    pub federation: &'a UnitRecord,
    pub workplaces: &'a [UnitRecord],
    pub people_by_unit: &'a HashMap<i64, Vec<(i64, String)>>,
    /// The `leader` account's person leads the first studio; the `worker` is in it.
    pub leader: Option<i64>,
    pub worker: Option<i64>,
    pub now: i64,
}

/// Subjects of innovation with their field and what a studio of that speciality is called.
const SUBJECTS: &[(&str, Field, &str)] = &[
    ("连铸机结晶器", Field::Traditional, "连铸"),
    ("转炉炉口", Field::Traditional, "炼钢"),
    ("高炉炉缸", Field::Traditional, "炼铁"),
    ("热轧带钢", Field::Traditional, "轧钢"),
    ("冷轧板形", Field::Traditional, "冷轧"),
    ("数控机床主轴", Field::AdvancedManufacturing, "数控"),
    ("加工中心夹具", Field::AdvancedManufacturing, "精密加工"),
    ("转向架构架", Field::AdvancedManufacturing, "焊接"),
    ("白车身焊点", Field::AdvancedManufacturing, "车身焊装"),
    ("电驱总成", Field::AdvancedManufacturing, "电驱装配"),
    ("卫星电装线束", Field::Aerospace, "电装"),
    ("火箭贮箱焊缝", Field::Aerospace, "航天焊接"),
    ("光伏组件", Field::EnergyEnvironment, "光伏运维"),
    ("储能电池簇", Field::EnergyEnvironment, "储能"),
    ("锅炉燃烧", Field::EnergyEnvironment, "节能"),
    ("污水曝气", Field::EnergyEnvironment, "水处理"),
    ("设备振动数据", Field::ArtificialIntelligence, "智能运维"),
    ("表面缺陷图像", Field::ArtificialIntelligence, "机器视觉"),
    ("抗体纯化工艺", Field::Biomedicine, "生物制药"),
    ("静脉用药调配", Field::Biomedicine, "药学"),
    ("抢修工单派发", Field::InformationTechnology, "调度信息化"),
    ("柜面业务系统", Field::InformationTechnology, "金融科技"),
    ("碳纤维复合材料", Field::NewMaterials, "复合材料"),
    ("受电弓碳滑板", Field::Transport, "地铁车辆"),
    ("接触网隔离开关", Field::Transport, "供电"),
    ("机场行李分拣", Field::Transport, "民航保障"),
    ("盾构刀具", Field::Construction, "盾构"),
    ("管廊管线", Field::Construction, "BIM"),
    ("茶叶杀青", Field::Services, "茶艺"),
    ("养老护理操作", Field::Services, "护理"),
];

const ACTIONS: &[(&str, &str)] = &[
    ("在线监测系统", "实时采集数据并预警，避免突发故障"),
    ("自动控制改进", "以闭环控制替代人工调节，稳定性明显提高"),
    ("工艺优化", "优化工艺参数与顺序，一次合格率提升"),
    ("快速更换装置", "换型时间由数小时缩短到十几分钟"),
    ("故障诊断方法", "建立故障特征库，定位时间大幅缩短"),
    ("节能降耗改造", "降低单位能耗，年节约能源费用"),
    ("防错改造", "增加多重防错，杜绝漏装错装"),
    ("智能检测装置", "以机器视觉替代人工目检，检出率超过98%"),
    ("作业流程优化", "压缩作业环节，减少等待与返工"),
    ("安全防护改造", "消除高处与高温作业安全隐患"),
];

const AWARDS: &[(&str, &str)] = &[
    ("华江市职工技术创新成果奖", "华江市总工会"),
    ("华江市职工合理化建议优秀成果", "华江市总工会"),
    ("华江市优秀技术创新项目", "华江市科学技术局"),
    ("全国职工优秀技术创新成果", "中华全国总工会"),
    ("集团公司科技进步奖", "企业集团"),
];

const HONOURS: &[(HonourKind, HonourLevel, &str, &str)] = &[
    (
        HonourKind::ModelWorker,
        HonourLevel::National,
        "全国劳动模范",
        "国务院",
    ),
    (
        HonourKind::ModelWorker,
        HonourLevel::Municipal,
        "华江市劳动模范",
        "华江市人民政府",
    ),
    (
        HonourKind::AdvancedWorker,
        HonourLevel::Municipal,
        "华江市先进工作者",
        "华江市人民政府",
    ),
    (
        HonourKind::LabourMedal,
        HonourLevel::National,
        "全国五一劳动奖章",
        "中华全国总工会",
    ),
    (
        HonourKind::LabourMedal,
        HonourLevel::Municipal,
        "华江市五一劳动奖章",
        "华江市总工会",
    ),
    (
        HonourKind::Craftsman,
        HonourLevel::Municipal,
        "华江大工匠",
        "华江市总工会",
    ),
    (
        HonourKind::CraftsmanNominee,
        HonourLevel::Municipal,
        "华江大工匠提名",
        "华江市总工会",
    ),
    (
        HonourKind::Craftsman,
        HonourLevel::Enterprise,
        "集团首席技师",
        "企业集团",
    ),
    (
        HonourKind::ModelWorker,
        HonourLevel::Industry,
        "行业劳动模范",
        "产业工会",
    ),
];

const THEMES: &[&str] = &[
    "轻量化",
    "电动化",
    "智能制造",
    "节能降碳",
    "安全生产",
    "数字化转型",
];

fn profile(name: String, field: Field, founded: i32, site: &str, summary: String) -> StudioProfile {
    StudioProfile {
        name,
        fields: vec![field],
        founded_year: Some(founded),
        site: site.to_owned(),
        equipment: "三维扫描仪、数控加工中心、焊接实训工位、数据采集平台".into(),
        funds: format!("年度经费 {} 万元", 20 + founded % 7 * 10),
        contact: String::new(),
        summary,
    }
}

/// The units from the workplace up to the federation, nearest first (ids from the path).
fn ladder(unit: &UnitRecord) -> Vec<i64> {
    let mut ids = unit.unit_path().ids();
    ids.reverse();
    ids
}

pub async fn load(tx: &mut Conn, base: Base<'_>) -> ServiceResult<(usize, usize, usize)> {
    let mut rng = StdRng::seed_from_u64(4242);
    let now = base.now;
    let this_year = gongjiang_domain::clock::this_year();
    // Studios: about four in five workplaces host some, each led by one of its people.
    let mut studios_made: Vec<(i64, &UnitRecord, usize, Vec<i64>)> = Vec::new();
    let mut taken: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for place in base.workplaces {
        let people = base
            .people_by_unit
            .get(&place.id)
            .cloned()
            .unwrap_or_default();
        // The demo leader's workplace gets four studios, the first of them theirs.
        let lead_here = base.leader.filter(|l| people.iter().any(|(p, _)| p == l));
        let count = if lead_here.is_some() {
            4
        } else {
            rng.random_range(3..7)
        };
        for k in 0..count {
            let Some((leader, leader_name)) = (if lead_here.is_some() && k == 0 {
                base.leader
                    .and_then(|l| people.iter().find(|(p, _)| *p == l).cloned())
            } else {
                people
                    .iter()
                    .filter(|(p, _)| !taken.contains(p) && Some(*p) != base.worker)
                    .nth(k)
                    .cloned()
            }) else {
                continue;
            };
            taken.insert(leader);
            let subject = rng.random_range(0..SUBJECTS.len());
            let (thing, field, speciality) = SUBJECTS[subject];
            let founded = rng.random_range(2008..=this_year - 1);
            let name = if rng.random_bool(0.3) {
                format!("{leader_name}劳模创新工作室")
            } else {
                format!("{leader_name}{speciality}创新工作室")
            };
            let summary = format!(
                "工作室以{leader_name}为带头人，围绕{thing}等难题开展技术攻关和名师带徒，累计完成创新项目{}项，培养技师、高级技师{}名。",
                rng.random_range(8..60),
                rng.random_range(3..25)
            );
            let p = profile(
                name,
                field,
                founded,
                &format!("{}创新活动室", place.name),
                summary,
            );
            let id = studios::insert(tx, place.id, Some(leader), &p, now).await?;
            studios::add_member(tx, id, leader, "leader", &format!("{founded}-03-01")).await?;
            let mut members = vec![leader];
            if lead_here.is_some()
                && k == 0
                && let Some(worker) = base.worker
            {
                studios::add_member(tx, id, worker, "core", &format!("{founded}-06-01")).await?;
                members.push(worker);
            }
            let extra: Vec<i64> = people
                .iter()
                .map(|(p, _)| *p)
                .filter(|p| !members.contains(p))
                .take(rng.random_range(2..6))
                .collect();
            for p in &extra {
                let role = if rng.random_bool(0.4) {
                    "core"
                } else {
                    "member"
                };
                let joined = rng.random_range(founded..=this_year);
                studios::add_member(
                    tx,
                    id,
                    *p,
                    role,
                    &format!("{joined}-0{}-15", rng.random_range(1..10)),
                )
                .await?;
                members.push(*p);
            }
            // Levels climb over the years: enterprise first, then perhaps higher.
            let mut level = "enterprise";
            studios::add_level(
                tx,
                id,
                "enterprise",
                i64::from(founded),
                &place.name,
                "",
                now,
            )
            .await?;
            let mut year = founded;
            for (next, chance, by) in [
                (
                    if rng.random_bool(0.5) {
                        "district"
                    } else {
                        "industry"
                    },
                    0.55,
                    "区总工会、产业工会",
                ),
                ("municipal", 0.45, "华江市总工会"),
                ("demonstration", 0.2, "华江市总工会"),
            ] {
                if year + 2 > this_year || !rng.random_bool(chance) {
                    break;
                }
                year = rng.random_range(year + 1..=this_year.min(year + 4));
                studios::add_level(tx, id, next, i64::from(year), by, "", now).await?;
                level = next;
            }
            // Ratings from the evaluations every two years since 2020.
            let mut stars = 0i64;
            let mut y = founded.max(2020);
            while y < this_year {
                if rng.random_bool(0.8) {
                    stars = (stars.max(3) + rng.random_range(-1..=1)).clamp(3, 5);
                    studios::add_rating(
                        tx,
                        id,
                        stars,
                        &format!("{y}-12-15"),
                        &format!("{y}年度创新工作室评估检查"),
                        now,
                    )
                    .await?;
                }
                y += 2;
            }
            studios::set_standing(tx, id, level, stars).await?;
            let roll: f64 = rng.random();
            if roll < 0.04 {
                studios::set_status(
                    tx,
                    id,
                    "exited",
                    None,
                    &format!("{}-12-31", this_year - 1),
                    now,
                )
                .await?;
            } else if rng.random_bool(0.85) {
                studios::set_published(tx, id, true, now).await?;
            }
            studios_made.push((id, place, subject, members));
        }
    }
    // Honours and master–apprentice pairs, leaders first.
    let leaders: Vec<i64> = studios_made.iter().map(|(_, _, _, m)| m[0]).collect();
    for (i, leader) in leaders.iter().enumerate() {
        if i % 2 == 0 || rng.random_bool(0.25) {
            let (kind, level, title, by) = HONOURS[rng.random_range(0..HONOURS.len())];
            let honour = Honour {
                kind,
                level,
                title: title.into(),
                year: rng.random_range(2010..=this_year),
                granted_by: by.into(),
            };
            honours::insert(tx, *leader, &honour, now).await?;
        }
    }
    for (_, _, _, members) in studios_made.iter().filter(|(id, ..)| id % 3 == 0) {
        if let [master, apprentice, ..] = members.as_slice() {
            let from = rng.random_range(2015..=this_year);
            let to = (from + 3 <= this_year).then_some(from + 3);
            if let Ok(pair) = Mentorship::new(*master, *apprentice, from, to) {
                honours::insert_mentorship(tx, &pair, now).await?;
            }
        }
    }
    // Alliances: a dozen of each kind but thematic, and six thematic ones.
    let mut alliance_count = 0;
    let mut used_names = std::collections::HashSet::new();
    let mut alliance_ids = Vec::new();
    for i in 0..36usize {
        let kind = AllianceKind::ALL[i % AllianceKind::ALL.len()];
        let (thing, _, speciality) = SUBJECTS[(i * 7) % SUBJECTS.len()];
        let theme = if kind == AllianceKind::Thematic {
            THEMES[i % THEMES.len()].to_owned()
        } else {
            String::new()
        };
        let name = match kind {
            AllianceKind::ValueChain => format!("{speciality}产业链创新工作室联盟"),
            AllianceKind::SameKind => format!("{speciality}同型创新工作室联盟"),
            AllianceKind::CrossKind => format!("{thing}跨专业创新联盟"),
            AllianceKind::Thematic => format!("华江{theme}主题创新联盟"),
        };
        let name = if used_names.contains(&name) {
            format!("{name}（{}）", i + 1)
        } else {
            name
        };
        used_names.insert(name.clone());
        let founded = rng.random_range(2016..=this_year - 1);
        let p = AllianceProfile {
            name,
            kind,
            theme,
            purpose: format!("联合上下游工作室，围绕{thing}开展联合攻关、技术交流和人才共育。"),
            founded_year: Some(founded),
        };
        let id = alliances::insert(tx, base.federation.id, &p, None, now).await?;
        let size = rng.random_range(2..12).min(studios_made.len());
        let members: Vec<&(i64, &UnitRecord, usize, Vec<i64>)> =
            studios_made.choose_multiple(&mut rng, size).collect();
        for m in &members {
            alliances::add_member(tx, id, m.0, &format!("{founded}-05-01")).await?;
        }
        let mut year = founded;
        for (t, m) in members.iter().take(3).enumerate() {
            let Some(chair) = ladder(m.1).get(1).copied() else {
                continue;
            };
            if t > 0 {
                year += 2;
                if year > this_year {
                    break;
                }
            }
            let note = if t == 0 {
                String::new()
            } else {
                "移交联盟章程、项目台账和经费账目".to_owned()
            };
            let _ = alliances::hand_over(tx, id, chair, &format!("{year}-01-10"), &note).await;
        }
        for y in founded..=this_year {
            // Most report a project or two a year; some fall short, this year especially.
            let n = if y == this_year {
                rng.random_range(0..3)
            } else {
                rng.random_range(0..4)
            };
            for k in 0..n {
                let (thing, _, _) = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
                let (action, _) = ACTIONS[rng.random_range(0..ACTIONS.len())];
                alliances::add_project(
                    tx,
                    id,
                    i64::from(y),
                    &format!("{thing}{action}联合攻关（{y}-{}）", k + 1),
                    "",
                    now,
                )
                .await?;
            }
        }
        alliance_count += 1;
        alliance_ids.push(id);
    }
    // Two innovation centers and a base over the alliances.
    for (k, (kind, name)) in [
        ("center", "华江先进制造创新中心"),
        ("center", "华江绿色能源创新中心"),
        ("base", "华江职工创新基地"),
    ]
    .iter()
    .enumerate()
    {
        let group = gongjiang_db::groups::insert(
            tx,
            base.federation.id,
            kind,
            name,
            "汇聚相关联盟和工作室，开展跨单位协同攻关。",
            now,
        )
        .await?;
        for a in alliance_ids
            .iter()
            .skip(k * 5)
            .take(if *kind == "base" { 12 } else { 6 })
        {
            gongjiang_db::groups::add_member(tx, group, None, Some(*a)).await?;
        }
    }
    // Achievements: six to eight a studio over the years, plus some of units without a studio.
    let mut achievement_count = 0;
    let kinds = AchievementKind::ALL;
    for (studio, place, subject, members) in &studios_made {
        for _ in 0..rng.random_range(8..12) {
            let (thing, field, _) = SUBJECTS[if rng.random_bool(0.8) {
                *subject
            } else {
                rng.random_range(0..SUBJECTS.len())
            }];
            let (action, effect) = ACTIONS[rng.random_range(0..ACTIONS.len())];
            let year = rng.random_range(2019..=this_year);
            let saving = rng.random_range(5..300);
            let text = AchievementText {
                title: format!("{thing}{action}"),
                summary: format!("针对{thing}存在的问题，{effect}。"),
                description: format!(
                    "一、问题与背景：{thing}长期依赖经验操作，故障和质量波动影响生产。\n二、主要做法：成立攻关小组，开展数据分析和试验验证，完成{action}。\n三、应用情况：已在{}推广应用。",
                    place.name
                ),
                kind: kinds[rng.random_range(0..kinds.len())],
                field,
                year,
                effects: format!("{effect}；年创效益约{saving}万元。"),
                patents: if rng.random_bool(0.25) {
                    format!(
                        "实用新型专利 ZL{year}2{:07}.X",
                        rng.random_range(0..10_000_000)
                    )
                } else {
                    String::new()
                },
            };
            let id = ach::insert(tx, place.id, Some(*studio), &text, now).await?;
            let makers: Vec<i64> = members
                .iter()
                .take(rng.random_range(1..4))
                .copied()
                .collect();
            ach::set_people(tx, id, &makers).await?;
            declare(tx, &mut rng, id, place, year, this_year, now).await?;
            achievement_count += 1;
        }
    }
    for place in base.workplaces.iter().step_by(2) {
        for _ in 0..rng.random_range(3..8) {
            let (thing, field, _) = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
            let (action, effect) = ACTIONS[rng.random_range(0..ACTIONS.len())];
            let year = rng.random_range(2019..=this_year);
            let text = AchievementText {
                title: format!("{thing}{action}（合理化建议）"),
                summary: format!("一线职工提出的合理化建议：{effect}。"),
                description: String::new(),
                kind: AchievementKind::WorkflowOptimisation,
                field,
                year,
                effects: effect.into(),
                patents: String::new(),
            };
            let id = ach::insert(tx, place.id, None, &text, now).await?;
            if let Some((p, _)) = base
                .people_by_unit
                .get(&place.id)
                .and_then(|l| l.choose(&mut rng))
            {
                ach::set_people(tx, id, &[*p]).await?;
            }
            declare(tx, &mut rng, id, place, year, this_year, now).await?;
            achievement_count += 1;
        }
    }
    // The search index, in the same transaction as the data.
    for (id, ..) in &studios_made {
        crate::search::index_studio(tx, *id).await?;
    }
    let mut conn_ids: Vec<i64> = Vec::new();
    for people in base.people_by_unit.values() {
        conn_ids.extend(people.iter().map(|(p, _)| *p));
    }
    for p in conn_ids {
        crate::search::index_person(tx, p).await?;
    }
    let all: Vec<i64> = sqlx_free_ids(tx).await?;
    for id in all {
        crate::search::index_achievement(tx, id).await?;
    }
    Ok((studios_made.len(), alliance_count, achievement_count))
}

/// Every achievement's id (the demo indexes them all at the end).
async fn sqlx_free_ids(tx: &mut Conn) -> ServiceResult<Vec<i64>> {
    let (list, _) = ach::list(
        tx,
        None,
        &ach::AchievementFilter::default(),
        gongjiang_db::Page::new(1, 500),
    )
    .await?;
    let mut ids: Vec<i64> = list.iter().map(|a| a.id).collect();
    let mut page = 2;
    loop {
        let (more, _) = ach::list(
            tx,
            None,
            &ach::AchievementFilter::default(),
            gongjiang_db::Page::new(page, 500),
        )
        .await?;
        if more.is_empty() {
            break;
        }
        ids.extend(more.iter().map(|a| a.id));
        page += 1;
    }
    Ok(ids)
}

/// A declaration history: most older achievements are recognised at some level, some wait,
/// some came back; recognised ones may have an award and be published.
async fn declare(
    tx: &mut Conn,
    rng: &mut StdRng,
    id: i64,
    place: &UnitRecord,
    year: i32,
    this_year: i32,
    now: i64,
) -> ServiceResult<()> {
    let up = ladder(place);
    let roll: f64 = rng.random();
    let (stage, climb) = if year < this_year - 1 || roll < 0.55 {
        ("recognised", rng.random_range(1..up.len().max(2)))
    } else if roll < 0.75 {
        ("declared", rng.random_range(1..up.len().max(2)))
    } else if roll < 0.85 {
        ("returned", 1)
    } else {
        ("draft", 0)
    };
    let at = |n: usize| up.get(n.min(up.len() - 1)).copied().unwrap_or(place.id);
    let when = now - i64::from(this_year - year) * 31_536_000_000;
    for step in 0..climb {
        let decision = if step == 0 { "declare" } else { "recommend" };
        ach::add_step(
            tx,
            id,
            when + step as i64 * 86_400_000,
            None,
            "演示数据",
            decision,
            at(step),
            Some(at(step + 1)),
            "",
        )
        .await?;
    }
    match stage {
        "recognised" => {
            ach::add_step(
                tx,
                id,
                when + climb as i64 * 86_400_000,
                None,
                "演示数据",
                "recognise",
                at(climb),
                None,
                "评审通过",
            )
            .await?;
            ach::set_position(tx, id, "recognised", Some(at(climb)), now).await?;
            if rng.random_bool(0.45) {
                let tier = match rng.random_range(0..20) {
                    0..=1 => AwardTier::First,
                    2..=7 => AwardTier::Second,
                    8..=15 => AwardTier::Third,
                    _ => AwardTier::Excellence,
                };
                let (name, by) = AWARDS[rng.random_range(0..AWARDS.len())];
                let award = Award {
                    name: name.into(),
                    tier,
                    granted_by: by.into(),
                    year: (year + 1).min(this_year),
                };
                ach::add_award(tx, id, &award, now).await?;
                ach::set_best_tier(tx, id, tier.as_str()).await?;
            }
            if rng.random_bool(0.7) {
                ach::set_published(tx, id, true, now).await?;
            }
        }
        "declared" => ach::set_position(tx, id, "declared", Some(at(climb)), now).await?,
        "returned" => {
            ach::add_step(
                tx,
                id,
                when + 86_400_000,
                None,
                "演示数据",
                "return",
                at(1),
                Some(place.id),
                "请补充应用效果证明材料",
            )
            .await?;
            ach::set_position(tx, id, "returned", None, now).await?;
        }
        _ => {}
    }
    Ok(())
}
