//! Search recall over a realistic corpus: Chinese queries, some of which jieba segments badly,
//! each with the records it must find. Runs on SQLite and PostgreSQL; prints the recall.

use crate::common::TestApp;
use gongjiang_app::Caller;

/// (title, summary) of achievements as union registries word them.
const ACHIEVEMENTS: &[(&str, &str)] = &[
    (
        "连铸结晶器液面波动控制改进",
        "改进塞棒控制算法，液面波动由±5mm降至±2mm，减少漏钢事故。",
    ),
    (
        "转炉炉口结渣快速清理装置",
        "采用液压破碎头，清渣时间缩短40%，消除高温作业安全隐患。",
    ),
    (
        "热轧带钢边部缺陷在线检测",
        "机器视觉识别边裂、毛刺，检出率98%。",
    ),
    (
        "高速动车组转向架构架焊接变形控制",
        "反变形工装与焊接顺序优化，构架平面度合格率提升至99.6%。",
    ),
    (
        "203所电装车间线束工艺改进",
        "线束预制分段，电装一次合格率提高，返修减少一半。",
    ),
    (
        "地铁车辆受电弓碳滑板磨耗监测",
        "基于图像的碳滑板磨耗自动测量，替代人工登顶检查。",
    ),
    (
        "接触网隔离开关远程操作改造",
        "实现隔离开关远程分合闸，缩短停送电时间。",
    ),
    (
        "机场行李分拣系统堵包预警",
        "光电传感器与算法结合，行李等待时间缩短3分钟。",
    ),
    (
        "植保无人机变量喷洒农药减量技术",
        "按病虫害分布变量施药，农药减量30%。",
    ),
    (
        "数控机床主轴热变形补偿",
        "温度传感器建模补偿，加工精度提高到0.005mm。",
    ),
    (
        "PLC控制的自动上下料系统",
        "机械手与PLC联动，一人看管四台设备。",
    ),
    (
        "5G+工业互联网设备预测性维护",
        "振动数据上云分析，实现预测性维护，减少非计划停机。",
    ),
    (
        "光伏电站组件清扫机器人",
        "自主行走清扫光伏板，发电效率提升5%。",
    ),
    (
        "储能电池簇温差均衡控制",
        "优化风道与控制策略，电池簇温差小于3℃。",
    ),
    (
        "汽车白车身激光焊接参数优化",
        "激光焊接参数正交试验，焊缝强度提升。",
    ),
    ("铝合金副车架轻量化设计", "拓扑优化与铝合金替代，减重18%。"),
    (
        "新能源汽车电驱总成装配防错",
        "扭矩与视觉双重防错，装配缺陷下降90%。",
    ),
    ("锅炉燃烧优化节能降耗", "氧量闭环控制，供电煤耗下降2克。"),
    ("污水处理曝气节能控制", "溶解氧精确控制，曝气能耗下降20%。"),
    (
        "BIM技术在管廊施工中的应用",
        "BIM模型指导管线综合排布，减少返工。",
    ),
    (
        "钢筋笼自动焊接生产线",
        "桩基钢筋笼自动成型焊接，效率提高三倍。",
    ),
    (
        "隧道盾构刀具磨损在线监测",
        "盾构刀具磨损实时监测，减少开仓检查。",
    ),
    (
        "银行柜面业务流程优化",
        "压缩柜面业务环节，客户等候时间缩短。",
    ),
    ("医院静脉用药集中调配流程优化", "调配流程再造，差错率下降。"),
    (
        "供电抢修工单智能派发",
        "按位置与技能派单，抢修到达时间缩短。",
    ),
    (
        "变电站巡检机器人红外测温",
        "机器人红外测温替代人工巡检，发现发热缺陷。",
    ),
    ("起重机钢丝绳无损检测装置", "漏磁法探伤，提前发现断丝。"),
    ("化验室煤样自动制样系统", "制样全流程自动化，减少人为误差。"),
    ("叉车作业区人员接近报警", "UWB定位，人车距离过近自动报警。"),
    (
        "高炉炉缸侵蚀在线监测模型",
        "热电偶数据建模，预测炉缸侵蚀，保障高炉长寿。",
    ),
    ("冷轧板形闭环控制优化", "板形仪数据闭环，板形合格率提升。"),
    (
        "茶叶加工杀青温度自动控制",
        "杀青温度精准控制，提高茶叶品质。",
    ),
    (
        "养老护理员技能培训虚拟仿真",
        "VR仿真培训护理操作，提高培训效率。",
    ),
    ("速录考核题库系统", "建立速录技能考核题库，实现在线考核。"),
    (
        "加工中心夹具快换系统",
        "零点定位快换夹具，换型时间由2小时降至15分钟。",
    ),
    (
        "维修电工实训平台",
        "模块化实训台，覆盖低压电器维修全部项目。",
    ),
    (
        "合理化建议管理信息系统",
        "建议提交、评审、奖励全流程线上化。",
    ),
];

/// (query, titles it must find). Several are words jieba's general dictionary splits or
/// glues wrongly; the domain dictionary and character pairs must still find them.
const QUERIES: &[(&str, &[&str])] = &[
    ("液面波动", &["连铸结晶器液面波动控制改进"]),
    ("结晶器", &["连铸结晶器液面波动控制改进"]),
    ("漏钢", &["连铸结晶器液面波动控制改进"]),
    ("电装", &["203所电装车间线束工艺改进"]),
    ("线束", &["203所电装车间线束工艺改进"]),
    ("转向架", &["高速动车组转向架构架焊接变形控制"]),
    ("焊接变形", &["高速动车组转向架构架焊接变形控制"]),
    ("受电弓", &["地铁车辆受电弓碳滑板磨耗监测"]),
    ("碳滑板", &["地铁车辆受电弓碳滑板磨耗监测"]),
    ("接触网", &["接触网隔离开关远程操作改造"]),
    ("行李", &["机场行李分拣系统堵包预警"]),
    ("堵包", &["机场行李分拣系统堵包预警"]),
    ("农药减量", &["植保无人机变量喷洒农药减量技术"]),
    ("无人机", &["植保无人机变量喷洒农药减量技术"]),
    ("主轴热变形", &["数控机床主轴热变形补偿"]),
    ("plc", &["PLC控制的自动上下料系统"]),
    ("PLC 上下料", &["PLC控制的自动上下料系统"]),
    ("5G", &["5G+工业互联网设备预测性维护"]),
    ("预测性维护", &["5G+工业互联网设备预测性维护"]),
    ("光伏", &["光伏电站组件清扫机器人"]),
    ("清扫机器人", &["光伏电站组件清扫机器人"]),
    ("储能", &["储能电池簇温差均衡控制"]),
    ("激光焊", &["汽车白车身激光焊接参数优化"]),
    ("轻量化", &["铝合金副车架轻量化设计"]),
    ("铝合金", &["铝合金副车架轻量化设计"]),
    ("电驱", &["新能源汽车电驱总成装配防错"]),
    ("防错", &["新能源汽车电驱总成装配防错"]),
    ("煤耗", &["锅炉燃烧优化节能降耗"]),
    ("曝气", &["污水处理曝气节能控制"]),
    ("BIM", &["BIM技术在管廊施工中的应用"]),
    ("管廊", &["BIM技术在管廊施工中的应用"]),
    ("钢筋笼", &["钢筋笼自动焊接生产线"]),
    ("盾构", &["隧道盾构刀具磨损在线监测"]),
    ("刀具磨损", &["隧道盾构刀具磨损在线监测"]),
    ("柜面", &["银行柜面业务流程优化"]),
    ("静脉用药", &["医院静脉用药集中调配流程优化"]),
    ("抢修", &["供电抢修工单智能派发"]),
    ("红外测温", &["变电站巡检机器人红外测温"]),
    ("钢丝绳", &["起重机钢丝绳无损检测装置"]),
    ("无损检测", &["起重机钢丝绳无损检测装置"]),
    ("制样", &["化验室煤样自动制样系统"]),
    ("叉车", &["叉车作业区人员接近报警"]),
    ("炉缸", &["高炉炉缸侵蚀在线监测模型"]),
    ("板形", &["冷轧板形闭环控制优化"]),
    ("杀青", &["茶叶加工杀青温度自动控制"]),
    ("养老护理", &["养老护理员技能培训虚拟仿真"]),
    ("速录", &["速录考核题库系统"]),
    ("快换夹具", &["加工中心夹具快换系统"]),
    ("维修电工", &["维修电工实训平台"]),
    ("合理化建议", &["合理化建议管理信息系统"]),
    (
        "机器人",
        &["光伏电站组件清扫机器人", "变电站巡检机器人红外测温"],
    ),
    (
        "焊接",
        &[
            "高速动车组转向架构架焊接变形控制",
            "汽车白车身激光焊接参数优化",
            "钢筋笼自动焊接生产线",
        ],
    ),
    (
        "流程优化",
        &["银行柜面业务流程优化", "医院静脉用药集中调配流程优化"],
    ),
    ("节能", &["锅炉燃烧优化节能降耗", "污水处理曝气节能控制"]),
];

/// Two achievements for the phrase rule: the query is a phrase of the first's title; the second,
/// shorter (which bm25 alone favours), has all its words, scattered.
const PHRASE_QUERY: &str = "外观质量快速检验";
const PHRASE: &str = "焊缝外观质量快速检验方法在压力容器制造中的研究与推广应用";
const SCATTERED: &str = "快速检验焊缝的外观与质量";

/// Noise as the demo's registries hold it: thousands of achievements whose titles share no
/// word with the queries but whose bodies mention many of them, scattered.
const NOISE_THINGS: &[&str] = &[
    "连铸机",
    "转炉",
    "加热炉",
    "数控车床",
    "冲压模具",
    "总装线",
    "电解槽",
    "变压器",
    "输煤皮带",
    "空压机",
    "循环水泵",
    "行车",
    "涂装线",
    "注塑机",
    "印刷机",
    "纺纱机",
    "锅炉给水",
    "配电柜",
];
const NOISE_ACTIONS: &[&str] = &[
    "小改小革",
    "技术革新",
    "攻关成果",
    "创新实践",
    "改进项目",
    "提质增效",
    "降本增效",
];
const NOISE_BODY: &str = "班组围绕现场难题开展攻关，涉及焊接、机器人巡检、节能、流程梳理与参数优化、监测、维护、控制、检验、外观、质量、快速响应等环节，效果良好。";

/// Inserts `count` noise achievements with their documents, in one transaction.
async fn noise(app: &TestApp, count: usize) {
    let mut tx = app.db().begin().await.unwrap();
    let mut seed: u64 = 12_345;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    for i in 0..count {
        let text = gongjiang_domain::registry::achievement::AchievementText {
            title: format!(
                "{}{}（{i}号）",
                NOISE_THINGS[next(NOISE_THINGS.len())],
                NOISE_ACTIONS[next(NOISE_ACTIONS.len())]
            ),
            summary: NOISE_BODY.into(),
            description: String::new(),
            kind: gongjiang_domain::registry::achievement::AchievementKind::ProcessImprovement,
            field: gongjiang_domain::registry::Field::Traditional,
            year: 2024,
            effects: String::new(),
            patents: String::new(),
        };
        let id = gongjiang_db::achievements::insert(&mut tx, app.seed.branch, None, &text, 0)
            .await
            .unwrap();
        gongjiang_app::search::index_achievement(&mut tx, id)
            .await
            .unwrap();
    }
    gongjiang_db::commit(tx).await.unwrap();
}

/// The records a search shows, in order (as the page links them).
async fn results<'a>(
    app: &TestApp,
    client: &reqwest::Client,
    ids: &std::collections::HashMap<i64, &'a str>,
    query: &str,
) -> Vec<Option<&'a str>> {
    let path = format!(
        "/search?entity=achievement&q={}",
        crate::common::urlencode(query)
    );
    let (_, html) = app.get_text(client, &path).await;
    html.split("/innovation/achievements/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|n| n.parse::<i64>().ok())
        .map(|id| ids.get(&id).copied())
        .collect()
}

#[tokio::test]
async fn chinese_queries_find_what_they_must() {
    let app = TestApp::spawn().await;
    let system = Caller::system("corpus");
    let mut ids = std::collections::HashMap::new();
    let extra = [(PHRASE, "焊缝检验。"), (SCATTERED, "焊缝检验。")];
    for (title, summary) in ACHIEVEMENTS.iter().chain(&extra) {
        let a = gongjiang_app::achievements::create(
            app.db(),
            &system,
            gongjiang_app::achievements::AchievementInput {
                unit_id: app.seed.branch,
                studio_id: None,
                text: gongjiang_domain::registry::achievement::AchievementTextInput {
                    title: (*title).into(),
                    summary: (*summary).into(),
                    kind: "process_improvement".into(),
                    field: "traditional".into(),
                    year: "2024".into(),
                    ..Default::default()
                },
                people: Vec::new(),
            },
        )
        .await
        .unwrap();
        ids.insert(a.id, *title);
    }
    noise(&app, 3000).await;
    assert!(QUERIES.len() >= 30);
    let admin = app.login("admin").await;
    let (mut expected, mut in_top_ten, mut misses) = (0, 0, Vec::new());
    let mut reciprocal_ranks = 0.0;
    for (query, must) in QUERIES {
        let shown = results(&app, &admin, &ids, query).await;
        let first = shown
            .iter()
            .position(|r| r.is_some_and(|t| must.contains(&t)));
        reciprocal_ranks += first.map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
        for title in *must {
            expected += 1;
            if shown.iter().take(10).any(|r| *r == Some(*title)) {
                in_top_ten += 1;
            } else {
                misses.push(format!("{query} → {title} (got {shown:?})"));
            }
        }
        // A title that has the words ranks above every record that has them only in its body
        // (the noise): the wanted records come first.
        let wanted_first = shown
            .iter()
            .take(must.len())
            .all(|r| r.is_some_and(|t| must.contains(&t)));
        if !wanted_first {
            misses.push(format!("{query}: not first ({shown:?})"));
        }
    }
    let recall = f64::from(in_top_ten) / f64::from(expected);
    let mrr = reciprocal_ranks / QUERIES.len() as f64;
    let backend = if crate::common::on_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "search on {backend}, {} queries over {} achievements (3,000 of them noise): recall@10 {in_top_ten}/{expected} = {:.3}, MRR {mrr:.3}",
        QUERIES.len(),
        ids.len() + 3000,
        recall
    );
    // An exact phrase ranks above the same words scattered, even in a shorter title.
    let shown = results(&app, &admin, &ids, PHRASE_QUERY).await;
    let rank = |t: &str| shown.iter().position(|r| *r == Some(t));
    println!("phrase query {PHRASE_QUERY}: {shown:?}");
    if !(rank(PHRASE).is_some() && rank(PHRASE) < rank(SCATTERED).or(Some(usize::MAX))) {
        misses.push(format!(
            "{PHRASE_QUERY}: the phrase is not above the scattered words ({shown:?})"
        ));
    }
    assert!(
        misses.is_empty(),
        "recall@10 {recall:.3}, MRR {mrr:.3}; missed: {misses:#?}"
    );
}
