//! The registry's Excel imports: all or nothing with every problem named by row and column,
//! references resolved to units, people and studios, and exports that import back.

use crate::common::{TestApp, xlsx};
use gongjiang_app::Caller;
use reqwest::StatusCode;

const STUDIO_HEADERS: &[&str] = &[
    "工作室名称*",
    "依托单位编码*",
    "带头人工号",
    "领域",
    "成立年份",
    "场地",
    "联系方式",
    "简介",
    "命名级别",
    "命名年份",
    "命名单位",
    "星级",
    "评定日期",
];

const ALLIANCE_HEADERS: &[&str] = &[
    "联盟名称*",
    "联盟类型*",
    "主题",
    "管理单位编码*",
    "成立年份",
    "成员工作室依托单位编码",
    "成员工作室名称",
    "加入日期",
];

async fn person_with_no(app: &TestApp, unit: i64, name: &str, no: &str) -> i64 {
    gongjiang_app::people::create(
        app.db(),
        &Caller::system("test"),
        gongjiang_app::people::PersonInput {
            unit_id: unit,
            name: name.into(),
            employee_no: no.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let mut conn = app.db().read().await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn studios_honours_alliances_and_achievements_import_all_or_nothing() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    person_with_no(&app, app.seed.branch, "王强", "G0101").await;
    person_with_no(&app, app.seed.branch, "孙丽", "G0102").await;

    // A bad studios file: every problem is named, and nothing is written.
    let bad = xlsx::sheet(
        STUDIO_HEADERS,
        &[
            &[
                "王强数控创新工作室",
                "HJGT-01",
                "G0101",
                "先进制造",
                "2016",
                "",
                "",
                "",
                "市级",
                "2021",
                "华江市总工会",
                "4",
                "2025-12-01",
            ],
            &[
                "汽车总装创新工作室",
                "HJQC",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "无名氏创新工作室",
                "HJGT-01",
                "G9999",
                "钢铁",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "7",
                "",
            ],
        ],
    );
    let r = app.upload(&unitadmin, "/admin/import/studios", bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("HJQC"),
        "another enterprise's unit is refused"
    );
    assert!(html.contains("「钢铁」不是可选的值") && html.contains("星级应为 3、4 或 5"));
    assert_eq!(count(&app, "studios").await, 0, "all or nothing");

    let good = xlsx::sheet(
        STUDIO_HEADERS,
        &[
            &[
                "王强数控创新工作室",
                "HJGT-01",
                "G0101",
                "先进制造、人工智能",
                "2016",
                "数控车间",
                "",
                "数控加工攻关",
                "市级",
                "2021",
                "华江市总工会",
                "4",
                "2025-12-01",
            ],
            &[
                "孙丽质检创新工作室",
                "HJGT-01",
                "G0102",
                "先进制造",
                "2019",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    );
    let r = app
        .upload(&unitadmin, "/admin/import/studios", good.clone())
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(count(&app, "studios").await, 2);
    let (_, list) = app
        .get_text(&unitadmin, "/innovation/studios?level=municipal&stars=4")
        .await;
    assert!(list.contains("王强数控创新工作室") && list.contains("王强"));
    // The same file again updates rather than duplicates.
    let r = app.upload(&unitadmin, "/admin/import/studios", good).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(count(&app, "studios").await, 2);

    // Honours by unit code and employee number; the name, when given, must match.
    let honours = xlsx::sheet(
        &[
            "所属单位编码*",
            "工号*",
            "姓名",
            "荣誉类别*",
            "荣誉级别*",
            "荣誉称号*",
            "年份*",
            "授予单位",
        ],
        &[
            &[
                "HJGT-01",
                "G0101",
                "王强",
                "劳动模范",
                "市级",
                "华江市劳动模范",
                "2022",
                "华江市人民政府",
            ],
            &[
                "HJGT-01",
                "G0102",
                "孙莉",
                "劳动奖章",
                "全国",
                "全国五一劳动奖章",
                "2024",
                "中华全国总工会",
            ],
        ],
    );
    let r = app
        .upload(&unitadmin, "/admin/import/honours", honours)
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("姓名「孙莉」与系统中的「孙丽」不一致")
    );
    assert_eq!(count(&app, "honours").await, 0);
    let honours = xlsx::sheet(
        &[
            "所属单位编码*",
            "工号*",
            "姓名",
            "荣誉类别*",
            "荣誉级别*",
            "荣誉称号*",
            "年份*",
            "授予单位",
        ],
        &[&[
            "HJGT-01",
            "G0101",
            "王强",
            "劳动模范",
            "市级",
            "华江市劳动模范",
            "2022",
            "华江市人民政府",
        ]],
    );
    assert_eq!(
        app.upload(&unitadmin, "/admin/import/honours", honours)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(count(&app, "honours").await, 1);

    // An alliance with its members, one row each.
    let alliances = xlsx::sheet(
        ALLIANCE_HEADERS,
        &[
            &[
                "钢铁数控同型联盟",
                "同型",
                "",
                "HJGT",
                "2021",
                "HJGT-01",
                "王强数控创新工作室",
                "2021-04-01",
            ],
            &[
                "钢铁数控同型联盟",
                "",
                "",
                "",
                "",
                "HJGT-01",
                "孙丽质检创新工作室",
                "",
            ],
        ],
    );
    assert_eq!(
        app.upload(&unitadmin, "/admin/import/alliances", alliances)
            .await
            .status(),
        StatusCode::OK
    );
    let (_, page) = app
        .get_text(&unitadmin, "/innovation/alliances?q=钢铁数控")
        .await;
    assert!(
        page.contains("钢铁数控同型联盟") && page.contains("<td>2</td>"),
        "two members"
    );

    // Achievements with awards; a second row of the same title adds an award.
    let headers = &[
        "成果名称*",
        "申报单位编码*",
        "所属工作室",
        "成果类型*",
        "行业领域*",
        "年份*",
        "完成人工号",
        "简介",
        "应用效果",
        "奖项名称",
        "获奖等级",
        "授奖单位",
        "获奖年份",
    ];
    let achievements = xlsx::sheet(
        headers,
        &[
            &[
                "数控车床主轴热变形补偿",
                "HJGT-01",
                "王强数控创新工作室",
                "工艺改进",
                "先进制造",
                "2024",
                "G0101、G0102",
                "温度建模补偿",
                "精度提高到0.005mm",
                "华江市职工技术创新成果奖",
                "二等奖",
                "华江市总工会",
                "2025",
            ],
            &[
                "数控车床主轴热变形补偿",
                "HJGT-01",
                "王强数控创新工作室",
                "工艺改进",
                "先进制造",
                "2024",
                "G0101、G0102",
                "",
                "",
                "集团科技进步奖",
                "一等奖",
                "华江钢铁集团",
                "2024",
            ],
            &[
                "质检流程优化",
                "HJGT-01",
                "不存在的工作室",
                "流程优化",
                "先进制造",
                "2024",
                "G0777",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    );
    let r = app
        .upload(&unitadmin, "/admin/import/achievements", achievements)
        .await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("找不到工作室「不存在的工作室」") && html.contains("找不到工号「G0777」"),
        "{html}"
    );
    assert_eq!(count(&app, "achievements").await, 0);
    let achievements = xlsx::sheet(
        headers,
        &[
            &[
                "数控车床主轴热变形补偿",
                "HJGT-01",
                "王强数控创新工作室",
                "工艺改进",
                "先进制造",
                "2024",
                "G0101、G0102",
                "温度建模补偿",
                "精度提高到0.005mm",
                "华江市职工技术创新成果奖",
                "二等奖",
                "华江市总工会",
                "2025",
            ],
            &[
                "数控车床主轴热变形补偿",
                "HJGT-01",
                "王强数控创新工作室",
                "工艺改进",
                "先进制造",
                "2024",
                "G0101、G0102",
                "",
                "",
                "集团科技进步奖",
                "一等奖",
                "华江钢铁集团",
                "2024",
            ],
        ],
    );
    assert_eq!(
        app.upload(&unitadmin, "/admin/import/achievements", achievements)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        (
            count(&app, "achievements").await,
            count(&app, "awards").await
        ),
        (1, 2)
    );
    let (_, list) = app
        .get_text(&unitadmin, "/innovation/achievements?tier=first")
        .await;
    assert!(
        list.contains("数控车床主轴热变形补偿"),
        "the best tier is the first prize"
    );
    let (_, found) = app.get_text(&unitadmin, "/search?q=热变形").await;
    assert!(
        found.contains("数控车床主轴<mark>热变形</mark>补偿"),
        "imported records are indexed"
    );

    // Exports use the templates' columns and import back.
    for kind in ["studios", "honours", "alliances", "achievements"] {
        let r = app
            .get(&unitadmin, &format!("/admin/export/{kind}.xlsx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{kind}");
        let rows = xlsx::read(&r.bytes().await.unwrap());
        assert!(rows.len() >= 2, "{kind}: {rows:?}");
    }
    let exported = app
        .get(&unitadmin, "/admin/export/studios.xlsx")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let r = app
        .upload(&unitadmin, "/admin/import/studios", exported)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text().await.unwrap().contains("更新 2"),
        "the export imports back as updates"
    );
    assert_eq!(count(&app, "studios").await, 2);

    // A row naming another unit's alliance may not change it, nor bring studios into it.
    let admin = app.login("admin").await;
    let header = ALLIANCE_HEADERS;
    let theirs = xlsx::sheet(
        header,
        &[&["汽车质检同型联盟", "同型", "", "HJQC", "2022", "", "", ""]],
    );
    assert_eq!(
        app.upload(&admin, "/admin/import/alliances", theirs)
            .await
            .status(),
        StatusCode::OK
    );
    let members_before = count(&app, "alliance_members").await;
    let sneaky = xlsx::sheet(
        header,
        &[&[
            "汽车质检同型联盟",
            "同型",
            "",
            "HJGT",
            "2022",
            "HJGT-01",
            "王强数控创新工作室",
            "2023-01-01",
        ]],
    );
    let r = app
        .upload(&unitadmin, "/admin/import/alliances", sneaky)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已由其他单位管理"));
    assert_eq!(count(&app, "alliance_members").await, members_before);
}
