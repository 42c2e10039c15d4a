//! The read-only API: the public showcase without a token (only what the showcase shows, and
//! an unpublished studio never named), search with highlights and rights, and statistics.

use crate::common::TestApp;
use gongjiang_app::Caller;
use reqwest::StatusCode;
use serde_json::Value;

async fn record(app: &TestApp, studio: i64, title: &str, publish: bool) -> i64 {
    let fx = app.fx();
    let mut spec = fx.achievement_spec(title);
    spec.studio = Some(studio);
    spec.kind = "process_improvement";
    spec.published = publish;
    fx.achievement_from(spec).await
}

async fn anonymous(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_showcase_api_shows_only_what_is_published() {
    let app = TestApp::spawn().await;
    let system = Caller::system("test");
    let fx = app.fx();
    let mut spec = fx.studio_spec("未公开的检修创新工作室");
    spec.leader = Some(app.seed.leader.0);
    spec.site = "三号厂房二楼".into();
    let studio = fx.studio_from(spec).await;
    let shown = record(&app, studio, "液压支架快速检修工装", true).await;
    let hidden = record(&app, studio, "尚未公开的检修方法", false).await;

    let (status, list) = anonymous(
        &app,
        "/api/v1/public/achievements?field=advanced_manufacturing",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], shown);
    // The studio is not published: it is not named, here or on the achievement.
    assert!(list["items"][0]["studio_name"].is_null());
    let (status, one) = anonymous(&app, &format!("/api/v1/public/achievements/{shown}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(one["studio_id"].is_null());
    assert_eq!(one["makers"], serde_json::json!(["刘伟"]));
    assert!(one.get("steps").is_none());
    let (status, _) = anonymous(&app, &format!("/api/v1/public/achievements/{hidden}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = anonymous(&app, &format!("/api/v1/public/studios/{studio}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once published, the studio is shown and named, without its site.
    gongjiang_app::studios::publish(app.db(), &system, studio, true)
        .await
        .unwrap();
    let (status, page) = anonymous(&app, &format!("/api/v1/public/studios/{studio}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["studio"]["name"], "未公开的检修创新工作室");
    assert!(!page.to_string().contains("三号厂房"));
    assert_eq!(page["achievements"].as_array().unwrap().len(), 1);
    let (_, one) = anonymous(&app, &format!("/api/v1/public/achievements/{shown}")).await;
    assert_eq!(one["studio_name"], "未公开的检修创新工作室");
    let (_, overview) = anonymous(&app, "/api/v1/public/overview").await;
    assert_eq!(overview["achievements"], 1);
    assert_eq!(overview["studios"], 1);

    // Search: the public finds the published one, highlighted; an admin of the unit both.
    let (status, found) = anonymous(&app, "/api/v1/search?q=检修&what=achievement").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["total"], 1);
    let pieces = found["items"][0]["title_pieces"].as_array().unwrap();
    assert!(
        pieces
            .iter()
            .any(|p| p["hit"] == true && p["text"] == "检修")
    );
    let token = app.api_token("unitadmin").await;
    let (_, found) = app
        .api(
            &token,
            "GET",
            "/api/v1/search?q=检修&what=achievement",
            None,
        )
        .await;
    assert_eq!(found["total"], 2);
    let (status, _) = anonymous(&app, "/api/v1/search?q=检修&what=achievement&per_page=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn statistics_come_as_json_for_the_callers_units() {
    let app = TestApp::spawn().await;
    let studio = app.fx().studio("统计创新工作室").await;
    record(&app, studio, "统计用检修成果甲", false).await;
    record(&app, studio, "统计用检修成果乙", true).await;
    let token = app.api_token("unitadmin").await;
    let (status, stats) = app
        .api(&token, "GET", "/api/v1/statistics?from=2024&to=2026", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(
        (stats["from"].as_i64(), stats["to"].as_i64()),
        (Some(2024), Some(2026))
    );
    let by_year = stats["achievements_by_year"].as_array().unwrap();
    assert!(
        by_year
            .iter()
            .any(|c| c["key"] == "2025" && c["count"] == 2),
        "{by_year:?}"
    );
    assert!(stats["summary"].as_str().unwrap().contains("2024"));
    // Someone who keeps no unit has no statistics; a unit outside the caller's is refused.
    let worker = app.api_token("worker").await;
    let (status, _) = app.api(&worker, "GET", "/api/v1/statistics", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/statistics?unit={}", app.seed.other_enterprise),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A listing read page by page gives every published achievement once, newest year first and
/// the latest made first within a year, whatever the page size (a page's ids are chosen before
/// its rows are joined: `db::achievements::list`).
#[tokio::test]
async fn a_public_listing_read_page_by_page_gives_each_once_in_order() {
    let app = TestApp::spawn().await;
    let fx = app.fx();
    let mut made: Vec<(i64, i64)> = Vec::new();
    for n in 0..11_i64 {
        let mut spec = fx.achievement_spec(&format!("数控机床夹具改进第{n}项"));
        spec.year = 2024 + n % 3;
        spec.published = n != 4 && n != 7;
        let id = fx.achievement_from(spec).await;
        if n != 4 && n != 7 {
            made.push((2024 + n % 3, id));
        }
    }
    made.sort_by(|a, b| b.cmp(a));
    let wanted: Vec<i64> = made.iter().map(|(_, id)| *id).collect();
    for per_page in [1, 4, 9] {
        let mut seen = Vec::new();
        for page in 1.. {
            let (status, list) = anonymous(
                &app,
                &format!("/api/v1/public/achievements?field=advanced_manufacturing&per_page={per_page}&page={page}"),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(list["total"], wanted.len(), "per_page {per_page}");
            let items = list["items"].as_array().unwrap();
            if items.is_empty() {
                break;
            }
            assert!(items.len() <= per_page, "per_page {per_page}, page {page}");
            seen.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
        }
        assert_eq!(seen, wanted, "per_page {per_page}");
    }
}
