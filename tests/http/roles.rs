//! Every route refuses every role that must not use it. The table below is checked against the
//! router file, so a new route cannot be added without saying who may use it.

use crate::common::{TestApp, xlsx};
use reqwest::{Client, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Federation and unit admins (the targets lie in the unit admin's subtree).
    Admins,
    /// Federation admins only.
    FederationAdmin,
    /// Those who run or grade exams: admins, and judges (graded at the federation).
    Graders,
    /// Only the worker whose attempt it is (others are told it does not exist, or refused).
    Owner,
    /// Keepers of the bank, and the worker whose started attempt shows the picture.
    Sitters,
}

/// The smallest PNG: one transparent pixel.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// (method, path as in the router, path to call, body, who may use it)
type Rule = (
    &'static str,
    &'static str,
    String,
    Vec<(&'static str, String)>,
    Access,
);

#[allow(clippy::too_many_arguments)]
fn table(
    app: &TestApp,
    grant_id: i64,
    api_grant_id: i64,
    bank: i64,
    question: i64,
    paper: i64,
    session: i64,
    attempt: i64,
    picture: i64,
) -> Vec<Rule> {
    use Access::*;
    let s = &app.seed;
    let unit = s.branch;
    let person = s.target.0;
    let user = s.target.1;
    let branch = s.branch.to_string();
    let enterprise = s.enterprise.to_string();
    vec![
        ("GET", "/", "/".into(), vec![], Public),
        ("GET", "/login", "/login".into(), vec![], Public),
        (
            "POST",
            "/login",
            "/login".into(),
            vec![
                ("username", "nobody".into()),
                ("password", "wrong-password-0".into()),
            ],
            Public,
        ),
        ("GET", "/lang/{code}", "/lang/en".into(), vec![], Public),
        ("GET", "/innovation", "/innovation".into(), vec![], Public),
        ("GET", "/challenges", "/challenges".into(), vec![], Public),
        (
            "GET",
            "/competitions",
            "/competitions".into(),
            vec![],
            Public,
        ),
        ("GET", "/statistics", "/statistics".into(), vec![], Public),
        ("GET", "/healthz", "/healthz".into(), vec![], Public),
        ("GET", "/readyz", "/readyz".into(), vec![], Public),
        (
            "GET",
            "/api/openapi.json",
            "/api/openapi.json".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/assets/{name}",
            "/assets/app.css".into(),
            vec![],
            Public,
        ),
        ("GET", "/account", "/account".into(), vec![], SignedIn),
        (
            "POST",
            "/account/password",
            "/account/password".into(),
            vec![("current_password", "wrong-password-0".into())],
            SignedIn,
        ),
        (
            "POST",
            "/account/tokens",
            "/account/tokens".into(),
            vec![("name", "矩阵".into())],
            SignedIn,
        ),
        (
            "POST",
            "/account/tokens/{id}/revoke",
            "/account/tokens/999999/revoke".into(),
            vec![],
            SignedIn,
        ),
        ("GET", "/admin", "/admin".into(), vec![], Admins),
        ("GET", "/admin/units", "/admin/units".into(), vec![], Admins),
        (
            "POST",
            "/admin/units",
            "/admin/units".into(),
            vec![
                ("parent_id", enterprise.clone()),
                ("kind", "branch_union".into()),
                ("code", "HJGT-77".into()),
                ("name", "矩阵测试分会".into()),
            ],
            Admins,
        ),
        (
            "GET",
            "/admin/units/new",
            "/admin/units/new".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/units/export.xlsx",
            "/admin/units/export.xlsx".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/units/{id}",
            format!("/admin/units/{unit}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/units/{id}/rename",
            format!("/admin/units/{unit}/rename"),
            vec![("name", "炼钢厂分会".into())],
            Admins,
        ),
        (
            "POST",
            "/admin/units/{id}/move",
            format!("/admin/units/{unit}/move"),
            vec![("parent_id", enterprise.clone())],
            Admins,
        ),
        (
            "POST",
            "/admin/units/{id}/close",
            format!("/admin/units/{unit}/close"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/units/{id}/reopen",
            format!("/admin/units/{unit}/reopen"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/people",
            "/admin/people".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/people",
            "/admin/people".into(),
            vec![("unit_id", branch.clone()), ("name", "矩阵测试".into())],
            Admins,
        ),
        (
            "GET",
            "/admin/people/new",
            "/admin/people/new".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/people/export.xlsx",
            "/admin/people/export.xlsx".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/people/{id}",
            format!("/admin/people/{person}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/people/{id}",
            format!("/admin/people/{person}"),
            vec![("unit_id", branch.clone()), ("name", "赵敏".into())],
            Admins,
        ),
        (
            "GET",
            "/admin/people/{id}/edit",
            format!("/admin/people/{person}/edit"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/people/{id}/account",
            format!("/admin/people/{person}/account"),
            vec![("username", "matrix.user".into())],
            Admins,
        ),
        (
            "POST",
            "/admin/users/{id}/reset-password",
            format!("/admin/users/{user}/reset-password"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/users/{id}/unlock",
            format!("/admin/users/{user}/unlock"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/users/{id}/disable",
            format!("/admin/users/{user}/disable"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/users/{id}/enable",
            format!("/admin/users/{user}/enable"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/users/{id}/grants",
            format!("/admin/users/{user}/grants"),
            vec![("role", "judge".into()), ("unit_id", branch.clone())],
            Admins,
        ),
        (
            "POST",
            "/admin/grants/{id}/revoke",
            format!("/admin/grants/{grant_id}/revoke"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/import",
            "/admin/import".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/import/{kind}",
            "/admin/import/people".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/import/{kind}/template.xlsx",
            "/admin/import/units/template.xlsx".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/admin/audit",
            "/admin/audit".into(),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/admin/audit/export.xlsx",
            "/admin/audit/export.xlsx".into(),
            vec![],
            FederationAdmin,
        ),
        ("GET", "/api/v1/me", "/api/v1/me".into(), vec![], SignedIn),
        (
            "GET",
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/api/v1/units",
            "/api/v1/units".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/units/{id}",
            format!("/api/v1/units/{unit}"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/people",
            "/api/v1/people".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/people/{id}",
            format!("/api/v1/people/{person}"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/audit",
            "/api/v1/audit".into(),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/users/{id}",
            format!("/api/v1/users/{user}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            vec![("name", "矩阵".into())],
            SignedIn,
        ),
        (
            "DELETE",
            "/api/v1/tokens/{id}",
            "/api/v1/tokens/999999".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/units",
            "/api/v1/units".into(),
            vec![
                ("parent_id", enterprise.clone()),
                ("kind", "branch_union".into()),
                ("code", "HJGT-78".into()),
                ("name", "矩阵接口分会".into()),
            ],
            Admins,
        ),
        (
            "PATCH",
            "/api/v1/units/{id}",
            format!("/api/v1/units/{unit}"),
            vec![("name", "炼钢厂分会".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/units/{id}/close",
            format!("/api/v1/units/{unit}/close"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/units/{id}/reopen",
            format!("/api/v1/units/{unit}/reopen"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/people",
            "/api/v1/people".into(),
            vec![("unit_id", branch.clone()), ("name", "矩阵接口".into())],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/people/{id}",
            format!("/api/v1/people/{person}"),
            vec![("unit_id", branch.clone()), ("name", "赵敏".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/people/{id}/account",
            format!("/api/v1/people/{person}/account"),
            vec![("username", "matrix.api".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/users/{id}/reset-password",
            format!("/api/v1/users/{user}/reset-password"),
            vec![],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/users/{id}/state",
            format!("/api/v1/users/{user}/state"),
            vec![("disabled", "false".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/users/{id}/grants",
            format!("/api/v1/users/{user}/grants"),
            vec![
                ("role", "studio_leader".into()),
                ("unit_id", branch.clone()),
            ],
            Admins,
        ),
        (
            "DELETE",
            "/api/v1/grants/{id}",
            format!("/api/v1/grants/{api_grant_id}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/imports/{kind}",
            "/api/v1/imports/people".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exports/{list}",
            "/api/v1/exports/people".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exports/{list}",
            "/api/v1/exports/audit".into(),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/banks",
            "/api/v1/banks".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/banks",
            "/api/v1/banks".into(),
            vec![("unit_id", branch.clone()), ("name", "矩阵题库".into())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/banks/{id}/questions",
            format!("/api/v1/banks/{bank}/questions"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/banks/{id}/import",
            format!("/api/v1/banks/{bank}/import"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/banks/{id}/export",
            format!("/api/v1/banks/{bank}/export"),
            vec![],
            Admins,
        ),
        ("GET", "/exams/banks", "/exams/banks".into(), vec![], Admins),
        (
            "POST",
            "/exams/banks",
            "/exams/banks".into(),
            vec![("unit_id", branch.clone()), ("name", "矩阵页面题库".into())],
            Admins,
        ),
        (
            "GET",
            "/exams/banks/template.xlsx",
            "/exams/banks/template.xlsx".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/exams/banks/{id}",
            format!("/exams/banks/{bank}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/exams/banks/{id}/import",
            format!("/exams/banks/{bank}/import"),
            vec![],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/questions/{id}",
            format!("/api/v1/questions/{question}"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/questions/{id}/versions",
            format!("/api/v1/questions/{question}/versions"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/papers",
            "/api/v1/papers".into(),
            vec![("bank_id", bank.to_string())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/papers/{id}/preview",
            format!("/api/v1/papers/{paper}/preview?seed=1"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/exams/banks/{id}/papers",
            format!("/exams/banks/{bank}/papers"),
            vec![("mode", "fixed".into())],
            Admins,
        ),
        (
            "GET",
            "/exams/questions/{id}",
            format!("/exams/questions/{question}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/exams/questions/{id}",
            format!("/exams/questions/{question}"),
            vec![("stem", String::new())],
            Admins,
        ),
        (
            "POST",
            "/exams/questions/{id}/picture",
            format!("/exams/questions/{question}/picture"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/exams/images/{id}",
            format!("/exams/images/{picture}"),
            vec![],
            Sitters,
        ),
        ("GET", "/exams", "/exams".into(), vec![], SignedIn),
        (
            "GET",
            "/api/v1/my/exams",
            "/api/v1/my/exams".into(),
            vec![],
            SignedIn,
        ),
        // Every signed-in test user is an entrant (the session is open to the whole federation).
        (
            "POST",
            "/exams/sessions/{id}/start",
            format!("/exams/sessions/{session}/start"),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/exam-sessions/{id}/attempts",
            format!("/api/v1/exam-sessions/{session}/attempts"),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/exams/attempts/{id}",
            format!("/exams/attempts/{attempt}"),
            vec![],
            Owner,
        ),
        (
            "GET",
            "/api/v1/attempts/{id}",
            format!("/api/v1/attempts/{attempt}"),
            vec![],
            Owner,
        ),
        (
            "POST",
            "/api/v1/attempts/{id}/answers",
            format!("/api/v1/attempts/{attempt}/answers"),
            vec![],
            Owner,
        ),
        (
            "POST",
            "/api/v1/attempts/{id}/submit",
            format!("/api/v1/attempts/{attempt}/submit"),
            vec![],
            Owner,
        ),
        (
            "POST",
            "/exams/attempts/{id}/submit",
            format!("/exams/attempts/{attempt}/submit"),
            vec![],
            Owner,
        ),
        (
            "GET",
            "/exams/sessions",
            "/exams/sessions".into(),
            vec![],
            Graders,
        ),
        (
            "POST",
            "/exams/sessions",
            "/exams/sessions".into(),
            vec![("paper_id", paper.to_string())],
            Admins,
        ),
        (
            "GET",
            "/exams/sessions/{id}",
            format!("/exams/sessions/{session}"),
            vec![],
            Graders,
        ),
        (
            "POST",
            "/exams/sessions/{id}/entrants",
            format!("/exams/sessions/{session}/entrants"),
            vec![("unit_id", branch.clone())],
            Admins,
        ),
        (
            "POST",
            "/exams/sessions/{id}/arrangements",
            format!("/exams/sessions/{session}/arrangements"),
            vec![("arrange_person", person.to_string())],
            Admins,
        ),
        (
            "POST",
            "/exams/sessions/{id}/grades",
            format!("/exams/sessions/{session}/grades"),
            vec![("attempt_id", attempt.to_string())],
            Graders,
        ),
        (
            "POST",
            "/exams/sessions/{id}/regrade",
            format!("/exams/sessions/{session}/regrade"),
            vec![("question_id", question.to_string())],
            Admins,
        ),
        (
            "GET",
            "/exams/sessions/{id}/results.xlsx",
            format!("/exams/sessions/{session}/results.xlsx"),
            vec![],
            Graders,
        ),
        (
            "GET",
            "/api/v1/exam-sessions",
            "/api/v1/exam-sessions".into(),
            vec![],
            Graders,
        ),
        (
            "POST",
            "/api/v1/exam-sessions",
            "/api/v1/exam-sessions".into(),
            vec![("paper_id", paper.to_string())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exam-sessions/{id}",
            format!("/api/v1/exam-sessions/{session}"),
            vec![],
            Graders,
        ),
        (
            "POST",
            "/api/v1/exam-sessions/{id}/entrants",
            format!("/api/v1/exam-sessions/{session}/entrants"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/exam-sessions/{id}/arrangements",
            format!("/api/v1/exam-sessions/{session}/arrangements"),
            vec![("person_id", person.to_string())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exam-sessions/{id}/results",
            format!("/api/v1/exam-sessions/{session}/results"),
            vec![],
            Graders,
        ),
        (
            "GET",
            "/api/v1/exam-sessions/{id}/results.xlsx",
            format!("/api/v1/exam-sessions/{session}/results.xlsx"),
            vec![],
            Graders,
        ),
        (
            "POST",
            "/api/v1/exam-sessions/{id}/grades",
            format!("/api/v1/exam-sessions/{session}/grades"),
            vec![("attempt_id", attempt.to_string())],
            Graders,
        ),
        (
            "POST",
            "/api/v1/exam-sessions/{id}/regrade",
            format!("/api/v1/exam-sessions/{session}/regrade"),
            vec![("question_id", question.to_string())],
            Admins,
        ),
    ]
}

fn allowed(access: Access, role: &str) -> bool {
    match access {
        Access::Public => true,
        Access::SignedIn => role != "anonymous",
        Access::Admins => role == "admin" || role == "unitadmin",
        Access::FederationAdmin => role == "admin",
        Access::Graders => role == "admin" || role == "unitadmin" || role == "judge",
        Access::Owner => role == "worker",
        Access::Sitters => role == "worker" || role == "admin" || role == "unitadmin",
    }
}

async fn call(
    app: &TestApp,
    client: &Client,
    method: &str,
    path: &str,
    body: &[(&str, String)],
) -> StatusCode {
    if method == "GET" {
        return app.get(client, path).await.status();
    }
    if path.starts_with("/admin/import/")
        || path.starts_with("/api/v1/imports/")
        || path.ends_with("/import")
        || path.ends_with("/picture")
    {
        let file = xlsx::sheet(&["姓名", "所属单位编码"], &[&["矩阵导入", "HJGT-01"]]);
        return app.upload(client, path, file).await.status();
    }
    if path.starts_with("/api/") {
        // JSON with the client's CSRF token, as a page's script would send it.
        let json: serde_json::Map<String, serde_json::Value> = body
            .iter()
            .map(|(k, v)| {
                let value = match (v.parse::<i64>(), v.as_str()) {
                    (Ok(n), _) => serde_json::json!(n),
                    (_, "true") => serde_json::json!(true),
                    (_, "false") => serde_json::json!(false),
                    _ => serde_json::json!(v),
                };
                (k.to_string(), value)
            })
            .collect();
        let csrf = app.token(client).await;
        return client
            .request(method.parse().unwrap(), app.url(path))
            .header("x-csrf-token", csrf)
            .json(&json)
            .send()
            .await
            .unwrap()
            .status();
    }
    let fields: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(client, path, &fields).await.status()
}

#[tokio::test]
async fn every_route_refuses_every_role_that_must_not_use_it() {
    let app = TestApp::spawn().await;
    let grant_id = {
        let mut conn = app.db().read().await.unwrap();
        gongjiang_db::users::grants_of(&mut conn, app.seed.target.1)
            .await
            .unwrap()[0]
            .id
    };
    // A second role to revoke through the API.
    let system = gongjiang_app::Caller::system("test");
    let api_grant_id = gongjiang_app::accounts::grant(
        app.db(),
        &system,
        app.seed.target.1,
        "judge",
        app.seed.branch,
    )
    .await
    .unwrap()
    .id;
    let bank = gongjiang_app::banks::create(app.db(), &system, app.seed.branch, "矩阵题库", "焊工")
        .await
        .unwrap()
        .id;
    let aiken = "焊接电流过大易产生？\nA. 咬边\nB. 气孔\nANSWER: A\n";
    gongjiang_app::banks::import(app.db(), &system, bank, "a.txt", aiken.as_bytes())
        .await
        .unwrap();
    let question =
        gongjiang_app::banks::questions(app.db(), &system, bank, gongjiang_db::Page::new(1, 10))
            .await
            .unwrap()
            .0[0]
            .record
            .id;
    let paper_input = gongjiang_app::papers::PaperInput {
        bank_id: bank,
        name: "矩阵试卷".into(),
        mode: "fixed".into(),
        question_ids: vec![question],
        ..Default::default()
    };
    let paper = gongjiang_app::papers::create(app.db(), &system, paper_input)
        .await
        .unwrap()
        .id;
    let exams = gongjiang_app::exams::Exams::start(app.db().clone());
    let session = exams
        .create_session(
            &system,
            gongjiang_app::exams::SessionInput {
                paper_id: paper,
                name: "矩阵考试".into(),
                opens: "2020-01-01 00:00".into(),
                closes: "2099-01-01 00:00".into(),
                limit_minutes: 600,
                grace_seconds: 5,
                attempts_allowed: 10,
                unit_ids: vec![app.seed.federation],
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let picture = gongjiang_app::banks::add_picture(app.db(), &system, question, PNG)
        .await
        .unwrap();
    let attempt = exams
        .start_attempt(
            &system.clone().with_person(Some(app.seed.worker.0)),
            session,
        )
        .await
        .unwrap();
    let mut clients: Vec<(&str, Client)> = vec![("anonymous", app.client())];
    // Refused roles go first, so that an allowed change cannot make a later refusal a 404.
    for role in ["leader", "judge", "worker", "unitadmin", "admin"] {
        clients.push((role, app.login(role).await));
    }
    let mut failures = Vec::new();
    for (method, _, path, body, access) in table(
        &app,
        grant_id,
        api_grant_id,
        bank,
        question,
        paper,
        session,
        attempt,
        picture,
    ) {
        for (role, client) in &clients {
            let status = call(&app, client, method, &path, &body).await;
            let ok = if allowed(access, role) {
                let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    || status.is_server_error()
                    || (status == StatusCode::SEE_OTHER
                        && *role == "anonymous"
                        && access != Access::Public);
                !refused
            } else if *role == "anonymous" {
                status == StatusCode::UNAUTHORIZED
                    || (status == StatusCode::SEE_OTHER && !path.starts_with("/api/"))
            } else if access == Access::Owner {
                // Someone else's attempt does not exist for them.
                status == StatusCode::NOT_FOUND
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!("{method} {path} as {role}: {status} ({access:?})"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn the_table_covers_every_route_in_the_router() {
    let app = TestApp::spawn().await;
    let router = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/web/src/router.rs"
    ))
    .unwrap();
    let covered: Vec<(&str, &str)> = table(&app, 0, 0, 0, 0, 0, 0, 0, 0)
        .iter()
        .map(|(m, p, ..)| (*m, *p))
        .collect();
    let mut missing = Vec::new();
    for line in router
        .lines()
        .filter(|l| l.trim_start().starts_with(".route(\""))
    {
        let path = line.split('"').nth(1).unwrap();
        let methods: Vec<&str> = ["get(", "post("]
            .iter()
            .filter(|m| line.contains(*m))
            .map(|m| if *m == "get(" { "GET" } else { "POST" })
            .collect();
        for m in methods {
            if !covered.contains(&(m, path)) && path != "/logout" {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    // The API's routes are those of the OpenAPI document (generated from the same list).
    let doc: serde_json::Value = serde_json::from_str(&gongjiang_web::openapi_json()).unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            if !covered.iter().any(|(cm, cp)| *cm == m && cp == path) {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an access rule in the matrix: {missing:?}"
    );
}
