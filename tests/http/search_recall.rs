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

#[tokio::test]
async fn chinese_queries_find_what_they_must() {
    let app = TestApp::spawn().await;
    let system = Caller::system("corpus");
    let mut ids = std::collections::HashMap::new();
    for (title, summary) in ACHIEVEMENTS {
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
    assert!(QUERIES.len() >= 30);
    let admin = app.login("admin").await;
    let (mut expected, mut found_total, mut misses) = (0, 0, Vec::new());
    let (mut returned, mut first_right) = (0usize, 0usize);
    for (query, must) in QUERIES {
        let path = format!(
            "/search?entity=achievement&q={}",
            crate::common::urlencode(query)
        );
        let (_, html) = app.get_text(&admin, &path).await;
        let results: Vec<&str> = html
            .split("/innovation/achievements/")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter_map(|n| n.parse::<i64>().ok())
            .filter_map(|id| ids.get(&id).copied())
            .collect();
        returned += results.len();
        if results.first().is_some_and(|first| must.contains(first)) {
            first_right += 1;
        } else {
            misses.push(format!(
                "{query}: the first result is not one it must find ({results:?})"
            ));
        }
        for title in *must {
            expected += 1;
            if results.contains(title) {
                found_total += 1;
            } else {
                misses.push(format!("{query} → {title} (got {results:?})"));
            }
        }
    }
    let recall = f64::from(found_total) / f64::from(expected);
    let backend = if crate::common::on_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "search on {backend}: recall {found_total}/{expected} = {:.1}% over {} queries; the first result is a wanted one for {first_right}; {returned} results in all",
        recall * 100.0,
        QUERIES.len()
    );
    assert!(misses.is_empty(), "recall {recall:.3}; missed: {misses:#?}");
}
