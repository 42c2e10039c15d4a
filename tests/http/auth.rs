//! Logging in and out, sessions, lock-out, CSRF, passwords, language and API tokens.

use crate::common::{PASSWORD, TestApp, shown_once};
use reqwest::StatusCode;

#[tokio::test]
async fn login_sets_a_safe_session_cookie_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.try_login(&client, "Admin", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("gj_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let (status, home) = app.get_text(&client, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("王建国"), "the home page greets the user");

    let r = app.post_form(&client, "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get(&client, "/account").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=%2Faccount")
    );
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_lock_the_account() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = app.try_login(&client, "worker", "not-the-password1").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("用户名或密码不正确"));
    let r = app.try_login(&client, "nobody", "not-the-password1").await;
    assert!(
        r.text().await.unwrap().contains("用户名或密码不正确"),
        "unknown users get the same answer"
    );
    for _ in 0..4 {
        app.try_login(&client, "worker", "not-the-password1").await;
    }
    let r = app.try_login(&client, "worker", PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    assert!(r.text().await.unwrap().contains("已临时锁定"));
    let locks = app.audit("account.lock").await;
    assert_eq!(locks.len(), 1);
    assert_eq!(locks[0]["entity_id"], app.seed.worker.1.to_string());

    // An admin lifts the lock.
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/unlock", app.seed.worker.1),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.try_login(&app.client(), "worker", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let before = app.count_units().await;
    let fields = [
        ("parent_id", app.seed.federation.to_string()),
        ("kind", "industry_union".into()),
        ("code", "HJ-NEW".into()),
        ("name", "新的产业工会".into()),
    ];
    let r = admin
        .post(app.url("/admin/units"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("页面已过期"));
    let mut forged = fields.to_vec();
    forged.push(("_csrf", "0".repeat(64)));
    let r = admin
        .post(app.url("/admin/units"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The anonymous token of another browser is no good for a session either.
    let other = app.client();
    let anon = app.csrf(&other, "/login").await;
    let mut wrong = fields.to_vec();
    wrong.push(("_csrf", anon));
    assert_eq!(
        admin
            .post(app.url("/admin/units"))
            .form(&wrong)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // JSON through the session also needs the header.
    let r = admin.post(app.url("/api/v1/units")).json(&serde_json::json!({"parent_id": app.seed.federation, "kind": "industry_union", "code": "HJ-NEW", "name": "新的产业工会"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "csrf_failed");
    assert_eq!(app.count_units().await, before);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let phone = app.login("worker").await;
    let desk = app.login("worker").await;
    let r = app
        .post_form(
            &desk,
            "/account/password",
            &[
                ("current_password", "wrong-one-123"),
                ("new_password", "新密码-2026-abc"),
                ("repeat_password", "新密码-2026-abc"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("当前密码不正确"));
    let r = app
        .post_form(
            &desk,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short1"),
                ("repeat_password", "short1"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("密码至少 10 个字符"));
    let r = app
        .post_form(
            &desk,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "新密码-2026-abc"),
                ("repeat_password", "新密码-2026-abc"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&desk, "/account").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        app.get(&phone, "/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        app.try_login(&app.client(), "worker", "新密码-2026-abc")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.audit("account.change_password").await.len(), 1);
}

#[tokio::test]
async fn an_admin_reset_forces_a_new_password_at_next_login() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/reset-password", app.seed.target.1),
            &[("reason", "忘记密码")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let temporary = shown_once(&html, "new-password");
    let client = app.client();
    let r = app.try_login(&client, "target", &temporary).await;
    assert_eq!(r.headers()["location"], "/account#password");
    let (_, home) = app.get_text(&client, "/").await;
    assert!(home.contains("临时密码"));
    let entries = app.audit("account.reset_password").await;
    assert_eq!(entries[0]["reason"], "忘记密码");
}

#[tokio::test]
async fn language_is_chosen_by_cookie_or_browser_and_redirects_stay_on_site() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let (_, zh) = app.get_text(&client, "/login").await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("登录"));
    let r = app.get(&client, "/lang/en?next=/login").await;
    assert_eq!(r.headers()["location"], "/login");
    let (_, en) = app.get_text(&client, "/login").await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Log in"));
    let browser = app.client();
    let r = browser
        .get(app.url("/login"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Log in"));
    let r = app.get(&client, "/lang/en?next=//evil.example/").await;
    assert_eq!(r.headers()["location"], "/");
    assert_eq!(
        app.get(&client, "/lang/fr").await.status(),
        StatusCode::NOT_FOUND
    );
    // After login, only local paths are followed.
    let r = app.try_login(&app.client(), "admin", PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app
        .post_form(&admin, "/account/tokens", &[("name", "统计脚本")])
        .await;
    let html = r.text().await.unwrap();
    let token = shown_once(&html, "new-token");
    assert!(token.starts_with("gj_"));
    let script = reqwest::Client::new();
    let me: serde_json::Value = script
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "admin");
    // Tokens need no CSRF header: they are not sent by browsers on their own.
    let r = script.post(app.url("/api/v1/units")).bearer_auth(&token).json(&serde_json::json!({"parent_id": app.seed.federation, "kind": "district_union", "code": "HJ-DC", "name": "东城区总工会"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let list: serde_json::Value = script
        .get(app.url("/api/v1/tokens"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list[0]["id"].as_i64().unwrap();
    assert!(list[0].get("token").is_none(), "the secret is never listed");
    let r = script
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = script
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(app.audit("api_token.").await.len(), 2);
}

#[tokio::test]
async fn disabled_accounts_cannot_log_in_and_lose_their_sessions() {
    let app = TestApp::spawn().await;
    let target = app.login("target").await;
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/disable", app.seed.target.1),
            &[("reason", "离职")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&target, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
    let r = app.try_login(&app.client(), "target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nobody disables themselves by mistake.
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/disable", app.seed.admin.1),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}
