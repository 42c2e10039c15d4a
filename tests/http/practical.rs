//! The practical round end to end over HTTP: criteria and rule, a panel with a chief judge,
//! the draw, judges scoring by number (conflicts found from the union tree), idempotent saves
//! and corrections, closing, reopening, the chief judge's confirmation, and the results with
//! their traces.

use crate::common::{TestApp, user, xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_panel_scores_by_number_with_conflicts_found_and_every_score_traced() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app
        .fx()
        .competition_by(s.federation, "华江市职工技能大赛")
        .await;
    let track = app.fx().track(competition, "焊工").await;
    let admin = app.api_token("admin").await;
    // Entrants: four of the steel group (its branch), two of the car group.
    let mut entrants = Vec::new();
    for (unit, name) in [
        (s.branch, "钱一"),
        (s.branch, "钱二"),
        (s.branch, "钱三"),
        (s.branch, "钱四"),
        (s.other_enterprise, "孙一"),
        (s.other_enterprise, "孙二"),
    ] {
        let person = app.fx().person(unit, name, "").await;
        let (status, entry) = app
            .api(
                &admin,
                "POST",
                &format!("/api/v1/tracks/{track}/entries"),
                Some(json!({ "person_id": person })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        assert_eq!(entry["stage"], "approved");
        entrants.push((entry["id"].as_i64().unwrap(), unit));
    }
    // Judges: the federation's judge (chief), a steel-group leader, a car-group expert and two
    // more from the federation's office.
    for (unit, name, username) in [
        (s.other_enterprise, "周工", "zhoujudge"),
        (s.federation, "吴工", "wujudge"),
        (s.federation, "郑工", "zhengjudge"),
    ] {
        user(app.db(), unit, name, username, Some("judge")).await;
    }

    let base = format!("/api/v1/tracks/{track}");
    let (status, setup) = app
        .api(
            &admin,
            "PUT",
            &format!("{base}/practical"),
            Some(json!({
                "criteria": "操作规范 40\n焊点质量 40\n按时完成 20\n安全违规 -10",
                "aggregation": "drop_highest_lowest",
                "min_judges": "3"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let criteria: Vec<i64> = setup["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(criteria.len(), 4);
    let (status, bad) = app
        .api(
            &admin,
            "PUT",
            &format!("{base}/practical"),
            Some(json!({ "criteria": "操作规范", "min_judges": "0" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["fields"].as_array().unwrap().len(), 2, "{bad}");

    let (status, panel) = app
        .api(
            &admin,
            "POST",
            &format!("{base}/panels"),
            Some(json!({ "name": "第一组" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{panel}");
    let panel = panel["id"].as_i64().unwrap();
    let (status, judges) = app
        .api(
            &admin,
            "PUT",
            &format!("/api/v1/panels/{panel}/judges"),
            Some(json!({ "judges": [
                { "username": "judge", "chief": true },
                { "username": "leader" },
                { "username": "zhoujudge" },
                { "username": "wujudge" },
                { "username": "zhengjudge" }
            ] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{judges}");
    let (status, drawn) = app.api(&admin, "POST", &format!("{base}/draw"), None).await;
    assert_eq!(status, StatusCode::OK, "{drawn}");
    assert!(!drawn["draw_seed"].as_str().unwrap().is_empty());

    // The leader works in the steel group's branch: stands aside for its four entrants.
    let leader = app.api_token("leader").await;
    let (status, sheet) = app
        .api(
            &leader,
            "GET",
            &format!("/api/v1/panels/{panel}/sheet"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sheet}");
    let lines = sheet["lines"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 6);
    let steel: Vec<i64> = entrants
        .iter()
        .filter(|(_, u)| *u == s.branch)
        .map(|(e, _)| *e)
        .collect();
    for line in &lines {
        let on_steel = steel.contains(&line["entry_id"].as_i64().unwrap());
        assert_eq!(line["recused"].is_null(), !on_steel, "{line}");
    }
    // Four judges remain for the steel entrants and three for the car group's: enough for 3.
    assert_eq!(sheet["short"].as_array().unwrap().len(), 0, "{sheet}");
    // The judge's page shows numbers, never names.
    let leader_page = app.login("leader").await;
    let (_, html) = app
        .get_text(&leader_page, &format!("/judging/panels/{panel}"))
        .await;
    assert!(
        html.contains("号选手") && !html.contains("钱一") && !html.contains("孙一"),
        "{html}"
    );

    let save = |token: &str, entry: i64, criterion: i64, points: &str, correction: Option<&str>| {
        let (app, token) = (&app, token.to_owned());
        let mut body = json!({ "entry_id": entry, "criterion_id": criterion, "points": points });
        if let Some(c) = correction {
            body["correction"] = json!(c);
        }
        async move {
            app.api(
                &token,
                "POST",
                &format!("/api/v1/panels/{panel}/scores"),
                Some(body),
            )
            .await
        }
    };
    let code = |r: &(StatusCode, Value)| r.1["error"]["fields"][0]["code"].clone();
    let car = entrants[4].0;
    let r = save(&leader, car, criteria[0], "41", None).await;
    assert_eq!(
        (r.0, code(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("above_maximum"))
    );
    let r = save(&leader, steel[0], criteria[0], "30", None).await;
    assert_eq!(code(&r), json!("judge_recused"));
    let r = save(&leader, 999_999, criteria[0], "30", None).await;
    assert_eq!(code(&r), json!("not_on_panel"));
    let worker = app.api_token("worker").await;
    let r = save(&worker, car, criteria[0], "30", None).await;
    assert_eq!(r.0, StatusCode::FORBIDDEN);
    let r = save(&leader, car, criteria[0], "35.5", None).await;
    assert_eq!((r.0, r.1["saved"].clone()), (StatusCode::OK, json!("new")));
    let r = save(&leader, car, criteria[0], "35.5", None).await;
    assert_eq!(r.1["saved"], "same", "a retry changes nothing");
    let r = save(&leader, car, criteria[0], "36", None).await;
    assert_eq!(code(&r), json!("score_already_entered"));
    let r = save(&leader, car, criteria[0], "36", Some("看错行")).await;
    assert_eq!(r.1["saved"], "corrected");
    let corrected = app.audit("score.correct").await;
    assert_eq!(corrected.len(), 1);
    assert_eq!(corrected[0]["reason"], "看错行");

    // Every free judge scores the car group's first entrant (the car expert stands aside):
    // four totals, and dropping needs five, so the plain mean, which the trace says.
    let totals = [
        ("judge", "40"),
        ("leader", "40"),
        ("wujudge", "30"),
        ("zhengjudge", "20"),
    ];
    for (username, second) in totals {
        let token = app.api_token(username).await;
        let first = if username == "leader" { "36" } else { "40" };
        for (criterion, points) in [(0, first), (1, second), (2, "10"), (3, "0")] {
            let r = save(&token, car, criteria[criterion], points, None).await;
            assert_eq!(r.0, StatusCode::OK, "{username} {criterion}: {}", r.1);
        }
    }
    let chief = app.api_token("judge").await;
    let (status, results) = app
        .api(
            &chief,
            "GET",
            &format!("/api/v1/panels/{panel}/results"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let scored = results["scores"]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"] == car)
        .unwrap()
        .clone();
    // Totals: 40+40+10 = 90, 36+40+10 = 86, 40+30+10 = 80, 40+20+10 = 70 → mean 81.5.
    assert_eq!(scored["score"], "81.5", "{scored}");
    assert!(
        scored["trace"]["notes"]
            .to_string()
            .contains("too_few_to_drop"),
        "{scored}"
    );
    assert!(
        scored["trace"]["lines"].to_string().contains("recused"),
        "{scored}"
    );
    // The export holds enough to recompute the score with a spreadsheet: the mean of the
    // totals marked as counted, rounded to three places, as the results sheet says.
    let export = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/panels/{panel}/results/export")))
        .bearer_auth(&chief)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let bytes = export.bytes().await.unwrap();
    let finals = xlsx::read_sheet(&bytes, 0);
    let detail = xlsx::read_sheet(&bytes, 1);
    let number = results["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["entry_id"] == car)
        .unwrap()["number"]
        .to_string();
    let total_at = detail[0].iter().position(|h| h == "合计").unwrap();
    let status_at = detail[0].iter().position(|h| h == "计分状态").unwrap();
    let counted: Vec<f64> = detail
        .iter()
        .skip(1)
        .filter(|row| row[0] == number && row[status_at] == "计入")
        .map(|row| row[total_at].parse().unwrap())
        .collect();
    let recomputed = (counted.iter().sum::<f64>() / counted.len() as f64 * 1000.0).round() / 1000.0;
    let final_row = finals.iter().find(|row| row[0] == number).unwrap();
    assert_eq!(
        final_row[3].parse::<f64>().unwrap(),
        recomputed,
        "{finals:?}"
    );
    assert_eq!(recomputed, 81.5);
    assert_eq!(
        app.api(
            &leader,
            "GET",
            &format!("/api/v1/panels/{panel}/results"),
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN,
        "only the chief judge and the organisers read the results"
    );

    // Closing: by the chief judge; then no more scores; the organisers reopen with a reason.
    let state = format!("/api/v1/panels/{panel}/state");
    assert_eq!(
        app.api(&leader, "POST", &state, Some(json!({ "open": false })))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, closed) = app
        .api(&chief, "POST", &state, Some(json!({ "open": false })))
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let r = save(&leader, entrants[5].0, criteria[0], "30", None).await;
    assert_eq!(code(&r), json!("panel_closed"));
    let r = app
        .api(&admin, "POST", &state, Some(json!({ "open": true })))
        .await;
    assert_eq!(r.1["error"]["fields"][0]["code"], "reason_required");
    let r = app
        .api(
            &admin,
            "POST",
            &state,
            Some(json!({ "open": true, "reason": "补录一项" })),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK);
    let r = save(&leader, entrants[5].0, criteria[0], "30", None).await;
    assert_eq!(r.0, StatusCode::OK);
    app.api(&chief, "POST", &state, Some(json!({ "open": false })))
        .await;
    let confirm = format!("/api/v1/panels/{panel}/confirmation");
    assert_eq!(
        app.api(&admin, "POST", &confirm, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, confirmed) = app.api(&chief, "POST", &confirm, None).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert!(!confirmed["confirmed_at"].is_null());
    let r = app
        .api(
            &admin,
            "POST",
            &state,
            Some(json!({ "open": true, "reason": "再改" })),
        )
        .await;
    // Reopening a confirmed panel (the results still open) withdraws the confirmation.
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert!(r.1["confirmed_at"].is_null() && r.1["closed_at"].is_null());
    app.api(&chief, "POST", &state, Some(json!({ "open": false })))
        .await;
    let (status, _) = app.api(&chief, "POST", &confirm, None).await;
    assert_eq!(status, StatusCode::OK);
    // Criteria and the draw are fixed once scored.
    let (status, _) = app.api(&admin, "POST", &format!("{base}/draw"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The organisers' results page shows the trace in words.
    let admin_page = app.login("admin").await;
    let (status, html) = app
        .get_text(
            &admin_page,
            &format!("/competitions/panels/{panel}/results"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("81.5") && html.contains("回避"), "{html}");
}

#[tokio::test]
async fn results_rank_with_the_written_tie_rule_and_give_prizes_exactly() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app
        .fx()
        .competition_by(s.federation, "华江市职工技能大赛")
        .await;
    let mut spec = app.fx().track_spec("钳工");
    spec.theory_weight = String::new();
    spec.practical_weight = "100".into();
    spec.prizes = gongjiang_domain::competition::tier_lines("一等奖 1\n二等奖 1");
    spec.team_best = "2".into();
    spec.team_prizes = gongjiang_domain::competition::tier_lines("团体一等奖 1");
    let track = app.fx().track_from(competition, spec).await;
    let admin = app.api_token("admin").await;
    let mut entries = Vec::new();
    for name in ["甲", "乙", "丙"] {
        let person = app
            .fx()
            .person(s.other_enterprise, &format!("孙{name}"), "")
            .await;
        let (_, entry) = app
            .api(
                &admin,
                "POST",
                &format!("/api/v1/tracks/{track}/entries"),
                Some(json!({ "person_id": person })),
            )
            .await;
        entries.push(entry["id"].as_i64().unwrap());
    }
    let base = format!("/api/v1/tracks/{track}");
    let (_, setup) = app
        .api(
            &admin,
            "PUT",
            &format!("{base}/practical"),
            Some(json!({ "criteria": "操作 50" })),
        )
        .await;
    let criterion = setup["criteria"][0]["id"].as_i64().unwrap();
    let (_, panel) = app
        .api(
            &admin,
            "POST",
            &format!("{base}/panels"),
            Some(json!({ "name": "一组" })),
        )
        .await;
    let panel = panel["id"].as_i64().unwrap();
    app.api(
        &admin,
        "PUT",
        &format!("/api/v1/panels/{panel}/judges"),
        Some(json!({ "judges": [{ "username": "judge", "chief": true }] })),
    )
    .await;
    app.api(&admin, "POST", &format!("{base}/draw"), None).await;
    let judge = app.api_token("judge").await;
    // Out of 50: 45, 40, 40 → out of 100: 90, 80, 80.
    for (entry, points) in entries.iter().zip(["45", "40", "40"]) {
        let (status, body) = app
            .api(
                &judge,
                "POST",
                &format!("/api/v1/panels/{panel}/scores"),
                Some(json!({ "entry_id": entry, "criterion_id": criterion, "points": points })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, results) = app
        .api(&admin, "GET", &format!("{base}/results"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let line = |entry: i64| {
        results["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["entry_id"] == entry)
            .unwrap()
            .clone()
    };
    assert_eq!(line(entries[0])["combined"], "90");
    assert_eq!(
        (
            line(entries[0])["rank"].clone(),
            line(entries[0])["prize"].clone()
        ),
        (json!(1), json!("一等奖"))
    );
    // The two at 80 tie on every rule: they share rank 2 and, across the last boundary, both
    // take the second prize.
    for entry in &entries[1..] {
        assert_eq!(line(*entry)["rank"], 2);
        assert_eq!(line(*entry)["prize"], "二等奖");
    }
    assert_eq!(results["teams"][0]["score"], "170", "{results}");
    assert_eq!(results["teams"][0]["prize"], "团体一等奖");
    assert_eq!(results["unscored"], 0);
    // The same as a workbook: a row per entrant and a sheet of units for the team prize.
    let export = reqwest::Client::new()
        .get(app.url(&format!("{base}/results/export")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let bytes = export.bytes().await.unwrap();
    let sheet = xlsx::read_sheet(&bytes, 0);
    assert_eq!(sheet[0][0], "名次");
    assert_eq!(sheet.len(), 4, "{sheet:?}");
    assert_eq!(sheet[1][6..], ["90".to_owned(), "一等奖".to_owned()]);
    assert_eq!(xlsx::read_sheet(&bytes, 1)[1][4], "团体一等奖");
    let judge_page = app
        .api(&judge, "GET", &format!("{base}/results"), None)
        .await;
    assert_eq!(
        judge_page.0,
        StatusCode::FORBIDDEN,
        "results are the organisers' until the notice"
    );
    let (status, html) = app
        .get_text(
            &app.login("admin").await,
            &format!("/competitions/tracks/{track}/results"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("孙甲") && html.contains("一等奖"), "{html}");
}
