//! A worker signs up for a track on a phone and sees it approved; anyone opens a results
//! notice on a phone, and the verification page a certificate's QR code opens.

use crate::common::TestApp;
use crate::exam::tap;
use crate::{Screen, browser, fits_the_screen, log_in, page_text, screenshot, wait_text};

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn a_worker_signs_up_on_a_phone_and_sees_the_entry_approved() {
    let app = TestApp::spawn().await;
    let competition = app.fx().competition("华江钢铁职工技能比武").await;
    let track = app.fx().track(competition, "焊工").await;
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    log_in(c, &app, "worker").await;
    c.goto(&app.url(&format!("/competitions/tracks/{track}")))
        .await
        .expect("track");
    wait_text(c, "我要报名").await;
    fits_the_screen(c, "the track page").await;
    tap(c, "#entry-form button[type=submit]").await;
    wait_text(c, "审核中").await;
    screenshot(c, "phone-entry-pending").await;

    // The unit admin approves at each level they keep (the branch, then the enterprise).
    let worker = app.api_token("worker").await;
    let (_, mine) = app.api(&worker, "GET", "/api/v1/my/entries", None).await;
    let entry = mine[0]["id"].as_i64().expect("the worker's entry");
    let unitadmin = app.api_token("unitadmin").await;
    for _ in 0..3 {
        let (_, e) = app
            .api(
                &unitadmin,
                "POST",
                &format!("/api/v1/entries/{entry}/decisions"),
                Some(serde_json::json!({ "decision": "approve" })),
            )
            .await;
        if e["stage"] != "pending" {
            break;
        }
    }
    c.goto(&app.url("/competitions/entries"))
        .await
        .expect("my entries");
    wait_text(c, "已通过").await;
    assert!(page_text(c).await.contains("焊工"));
    fits_the_screen(c, "my entries").await;
    screenshot(c, "phone-entry-approved").await;
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn anyone_reads_a_results_notice_and_verifies_a_certificate_on_a_phone() {
    let app = TestApp::spawn().await;
    let t = app.fx().judged_track(&["45", "40"]).await;
    app.fx().notice(t.track).await;
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    // Not signed in: the list of notices, then the notice with its period and results.
    c.goto(&app.url("/notices")).await.expect("notices");
    wait_text(c, "公示中").await;
    tap(c, &format!("a[href='/notices/{}']", t.track)).await;
    wait_text(c, "公示期").await;
    let text = page_text(c).await;
    assert!(text.contains("刘伟") && text.contains("一等奖"), "{text}");
    assert!(!text.contains("提交异议"), "objections need signing in");
    fits_the_screen(c, "the notice").await;
    screenshot(c, "phone-notice").await;

    // Final, with certificates: the page a certificate's QR code opens.
    app.fx().end_notice(t.track).await;
    let system = gongjiang_app::Caller::system("test");
    let input = gongjiang_app::notices::MoveInput {
        action: "final".into(),
        ..Default::default()
    };
    gongjiang_app::notices::move_results(app.db(), &system, t.track, &input)
        .await
        .expect("final");
    gongjiang_app::certificates::issue(app.db(), &system, t.track)
        .await
        .expect("certificates");
    let serial = gongjiang_app::certificates::of_track(app.db(), &system, t.track)
        .await
        .expect("list")
        .into_iter()
        .find(|c| c.holder == "刘伟")
        .expect("a certificate")
        .serial;
    c.goto(&app.url(&format!("/verify/{serial}")))
        .await
        .expect("verify");
    wait_text(c, "有效证书").await;
    let text = page_text(c).await;
    assert!(
        text.contains("刘伟") && text.contains("一等奖") && text.contains("华江市总工会"),
        "{text}"
    );
    fits_the_screen(c, "the verification page").await;
    screenshot(c, "phone-verify").await;
    // A serial typed by hand that was never issued.
    c.goto(&app.url("/verify?serial=GJ2026-AAAAAA-BBBBBB"))
        .await
        .expect("verify");
    wait_text(c, "查无此证书").await;
}
