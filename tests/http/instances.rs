//! Two app instances on one database behave as one site: sessions, lock-outs and data are shared.

use crate::common::{PASSWORD, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn a_session_made_through_one_instance_works_through_the_other() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let other = format!("http://{}", second.addr);
    let client = app.login("admin").await;
    // The cookie store is per host, not per port: the same browser behind a proxy.
    let r = client
        .get(format!("{other}/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csrf = app.token(&client).await;
    let r = client
        .post(format!("{other}/admin/units"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("parent_id", &app.seed.federation.to_string()),
            ("kind", "district_union"),
            ("code", "HJ-XH"),
            ("name", "西湖区总工会"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a form from one instance posts to the other"
    );
    let (_, tree) = app.get_text(&client, "/admin/units").await;
    assert!(tree.contains("西湖区总工会"));
    // Logging out on one ends the session on both. (Each instance keeps sessions in memory for
    // `session_cache_seconds`; these two run in one process and share the count of changes,
    // separate processes see a logout after at most that long: docs/operations.md.)
    client
        .post(format!("{other}/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        app.get(&client, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
    second.stop().await;
}

#[tokio::test]
async fn failed_logins_count_across_instances() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let other = format!("http://{}", second.addr);
    for i in 0..5 {
        let client = app.client();
        let (base, path) = if i % 2 == 0 {
            (app.base.clone(), "/login")
        } else {
            (other.clone(), "/login")
        };
        let csrf = app.csrf(&client, "/login").await;
        client
            .post(format!("{base}{path}"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", "judge"),
                ("password", "wrong-password-9"),
            ])
            .send()
            .await
            .unwrap();
    }
    // Locked after five failures spread over both: the right password is refused too.
    let r = app.try_login(&app.client(), "judge", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "refused, not signed in");
    assert_eq!(app.audit("account.lock").await.len(), 1);
    second.stop().await;
}
