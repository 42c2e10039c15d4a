//! Logging in and out, sessions, lock-out, CSRF, passwords, language and API tokens.

use crate::common::{PASSWORD, TestApp, shown_once};
use reqwest::StatusCode;

/// Posts the password form: the current password, and a new one typed twice.
async fn change_password(
    app: &TestApp,
    client: &reqwest::Client,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.post_form(
        client,
        "/account/password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("repeat_password", new),
        ],
    )
    .await
}

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
    // Locked even with the right password, and answered exactly as a wrong password or an
    // unknown name is (issue 12, finding 9: no telling which accounts exist or are locked).
    let r = app.try_login(&client, "worker", PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "locked even with the right password"
    );
    assert!(r.text().await.unwrap().contains("用户名或密码不正确"));
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
    let r = change_password(&app, &desk, "wrong-one-123", "新密码-2026-abc").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("当前密码不正确"));
    let r = change_password(&app, &desk, PASSWORD, "short1").await;
    assert!(r.text().await.unwrap().contains("密码至少 10 个字符"));
    let r = change_password(&app, &desk, PASSWORD, "新密码-2026-abc").await;
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
    // Until the password is changed, nothing else (issue 12, finding 9): pages lead back to
    // the form, the API says why, only the account page, the change and logging out work.
    for path in ["/", "/innovation/achievements", "/exams"] {
        let r = app.get(&client, path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()["location"], "/account#password");
    }
    let r = app.get(&client, "/api/v1/studios").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "password_change_required"
    );
    assert_eq!(
        app.get(&client, "/api/v1/me").await.status(),
        StatusCode::OK
    );
    let (status, account) = app.get_text(&client, "/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(account.contains("临时密码"));
    let r = app
        .post_form(&client, "/account/tokens", &[("name", "绕过")])
        .await;
    assert_eq!(
        r.headers()["location"],
        "/account#password",
        "no token first"
    );
    let r = change_password(&app, &client, &temporary, "Hanjie-2026-new").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&client, "/").await.status(), StatusCode::OK);
    let entries = app.audit("account.reset_password").await;
    assert_eq!(entries[0]["reason"], "忘记密码");
}

/// Issue 12, finding 9: a disabled account, a locked one, an unknown name and a wrong
/// password get the same answer; a burst of logins is counted before any password is hashed;
/// logins, failures and logouts are in the audit log; wrong current passwords are limited.
#[tokio::test]
async fn login_answers_tell_nothing_and_every_attempt_is_recorded() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/disable", app.seed.target.1),
            &[("reason", "离职")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let answer = |username: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let r = app.try_login(&app.client(), username, password).await;
            let status = r.status();
            let body = r.text().await.unwrap();
            let message = body
                .split("id=\"errors\"")
                .nth(1)
                .unwrap_or_default()
                .split("<li>")
                .nth(1)
                .map(|rest| rest.split("</li>").next().unwrap_or_default().to_owned())
                .unwrap_or(body);
            (status, message)
        }
    };
    let wrong = answer("worker", "not-the-password1").await;
    assert_eq!(wrong.0, StatusCode::OK);
    assert!(wrong.1.contains("用户名或密码不正确"), "{}", wrong.1);
    assert_eq!(
        answer("target", PASSWORD).await,
        wrong,
        "disabled, right password"
    );
    assert_eq!(answer("target", "not-the-password1").await, wrong);
    assert_eq!(answer("nobody-here", "not-the-password1").await, wrong);
    let failed = app.audit("auth.login_failed").await;
    let reasons: Vec<String> = failed.iter().map(|e| e["after"].to_string()).collect();
    for reason in ["wrong_password", "disabled", "unknown_user"] {
        assert!(
            reasons.iter().any(|r| r.contains(reason)),
            "{reason} in {reasons:?}"
        );
    }
    assert!(app.audit("auth.login").await.len() >= 2);
    let r = app.post_form(&admin, "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit("auth.logout").await.len(), 1);

    // Wrong current passwords: five, then refused even with the right one.
    let worker = app.login("worker").await;
    let change = |current: &'static str| {
        let (app, worker) = (&app, &worker);
        async move {
            change_password(app, worker, current, "Hanjie-2026-new")
                .await
                .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            change("not-the-password1").await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(change(PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

/// Issue 12, finding 9: logins from one address are counted before any hash is made, so a
/// burst at once gets no more tries than the limit (30), however many arrive together.
#[tokio::test]
async fn a_burst_of_logins_gets_no_more_tries_than_the_limit() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let mut tries = tokio::task::JoinSet::new();
    for n in 0..40 {
        let (client, csrf, url) = (client.clone(), csrf.clone(), app.url("/login"));
        tries.spawn(async move {
            client
                .post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("username", &format!("nobody{n}")),
                    ("password", "not-the-password1"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let answers = tries.join_all().await;
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(refused, 10, "{answers:?}");
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
        .post_form(
            &admin,
            "/account/tokens",
            &[("name", "统计脚本"), ("access", "write")],
        )
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
    let r = app
        .post_form(&target, "/account/tokens", &[("name", "脚本")])
        .await;
    let token = shown_once(&r.text().await.unwrap(), "new-token");
    let me = || {
        reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
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
    // Its tokens are revoked, not merely unusable (issue 12, finding 8).
    assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let r = app.try_login(&app.client(), "target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "refused as any wrong login is");
    assert!(r.text().await.unwrap().contains("用户名或密码不正确"));
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

/// Issue 12, findings 8 and 14: tokens are read-only unless asked otherwise, reach only their
/// modules, expire, are revoked with a reset or a disabled account, and never mint tokens; the
/// page that shows a new token once is never cached.
#[tokio::test]
async fn api_tokens_have_scopes_expire_and_die_with_a_reset() {
    let app = TestApp::spawn().await;
    let target = app.login("unitadmin").await;
    let make = |fields: Vec<(&'static str, &'static str)>| {
        let (app, target) = (&app, &target);
        async move {
            let mut form = vec![("name", "脚本")];
            form.extend(fields);
            let r = app.post_form(target, "/account/tokens", &form).await;
            let cache = r.headers().get("cache-control").cloned();
            (cache, shown_once(&r.text().await.unwrap(), "new-token"))
        }
    };
    let (cache, read) = make(vec![]).await;
    assert_eq!(
        cache.unwrap(),
        "no-store",
        "a secret shown once is not kept"
    );
    let (_, exams) = make(vec![("access", "write"), ("modules", "exams")]).await;
    let (_, write) = make(vec![("access", "write")]).await;
    let r = app
        .post_form(
            &target,
            "/account/tokens",
            &[("name", "x"), ("expires_in_days", "400")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let call = |token: String, method: reqwest::Method, path: &'static str| {
        let app = &app;
        async move {
            let r = reqwest::Client::new()
                .request(method, app.url(path))
                .bearer_auth(token)
                .json(&serde_json::json!({"name": "再造一个", "access": "write"}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            (
                status,
                body["error"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    use reqwest::Method;
    let ok = (StatusCode::OK, String::new());
    assert_eq!(call(read.clone(), Method::GET, "/api/v1/units").await, ok);
    let refused = (StatusCode::FORBIDDEN, "token_out_of_scope".to_owned());
    assert_eq!(
        call(read.clone(), Method::POST, "/api/v1/units").await,
        refused
    );
    assert_eq!(call(exams.clone(), Method::GET, "/api/v1/banks").await, ok);
    assert_eq!(
        call(exams.clone(), Method::GET, "/api/v1/units").await,
        refused
    );
    assert_eq!(
        call(exams.clone(), Method::GET, "/api/v1/public/studios").await,
        ok,
        "public paths stay public"
    );
    // No token makes a token.
    assert_eq!(
        call(write.clone(), Method::POST, "/api/v1/tokens").await,
        (StatusCode::FORBIDDEN, "forbidden".to_owned())
    );

    // Expired: refused like a revoked one.
    let mut tx = app.db().begin().await.unwrap();
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE prefix = $1")
        .bind(&exams[..11])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        call(exams, Method::GET, "/api/v1/banks").await.0,
        StatusCode::UNAUTHORIZED
    );

    // A reset password takes every token with it.
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            &admin,
            &format!("/admin/users/{}/reset-password", app.seed.unitadmin.1),
            &[("reason", "令牌外泄")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for token in [read, write] {
        assert_eq!(
            call(token, Method::GET, "/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
}
