//! The innovation registry through its pages: a unit admin sets up a studio and its members on
//! a desktop, the federation admin founds an alliance, the studio's leader joins it and records
//! an achievement on a phone, the declaration climbs from the branch to the federation (declared,
//! recommended twice, recognised) and is published, and an anonymous visitor finds it on a phone
//! by searching and in the public showcase.

use crate::common::{PASSWORD, TestApp};
use crate::{Screen, browser, fits_the_screen, page_text, screenshot, wait_for, wait_text};
use fantoccini::{Client, Locator};
use serde_json::json;
use std::time::Duration;

const STUDIO: &str = "张志强连铸创新工作室";
const ALLIANCE: &str = "华江市冶金连铸创新联盟";
const TITLE: &str = "连铸结晶器液面波动控制改进";

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let input = wait_for(c, css).await;
    input.clear().await.expect("clear");
    input.send_keys(text).await.expect("type");
}

async fn choose(c: &Client, css: &str, value: &str) {
    wait_for(c, css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} has no option {value}: {e}"));
}

/// Clicks (a button or a link) and waits until another page has loaded in place of this one;
/// nothing asks for a confirmation on the way.
async fn click_and_load(c: &Client, css: &str) {
    let asked = load_after_click(c, Locator::Css(css), css).await;
    assert_eq!(asked, None, "clicking {css} asked for a confirmation");
}

/// Follows the link with this text and waits for its page.
async fn follow(c: &Client, text: &str) {
    let xpath = format!("//a[normalize-space(.)='{text}']");
    let asked = load_after_click(c, Locator::XPath(&xpath), text).await;
    assert_eq!(asked, None, "following {text} asked for a confirmation");
}

/// Clicks and waits for the next page, accepting a confirmation if one is asked (its text is
/// returned).
async fn load_after_click(c: &Client, what: Locator<'_>, name: &str) -> Option<String> {
    let target = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(what)
        .await
        .unwrap_or_else(|e| panic!("no {name}: {e}"));
    c.execute("document.documentElement.dataset.gjOld = '1';", vec![])
        .await
        .expect("mark the page");
    target
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {name}: {e}"));
    let mut asked = None;
    for _ in 0..75 {
        if let Ok(text) = c.get_alert_text().await {
            c.accept_alert().await.expect("accept the confirmation");
            asked = Some(text);
        }
        let fresh = c
            .execute(
                "return document.readyState === 'complete' && !document.documentElement.dataset.gjOld;",
                vec![],
            )
            .await;
        if matches!(fresh, Ok(v) if v == json!(true)) {
            return asked;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("clicking {name} loaded no new page");
}

/// The number the page's path ends with under `prefix` (a new record's id); fails on any other
/// page.
async fn id_in_path(c: &Client, prefix: &str) -> i64 {
    let url = c.current_url().await.expect("url");
    url.path()
        .strip_prefix(prefix)
        .and_then(|rest| rest.parse().ok())
        .unwrap_or_else(|| panic!("{url} is not a page under {prefix}"))
}

async fn path_and_query(c: &Client) -> String {
    let url = c.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The confirmation at the top of the page after an action.
async fn notice(c: &Client) -> String {
    wait_for(c, "p.notice").await.text().await.expect("text")
}

async fn text_of(c: &Client, css: &str) -> String {
    wait_for(c, css).await.text().await.expect("text")
}

/// The texts of every element `css` finds.
async fn texts_of(c: &Client, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.expect("find") {
        texts.push(e.text().await.expect("text"));
    }
    texts
}

async fn open(c: &Client, app: &TestApp, path: &str) {
    c.goto(&app.url(path)).await.expect("open");
}

async fn sign_in(c: &Client, app: &TestApp, username: &str, name: &str) {
    open(c, app, "/login").await;
    type_into(c, "#username", username).await;
    type_into(c, "#password", PASSWORD).await;
    click_and_load(c, "button[type=submit].primary").await;
    wait_text(c, &format!("{name}，您好")).await;
}

async fn sign_out(c: &Client) {
    click_and_load(c, "form[action='/logout'] button").await;
    wait_for(c, "a[href='/login']").await;
}

/// The unit admin registers the studio in the branch with its leader and adds a core member.
async fn studio_and_member(c: &Client, app: &TestApp) -> i64 {
    sign_in(c, app, "unitadmin", "李秀英").await;
    open(c, app, "/innovation/studios/new").await;
    choose(c, "#unit_id", &app.seed.branch.to_string()).await;
    type_into(c, "#name", STUDIO).await;
    type_into(c, "#leader", "张志强").await;
    click(c, "input[name=fields][value=advanced_manufacturing]").await;
    type_into(c, "#summary", "围绕连铸工序开展技术攻关。").await;
    screenshot(c, "desktop-studio-form").await;
    click_and_load(c, "form button[type=submit].primary").await;
    let studio = id_in_path(c, "/innovation/studios/").await;
    assert_eq!(notice(c).await, "工作室已保存。");
    assert_eq!(text_of(c, "h1").await, STUDIO);
    let profile = text_of(c, "#profile").await;
    assert!(
        profile.contains("炼钢厂分会")
            && profile.contains("张志强")
            && profile.contains("先进制造"),
        "{profile}"
    );

    type_into(c, "#members #person", "刘伟").await;
    choose(c, "#members #role", "core").await;
    click_and_load(c, "#members form.row-form button[type=submit]").await;
    assert_eq!(
        path_and_query(c).await,
        format!("/innovation/studios/{studio}?done=member_added")
    );
    assert_eq!(notice(c).await, "成员已加入。");
    let members = texts_of(c, "#members tbody tr").await;
    let has = |who: &str, role: &str| members.iter().any(|m| m.contains(who) && m.contains(role));
    assert!(
        has("张志强", "带头人") && has("刘伟", "骨干成员"),
        "the leader and the new core member: {members:?}"
    );
    screenshot(c, "desktop-studio-members").await;
    sign_out(c).await;
    studio
}

/// The federation admin founds an alliance kept by the federation.
async fn alliance(c: &Client, app: &TestApp) {
    sign_in(c, app, "admin", "王建国").await;
    open(c, app, "/innovation/alliances/new").await;
    choose(c, "#unit_id", &app.seed.federation.to_string()).await;
    type_into(c, "#name", ALLIANCE).await;
    choose(c, "#kind", "same_kind").await;
    type_into(c, "#theme", "连铸").await;
    click_and_load(c, "form button[type=submit].primary").await;
    id_in_path(c, "/innovation/alliances/").await;
    assert_eq!(notice(c).await, "联盟已保存。");
    assert_eq!(text_of(c, "h1").await, ALLIANCE);
    assert!(page_text(c).await.contains("华江市总工会"));
    sign_out(c).await;
}

/// The leader, on a phone, joins the studio into the alliance and records an achievement.
async fn leader_on_a_phone(app: &TestApp, studio: i64) -> i64 {
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    sign_in(c, app, "leader", "张志强").await;

    open(c, app, "/innovation/alliances").await;
    follow(c, ALLIANCE).await;
    let alliance = id_in_path(c, "/innovation/alliances/").await;
    type_into(c, "#studio_id", &studio.to_string()).await;
    click_and_load(c, "form[action$='/members'] button[type=submit]").await;
    assert_eq!(
        path_and_query(c).await,
        format!("/innovation/alliances/{alliance}?done=member_added")
    );
    assert_eq!(notice(c).await, "成员已加入。");
    fits_the_screen(c, "the alliance page").await;
    screenshot(c, "phone-alliance-joined").await;
    follow(c, STUDIO).await;
    assert_eq!(id_in_path(c, "/innovation/studios/").await, studio);
    let alliances = text_of(c, "#alliances").await;
    assert!(
        alliances.contains(ALLIANCE) && alliances.contains("同型"),
        "{alliances}"
    );

    open(c, app, "/innovation/achievements/new").await;
    choose(c, "#studio_id", &studio.to_string()).await;
    type_into(c, "#title", TITLE).await;
    choose(c, "#kind", "process_improvement").await;
    choose(c, "#field", "advanced_manufacturing").await;
    let year = gongjiang_domain::clock::this_year().to_string();
    type_into(c, "#year", &year).await;
    type_into(c, "#people", "张志强、刘伟").await;
    type_into(
        c,
        "#summary",
        "改进结晶器液位控制，减少液面波动引起的卷渣。",
    )
    .await;
    fits_the_screen(c, "the achievement form").await;
    click_and_load(c, "form button[type=submit].primary").await;
    let id = id_in_path(c, "/innovation/achievements/").await;
    assert_eq!(notice(c).await, "成果已保存。");
    assert_eq!(text_of(c, "h1").await, TITLE);
    assert_eq!(text_of(c, "#stage").await, "草稿");
    let text = page_text(c).await;
    assert!(
        text.contains("张志强、刘伟") && text.contains(STUDIO) && text.contains("工艺改进"),
        "{text}"
    );
    assert!(
        c.find(Locator::Css("button[value=declare]")).await.is_err(),
        "a leader does not declare for the unit"
    );
    fits_the_screen(c, "the achievement page").await;
    screenshot(c, "phone-achievement-saved").await;
    id
}

/// Clicks a decision button on the achievement's page and checks where the page lands.
///
/// The decision form also holds the 退回 button (class `danger`); only that button asks for
/// confirmation, so declaring, recommending and recognising go through without a question.
async fn decide(c: &Client, id: i64, decision: &str, said: &str) {
    let css = format!("button[name=decision][value={decision}]");
    let asked = load_after_click(c, Locator::Css(&css), &css).await;
    assert_eq!(asked, None, "{decision} asks no confirmation");
    assert_eq!(
        path_and_query(c).await,
        format!("/innovation/achievements/{id}?done=decision_{decision}")
    );
    assert_eq!(notice(c).await, said);
}

/// The declaration climbs: the unit admin declares (branch → enterprise) and recommends it
/// (→ industry union); the federation admin recommends it (→ federation), recognises and
/// publishes it.
async fn declaration_climbs(c: &Client, app: &TestApp, id: i64) {
    sign_in(c, app, "unitadmin", "李秀英").await;
    open(c, app, "/innovation/achievements").await;
    follow(c, TITLE).await;
    assert_eq!(id_in_path(c, "/innovation/achievements/").await, id);
    assert!(text_of(c, "#steps").await.contains("尚未申报"));
    decide(c, id, "declare", "已申报。").await;
    let stage = text_of(c, "#stage").await;
    assert_eq!(stage, "申报中 · 华江钢铁集团有限公司工会");
    decide(c, id, "recommend", "已推荐上报。").await;
    assert_eq!(text_of(c, "#stage").await, "申报中 · 华江市机械冶金工会");
    assert!(
        c.find(Locator::Css("#decision")).await.is_err(),
        "the enterprise decides no more once it has recommended"
    );
    screenshot(c, "desktop-declaration-recommended").await;
    sign_out(c).await;

    sign_in(c, app, "admin", "王建国").await;
    open(c, app, "/innovation/declarations").await;
    let awaiting = text_of(c, "#awaiting").await;
    assert!(
        awaiting.contains(TITLE) && awaiting.contains("华江市机械冶金工会"),
        "{awaiting}"
    );
    follow(c, TITLE).await;
    assert_eq!(id_in_path(c, "/innovation/achievements/").await, id);
    decide(c, id, "recommend", "已推荐上报。").await;
    assert_eq!(text_of(c, "#stage").await, "申报中 · 华江市总工会");
    decide(c, id, "recognise", "已认定。").await;
    assert_eq!(text_of(c, "#stage").await, "已认定 · 华江市总工会");
    click_and_load(c, "form[action$='/publish'] button[type=submit]").await;
    assert_eq!(
        path_and_query(c).await,
        format!("/innovation/achievements/{id}?done=published")
    );
    assert_eq!(notice(c).await, "已在展示平台公开。");
    let badges = text_of(c, "p.badges").await;
    assert!(
        badges.contains("已认定") && badges.contains("已在展示平台公开"),
        "{badges}"
    );
    let steps = texts_of(c, "#steps li").await;
    assert_eq!(
        steps.len(),
        4,
        "declared, recommended twice, recognised: {steps:?}"
    );
    for (step, said) in steps.iter().zip([
        "炼钢厂分会 · 申报 → 华江钢铁集团有限公司工会 · 李秀英",
        "华江钢铁集团有限公司工会 · 推荐 → 华江市机械冶金工会 · 李秀英",
        "华江市机械冶金工会 · 推荐 → 华江市总工会 · 王建国",
        "华江市总工会 · 认定 · 王建国",
    ]) {
        assert!(step.contains(said), "step {step:?} is not {said:?}");
    }
    screenshot(c, "desktop-declaration-recognised").await;
    sign_out(c).await;
}

/// Anyone, on a phone, finds the achievement by searching and in the showcase.
async fn found_by_the_public(app: &TestApp, id: i64) {
    let b = browser(Screen::Phone).await;
    let c = &b.client;
    open(c, app, "/search").await;
    type_into(c, "#q", "液面波动").await;
    click_and_load(c, ".search-box button[type=submit]").await;
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/search");
    assert!(
        url.query_pairs().any(|(k, v)| k == "q" && v == "液面波动"),
        "{url}"
    );
    let results = text_of(c, "#results").await;
    assert!(results.contains(TITLE), "{results}");
    let highlighted = texts_of(c, "#results mark").await;
    assert!(
        highlighted
            .iter()
            .any(|h| h.contains("液面") || h.contains("波动")),
        "the words searched are highlighted: {highlighted:?}"
    );
    fits_the_screen(c, "the search results").await;
    screenshot(c, "phone-search").await;
    click_and_load(c, "#results a.result-title").await;
    assert_eq!(
        path_and_query(c).await,
        format!("/showcase/achievements/{id}")
    );
    assert_eq!(text_of(c, "h1").await, TITLE);
    let text = text_of(c, "article").await;
    assert!(
        text.contains("炼钢厂分会") && text.contains("张志强、刘伟"),
        "{text}"
    );
    // Its studio is not on the showcase: the public page does not name it.
    assert!(!text.contains(STUDIO), "{text}");
    fits_the_screen(c, "the public achievement").await;

    open(c, app, "/showcase").await;
    let card = text_of(
        c,
        &format!("ul.tiles a[href='/showcase/achievements/{id}']"),
    )
    .await;
    assert!(card.contains(TITLE), "{card}");
    fits_the_screen(c, "the showcase").await;
    screenshot(c, "phone-showcase").await;
}

#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver: run by scripts/test"]
async fn an_achievement_goes_from_a_studio_up_two_levels_to_the_public_showcase() {
    let app = TestApp::spawn().await;
    let desk = browser(Screen::Desktop).await;
    let c = &desk.client;
    let studio = studio_and_member(c, &app).await;
    alliance(c, &app).await;
    let id = leader_on_a_phone(&app, studio).await;
    declaration_climbs(c, &app, id).await;
    drop(desk);
    found_by_the_public(&app, id).await;

    let mut conn = app.db().read().await.expect("conn");
    let a = gongjiang_db::achievements::get(&mut conn, id)
        .await
        .expect("read")
        .expect("the achievement exists");
    assert_eq!(a.stage.as_str(), "recognised");
    assert_eq!(a.at_unit_id, Some(app.seed.federation));
    assert!(a.published);
    assert_eq!(a.studio_id, Some(studio));
    assert_eq!(a.unit_id, app.seed.branch);
}
