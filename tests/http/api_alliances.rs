//! Alliances, centers, exhibitions, honours and the registry's Excel lists through the API.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_alliance_is_kept_through_the_api() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let member = app.fx().studio("联盟成员创新工作室").await;
    let token = app.api_token("unitadmin").await;
    let (status, created) = app
        .api(
            &token,
            "POST",
            "/api/v1/alliances",
            Some(json!({"unit_id": s.enterprise, "name": "华江钢铁焊接创新联盟", "kind": "same_kind", "founded_year": 2023})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/alliances/{id}");

    // A change against an older version is refused.
    let stale = format!("\"v{}\"", created["updated_at"]);
    let put = |name: &str| {
        let body =
            json!({"name": name, "kind": "same_kind", "founded_year": 2023, "annual_quota": 2});
        let (app, token, path, stale) = (&app, token.clone(), path.clone(), stale.clone());
        async move {
            app.api_with(&token, "PUT", &path, &[("if-match", stale.as_str())], body)
                .await
        }
    };
    assert_eq!(put("华江钢铁焊接技术创新联盟").await.0, StatusCode::OK);
    assert_eq!(put("第三个名字").await.0, StatusCode::PRECONDITION_FAILED);

    let (status, joined) = app
        .api(
            &token,
            "POST",
            &format!("{path}/members"),
            Some(json!({"studio_id": member, "joined_on": "2024-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let (status, chairs) = app
        .api(
            &token,
            "POST",
            &format!("{path}/chairs"),
            Some(json!({"unit_id": s.enterprise, "from": "2024-01-01", "note": "首任"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{chairs}");
    let (status, project) = app
        .api(
            &token,
            "POST",
            &format!("{path}/projects"),
            Some(json!({"year": 2025, "title": "焊接烟尘治理联合攻关"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    let (_, detail) = app.api(&token, "GET", &path, None).await;
    assert_eq!(detail["alliance"]["annual_quota"], 2);
    assert_eq!(detail["alliance"]["members"], 1);
    assert_eq!(detail["can_keep"], true);
    let (status, left) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/alliance-members/{}/leave", joined["id"]),
            Some(json!({"left_on": "2025-12-31", "reason": "调整"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{left}");

    // The rule's dashboard, and the federation's quota set by its staff only.
    let (status, dashboard) = app
        .api(&token, "GET", "/api/v1/alliances/quota?year=2025", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dashboard["year"], 2025);
    let (status, _) = app
        .api(
            &token,
            "PUT",
            "/api/v1/alliances/quota",
            Some(json!({"quota": 3})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.api_token("admin").await;
    let (status, set) = app
        .api(
            &admin,
            "PUT",
            "/api/v1/alliances/quota",
            Some(json!({"quota": 3, "reason": "新规"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["quota"], 3);

    // A center grouping the alliance.
    let (status, group) = app
        .api(
            &token,
            "POST",
            "/api/v1/groups",
            Some(
                json!({"unit_id": s.enterprise, "kind": "center", "name": "华江钢铁职工创新中心"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let g = format!("/api/v1/groups/{}", group["id"]);
    let (status, _) = app
        .api(
            &token,
            "POST",
            &format!("{g}/members"),
            Some(json!({"alliance_id": id})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, detail) = app.api(&token, "GET", &g, None).await;
    assert_eq!(detail["group"]["alliances"], 1);
    assert_eq!(detail["members"][0]["alliance_id"], id);
}

#[tokio::test]
async fn exhibitions_honours_and_lists_through_the_api() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let token = app.api_token("unitadmin").await;
    let fx = app.fx();
    let mut spec = fx.achievement_spec("转炉出钢口快换装置");
    spec.people = vec![];
    spec.published = true;
    let achievement = fx.achievement_from(spec).await;

    // An exhibition: online, then on a board at the venue, then open to the public.
    let (status, e) = app
        .api(
            &token,
            "POST",
            "/api/v1/exhibitions",
            Some(json!({"unit_id": s.enterprise, "title": "2026年职工创新成果展", "venue": "华江会展中心",
                "opens_on": "2026-05-01", "closes_on": "2026-05-07"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let ex = format!("/api/v1/exhibitions/{}", e["id"]);
    let (status, _) = app
        .api(
            &token,
            "POST",
            &format!("{ex}/items"),
            Some(json!({"achievement_id": achievement})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .api(
            &token,
            "PUT",
            &format!("{ex}/items/{achievement}"),
            Some(json!({"at_venue": true, "board_no": "A-01", "model_note": "实物模型"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, detail) = app.api(&token, "GET", &ex, None).await;
    assert_eq!(detail["items"][0]["board_no"], "A-01");
    assert_eq!(detail["items"][0]["at_venue"], true);
    let (status, _) = app
        .api(
            &token,
            "PUT",
            &format!("{ex}/publication"),
            Some(json!({"published": true})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, public) = app
        .api(
            "",
            "GET",
            &format!("/api/v1/public/exhibitions/{}", e["id"]),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["items"][0]["title"], "转炉出钢口快换装置");
    assert!(public["items"][0].get("model_note").is_none());

    // Honours and pairs; a pair with someone the caller cannot find is refused.
    let person = s.target.0;
    let (status, honour) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/people/{person}/honours"),
            Some(json!({"kind": "craftsman", "level": "municipal", "title": "华江工匠", "year": 2024})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{honour}");
    let pair = |apprentice: i64| json!({"master_id": person, "apprentice_id": apprentice, "from_year": 2024});
    let (status, made) = app
        .api(
            &token,
            "POST",
            "/api/v1/mentorships",
            Some(pair(s.worker.0)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, refused) = app
        .api(&token, "POST", "/api/v1/mentorships", Some(pair(s.admin.0)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["code"], "unknown_person");
    let (_, record) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/people/{person}/record"),
            None,
        )
        .await;
    assert_eq!(record["honours"][0]["title"], "华江工匠");
    assert_eq!(record["mentorships"][0]["apprentice_name"], "刘伟");
    let h = format!("/api/v1/honours/{}", honour["id"]);
    let (status, _) = app.api(&token, "DELETE", &h, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the reason is required");
    let (status, _) = app
        .api(&token, "DELETE", &format!("{h}?reason=录入有误"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Lists export in their template's columns and import back, all or nothing: studios are
    // matched by name and updated; an achievement already recorded is refused by row.
    app.fx().studio("导出导入创新工作室").await;
    let export = |kind: &'static str| {
        let (url, token) = (app.url(&format!("/api/v1/exports/{kind}")), token.clone());
        async move {
            let r = reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.bytes().await.unwrap().to_vec()
        }
    };
    let import = |kind: &'static str, bytes: Vec<u8>| {
        let (app, path, token) = (&app, format!("/api/v1/imports/{kind}"), token.clone());
        async move { app.api_upload(&token, &path, "名单.xlsx", bytes).await }
    };
    let (status, report) = import("studios", export("studios").await).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["created"].as_i64(), report["updated"].as_i64()),
        (Some(0), Some(1))
    );
    let (status, refused) = import("achievements", export("achievements").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["code"], "import_rejected");
    assert_eq!(refused["error"]["fields"][0]["code"], "achievement_exists");
    assert!(
        refused["error"]["fields"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("row 2")
    );
    let (status, _) = import("studios", b"not a workbook".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = import("medals", b"x".to_vec()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
