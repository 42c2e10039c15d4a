//! Exam sessions and attempts over HTTP: the server's clock, answers saved in order and
//! idempotently, the key kept back until submission, grading by machine and by hand,
//! regrading after a key correction, results and statistics.

use crate::common::{TestApp, xlsx};
use gongjiang_domain::clock::{format_datetime, now_ms};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Five questions, one of each kind. The fill-in answer is a word that appears nowhere else,
/// so a test can tell whether the key leaked into a page.
const GIFT: &str = "\
::Q1:: 焊接时产生咬边的主要原因是？ {=电流过大 ~电流过小 ~焊速过慢}

::Q2:: 以下属于焊接缺陷的有？ {~%50%气孔 ~%50%夹渣 ~%-100%焊缝余高}

::Q3:: 动火作业前必须办理动火证。 {T}

::Q4:: 二氧化碳气体保护焊的英文缩写是 {=答案暗号乙} 焊。

::Q5:: 简述焊前预热的作用。 {}
";

pub struct Exam {
    pub bank: i64,
    pub session: i64,
    pub questions: Vec<i64>,
}

pub async fn post_json(
    app: &TestApp,
    client: &Client,
    path: &str,
    body: Value,
) -> reqwest::Response {
    let csrf = app.token(client).await;
    client
        .post(app.url(path))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn china(ms: i64) -> String {
    format_datetime(ms)
}

/// A bank with the five questions, a fixed paper with all of them, and a session for the
/// branch (where `worker` and `target` are) with the given window and settings.
pub async fn exam(app: &TestApp, opens_ms: i64, closes_ms: i64, settings: Value) -> Exam {
    let exam = exam_from(
        app,
        "q.gift",
        GIFT.as_bytes(),
        opens_ms,
        closes_ms,
        settings,
    )
    .await;
    assert_eq!(exam.questions.len(), 5);
    exam
}

/// A bank of the questions in `file` (named `name`), a fixed paper with all of them (pass mark
/// 3, proportional credit), and a session for the branch with the given window and settings.
pub async fn exam_from(
    app: &TestApp,
    name: &str,
    file: &[u8],
    opens_ms: i64,
    closes_ms: i64,
    settings: Value,
) -> Exam {
    let admin = app.login("unitadmin").await;
    let r = post_json(
        app,
        &admin,
        "/api/v1/banks",
        json!({"unit_id": app.seed.enterprise, "name": "焊工理论", "trade": "焊工"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let bank = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let csrf = app.token(&admin).await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(file.to_vec()).file_name(name.to_owned()),
    );
    let r = admin
        .post(app.url(&format!("/api/v1/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let listed = app
        .get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
        .await;
    let mut questions: Vec<i64> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    questions.sort();
    let r = post_json(
        app,
        &admin,
        "/api/v1/papers",
        json!({"bank_id": bank, "name": "焊工理论试卷", "mode": "fixed", "question_ids": questions,
               "pass_mark": 300, "partial_credit": "proportional_if_no_wrong"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let paper = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut body = json!({"paper_id": paper, "name": "焊工理论考试", "opens": china(opens_ms),
        "closes": china(closes_ms), "limit_minutes": 30, "grace_seconds": 0, "attempts_allowed": 1,
        "show_results": true, "unit_ids": [app.seed.branch]});
    for (k, v) in settings.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = post_json(app, &admin, "/api/v1/exam-sessions", body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let session = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    Exam {
        bank,
        session,
        questions,
    }
}

pub async fn start(app: &TestApp, client: &Client, session: i64) -> reqwest::Response {
    post_json(
        app,
        client,
        &format!("/api/v1/exam-sessions/{session}/attempts"),
        json!({}),
    )
    .await
}

/// Starts (or resumes) an attempt and gives its id.
pub async fn started(app: &TestApp, client: &Client, session: i64) -> i64 {
    let r = start(app, client, session).await;
    assert!(r.status().is_success(), "{}", r.status());
    r.json::<Value>().await.unwrap()["attempt_id"]
        .as_i64()
        .unwrap()
}

pub async fn save(
    app: &TestApp,
    client: &Client,
    attempt: i64,
    answers: Value,
) -> reqwest::Response {
    post_json(
        app,
        client,
        &format!("/api/v1/attempts/{attempt}/answers"),
        json!({ "answers": answers }),
    )
    .await
}

/// The right answer to each question of the view, by its stem (options are shuffled).
fn right_answers(view: &Value, seq: i64) -> Vec<Value> {
    view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let stem = q["stem"].as_str().unwrap();
            let option = |text: &str| {
                q["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["text"] == text)
                    .unwrap()["index"]
                    .clone()
            };
            let response = if stem.contains("咬边") {
                json!({"type": "choice", "selected": [option("电流过大")]})
            } else if stem.contains("缺陷") {
                json!({"type": "choice", "selected": [option("气孔"), option("夹渣")]})
            } else if stem.contains("动火") {
                json!({"type": "true_false", "value": true})
            } else if stem.contains("英文缩写") {
                json!({"type": "fill_in", "blanks": ["答案暗号乙"]})
            } else {
                json!({"type": "text", "text": "减少焊接应力，防止冷裂纹。"})
            };
            json!({"position": q["position"], "seq": seq, "response": response})
        })
        .collect()
}

#[tokio::test]
async fn an_entrant_takes_an_exam_and_is_graded_without_ever_seeing_the_key_before() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let exam = exam(&app, now - 60_000, now + 3_600_000, json!({})).await;
    let worker = app.login("worker").await;
    let mine = app.get_json(&worker, "/api/v1/my/exams").await;
    assert_eq!(mine[0]["session"]["id"], exam.session);
    assert_eq!(mine[0]["may_start"], true);
    let (_, list) = app.get_text(&worker, "/exams").await;
    assert!(list.contains("焊工理论考试"));

    let r = start(&app, &worker, exam.session).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let attempt = r.json::<Value>().await.unwrap()["attempt_id"]
        .as_i64()
        .unwrap();
    // A second tap on start (or a second device) resumes the same attempt.
    let again = start(&app, &worker, exam.session).await;
    assert_eq!(again.json::<Value>().await.unwrap()["attempt_id"], attempt);

    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(view["questions"].as_array().unwrap().len(), 5);
    let deadline = view["deadline_ms"].as_i64().unwrap();
    assert!(
        (deadline - (now + 30 * 60_000)).abs() < 10_000,
        "30 minutes from the start"
    );
    // The key is nowhere: not in the API's answer, not in the page.
    let (_, page) = app
        .get_text(&worker, &format!("/exams/attempts/{attempt}"))
        .await;
    for secret in ["答案暗号乙", "\"correct\"", "\"key\"", "reference"] {
        assert!(!view.to_string().contains(secret), "API leaks {secret}");
        assert!(!page.contains(secret), "page leaks {secret}");
    }
    // Someone else cannot see or answer it.
    let target = app.login("target").await;
    assert_eq!(
        app.get(&target, &format!("/api/v1/attempts/{attempt}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        save(&app, &target, attempt, json!([])).await.status(),
        StatusCode::NOT_FOUND
    );

    // Wrong answers first (seq 1), then the right ones (seq 2); a retry of seq 1 arriving
    // late does not overwrite seq 2.
    let wrong: Vec<Value> = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "true_false")
        .map(|q| json!({"position": q["position"], "seq": 1, "response": {"type": "true_false", "value": false}}))
        .collect();
    let r = save(&app, &worker, attempt, json!(wrong)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let right = right_answers(&view, 2);
    let r = save(&app, &worker, attempt, json!(right)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved = r.json::<Value>().await.unwrap();
    assert_eq!(saved["saved"].as_array().unwrap().len(), 5);
    assert!(saved["server_ms"].as_i64().unwrap() >= now);
    assert_eq!(
        save(&app, &worker, attempt, json!(wrong)).await.status(),
        StatusCode::OK
    );
    let stored = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    let tf = stored["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["response"]["type"] == "true_false")
        .unwrap()
        .clone();
    assert_eq!(tf["seq"], 2);
    assert_eq!(tf["response"]["value"], true);
    // An answer that does not fit its question is refused with where.
    let r = save(
        &app,
        &worker,
        attempt,
        json!([{"position": 99, "seq": 3, "response": {"type": "true_false", "value": true}}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["code"],
        "answer_does_not_fit"
    );

    // Submit: graded at once; the short answer waits for a person.
    let r = post_json(
        &app,
        &worker,
        &format!("/api/v1/attempts/{attempt}/submit"),
        json!({"answers": []}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let done = r.json::<Value>().await.unwrap();
    assert_eq!(done["submitted_by"], "entrant");
    assert_eq!(
        done["score"], 400,
        "four objective questions of 1 point, all right"
    );
    assert_eq!(done["pending_manual"], 1);
    // The score at once, but no key while the window is open (others still sit; issue 12,
    // finding 3): neither in the API nor on the page.
    let review = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(review["score"], 400);
    assert!(review["review"].is_null(), "{review}");
    assert_eq!(review["review_later"], true);
    let (_, page) = app
        .get_text(&worker, &format!("/exams/attempts/{attempt}"))
        .await;
    assert!(!page.contains("答案暗号乙") && page.contains("review-later"));
    // Staff release the keys (recorded): now the review shows them.
    let unitadmin = app.login("unitadmin").await;
    let r = post_json(
        &app,
        &worker,
        &format!("/api/v1/exam-sessions/{}/keys", exam.session),
        json!({}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "not the entrant's to release"
    );
    let r = post_json(
        &app,
        &unitadmin,
        &format!("/api/v1/exam-sessions/{}/keys", exam.session),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.json::<Value>().await.unwrap()["keys_released_at"].is_i64());
    assert_eq!(app.audit("exam_session.release_keys").await.len(), 1);
    let review = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert!(
        review["review"].to_string().contains("答案暗号乙"),
        "the key once released"
    );
    assert_eq!(review["review_later"], false);
    assert_eq!(
        save(&app, &worker, attempt, json!(right)).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        start(&app, &worker, exam.session).await.status(),
        StatusCode::CONFLICT,
        "one attempt allowed"
    );
    // The entrant's list gives no grades, seed or layout away (they would be the key for a
    // later attempt).
    let mine = app.get_json(&worker, "/api/v1/my/exams").await;
    let listed = mine[0]["attempts"][0].as_object().unwrap();
    for hidden in ["grades", "seed", "layout"] {
        assert!(!listed.contains_key(hidden), "{hidden} in {listed:?}");
    }

    // A judge grades the short answer; the change is in the audit log.
    let judge = app.login("judge").await;
    let results = app
        .get_json(
            &judge,
            &format!("/api/v1/exam-sessions/{}/results", exam.session),
        )
        .await;
    let pending = &results["pending"][0];
    assert_eq!(pending["text"], "减少焊接应力，防止冷裂纹。");
    let r = post_json(
        &app,
        &judge,
        &format!("/api/v1/exam-sessions/{}/grades", exam.session),
        json!({"attempt_id": attempt, "position": pending["position"], "points": 150}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "more than the question's points"
    );
    let r = post_json(
        &app,
        &judge,
        &format!("/api/v1/exam-sessions/{}/grades", exam.session),
        json!({"attempt_id": attempt, "position": pending["position"], "points": 50}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let results = app
        .get_json(
            &judge,
            &format!("/api/v1/exam-sessions/{}/results", exam.session),
        )
        .await;
    assert_eq!(results["rows"][0]["score"], 450);
    assert_eq!(results["rows"][0]["passed"], true);
    assert_eq!(results["pending"].as_array().unwrap().len(), 0);
    assert_eq!(results["questions"].as_array().unwrap().len(), 5);
    assert_eq!(results["questions"][0]["seen"], 1);
    let entry = &app.audit("attempt.grade").await[0];
    assert!(entry["after"].as_str().unwrap().contains("450"));
    // The results export to Excel, and the session page shows them.
    let r = app
        .get(
            &judge,
            &format!("/api/v1/exam-sessions/{}/results.xlsx", exam.session),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rows = xlsx::read(&r.bytes().await.unwrap());
    assert_eq!(rows[1][0], "刘伟");
    assert_eq!(rows[1][6], "4.5");
    let (status, page) = app
        .get_text(&judge, &format!("/exams/sessions/{}", exam.session))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("刘伟") && page.contains("4.5 / 5"));
}

#[tokio::test]
async fn the_server_clock_refuses_late_answers_and_submits_by_itself() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    // Closes in three seconds; late starters are cut at the close.
    let exam = exam(&app, now - 60_000, now + 3_000, json!({})).await;
    let worker = app.login("worker").await;
    let attempt = started(&app, &worker, exam.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert!(view["deadline_ms"].as_i64().unwrap() <= now + 3_000);
    let right = right_answers(&view, 1);
    assert_eq!(
        save(&app, &worker, attempt, json!(right)).await.status(),
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let r = save(&app, &worker, attempt, json!(right_answers(&view, 2))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "time_up");
    // The sweeper submits it with what the server has, without the entrant doing anything.
    let mut submitted = Value::Null;
    for _ in 0..50 {
        let mut conn = app.db().read().await.unwrap();
        let a = gongjiang_db::attempts::get(&mut conn, attempt)
            .await
            .unwrap()
            .unwrap();
        if a.submitted_at.is_some() {
            submitted = json!({"by": a.submitted_by, "score": a.score});
            break;
        }
        drop(conn);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(submitted["by"], "clock");
    assert_eq!(submitted["score"], 400);
    // After the close nobody starts.
    let target = app.login("target").await;
    let r = start(&app, &target, exam.session).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "exam_closed"
    );
    // Nobody can answer any more (no arrangement runs later): the review with its keys shows
    // without anyone releasing it.
    let review = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(review["review"].as_array().map(Vec::len), Some(5));
    assert_eq!(review["review_later"], false);
}

#[tokio::test]
async fn windows_late_starters_and_personal_arrangements() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let admin = app.login("unitadmin").await;
    // Not open yet.
    let later = exam(&app, now + 3_600_000, now + 7_200_000, json!({})).await;
    let worker = app.login("worker").await;
    let r = start(&app, &worker, later.session).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "exam_not_open"
    );
    // A make-up window open now, and extra time, for the worker only; the reason is recorded.
    let r = post_json(
        &app,
        &admin,
        &format!("/api/v1/exam-sessions/{}/arrangements", later.session),
        json!({"person_id": app.seed.worker.0, "extra_minutes": 15, "opens": china(now - 60_000),
               "closes": china(now + 600_000), "reason": "夜班补考"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.audit("exam_session.arrange").await[0]["reason"],
        "夜班补考"
    );
    let attempt = started(&app, &worker, later.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    // 30 minutes would pass the make-up close (10 min): cut there, plus 15 extra minutes.
    let deadline = view["deadline_ms"].as_i64().unwrap();
    let expected = now + 600_000 + 15 * 60_000;
    assert!(
        (deadline - expected).abs() < 61_000,
        "{deadline} vs {expected}"
    );
    // Others still wait for the window.
    let target = app.login("target").await;
    assert_eq!(
        start(&app, &target, later.session).await.status(),
        StatusCode::CONFLICT
    );
    // The full-time rule gives a late starter the whole limit past the close.
    let full = exam(
        &app,
        now - 60_000,
        now + 60_000,
        json!({"late_start": "full_time"}),
    )
    .await;
    let attempt = started(&app, &target, full.session).await;
    let view = app
        .get_json(&target, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert!(view["deadline_ms"].as_i64().unwrap() >= now + 29 * 60_000);
    // Someone outside the entrants is refused; bad settings are refused with the field.
    let leader_outside = app.login("admin").await;
    assert_eq!(
        start(&app, &leader_outside, full.session).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = post_json(
        &app,
        &admin,
        "/api/v1/exam-sessions",
        json!({"paper_id": 1, "name": "坏场次", "opens": "2026-11-22 10:00", "closes": "2026-11-22 09:00",
               "limit_minutes": 30, "attempts_allowed": 1}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["field"],
        "closes"
    );
}
