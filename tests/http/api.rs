//! The API's contract: the OpenAPI document matches the routes and the committed copy, and
//! errors and health answers have their documented shape.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_matches_the_code_and_the_committed_copy() {
    let app = TestApp::spawn().await;
    let served = app
        .get(&app.client(), "/api/openapi.json")
        .await
        .text()
        .await
        .unwrap();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(committed_path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        committed == served,
        "docs/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test http openapi` and commit it"
    );
    // Every reference points at something the document holds.
    let doc: Value = serde_json::from_str(&served).unwrap();
    let mut refs = Vec::new();
    fn walk<'a>(v: &'a Value, refs: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    refs.push(r);
                }
                m.values().for_each(|v| walk(v, refs));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    walk(&doc, &mut refs);
    assert!(refs.len() > 100);
    for r in refs {
        let pointer = r.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "unresolvable reference {r}");
    }
    // Every documented operation exists: an anonymous call is refused as unauthorized, not 404/405.
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 8);
    let client = app.client();
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "1");
        for method in ops.as_object().unwrap().keys() {
            let r = client
                .request(method.to_uppercase().parse().unwrap(), app.url(&concrete))
                .header("x-csrf-token", "x")
                .send()
                .await
                .unwrap();
            let public = path.starts_with("/api/v1/public/") || path == "/api/v1/search";
            if public {
                // Open to anyone: answered (an unknown id is a 404 with its JSON body).
                assert!(
                    r.status().is_success()
                        || (path.contains('{') && r.status() == StatusCode::NOT_FOUND),
                    "{method} {path}: {}",
                    r.status()
                );
            } else {
                assert!(
                    matches!(r.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                    "{method} {path}: {}",
                    r.status()
                );
            }
        }
    }
}

#[tokio::test]
async fn api_errors_have_one_shape_in_the_users_language() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(body["error"]["message"], "请先登录。");
    let r = client
        .get(app.url("/api/v1/nothing"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("What you are looking for")
    );
}

#[tokio::test]
async fn health_and_readiness_answer_and_pages_carry_security_headers() {
    let app = TestApp::spawn().await;
    let client = app.client();
    assert_eq!(
        app.get_text(&client, "/healthz").await,
        (StatusCode::OK, "ok".into())
    );
    assert_eq!(
        app.get_text(&client, "/readyz").await,
        (StatusCode::OK, "ready".into())
    );
    let r = app.get(&client, "/login").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let page = r.text().await.unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing is loaded from elsewhere"
    );
    let (status, css) = app.get_text(&client, "/assets/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!css.contains("url(http"));
}

#[tokio::test]
async fn bad_urls_and_bodies_never_cause_a_server_error() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let probes = [
        ("GET", "/admin/units/-1"),
        ("GET", "/admin/units/99999999999999999999"),
        ("GET", "/admin/people/%E4%B8%AD"),
        ("GET", "/admin/people?page=-5&unit=abc"),
        ("GET", "/admin/people?page=99999"),
        ("GET", "/admin/audit?actor=abc"),
        ("GET", "/admin/audit?page=0&entity=%00"),
        ("GET", "/admin/people?q=%00%01"),
        ("GET", "/admin/units?q=%00"),
        ("GET", "/api/v1/people?q=%00"),
        ("POST", "/login?x=1"),
        ("POST", "/admin/units/1/rename"),
        ("GET", "/assets/../../etc/passwd"),
        ("GET", "/lang/%FF"),
        ("POST", "/admin/units/1/move"),
        ("POST", "/admin/people/1"),
        ("POST", "/admin/users/abc/grants"),
        ("DELETE", "/admin/units"),
        ("PUT", "/api/v1/people/1"),
        ("PATCH", "/api/v1/units/1"),
    ];
    for (method, path) in probes {
        let r = admin
            .request(method.parse().unwrap(), app.url(path))
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("garbage=%%%&unit_id=x&username=a%00b&password=p%00&name=a%00b&reason=x%00y")
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error() || r.status().is_success() || r.status().is_redirection(),
            "{method} {path}: {}",
            r.status()
        );
    }
}

/// The values of `attr="…"` in the tags named `tag` of a page.
fn attrs(html: &str, tag: &str, attr: &str) -> Vec<String> {
    html.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|t| t.split('>').next())
        .filter(|t| !t.contains("type=\"hidden\""))
        .filter_map(|t| {
            t.split(&format!(" {attr}=\""))
                .nth(1)
                .or_else(|| t.strip_prefix(&format!("{attr}=\"")))
        })
        .filter_map(|v| v.split('"').next())
        .map(String::from)
        .collect()
}

#[tokio::test]
async fn every_page_labels_its_fields_and_has_unique_ids() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let s = &app.seed;
    let system = gongjiang_app::Caller::system("test");
    let bank = gongjiang_app::banks::create(app.db(), &system, s.branch, "焊工题库", "焊工")
        .await
        .unwrap()
        .id;
    let pages = [
        "/".to_owned(),
        "/account".into(),
        "/admin".into(),
        "/admin/units".into(),
        "/admin/units/new".into(),
        format!("/admin/units/{}", s.branch),
        "/admin/people".into(),
        "/admin/people/new".into(),
        format!("/admin/people/{}", s.worker.0),
        format!("/admin/people/{}/edit", s.worker.0),
        "/admin/import".into(),
        "/admin/audit".into(),
        "/innovation".into(),
        "/competitions".into(),
        "/exams/banks".into(),
        format!("/exams/banks/{bank}"),
    ];
    let anonymous = app.client();
    for (client, page) in std::iter::once((&anonymous, "/login".to_owned()))
        .chain(pages.into_iter().map(|p| (&admin, p)))
    {
        let (status, html) = app.get_text(client, &page).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{page}");
        let mut ids: Vec<String> = [
            "input", "select", "div", "p", "section", "main", "form", "code", "textarea",
        ]
        .iter()
        .flat_map(|t| attrs(&html, t, "id"))
        .collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "{page} repeats an id");
        let labels = attrs(&html, "label", "for");
        for field in attrs(&html, "input", "id")
            .into_iter()
            .chain(attrs(&html, "select", "id"))
        {
            assert!(
                labels.contains(&field),
                "{page}: field {field} has no label"
            );
        }
        assert!(
            html.contains("<html lang=\"zh-CN\">") && html.contains("<main id=\"main\""),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_api_says_where_a_caller_stands_against_its_rate_limit() {
    let app = TestApp::spawn_with(gongjiang::config::Layer {
        api_requests_per_minute: Some(3),
        ..Default::default()
    })
    .await;
    let token = app.api_token("admin").await;
    let call = || {
        reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
    };
    for remaining in ["2", "1", "0"] {
        let r = call().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["ratelimit-limit"], "3");
        assert_eq!(r.headers()["ratelimit-remaining"], remaining);
    }
    let r = call().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Pages are not counted, and other callers have their own allowance.
    let admin = app.login("admin").await;
    assert_eq!(app.get(&admin, "/account").await.status(), StatusCode::OK);
    let other = app.api_token("unitadmin").await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
