//! The studios' JSON API as a union's own program uses it: register, read, edit with
//! `If-Match`, members, levels, ratings, status, publication and pictures; and the API's
//! conventions (paging bounds, JSON bodies, field errors) on the way.

use crate::common::TestApp;
use crate::role_table::PNG;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_studio_is_registered_edited_and_kept_through_the_api() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let token = app.api_token("unitadmin").await;

    // Registered in the unit admin's branch, with integers sent as JSON Schema allows (2019.0).
    let (status, created) = app
        .api(
            &token,
            "POST",
            "/api/v1/studios",
            Some(json!({"unit_id": s.branch, "name": "刘伟焊接创新工作室", "leader_person_id": s.worker.0,
                "fields": ["advanced_manufacturing"], "founded_year": 2019.0, "summary": "焊接工艺攻关"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["founded_year"], 2019);
    assert_eq!(created["published"], false);
    assert_eq!(created["fields"], json!(["advanced_manufacturing"]));

    // Read with its version.
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/studios/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let detail: serde_json::Value = response.json().await.unwrap();
    assert_eq!(detail["keeping"], "admin");
    assert_eq!(detail["members"][0]["role"], "leader");
    assert_eq!(detail["studio"]["leader_name"], "刘伟");

    // Two editors: the first change lands, the second (made against the same version) is
    // refused instead of silently overwriting it.
    let edit = |name: &str| {
        json!({"name": name, "leader_person_id": s.worker.0, "fields": ["advanced_manufacturing"],
            "founded_year": 2019, "reason": "更名"})
    };
    let path = format!("/api/v1/studios/{id}");
    let put = |body: serde_json::Value, tag: String| {
        let (app, token, path) = (&app, token.clone(), path.clone());
        async move {
            let (status, headers, _) = app
                .api_with(&token, "PUT", &path, &[("if-match", tag.as_str())], body)
                .await;
            (status, headers)
        }
    };
    let (status, headers) = put(edit("刘伟焊接技能大师工作室"), etag.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let new_etag = headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let (status, _, body) = app
        .api_with(
            &token,
            "PUT",
            &path,
            &[("if-match", etag.as_str())],
            edit("另一个名字"),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(body["error"]["code"], "edited_since");
    let (_, now) = app
        .api(&token, "GET", &format!("/api/v1/studios/{id}"), None)
        .await;
    assert_eq!(now["studio"]["name"], "刘伟焊接技能大师工作室");
    assert_eq!(
        put(edit("刘伟焊接技能大师工作室"), new_etag).await.0,
        StatusCode::OK
    );

    // Members, levels, ratings, status and publication.
    let (status, member) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/studios/{id}/members"),
            Some(json!({"person_id": s.target.0, "role": "core", "joined_on": "2024-03-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    let (status, left) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/studio-members/{}/leave", member["id"]),
            Some(json!({"left_on": "2025-01-31", "reason": "调岗"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{left}");
    assert_eq!(left["left_on"], "2025-01-31");
    let (status, leveled) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/studios/{id}/levels"),
            Some(json!({"level": "municipal", "year": 2024, "granted_by": "华江市总工会"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{leveled}");
    assert_eq!(leveled["level"], "municipal");
    for (stars, on) in [(4, "2024-06-01"), (5, "2025-06-01")] {
        let (status, rated) = app
            .api(
                &token,
                "POST",
                &format!("/api/v1/studios/{id}/ratings"),
                Some(json!({"stars": stars, "rated_on": on, "source": "年度评估"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{rated}");
    }
    let (status, published) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/studios/{id}/publication"),
            Some(json!({"published": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["published"], true);
    let (_, detail) = app
        .api(&token, "GET", &format!("/api/v1/studios/{id}"), None)
        .await;
    assert_eq!(detail["studio"]["stars"], 5);
    let outcomes: Vec<&str> = detail["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["first", "promoted"]);
    let (status, exited) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/studios/{id}/status"),
            Some(json!({"status": "exited", "reason": "企业改制"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{exited}");
    assert_eq!(exited["status"], "exited");

    // A picture, recognised by its bytes, and something that is not one.
    let pictures = format!("/api/v1/studios/{id}/pictures");
    let (status, picture) = app
        .api_upload(&token, &pictures, "workshop.png", PNG.to_vec())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let thumbnail = picture["thumbnail_url"].as_str().unwrap();
    assert!(thumbnail.ends_with("/thumb"));
    let r = reqwest::Client::new()
        .get(app.url(thumbnail))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    let (status, _) = app
        .api_upload(
            &token,
            &pictures,
            "plan.pdf",
            b"%PDF-1.4 not a picture".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every change is in the audit log.
    for action in [
        "studio.create",
        "studio.update",
        "studio.member_join",
        "studio.picture_add",
    ] {
        assert!(!app.audit(action).await.is_empty(), "{action} audited");
    }
}

#[tokio::test]
async fn the_api_names_what_is_wrong_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let token = app.api_token("unitadmin").await;
    let create = |body: serde_json::Value| app.api(&token, "POST", "/api/v1/studios", Some(body));

    // A value of the wrong type is named by its path.
    let (status, body) =
        create(json!({"unit_id": s.branch, "name": "错误工作室", "founded_year": "去年"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "founded_year");
    assert_eq!(body["error"]["fields"][0]["code"], "wrong_type");
    // A body that is not a JSON object is malformed.
    let (status, body) = create(json!([s.branch, "错误工作室"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    // A leader the caller could not find by name cannot be named by id either.
    let (status, body) =
        create(json!({"unit_id": s.branch, "name": "越权工作室", "leader_person_id": s.admin.0}))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "unknown_person");
    // Outside the caller's units: refused before any other check.
    let (status, _) = create(json!({"unit_id": s.other_enterprise, "name": ""})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = app.api(&token, "GET", "/api/v1/studios", None).await;
    assert_eq!(list["total"], 0, "nothing was registered");

    // Paging and filters keep to their documented bounds.
    for query in ["page=0", "page=100001", "per_page=501", "stars=2"] {
        let (status, body) = app
            .api(&token, "GET", &format!("/api/v1/studios?{query}"), None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["fields"][0]["code"], "out_of_range");
    }
    let (status, _) = app
        .api(&token, "GET", "/api/v1/studios/9223372036854775808", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = app
        .api(&token, "GET", "/api/v1/studios?page=2&per_page=5", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["page"].as_i64(), body["per_page"].as_i64()),
        (Some(2), Some(5))
    );
}

#[tokio::test]
async fn a_retried_create_with_its_idempotency_key_makes_one_record() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let token = app.api_token("unitadmin").await;
    let post = |key: &'static str, name: &'static str| {
        let (url, token) = (app.url("/api/v1/studios"), token.clone());
        let body = json!({"unit_id": s.branch, "name": name});
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let replayed = r.headers().get("idempotent-replayed").is_some();
            let status = r.status();
            (
                status,
                replayed,
                r.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    // A refused request keeps nothing: the same key may carry the corrected request.
    let (status, _, _) = post("key-1", "短").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, replayed, first) = post("key-1", "重试创新工作室").await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
    // The answer was lost on the way; the phone retries: the first answer comes again.
    let (status, replayed, again) = post("key-1", "重试创新工作室").await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["id"], first["id"]);
    // The same key on another request is a mistake, said so.
    let (status, _, refused) = post("key-1", "另一个工作室").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["code"], "idempotency_key_reused");
    let (_, list) = app.api(&token, "GET", "/api/v1/studios", None).await;
    assert_eq!(list["total"], 1);
    let (_, mine) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/studios?unit={}", s.branch),
            None,
        )
        .await;
    assert_eq!(mine["total"], 1);
    let (_, elsewhere) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/studios?unit={}", s.other_enterprise),
            None,
        )
        .await;
    assert_eq!(elsewhere["total"], 0);
    // Another caller's keys are their own.
    let admin = app.api_token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/studios"))
        .bearer_auth(admin)
        .header("idempotency-key", "key-1")
        .json(&json!({"unit_id": s.branch, "name": "联合会创新工作室"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.headers().get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn the_edit_form_and_the_api_share_the_version_and_a_stale_form_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let studio = app.fx().studio("版本创新工作室").await;
    let admin = app.login("unitadmin").await;
    let form = app
        .get_text(&admin, &format!("/innovation/studios/{studio}/edit"))
        .await
        .1;
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries the version")
        .to_owned();
    // Meanwhile, a program renames it.
    let token = app.api_token("admin").await;
    let (status, _, _) = app
        .api_with(
            &token,
            "PUT",
            &format!("/api/v1/studios/{studio}"),
            &[("if-match", format!("\"v{version}\"").as_str())],
            json!({"name": "程序改的名字"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The form sent against the old version comes back with what was typed.
    let r = app
        .post_form(
            &admin,
            &format!("/innovation/studios/{studio}"),
            &[("name", "表单里输入的名字"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let html = r.text().await.unwrap();
    assert!(html.contains("表单里输入的名字"));
    assert!(html.contains("此记录已被他人修改"));
    assert!(
        !html.contains(&format!("value=\"{version}\"")),
        "the form now carries the new version"
    );
    let (_, now) = app
        .api(&token, "GET", &format!("/api/v1/studios/{studio}"), None)
        .await;
    assert_eq!(now["studio"]["name"], "程序改的名字");
}

#[tokio::test]
async fn answers_holding_a_secret_are_never_kept_or_cached() {
    let app = TestApp::spawn().await;
    // Tokens are minted by a person signed in (never by a token): the browser's session.
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let mint = || {
        let (app, admin, csrf) = (&app, &admin, &csrf);
        async move {
            let r = admin
                .post(app.url("/api/v1/tokens"))
                .header("x-csrf-token", csrf)
                .header("idempotency-key", "same-key")
                .json(&json!({"name": "同步脚本"}))
                .send()
                .await
                .unwrap();
            let (status, headers) = (r.status(), r.headers().clone());
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            (status, headers, body)
        }
    };
    let (status, headers, first) = mint().await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["cache-control"], "no-store");
    let (status, headers, second) = mint().await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(headers.get("idempotent-replayed").is_none());
    assert_ne!(
        first["token"], second["token"],
        "a secret is never handed out twice"
    );
}
