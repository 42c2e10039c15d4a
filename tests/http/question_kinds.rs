//! Numerical, matching and cloze questions end to end (issue 12): imported from Moodle XML,
//! exported and imported again unchanged, shown to an entrant without their keys, answered
//! through the API and through the page's form, and graded on the server with partial credit.

use crate::common::TestApp;
use crate::exams::{exam_from, post_json, save, started};
use gongjiang_domain::clock::now_ms;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Three questions worth 2, 3 and 4 points. Secrets that must not show before the review:
/// the cloze text answer 暗号丙 and the matching pairs.
const MOODLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name><text>板长</text></name>
    <questiontext format="html"><text><![CDATA[<p>下料板材的长度应为多少？</p>]]></text></questiontext>
    <defaultgrade>2</defaultgrade>
    <answer fraction="100"><text>1500</text><tolerance>50</tolerance></answer>
    <answer fraction="50"><text>1500</text><tolerance>200</tolerance></answer>
    <answer fraction="0"><text>*</text></answer>
    <units>
      <unit><multiplier>1</multiplier><unit_name>mm</unit_name></unit>
      <unit><multiplier>0.001</multiplier><unit_name>m</unit_name></unit>
    </units>
  </question>
  <question type="matching">
    <name><text>代号</text></name>
    <questiontext format="html"><text>将焊接方法与其代号对应。</text></questiontext>
    <defaultgrade>3</defaultgrade>
    <subquestion format="html"><text>焊条电弧焊</text><answer><text>代号111</text></answer></subquestion>
    <subquestion format="html"><text>埋弧焊</text><answer><text>代号121</text></answer></subquestion>
    <subquestion format="html"><text>熔化极气体保护焊</text><answer><text>代号135</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>代号141</text></answer></subquestion>
  </question>
  <question type="cloze">
    <name><text>综合</text></name>
    <questiontext format="html"><text><![CDATA[<p>本题暗语是{1:SHORTANSWER:=暗号丙~%50%暗号}，电弧电压的单位是{1:MULTICHOICE:=伏特~安培~欧姆}，Q235 的屈服强度约为{2:NUMERICAL:=235:5} MPa。</p>]]></text></questiontext>
    <defaultgrade>4</defaultgrade>
  </question>
</quiz>"#;

struct Setup {
    bank: i64,
    session: i64,
}

async fn upload(app: &TestApp, client: &Client, bank: i64, name: &str, bytes: Vec<u8>) -> Value {
    let csrf = app.token(client).await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let r = client
        .post(app.url(&format!("/api/v1/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn new_bank(app: &TestApp, admin: &Client, name: &str) -> i64 {
    let r = post_json(
        app,
        admin,
        "/api/v1/banks",
        json!({"unit_id": app.seed.enterprise, "name": name, "trade": "焊工"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn questions_of(app: &TestApp, admin: &Client, bank: i64) -> Vec<Value> {
    let mut items = app
        .get_json(admin, &format!("/api/v1/banks/{bank}/questions"))
        .await["items"]
        .as_array()
        .unwrap()
        .clone();
    items.sort_by_key(|q| q["id"].as_i64());
    items
}

/// The bank, a fixed paper of its three questions and a session open for an hour.
async fn setup(app: &TestApp) -> Setup {
    let now = now_ms();
    let exam = exam_from(
        app,
        "bank.xml",
        MOODLE.as_bytes(),
        now - 60_000,
        now + 3_600_000,
        json!({}),
    )
    .await;
    assert_eq!(exam.questions.len(), 3);
    Setup {
        bank: exam.bank,
        session: exam.session,
    }
}

fn by_kind<'a>(view: &'a Value, kind: &str) -> &'a Value {
    view["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == kind)
        .unwrap()
}

/// The option's index as this entrant's layout shows it (options are shuffled).
fn option(q: &Value, text: &str) -> i64 {
    q["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["text"] == text)
        .unwrap()["index"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn new_question_kinds_import_export_and_grade_on_the_server() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let admin = app.login("unitadmin").await;

    // Stored as kinds of their own, and exported in both formats they import again unchanged.
    let stored = questions_of(&app, &admin, s.bank).await;
    let kinds: Vec<&str> = stored
        .iter()
        .map(|q| q["question"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["numerical", "matching", "cloze"]);
    for format in ["moodle", "xlsx"] {
        let file = admin
            .get(app.url(&format!("/api/v1/banks/{}/export?format={format}", s.bank)))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let copy = new_bank(&app, &admin, &format!("副本{format}")).await;
        let name = if format == "moodle" {
            "copy.xml"
        } else {
            "copy.xlsx"
        };
        upload(&app, &admin, copy, name, file.to_vec()).await;
        let again = questions_of(&app, &admin, copy).await;
        for (a, b) in again.iter().zip(&stored) {
            assert_eq!(a["question"], b["question"], "{format} round trip");
        }
        assert_eq!(again.len(), 3);
    }

    // The entrant sees prompts and parts, never a key.
    let worker = app.login("worker").await;
    let attempt = started(&app, &worker, s.session).await;
    let view = app
        .get_json(&worker, &format!("/api/v1/attempts/{attempt}"))
        .await;
    let text = view.to_string();
    assert!(!text.contains("暗号丙") && !text.contains("1500"), "{text}");
    let matching = by_kind(&view, "matching");
    assert_eq!(matching["prompts"].as_array().unwrap().len(), 3);
    assert_eq!(matching["options"].as_array().unwrap().len(), 4);
    let cloze = by_kind(&view, "cloze");
    assert_eq!(
        cloze["parts"][1]["options"],
        json!(["伏特", "安培", "欧姆"])
    );
    assert!(cloze["stem"].as_str().unwrap().contains("{#3}"));
    let (_, page) = app
        .get_text(&worker, &format!("/exams/attempts/{attempt}"))
        .await;
    assert!(!page.contains("暗号丙") && page.contains("（3）"));

    // An option that does not exist is refused, and nothing is stored.
    let pos = |q: &Value| q["position"].clone();
    let r = save(
        &app,
        &worker,
        attempt,
        json!([{"position": pos(matching), "seq": 1,
                "response": {"type": "matching", "chosen": [9]}}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // 1.62 m is 1620 mm: within 200, half credit (1 of 2 points); two of three pairs right
    // (2 of 3); the cloze's text and number right, its choice wrong: weights 1+2 of 4 (3 of 4).
    let numerical = by_kind(&view, "numerical");
    let answers = json!([
        {"position": pos(numerical), "seq": 1, "response": {"type": "numerical", "value": "1.62 m"}},
        {"position": pos(matching), "seq": 1, "response": {"type": "matching", "chosen": [
            option(matching, "代号111"), option(matching, "代号135"), option(matching, "代号135")]}},
        {"position": pos(cloze), "seq": 1, "response": {"type": "cloze",
            "parts": ["暗号丙", "1", "２３８"]}},
    ]);
    assert_eq!(
        save(&app, &worker, attempt, answers).await.status(),
        StatusCode::OK
    );
    let r = post_json(
        &app,
        &worker,
        &format!("/api/v1/attempts/{attempt}/submit"),
        json!({"answers": []}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["score"], 600);

    // The same answers through the page's form, as a phone without the script posts them.
    let target = app.login("target").await;
    let other = started(&app, &target, s.session).await;
    let view = app
        .get_json(&target, &format!("/api/v1/attempts/{other}"))
        .await;
    let (n, m, c) = (
        by_kind(&view, "numerical")["position"].as_i64().unwrap(),
        by_kind(&view, "matching"),
        by_kind(&view, "cloze")["position"].as_i64().unwrap(),
    );
    let mp = m["position"].as_i64().unwrap();
    let fields: Vec<(String, String)> = vec![
        (format!("a{n}"), "1,620".into()),
        (format!("a{mp}_0"), option(m, "代号111").to_string()),
        (format!("a{mp}_1"), option(m, "代号135").to_string()),
        (format!("a{mp}_2"), option(m, "代号135").to_string()),
        (format!("a{c}_0"), "暗号丙".into()),
        (format!("a{c}_1"), "1".into()),
        (format!("a{c}_2"), "238".into()),
    ];
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(
            &target,
            &format!("/exams/attempts/{other}/submit"),
            &borrowed,
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let done = app
        .get_json(&target, &format!("/api/v1/attempts/{other}"))
        .await;
    assert_eq!(done["score"], 600, "{done}");

    // Once staff release the keys, the review says them in words.
    let r = post_json(
        &app,
        &admin,
        &format!("/api/v1/exam-sessions/{}/keys", s.session),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = app
        .get_text(&worker, &format!("/exams/attempts/{attempt}"))
        .await;
    for shown in [
        "1500±50",
        "焊条电弧焊 →",
        "（1）暗号丙",
        "（2）伏特",
        "（3）235±5",
    ] {
        assert!(page.contains(shown), "{shown} in the review");
    }
}
