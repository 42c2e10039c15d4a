//! Achievements over HTTP: the declaration climbing the hierarchy with every step recorded,
//! awards, files with thumbnails and safe downloads, publication on the showcase, and search.

use crate::common::TestApp;
use crate::role_table::PNG;
use reqwest::{Client, StatusCode};

async fn studio_of_leader(app: &TestApp) -> i64 {
    let system = gongjiang_app::Caller::system("test");
    gongjiang_app::studios::create(
        app.db(),
        &system,
        gongjiang_app::studios::StudioInput {
            unit_id: app.seed.branch,
            leader_person_id: Some(app.seed.leader.0),
            profile: gongjiang_domain::registry::studio::StudioProfileInput {
                name: "张志强连铸创新工作室".into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap()
    .id
}

async fn new_achievement(app: &TestApp, client: &Client, studio: i64, title: &str) -> i64 {
    let studio = studio.to_string();
    let r = app
        .post_form(
            client,
            "/innovation/achievements",
            &[
                ("studio_id", &studio),
                ("title", title),
                ("kind", "process_improvement"),
                ("field", "advanced_manufacturing"),
                ("year", "2025"),
                ("people", "张志强、刘伟"),
                ("summary", "结晶器液面波动控制，减少漏钢。"),
                (
                    "description",
                    "针对连铸机结晶器液面波动大的问题，改进塞棒控制算法。",
                ),
                ("effects", "年减少漏钢事故 6 次，节约成本 120 万元"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    location
        .trim_start_matches("/innovation/achievements/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn decide(
    app: &TestApp,
    client: &Client,
    id: i64,
    decision: &str,
    reason: &str,
) -> StatusCode {
    app.post_form(
        client,
        &format!("/innovation/achievements/{id}/decision"),
        &[("decision", decision), ("reason", reason)],
    )
    .await
    .status()
}

#[tokio::test]
async fn a_declaration_climbs_level_by_level_and_every_step_is_recorded() {
    let app = TestApp::spawn().await;
    let leader = app.login("leader").await;
    let unitadmin = app.login("unitadmin").await;
    let admin = app.login("admin").await;
    let studio = studio_of_leader(&app).await;
    let id = new_achievement(&app, &leader, studio, "连铸结晶器液面控制改进").await;
    let page = format!("/innovation/achievements/{id}");
    let (_, html) = app.get_text(&leader, &page).await;
    assert!(html.contains("张志强、刘伟") && html.contains("草稿"));

    // The leader cannot declare; the unit admin declares for the branch.
    assert_eq!(
        decide(&app, &leader, id, "declare", "").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        decide(&app, &unitadmin, id, "declare", "").await,
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get_text(&leader, &page).await;
    assert!(
        html.contains("华江钢铁集团有限公司工会"),
        "it waits at the enterprise"
    );
    // While declared, the text is locked.
    let studio_s = studio.to_string();
    let r = app
        .post_form(
            &leader,
            &page,
            &[
                ("studio_id", &studio_s),
                ("title", "改个名字试试"),
                ("kind", "original"),
                ("field", "ai"),
                ("year", "2025"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("退回前不能修改"));
    // The enterprise recommends it up to the industry union, where it is out of reach.
    assert_eq!(
        decide(&app, &unitadmin, id, "recommend", "同意推荐").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(&app, &unitadmin, id, "recommend", "").await,
        StatusCode::FORBIDDEN
    );
    let (_, inbox) = app.get_text(&admin, "/innovation/declarations").await;
    assert!(inbox.contains("连铸结晶器液面控制改进") && inbox.contains("华江市机械冶金工会"));
    // Returning needs a reason; it goes back to the declaring unit.
    let r = app
        .post_form(
            &admin,
            &format!("{page}/decision"),
            &[("decision", "return"), ("reason", "")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("请填写原因"));
    assert_eq!(
        decide(&app, &admin, id, "return", "请补充效益测算依据").await,
        StatusCode::SEE_OTHER
    );
    let r = app
        .post_form(
            &leader,
            &page,
            &[
                ("studio_id", &studio_s),
                ("title", "连铸结晶器液面控制改进"),
                ("kind", "process_improvement"),
                ("field", "advanced_manufacturing"),
                ("year", "2025"),
                ("people", "张志强"),
                ("effects", "经财务部门测算，年节约 118 万元"),
                ("reason", "补充测算依据"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a returned declaration can be edited"
    );
    // Declared again, it starts from the bottom and climbs to the federation, which recognises it.
    assert_eq!(
        decide(&app, &unitadmin, id, "declare", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(&app, &unitadmin, id, "recommend", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(&app, &admin, id, "recommend", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(&app, &admin, id, "recommend", "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing above the federation"
    );
    assert_eq!(
        decide(&app, &admin, id, "recognise", "评审通过").await,
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get_text(&leader, &page).await;
    assert!(html.contains("已认定"));
    let steps: Vec<&str> = html
        .split("id=\"steps\"")
        .nth(1)
        .unwrap()
        .split("<li>")
        .skip(1)
        .collect();
    assert_eq!(
        steps.len(),
        7,
        "declare, recommend, return, declare, recommend ×2, recognise: {steps:?}"
    );
    assert!(html.contains("请补充效益测算依据") && html.contains("评审通过"));
    // The studio's page and the maker's page list it.
    let (_, studio_page) = app
        .get_text(&leader, &format!("/innovation/studios/{studio}"))
        .await;
    assert!(studio_page.contains("连铸结晶器液面控制改进") && studio_page.contains("已认定"));
    let (_, person_page) = app
        .get_text(&unitadmin, &format!("/admin/people/{}", app.seed.leader.0))
        .await;
    assert!(person_page.contains("连铸结晶器液面控制改进"));
    let audit = app.audit("achievement.return").await;
    assert_eq!(audit[0]["reason"], "请补充效益测算依据");
    assert!(audit[0]["before"].as_str().unwrap().contains("declared"));
}

#[tokio::test]
async fn awards_files_the_showcase_and_search_show_only_what_they_should() {
    let app = TestApp::spawn().await;
    let leader = app.login("leader").await;
    let unitadmin = app.login("unitadmin").await;
    let judge = app.login("judge").await;
    let public = app.client();
    let studio = studio_of_leader(&app).await;
    let id = new_achievement(&app, &leader, studio, "转向架焊接变形控制工装").await;
    let page = format!("/innovation/achievements/{id}");

    // Awards: only admins record them; the best tier is what lists filter on.
    let award = [
        ("award_name", "华江市职工技术创新成果奖"),
        ("tier", "second"),
        ("granted_by", "华江市总工会"),
        ("year", "2025"),
    ];
    let r = app
        .post_form(&leader, &format!("{page}/awards"), &award)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(&unitadmin, &format!("{page}/awards"), &award)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .get_text(&unitadmin, "/innovation/achievements?tier=second")
        .await;
    assert!(list.contains("转向架焊接变形控制工装"));

    // Files: a picture gets a JPEG thumbnail; a page posing as a file is refused.
    let r = app
        .upload(&leader, &format!("{page}/files"), PNG.to_vec())
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .upload(
            &leader,
            &format!("{page}/files"),
            b"<html><script>alert(1)</script>".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不接受文件"));
    let (_, html) = app.get_text(&leader, &page).await;
    let file: i64 = html
        .split("/files/")
        .nth(1)
        .unwrap()
        .split(['/', '"'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let thumb = app.get(&leader, &format!("/files/{file}/thumb")).await;
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert_eq!(thumb.headers()["x-content-type-options"], "nosniff");
    let original = app.get(&leader, &format!("/files/{file}")).await;
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(original.bytes().await.unwrap().as_ref(), PNG);

    // Unpublished: the public and those unrelated to it see nothing, not even in search.
    assert_eq!(
        app.get(&public, &format!("/files/{file}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&public, &format!("/showcase/achievements/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&judge, &page).await.status(), StatusCode::FORBIDDEN);
    let (_, found) = app.get_text(&public, "/search?q=转向架").await;
    assert!(!found.contains("转向架焊接变形控制工装"));
    let (_, found) = app.get_text(&unitadmin, "/search?q=转向架").await;
    assert!(
        found.contains("<mark>转向架</mark>焊接变形控制工装"),
        "admins find their unit's drafts, highlighted"
    );

    // Published: on the showcase, in public search, and its picture is public.
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/publish"),
            &[("published", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = app
        .get_text(&public, &format!("/showcase/achievements/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("二等奖") && html.contains(&format!("/files/{file}/thumb")));
    assert!(
        !html.contains("申报历程"),
        "the declaration's steps stay inside"
    );
    assert_eq!(
        app.get(&public, &format!("/files/{file}")).await.status(),
        StatusCode::OK
    );
    let (_, found) = app.get_text(&public, "/search?q=焊接变形").await;
    assert!(
        found.contains("转向架<mark>焊接</mark><mark>变形</mark>")
            || found.contains("<mark>焊接变形</mark>"),
        "{found}"
    );
    let (_, listing) = app
        .get_text(
            &public,
            "/showcase/achievements?field=advanced_manufacturing",
        )
        .await;
    assert!(listing.contains("转向架焊接变形控制工装"));
    let (_, listing) = app
        .get_text(&public, "/showcase/achievements?field=ai")
        .await;
    assert!(!listing.contains("转向架焊接变形控制工装"));

    // The index agrees with the data: a new title is found, the old word no longer.
    let studio_s = studio.to_string();
    let r = app
        .post_form(
            &leader,
            &page,
            &[
                ("studio_id", &studio_s),
                ("title", "动车组构架组焊工艺优化"),
                ("kind", "process_improvement"),
                ("field", "advanced_manufacturing"),
                ("year", "2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, found) = app.get_text(&public, "/search?q=转向架").await;
    assert!(!found.contains(&format!("/showcase/achievements/{id}\"")));
    let (_, found) = app.get_text(&public, "/search?q=组焊").await;
    assert!(found.contains(&format!("/showcase/achievements/{id}\"")));
}
