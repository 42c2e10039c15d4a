//! A worker answers numerical, matching and cloze questions on a phone: a number typed as
//! people type it, drop-downs for the pairs and the cloze's choice part; the page's script
//! saves each answer, a reload shows them again from the server, and the score is the
//! server's.

use crate::common::TestApp;
use crate::exam::{current, js, next, session_from_file, stored, tap, wait_sync};
use crate::{Screen, browser, fits_the_screen, log_in, screenshot, wait_for};
use fantoccini::{Client, Locator};
use serde_json::json;
use std::collections::BTreeMap;

/// 1 point, 3 points (three prompts, one distractor), 4 points (parts weighted 1, 1, 2).
const MOODLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <questiontext format="html"><text>下料板材的长度（mm）应为多少？</text></questiontext>
    <answer fraction="100"><text>1500</text><tolerance>50</tolerance></answer>
  </question>
  <question type="matching">
    <questiontext format="html"><text>将焊接方法与其代号对应。</text></questiontext>
    <defaultgrade>3</defaultgrade>
    <subquestion><text>焊条电弧焊</text><answer><text>代号111</text></answer></subquestion>
    <subquestion><text>埋弧焊</text><answer><text>代号121</text></answer></subquestion>
    <subquestion><text>熔化极气体保护焊</text><answer><text>代号135</text></answer></subquestion>
    <subquestion><text></text><answer><text>代号141</text></answer></subquestion>
  </question>
  <question type="cloze">
    <questiontext format="html"><text><![CDATA[焊条电弧焊的英文缩写是{1:SHORTANSWER:=SMAW}，电弧电压的单位是{1:MULTICHOICE:安培~=伏特}，Q235 的屈服强度约为{2:NUMERICAL:=235:5} MPa。]]></text></questiontext>
    <defaultgrade>4</defaultgrade>
  </question>
</quiz>"#;

/// Chooses, in the drop-down `name`, the option whose text contains `text`; its value.
async fn choose(c: &Client, name: &str, text: &str) -> i64 {
    let found = js(
        c,
        &format!(
            "return Array.from(document.querySelector('select[name={name}]').options)\
               .filter(function (o) {{ return o.text.indexOf('{text}') >= 0; }})[0].value;"
        ),
    )
    .await;
    let value = found.as_str().expect("an option with that text").to_owned();
    c.find(Locator::Css(&format!("select[name={name}]")))
        .await
        .expect("the drop-down")
        .select_by_value(&value)
        .await
        .expect("choose");
    value.parse().expect("an option's index")
}

async fn type_into(c: &Client, name: &str, text: &str) {
    c.find(Locator::Css(&format!("input[name={name}]")))
        .await
        .expect("the input")
        .send_keys(text)
        .await
        .expect("type");
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn a_worker_answers_numerical_matching_and_cloze_questions_on_a_phone() {
    let app = TestApp::spawn().await;
    let session = session_from_file(&app, "q.xml", MOODLE.as_bytes(), json!({})).await;
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    log_in(c, &app, "worker").await;
    c.goto(&app.url("/exams")).await.expect("my exams");
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
    let mut expected = BTreeMap::new();

    // The number, typed with a thousands separator.
    assert_eq!(current(c).await, (0, "numerical".to_owned()));
    type_into(c, "a0", "1,520").await;
    expected.insert(0, json!({"type": "numerical", "value": "1,520"}));
    next(c).await;

    // Each prompt's drop-down: two of three right.
    assert_eq!(current(c).await, (1, "matching".to_owned()));
    let chosen = [
        choose(c, "a1_0", "代号111").await,
        choose(c, "a1_1", "代号141").await,
        choose(c, "a1_2", "代号135").await,
    ];
    expected.insert(1, json!({"type": "matching", "chosen": chosen}));
    fits_the_screen(c, "a matching question").await;
    screenshot(c, "phone-exam-matching").await;
    next(c).await;

    // The cloze: the text and the number right, the choice wrong (安培 is option 0).
    assert_eq!(current(c).await, (2, "cloze".to_owned()));
    type_into(c, "a2_0", "smaw").await;
    let wrong = choose(c, "a2_1", "安培").await;
    type_into(c, "a2_2", "235").await;
    expected.insert(
        2,
        json!({"type": "cloze", "parts": ["smaw", wrong.to_string(), "235"]}),
    );
    fits_the_screen(c, "a cloze question").await;
    screenshot(c, "phone-exam-cloze").await;
    wait_sync(c, attempt, "ok").await;
    assert_eq!(stored(&app, attempt).await, expected);

    // A reload shows every answer again, from the server's page.
    c.execute("localStorage.clear();", vec![])
        .await
        .expect("clear");
    c.refresh().await.expect("reload");
    wait_for(c, "#exam").await;
    let shown = js(
        c,
        "return ['a0', 'a1_0', 'a1_1', 'a1_2', 'a2_0', 'a2_1', 'a2_2'].map(function (n) {\
           return document.querySelector('[name=' + n + ']').value; });",
    )
    .await;
    assert_eq!(
        shown,
        json!([
            "1,520",
            chosen[0].to_string(),
            chosen[1].to_string(),
            chosen[2].to_string(),
            "smaw",
            wrong.to_string(),
            "235"
        ])
    );

    // 1 of 1, 2 of 3, and 3 of 4 (weights 1 + 2 of 4 right): 6 of 8.
    tap(c, "#submit-exam").await;
    c.accept_alert().await.expect("confirm");
    let score = wait_for(c, "#score").await.text().await.expect("score");
    assert_eq!(score, "6 / 8");
}
