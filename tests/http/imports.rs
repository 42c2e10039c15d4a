//! Excel imports and exports: all or nothing, every bad row reported, and a round trip.

use crate::common::{TestApp, xlsx};
use reqwest::StatusCode;

const UNIT_HEADERS: &[&str] = &["单位编码*", "单位名称*", "单位类型*", "上级单位编码*"];
const PEOPLE_HEADERS: &[&str] = &[
    "姓名",
    "所属单位编码",
    "工号",
    "性别",
    "手机号码",
    "电子邮箱",
    "工种",
    "岗位职务",
];

#[tokio::test]
async fn a_good_units_file_imports_with_parents_from_the_same_file() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.count_units().await;
    let file = xlsx::sheet(
        UNIT_HEADERS,
        &[
            &["HJDT-01", "一号线客运分部分会", "基层分会", "HJDT"],
            &["HJDT", "华江地铁运营有限公司工会", "企业工会", "HJ-JX"],
            &["HJDT-02", "车辆段分会", "基层分会", "HJDT"],
        ],
    );
    let r = app.upload(&admin, "/admin/import/units", file).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("导入成功：新增 3 条"));
    assert_eq!(app.count_units().await, before + 3);
    let (_, tree) = app.get_text(&admin, "/admin/units").await;
    assert!(tree.contains("车辆段分会"));
    assert_eq!(app.audit("import.units").await.len(), 1);
}

#[tokio::test]
async fn a_bad_file_changes_nothing_and_names_every_problem() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.count_units().await;
    let file = xlsx::sheet(
        UNIT_HEADERS,
        &[
            &["HJDT", "华江地铁运营有限公司工会", "企业工会", "HJ-JX"],
            &["HJDT", "重复的单位", "企业工会", "HJ-JX"],
            &["X", "编码太短工会", "企业工会", "HJ-JX"],
            &["HJDT-05", "某分会", "车间", "NOWHERE"],
        ],
    );
    let r = app.upload(&admin, "/admin/import/units", file).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("文件未导入"));
    for expected in [
        "<td>3</td><td>单位编码*</td><td>与第 2 行重复。",
        "<td>4</td><td>单位编码*</td><td>单位编码「X」无效",
        "<td>5</td><td>单位类型*</td><td>单位类型「车间」无效",
        "<td>5</td><td>上级单位编码*</td><td>找不到编码为「NOWHERE」的单位",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    assert_eq!(app.count_units().await, before, "nothing was imported");
    // In English, the reasons are English; the columns are the file's own.
    app.get(&admin, "/lang/en").await;
    let file = xlsx::sheet(UNIT_HEADERS, &[&["X", "某工会", "企业工会", "HJ-JX"]]);
    let html = app
        .upload(&admin, "/admin/import/units", file)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Unit code “X” is not valid"), "{html}");
}

#[tokio::test]
async fn wrong_files_and_headers_are_explained() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app
        .upload(
            &admin,
            "/admin/import/people",
            b"name,unit\nWang,HJ\n".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("这不是 Excel（.xlsx）文件")
    );
    let file = xlsx::sheet(&["姓名", "部门"], &[&["王五", "车间"]]);
    let html = app
        .upload(&admin, "/admin/import/people", file)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("无法识别此列") && html.contains("缺少此列"));
    let empty = xlsx::sheet(PEOPLE_HEADERS, &[]);
    assert!(
        app.upload(&admin, "/admin/import/people", empty)
            .await
            .text()
            .await
            .unwrap()
            .contains("没有数据行")
    );
    assert_eq!(
        app.get(&admin, "/admin/import/planets/template.xlsx")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn people_import_adds_and_updates_by_employee_number_and_exports_back() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let before = app.count_people().await;
    let file = xlsx::sheet(
        PEOPLE_HEADERS,
        &[
            &[
                "钱学军",
                "HJGT-01",
                "A01",
                "男",
                "13900000001",
                "",
                "电工",
                "班组长",
            ],
            &[
                "孙晓红",
                "hjgt",
                "A02",
                "女",
                "",
                "sun@hjgt.example.cn",
                "钳工",
                "",
            ],
        ],
    );
    let r = app.upload(&unitadmin, "/admin/import/people", file).await;
    assert!(r.text().await.unwrap().contains("新增 2 条，更新 0 条"));
    let file = xlsx::sheet(
        PEOPLE_HEADERS,
        &[&[
            "钱学军",
            "HJGT-01",
            "A01",
            "男",
            "13900000001",
            "",
            "高级电工",
            "班组长",
        ]],
    );
    let r = app.upload(&unitadmin, "/admin/import/people", file).await;
    assert!(r.text().await.unwrap().contains("新增 0 条，更新 1 条"));
    assert_eq!(app.count_people().await, before + 2);
    // A unit outside the admin's subtree refuses the whole file.
    let file = xlsx::sheet(
        PEOPLE_HEADERS,
        &[
            &["周一", "HJGT-01", "", "", "", "", "", ""],
            &["吴二", "HJQC", "", "", "", "", "", ""],
        ],
    );
    let html = app
        .upload(&unitadmin, "/admin/import/people", file)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<td>3</td><td>所属单位编码</td><td>单位「HJQC」不在您管理的范围内"),
        "{html}"
    );
    assert_eq!(app.count_people().await, before + 2);

    let r = app.get(&unitadmin, "/admin/people/export.xlsx").await;
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let rows = xlsx::read(&r.bytes().await.unwrap());
    assert_eq!(
        rows[0],
        PEOPLE_HEADERS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    let qian = rows.iter().find(|r| r[0] == "钱学军").expect("exported");
    assert_eq!(
        qian[1..7],
        ["HJGT-01", "A01", "男", "13900000001", "", "高级电工"].map(String::from)
    );
    assert!(
        !rows.iter().any(|r| r[0] == "王建国"),
        "only their own people are exported"
    );
}

#[tokio::test]
async fn templates_download_and_an_exported_unit_list_reimports_as_conflicts_only() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app.get(&admin, "/admin/import/units/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let rows = xlsx::read(&r.bytes().await.unwrap());
    assert_eq!(
        rows[0],
        UNIT_HEADERS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    let export = app
        .get(&admin, "/admin/units/export.xlsx")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let rows = xlsx::read(&export);
    assert!(
        rows.iter()
            .any(|r| r[..4] == ["HJGT-01", "炼钢厂分会", "基层分会", "HJGT"].map(String::from))
    );
    // Re-importing the same units is refused row by row: the codes exist.
    let html = app
        .upload(&admin, "/admin/import/units", export)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("已被使用"));
}

#[tokio::test]
async fn scripts_import_and_export_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let html = app
        .post_form(
            &admin,
            "/account/tokens",
            &[("name", "导入脚本"), ("access", "write")],
        )
        .await
        .text()
        .await
        .unwrap();
    let token = crate::common::shown_once(&html, "new-token");
    let script = reqwest::Client::new();
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("人员.xlsx"),
        );
        script
            .post(app.url("/api/v1/imports/people"))
            .bearer_auth(&token)
            .multipart(form)
    };
    let good = xlsx::sheet(
        PEOPLE_HEADERS,
        &[&["钱学军", "HJGT-01", "A01", "男", "", "", "电工", ""]],
    );
    let r = upload(good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (report["created"].as_i64(), report["updated"].as_i64()),
        (Some(1), Some(0))
    );
    let bad = xlsx::sheet(
        PEOPLE_HEADERS,
        &[&["王", "NOWHERE", "", "", "", "", "", ""]],
    );
    let r = upload(bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "import_rejected");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["row 2 姓名", "row 2 所属单位编码"]);
    let r = script
        .get(app.url("/api/v1/exports/people"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let rows = xlsx::read(&r.bytes().await.unwrap());
    assert!(rows.iter().any(|r| r[0] == "钱学军"));
    let r = script
        .get(app.url("/api/v1/exports/audit?action=import."))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        xlsx::read(&r.bytes().await.unwrap()).len(),
        2,
        "a header and the one import"
    );
    assert_eq!(
        script
            .get(app.url("/api/v1/exports/planets"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
