//! The black-box test harness: starts the real application on port 0 against a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database when `GONGJIANG_TEST_DB=postgres`),
//! seeds a small federation, and talks to it over HTTP as a browser or a script would.
#![allow(dead_code)]

pub mod fixtures;
pub mod xlsx;

use gongjiang::config::{Config, Layer};
use gongjiang::server::{self, Running};
use gongjiang_app::{Caller, accounts, people, units};
use reqwest::{Client, Response, StatusCode};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

pub const PASSWORD: &str = "test-password-2026";

/// The accounts and units every test starts with.
#[derive(Debug, Clone)]
pub struct Seed {
    /// 华江市总工会 (code HJ), the root.
    pub federation: i64,
    /// An industry union under the federation (HJ-JX).
    pub industry: i64,
    /// An enterprise union under the industry union (HJGT), run by `unitadmin`.
    pub enterprise: i64,
    /// A branch union of the enterprise (HJGT-01).
    pub branch: i64,
    /// Another enterprise (HJQC), outside `unitadmin`'s subtree.
    pub other_enterprise: i64,
    /// People and users: (person id, user id).
    pub admin: (i64, i64),
    pub unitadmin: (i64, i64),
    pub leader: (i64, i64),
    pub judge: (i64, i64),
    pub worker: (i64, i64),
    /// An account in the branch that tests may reset, disable or regrant.
    pub target: (i64, i64),
}

pub enum Backend {
    Sqlite { dir: std::path::PathBuf },
    Postgres { admin_url: String, name: String },
}

pub struct TestApp {
    pub base: String,
    pub config: Config,
    pub seed: Seed,
    running: Option<Running>,
    backend: Backend,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn on_postgres() -> bool {
    std::env::var("GONGJIANG_TEST_DB").is_ok_and(|v| v == "postgres")
}

fn pg_admin_url() -> String {
    std::env::var("GONGJIANG_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}_{n}_{nanos}", std::process::id())
}

/// A new empty database (a temporary SQLite file or a new PostgreSQL database) and its URL.
pub async fn fresh_database() -> (Backend, String) {
    if on_postgres() {
        let name = format!("gj_test_{}", unique());
        let admin_url = pg_admin_url();
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("PostgreSQL must be running (see README)");
        sqlx::Executor::execute(
            &mut conn,
            sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
        )
        .await
        .expect("create test database");
        let url = match admin_url.rfind('/') {
            Some(i) => format!("{}/{name}", &admin_url[..i]),
            None => panic!("bad GONGJIANG_TEST_PG_URL"),
        };
        (Backend::Postgres { admin_url, name }, url)
    } else {
        let dir = std::env::temp_dir().join(format!("gj-test-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/gongjiang.db", dir.display());
        (Backend::Sqlite { dir }, url)
    }
}

pub fn test_config(database_url: &str) -> Config {
    test_config_with(database_url, Layer::default())
}

/// The test configuration with some settings of the test's own.
pub fn test_config_with(database_url: &str, own: Layer) -> Config {
    let flags = Layer {
        database_url: Some(database_url.to_owned()),
        port: Some(0),
        bind: Some("127.0.0.1".into()),
        log: Some("warn".into()),
        // Each instance its own index; a test of a kept folder names one.
        search_index: own.search_index.clone().or(Some("memory".into())),
        ..own
    };
    Config::load(None, &BTreeMap::new(), flags).expect("test config")
}

impl TestApp {
    /// A fresh database, seeded, with the server running.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Layer::default()).await
    }

    /// As `spawn`, with some settings of the test's own.
    pub async fn spawn_with(own: Layer) -> TestApp {
        let (backend, url) = fresh_database().await;
        let config = test_config_with(&url, own);
        let running = server::start(&config).await.expect("server starts");
        let seed = seed(&running.db).await;
        TestApp {
            base: format!("http://{}", running.addr),
            config,
            seed,
            running: Some(running),
            backend,
        }
    }

    /// A second server on the same database (as a second instance behind a proxy).
    pub async fn another_instance(&self) -> Running {
        server::start(&self.config)
            .await
            .expect("second instance starts")
    }

    /// On PostgreSQL: the server's administration URL and this test's database name.
    pub fn postgres_database(&self) -> Option<(String, String)> {
        match &self.backend {
            Backend::Postgres { admin_url, name } => Some((admin_url.clone(), name.clone())),
            Backend::Sqlite { .. } => None,
        }
    }

    pub fn db(&self) -> &gongjiang_app::Database {
        &self.running.as_ref().expect("running").db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server (the database stays until the app is dropped).
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub async fn login(&self, username: &str) -> Client {
        let client = self.client();
        let response = self.try_login(&client, username, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "login of {username} should redirect"
        );
        client
    }

    pub async fn try_login(&self, client: &Client, username: &str, password: &str) -> Response {
        let csrf = self.csrf(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login request")
    }

    /// The CSRF token of the forms on `path`, as the client sees it.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        csrf_in(&html).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("get")
    }

    pub async fn get_text(&self, client: &Client, path: &str) -> (StatusCode, String) {
        let r = self.get(client, path).await;
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    /// Posts a form with the client's CSRF token (taken from `/account`, or `/login` if anonymous).
    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let csrf = self.token(client).await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("post")
    }

    pub async fn token(&self, client: &Client) -> String {
        let html = client
            .get(self.url("/account"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .unwrap_or_default();
        match csrf_in(&html) {
            Some(t) => t,
            None => self.csrf(client, "/login").await,
        }
    }

    /// Uploads a file to an import form.
    pub async fn upload(&self, client: &Client, path: &str, bytes: Vec<u8>) -> Response {
        let csrf = self.token(client).await;
        let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("upload.xlsx"),
        );
        client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }

    /// The audit entries with this action, as the federation admin reads them through the API.
    pub async fn audit(&self, action: &str) -> Vec<serde_json::Value> {
        let admin = self.login("admin").await;
        let body: serde_json::Value = admin
            .get(self.url(&format!("/api/v1/audit?action={action}&per_page=500")))
            .send()
            .await
            .expect("audit")
            .json()
            .await
            .expect("json");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    pub async fn count_units(&self) -> i64 {
        let mut conn = self.db().read().await.expect("conn");
        gongjiang_db::units::count(&mut conn).await.expect("count")
    }

    pub async fn count_people(&self) -> i64 {
        let mut conn = self.db().read().await.expect("conn");
        gongjiang_db::people::count(&mut conn).await.expect("count")
    }
}

/// The session token a login answer set in its `gj_session` cookie.
pub fn session_token(r: &Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("gj_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .expect("a session cookie")
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let backend = std::mem::replace(
            &mut self.backend,
            Backend::Sqlite {
                dir: std::path::PathBuf::new(),
            },
        );
        remove(backend);
    }
}

/// Removes a database made by `fresh_database`.
pub fn remove(backend: Backend) {
    {
        match backend {
            Backend::Sqlite { dir } => {
                if !dir.as_os_str().is_empty() {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            Backend::Postgres { admin_url, name } => {
                // Drop runs outside any runtime we may block: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("rt");
                    rt.block_on(async move {
                        if let Ok(mut conn) =
                            <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                        {
                            let _ = sqlx::Executor::execute(
                                &mut conn,
                                sqlx::AssertSqlSafe(format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                )),
                            )
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub async fn user(
    db: &gongjiang_app::Database,
    unit_id: i64,
    name: &str,
    username: &str,
    role: Option<&str>,
) -> (i64, i64) {
    let caller = Caller::system("test seed");
    let person = people::create(
        db,
        &caller,
        people::PersonInput {
            unit_id,
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .expect("person");
    let (account, _) =
        accounts::create_for_person(db, &caller, person.id, username, Some(PASSWORD))
            .await
            .expect("account");
    if let Some(role) = role {
        accounts::grant(db, &caller, account.id, role, unit_id)
            .await
            .expect("grant");
    }
    (person.id, account.id)
}

async fn seed(db: &gongjiang_app::Database) -> Seed {
    let caller = Caller::system("test seed");
    let mk = |parent: Option<i64>, kind: &str, code: &str, name: &str| units::UnitInput {
        parent_id: parent,
        kind: kind.into(),
        code: code.into(),
        name: name.into(),
    };
    let federation = units::create(db, &caller, mk(None, "federation", "HJ", "华江市总工会"))
        .await
        .expect("federation")
        .id;
    let industry = units::create(
        db,
        &caller,
        mk(
            Some(federation),
            "industry_union",
            "HJ-JX",
            "华江市机械冶金工会",
        ),
    )
    .await
    .expect("industry")
    .id;
    let enterprise = units::create(
        db,
        &caller,
        mk(
            Some(industry),
            "enterprise_union",
            "HJGT",
            "华江钢铁集团有限公司工会",
        ),
    )
    .await
    .expect("enterprise")
    .id;
    let branch = units::create(
        db,
        &caller,
        mk(Some(enterprise), "branch_union", "HJGT-01", "炼钢厂分会"),
    )
    .await
    .expect("branch")
    .id;
    let other_enterprise = units::create(
        db,
        &caller,
        mk(
            Some(industry),
            "enterprise_union",
            "HJQC",
            "华江汽车集团有限公司工会",
        ),
    )
    .await
    .expect("other")
    .id;
    Seed {
        federation,
        industry,
        enterprise,
        branch,
        other_enterprise,
        admin: user(db, federation, "王建国", "admin", Some("federation_admin")).await,
        unitadmin: user(db, enterprise, "李秀英", "unitadmin", Some("unit_admin")).await,
        leader: user(db, branch, "张志强", "leader", Some("studio_leader")).await,
        judge: user(db, federation, "陈静", "judge", Some("judge")).await,
        worker: user(db, branch, "刘伟", "worker", Some("worker")).await,
        target: user(db, branch, "赵敏", "target", Some("worker")).await,
    }
}

impl TestApp {
    /// GETs `path` and reads the answer as JSON.
    pub async fn get_json(&self, client: &Client, path: &str) -> serde_json::Value {
        self.get(client, path)
            .await
            .json()
            .await
            .expect("a JSON answer")
    }
}

/// A secret a page shows once (a new password or token), by the id of its element.
pub fn shown_once(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} is not on the page"))
        + marker.len();
    html[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A query-string value, percent-encoded (as the search benchmark encodes its queries).
pub fn urlencode(s: &str) -> String {
    gongjiang::bench_search::encode(s)
}

impl TestApp {
    /// A personal API token of `username`, made on the account page as a person would.
    pub async fn api_token(&self, username: &str) -> String {
        let client = self.login(username).await;
        let html = self
            .post_form(
                &client,
                "/account/tokens",
                &[("name", "test"), ("access", "write")],
            )
            .await
            .text()
            .await
            .expect("account page");
        shown_once(&html, "new-token")
    }

    /// Calls the API with a token: `method` on `path` with an optional JSON body; the answer's
    /// status and JSON (null when the body is empty or not JSON).
    pub async fn api(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = reqwest::Client::new()
            .request(method.parse().expect("method"), self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("api call");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or_default())
    }
}

impl TestApp {
    /// Calls the API with a token and extra headers (`If-Match`, `Idempotency-Key`): the
    /// answer's status, headers and JSON.
    pub async fn api_with(
        &self,
        token: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: serde_json::Value,
    ) -> (StatusCode, reqwest::header::HeaderMap, serde_json::Value) {
        let mut request = reqwest::Client::new()
            .request(method.parse().expect("method"), self.url(path))
            .bearer_auth(token)
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("api call");
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap_or_default();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or_default(),
        )
    }

    /// Uploads a file to an API route (multipart field `file`) with a token.
    pub async fn api_upload(
        &self,
        token: &str,
        path: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        let response = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or_default())
    }
}
