//! The security review's findings (issue 12), each reproduced as it was found: redirects off
//! the site, pictures of another bank, the client's own `X-Forwarded-For`, and the rest. The
//! findings about exams' keys, tokens and sign-in live beside the features they concern
//! (`exams.rs`, `auth.rs`) and are named there.

use crate::common::{PASSWORD, TestApp};
use crate::exams::started;
use gongjiang_app::Caller;
use reqwest::StatusCode;

/// Finding 1: `next` leads only to a path of this site, after the normalisation a browser
/// applies (tabs and line breaks dropped, `\` read as `/`).
#[tokio::test]
async fn redirects_never_leave_the_site() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        let r = app.get(&client, &format!("/lang/en?next={next}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    let r = app
        .get(
            &client,
            "/lang/zh-CN?next=/innovation/achievements%3Fyear%3D2026",
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/innovation/achievements?year=2026"
    );

    // After a real login, and when already signed in.
    let csrf = app.csrf(&client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let r = app.get(&client, "/login?next=/%09/evil.example").await;
    assert_eq!(r.headers()["location"], "/");
}

/// Finding 2 (and 11 for question pictures): an entrant sees a picture only through a question
/// of the picture's own bank, whatever marker another bank's question carries; a picture is
/// sent with the sandbox policy, not the site's.
#[tokio::test]
async fn a_question_shows_only_pictures_of_its_own_bank() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let system = Caller::system("test");
    let png = crate::role_table::PNG;
    // A confidential bank of another enterprise, with a picture.
    let secret = app.fx().exam(app.seed.other_enterprise, vec![]).await;
    let secret_picture = gongjiang_app::banks::add_picture(db, &system, secret.question, png)
        .await
        .unwrap();
    // The enterprise's own exam, for the branch (where the worker is): its question shows a
    // picture of its own bank and, put there by its keeper, the other bank's marker.
    let exam = app
        .fx()
        .exam(app.seed.enterprise, vec![app.seed.branch])
        .await;
    let own_picture = gongjiang_app::banks::add_picture(db, &system, exam.question, png)
        .await
        .unwrap();
    let record = gongjiang_app::banks::question(db, &system, exam.question)
        .await
        .unwrap();
    let mut body: serde_json::Value = serde_json::from_str(&record.body).unwrap();
    let stem = format!("{}[图片:{secret_picture}]", body["stem"].as_str().unwrap());
    body["stem"] = serde_json::Value::String(stem);
    gongjiang_app::banks::revise(
        db,
        &system,
        exam.question,
        &record.category,
        body,
        "加上图片",
    )
    .await
    .unwrap();

    let worker = app.login("worker").await;
    let before = app
        .get(&worker, &format!("/exams/images/{own_picture}"))
        .await;
    assert_eq!(
        before.status(),
        StatusCode::FORBIDDEN,
        "no picture before a question shows it"
    );
    let attempt = started(&app, &worker, exam.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert!(
        view["questions"][0]["stem"]
            .as_str()
            .unwrap()
            .contains(&format!("[图片:{secret_picture}]"))
    );
    let own = app
        .get(&worker, &format!("/exams/images/{own_picture}"))
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(
        own.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert_eq!(own.headers()["x-content-type-options"], "nosniff");
    let stolen = app
        .get(&worker, &format!("/exams/images/{secret_picture}"))
        .await;
    assert_eq!(stolen.status(), StatusCode::FORBIDDEN);
}

/// Finding 4: behind a trusted proxy, the client's address is the one the proxy appended (the
/// last entry), not the first, which the client writes itself: changing it neither escapes the
/// per-address login limit nor forges the audit log's origin.
#[tokio::test]
async fn the_client_address_is_the_one_the_proxy_saw() {
    let app = TestApp::spawn_with(gongjiang::config::Layer {
        trust_proxy: Some(true),
        ..Default::default()
    })
    .await;
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let attempt = |n: usize| {
        let (client, csrf, url) = (client.clone(), csrf.clone(), app.url("/login"));
        async move {
            client
                .post(url)
                .header("x-forwarded-for", format!("10.0.0.{n}, 203.0.113.9"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("username", &format!("nobody{n}")),
                    ("password", "not-the-password1"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for n in 0..30 {
        assert_eq!(attempt(n).await, StatusCode::OK, "attempt {n}");
    }
    assert_eq!(
        attempt(31).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a new first entry is the same client"
    );
    let failed = app.audit("auth.login_failed").await;
    assert_eq!(failed.len(), 30);
    assert!(
        failed.iter().all(|e| e["origin"] == "203.0.113.9"),
        "{:?}",
        failed[0]
    );
}

/// Finding 6: an admin of a child unit reads, but does not rewrite, a draft achievement of an
/// ancestor unit that links a studio of theirs.
#[tokio::test]
async fn a_child_units_admin_cannot_rewrite_an_ancestors_draft() {
    let app = TestApp::spawn().await;
    let studio = app.fx().studio("焊接创新工作室").await;
    let mut spec = app.fx().achievement_spec("焊缝跟踪装置");
    spec.unit_id = app.seed.enterprise;
    spec.studio = Some(studio);
    let id = app.fx().achievement_from(spec).await;
    crate::common::user(
        app.db(),
        app.seed.branch,
        "分会管理员",
        "branchadmin",
        Some("unit_admin"),
    )
    .await;
    let token = app.api_token("branchadmin").await;
    let path = format!("/api/v1/achievements/{id}");
    let (status, detail) = app.api(&token, "GET", &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["rights"]["edit"], false);
    let tag = format!("\"v{}\"", detail["achievement"]["updated_at"]);
    let body = serde_json::json!({"title": "改写的标题", "summary": "改写", "kind": "original",
        "field": "advanced_manufacturing", "year": 2025, "people": [], "reason": "改写"});
    let (status, _, _) = app
        .api_with(&token, "PUT", &path, &[("if-match", tag.as_str())], body)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, after) = app
        .api(&app.api_token("unitadmin").await, "GET", &path, None)
        .await;
    assert_eq!(after["achievement"]["title"], "焊缝跟踪装置");
    assert_eq!(after["people"].as_array().unwrap().len(), 1);
}

/// Finding 10: the session cache hears of a change only once it is committed, so a request
/// that reads between the write and the commit cannot keep the old account for long.
#[tokio::test]
async fn the_session_cache_never_keeps_what_a_commit_replaces() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.try_login(&client, "target", PASSWORD).await;
    let token = crate::common::session_token(&r);
    let db = app.db();
    let settings = gongjiang_app::auth::AuthSettings::default();
    let cache = gongjiang_app::session_cache::SessionCache::new(60_000);
    let signed_in = || gongjiang_app::auth::from_session(db, &settings, &cache, &token);

    let mut tx = db.begin().await.unwrap();
    gongjiang_db::users::set_disabled(&mut tx, app.seed.target.1, true)
        .await
        .unwrap();
    // Read (and kept) while the change is not committed: the account as it was.
    assert!(signed_in().await.unwrap().is_some());
    gongjiang_db::commit_auth(tx).await.unwrap();
    assert!(
        signed_in().await.unwrap().is_none(),
        "the disabled account is not served from the cache"
    );
}

/// Finding 12: an alliance's or a group's keeper names a studio by id only if they may see
/// it; one they may not is answered as no studio, and its name never shows.
#[tokio::test]
async fn keepers_cannot_add_or_name_a_studio_they_may_not_see() {
    let app = TestApp::spawn().await;
    let mut spec = app.fx().studio_spec("保密车间创新工作室");
    spec.unit_id = app.seed.other_enterprise;
    let hidden = app.fx().studio_from(spec).await;
    let token = app.api_token("unitadmin").await;
    let (status, alliance) = app
        .api(
            &token,
            "POST",
            "/api/v1/alliances",
            Some(
                serde_json::json!({"unit_id": app.seed.enterprise, "name": "焊接创新联盟",
                "kind": "same_kind", "founded_year": 2023}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, refused) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/alliances/{}/members", alliance["id"]),
            Some(serde_json::json!({"studio_id": hidden, "joined_on": "2024-01-01"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"][0]["code"], "unknown_studio");
    assert!(!refused.to_string().contains("保密车间"), "{refused}");
    let (status, group) = app
        .api(
            &token,
            "POST",
            "/api/v1/groups",
            Some(
                serde_json::json!({"unit_id": app.seed.enterprise, "kind": "center",
                "name": "职工创新中心"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!("/api/v1/groups/{}", group["id"]);
    let (status, refused) = app
        .api(
            &token,
            "POST",
            &format!("{path}/members"),
            Some(serde_json::json!({"studio_id": hidden})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"][0]["code"], "unknown_studio");
    let (_, detail) = app.api(&token, "GET", &path, None).await;
    assert!(!detail.to_string().contains("保密车间"), "{detail}");
}

/// Finding 13: a federation admin's grant on a sub-unit covers that sub-unit, not the whole
/// federation's audit log or settings.
#[tokio::test]
async fn a_federation_admin_of_a_sub_unit_acts_on_that_sub_unit_only() {
    let app = TestApp::spawn().await;
    crate::common::user(
        app.db(),
        app.seed.industry,
        "产业工会管理员",
        "industryadmin",
        Some("federation_admin"),
    )
    .await;
    let sub = app.api_token("industryadmin").await;
    let (status, _) = app.api(&sub, "GET", "/api/v1/audit", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let quota = serde_json::json!({"quota": 9});
    let (status, _) = app
        .api(&sub, "PUT", "/api/v1/alliances/quota", Some(quota.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let whole = app.api_token("admin").await;
    let (status, _) = app.api(&whole, "GET", "/api/v1/audit", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .api(&whole, "PUT", "/api/v1/alliances/quota", Some(quota))
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Finding 15: the public sees no trace of what is not published: an unpublished studio's
/// name in a published achievement's search words, the unpublished items of an exhibition in
/// its counts; and an export never carries employee numbers of people outside the caller's
/// units.
#[tokio::test]
async fn nothing_unpublished_shows_in_public_and_exports_keep_employee_numbers_home() {
    let app = TestApp::spawn().await;
    let studio = app.fx().studio("无名焊接工作室").await;
    let mut spec = app.fx().achievement_spec("焊缝跟踪小车");
    spec.studio = Some(studio);
    spec.published = true;
    let shown = app.fx().achievement_from(spec).await;
    let mut spec = app.fx().achievement_spec("后来撤下的焊接夹具");
    spec.published = true;
    let withdrawn = app.fx().achievement_from(spec).await;
    let anonymous = app.client();
    let (_, found) = app
        .get_text(&anonymous, "/search?q=%E6%97%A0%E5%90%8D%E7%84%8A%E6%8E%A5")
        .await;
    assert!(
        !found.contains("无名焊接工作室"),
        "the studio is not public"
    );
    let (_, public) = app
        .get_text(&anonymous, &format!("/showcase/achievements/{shown}"))
        .await;
    assert!(public.contains("焊缝跟踪小车") && !public.contains("无名焊接工作室"));

    let token = app.api_token("unitadmin").await;
    let (status, exhibition) = app
        .api(
            &token,
            "POST",
            "/api/v1/exhibitions",
            Some(
                serde_json::json!({"unit_id": app.seed.enterprise, "title": "职工创新成果展",
                "summary": "", "venue": "", "opens_on": "2026-01-01", "closes_on": "2026-12-31"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{exhibition}");
    let id = exhibition["id"].as_i64().unwrap();
    for achievement in [shown, withdrawn] {
        let (status, _) = app
            .api(
                &token,
                "POST",
                &format!("/api/v1/exhibitions/{id}/items"),
                Some(serde_json::json!({"achievement_id": achievement})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    // Withdrawn from publication after it was shown.
    let (status, _) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/achievements/{withdrawn}/publication"),
            Some(serde_json::json!({"published": false, "reason": "撤下"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/exhibitions/{id}/publication"),
            Some(serde_json::json!({"published": true})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, showcase) = app.get_text(&anonymous, "/showcase").await;
    let tile = showcase
        .split("职工创新成果展")
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or_default()
        .to_owned();
    assert!(tile.contains("线上 1 项"), "{tile}");

    // The export of a unit admin names a maker from elsewhere without their number.
    let outsider = app
        .fx()
        .person(app.seed.other_enterprise, "外单位的人", "QC-0042")
        .await;
    let mut spec = app.fx().achievement_spec("联合攻关成果");
    spec.people = vec![app.seed.worker.0, outsider];
    app.fx().achievement_from(spec).await;
    let unitadmin = app.login("unitadmin").await;
    let r = app.get(&unitadmin, "/api/v1/exports/achievements").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let text = crate::common::xlsx::read(&bytes).concat().join("|");
    assert!(
        text.contains("外单位的人") && !text.contains("QC-0042"),
        "{text}"
    );
}

/// Finding 9: a session ends its absolute lifetime after its login, however busy.
#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.try_login(&client, "worker", PASSWORD).await;
    let token = crate::common::session_token(&r);
    let settings = gongjiang_app::auth::AuthSettings {
        session_max_ms: 1_500,
        ..Default::default()
    };
    let cache = gongjiang_app::session_cache::SessionCache::new(60_000);
    let signed_in = || gongjiang_app::auth::from_session(app.db(), &settings, &cache, &token);
    assert!(signed_in().await.unwrap().is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert!(
        signed_in().await.unwrap().is_none(),
        "not from the cache either"
    );
}
