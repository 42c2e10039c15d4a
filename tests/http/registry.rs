//! The innovation registry over HTTP: studios and their history, members, alliances with
//! chair terms and the annual-projects rule, honours and master–apprentice pairs.

use crate::common::TestApp;
use reqwest::{Client, StatusCode};

/// The id at the end of a redirect's `Location` (`/innovation/studios/7?done=…` → 7).
fn id_in(r: &reqwest::Response, prefix: &str) -> i64 {
    let location = r.headers()["location"].to_str().unwrap();
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['?', '/', '#']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

async fn new_studio(app: &TestApp, client: &Client, unit: i64, name: &str, leader: &str) -> i64 {
    let unit = unit.to_string();
    let r = app
        .post_form(
            client,
            "/innovation/studios",
            &[
                ("unit_id", &unit),
                ("name", name),
                ("leader", leader),
                ("fields", "advanced_manufacturing"),
                ("fields", "ai"),
                ("founded_year", "2016"),
                ("site", "炼钢厂三号楼"),
                ("summary", "专注连铸设备改造。"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name} is registered");
    id_in(&r, "/innovation/studios/")
}

#[tokio::test]
async fn a_studio_keeps_its_profile_members_levels_ratings_and_status() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let leader = app.login("leader").await;
    let studio = new_studio(
        &app,
        &unitadmin,
        app.seed.branch,
        "张志强连铸创新工作室",
        "张志强",
    )
    .await;
    let page = format!("/innovation/studios/{studio}");
    let (status, html) = app.get_text(&leader, &page).await;
    assert_eq!(status, StatusCode::OK, "the leader found by name keeps it");
    assert!(html.contains("先进制造") && html.contains("人工智能") && html.contains("张志强"));

    // The leader edits the profile; the change is audited with before and after.
    let r = app
        .post_form(
            &leader,
            &page,
            &[
                ("name", "张志强连铸创新工作室"),
                ("site", "炼钢厂五号楼"),
                ("reason", "搬迁"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let audit = app.audit("studio.update").await;
    assert!(audit[0]["before"].as_str().unwrap().contains("三号楼"));
    assert!(audit[0]["after"].as_str().unwrap().contains("五号楼"));
    assert_eq!(audit[0]["reason"], "搬迁");

    // Members come by name or employee number; the same person twice is refused.
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[
                ("person", "刘伟"),
                ("role", "core"),
                ("joined_on", "2023-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("person", "刘伟"), ("role", "member")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("已是成员"));
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("person", "无此人"), ("role", "member")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("找不到人员「无此人」"));
    // A leader finds only people of the studio's own units: not someone of the federation's
    // staff, even by `#id`.
    let outsider = format!("#{}", app.seed.admin.0);
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("person", outsider.as_str()), ("role", "member")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("找不到人员「{outsider}」"))
    );

    // Levels are an admin's business; the studio holds the highest ever granted.
    let level = |level: &'static str, year: &'static str| {
        [
            ("level", level),
            ("year", year),
            ("granted_by", "华江市总工会"),
        ]
    };
    let r = app
        .post_form(
            &leader,
            &format!("{page}/levels"),
            &level("municipal", "2022"),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a leader does not grant levels"
    );
    for (l, y) in [
        ("enterprise", "2019"),
        ("municipal", "2022"),
        ("district", "2024"),
    ] {
        let r = app
            .post_form(&unitadmin, &format!("{page}/levels"), &level(l, y))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/levels"),
            &level("district", "2024"),
        )
        .await;
    assert!(r.text().await.unwrap().contains("已登记过"));
    let r = app
        .post_form(
            &unitadmin,
            &format!("{page}/levels"),
            &level("national", "1900"),
        )
        .await;
    let text = r.text().await.unwrap();
    assert!(text.contains("「national」不是可选的值") && text.contains("年份 1900 不在 1949"));

    // Ratings keep their date and source; the page says what each did.
    for (stars, day) in [
        ("3", "2021-12-01"),
        ("5", "2023-12-01"),
        ("4", "2025-12-01"),
    ] {
        let r = app
            .post_form(
                &unitadmin,
                &format!("{page}/ratings"),
                &[
                    ("stars", stars),
                    ("rated_on", day),
                    ("source", "市总工会评估检查"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{day}");
    }
    let (_, html) = app.get_text(&leader, &page).await;
    assert!(
        html.contains("市级</span>"),
        "the current level is municipal"
    );
    assert!(html.contains("首次评定") && html.contains("晋升") && html.contains("降级"));
    let (_, list) = app
        .get_text(&unitadmin, "/innovation/studios?level=municipal&stars=4")
        .await;
    assert!(list.contains("张志强连铸创新工作室"));
    let (_, list) = app
        .get_text(&unitadmin, "/innovation/studios?stars=5")
        .await;
    assert!(
        !list.contains("张志强连铸创新工作室"),
        "the latest rating counts"
    );

    // Merging needs the studio it merges into and a reason; the history stays.
    let other = new_studio(
        &app,
        &unitadmin,
        app.seed.branch,
        "炼钢厂联合创新工作室",
        "",
    )
    .await;
    let status_path = format!("{page}/status");
    let r = app
        .post_form(
            &unitadmin,
            &status_path,
            &[("status", "merged"), ("reason", "整合")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("须填写并入的工作室编号"));
    let other_s = other.to_string();
    let r = app
        .post_form(
            &unitadmin,
            &status_path,
            &[
                ("status", "merged"),
                ("merged_into", &other_s),
                ("on", "2026-01-05"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("请填写原因"));
    let r = app
        .post_form(
            &unitadmin,
            &status_path,
            &[
                ("status", "merged"),
                ("merged_into", &other_s),
                ("on", "2026-01-05"),
                ("reason", "两室整合"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&unitadmin, &page).await;
    assert!(
        html.contains("已合并") && html.contains("炼钢厂联合创新工作室") && html.contains("2022")
    );
    let audit = app.audit("studio.status").await;
    assert_eq!(audit[0]["reason"], "两室整合");
}

#[tokio::test]
async fn keepers_are_the_studios_admins_and_its_leader_only() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let unitadmin = app.login("unitadmin").await;
    let leader = app.login("leader").await;
    let worker = app.login("worker").await;
    // A studio of another enterprise, outside the unit admin's subtree.
    let elsewhere = new_studio(
        &app,
        &admin,
        app.seed.other_enterprise,
        "汽车总装创新工作室",
        "",
    )
    .await;
    let path = format!("/innovation/studios/{elsewhere}");
    assert_eq!(
        app.get(&unitadmin, &path).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&leader, &path).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = app.post_form(&leader, &path, &[("name", "改名")]).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a leader cannot edit another studio"
    );
    let other = app.seed.other_enterprise.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/innovation/studios",
            &[("unit_id", &other), ("name", "越权创新工作室")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a unit admin registers only in the subtree"
    );
    let (_, list) = app.get_text(&unitadmin, "/innovation/studios").await;
    assert!(!list.contains("汽车总装创新工作室"));
    let (_, list) = app.get_text(&admin, "/innovation/studios").await;
    assert!(list.contains("汽车总装创新工作室"));
    // Unpublished studios are hidden from those who do not keep them; published ones are not.
    assert_eq!(
        app.get(&worker, &path).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = app
        .upload(
            &admin,
            &format!("{path}/pictures"),
            crate::role_table::PNG.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&admin, &path).await;
    let picture: i64 = html
        .split("/studio-pictures/")
        .nth(1)
        .and_then(|s| s.split(['/', '"']).next())
        .and_then(|n| n.parse().ok())
        .expect("the picture on the page");
    let thumb = format!("/studio-pictures/{picture}/thumb");
    assert_eq!(
        app.get(&app.client(), &thumb).await.status(),
        StatusCode::NOT_FOUND
    );
    let hidden = app
        .get(&app.client(), &format!("/showcase/studios/{elsewhere}"))
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let r = app
        .post_form(&admin, &format!("{path}/publish"), &[("published", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&worker, &path).await.status(), StatusCode::OK);
    // The public showcase has it now, and only now.
    let public = app.client();
    let (status, html) = app
        .get_text(&public, &format!("/showcase/studios/{elsewhere}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("汽车总装创新工作室"));
    assert!(html.contains(&thumb));
    let shown = app.get(&public, &thumb).await;
    assert_eq!(shown.headers()["content-type"], "image/jpeg");
    let (_, listing) = app.get_text(&public, "/showcase/studios").await;
    assert!(listing.contains("汽车总装创新工作室"));
    // A leader's own register lists the studios they lead.
    let mine = new_studio(
        &app,
        &unitadmin,
        app.seed.branch,
        "张志强创新工作室",
        "张志强",
    )
    .await;
    let (_, list) = app.get_text(&leader, "/innovation/studios").await;
    assert!(list.contains(&format!("/innovation/studios/{mine}")) && !list.contains("汽车总装"));
    // The same name twice in one unit is refused, naming the field.
    let branch = app.seed.branch.to_string();
    let r = app
        .post_form(
            &unitadmin,
            "/innovation/studios",
            &[("unit_id", &branch), ("name", "张志强创新工作室")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("本单位已有名为「张志强创新工作室」的工作室")
    );
}

#[tokio::test]
async fn alliances_keep_members_chairs_projects_and_the_annual_rule() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let unitadmin = app.login("unitadmin").await;
    let leader = app.login("leader").await;
    let mine = new_studio(
        &app,
        &unitadmin,
        app.seed.branch,
        "张志强创新工作室",
        "张志强",
    )
    .await;
    let theirs = new_studio(
        &app,
        &admin,
        app.seed.other_enterprise,
        "汽车总装创新工作室",
        "",
    )
    .await;
    let federation = app.seed.federation.to_string();
    let r = app
        .post_form(
            &admin,
            "/innovation/alliances",
            &[
                ("unit_id", &federation),
                ("name", "汽车轻量化创新联盟"),
                ("kind", "thematic"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("主题型联盟须填写主题"));
    let r = app
        .post_form(
            &admin,
            "/innovation/alliances",
            &[
                ("unit_id", &federation),
                ("name", "汽车轻量化创新联盟"),
                ("kind", "thematic"),
                ("theme", "轻量化"),
                ("founded_year", "2020"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let alliance = id_in(&r, "/innovation/alliances/");
    let r = app
        .post_form(
            &admin,
            "/innovation/alliances",
            &[
                ("unit_id", &federation),
                ("name", "装备制造同型联盟"),
                ("kind", "same_kind"),
            ],
        )
        .await;
    let second = id_in(&r, "/innovation/alliances/");
    let page = format!("/innovation/alliances/{alliance}");

    // A leader takes their own studio in, and not another's.
    let mine_s = mine.to_string();
    let theirs_s = theirs.to_string();
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("studio_id", &mine_s), ("joined_on", "2021-03-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("studio_id", &theirs_s)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &admin,
            &format!("{page}/members"),
            &[("studio_id", &theirs_s), ("joined_on", "2021-05-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &leader,
            &format!("{page}/members"),
            &[("studio_id", &mine_s)],
        )
        .await;
    assert!(r.text().await.unwrap().contains("已是成员"));
    // A studio may be in several alliances.
    let r = app
        .post_form(
            &leader,
            &format!("/innovation/alliances/{second}/members"),
            &[("studio_id", &mine_s)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app
        .get_text(&leader, &format!("/innovation/studios/{mine}"))
        .await;
    assert!(html.contains("汽车轻量化创新联盟") && html.contains("装备制造同型联盟"));

    // Chair units hand over by term; the sitting term ends on the handover day.
    let enterprise = app.seed.enterprise.to_string();
    let other = app.seed.other_enterprise.to_string();
    let chairs = format!("{page}/chairs");
    let r = app
        .post_form(
            &admin,
            &chairs,
            &[("unit_id", &enterprise), ("from", "2021-01-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &admin,
            &chairs,
            &[("unit_id", &enterprise), ("from", "2023-01-01")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("该单位已是现任理事长单位"));
    let r = app
        .post_form(
            &admin,
            &chairs,
            &[("unit_id", &other), ("from", "2020-06-01")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("交接日期须晚于"));
    let r = app
        .post_form(
            &admin,
            &chairs,
            &[
                ("unit_id", &other),
                ("from", "2024-01-01"),
                ("note", "移交项目台账和经费"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&admin, &page).await;
    assert!(html.contains("2021-01-01 – 2024-01-01") && html.contains("移交项目台账和经费"));
    let handovers = app.audit("alliance.chair_handover").await;
    assert_eq!(handovers.len(), 2);

    // The annual rule: both alliances are below one project this year, until they report one.
    let year = gongjiang_domain::clock::this_year().to_string();
    let (_, dash) = app
        .get_text(&unitadmin, "/innovation/alliances/quota")
        .await;
    assert!(dash.contains("汽车轻量化创新联盟") && dash.contains("装备制造同型联盟"));
    let r = app
        .post_form(
            &admin,
            &format!("{page}/projects"),
            &[("year", &year), ("title", "铝合金副车架减重")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app
        .get_text(&unitadmin, "/innovation/alliances/quota")
        .await;
    assert!(!dash.contains("汽车轻量化创新联盟") && dash.contains("装备制造同型联盟"));
    // The federation raises the rule to two; a unit admin may not.
    let r = app
        .post_form(&unitadmin, "/innovation/alliances/quota", &[("quota", "2")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(&admin, "/innovation/alliances/quota", &[("quota", "0")])
        .await;
    assert!(r.text().await.unwrap().contains("1 至 20"));
    let r = app
        .post_form(
            &admin,
            "/innovation/alliances/quota",
            &[("quota", "2"), ("reason", "年度工作要点")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app
        .get_text(&unitadmin, "/innovation/alliances/quota")
        .await;
    assert!(
        dash.contains("汽车轻量化创新联盟"),
        "one project is now short of two"
    );
    assert_eq!(
        app.audit("registry.quota").await[0]["reason"],
        "年度工作要点"
    );

    // Leaving keeps the history; the studio may come back later.
    let (_, html) = app.get_text(&leader, &page).await;
    let member_id = html
        .split("/innovation/alliance-members/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    let alliance_s = alliance.to_string();
    let r = app
        .post_form(
            &leader,
            &format!("/innovation/alliance-members/{member_id}/leave"),
            &[("alliance_id", &alliance_s), ("left_on", "2021-01-01")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("早于开始"));
    let r = app
        .post_form(
            &leader,
            &format!("/innovation/alliance-members/{member_id}/leave"),
            &[("alliance_id", &alliance_s), ("left_on", "2025-06-30")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&leader, &page).await;
    assert!(html.contains("2025-06-30"));
}

#[tokio::test]
async fn centers_and_bases_group_alliances_and_studios() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let unitadmin = app.login("unitadmin").await;
    let federation = app.seed.federation.to_string();
    let studio = new_studio(&app, &admin, app.seed.branch, "连铸创新工作室", "").await;
    let r = app
        .post_form(
            &admin,
            "/innovation/alliances",
            &[
                ("unit_id", &federation),
                ("name", "冶金同型联盟"),
                ("kind", "same_kind"),
            ],
        )
        .await;
    let alliance = id_in(&r, "/innovation/alliances/").to_string();
    let center = [
        ("unit_id", federation.as_str()),
        ("kind", "center"),
        ("name", "华江冶金创新中心"),
    ];
    let r = app
        .post_form(&unitadmin, "/innovation/groups", &center)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the federation's centers are its own"
    );
    let r = app.post_form(&admin, "/innovation/groups", &center).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = app
        .post_form(
            &admin,
            &format!("{page}/members"),
            &[("alliance_id", &alliance)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &admin,
            &format!("{page}/members"),
            &[("studio_id", &studio.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &admin,
            &format!("{page}/members"),
            &[("alliance_id", &alliance)],
        )
        .await;
    assert!(r.text().await.unwrap().contains("已是成员"));
    let (_, html) = app.get_text(&unitadmin, &page).await;
    assert!(
        html.contains("冶金同型联盟")
            && html.contains("连铸创新工作室")
            && html.contains("创新中心")
    );
    let (_, list) = app.get_text(&unitadmin, "/innovation/groups").await;
    assert!(list.contains("联盟 1 个") && list.contains("工作室 1 个"));
}

#[tokio::test]
async fn people_carry_honours_and_master_apprentice_pairs() {
    let app = TestApp::spawn().await;
    let unitadmin = app.login("unitadmin").await;
    let person = app.seed.target.0;
    let path = format!("/admin/people/{person}");
    let r = app
        .post_form(
            &unitadmin,
            &format!("{path}/honours"),
            &[
                ("kind", "model_worker"),
                ("level", "national"),
                ("title", "全国劳动模范"),
                ("year", "2020"),
                ("granted_by", "国务院"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &unitadmin,
            &format!("{path}/honours"),
            &[
                ("kind", "hero"),
                ("level", "national"),
                ("title", "x"),
                ("year", "2020"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &unitadmin,
            &format!("{path}/mentorships"),
            &[
                ("as", "apprentice"),
                ("other", "刘伟"),
                ("from_year", "2022"),
                ("to_year", "2021"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("结束（2021）早于开始（2022）")
    );
    let r = app
        .post_form(
            &unitadmin,
            &format!("{path}/mentorships"),
            &[
                ("as", "apprentice"),
                ("other", "刘伟"),
                ("from_year", "2022"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&unitadmin, &path).await;
    assert!(
        html.contains("全国劳动模范") && html.contains("国务院") && html.contains("刘伟 → 赵敏")
    );
    let honour = html
        .split("/admin/honours/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_owned();
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/honours/{honour}/remove"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/honours/{honour}/remove"),
            &[("reason", "重复登记")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let removed = app.audit("person.honour_remove").await;
    assert!(
        removed[0]["before"]
            .as_str()
            .unwrap()
            .contains("全国劳动模范")
    );
    // Honours outside the admin's subtree are out of reach.
    let other = app.seed.other_enterprise;
    let system = gongjiang_app::Caller::system("test");
    let stranger = gongjiang_app::people::create(
        app.db(),
        &system,
        gongjiang_app::people::PersonInput {
            unit_id: other,
            name: "外企职工".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let r = app
        .post_form(
            &unitadmin,
            &format!("/admin/people/{stranger}/honours"),
            &[
                ("kind", "craftsman"),
                ("level", "enterprise"),
                ("title", "企业工匠"),
                ("year", "2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
