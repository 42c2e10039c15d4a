//! The role matrix's rules for the innovation registry (studios, alliances, honours).

use crate::common::TestApp;
use crate::role_table::{Access, Rule};
use gongjiang_app::Caller;

/// What the registry's rules act on: a studio in the branch led by `leader`, one of its
/// members, an alliance kept by the enterprise with that studio in it, and an honour.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RegistryIds {
    pub studio: i64,
    /// A star rating of the studio, to certify.
    pub rating: i64,
    pub member: i64,
    pub alliance: i64,
    pub alliance_member: i64,
    pub honour: i64,
    pub achievement: i64,
    /// Two files of the achievement: one to read, one to remove.
    pub file: i64,
    pub spare_file: i64,
    /// A third file, for the API's removal.
    pub api_spare_file: i64,
    /// A second honour, for the API's removal.
    pub api_honour: i64,
    pub exhibition: i64,
}

impl RegistryIds {
    pub async fn make(app: &TestApp) -> RegistryIds {
        let system = Caller::system("test");
        let db = app.db();
        let s = &app.seed;
        let studio = gongjiang_app::studios::create(
            db,
            &system,
            gongjiang_app::studios::StudioInput {
                unit_id: s.branch,
                leader_person_id: Some(s.leader.0),
                profile: gongjiang_domain::registry::studio::StudioProfileInput {
                    name: "矩阵创新工作室".into(),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap()
        .id;
        let member = gongjiang_app::studios::add_member(
            db,
            &system,
            studio,
            gongjiang_app::studios::MemberInput {
                person_id: s.target.0,
                role: "member".into(),
                joined_on: "2024-01-01".into(),
            },
        )
        .await
        .unwrap()
        .id;
        let alliance = gongjiang_app::alliances::create(
            db,
            &system,
            gongjiang_app::alliances::AllianceInput {
                unit_id: s.enterprise,
                profile: gongjiang_domain::registry::alliance::AllianceProfileInput {
                    name: "矩阵联盟".into(),
                    kind: "same_kind".into(),
                    ..Default::default()
                },
                annual_quota: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
        let alliance_member =
            gongjiang_app::alliances::join(db, &system, alliance, studio, "2024-01-01")
                .await
                .unwrap()
                .id;
        gongjiang_app::studios::record_rating(
            db,
            &system,
            studio,
            gongjiang_app::studios::RatingInput {
                stars: "4".into(),
                rated_on: "2025-06-01".into(),
                source: "2025年度星级评定".into(),
            },
        )
        .await
        .unwrap();
        let rating = gongjiang_db::studios::ratings(&mut db.read().await.unwrap(), studio)
            .await
            .unwrap()[0]
            .id;
        let mut honours = Vec::new();
        for title in ["华江市劳动模范", "华江市先进工作者"] {
            let honour = gongjiang_app::honours::add(
                db,
                &system,
                s.target.0,
                gongjiang_domain::registry::honour::HonourInput {
                    kind: "model_worker".into(),
                    level: "municipal".into(),
                    title: title.into(),
                    year: "2022".into(),
                    granted_by: "华江市人民政府".into(),
                },
            )
            .await
            .unwrap()
            .id;
            honours.push(honour);
        }
        let honour = honours[0];
        let achievement = gongjiang_app::achievements::create(
            db,
            &system,
            gongjiang_app::achievements::AchievementInput {
                unit_id: s.branch,
                studio_id: Some(studio),
                text: gongjiang_domain::registry::achievement::AchievementTextInput {
                    title: "矩阵创新成果".into(),
                    kind: "original".into(),
                    field: "traditional".into(),
                    year: "2024".into(),
                    ..Default::default()
                },
                people: vec![s.leader.0],
            },
        )
        .await
        .unwrap()
        .id;
        let mut files = Vec::new();
        for name in ["说明.pdf", "备用.pdf", "接口备用.pdf"] {
            let f = gongjiang_app::achievements::add_file(
                db,
                &system,
                achievement,
                name,
                b"%PDF-1.4 matrix".to_vec(),
            )
            .await
            .unwrap();
            files.push(f.id);
        }
        let exhibition = gongjiang_app::exhibitions::create(
            db,
            &system,
            gongjiang_app::exhibitions::ExhibitionInput {
                unit_id: s.enterprise,
                title: "矩阵成果展示".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        gongjiang_app::groups::create(
            db,
            &system,
            gongjiang_app::groups::GroupInput {
                unit_id: s.enterprise,
                kind: "center".into(),
                name: "矩阵创新中心".into(),
                summary: String::new(),
            },
        )
        .await
        .unwrap();
        gongjiang_app::studios::add_picture(
            db,
            &system,
            studio,
            "site.png",
            crate::role_table::PNG.to_vec(),
        )
        .await
        .unwrap();
        RegistryIds {
            exhibition,
            studio,
            rating,
            member,
            alliance,
            alliance_member,
            honour,
            achievement,
            file: files[0],
            spare_file: files[1],
            api_spare_file: files[2],
            api_honour: honours[1],
        }
    }
}

pub(crate) fn rules(app: &TestApp, ids: RegistryIds) -> Vec<Rule> {
    use Access::*;
    let s = &app.seed;
    let RegistryIds {
        studio,
        rating,
        member,
        alliance,
        alliance_member,
        honour,
        achievement,
        file,
        spare_file,
        exhibition,
        ..
    } = ids;
    let person = s.target.0;
    let profile = || {
        vec![
            ("name", "矩阵创新工作室".to_owned()),
            ("leader", format!("#{}", s.leader.0)),
        ]
    };
    let a = format!("/innovation/achievements/{achievement}");
    vec![
        (
            "GET",
            "/innovation/achievements",
            "/innovation/achievements".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/innovation/achievements/new",
            "/innovation/achievements/new".into(),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/achievements",
            "/innovation/achievements".into(),
            vec![("unit_id", s.branch.to_string()), ("title", String::new())],
            Admins,
        ),
        (
            "GET",
            "/innovation/achievements/{id}",
            a.clone(),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/achievements/{id}",
            a.clone(),
            vec![("studio_id", studio.to_string()), ("title", String::new())],
            Keepers,
        ),
        (
            "GET",
            "/innovation/achievements/{id}/edit",
            format!("{a}/edit"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/achievements/{id}/decision",
            format!("{a}/decision"),
            vec![("decision", "recommend".into())],
            Admins,
        ),
        (
            "POST",
            "/innovation/achievements/{id}/awards",
            format!("{a}/awards"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/achievements/{id}/files",
            format!("{a}/files"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/achievements/{id}/publish",
            format!("{a}/publish"),
            vec![("published", "0".into())],
            Admins,
        ),
        (
            "GET",
            "/files/{id}",
            format!("/files/{file}"),
            vec![],
            Readers,
        ),
        (
            "GET",
            "/files/{id}/thumb",
            format!("/files/{file}/thumb"),
            vec![],
            Readers,
        ),
        (
            "POST",
            "/innovation/achievement-files/{id}/remove",
            format!("/innovation/achievement-files/{spare_file}/remove"),
            vec![],
            Keepers,
        ),
        (
            "GET",
            "/innovation/declarations",
            "/innovation/declarations".into(),
            vec![],
            Admins,
        ),
        ("GET", "/search", "/search?q=矩阵".into(), vec![], Public),
        (
            "POST",
            "/innovation/studios/{id}/pictures",
            format!("/innovation/studios/{studio}/pictures"),
            vec![],
            Keepers,
        ),
        (
            "GET",
            "/studio-pictures/{id}",
            "/studio-pictures/1".into(),
            vec![],
            Readers,
        ),
        (
            "GET",
            "/studio-pictures/{id}/thumb",
            "/studio-pictures/1/thumb".into(),
            vec![],
            Readers,
        ),
        (
            "GET",
            "/innovation/groups",
            "/innovation/groups".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/innovation/groups",
            "/innovation/groups".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("name", String::new()),
            ],
            Admins,
        ),
        (
            "GET",
            "/innovation/groups/{id}",
            "/innovation/groups/1".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/innovation/groups/{id}/members",
            "/innovation/groups/1/members".into(),
            vec![("alliance_id", alliance.to_string())],
            Admins,
        ),
        (
            "GET",
            "/admin/export/{kind}",
            "/admin/export/studios.xlsx".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/innovation/exhibitions",
            "/innovation/exhibitions".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/exhibitions",
            "/innovation/exhibitions".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("title", String::new()),
            ],
            Admins,
        ),
        (
            "GET",
            "/innovation/exhibitions/{id}",
            format!("/innovation/exhibitions/{exhibition}"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/exhibitions/{id}/items",
            format!("/innovation/exhibitions/{exhibition}/items"),
            vec![("achievement_id", "999999".into())],
            Admins,
        ),
        (
            "POST",
            "/innovation/exhibitions/{id}/items/{achievement}",
            format!("/innovation/exhibitions/{exhibition}/items/{achievement}"),
            vec![("offline", "1".into())],
            Admins,
        ),
        (
            "POST",
            "/innovation/exhibitions/{id}/publish",
            format!("/innovation/exhibitions/{exhibition}/publish"),
            vec![("published", "0".into())],
            Admins,
        ),
        (
            "GET",
            "/innovation/exhibitions/{id}/boards",
            format!("/innovation/exhibitions/{exhibition}/boards"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/showcase/exhibitions/{id}",
            format!("/showcase/exhibitions/{exhibition}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/statistics/export.xlsx",
            "/statistics/export.xlsx".into(),
            vec![],
            Admins,
        ),
        ("GET", "/showcase", "/showcase".into(), vec![], Public),
        (
            "GET",
            "/showcase/achievements",
            "/showcase/achievements".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/showcase/achievements/{id}",
            format!("/showcase/achievements/{achievement}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/showcase/studios",
            "/showcase/studios".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/showcase/studios/{id}",
            format!("/showcase/studios/{studio}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/innovation/studios",
            "/innovation/studios".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/innovation/studios/new",
            "/innovation/studios/new".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/studios",
            "/innovation/studios".into(),
            vec![("unit_id", s.branch.to_string()), ("name", String::new())],
            Admins,
        ),
        (
            "GET",
            "/innovation/studios/{id}",
            format!("/innovation/studios/{studio}"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/studios/{id}",
            format!("/innovation/studios/{studio}"),
            profile(),
            Keepers,
        ),
        (
            "GET",
            "/innovation/studios/{id}/edit",
            format!("/innovation/studios/{studio}/edit"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/innovation/studios/{id}/members",
            format!("/innovation/studios/{studio}/members"),
            vec![
                ("person", format!("#{}", s.worker.0)),
                ("role", "member".into()),
            ],
            Keepers,
        ),
        (
            "POST",
            "/innovation/studio-members/{id}/leave",
            format!("/innovation/studio-members/{member}/leave"),
            vec![("studio_id", studio.to_string())],
            Keepers,
        ),
        (
            "POST",
            "/innovation/studios/{id}/levels",
            format!("/innovation/studios/{studio}/levels"),
            vec![
                ("level", "enterprise".into()),
                ("year", "2020".into()),
                ("granted_by", "华江钢铁工会".into()),
            ],
            Admins,
        ),
        (
            "POST",
            "/innovation/studios/{id}/ratings",
            format!("/innovation/studios/{studio}/ratings"),
            vec![
                ("stars", "4".into()),
                ("rated_on", "2025-06-01".into()),
                ("source", "年度评估".into()),
            ],
            Admins,
        ),
        (
            "POST",
            "/innovation/studios/{id}/status",
            format!("/innovation/studios/{studio}/status"),
            vec![("status", "active".into()), ("reason", "矩阵".into())],
            Admins,
        ),
        (
            "POST",
            "/innovation/studios/{id}/publish",
            format!("/innovation/studios/{studio}/publish"),
            vec![("published", "0".into())],
            Admins,
        ),
        (
            "GET",
            "/innovation/alliances",
            "/innovation/alliances".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/innovation/alliances/new",
            "/innovation/alliances/new".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/alliances",
            "/innovation/alliances".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("name", String::new()),
            ],
            Admins,
        ),
        (
            "GET",
            "/innovation/alliances/quota",
            "/innovation/alliances/quota".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/alliances/quota",
            "/innovation/alliances/quota".into(),
            vec![("quota", "1".into())],
            FederationAdmin,
        ),
        (
            "GET",
            "/innovation/alliances/{id}",
            format!("/innovation/alliances/{alliance}"),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/innovation/alliances/{id}",
            format!("/innovation/alliances/{alliance}"),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("name", "矩阵联盟".into()),
                ("kind", "same_kind".into()),
            ],
            Admins,
        ),
        (
            "GET",
            "/innovation/alliances/{id}/edit",
            format!("/innovation/alliances/{alliance}/edit"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/alliances/{id}/members",
            format!("/innovation/alliances/{alliance}/members"),
            vec![("studio_id", studio.to_string())],
            Keepers,
        ),
        (
            "POST",
            "/innovation/alliance-members/{id}/leave",
            format!("/innovation/alliance-members/{alliance_member}/leave"),
            vec![("alliance_id", alliance.to_string())],
            Keepers,
        ),
        (
            "POST",
            "/innovation/alliances/{id}/chairs",
            format!("/innovation/alliances/{alliance}/chairs"),
            vec![("unit_id", s.enterprise.to_string())],
            Admins,
        ),
        (
            "POST",
            "/innovation/alliances/{id}/projects",
            format!("/innovation/alliances/{alliance}/projects"),
            vec![("year", "2025".into()), ("title", "矩阵项目".into())],
            Admins,
        ),
        (
            "POST",
            "/admin/people/{id}/honours",
            format!("/admin/people/{person}/honours"),
            vec![("kind", "craftsman".into())],
            Admins,
        ),
        (
            "POST",
            "/admin/people/{id}/mentorships",
            format!("/admin/people/{person}/mentorships"),
            vec![
                ("other", format!("#{}", s.worker.0)),
                ("from_year", "2024".into()),
            ],
            Admins,
        ),
        (
            "POST",
            "/admin/honours/{id}/certificate",
            format!("/admin/honours/{honour}/certificate"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/innovation/studios/{id}/ratings/{rating_id}/certificate",
            format!("/innovation/studios/{studio}/ratings/{rating}/certificate"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/admin/honours/{id}/remove",
            format!("/admin/honours/{honour}/remove"),
            vec![("reason", "矩阵".into())],
            Admins,
        ),
    ]
}
