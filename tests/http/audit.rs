//! The audit log: every change recorded, filterable and exportable, and tamper-evident.

use crate::common::{TestApp, xlsx};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_log_is_filterable_exportable_and_only_for_federation_admins() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    app.post_form(
        &admin,
        &format!("/admin/units/{}/rename", app.seed.branch),
        &[("name", "炼钢一厂分会"), ("reason", "机构调整")],
    )
    .await;
    let (status, page) = app
        .get_text(
            &admin,
            &format!("/admin/audit?entity=unit:{}", app.seed.branch),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("单位更名") && page.contains("机构调整") && page.contains("炼钢一厂分会")
    );
    assert!(!page.contains("开通账号"), "the filter applies");
    let (_, page) = app.get_text(&admin, "/admin/audit?verify=1").await;
    assert!(page.contains("日志链完整"), "{page}");
    let (status, page) = app.get_text(&admin, "/admin/audit?from=2026-13-40").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("日期格式应为"));
    let file = app
        .get(&admin, "/admin/audit/export.xlsx?action=unit.rename")
        .await
        .bytes()
        .await
        .unwrap();
    let rows = xlsx::read(&file);
    assert_eq!(rows.len(), 2, "a header and the one rename");
    assert_eq!(rows[1][4], "unit.rename");
    let unitadmin = app.login("unitadmin").await;
    assert_eq!(
        app.get(&unitadmin, "/admin/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        unitadmin
            .get(app.url("/api/v1/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn entries_chain_their_hashes() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let page: Value = app.get_json(&admin, "/api/v1/audit").await;
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 10, "the seed itself is audited");
    for pair in items.windows(2) {
        assert_eq!(
            pair[0]["seq"].as_i64().unwrap(),
            pair[1]["seq"].as_i64().unwrap() + 1
        );
        assert_eq!(
            pair[0]["prev_hash"], pair[1]["hash"],
            "each entry points at the one before"
        );
    }
    for item in items {
        assert!(
            item["before"]
                .as_str()
                .map(|b| !b.contains("password_hash"))
                .unwrap_or(true)
        );
        assert!(
            item["after"]
                .as_str()
                .map(|a| !a.contains("argon2"))
                .unwrap_or(true),
            "no secrets in the log"
        );
    }
}
