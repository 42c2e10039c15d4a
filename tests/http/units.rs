//! Units: the tree, its rules, each change recorded, and each admin kept to their subtree.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_admin_creates_a_unit_through_the_form_and_sees_it_in_the_tree() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let (_, form) = app.get_text(&admin, "/admin/units/new").await;
    assert!(form.contains("<label for=\"code\">"), "fields have labels");
    let parent = app.seed.industry.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("parent_id", &parent),
                ("kind", "enterprise_union"),
                ("code", "hj-dt"),
                ("name", "华江地铁运营有限公司工会"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = app.get_text(&admin, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("单位已创建") && page.contains("HJ-DT"),
        "codes are upper-cased"
    );
    let (_, tree) = app.get_text(&admin, "/admin/units").await;
    assert!(tree.contains("华江地铁运营有限公司工会"));
    let created = app.audit("unit.create").await;
    let entry = created
        .iter()
        .find(|e| e["after"].as_str().unwrap_or_default().contains("HJ-DT"))
        .expect("audited");
    assert_eq!(entry["actor_name"], "王建国");
    assert_eq!(entry["origin"], "127.0.0.1");
}

#[tokio::test]
async fn bad_unit_input_is_explained_next_to_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.count_units().await;
    let parent = app.seed.federation.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("parent_id", &parent),
                ("kind", "branch_union"),
                ("code", "钢铁"),
                ("name", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"code-error\""),
        "the error stands next to its field"
    );
    assert!(html.contains("单位编码「钢铁」无效"));
    assert!(html.contains("至少 2 个字符"));
    assert!(
        html.contains("不能隶属于所选的上级单位"),
        "a branch cannot sit under the federation"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("parent_id", &parent),
                ("kind", "industry_union"),
                ("code", "HJGT"),
                ("name", "重复编码工会"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("已被使用"));
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("parent_id", "abc"),
                ("kind", "industry_union"),
                ("code", "HJ-X"),
                ("name", "某工会"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &admin,
            "/admin/units",
            &[
                ("parent_id", "999999"),
                ("kind", "industry_union"),
                ("code", "HJ-X"),
                ("name", "某工会"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count_units().await, before);
}

#[tokio::test]
async fn rename_move_close_and_reopen_keep_the_history() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let branch = app.seed.branch;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{branch}/rename"),
            &[("name", "炼钢一厂分会"), ("reason", "机构调整")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let other = app.seed.other_enterprise.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{branch}/move"),
            &[("parent_id", &other), ("reason", "划转")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The enterprise still has no open children left? It has none now: it may close.
    let enterprise = app.seed.enterprise;
    let industry = app.seed.industry;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{industry}/close"),
            &[("reason", "撤销")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a unit with open children cannot close"
    );
    assert!(r.text().await.unwrap().contains("还有未撤销的下级单位"));
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{enterprise}/close"),
            &[("reason", "企业改制")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(&admin, &format!("/admin/units/{enterprise}/reopen"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .get_text(&admin, &format!("/admin/units/{branch}"))
        .await;
    assert!(page.contains("炼钢一厂分会") && page.contains("华江汽车集团有限公司工会"));
    assert!(
        page.contains("单位更名") && page.contains("调整隶属") && page.contains("机构调整"),
        "the unit page shows its history"
    );
    let moves = app.audit("unit.move").await;
    let before: Value = serde_json::from_str(moves[0]["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(moves[0]["after"].as_str().unwrap()).unwrap();
    assert_eq!(before["parent_id"], json!(enterprise));
    assert_eq!(after["parent_id"], json!(app.seed.other_enterprise));
    assert_eq!(moves[0]["reason"], "划转");
}

#[tokio::test]
async fn a_unit_cannot_move_into_its_own_subtree() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/units/{}/move", app.seed.enterprise),
            &[("parent_id", &branch)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("不能把单位调整到它自己或它的下级单位之下")
    );
}

#[tokio::test]
async fn moving_a_unit_moves_its_subtree_and_the_rights_over_it() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let unitadmin = app.login("unitadmin").await;
    // The unit admin of HJGT manages its branch...
    assert_eq!(
        app.get(&unitadmin, &format!("/admin/units/{}", app.seed.branch))
            .await
            .status(),
        StatusCode::OK
    );
    let other = app.seed.other_enterprise.to_string();
    app.post_form(
        &admin,
        &format!("/admin/units/{}/move", app.seed.branch),
        &[("parent_id", &other)],
    )
    .await;
    // ...and no longer once it belongs to another enterprise.
    assert_eq!(
        app.get(&unitadmin, &format!("/admin/units/{}", app.seed.branch))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let units: Value = app.get_json(&admin, "/api/v1/units?q=HJGT-01").await;
    assert_eq!(units[0]["parent_id"], json!(app.seed.other_enterprise));
}

#[tokio::test]
async fn a_unit_admin_works_only_inside_their_subtree() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let (_, tree) = app.get_text(&unitadmin, "/admin/units").await;
    assert!(
        tree.contains("炼钢厂分会") && !tree.contains("华江汽车集团"),
        "only their own units are listed"
    );
    let enterprise = app.seed.enterprise.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/admin/units",
            &[
                ("parent_id", &enterprise),
                ("kind", "branch_union"),
                ("code", "HJGT-02"),
                ("name", "冷轧厂分会"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let other = app.seed.other_enterprise.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/admin/units",
            &[
                ("parent_id", &other),
                ("kind", "branch_union"),
                ("code", "HJQC-01"),
                ("name", "整车厂分会"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/units/{}/rename", app.seed.other_enterprise),
            &[("name", "改名")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_units_api_creates_reads_changes_and_closes() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let r = admin.post(app.url("/api/v1/units")).header("x-csrf-token", &csrf).json(&json!({"parent_id": app.seed.enterprise, "kind": "branch_union", "code": "HJGT-09", "name": "运输部分会"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let unit: Value = r.json().await.unwrap();
    let id = unit["id"].as_i64().unwrap();
    let r = admin
        .patch(app.url(&format!("/api/v1/units/{id}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "物流运输部分会", "reason": "更名"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = admin
        .post(app.url(&format!("/api/v1/units/{id}/close")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"reason": "撤销"}))
        .send()
        .await
        .unwrap();
    let closed: Value = r.json().await.unwrap();
    assert!(closed["closed_at"].is_i64());
    assert_eq!(closed["name"], "物流运输部分会");
    let r = admin
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"parent_id": app.seed.enterprise, "kind": "planet", "code": "?", "name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["kind", "code", "name"]);
    let r = admin
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(
        admin
            .get(app.url("/api/v1/units/99999"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .get(app.url("/api/v1/units/x"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_unit_admin_sees_the_parent_of_their_own_unit() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let (_, page) = app
        .get_text(&unitadmin, &format!("/admin/units/{}", app.seed.enterprise))
        .await;
    assert!(
        page.contains("华江市机械冶金工会"),
        "the parent is named even outside the admin's subtree"
    );
}
