//! The statistics page: counts that match the data, the summary sentence, and the export.

use crate::common::{TestApp, xlsx};
use gongjiang_app::Caller;
use reqwest::StatusCode;

#[tokio::test]
async fn statistics_count_what_was_recorded_and_export_it() {
    let app = TestApp::spawn().await;
    let system = Caller::system("test");
    let db = app.db();
    let studio = |unit: i64, name: &str| {
        let name = name.to_owned();
        async move {
            gongjiang_app::studios::create(
                db,
                &system_caller(),
                gongjiang_app::studios::StudioInput {
                    unit_id: unit,
                    leader_person_id: None,
                    profile: gongjiang_domain::registry::studio::StudioProfileInput {
                        name,
                        fields: vec!["ai".into()],
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap()
            .id
        }
    };
    let year = gongjiang_domain::clock::this_year();
    let level = |level: &str, y: i32| gongjiang_app::studios::LevelInput {
        level: level.into(),
        year: y.to_string(),
        granted_by: "华江市总工会".into(),
        note: String::new(),
    };
    let a = studio(app.seed.branch, "甲创新工作室").await;
    let b = studio(app.seed.enterprise, "乙创新工作室").await;
    let c = studio(app.seed.other_enterprise, "丙创新工作室").await;
    gongjiang_app::studios::record_level(db, &system, a, level("demonstration", year))
        .await
        .unwrap();
    gongjiang_app::studios::record_level(db, &system, b, level("municipal", year - 1))
        .await
        .unwrap();
    gongjiang_app::studios::record_level(db, &system, c, level("municipal", year))
        .await
        .unwrap();
    for (title, tier) in [
        ("成果一号工艺", "first"),
        ("成果二号工艺", "second"),
        ("成果三号工艺", "second"),
    ] {
        let id = gongjiang_app::achievements::create(
            db,
            &system,
            gongjiang_app::achievements::AchievementInput {
                unit_id: app.seed.branch,
                text: gongjiang_domain::registry::achievement::AchievementTextInput {
                    title: title.into(),
                    kind: "original".into(),
                    field: "ai".into(),
                    year: year.to_string(),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        gongjiang_app::achievements::add_award(
            db,
            &system,
            id,
            gongjiang_domain::registry::achievement::AwardInput {
                name: "职工技术创新成果奖".into(),
                tier: tier.into(),
                granted_by: "华江市总工会".into(),
                year: year.to_string(),
            },
        )
        .await
        .unwrap();
    }
    // The federation sees all three studios; the unit admin only their enterprise's two.
    let admin = app.login("admin").await;
    let (status, html) = app.get_text(&admin, "/statistics").await;
    assert_eq!(status, StatusCode::OK);
    let summary = html
        .split("id=\"summary\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert!(
        summary.contains("市级示范性工作室 1 个、市级工作室 2 个"),
        "{summary}"
    );
    assert!(summary.contains("1项一等奖、2项二等奖"), "{summary}");
    assert!(html.contains("<svg class=\"chart\""));
    let unitadmin = app.login("unitadmin").await;
    let (_, html) = app.get_text(&unitadmin, "/statistics").await;
    let summary = html
        .split("id=\"summary\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert!(
        summary.contains("市级示范性工作室 1 个、市级工作室 1 个"),
        "{summary}"
    );
    // The export has the summary and a sheet per table.
    let r = app.get(&admin, "/statistics/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let first = xlsx::read(&bytes);
    assert!(first[1][0].contains("一等奖"));
    // A worker sees the overview, not the numbers.
    let worker = app.login("worker").await;
    let (_, html) = app.get_text(&worker, "/statistics").await;
    assert!(!html.contains("id=\"summary\""));
    assert_eq!(
        app.get(&worker, "/statistics/export.xlsx").await.status(),
        StatusCode::FORBIDDEN
    );
}

fn system_caller() -> Caller {
    Caller::system("test")
}
