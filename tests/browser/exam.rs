//! A worker takes an exam on a phone while the browser's network comes and goes: answers wait
//! on the device, survive reloads, reach the server once it is back, and the submission is
//! graded. The network is cut inside Chromium itself (DevTools network conditions through
//! ChromeDriver), not by stopping the server.

use crate::common::TestApp;
use crate::{Screen, browser, fits_the_screen, log_in, screenshot, wait_for, wait_text};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use gongjiang_domain::clock::{format_datetime, now_ms};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

/// One question of each kind the script handles, one point each, in the paper's order: the
/// fill-in first, so that the blank still has the focus when the network goes.
const GIFT: &str = "\
::Q1:: 二氧化碳气体保护焊所用的保护气体是 {=二氧化碳} 。

::Q2:: 焊接时产生咬边的主要原因是？ {=电流过大 ~电流过小 ~焊速过慢}

::Q3:: 动火作业前必须办理动火证。 {T}

::Q4:: 以下属于焊接缺陷的有？ {~%50%气孔 ~%50%夹渣 ~%-100%焊缝余高}
";

/// ChromeDriver's own command for DevTools network conditions (not in the W3C protocol).
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &Url,
        session_id: Option<&str>,
    ) -> Result<Url, <Url as FromStr>::Err> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let body = json!({ "network_conditions": {
            "offline": self.offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1 } });
        (Method::POST, Some(body.to_string()))
    }
}

pub(crate) async fn network(c: &Client, up: bool) {
    c.issue_cmd(NetworkConditions { offline: !up })
        .await
        .expect("ChromeDriver sets the network conditions");
}

async fn post_json(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> Value {
    let csrf = app.token(client).await;
    let r = client
        .post(app.url(path))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CREATED, "{path}");
    r.json().await.expect("json")
}

/// A bank with the four questions, a fixed paper of them in order (options shuffled, pass
/// mark 3, partial credit for a multiple choice with nothing wrong chosen) and a session for the
/// branch. Returns the session's id.
async fn exam_for_the_branch(app: &TestApp) -> i64 {
    session_from_file(
        app,
        "q.gift",
        GIFT.as_bytes(),
        json!({"pass_mark": 300, "partial_credit": "proportional_if_no_wrong"}),
    )
    .await
}

/// A bank of the questions in `file` (named `name`), a fixed paper of them in order (with the
/// `paper` settings added) and a session for the branch, where `worker` is, open from a minute
/// ago for an hour with a limit of 30 minutes. Returns the session's id.
pub(crate) async fn session_from_file(app: &TestApp, name: &str, file: &[u8], paper: Value) -> i64 {
    let admin = app.login("unitadmin").await;
    let bank = post_json(
        app,
        &admin,
        "/api/v1/banks",
        json!({"unit_id": app.seed.enterprise, "name": "焊工理论", "trade": "焊工"}),
    )
    .await["id"]
        .as_i64()
        .expect("bank id");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", app.token(&admin).await)
        .part(
            "file",
            reqwest::multipart::Part::bytes(file.to_vec()).file_name(name.to_owned()),
        );
    let r = admin
        .post(app.url(&format!("/api/v1/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .expect("import");
    assert!(r.status().is_success(), "{}", r.text().await.expect("body"));
    let listed = app
        .get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
        .await;
    let mut questions: Vec<i64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|q| q["id"].as_i64())
        .collect();
    questions.sort_unstable();
    let mut body = json!({"bank_id": bank, "name": "焊工理论试卷", "mode": "fixed",
        "question_ids": questions, "shuffle_questions": false});
    for (k, v) in paper.as_object().expect("settings") {
        body[k] = v.clone();
    }
    let paper = post_json(app, &admin, "/api/v1/papers", body).await["id"]
        .as_i64()
        .expect("paper id");
    let now = now_ms();
    post_json(
        app,
        &admin,
        "/api/v1/exam-sessions",
        json!({"paper_id": paper, "name": "焊工理论考试", "opens": format_datetime(now - 60_000),
               "closes": format_datetime(now + 3_600_000), "limit_minutes": 30, "grace_seconds": 0,
               "attempts_allowed": 1, "show_results": true, "unit_ids": [app.seed.branch]}),
    )
    .await["id"]
        .as_i64()
        .expect("session id")
}

pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("script")
}

/// The class of the sync indicator: `ok`, `waiting` or `offline`.
async fn sync_state(c: &Client) -> String {
    let class = js(c, "return document.getElementById('sync').className;").await;
    class
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("sync")
        .trim()
        .to_owned()
}

/// The positions of the answers waiting on the device (its localStorage queue).
async fn waiting_on_device(c: &Client, attempt: i64) -> Vec<i64> {
    let stored = c
        .execute(
            "return localStorage.getItem(arguments[0]);",
            vec![json!(format!("gj-attempt-{attempt}"))],
        )
        .await
        .expect("script");
    let state: Value = stored
        .as_str()
        .map(|s| serde_json::from_str(s).expect("the queue is JSON"))
        .unwrap_or(Value::Null);
    let mut positions: Vec<i64> = state["pending"]
        .as_object()
        .map(|p| p.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    positions.sort_unstable();
    positions
}

/// Waits until the sync indicator says `class` (and, for `ok`, nothing waits on the device).
pub(crate) async fn wait_sync(c: &Client, attempt: i64, class: &str) {
    let mut last = String::new();
    // Long enough for the script's back-off (it doubles up to 30 s) after the network returns.
    for _ in 0..200 {
        last = sync_state(c).await;
        if last == class && (class != "ok" || waiting_on_device(c, attempt).await.is_empty()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("#sync never became {class:?}; it is {last:?}");
}

/// The questions on the screen now: (position, kind).
async fn shown(c: &Client) -> Vec<(i64, String)> {
    let list = js(
        c,
        "return Array.from(document.querySelectorAll('section.question'))\
           .filter(function (s) { return !s.hidden; })\
           .map(function (s) { return [Number(s.dataset.position), s.dataset.kind]; });",
    )
    .await;
    list.as_array()
        .expect("a list")
        .iter()
        .map(|q| {
            (
                q[0].as_i64().expect("position"),
                q[1].as_str().expect("kind").to_owned(),
            )
        })
        .collect()
}

/// The one question a phone shows now.
pub(crate) async fn current(c: &Client) -> (i64, String) {
    let on_screen = shown(c).await;
    assert_eq!(on_screen.len(), 1, "one question per screen on a phone");
    on_screen[0].clone()
}

/// Answers the question on the screen as a person would (taps a choice, types in the blank)
/// and returns its position and the response the server should store. All are right but the
/// multiple choice, where only one of the two right options is chosen (half a point).
async fn answer_current(c: &Client) -> (i64, Value) {
    let (position, kind) = current(c).await;
    let section = format!("#q{position}");
    let choose = |text: &'static str| {
        let xpath = format!("//section[@id='q{position}']//label[contains(., '{text}')]");
        async move {
            let label = c
                .find(Locator::XPath(&xpath))
                .await
                .unwrap_or_else(|_| panic!("no option {text}"));
            label.click().await.expect("tap the option");
            let input = label.find(Locator::Css("input")).await.expect("input");
            let index: i64 = input
                .attr("value")
                .await
                .expect("value")
                .expect("an option's value")
                .parse()
                .expect("an option's index");
            index
        }
    };
    let response = match kind.as_str() {
        "single_choice" => json!({"type": "choice", "selected": [choose("电流过大").await]}),
        "multiple_choice" => json!({"type": "choice", "selected": [choose("气孔").await]}),
        "true_false" => {
            c.find(Locator::Css(&format!("{section} input[value='true']")))
                .await
                .expect("true")
                .click()
                .await
                .expect("tap true");
            json!({"type": "true_false", "value": true})
        }
        "fill_in" => {
            c.find(Locator::Css(&format!("{section} input[type=text]")))
                .await
                .expect("blank")
                .send_keys("二氧化碳")
                .await
                .expect("type");
            json!({"type": "fill_in", "blanks": ["二氧化碳"]})
        }
        other => panic!("no question of kind {other} in this paper"),
    };
    (position, response)
}

pub(crate) async fn next(c: &Client) {
    let (position, _) = current(c).await;
    c.find(Locator::Css(&format!("#q{position} .q-nav .next")))
        .await
        .expect("next button")
        .click()
        .await
        .expect("tap next");
    assert_ne!(current(c).await.0, position, "next shows another question");
}

/// What the server holds for the attempt: position → response.
pub(crate) async fn stored(app: &TestApp, attempt: i64) -> BTreeMap<i64, Value> {
    let mut conn = app.db().read().await.expect("conn");
    gongjiang_db::attempts::answers(&mut conn, attempt)
        .await
        .expect("answers")
        .into_iter()
        .map(|a| (a.position, serde_json::from_str(&a.response).expect("JSON")))
        .collect()
}

/// Whether the page shows `response` at `position` within a few seconds.
async fn shows_answer_soon(c: &Client, position: i64, response: &Value) -> bool {
    for _ in 0..50 {
        if shows_answer(c, position, response).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Whether the page shows `response` as the answer to the question at `position`.
async fn shows_answer(c: &Client, position: i64, response: &Value) -> bool {
    let on_page = c
        .execute(
            "var s = document.getElementById('q' + arguments[0]);\
             var checked = Array.from(s.querySelectorAll('input:checked:not(.flag-box)')).map(function (i) { return i.value; });\
             var blanks = Array.from(s.querySelectorAll('input[type=text]')).map(function (i) { return i.value; });\
             return [checked, blanks];",
            vec![json!(position)],
        )
        .await
        .expect("script");
    let (checked, blanks) = (&on_page[0], &on_page[1]);
    match response["type"].as_str() {
        Some("choice") => {
            let selected: Vec<String> = response["selected"]
                .as_array()
                .expect("selected")
                .iter()
                .map(|i| i.to_string())
                .collect();
            *checked == json!(selected)
        }
        Some("true_false") => *checked == json!([response["value"].to_string()]),
        Some("fill_in") => *blanks == response["blanks"],
        _ => false,
    }
}

pub(crate) async fn tap(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot tap {css}: {e}"));
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn a_worker_takes_an_exam_on_a_phone_through_a_lost_connection_and_a_reload() {
    let app = TestApp::spawn().await;
    let session = exam_for_the_branch(&app).await;
    let b = browser(Screen::Phone).await;
    let c = &b.client;

    // Log in and start the exam from "my exams".
    log_in(c, &app, "worker").await;
    wait_text(c, "刘伟，您好").await;
    c.goto(&app.url("/exams")).await.expect("my exams");
    wait_text(c, "焊工理论考试").await;
    fits_the_screen(c, "my exams").await;
    screenshot(c, "phone-exam-list").await;
    tap(
        c,
        &format!("form[action='/exams/sessions/{session}/start'] button[type=submit]"),
    )
    .await;
    let attempt: i64 = wait_for(c, "#exam")
        .await
        .attr("data-attempt")
        .await
        .expect("attribute")
        .expect("the attempt's id")
        .parse()
        .expect("a number");
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), format!("/exams/attempts/{attempt}"));
    fits_the_screen(c, "the exam page").await;
    let clock = wait_for(c, "#countdown").await.text().await.expect("text");
    assert!(
        clock.starts_with("29:") || clock.starts_with("30:"),
        "the countdown shows the 30 minutes: {clock}"
    );
    let positions: Vec<i64> = {
        let all = js(
            c,
            "return Array.from(document.querySelectorAll('section.question')).map(function (s) { return Number(s.dataset.position); });",
        )
        .await;
        all.as_array()
            .expect("list")
            .iter()
            .filter_map(Value::as_i64)
            .collect()
    };
    assert_eq!(positions.len(), 4);
    let mut expected = BTreeMap::new();

    // The first question (the blank) while online: saved on the server.
    assert_eq!(current(c).await.1, "fill_in");
    let (first, r) = answer_current(c).await;
    expected.insert(first, r);
    wait_sync(c, attempt, "ok").await;
    assert_eq!(stored(&app, attempt).await, expected);
    screenshot(c, "phone-exam-saved").await;

    // The network goes: the browser reaches nothing, not even the server on this machine.
    // The blank keeps the focus, so the tap on "next" below also leaves it.
    network(c, false).await;
    let reached = c
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             fetch('/healthz', { cache: 'no-store' }).then(function () { done('reached'); }, function () { done('failed'); });",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(reached, json!("failed"), "the browser is offline");
    next(c).await;
    assert!(
        waiting_on_device(c, attempt).await.is_empty(),
        "leaving a saved blank queues nothing"
    );
    for k in 0..2 {
        if k > 0 {
            next(c).await;
        }
        let (p, r) = answer_current(c).await;
        expected.insert(p, r);
        wait_sync(c, attempt, "offline").await;
    }
    let sync_text = wait_for(c, "#sync").await.text().await.expect("text");
    assert!(sync_text.contains("2 题已保存在本机"), "{sync_text}");
    fits_the_screen(c, "the exam page offline").await;
    screenshot(c, "phone-exam-offline").await;
    let offline: Vec<i64> = expected.keys().copied().filter(|p| *p != first).collect();
    assert_eq!(
        waiting_on_device(c, attempt).await,
        offline,
        "the two offline answers wait on the device"
    );
    assert_eq!(
        stored(&app, attempt).await.len(),
        1,
        "nothing reached the server while offline"
    );

    // A reload while offline finds no page; once the network is back the page comes back with
    // the answers that waited on the device, and sends them.
    let _ = c.refresh().await;
    assert!(
        c.find(Locator::Css("#exam")).await.is_err(),
        "no exam page without a network"
    );
    screenshot(c, "phone-exam-reload-offline").await;
    network(c, true).await;
    c.goto(&app.url(&format!("/exams/attempts/{attempt}")))
        .await
        .expect("open");
    wait_for(c, "#exam").await;
    for (p, r) in &expected {
        assert!(
            shows_answer_soon(c, *p, r).await,
            "question {p} shows its answer {r}"
        );
    }
    wait_sync(c, attempt, "ok").await;
    assert_eq!(stored(&app, attempt).await, expected);

    // The last question through the answer card, offline again; then the network returns and
    // the page is reloaded at once, before or while the answer is sent.
    let last = *positions
        .iter()
        .find(|p| !expected.contains_key(p))
        .expect("one question left");
    network(c, false).await;
    tap(c, "#overview-toggle").await;
    tap(c, &format!("#overview a[data-goto='{last}']")).await;
    let (p, r) = answer_current(c).await;
    assert_eq!(p, last, "the answer card leads to the question");
    expected.insert(p, r);
    wait_sync(c, attempt, "offline").await;
    network(c, true).await;
    c.refresh().await.expect("reload");
    wait_for(c, "#exam").await;
    for (p, r) in &expected {
        // The page's script restores waiting answers once it runs (after the markup).
        assert!(
            shows_answer_soon(c, *p, r).await,
            "after the reload question {p} shows its answer {r}"
        );
    }
    wait_sync(c, attempt, "ok").await;
    assert_eq!(
        stored(&app, attempt).await,
        expected,
        "every answer reached the server"
    );
    fits_the_screen(c, "the exam page").await;
    screenshot(c, "phone-exam-all-saved").await;

    // Submit: a worker who hesitates cancels the confirmation and can still submit later.
    tap(c, "#submit-exam").await;
    let question = c.get_alert_text().await.expect("a confirmation");
    assert!(question.contains("确定交卷吗"), "{question}");
    c.dismiss_alert().await.expect("cancel");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let submit = c.find(Locator::Css("#submit-exam")).await.expect("submit");
    assert!(
        submit.is_enabled().await.expect("state"),
        "the submit button works again after a cancelled confirmation"
    );
    submit.click().await.expect("tap submit");
    c.accept_alert().await.expect("confirm");
    let score = wait_for(c, "#score").await.text().await.expect("score");
    assert_eq!(
        score, "3.5 / 4",
        "three right answers and half of the multiple choice"
    );
    // The keys wait until the session is over for everyone, or until staff release them.
    wait_text(c, "答案与解析将在本场考试全部结束后公布").await;
    let exams = gongjiang_app::exams::Exams::start(app.db().clone());
    exams
        .release_keys(&gongjiang_app::Caller::system("test"), session)
        .await
        .expect("keys released");
    c.refresh().await.expect("reload");
    wait_text(c, "正确答案").await;
    let mut conn = app.db().read().await.expect("conn");
    let done = gongjiang_db::attempts::get(&mut conn, attempt)
        .await
        .expect("attempt")
        .expect("the attempt exists");
    assert_eq!(done.submitted_by.as_deref(), Some("entrant"));
    assert_eq!(done.score, Some(350));
    drop(conn);
    let left = c
        .execute(
            "return localStorage.getItem(arguments[0]);",
            vec![json!(format!("gj-attempt-{attempt}"))],
        )
        .await
        .expect("script");
    assert_eq!(left, Value::Null, "nothing is left on the device");
    fits_the_screen(c, "the result").await;
    screenshot(c, "phone-exam-result").await;
}
