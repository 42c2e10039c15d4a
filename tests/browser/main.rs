//! Browser journeys in a real headless Chromium, at a phone's size and a desktop's: log in,
//! switch language, create a unit, import people from a good Excel file and a bad one, and
//! find the changes in the audit log; and (in `exam.rs`) a worker's exam on a phone through a
//! lost connection. Run by `scripts/test` (they need Chromium and ChromeDriver, hence
//! `#[ignore]` for a plain `cargo test`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot proceed should stop loudly

#[path = "../common/mod.rs"]
mod common;
mod competition;
mod exam;
mod judging;
mod question_kinds;
mod registry;

use common::{PASSWORD, TestApp, xlsx};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Killing the driver alone leaves its Chromium running with no parent: end the
        // browser first, found by its own profile folder (this also runs when a test panics).
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(format!("user-data-dir={}", self.profile.display()))
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Screen {
    Phone,
    Desktop,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub(crate) async fn browser(screen: Screen) -> Browser {
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (scripts/test installs it)");
    let profile = std::env::temp_dir().join(format!("gj-chromium-{}-{port}", std::process::id()));
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--lang=zh-CN".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut options = json!({ "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()), "prefs": { "intl.accept_languages": "zh-CN,zh" } });
    match screen {
        Screen::Phone => {
            options["mobileEmulation"] = json!({ "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 3.0, "touch": true }, "userAgent": "Mozilla/5.0 (Linux; Android 14; Phone) Mobile" });
        }
        Screen::Desktop => args.push("--window-size=1280,900".into()),
    }
    options["args"] = json!(args);
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let mut last_error = String::new();
    for _ in 0..50 {
        let builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match builder {
            Ok(client) => {
                return Browser {
                    client,
                    driver,
                    profile,
                };
            }
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a browser session: {last_error}");
}

pub(crate) async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// The visible text of the page; a page that is being replaced is read again.
pub(crate) async fn page_text(c: &Client) -> String {
    for _ in 0..20 {
        if let Ok(body) = c.find(Locator::Css("body")).await
            && let Ok(text) = body.text().await
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page could not be read");
}

/// Waits until the page's text contains `needle` (after a form posts and the page changes).
pub(crate) async fn wait_text(c: &Client, needle: &str) {
    for _ in 0..75 {
        if page_text(c).await.contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "the page never said {needle:?}; it says:\n{}",
        page_text(c).await
    );
}

pub(crate) async fn screenshot(c: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// Fails when the page is wider than the screen (a phone would scroll sideways).
pub(crate) async fn fits_the_screen(c: &Client, what: &str) {
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(fits, json!(true), "{what} is wider than the screen");
}

/// Opens a navigation entry as a person would: through the menu on a phone.
async fn navigate(c: &Client, screen: Screen, label: &str) {
    if let Screen::Phone = screen {
        let open = c
            .execute(
                "return document.querySelector('details.menu').open;",
                vec![],
            )
            .await
            .expect("script");
        if open != json!(true) {
            c.find(Locator::Css("details.menu > summary"))
                .await
                .expect("menu")
                .click()
                .await
                .expect("open menu");
        }
    }
    c.find(Locator::LinkText(label))
        .await
        .unwrap_or_else(|_| panic!("no link {label}"))
        .click()
        .await
        .expect("click");
}

async fn journey(screen: Screen) {
    let app = TestApp::spawn().await;
    let b = browser(screen).await;
    let c = &b.client;
    let name = format!("{screen:?}").to_lowercase();

    // Log in (Chinese by default).
    c.goto(&app.url("/")).await.expect("open");
    wait_text(c, "工匠平台服务于工会").await;
    fits_the_screen(c, "the home page").await;
    c.find(Locator::LinkText("登录"))
        .await
        .expect("login link")
        .click()
        .await
        .expect("click");
    fill_login(c, "admin").await;
    screenshot(c, &format!("{name}-login")).await;
    submit_login(c).await;
    wait_text(c, "王建国，您好").await;
    fits_the_screen(c, "the dashboard").await;
    screenshot(c, &format!("{name}-home")).await;

    // Switch to English and back.
    c.find(Locator::LinkText("English"))
        .await
        .expect("language link")
        .click()
        .await
        .expect("click");
    wait_text(c, "Welcome, 王建国").await;
    c.find(Locator::LinkText("中文"))
        .await
        .expect("language link")
        .click()
        .await
        .expect("click");
    wait_text(c, "王建国，您好").await;

    // Create a unit through the admin pages.
    navigate(c, screen, "管理").await;
    wait_for(c, "a.tile[href='/admin/units']")
        .await
        .click()
        .await
        .expect("units tile");
    wait_text(c, "华江钢铁集团有限公司工会").await;
    fits_the_screen(c, "the unit tree").await;
    c.find(Locator::LinkText("新建单位"))
        .await
        .expect("new unit")
        .click()
        .await
        .expect("click");
    wait_for(c, "#parent_id")
        .await
        .select_by_value(&app.seed.industry.to_string())
        .await
        .expect("parent");
    c.find(Locator::Css("#kind"))
        .await
        .expect("kind")
        .select_by_value("enterprise_union")
        .await
        .expect("kind");
    c.find(Locator::Css("#code"))
        .await
        .expect("code")
        .send_keys("HJDT")
        .await
        .expect("type");
    c.find(Locator::Css("#name"))
        .await
        .expect("name")
        .send_keys("华江地铁运营有限公司工会")
        .await
        .expect("type");
    c.find(Locator::Css("form button.primary"))
        .await
        .expect("create")
        .click()
        .await
        .expect("click");
    wait_text(c, "单位已创建").await;
    screenshot(c, &format!("{name}-unit-created")).await;

    // Import people from a good Excel file.
    let dir = std::env::temp_dir().join(format!("gj-browser-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let good = dir.join("人员.xlsx");
    std::fs::write(
        &good,
        xlsx::sheet(
            &["姓名", "所属单位编码", "工号", "工种"],
            &[
                &["钱学军", "HJDT", "D001", "地铁列车司机"],
                &["孙晓红", "HJDT", "D002", "电工"],
            ],
        ),
    )
    .expect("write");
    let bad = dir.join("有错误的人员.xlsx");
    std::fs::write(
        &bad,
        xlsx::sheet(
            &["姓名", "所属单位编码", "手机号码"],
            &[&["周海燕", "HJDT", "12345"], &["吴", "NOWHERE", ""]],
        ),
    )
    .expect("write");
    c.goto(&app.url("/admin")).await.expect("admin");
    wait_for(c, "a.tile[href='/admin/import']")
        .await
        .click()
        .await
        .expect("import tile");
    wait_for(c, "#file-people")
        .await
        .send_keys(good.to_str().expect("path"))
        .await
        .expect("choose file");
    c.find(Locator::Css("#import-people button[type=submit]"))
        .await
        .expect("upload")
        .click()
        .await
        .expect("click");
    wait_text(c, "导入成功：新增 2 条").await;

    // A bad file: nothing imported, each problem with its row.
    wait_for(c, "#file-people")
        .await
        .send_keys(bad.to_str().expect("path"))
        .await
        .expect("choose file");
    c.find(Locator::Css("#import-people button[type=submit]"))
        .await
        .expect("upload")
        .click()
        .await
        .expect("click");
    let errors = wait_for(c, "#import-errors")
        .await
        .text()
        .await
        .expect("errors");
    assert!(errors.contains("文件未导入：发现 3 处问题"), "{errors}");
    assert!(
        errors.contains("手机号码「12345」无效")
            && errors.contains("找不到编码为「NOWHERE」的单位")
            && errors.contains("至少 2 个字符"),
        "{errors}"
    );
    screenshot(c, &format!("{name}-import-errors")).await;
    fits_the_screen(c, "the import errors").await;
    let _ = std::fs::remove_dir_all(&dir);

    // The audit log shows what was done, by whom.
    c.goto(&app.url("/admin/audit")).await.expect("audit");
    wait_text(c, "批量导入人员").await;
    let text = page_text(c).await;
    assert!(
        text.contains("新建单位") && text.contains("unit:") && text.contains("王建国"),
        "{text}"
    );
    screenshot(c, &format!("{name}-audit")).await;
    let count = app.count_people().await;
    assert_eq!(
        count, 8,
        "the six seeded people and the two imported, not the bad rows"
    );
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn an_admin_journey_on_a_phone() {
    journey(Screen::Phone).await;
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn an_admin_journey_on_a_desktop() {
    journey(Screen::Desktop).await;
}

/// Logs in as `username` on the login page and waits for the greeting.
pub(crate) async fn log_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.expect("open");
    fill_login(c, username).await;
    submit_login(c).await;
    wait_text(c, "您好").await;
}

/// Types a user name and the demo password into the login form.
async fn fill_login(c: &Client, username: &str) {
    wait_for(c, "#username")
        .await
        .send_keys(username)
        .await
        .expect("type");
    c.find(Locator::Css("#password"))
        .await
        .expect("password")
        .send_keys(PASSWORD)
        .await
        .expect("type");
}

async fn submit_login(c: &Client) {
    c.find(Locator::Css("button[type=submit].primary"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
}
