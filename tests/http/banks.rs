//! Question banks: import in every format, all or nothing, and export that imports again.

use crate::common::{TestApp, xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

const AIKEN: &str = "焊接时产生咬边的主要原因是？\nA. 电流过大\nB. 电流过小\nANSWER: A\n";
const GIFT: &str = "$CATEGORY: $course$/top/焊接/安全\n\n::T1:: 动火作业需要审批。{T}\n\n二氧化碳气体保护焊的英文缩写是 {=CO2 =MAG} 焊。\n";

/// Creates a bank through the API and returns its id.
async fn new_bank(app: &TestApp, client: &reqwest::Client, body: Value) -> i64 {
    let csrf = app.token(client).await;
    let r = client
        .post(app.url("/api/v1/banks"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    bank: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let csrf = app.token(client).await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    client
        .post(app.url(&format!("/api/v1/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bank_imports_every_format_and_round_trips_through_moodle_xml() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let csrf = app.token(&unitadmin).await;
    let r = unitadmin
        .post(app.url("/api/v1/banks"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"unit_id": app.seed.enterprise, "name": "焊工题库", "trade": "焊工"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let bank = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let sheet = xlsx::sheet(
        &[
            "题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "难度", "分值", "分类",
        ],
        &[
            &[
                "多选题",
                "属于个人防护用品的是？",
                "面罩",
                "手套",
                "拖鞋",
                "AB",
                "",
                "3",
                "2",
                "焊接/安全",
            ],
            &[
                "判断题",
                "焊前应清理坡口。",
                "",
                "",
                "",
                "对",
                "",
                "",
                "",
                "焊接/工艺",
            ],
        ],
    );
    for (name, bytes, expected) in [
        ("焊工.xlsx", sheet, 2),
        ("aiken.txt", AIKEN.as_bytes().to_vec(), 1),
        ("bank.gift", GIFT.as_bytes().to_vec(), 2),
    ] {
        let r = upload(&app, &unitadmin, bank, name, bytes).await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["imported"],
            expected,
            "{name}"
        );
    }
    let list = app
        .get_json(&unitadmin, &format!("/api/v1/banks/{bank}/questions"))
        .await;
    assert_eq!(list["total"], 5);
    let banks = app.get_json(&unitadmin, "/api/v1/banks").await;
    assert_eq!(banks[0]["questions"], 5);

    // Moodle XML out, into a second bank, and the same questions come back.
    let xml = app
        .get(
            &unitadmin,
            &format!("/api/v1/banks/{bank}/export?format=moodle"),
        )
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let second = new_bank(
        &app,
        &unitadmin,
        json!({"unit_id": app.seed.branch, "name": "焊工题库（副本）"}),
    )
    .await;
    assert_eq!(
        upload(&app, &unitadmin, second, "bank.xml", xml)
            .await
            .json::<Value>()
            .await
            .unwrap()["imported"],
        5
    );
    let copy = app
        .get_json(&unitadmin, &format!("/api/v1/banks/{second}/questions"))
        .await;
    let content = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| (q["category"].clone(), q["question"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(content(&copy), content(&list));
    // Excel out reads as the template again.
    let sheet = app
        .get(&unitadmin, &format!("/api/v1/banks/{bank}/export"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(xlsx::read(&sheet).len(), 6, "a header and five questions");
    assert_eq!(app.audit("bank.import").await.len(), 4);
}

#[tokio::test]
async fn a_bad_file_adds_nothing_and_says_where() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let bank = new_bank(
        &app,
        &admin,
        json!({"unit_id": app.seed.federation, "name": "电工题库"}),
    )
    .await;
    let sheet = xlsx::sheet(
        &["题型", "题干", "选项A", "选项B", "答案"],
        &[
            &["单选题", "正确的一题", "甲", "乙", "A"],
            &["单选题", "错误的一题", "甲", "乙", "C"],
        ],
    );
    let r = upload(&app, &admin, bank, "电工.xlsx", sheet).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "row 3 答案");
    assert_eq!(body["error"]["fields"][0]["code"], "answer_not_an_option");
    let r = upload(&app, &admin, bank, "bank.pdf", b"%PDF".to_vec()).await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["code"],
        "unknown_question_format"
    );
    assert_eq!(
        app.get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
            .await["total"],
        0
    );
    // A unit admin elsewhere cannot see or fill this bank.
    let unitadmin = app.login("unitadmin").await;
    assert_eq!(
        app.get(&unitadmin, &format!("/api/v1/banks/{bank}/questions"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(
            &app,
            &unitadmin,
            bank,
            "aiken.txt",
            AIKEN.as_bytes().to_vec()
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn keepers_create_banks_and_import_questions_from_the_pages() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let (_, competitions) = app.get_text(&unitadmin, "/competitions").await;
    assert!(
        competitions.contains("href=\"/exams/banks\""),
        "the competitions section leads to the banks"
    );
    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/exams/banks",
            &[("unit_id", &branch), ("name", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("至少 2 个字符"));
    let r = app
        .post_form(
            &unitadmin,
            "/exams/banks",
            &[
                ("unit_id", &branch),
                ("name", "电工题库"),
                ("trade", "电工"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let bank: i64 = location
        .trim_start_matches("/exams/banks/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let template = app
        .get(&unitadmin, "/exams/banks/template.xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let headers = xlsx::read(&template)[0].clone();
    assert_eq!(&headers[..3], &["题型*", "题干*", "选项A"]);
    let good = xlsx::sheet(
        &["题型", "题干", "选项A", "选项B", "答案"],
        &[&["单选题", "安全电压一般不超过多少伏？", "36", "220", "A"]],
    );
    let bytes =
        |b: Vec<u8>, name: &str| reqwest::multipart::Part::bytes(b).file_name(name.to_owned());
    let csrf = app.token(&unitadmin).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .part("file", bytes(good, "电工.xlsx"));
    let html = unitadmin
        .post(app.url(&format!("/exams/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("已导入 1 道试题") && html.contains("安全电压一般不超过多少伏"),
        "{html}"
    );
    let bad = xlsx::sheet(
        &["题型", "题干", "答案"],
        &[&["判断题", "绝缘手套可以代替绝缘鞋。", "也许"]],
    );
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .part("file", bytes(bad, "错误.xlsx"));
    let r = unitadmin
        .post(app.url(&format!("/exams/banks/{bank}/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("第 2 行「答案」列：判断题答案「也许」无效")
    );
}

#[tokio::test]
async fn revising_a_question_adds_a_version_and_keeps_the_old_one() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let bank = new_bank(
        &app,
        &admin,
        json!({"unit_id": app.seed.federation, "name": "焊工题库"}),
    )
    .await;
    upload(&app, &admin, bank, "aiken.txt", AIKEN.as_bytes().to_vec()).await;
    let list = app
        .get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
        .await;
    let item = &list["items"][0];
    let id = item["id"].as_i64().unwrap();
    let mut question = item["question"].clone();
    question["stem"] = json!("焊接时产生咬边的最主要原因是？");
    question["points"] = json!(200);
    let r = admin
        .put(app.url(&format!("/api/v1/questions/{id}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"category": "焊接/工艺", "question": question, "reason": "题干更准确"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let revised: Value = r.json().await.unwrap();
    assert_eq!(revised["version"], 2);
    assert_ne!(revised["version_id"], item["version_id"]);
    let versions = app
        .get_json(&admin, &format!("/api/v1/questions/{id}/versions"))
        .await;
    assert_eq!(
        versions[0]["question"]["stem"], "焊接时产生咬边的主要原因是？",
        "version 1 is untouched"
    );
    assert_eq!(versions[1]["question"]["points"], 200);
    let entry = &app.audit("question.revise").await[0];
    assert_eq!(entry["reason"], "题干更准确");
    // A broken revision changes nothing.
    question["key"] = json!({"type": "choice", "correct": [7]});
    let r = admin
        .put(app.url(&format!("/api/v1/questions/{id}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"question": question}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .put(app.url(&format!("/api/v1/questions/{id}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"question": {"stem": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["code"],
        "malformed_question"
    );
    assert_eq!(
        app.get_json(&admin, &format!("/api/v1/questions/{id}/versions"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn papers_are_fixed_or_drawn_and_the_same_seed_gives_the_same_paper() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = app.token(&admin).await;
    let post = |path: &str, body: Value| {
        admin
            .post(app.url(path))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    let bank = post(
        "/api/v1/banks",
        json!({"unit_id": app.seed.federation, "name": "焊工题库"}),
    )
    .await
    .unwrap()
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let gift: String = (1..=12).map(|i| format!("$CATEGORY: $course$/top/焊接/{}\n\n::Q{i}:: 第 {i} 题：焊接是否需要防护？{{T}}\n\n", if i % 2 == 0 { "安全" } else { "工艺" })).collect();
    upload(&app, &admin, bank, "bank.gift", gift.into_bytes()).await;
    let ids: Vec<i64> = app
        .get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();

    let r = post("/api/v1/papers", json!({"bank_id": bank, "name": "焊工理论固定卷", "mode": "fixed", "question_ids": [ids[0], ids[1], ids[2]], "shuffle_questions": false, "pass_mark": 200})).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let fixed = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let preview = app
        .get_json(&admin, &format!("/api/v1/papers/{fixed}/preview?seed=7"))
        .await;
    let order: Vec<i64> = preview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        order,
        ids[..3].to_vec(),
        "a fixed paper without shuffling keeps its order"
    );
    assert_eq!(preview["total_points"], 300);

    let rules = json!([{"category": "焊接/安全", "kind": "true_false", "min_difficulty": 1, "max_difficulty": 5, "count": 4}, {"category": "焊接", "kind": null, "min_difficulty": 1, "max_difficulty": 5, "count": 5}]);
    let r = post("/api/v1/papers", json!({"bank_id": bank, "name": "焊工理论抽题卷", "mode": "drawn", "rules": rules, "pass_mark": 600})).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let drawn = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let a = app
        .get_json(&admin, &format!("/api/v1/papers/{drawn}/preview?seed=2026"))
        .await;
    let b = app
        .get_json(&admin, &format!("/api/v1/papers/{drawn}/preview?seed=2026"))
        .await;
    assert_eq!(a, b, "the same seed, the same paper");
    let mut got: Vec<i64> = a["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question_id"].as_i64().unwrap())
        .collect();
    assert_eq!(got.len(), 9);
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), 9, "no question twice");

    // Rules the bank cannot satisfy together are refused when the paper is made.
    let too_many = json!([{"category": "焊接/安全", "kind": null, "min_difficulty": 1, "max_difficulty": 5, "count": 5}, {"category": "焊接/安全", "kind": "true_false", "min_difficulty": 1, "max_difficulty": 5, "count": 2}]);
    let r = post(
        "/api/v1/papers",
        json!({"bank_id": bank, "name": "抽不出来的卷", "mode": "drawn", "rules": too_many}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["code"], "not_enough_questions");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("共需 7 题，符合条件的只有 6 题")
    );
    let r = post("/api/v1/papers", json!({"bank_id": bank, "name": "重复题", "mode": "fixed", "question_ids": [ids[0], ids[0]]})).await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["code"],
        "question_twice"
    );
    assert_eq!(app.audit("paper.create").await.len(), 2);
}

/// The one-pixel PNG of the role table, in base64 as Moodle carries files.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=";

/// A Moodle XML question as Moodle writes one with pictures: in the stem and in an option,
/// each an `<img>` on `@@PLUGINFILE@@` with the file beside the text.
fn moodle_with_pictures(stem_file: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>焊缝缺陷</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>图中焊缝的缺陷是？</p><p><img src="@@PLUGINFILE@@/{stem_file}" alt="焊缝"></p>]]></text>
      <file name="焊缝.png" path="/" encoding="base64">{PNG_BASE64}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p>咬边 <img src="@@PLUGINFILE@@/a.png"></p>]]></text>
      <file name="a.png" path="/" encoding="base64">{PNG_BASE64}</file></answer>
    <answer fraction="0" format="html"><text>气孔</text></answer>
  </question>
</quiz>
"#
    )
}

/// The picture ids that a text places (`[图片:12]`).
fn picture_ids(text: &str) -> Vec<i64> {
    text.split("[图片:")
        .skip(1)
        .filter_map(|rest| rest.split(']').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn moodle_xml_pictures_come_in_and_go_out_with_their_questions() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let bank = new_bank(
        &app,
        &admin,
        json!({"unit_id": app.seed.federation, "name": "焊工图片题库"}),
    )
    .await;
    // A picture the text shows but the file lacks: nothing is added, and the error says which.
    let r = upload(
        &app,
        &admin,
        bank,
        "bad.xml",
        moodle_with_pictures("缺失.png").into_bytes(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let field = &body["error"]["fields"][0];
    assert_eq!(field["code"], "picture_file_missing");
    assert!(
        field["message"].as_str().unwrap().contains("缺失.png"),
        "{field}"
    );
    let bad_base64 = moodle_with_pictures("焊缝.png").replace(
        &format!("<file name=\"焊缝.png\" path=\"/\" encoding=\"base64\">{PNG_BASE64}"),
        "<file name=\"焊缝.png\" path=\"/\" encoding=\"base64\">不是base64!",
    );
    let r = upload(&app, &admin, bank, "bad.xml", bad_base64.into_bytes()).await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["fields"][0]["code"],
        "picture_not_base64"
    );
    let total = |b: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            app.get_json(admin, &format!("/api/v1/banks/{b}/questions"))
                .await
        }
    };
    assert_eq!(total(bank).await["total"], 0);

    // The real file: both pictures stored with the bank and placed where the text had them.
    let r = upload(
        &app,
        &admin,
        bank,
        "bank.xml",
        moodle_with_pictures("%E7%84%8A%E7%BC%9D.png").into_bytes(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list = total(bank).await;
    let question = &list["items"][0]["question"];
    let stem = question["stem"].as_str().unwrap();
    assert!(stem.starts_with("图中焊缝的缺陷是？"), "{stem}");
    let in_stem = picture_ids(stem);
    let in_option = picture_ids(question["options"][0].as_str().unwrap());
    assert_eq!((in_stem.len(), in_option.len()), (1, 1), "{question}");
    for id in [in_stem[0], in_option[0]] {
        let r = app.get(&admin, &format!("/exams/images/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), crate::role_table::PNG);
    }

    // Out as Moodle XML with the files inside, and into another bank with new pictures.
    let xml = app
        .get(
            &admin,
            &format!("/api/v1/banks/{bank}/export?format=moodle"),
        )
        .await
        .text()
        .await
        .unwrap();
    let name = format!("picture-{}.png", in_stem[0]);
    assert!(xml.contains(&format!("@@PLUGINFILE@@/{name}")), "{xml}");
    assert!(xml.contains(&format!(
        "<file name=\"{name}\" path=\"/\" encoding=\"base64\">{PNG_BASE64}</file>"
    )));
    let second = new_bank(
        &app,
        &admin,
        json!({"unit_id": app.seed.federation, "name": "焊工图片题库（副本）"}),
    )
    .await;
    let r = upload(&app, &admin, second, "bank.xml", xml.into_bytes()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let copy = total(second).await;
    let copied = &copy["items"][0]["question"];
    let copied_stem = copied["stem"].as_str().unwrap();
    let new_ids = picture_ids(copied_stem);
    assert_eq!(new_ids.len(), 1);
    assert_ne!(new_ids[0], in_stem[0], "the copy has pictures of its own");
    assert_eq!(
        copied_stem.replace(&new_ids[0].to_string(), "N"),
        stem.replace(&in_stem[0].to_string(), "N")
    );
    let r = app
        .get(&admin, &format!("/exams/images/{}", new_ids[0]))
        .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), crate::role_table::PNG);
    assert_eq!(picture_ids(copied["options"][0].as_str().unwrap()).len(), 1);
}

/// Issue 12: text files saved by Chinese Office and Notepad (GB18030/GBK, UTF-16) or by
/// Western tools (Windows-1252) come in as written, and the answer says how they were read.
#[tokio::test]
async fn text_files_in_chinese_and_western_encodings_are_read_and_named() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let bank = new_bank(
        &app,
        &admin,
        json!({"unit_id": app.seed.federation, "name": "编码题库"}),
    )
    .await;
    let aiken = "焊接电流过大易产生？\nA. 咬边\nB. 气孔\nANSWER: A\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(aiken);
    let r = upload(&app, &admin, bank, "国标.txt", gbk.into_owned()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done, json!({"imported": 1, "encoding": "gb18030"}));
    let gift = "::Fusion:: La température de fusion de l'acier ? {=1538 °C ~1200 °C}\n";
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(gift);
    let r = upload(&app, &admin, bank, "acier.gift", cp1252.into_owned()).await;
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["encoding"], "windows-1252");
    let listed = app
        .get_json(&admin, &format!("/api/v1/banks/{bank}/questions"))
        .await;
    let stems: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question"]["stem"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        stems.contains(&"焊接电流过大易产生？".to_owned()),
        "{stems:?}"
    );
    assert!(stems.iter().any(|s| s.contains("température")), "{stems:?}");
}
