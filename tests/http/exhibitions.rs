//! Exhibitions: published achievements online, a subset on numbered boards at the venue, a
//! printable board layout, and the public page once the exhibition is published.

use crate::common::TestApp;
use gongjiang_app::Caller;
use reqwest::StatusCode;

async fn achievement(app: &TestApp, title: &str, publish: bool) -> i64 {
    let system = Caller::system("test");
    let id = gongjiang_app::achievements::create(
        app.db(),
        &system,
        gongjiang_app::achievements::AchievementInput {
            unit_id: app.seed.branch,
            text: gongjiang_domain::registry::achievement::AchievementTextInput {
                title: title.into(),
                summary: format!("{title}的简介"),
                kind: "original".into(),
                field: "transport".into(),
                year: "2025".into(),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    if publish {
        gongjiang_app::achievements::publish(app.db(), &system, id, true)
            .await
            .unwrap();
    }
    id
}

#[tokio::test]
async fn an_exhibition_shows_online_and_prints_its_venue_boards() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let public = app.client();
    let shown = achievement(&app, "接触网隔离开关远程操作", true).await;
    let also = achievement(&app, "受电弓碳滑板磨耗监测", true).await;
    let hidden = achievement(&app, "尚未公开的内部成果", false).await;
    let enterprise = app.seed.enterprise.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/innovation/exhibitions",
            &[
                ("unit_id", &enterprise),
                ("title", "2026年职工创新成果展"),
                ("opens_on", "2026-05-01"),
                ("closes_on", "2026-04-01"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("早于开始"));
    let r = app
        .post_form(
            &unitadmin,
            "/innovation/exhibitions",
            &[
                ("unit_id", &enterprise),
                ("title", "2026年职工创新成果展"),
                ("venue", "华江会展中心"),
                ("opens_on", "2026-05-01"),
                ("closes_on", "2026-05-07"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let page = location.split('?').next().unwrap().to_owned();
    let id = page.rsplit('/').next().unwrap().to_owned();
    for a in [shown, also] {
        let r = app
            .post_form(
                &unitadmin,
                &format!("{page}/items"),
                &[("achievement_id", &a.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/items"),
            &[("achievement_id", &hidden.to_string())],
        )
        .await;
    assert!(r.text().await.unwrap().contains("尚未公开"));
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/items"),
            &[("achievement_id", &shown.to_string())],
        )
        .await;
    assert!(r.text().await.unwrap().contains("已在本次展示中"));
    // One of the two goes to the venue on board A-01; a second on the same board is refused.
    let venue = |a: i64, board: &'static str| {
        (
            format!("{page}/items/{a}"),
            [
                ("offline", "1"),
                ("board_no", board),
                ("board_note", "配实物照片"),
                ("model_note", "1:10 模型"),
            ],
        )
    };
    let (path, form) = venue(shown, "A-01");
    assert_eq!(
        app.post_form(&unitadmin, &path, &form).await.status(),
        StatusCode::SEE_OTHER
    );
    let (path, form) = venue(also, "A-01");
    assert!(
        app.post_form(&unitadmin, &path, &form)
            .await
            .text()
            .await
            .unwrap()
            .contains("展板编号 A-01 已被使用")
    );
    let (_, boards) = app.get_text(&unitadmin, &format!("{page}/boards")).await;
    assert_eq!(
        boards.matches("class=\"board\"").count(),
        1,
        "only the venue's items are boards"
    );
    assert!(
        boards.contains("接触网隔离开关远程操作")
            && boards.contains("A-01")
            && boards.contains("1:10 模型")
    );
    // The public page exists once the exhibition is published, and shows both online items.
    let public_page = format!("/showcase/exhibitions/{id}");
    assert_eq!(
        app.get(&public, &public_page).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/publish"),
            &[("published", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.get_text(&public, &public_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("接触网隔离开关远程操作")
            && html.contains("受电弓碳滑板磨耗监测")
            && html.contains("华江会展中心")
    );
    let (_, index) = app.get_text(&public, "/showcase").await;
    assert!(index.contains("2026年职工创新成果展"));
    // A worker has no say in it.
    let worker = app.login("worker").await;
    assert_eq!(
        app.get(&worker, &page).await.status(),
        StatusCode::FORBIDDEN
    );
}
