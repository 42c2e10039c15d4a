//! Competitions and tracks set up by a unit's admin, through the pages and through the API.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_admin_sets_up_a_competition_and_its_tracks_on_the_pages() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let admin = app.login("unitadmin").await;
    let enterprise = s.enterprise.to_string();
    let other = s.other_enterprise.to_string();
    let created = app
        .post_form(
            &admin,
            "/competitions",
            &[
                ("unit_id", &enterprise),
                ("co_organisers", &other),
                ("name", "华江钢铁职工职业技能大赛"),
                ("edition", "第三届"),
                ("starts_on", "2026-05-01"),
                ("ends_on", "2026-09-30"),
                ("rules", "比赛分理论和实操两部分。"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let page = location(&created);
    let (_, html) = app.get_text(&admin, &page).await;
    assert!(html.contains("第三届 华江钢铁职工职业技能大赛"), "{html}");
    assert!(
        html.contains("华江汽车"),
        "the co-organiser is named: {html}"
    );
    let id: i64 = page
        .trim_start_matches("/competitions/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Every bad field of a track is named at once, and what was typed stays in the form.
    let bad = app
        .post_form(
            &admin,
            &format!("/competitions/{id}/tracks"),
            &[
                ("name", "焊"),
                ("kind", "team"),
                ("theory_weight", "40"),
                ("practical_weight", "70"),
                ("prizes", "一等奖 三"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for message in ["至少 2 个字符", "合计应为 100", "第 1 行的名额", "此项必填"]
    {
        assert!(html.contains(message), "{message} in {html}");
    }
    assert!(html.contains("一等奖 三"), "typed tiers are kept");

    let track = app
        .post_form(
            &admin,
            &format!("/competitions/{id}/tracks"),
            &[
                ("name", "焊工"),
                ("trade", "焊工"),
                ("kind", "individual"),
                ("new_this_edition", "on"),
                ("theory_weight", "30"),
                ("practical_weight", "70"),
                ("quota_per_unit", "5"),
                ("prizes", "一等奖 3\n二等奖 10%\n三等奖 9"),
                ("min_prize_score", "60"),
            ],
        )
        .await;
    assert_eq!(track.status(), StatusCode::SEE_OTHER);
    let track_page = location(&track);
    let (_, html) = app.get_text(&admin, &track_page).await;
    assert!(html.contains("理论 30%"), "{html}");
    assert!(html.contains("一等奖 3 · 二等奖 10% · 三等奖 9"), "{html}");
    let track_id = track_page
        .trim_start_matches("/competitions/tracks/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // The edit form is filled in; sending it after someone else's change is refused (412)
    // with the form shown again.
    let (_, form) = app
        .get_text(&admin, &format!("/competitions/tracks/{track_id}/edit"))
        .await;
    assert!(form.contains("一等奖 3\n二等奖 10%\n三等奖 9"), "{form}");
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let edit = |name: &'static str, version: String| {
        let (app, admin, track_id) = (&app, &admin, track_id.clone());
        async move {
            app.post_form(
                admin,
                &format!("/competitions/tracks/{track_id}"),
                &[
                    ("name", name),
                    ("kind", "individual"),
                    ("practical_weight", "100"),
                    ("prizes", "一等奖 3"),
                    ("version", &version),
                ],
            )
            .await
        }
    };
    assert_eq!(
        edit("焊工（实操）", version.clone()).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        edit("焊工二", version).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
    let (_, html) = app.get_text(&admin, &track_page).await;
    assert!(
        html.contains("焊工（实操）") && html.contains("实操 100%") && !html.contains("理论 30%")
    );

    // A worker reads the competition but may not change it.
    let worker = app.login("worker").await;
    let (status, html) = app.get_text(&worker, &format!("/competitions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("焊工（实操）") && !html.contains("/tracks/new"));
    let (_, list) = app.get_text(&worker, "/competitions").await;
    assert!(list.contains("华江钢铁职工职业技能大赛"));
}

#[tokio::test]
async fn competitions_and_tracks_through_the_api() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let token = app.api_token("unitadmin").await;
    let (status, created) = app
        .api(
            &token,
            "POST",
            "/api/v1/competitions",
            Some(json!({"unit_id": s.enterprise, "name": "华江钢铁职工职业技能大赛", "edition": "第三届", "starts_on": "2026-05-01", "ends_on": "2026-09-30"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["competition"]["id"].as_i64().unwrap();

    let track = json!({
        "name": "电工", "trade": "电工", "kind": "individual",
        "theory_weight": 30, "practical_weight": 70,
        "prizes": [{"name": "一等奖", "size": "28"}, {"name": "二等奖", "size": "12.5%"}],
        "team_best": 3, "team_prizes": [{"name": "团体一等奖", "size": "2"}],
        "min_prize_score": "60.5"
    });
    let (status, t) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/competitions/{id}/tracks"),
            Some(track.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    assert_eq!(t["rounds"][0]["kind"], "theory");
    assert_eq!(t["rounds"][1]["weight"], 70);
    assert_eq!(t["prizes"][1], json!({"name": "二等奖", "size": "12.5%"}));
    assert_eq!(t["team_prizes"][0]["name"], "团体一等奖");
    assert_eq!(t["min_prize_score"], "60.5");

    // The same name twice, and weights that do not total 100: named field errors.
    let (status, e) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/competitions/{id}/tracks"),
            Some(track),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "name", "{e}");
    let (status, e) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/competitions/{id}/tracks"),
            Some(json!({"name": "钳工", "kind": "team", "theory_weight": 50, "practical_weight": 40})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["practical_weight", "team_size"], "{e}");

    // A stale If-Match is refused; the detail lists the track.
    let path = format!("/api/v1/tracks/{}", t["id"]);
    let stale = format!("\"v{}\"", t["updated_at"]);
    let body = json!({"name": "电工", "kind": "individual", "practical_weight": 100});
    let (status, _, _) = app
        .api_with(&token, "PUT", &path, &[("if-match", &stale)], body.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app
        .api_with(&token, "PUT", &path, &[("if-match", &stale)], body)
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, detail) = app
        .api(&token, "GET", &format!("/api/v1/competitions/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["tracks"][0]["rounds"].as_array().unwrap().len(), 1);
    assert_eq!(detail["can_manage"], true);

    // Another enterprise's admin may read but not organise.
    let (status, list) = app
        .api(
            &app.api_token("worker").await,
            "GET",
            "/api/v1/competitions",
            None,
        )
        .await;
    assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(1)));
    let (status, _) = app
        .api(
            &app.api_token("worker").await,
            "POST",
            "/api/v1/competitions",
            Some(json!({"unit_id": s.enterprise, "name": "不该建的竞赛", "starts_on": "2026-01-01", "ends_on": "2026-01-02"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
