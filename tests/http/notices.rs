//! After scoring: results frozen, on public notice with objections, reopened with a reason
//! (the notice shows what changed), then final; entrants see their own scores only from the
//! notice on; scores cannot change while the results are frozen.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn code(body: &Value) -> String {
    body["error"]["fields"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn results_go_from_frozen_to_notice_to_final_with_objections_and_an_audited_reopening() {
    let app = TestApp::spawn().await;
    // 刘伟 (the seed's worker) 45 of 50, 孙乙 40, 孙丙 30.
    let t = app.fx().judged_track(&["45", "40", "30"]).await;
    let admin = app.api_token("admin").await;
    let worker = app.api_token("worker").await;
    let stage = format!("/api/v1/tracks/{}/results/stage", t.track);
    let public = format!("/api/v1/public/notices/{}", t.track);

    // Before the freeze: no notice for the public, no own results for the entrant.
    let anonymous = reqwest::Client::new();
    let status = anonymous
        .get(app.url(&public))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, mine) = app.api(&worker, "GET", "/api/v1/me/results", None).await;
    assert_eq!(mine, json!([]));
    // Only organisers move results; publishing needs a freeze first.
    let (status, _) = app
        .api(&worker, "POST", &stage, Some(json!({ "action": "freeze" })))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .api(
            &admin,
            "POST",
            &stage,
            Some(json!({ "action": "publish", "days": 5 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "results_wrong_stage");

    let (status, frozen) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "freeze" })))
        .await;
    assert_eq!(status, StatusCode::OK, "{frozen}");
    assert_eq!(
        (frozen["stage"].clone(), frozen["version"].clone()),
        (json!("frozen"), json!(1))
    );
    // Frozen results take no change: reopening a panel is refused.
    let panel_state = format!("/api/v1/panels/{}/state", t.panel);
    let (status, body) = app
        .api(
            &admin,
            "POST",
            &panel_state,
            Some(json!({ "open": true, "reason": "复核" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "results_frozen");
    // Still not public while frozen.
    let (_, mine) = app.api(&worker, "GET", "/api/v1/me/results", None).await;
    assert_eq!(mine, json!([]));

    let (status, body) = app
        .api(
            &admin,
            "POST",
            &stage,
            Some(json!({ "action": "publish", "days": 31 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "days");
    let (status, published) = app
        .api(
            &admin,
            "POST",
            &stage,
            Some(json!({ "action": "publish", "days": 7 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["stage"], "notice");

    // The public sees the frozen results without a token; the entrant sees their own line.
    let notice: Value = anonymous
        .get(app.url(&public))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(notice["stage"], "notice");
    assert_eq!(notice["results"]["lines"][0]["name"], "刘伟");
    assert_eq!(notice["results"]["lines"][0]["prize"], "一等奖");
    assert_eq!(notice["objections"], json!([]));
    let (_, mine) = app.api(&worker, "GET", "/api/v1/me/results", None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["line"]["combined"], "90");
    let (_, list) = app
        .api(&worker, "GET", "/api/v1/public/notices", None)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|n| n["track_id"] == t.track),
        "{list}"
    );

    // Objections: anyone signed in, about an entrant on the notice or in general.
    let objections = format!("/api/v1/tracks/{}/objections", t.track);
    let (status, body) = app
        .api(&worker, "POST", &objections, Some(json!({ "body": "  " })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "required");
    let (status, body) = app
        .api(
            &worker,
            "POST",
            &objections,
            Some(json!({ "entry_id": 999_999, "body": "x" })),
        )
        .await;
    assert_eq!(code(&body), "not_on_notice", "{status} {body}");
    let (status, objection) = app
        .api(
            &worker,
            "POST",
            &objections,
            Some(json!({ "entry_id": t.entries[1], "body": "孙乙的操作分应为 48 分，评分表漏记一项。" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{objection}");
    let objection_id = objection["id"].as_i64().unwrap();
    let (status, _) = anonymous
        .post(app.url(&objections))
        .json(&json!({ "body": "匿名" }))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert!(
        status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
        "{status}"
    );
    // Final is refused while the notice runs, and while an objection waits.
    let (_, body) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "final" })))
        .await;
    assert_eq!(code(&body), "notice_running");
    app.fx().end_notice(t.track).await;
    let (_, body) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "final" })))
        .await;
    assert_eq!(code(&body), "objections_open");
    let (_, body) = app
        .api(
            &worker,
            "POST",
            &objections,
            Some(json!({ "body": "再提一条" })),
        )
        .await;
    assert_eq!(code(&body), "notice_closed");

    // Staff uphold it with a reason, reopen the results, correct the score, and freeze again.
    let resolution = format!("/api/v1/objections/{objection_id}/resolution");
    let (status, _) = app
        .api(
            &worker,
            "POST",
            &resolution,
            Some(json!({ "outcome": "upheld", "resolution": "x" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app
        .api(
            &admin,
            "POST",
            &resolution,
            Some(json!({ "outcome": "upheld" })),
        )
        .await;
    assert_eq!(code(&body), "reason_required");
    let (status, resolved) = app
        .api(
            &admin,
            "POST",
            &resolution,
            Some(
                json!({ "outcome": "upheld", "resolution": "经复核评分表，确有漏记，予以更正。" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert_eq!(resolved["outcome"], "upheld");
    let (_, body) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "reopen" })))
        .await;
    assert_eq!(code(&body), "reason_required");
    let (status, reopened) = app
        .api(
            &admin,
            "POST",
            &stage,
            Some(json!({ "action": "reopen", "reason": "异议成立：更正孙乙实操成绩" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    assert_eq!(reopened["stage"], "open");
    let (_, mine) = app.api(&worker, "GET", "/api/v1/me/results", None).await;
    assert_eq!(mine, json!([]), "hidden again while reopened");
    let (status, body) = app
        .api(
            &admin,
            "POST",
            &panel_state,
            Some(json!({ "open": true, "reason": "异议成立" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let judge = app.api_token("judge").await;
    let scores = format!("/api/v1/panels/{}/scores", t.panel);
    let (status, body) = app
        .api(
            &judge,
            "POST",
            &scores,
            Some(json!({ "entry_id": t.entries[1], "criterion_id": t.criterion, "points": "48", "correction": "漏记一项" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Freezing needs the panel confirmed again.
    let (_, body) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "freeze" })))
        .await;
    assert_eq!(code(&body), "panel_unconfirmed");
    app.api(&judge, "POST", &panel_state, Some(json!({ "open": false })))
        .await;
    app.api(
        &judge,
        "POST",
        &format!("/api/v1/panels/{}/confirmation", t.panel),
        None,
    )
    .await;
    let (_, frozen) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "freeze" })))
        .await;
    assert_eq!(frozen["version"], 2, "{frozen}");
    app.api(
        &admin,
        "POST",
        &stage,
        Some(json!({ "action": "publish", "days": 3 })),
    )
    .await;

    // The notice shows the reopening, its reason and what changed.
    let notice: Value = anonymous
        .get(app.url(&public))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(notice["version"], 2);
    assert_eq!(notice["results"]["lines"][0]["name"], "孙乙");
    let revision = &notice["revisions"][0];
    assert_eq!(revision["reason"], "异议成立：更正孙乙实操成绩");
    assert_eq!(revision["from_version"], 1);
    let changes = revision["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let sun = changes.iter().find(|c| c["name"] == "孙乙").unwrap();
    assert_eq!(
        (
            sun["combined_before"].clone(),
            sun["combined_after"].clone(),
            sun["prize_after"].clone()
        ),
        (json!("80"), json!("96"), json!("一等奖"))
    );
    // The objector sees their objection and its answer; the public does not.
    assert_eq!(notice["objections"], json!([]));
    let (_, own) = app
        .api(
            &worker,
            "GET",
            &format!("/api/v1/tracks/{}/notice", t.track),
            None,
        )
        .await;
    assert_eq!(
        own["objections"][0]["resolution"],
        "经复核评分表，确有漏记，予以更正。"
    );

    app.fx().end_notice(t.track).await;
    let (status, last) = app
        .api(&admin, "POST", &stage, Some(json!({ "action": "final" })))
        .await;
    assert_eq!(status, StatusCode::OK, "{last}");
    assert_eq!(last["stage"], "final");

    // The audit log keeps every move with its reason.
    let (_, audit) = app
        .api(&admin, "GET", "/api/v1/audit?entity_type=track", None)
        .await;
    let text = audit.to_string();
    for action in [
        "results.frozen",
        "results.notice",
        "results.open",
        "results.final",
    ] {
        assert!(text.contains(action), "{action}: {text}");
    }
    assert!(text.contains("异议成立：更正孙乙实操成绩"));

    // The page: public, with the period, the corrections and the results.
    let html = anonymous
        .get(app.url(&format!("/notices/{}", t.track)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("已定榜") && html.contains("更正记录") && html.contains("孙乙"),
        "{html}"
    );
    assert!(
        !html.contains("name=\"body\""),
        "no objection form after the notice"
    );
}

#[tokio::test]
async fn the_notice_pages_take_forms_and_answer_refusals_on_the_page() {
    let app = TestApp::spawn().await;
    let t = app.fx().judged_track(&["45", "40"]).await;
    let admin = app.login("admin").await;
    let stage = format!("/notices/{}/stage", t.track);
    let (status, html) = app.get_text(&admin, &format!("/notices/{}", t.track)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("冻结成绩"), "{html}");
    let r = app.post_form(&admin, &stage, &[("action", "freeze")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(&admin, &stage, &[("action", "publish"), ("days", "0")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("公示天数") && html.contains("应在 1 到 30 之间"),
        "{html}"
    );
    let r = app
        .post_form(&admin, &stage, &[("action", "publish"), ("days", "5")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A worker lodges an objection on the page and sees it waiting.
    let worker = app.login("worker").await;
    let (_, html) = app
        .get_text(&worker, &format!("/notices/{}", t.track))
        .await;
    assert!(
        html.contains("提交异议") && html.contains("公示期"),
        "{html}"
    );
    let r = app
        .post_form(
            &worker,
            &format!("/notices/{}/objections", t.track),
            &[("entry_id", &t.entries[1].to_string()), ("body", "请复核")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .get_text(&worker, &format!("/notices/{}", t.track))
        .await;
    assert!(
        html.contains("请复核") && html.contains("等待组织单位答复"),
        "{html}"
    );
    // The entrant's own page shows their result now.
    let (_, html) = app.get_text(&worker, "/competitions/entries").await;
    assert!(html.contains("一等奖") && html.contains("90"), "{html}");
}
