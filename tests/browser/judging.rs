//! A judge scores a practical round on a phone while the network comes and goes: each score
//! waits on the device, survives a reload, reaches the server once the network is back, and
//! the panel's results show it.

use crate::common::TestApp;
use crate::exam::{js, network, tap};
use crate::{Screen, browser, fits_the_screen, log_in, screenshot, wait_for, wait_text};
use fantoccini::Client;
use gongjiang_app::Caller;
use std::time::Duration;

/// A track with one entrant of the car group, two criteria and one panel chaired by `judge`.
async fn panel_for_the_judge(app: &TestApp) -> (i64, Vec<i64>) {
    let s = &app.seed;
    let system = Caller::system("test");
    let competition = app
        .fx()
        .competition_by(s.federation, "华江市职工技能大赛")
        .await;
    let track = app.fx().track(competition, "焊工").await;
    let person = app.fx().person(s.other_enterprise, "孙立", "").await;
    gongjiang_app::entries::enrol(app.db(), &system, track, person, Default::default())
        .await
        .expect("entry");
    let setup = gongjiang_app::practical::set_up(
        app.db(),
        &system,
        track,
        gongjiang_app::practical::SetupInput {
            criteria: "操作规范 40\n焊点质量 60".into(),
            ..Default::default()
        },
    )
    .await
    .expect("criteria");
    let panel = gongjiang_app::practical::add_panel(app.db(), &system, track, "第一组")
        .await
        .expect("panel")
        .id;
    gongjiang_app::practical::set_judges(app.db(), &system, panel, "*judge")
        .await
        .expect("judges");
    gongjiang_app::practical::draw(app.db(), &system, track)
        .await
        .expect("draw");
    (panel, setup.criteria.iter().map(|c| c.id).collect())
}

/// The judge's scores stored on the server, as (criterion, points).
async fn stored(app: &TestApp, panel: i64) -> Vec<(i64, String)> {
    let mut conn = app.db().read().await.expect("db");
    let mut out: Vec<(i64, String)> = gongjiang_db::practical::panel_scores(&mut conn, panel)
        .await
        .expect("scores")
        .into_iter()
        .map(|s| {
            (
                s.criterion_id,
                gongjiang_domain::review::Points(s.points).to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn sync_class(c: &Client) -> String {
    js(
        c,
        "var s = document.getElementById('judge-sync'); return s ? s.className : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_sync(c: &Client, class: &str) {
    for _ in 0..100 {
        if sync_class(c).await.contains(class) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the sync indicator never became {class}: {}",
        sync_class(c).await
    );
}

/// Types a score into a criterion's cell and leaves it (which sends it).
async fn score(c: &Client, criterion: i64, points: &str) {
    let css = format!("input[data-criterion='{criterion}']");
    let cell = wait_for(c, &css).await;
    cell.clear().await.expect("clear");
    cell.send_keys(points).await.expect("type");
    js(
        c,
        &format!("document.querySelector(\"{css}\").dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"),
    )
    .await;
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn a_judge_scores_a_panel_on_a_phone_through_a_lost_connection_and_a_reload() {
    let app = TestApp::spawn().await;
    let (panel, criteria) = panel_for_the_judge(&app).await;
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    log_in(c, &app, "judge").await;
    c.goto(&app.url("/judging")).await.expect("my panels");
    wait_text(c, "第一组").await;
    tap(c, &format!("a[href='/judging/panels/{panel}']")).await;
    wait_text(c, "1 号选手").await;
    let page = c.source().await.expect("source");
    assert!(
        !page.contains("孙立"),
        "the judge sees a number, not a name"
    );
    fits_the_screen(c, "the judge's sheet").await;

    // Online: the first score is stored at once.
    score(c, criteria[0], "35.5").await;
    wait_sync(c, "ok").await;
    assert_eq!(
        stored(&app, panel).await,
        [(criteria[0], "35.5".to_owned())]
    );
    screenshot(c, "phone-judge-saved").await;

    // Offline: the second waits on the device.
    network(c, false).await;
    score(c, criteria[1], "52").await;
    wait_sync(c, "offline").await;
    assert_eq!(
        stored(&app, panel).await.len(),
        1,
        "nothing reached the server"
    );
    screenshot(c, "phone-judge-offline").await;

    // The network comes back and the page is reloaded at once: the waiting score shows in its
    // cell and is sent.
    network(c, true).await;
    c.refresh().await.expect("reload");
    wait_for(c, "#judge-sheet").await;
    wait_sync(c, "ok").await;
    assert_eq!(
        stored(&app, panel).await,
        [
            (criteria[0], "35.5".to_owned()),
            (criteria[1], "52".to_owned())
        ]
    );
    let shown = wait_for(c, &format!("input[data-criterion='{}']", criteria[1]))
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(shown.as_deref(), Some("52"));

    // Changing a saved score asks for the reason; above the maximum it is refused, and the
    // refusal shows next to its cell.
    score(c, criteria[0], "45").await;
    c.send_alert_text("看错行")
        .await
        .expect("the page asks why");
    c.accept_alert().await.expect("answered");
    wait_text(c, "不能大于 40").await;
    assert_eq!(stored(&app, panel).await[0].1, "35.5");

    // The chief judge closes the panel and reads the result.
    c.goto(&app.url(&format!("/competitions/panels/{panel}/results")))
        .await
        .expect("results");
    wait_text(c, "87.5").await;
    screenshot(c, "phone-judge-results").await;
}
