//! Records asked for all at once (read in batches under load): each visitor gets the record
//! asked for, and nothing unpublished or missing slips into an answer.

use crate::common::TestApp;
use crate::common::fixtures::AchievementSpec;
use reqwest::StatusCode;

#[tokio::test]
async fn records_asked_for_at_once_each_come_back_as_asked() {
    let app = TestApp::spawn().await;
    let mut published = Vec::new();
    for n in 0..12 {
        let title = format!("并发读取的成果第{n}号");
        // Made by 刘伟 or 赵敏 in turn, so that a record's makers must be its own.
        let maker = if n % 2 == 0 {
            app.seed.worker.0
        } else {
            app.seed.target.0
        };
        let spec = AchievementSpec {
            published: true,
            year: 2013 + n,
            people: vec![maker],
            ..app.fx().achievement_spec(&title)
        };
        published.push((app.fx().achievement_from(spec).await, title, 2013 + n));
    }
    let draft = app.fx().achievement("尚未公开的草稿成果").await;
    let missing = draft + 1_000;

    let base = app.url("");
    let mut asks = tokio::task::JoinSet::new();
    for round in 0..4 {
        for (id, title, year) in published.clone() {
            let (base, client) = (base.clone(), app.client());
            asks.spawn(async move {
                // Pages and the API in turn: both read through the same batches.
                let url = if round % 2 == 0 {
                    format!("{base}/showcase/achievements/{id}")
                } else {
                    format!("{base}/api/v1/public/achievements/{id}")
                };
                let r = client.get(&url).send().await.expect("get");
                (url, r.status(), r.text().await.expect("body"), title, year)
            });
        }
        for id in [draft, missing] {
            let (base, client) = (base.clone(), app.client());
            asks.spawn(async move {
                let url = format!("{base}/showcase/achievements/{id}");
                let r = client.get(&url).send().await.expect("get");
                (url, r.status(), String::new(), String::new(), 0)
            });
        }
    }
    let answers = asks.join_all().await;
    assert_eq!(answers.len(), 4 * 14);
    for (url, status, body, title, year) in answers {
        if title.is_empty() {
            assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(body.contains(&title), "{url} shows {title}");
        assert!(body.contains(&year.to_string()), "{url} shows its year");
        let others = published.iter().filter(|(_, t, _)| *t != title);
        for (_, other, _) in others {
            assert!(
                !body.contains(other.as_str()),
                "{url} shows only its own record"
            );
        }
        let (maker, not_maker) = if year % 2 == 1 {
            ("刘伟", "赵敏")
        } else {
            ("赵敏", "刘伟")
        };
        assert!(
            body.contains(maker) && !body.contains(not_maker),
            "{url} names its own maker"
        );
    }
}
