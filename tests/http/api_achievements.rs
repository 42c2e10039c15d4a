//! Achievements through the JSON API: recorded (also from a studio, in its host unit),
//! edited with `If-Match`, declared up the union tree and decided on, awarded, given files,
//! published; the same rules as the pages.

use crate::common::TestApp;
use crate::role_table::PNG;
use reqwest::StatusCode;
use serde_json::json;

fn body(title: &str, people: &[i64]) -> serde_json::Value {
    json!({"title": title, "summary": "在线监测焊缝温度", "kind": "original", "field": "advanced_manufacturing",
        "year": 2025, "effects": "废品率下降三成", "people": people})
}

#[tokio::test]
async fn an_achievement_climbs_the_union_tree_through_the_api() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let unitadmin = app.api_token("unitadmin").await;
    let admin = app.api_token("admin").await;

    let mut draft = body("焊缝温度在线监测装置", &[s.worker.0]);
    draft["unit_id"] = json!(s.branch);
    let (status, created) = app
        .api(&unitadmin, "POST", "/api/v1/achievements", Some(draft))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["stage"], "draft");
    let path = format!("/api/v1/achievements/{id}");

    // A picture, then an edit against the version read; an edit against an old one is refused.
    let (status, file) = app
        .api_upload(
            &unitadmin,
            &format!("{path}/files"),
            "装置.png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(file["kind"], "picture");
    // Sent the one way files are: its own type, and sandboxed (not the site's policy).
    let r = reqwest::Client::new()
        .get(app.url(file["url"].as_str().unwrap()))
        .bearer_auth(&unitadmin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    let version = format!("\"v{}\"", created["updated_at"]);
    let edit = |title: &str, tag: &str| {
        let (app, token, path, tag) = (&app, unitadmin.clone(), path.clone(), tag.to_owned());
        let mut b = body(title, &[s.worker.0, s.target.0]);
        b["reason"] = json!("补充完成人");
        async move {
            app.api_with(&token, "PUT", &path, &[("if-match", tag.as_str())], b)
                .await
                .0
        }
    };
    assert_eq!(
        edit("焊缝温度在线监测装置（改进型）", &version).await,
        StatusCode::OK
    );
    assert_eq!(
        edit("另一个标题", &version).await,
        StatusCode::PRECONDITION_FAILED
    );
    let (_, detail) = app.api(&unitadmin, "GET", &path, None).await;
    assert_eq!(
        detail["achievement"]["title"],
        "焊缝温度在线监测装置（改进型）"
    );
    assert_eq!(detail["people"].as_array().unwrap().len(), 2);
    assert_eq!(
        detail["people"][0]["person_id"], s.worker.0,
        "the leading maker first"
    );
    assert_eq!(detail["people"][1]["person_id"], s.target.0);
    assert_eq!(detail["files"][0]["url"], format!("/files/{}", file["id"]));
    assert_eq!(detail["rights"]["edit"], true);

    // Declared by the branch (through its enterprise's admin), recommended by the enterprise,
    // recognised by the federation's admin, whose inbox shows it once it waits on them.
    let decisions = format!("{path}/decisions");
    let decide = |token: String, decision: &str, reason: &str| {
        let (app, decisions) = (&app, &decisions);
        let body = json!({"decision": decision, "reason": reason});
        async move { app.api(&token, "POST", decisions, Some(body)).await }
    };
    let (status, declared) = decide(unitadmin.clone(), "declare", "").await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["at_unit_id"], s.enterprise);
    let (status, _) = decide(unitadmin.clone(), "return", "").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs its reason"
    );
    let (_, recommended) = decide(unitadmin.clone(), "recommend", "").await;
    assert_eq!(recommended["at_unit_id"], s.industry);
    let (_, inbox) = app.api(&admin, "GET", "/api/v1/declarations", None).await;
    assert!(inbox.as_array().unwrap().iter().any(|a| a["id"] == id));
    let (status, _) = decide(unitadmin.clone(), "recognise", "").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "it no longer waits on the enterprise"
    );
    let (status, recognised) = decide(admin.clone(), "recognise", "").await;
    assert_eq!(status, StatusCode::OK, "{recognised}");
    assert_eq!(recognised["stage"], "recognised");
    let (_, detail) = app.api(&unitadmin, "GET", &path, None).await;
    assert_eq!(detail["steps"].as_array().unwrap().len(), 3);
    assert_eq!(detail["rights"]["edit"], false);

    // Awarded and published; its file removed.
    let (status, award) = app
        .api(
            &unitadmin,
            "POST",
            &format!("{path}/awards"),
            Some(json!({"name": "华江市职工技术创新成果奖", "tier": "first", "granted_by": "华江市总工会", "year": 2025})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{award}");
    let (_, published) = app
        .api(
            &unitadmin,
            "PUT",
            &format!("{path}/publication"),
            Some(json!({"published": true})),
        )
        .await;
    assert_eq!(published["published"], true);
    assert_eq!(published["best_tier"], "first");
    let public = app
        .get_json(&app.client(), &format!("/api/v1/public/achievements/{id}"))
        .await;
    assert_eq!(public["awards"][0]["name"], "华江市职工技术创新成果奖");
    assert_eq!(public["awards"][0]["granted_by"], "华江市总工会");
    assert_eq!(public["awards"][0]["year"], 2025);
    assert_eq!(public["awards"][0]["id"], award["id"]);
    assert_eq!(public["makers"].as_array().unwrap().len(), 2);
    let (status, _) = app
        .api(
            &unitadmin,
            "DELETE",
            &format!("/api/v1/achievement-files/{}", file["id"]),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app
        .api(
            &unitadmin,
            "GET",
            "/api/v1/achievements?stage=recognised",
            None,
        )
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["best_tier"], "first");
}

#[tokio::test]
async fn a_studio_leader_records_in_the_studios_host_unit_and_names_only_people_near_it() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let system = gongjiang_app::Caller::system("test");
    let studio = gongjiang_app::studios::create(
        app.db(),
        &system,
        gongjiang_app::studios::StudioInput {
            unit_id: s.branch,
            leader_person_id: Some(s.leader.0),
            profile: gongjiang_domain::registry::studio::StudioProfileInput {
                name: "张志强数控创新工作室".into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap()
    .id;
    let leader = app.api_token("leader").await;

    // No unit given: the achievement is the studio's host unit's.
    let mut draft = body("数控刀具寿命预测", &[s.leader.0, s.worker.0]);
    draft["studio_id"] = json!(studio);
    let (status, created) = app
        .api(&leader, "POST", "/api/v1/achievements", Some(draft.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["unit_id"], s.branch);

    // Someone far from the studio cannot be named by id, as they could not be by name.
    draft["people"] = json!([s.leader.0, s.admin.0]);
    let (status, refused) = app
        .api(&leader, "POST", "/api/v1/achievements", Some(draft))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"][0]["code"], "unknown_person");

    // The leader cannot declare: that belongs to the unit's admins.
    let (status, _) = app
        .api(
            &leader,
            "POST",
            &format!("/api/v1/achievements/{}/decisions", created["id"]),
            Some(json!({"decision": "declare"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_achievement_form_sent_against_an_old_version_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let id = app.fx().achievement("旧版本上的成果").await;
    let admin = app.login("unitadmin").await;
    let (_, form) = app
        .get_text(&admin, &format!("/innovation/achievements/{id}/edit"))
        .await;
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries the version")
        .to_owned();
    let token = app.api_token("admin").await;
    let mut changed = body("另一位编辑改的标题", &[app.seed.worker.0]);
    changed["unit_id"] = json!(app.seed.branch);
    let (status, _) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/achievements/{id}"),
            Some(changed),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/innovation/achievements/{id}"),
            &[
                ("unit_id", branch.as_str()),
                ("title", "表单里输入的标题"),
                ("kind", "original"),
                ("field", "advanced_manufacturing"),
                ("year", "2025"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let html = r.text().await.unwrap();
    assert!(html.contains("表单里输入的标题"));
    assert!(html.contains("此记录已被他人修改"));
}
