//! Every route refuses every role that must not use it. The table (role_table.rs) is checked against the
//! router file, so a new route cannot be added without saying who may use it.

use crate::common::{TestApp, xlsx};
use reqwest::{Client, StatusCode};

use crate::role_api;
use crate::role_competitions::{self, CompetitionIds};
use crate::role_registry::{self, RegistryIds};
use crate::role_table::{Access, PNG, table};

fn allowed(access: Access, role: &str) -> bool {
    match access {
        Access::Public => true,
        Access::SignedIn => role != "anonymous",
        Access::Admins | Access::Organisers => role == "admin" || role == "unitadmin",
        Access::FederationAdmin => role == "admin",
        Access::Graders => role == "admin" || role == "unitadmin" || role == "judge",
        Access::Owner => role == "worker",
        Access::PanelJudges => role == "judge",
        Access::Holders => role == "worker" || role == "admin",
        Access::CyclePanel => role == "admin" || role == "unitadmin" || role == "judge",
        Access::CycleKeepers => role == "admin" || role == "unitadmin",
        Access::CycleExperts => role == "judge",
        Access::Sitters => role == "worker" || role == "admin" || role == "unitadmin",
        Access::Keepers | Access::Readers => {
            role == "leader" || role == "admin" || role == "unitadmin"
        }
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
        || path.ends_with("/files")
        || path.ends_with("/pictures")
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
    let crate::common::fixtures::ExamFixture {
        bank,
        question,
        paper,
        session,
        exams,
    } = app
        .fx()
        .exam(app.seed.branch, vec![app.seed.federation])
        .await;
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
    let registry = RegistryIds::make(&app).await;
    let competitions = CompetitionIds::make(&app).await;
    let mut clients: Vec<(&str, Client)> = vec![("anonymous", app.client())];
    // Refused roles go first, so that an allowed change cannot make a later refusal a 404
    // (the studio leader, who keeps a studio, after those who keep nothing).
    for role in ["judge", "worker", "leader", "unitadmin", "admin"] {
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
    )
    .into_iter()
    // The API's rules before the pages': a page's change (a new member) would make a later
    // refusal of the same record an answer.
    .chain(role_api::rules(&app, registry))
    .chain(role_registry::rules(&app, registry))
    .chain(role_competitions::rules(&app, competitions))
    {
        for (role, client) in &clients {
            let status = call(&app, client, method, &path, &body).await;
            let ok = if allowed(access, role) {
                let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    || status.is_server_error()
                    || (status == StatusCode::SEE_OTHER
                        && *role == "anonymous"
                        && access != Access::Public);
                !refused
            } else if access == Access::Readers
                || (access == Access::Holders && *role != "anonymous")
            {
                status == StatusCode::NOT_FOUND
            } else if matches!(
                access,
                Access::CyclePanel | Access::CycleKeepers | Access::CycleExperts
            ) {
                matches!(
                    status,
                    StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
                ) || (status == StatusCode::SEE_OTHER && *role == "anonymous")
            } else if access == Access::Organisers {
                status == StatusCode::NOT_FOUND
                    || (*role == "anonymous"
                        && matches!(status, StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER))
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
        .into_iter()
        .chain(role_registry::rules(&app, RegistryIds::default()))
        .chain(role_api::rules(&app, RegistryIds::default()))
        .chain(role_competitions::rules(&app, CompetitionIds::default()))
        .map(|(m, p, ..)| (m, p))
        .collect();
    let mut missing = Vec::new();
    // Each `.route(` call, however rustfmt wrapped it, as one line.
    let flat: String = router.split_whitespace().collect::<Vec<_>>().join(" ");
    let calls: Vec<&str> = flat.split(".route(").skip(1).collect();
    assert!(calls.len() > 50, "the router file has its routes");
    for line in calls.iter().map(|c| c.split(".route(").next().unwrap_or(c)) {
        let Some(path) = line
            .trim_start()
            .strip_prefix('"')
            .and_then(|l| l.split('"').next())
        else {
            continue;
        };
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
