//! People and their accounts and roles.

use crate::common::{PASSWORD, TestApp, shown_once};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn people_are_recorded_searched_and_edited() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/people",
            &[
                ("unit_id", &branch),
                ("name", "欧阳振华"),
                ("employee_no", "G1001"),
                ("gender", "male"),
                ("phone", "138 0000 1111"),
                ("trade", "焊工"),
                ("post", "班组长"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.get_text(&admin, "/admin/people?q=欧阳").await;
    assert!(list.contains("欧阳振华") && list.contains("焊工"));
    let (_, list) = app.get_text(&admin, "/admin/people?q=13800001111").await;
    assert!(list.contains("欧阳振华"), "found by phone");
    let id = list
        .split("/admin/people/")
        .filter_map(|s| s.split('"').next())
        .find_map(|s| s.parse::<i64>().ok())
        .expect("a link to the person");
    let r = app
        .post_form(
            &admin,
            &format!("/admin/people/{id}"),
            &[
                ("unit_id", &branch),
                ("name", "欧阳振华"),
                ("employee_no", "G1001"),
                ("gender", "male"),
                ("phone", "bad"),
                ("trade", "焊工"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("手机号码「bad」无效"));
    let r = app
        .post_form(
            &admin,
            &format!("/admin/people/{id}"),
            &[
                ("unit_id", &branch),
                ("name", "欧阳振华"),
                ("employee_no", "G1001"),
                ("trade", "高级焊工"),
                ("reason", "技能等级晋升"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let updates = app.audit("person.update").await;
    assert!(
        updates[0]["before"]
            .as_str()
            .unwrap()
            .contains("\"trade\":\"焊工\"")
    );
    assert!(
        updates[0]["after"]
            .as_str()
            .unwrap()
            .contains("\"trade\":\"高级焊工\"")
    );
    assert_eq!(updates[0]["reason"], "技能等级晋升");
}

#[tokio::test]
async fn an_employee_number_is_unique_within_a_unit() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let body = json!({"unit_id": app.seed.branch, "name": "孙丽", "employee_no": "E7"});
    assert_eq!(
        admin
            .post(app.url("/api/v1/people"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let r = admin
        .post(app.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["code"], "employee_no_taken");
    let elsewhere =
        json!({"unit_id": app.seed.other_enterprise, "name": "孙丽", "employee_no": "E7"});
    assert_eq!(
        admin
            .post(app.url("/api/v1/people"))
            .header("x-csrf-token", &csrf)
            .json(&elsewhere)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_unit_admin_sees_and_changes_only_their_people() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let list: Value = app.get_json(&unitadmin, "/api/v1/people").await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"刘伟") && !names.contains(&"王建国"),
        "{names:?}"
    );
    assert_eq!(
        app.get(&unitadmin, &format!("/admin/people/{}", app.seed.admin.0))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            &unitadmin,
            "/admin/people",
            &[
                ("unit_id", &app.seed.other_enterprise.to_string()),
                ("name", "外单位人员"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Moving one of their people out of their subtree is refused too.
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/people/{}", app.seed.worker.0),
            &[
                ("unit_id", &app.seed.other_enterprise.to_string()),
                ("name", "刘伟"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn accounts_are_created_for_people_and_roles_granted_and_revoked() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let csrf = app.token(&unitadmin).await;
    let person: Value = unitadmin
        .post(app.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"unit_id": app.seed.branch, "name": "周海燕"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = person["id"].as_i64().unwrap();
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/people/{pid}/account"),
            &[("username", "zhou.haiyan")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let password = shown_once(&html, "new-password");
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/people/{pid}/account"),
            &[("username", "zhou.haiyan")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "one account per person");
    let me = app.client();
    assert_eq!(
        app.try_login(&me, "zhou.haiyan", &password).await.headers()["location"],
        "/account#password"
    );
    let uid: i64 = me
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/users/{uid}/grants"),
            &[("role", "judge"), ("unit_id", &branch)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/users/{uid}/grants"),
            &[("role", "federation_admin"), ("unit_id", &branch)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only federation admins make federation admins"
    );
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/users/{uid}/grants"),
            &[
                ("role", "judge"),
                ("unit_id", &app.seed.federation.to_string()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "not on a unit above their own"
    );
    let roles: Value = app.get_json(&me, "/api/v1/me").await;
    assert_eq!(roles["roles"][0]["role"], "judge");
    let grants = app.audit("grant.create").await;
    let grant_id =
        serde_json::from_str::<Value>(grants[0]["after"].as_str().unwrap()).unwrap()["id"]
            .as_i64()
            .unwrap();
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/grants/{grant_id}/revoke"),
            &[("reason", "调岗")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let roles: Value = app.get_json(&me, "/api/v1/me").await;
    assert!(
        roles["roles"].as_array().unwrap().is_empty(),
        "a revoked role is gone at once"
    );
}

#[tokio::test]
async fn accounts_and_roles_can_be_managed_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let api = |path: &str| app.url(&format!("/api/v1{path}"));
    let person: Value = admin
        .post(api("/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"unit_id": app.seed.branch, "name": "吴海峰"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = person["id"].as_i64().unwrap();
    let r = admin
        .post(api(&format!("/people/{pid}/account")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"username": "wu.haifeng"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let uid = created["id"].as_i64().unwrap();
    let initial = created["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(
        app.try_login(&app.client(), "wu.haifeng", &initial)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = admin
        .post(api(&format!("/users/{uid}/grants")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "studio_leader", "unit_id": app.seed.branch}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let grant: Value = r.json().await.unwrap();
    let r = admin
        .post(api(&format!("/users/{uid}/grants")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "studio_leader", "unit_id": app.seed.branch}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let account: Value = admin
        .get(api(&format!("/users/{uid}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(account["grants"][0]["role"], "studio_leader");
    assert_eq!(account["must_change_password"], true);
    let r = admin
        .delete(api(&format!("/grants/{}", grant["id"])))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = admin
        .put(api(&format!("/users/{uid}/state")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"disabled": true, "reason": "调离"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.try_login(&app.client(), "wu.haifeng", &initial)
            .await
            .headers()
            .get("location"),
        None,
        "a disabled account does not sign in"
    );
    let r = admin
        .post(api(&format!("/users/{uid}/reset-password")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"reason": "重新启用前重置"}))
        .send()
        .await
        .unwrap();
    let fresh: Value = r.json().await.unwrap();
    assert_ne!(fresh["password"].as_str().unwrap(), initial);
    // A unit admin elsewhere cannot touch this account.
    let unitadmin = app.login("unitadmin").await;
    let other: Value = admin
        .post(api("/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"unit_id": app.seed.other_enterprise, "name": "郑丹"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created: Value = admin
        .post(api(&format!("/people/{}/account", other["id"])))
        .header("x-csrf-token", &csrf)
        .json(&json!({"username": "zheng.dan", "password": "郑丹的密码-2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        created["initial_password"].is_null(),
        "a chosen password is not echoed"
    );
    assert_eq!(
        unitadmin
            .get(api(&format!("/users/{}", created["id"])))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_unit_admin_cannot_take_over_a_more_powerful_account_in_their_units() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    // The federation makes someone who works in the steel group's branch a federation admin.
    let federation = app.seed.federation.to_string();
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/grants", app.seed.target.1),
            &[("role", "federation_admin"), ("unit_id", &federation)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let unitadmin = app.login("unitadmin").await;
    let target = app.seed.target.1;
    for action in ["reset-password", "disable", "unlock"] {
        let r = app
            .post_form(&unitadmin, &format!("/admin/users/{target}/{action}"), &[])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        app.get(&unitadmin, &format!("/admin/people/{}", app.seed.target.0))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // An ordinary worker of theirs they still manage.
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/users/{}/reset-password", app.seed.worker.1),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.try_login(&app.client(), "target", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "the federation admin's password is unchanged"
    );
}
