//! A studio star evaluation on the review engine: experts score by criteria (an expert never
//! scores a studio of their own unit), the rule aggregates with a trace, thresholds propose
//! promotion or exit, and staff confirm each proposal into the studio's history.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn line(page: &Value, studio: i64) -> Value {
    page["studios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["studio_id"] == studio)
        .unwrap_or_else(|| panic!("studio {studio} in {page}"))
        .clone()
}

#[tokio::test]
async fn experts_score_studios_and_staff_confirm_the_proposals_into_their_history() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    // One studio in the steel group's branch (where `leader` works), one in the car group.
    let steel = app.fx().studio("钢铁焊接创新工作室").await;
    let mut spec = app.fx().studio_spec("汽车电控创新工作室");
    spec.unit_id = s.other_enterprise;
    let car = app.fx().studio_from(spec).await;
    let admin = app.api_token("admin").await;
    let (status, bad) = app
        .api(
            &admin,
            "POST",
            "/api/v1/star-cycles",
            Some(
                json!({ "unit_id": s.federation, "year": "2026", "name": "年度星级评定",
                "criteria": "创新成果 40", "exit_below": "60", "three_stars": "80",
                "four_stars": "75", "five_stars": "92", "experts": "nobody" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"five_stars") && fields.contains(&"experts"),
        "{bad}"
    );
    let (status, cycle) = app
        .api(
            &admin,
            "POST",
            "/api/v1/star-cycles",
            Some(
                json!({ "unit_id": s.federation, "year": "2026", "name": "2026年度工作室星级评定",
                "criteria": "创新成果 40\n人才培养 30\n管理 20\n经费使用 10",
                "exit_below": "60", "three_stars": "75", "four_stars": "85", "five_stars": "92",
                "experts": "judge\nleader" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cycle}");
    let id = cycle["id"].as_i64().unwrap();
    let scores = format!("/api/v1/star-cycles/{id}/scores");

    // The judge (the federation's office) scores both; the leader stands aside for the
    // studio of their own branch and scores the other.
    let judge = app.api_token("judge").await;
    let leader = app.api_token("leader").await;
    let (status, body) = app
        .api(
            &judge,
            "POST",
            &scores,
            Some(json!({ "studio_id": steel, "points": ["36", "27", "18", "9"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = app
        .api(
            &judge,
            "POST",
            &scores,
            Some(json!({ "studio_id": car, "points": ["41", "27", "18", "9"] })),
        )
        .await;
    assert_eq!(
        body["error"]["fields"][0]["code"], "above_maximum",
        "{body}"
    );
    app.api(
        &judge,
        "POST",
        &scores,
        Some(json!({ "studio_id": car, "points": ["20", "20", "10", "5"] })),
    )
    .await;
    let (_, body) = app
        .api(
            &leader,
            "POST",
            &scores,
            Some(json!({ "studio_id": steel, "points": ["40", "30", "20", "10"] })),
        )
        .await;
    assert_eq!(
        body["error"]["fields"][0]["code"], "judge_recused",
        "{body}"
    );
    let (status, _) = app
        .api(
            &leader,
            "POST",
            &scores,
            Some(json!({ "studio_id": car, "points": ["10", "20", "10", "5"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Someone outside the cycle is told it does not exist.
    let worker = app.api_token("worker").await;
    let (status, _) = app
        .api(&worker, "GET", &format!("/api/v1/star-cycles/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, page) = app
        .api(&admin, "GET", &format!("/api/v1/star-cycles/{id}"), None)
        .await;
    let steel_line = line(&page, steel);
    assert_eq!(steel_line["result"]["score"], "90");
    assert_eq!(
        steel_line["proposal"],
        json!({ "change": "promote", "from": 0, "to": 4 })
    );
    assert!(
        steel_line["recused"].to_string().contains("own_subtree"),
        "{steel_line}"
    );
    let statuses: Vec<&str> = steel_line["result"]["trace"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"counted") && statuses.contains(&"recused"),
        "{statuses:?}"
    );
    let car_line = line(&page, car);
    assert_eq!(car_line["result"]["score"], "50", "mean of 55 and 45");
    assert_eq!(car_line["proposal"]["change"], "exit");

    // Confirming needs scoring closed; then each proposal goes into the studio's history.
    let confirm = |studio: i64| format!("/api/v1/star-cycles/{id}/studios/{studio}/confirmation");
    let (_, body) = app.api(&admin, "POST", &confirm(steel), None).await;
    assert_eq!(body["error"]["fields"][0]["code"], "cycle_open");
    let (status, _) = app
        .api(
            &judge,
            "POST",
            &format!("/api/v1/star-cycles/{id}/close"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "experts do not close");
    let (status, _) = app
        .api(
            &admin,
            "POST",
            &format!("/api/v1/star-cycles/{id}/close"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = app
        .api(
            &judge,
            "POST",
            &scores,
            Some(json!({ "studio_id": steel, "points": ["40", "30", "20", "10"] })),
        )
        .await;
    assert_eq!(body["error"]["fields"][0]["code"], "cycle_closed");
    let (status, confirmed) = app.api(&admin, "POST", &confirm(steel), None).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["confirmation"]["stars"], 4);
    let (_, again) = app.api(&admin, "POST", &confirm(steel), None).await;
    assert_eq!(again["error"]["fields"][0]["code"], "already_confirmed");
    let (_, studio) = app
        .api(&admin, "GET", &format!("/api/v1/studios/{steel}"), None)
        .await;
    assert_eq!(studio["studio"]["stars"], 4, "{studio}");
    assert!(
        studio.to_string().contains("2026年度工作室星级评定"),
        "the cycle is the rating's source: {studio}"
    );
    let (status, _) = app.api(&admin, "POST", &confirm(car), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, studio) = app
        .api(&admin, "GET", &format!("/api/v1/studios/{car}"), None)
        .await;
    assert_eq!(studio["studio"]["status"], "exited", "{studio}");

    // The page shows it to its keepers.
    let page = app.login("admin").await;
    let (status, html) = app
        .get_text(&page, &format!("/innovation/star-cycles/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("钢铁焊接创新工作室") && html.contains("已确认") && html.contains("升星"),
        "{html}"
    );
}
