//! Registration for a track: a worker signs up on the pages and each level above approves or
//! returns; enrolments, quotas, eligibility and teams through the API; who sees what.

use crate::common::TestApp;
use crate::common::xlsx;
use reqwest::StatusCode;
use serde_json::json;

fn entry_id(r: &reqwest::Response) -> i64 {
    let location = r.headers()["location"].to_str().unwrap();
    location
        .trim_start_matches("/competitions/entries/")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_worker_signs_up_and_each_level_approves_or_returns_up_to_the_organiser() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app
        .fx()
        .competition_by(s.federation, "华江市职工技能大赛")
        .await;
    let track = app.fx().track(competition, "电工").await;
    let worker = app.login("worker").await;
    let unitadmin = app.login("unitadmin").await;
    let admin = app.login("admin").await;

    let (_, html) = app
        .get_text(&worker, &format!("/competitions/tracks/{track}"))
        .await;
    assert!(html.contains("我要报名"), "{html}");
    let signed = app
        .post_form(
            &worker,
            &format!("/competitions/tracks/{track}/entries"),
            &[],
        )
        .await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let id = entry_id(&signed);
    let page = format!("/competitions/entries/{id}");
    let (_, html) = app.get_text(&worker, &page).await;
    assert!(
        html.contains("审核中") && html.contains("待「炼钢厂分会」审核"),
        "{html}"
    );
    assert!(
        !html.contains("审核通过</button>"),
        "the entrant does not decide"
    );
    // Signing up twice is refused with the reason, on the track's page.
    let twice = app
        .post_form(
            &worker,
            &format!("/competitions/tracks/{track}/entries"),
            &[],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text().await.unwrap().contains("已报名本项目"));

    // The branch and the enterprise are kept by unitadmin: two approvals, one level each.
    let decide = |client, decision: &'static str, reason: &'static str| {
        let app = &app;
        let page = format!("{page}/decision");
        async move {
            app.post_form(client, &page, &[("decision", decision), ("reason", reason)])
                .await
        }
    };
    assert_eq!(
        decide(&unitadmin, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get_text(&unitadmin, &page).await;
    assert!(
        html.contains("待「华江钢铁集团有限公司工会」审核"),
        "{html}"
    );
    // A decision made on a page shown before the last change: refused, the page says why.
    let stale = app
        .post_form(
            &unitadmin,
            &format!("{page}/decision"),
            &[("decision", "approve"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert!(
        stale.text().await.unwrap().contains("errors"),
        "the entry page with a message"
    );
    assert_eq!(
        decide(&unitadmin, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    // Now it waits on the industry union, which unitadmin does not keep.
    assert_eq!(
        decide(&unitadmin, "approve", "").await.status(),
        StatusCode::FORBIDDEN
    );
    // Returning needs a reason; the federation admin keeps the industry union.
    let no_reason = decide(&admin, "return", "").await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().await.unwrap().contains("请填写原因"));
    assert_eq!(
        decide(&admin, "return", "请补充技能等级证书")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get_text(&worker, &page).await;
    assert!(
        html.contains("已退回") && html.contains("请补充技能等级证书"),
        "{html}"
    );
    let returned = app.audit("entry.return").await;
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0]["reason"], "请补充技能等级证书");

    // Sent again, it starts over at the branch and climbs to the federation, approved.
    let again = app
        .post_form(
            &worker,
            &format!("/competitions/tracks/{track}/entries"),
            &[],
        )
        .await;
    assert_eq!(entry_id(&again), id, "the same entry, renewed");
    for client in [&unitadmin, &unitadmin, &admin, &admin] {
        assert_eq!(
            decide(client, "approve", "").await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let (_, html) = app.get_text(&worker, &page).await;
    assert!(html.contains("已通过"), "{html}");
    let (_, mine) = app.get_text(&worker, "/competitions/entries").await;
    assert!(mine.contains("电工") && mine.contains("已通过"), "{mine}");
    // Nothing more to decide.
    assert_eq!(
        decide(&admin, "approve", "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn enrolments_keep_quotas_ages_and_teams_and_name_every_reason() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app.fx().competition("华江钢铁职工技能比武").await;
    let mut spec = app.fx().track_spec("焊工");
    spec.quota_per_unit = "1".into();
    spec.min_age = "18".into();
    spec.max_age = "40".into();
    let track = app.fx().track_from(competition, spec).await;
    let token = app.api_token("unitadmin").await;
    let path = format!("/api/v1/tracks/{track}/entries");

    let (status, body) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": s.worker.0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "birth_on", "{body}");
    let year = gongjiang_domain::clock::this_year() + 1;
    let (status, body) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": s.worker.0, "birth_on": format!("{}-01-01", year - 60)})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("60 岁") || body.to_string().contains("age_out_of_range"),
        "{body}"
    );

    // Enrolled by the enterprise's admin, whose enterprise organises: approved at once.
    let (status, worker_entry) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": s.worker.0, "birth_on": format!("{}-03-08", year - 30)})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{worker_entry}");
    assert_eq!(worker_entry["stage"], "approved");
    assert_eq!(app.audit("entry.enrol").await.len(), 1);

    // One place for the enterprise: the second is refused, naming the unit and the quota.
    let (status, body) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": s.target.0, "birth_on": format!("{}-03-08", year - 25)})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "quota_full", "{body}");
    assert!(
        body.to_string().contains("华江钢铁集团有限公司工会"),
        "{body}"
    );

    // A withdrawal frees the place.
    let (status, _) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/entries/{}/withdrawal", worker_entry["id"]),
            Some(json!({"reason": "岗位调整"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": s.target.0, "birth_on": format!("{}-03-08", year - 25)})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Someone outside the organiser's units cannot be entered, nor by an admin elsewhere.
    let outsider = app.fx().person(s.other_enterprise, "孙立", "").await;
    let admin_token = app.api_token("admin").await;
    let (status, body) = app
        .api(
            &admin_token,
            "POST",
            &path,
            Some(json!({"person_id": outsider, "birth_on": format!("{}-03-08", year - 25)})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["fields"][0]["code"],
        "entrant_outside_organiser"
    );
    let (status, _) = app
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"person_id": outsider, "birth_on": format!("{}-03-08", year - 25)})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "unitadmin does not keep the other enterprise"
    );

    // Team tracks: a team's name is needed, and a team holds its size.
    let mut spec = app.fx().track_spec("班组接力");
    spec.kind = "team".into();
    spec.team_size = "2".into();
    let team_track = app.fx().track_from(competition, spec).await;
    let team_path = format!("/api/v1/tracks/{team_track}/entries");
    let (status, body) = app
        .api(
            &token,
            "POST",
            &team_path,
            Some(json!({"person_id": s.worker.0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "team_required");
    let (status, _) = app
        .api(
            &token,
            "POST",
            &team_path,
            Some(json!({"person_id": s.worker.0, "team": "钢花队"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app
        .api(
            &token,
            "POST",
            &team_path,
            Some(json!({"person_id": s.target.0, "team": "钢花队"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let third = app.fx().person(s.branch, "吴刚", "").await;
    let (status, body) = app
        .api(
            &token,
            "POST",
            &team_path,
            Some(json!({"person_id": third, "team": "钢花队"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "team_full");
}

#[tokio::test]
async fn entrants_see_their_own_entries_and_admins_their_units() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app
        .fx()
        .competition_by(s.federation, "华江市职工技能大赛")
        .await;
    let track = app.fx().track(competition, "钳工").await;
    let worker = app.api_token("worker").await;
    let (status, entry) = app
        .api(
            &worker,
            "POST",
            &format!("/api/v1/tracks/{track}/entries"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    assert_eq!(entry["stage"], "pending");
    let one = format!("/api/v1/entries/{}", entry["id"]);
    let list = format!("/api/v1/tracks/{track}/entries");

    let target = app.api_token("target").await;
    assert_eq!(
        app.api(&target, "GET", &one, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(&worker, "GET", &list, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, mine) = app.api(&worker, "GET", "/api/v1/my/entries", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, detail) = app.api(&worker, "GET", &one, None).await;
    assert_eq!(detail["can_decide"], false);
    assert_eq!(detail["steps"][0]["decision"], "submit");

    // The enterprise's admin sees it and decides; it waits on their branch.
    let unitadmin = app.api_token("unitadmin").await;
    let (_, inbox) = app
        .api(&unitadmin, "GET", "/api/v1/entry-inbox", None)
        .await;
    assert_eq!(inbox["total"], 1, "{inbox}");
    let (_, detail) = app.api(&unitadmin, "GET", &one, None).await;
    assert_eq!(detail["can_decide"], true);
    // A stale If-Match is refused; without one the decision goes through.
    let decisions = format!("{one}/decisions");
    let (status, _, _) = app
        .api_with(
            &unitadmin,
            "POST",
            &decisions,
            &[("If-Match", "\"1\"")],
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, moved) = app
        .api_with(
            &unitadmin,
            "POST",
            &decisions,
            &[],
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["at_unit_id"], s.enterprise);

    let (_, all) = app
        .api(&app.api_token("admin").await, "GET", &list, None)
        .await;
    assert_eq!(all["total"], 1);
    let (_, waiting) = app
        .api(&unitadmin, "GET", &format!("{list}?waiting=true"), None)
        .await;
    assert_eq!(waiting["total"], 1);
    // The stage filter: nothing is approved yet.
    let (_, theirs) = app
        .api(&unitadmin, "GET", &format!("{list}?stage=approved"), None)
        .await;
    assert_eq!(theirs["total"], 0);
}

#[tokio::test]
async fn an_enrolment_sheet_with_one_bad_row_enters_nobody_and_names_every_bad_row() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app.fx().competition("华江钢铁职工技能比武").await;
    let mut spec = app.fx().track_spec("数控车工");
    spec.quota_per_unit = "2".into();
    let track = app.fx().track_from(competition, spec).await;
    for (name, no) in [("钱一", "A001"), ("钱二", "A002"), ("钱三", "A003")] {
        app.fx().person(s.branch, name, no).await;
    }
    app.fx().person(s.other_enterprise, "孙立", "Q001").await;
    let token = app.api_token("unitadmin").await;
    let headers = ["单位编码", "工号", "姓名", "队名", "出生日期"];
    let bad = xlsx::sheet(
        &headers,
        &[
            &["HJGT-01", "A001", "钱一", "", ""],
            &["HJGT-01", "A002", "钱二", "", ""],
            &["HJGT-01", "A003", "钱三", "", ""],
            &["HJGT-01", "Z999", "", "", ""],
            &["HJQC", "Q001", "孙立", "", ""],
            &["HJGT-01", "A003", "钱叁", "", "1990-02-30"],
        ],
    );
    let path = format!("/api/v1/tracks/{track}/entries/import");
    let (status, body) = app.api_upload(&token, &path, "报名表.xlsx", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = body.to_string();
    for needed in [
        "quota_full",
        "unknown_employee_no",
        "not_in_your_units",
        "not_a_day",
    ] {
        assert!(text.contains(needed), "{needed} in {text}");
    }
    let (_, list) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/tracks/{track}/entries"),
            None,
        )
        .await;
    assert_eq!(list["total"], 0, "nothing is entered: {list}");

    // The same through the page: every bad row in the user's language.
    let client = app.login("unitadmin").await;
    let csrf = app
        .csrf(&client, &format!("/competitions/tracks/{track}/entries"))
        .await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(xlsx::sheet(&headers, &[&["HJGT-01", "Z999", "", "", ""]]))
            .file_name("报名表.xlsx"),
    );
    let page = client
        .post(app.url(&format!("/competitions/tracks/{track}/entries/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert!(html.contains("Z999"), "{html}");

    let good = xlsx::sheet(
        &headers,
        &[
            &["HJGT-01", "A001", "钱一", "", ""],
            &["HJGT-01", "A002", "", "", ""],
        ],
    );
    let (status, body) = app.api_upload(&token, &path, "报名表.xlsx", good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], 2);
    let (_, list) = app
        .api(
            &token,
            "GET",
            &format!("/api/v1/tracks/{track}/entries?stage=approved"),
            None,
        )
        .await;
    assert_eq!(
        list["total"], 2,
        "enrolled by the organiser's admin: approved"
    );
    let template = client
        .get(app.url(&format!(
            "/competitions/tracks/{track}/entries/template.xlsx"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    let rows = xlsx::read(&template.bytes().await.unwrap());
    assert_eq!(rows[0][..2], ["单位编码*".to_owned(), "工号*".to_owned()]);
}

#[tokio::test]
async fn approved_entrants_become_the_entrants_of_the_theory_exam() {
    let app = TestApp::spawn().await;
    let s = app.seed.clone();
    let competition = app.fx().competition("华江钢铁职工技能比武").await;
    let track = app.fx().track(competition, "电焊工").await;
    let exam = app.fx().exam(s.branch, vec![s.other_enterprise]).await;
    let token = app.api_token("unitadmin").await;
    let enter = |person: i64| {
        let (app, token) = (&app, &token);
        async move {
            app.api(
                token,
                "POST",
                &format!("/api/v1/tracks/{track}/entries"),
                Some(json!({ "person_id": person })),
            )
            .await
        }
    };
    let (_, worker_entry) = enter(s.worker.0).await;
    assert_eq!(worker_entry["stage"], "approved");
    let (status, linked) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/tracks/{track}/exam-session"),
            Some(json!({ "exam_session_id": exam.session })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked["seated"], 1);
    let sitting = |person: i64| {
        let (app, token, session) = (&app, &token, exam.session);
        async move {
            let (_, body) = app
                .api(
                    token,
                    "GET",
                    &format!("/api/v1/exam-sessions/{session}"),
                    None,
                )
                .await;
            body["entrants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["person_id"] == person)
        }
    };
    assert!(sitting(s.worker.0).await);
    // Approved later: seated at once. Withdrawn: taken off.
    enter(s.target.0).await;
    assert!(sitting(s.target.0).await);
    let (status, _) = app
        .api(
            &token,
            "POST",
            &format!("/api/v1/entries/{}/withdrawal", worker_entry["id"]),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!sitting(s.worker.0).await);
    // The worker may not link exams; a track without a theory round cannot be linked.
    let worker = app.api_token("worker").await;
    let (status, _) = app
        .api(
            &worker,
            "PUT",
            &format!("/api/v1/tracks/{track}/exam-session"),
            Some(json!({ "exam_session_id": exam.session })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut spec = app.fx().track_spec("实操专项");
    spec.theory_weight = String::new();
    spec.practical_weight = "100".into();
    let practical_only = app.fx().track_from(competition, spec).await;
    let (status, body) = app
        .api(
            &token,
            "PUT",
            &format!("/api/v1/tracks/{practical_only}/exam-session"),
            Some(json!({ "exam_session_id": exam.session })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "track_without_theory");
}
