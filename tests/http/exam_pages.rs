//! Exams from the staff's side: papers, sessions, editing questions, pictures, regrading.

use crate::common::TestApp;
use crate::exams::{exam, post_json, save, started};
use gongjiang_domain::clock::now_ms;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn staff_make_a_paper_and_a_session_and_edit_a_question_from_the_pages() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let exam = exam(&app, now - 60_000, now + 3_600_000, json!({})).await;
    let admin = app.login("unitadmin").await;
    let bank = {
        let mut conn = app.db().read().await.unwrap();
        gongjiang_db::banks::get_question(&mut conn, exam.questions[0])
            .await
            .unwrap()
            .unwrap()
            .bank_id
    };
    // A drawn paper with a malformed rule is refused with the line; a good one is made.
    let r = app
        .post_form(
            &admin,
            &format!("/exams/banks/{bank}/papers"),
            &[
                ("name", "抽题试卷"),
                ("mode", "drawn"),
                ("rules", "焊接, 单选题, 1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("第 1 条抽题规则"));
    let r = app
        .post_form(
            &admin,
            &format!("/exams/banks/{bank}/papers"),
            &[
                ("name", "抽题试卷"),
                ("mode", "drawn"),
                ("rules", ", 判断题, 1, 5, 1\n, 单选题, 1, 5, 1"),
                ("pass_mark", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_text(&admin, "/exams/sessions").await;
    assert!(page.contains("抽题试卷"));
    // A session from the form, for the branch.
    let paper = {
        let mut conn = app.db().read().await.unwrap();
        gongjiang_db::papers::list_within(
            &mut conn,
            &[gongjiang_domain::unit::UnitPath::from_stored("/")],
        )
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.1 == "抽题试卷")
        .unwrap()
        .0
    };
    let opens = gongjiang_domain::clock::format_datetime_local(now - 60_000);
    let closes = gongjiang_domain::clock::format_datetime_local(now + 3_600_000);
    let r = app
        .post_form(
            &admin,
            "/exams/sessions",
            &[
                ("paper_id", &paper.to_string()),
                ("name", "抽题考试"),
                ("opens", &opens),
                ("closes", &closes),
                ("limit_minutes", "20"),
                ("grace_seconds", "5"),
                ("attempts_allowed", "2"),
                ("unit_id", &app.seed.branch.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The worker gets a drawn paper of two questions.
    let worker = app.login("worker").await;
    let mine = app.get_json(&worker, "/api/v1/my/exams").await;
    let session = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["session"]["name"] == "抽题考试")
        .unwrap()["session"]["id"]
        .as_i64()
        .unwrap();
    let attempt = started(&app, &worker, session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(view["questions"].as_array().unwrap().len(), 2);
    // Editing a question makes a version; the started attempt keeps the old one.
    let tf = exam.questions[2];
    let r = app
        .post_form(
            &admin,
            &format!("/exams/questions/{tf}"),
            &[
                ("kind", "判断题"),
                ("stem", "动火作业前必须办理动火证（修订）。"),
                ("answer", "对"),
                ("reason", "措辞"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .get_text(&admin, &format!("/exams/questions/{tf}"))
        .await;
    assert!(page.contains("（修订）"));
    let again = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(
        again["questions"], view["questions"],
        "a started attempt does not change"
    );
    // A broken edit says what is wrong and changes nothing.
    let r = app
        .post_form(
            &admin,
            &format!("/exams/questions/{tf}"),
            &[("kind", "判断题"), ("stem", "x"), ("answer", "也许")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("也许"));
}

#[tokio::test]
async fn pictures_show_in_the_exam_for_its_entrants_only() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let exam = exam(&app, now - 60_000, now + 3_600_000, json!({})).await;
    let admin = app.login("unitadmin").await;
    let question = exam.questions[0];
    // Not a picture (an SVG could carry script): refused, nothing changes.
    let r = app
        .upload(
            &admin,
            &format!("/exams/questions/{question}/picture"),
            b"<svg onload=alert(1)></svg>".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .upload(
            &admin,
            &format!("/exams/questions/{question}/picture"),
            crate::role_table::PNG.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let versions = app
        .get_json(&admin, &format!("/api/v1/questions/{question}/versions"))
        .await;
    let stem = versions[1]["question"]["stem"].as_str().unwrap().to_owned();
    let id: i64 = stem
        .rsplit("[图片:")
        .next()
        .unwrap()
        .trim_end_matches(']')
        .parse()
        .unwrap();
    // The worker's attempt (started after the edit) shows it; the worker may load it.
    let worker = app.login("worker").await;
    let attempt = started(&app, &worker, exam.session).await;
    let (_, page) = app
        .get_text(&worker, &format!("/exams/attempts/{attempt}"))
        .await;
    assert!(
        page.contains(&format!(
            "<img class=\"picture\" src=\"/exams/images/{id}\""
        )),
        "{page}"
    );
    let r = app.get(&worker, &format!("/exams/images/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), crate::role_table::PNG);
    // An entrant who has not been given the question may not (ids count up: no browsing the
    // bank), nor may someone who neither keeps the bank nor sits an exam from it.
    let target = app.login("target").await;
    assert_eq!(
        app.get(&target, &format!("/exams/images/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let judge = app.login("judge").await;
    assert_eq!(
        app.get(&judge, &format!("/exams/images/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_corrected_key_regrades_submitted_attempts_with_a_recorded_reason() {
    let app = TestApp::spawn().await;
    let now = now_ms();
    let exam = exam(&app, now - 60_000, now + 3_600_000, json!({})).await;
    let worker = app.login("worker").await;
    let attempt = started(&app, &worker, exam.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    // Answers "false" to the true/false question (wrong under the key as imported).
    let tf = view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "true_false")
        .unwrap()["position"]
        .clone();
    save(
        &app,
        &worker,
        attempt,
        json!([{"position": tf, "seq": 1, "response": {"type": "true_false", "value": false}}]),
    )
    .await;
    let r = post_json(
        &app,
        &worker,
        &format!("/api/v1/attempts/{attempt}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap()["score"], 0);
    // The key was wrong: correct it (a new version), then regrade with a reason.
    let admin = app.login("unitadmin").await;
    let question = exam.questions[2];
    let versions = app
        .get_json(&admin, &format!("/api/v1/questions/{question}/versions"))
        .await;
    let mut body = versions[0]["question"].clone();
    assert_eq!(body["kind"], "true_false");
    body["key"] = json!({"type": "true_false", "correct": false});
    let csrf = app.token(&admin).await;
    // A new version of the question, then a regrade of the session against it.
    let revise_and_regrade = async |body: &Value, why: &str| {
        let r = admin
            .put(app.url(&format!("/api/v1/questions/{question}")))
            .header("x-csrf-token", &csrf)
            .json(&json!({"question": body, "reason": why}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        post_json(
            &app,
            &admin,
            &format!("/api/v1/exam-sessions/{}/regrade", exam.session),
            json!({"question_id": question, "reason": why}),
        )
        .await
    };
    let r = revise_and_regrade(&body, "判断题答案更正").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["changed"], 1);
    let done = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    assert_eq!(done["score"], 100);
    let entry = &app.audit("attempt.regrade").await[0];
    assert_eq!(entry["reason"], "判断题答案更正");
    // A version that changes more than the key (here the points) cannot regrade old answers.
    body["points"] = json!(200);
    let r = revise_and_regrade(&body, "分值调整").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "regrade_incompatible"
    );
    assert!(entry["before"].as_str().unwrap().contains("\"score\":0"));
}
