//! Issue 13: public pages are light on a phone's first visit — the page and what it loads,
//! compressed, under 150 KB; pictures lazy; shipped files fingerprinted and kept a year.

use crate::common::TestApp;
use reqwest::StatusCode;

/// The URLs of the scripts, stylesheets and pictures a page loads at once (not lazily).
fn loaded_at_once(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (tag, attr) in [
        ("<script", "src=\""),
        ("<link", "href=\""),
        ("<img", "src=\""),
    ] {
        for piece in html.split(tag).skip(1) {
            let element = piece.split('>').next().unwrap_or("");
            if tag == "<img" && element.contains("loading=\"lazy\"") {
                continue;
            }
            if let Some(url) = element.split(attr).nth(1).and_then(|v| v.split('"').next()) {
                out.push(url.replace("&amp;", "&"));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_public_page_and_what_it_loads_weigh_under_150_kb() {
    let app = TestApp::spawn().await;
    for n in 0..30 {
        app.fx()
            .achievement_from(crate::common::fixtures::AchievementSpec {
                published: true,
                ..app.fx().achievement_spec(&format!("轻量页面测试成果{n}"))
            })
            .await;
    }
    // One with a picture, so that the lists show a cover to load lazily.
    let pictured = app.fx().achievement("轻量页面测试成果（有图）").await;
    let keeper = app.api_token("unitadmin").await;
    let (status, _) = app
        .api_upload(
            &keeper,
            &format!("/api/v1/achievements/{pictured}/files"),
            "装置.png",
            crate::role_table::PNG.to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    gongjiang_app::achievements::publish(
        app.db(),
        &gongjiang_app::Caller::system("test"),
        pictured,
        true,
    )
    .await
    .unwrap();
    let phone = reqwest::Client::new();
    for page in ["/showcase", "/showcase/achievements", "/search?q=轻量页面"] {
        let r = phone
            .get(app.url(page))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-encoding"], "gzip", "{page}");
        let compressed = r.bytes().await.unwrap().len();
        let html = phone
            .get(app.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.matches("<img").count() == html.matches("loading=\"lazy\"").count(),
            "{page}: every picture is lazy"
        );
        if page == "/showcase/achievements" {
            assert!(html.contains("<img"), "the list shows the cover");
            // The cover in two sizes: the browser picks by the screen's density.
            let srcset = html
                .split("srcset=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .expect("the cover has a srcset");
            let sizes: Vec<(String, usize)> = srcset
                .split(", ")
                .map(|c| {
                    let (url, width) = c.split_once(' ').unwrap();
                    (
                        url.replace("&amp;", "&"),
                        width.trim_end_matches('w').parse().unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                sizes.iter().map(|s| s.1).collect::<Vec<_>>(),
                vec![240, 480]
            );
            let mut weights = Vec::new();
            for (url, _) in &sizes {
                let r = phone.get(app.url(url)).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{url}");
                assert_eq!(r.headers()["content-type"], "image/jpeg", "{url}");
                weights.push(r.bytes().await.unwrap().len());
            }
            assert!(
                weights[0] <= weights[1],
                "the small size is not heavier: {weights:?}"
            );
        }
        let mut total = compressed;
        for url in loaded_at_once(&html) {
            let r = phone
                .get(app.url(&url))
                .header("accept-encoding", "gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            if url.starts_with("/assets/") {
                assert!(url.contains("?v="), "{url} is fingerprinted");
                assert_eq!(
                    r.headers()["cache-control"],
                    "public, max-age=31536000, immutable",
                    "{url}"
                );
            }
            total += r.bytes().await.unwrap().len();
        }
        println!("{page}: {compressed} bytes compressed, {total} with what it loads");
        assert!(total < 150 * 1024, "{page} weighs {total} bytes");
    }
}
