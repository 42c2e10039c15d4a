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

/// Issue 13: public pages are kept rendered on each instance; a change made anywhere shows on
/// every instance within a second (here through the services, as another instance would).
#[tokio::test]
async fn public_pages_kept_by_each_instance_change_everywhere_within_a_second() {
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let bases = [app.url(""), format!("http://{}", second.addr)];
    let id = app
        .fx()
        .achievement_from(crate::common::fixtures::AchievementSpec {
            published: true,
            ..app.fx().achievement_spec("缓存测试成果甲")
        })
        .await;
    let page = format!("/showcase/achievements/{id}");
    let visitor = reqwest::Client::new();
    for base in &bases {
        for _ in 0..2 {
            let r = visitor.get(format!("{base}{page}")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.text().await.unwrap().contains("缓存测试成果甲"));
        }
    }
    // A visitor's browser asks again with the ETag: 304, nothing sent; gzip when offered.
    let r = visitor
        .get(format!("{}{page}", bases[1]))
        .send()
        .await
        .unwrap();
    let etag = r.headers()["etag"].clone();
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let again = visitor
        .get(format!("{}{page}", bases[1]))
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let zipped = visitor
        .get(format!("{}{page}", bases[0]))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");

    // Unpublished: gone from both instances' pages and searches within a second.
    // The query is echoed in the search box: it is a part of the title, not all of it.
    let search = format!("/search?q={}", crate::common::urlencode("缓存测试"));
    let shows = |base: String, path: String| {
        let visitor = visitor.clone();
        async move {
            let r = visitor.get(format!("{base}{path}")).send().await.unwrap();
            // (Search results mark the words found: the rest of the title is whole.)
            r.status() == StatusCode::OK && r.text().await.unwrap().contains("成果甲")
        }
    };
    for base in &bases {
        assert!(shows(base.clone(), search.clone()).await);
    }
    let system = gongjiang_app::Caller::system("test");
    for published in [false, true] {
        gongjiang_app::achievements::publish(app.db(), &system, id, published)
            .await
            .unwrap();
        let changed = std::time::Instant::now();
        for base in &bases {
            for path in [&page, &search] {
                while shows(base.clone(), path.clone()).await != published {
                    assert!(
                        changed.elapsed() < std::time::Duration::from_secs(1),
                        "{base}{path} still shows what was {}",
                        if published {
                            "unpublished"
                        } else {
                            "published"
                        }
                    );
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }
    let back = visitor
        .get(format!("{}{page}", bases[1]))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        back.status(),
        StatusCode::NOT_MODIFIED,
        "the same page again"
    );
    second.stop().await;
}
