//! The role matrix's rules for the registry's JSON API: each route has the same rights as the
//! page that does the same thing (they call the same service).

use crate::common::TestApp;
use crate::role_registry::RegistryIds;
use crate::role_table::{Access, Rule};

/// A complete achievement body with an empty title: refused as invalid for those allowed,
/// and as forbidden for the rest (rights are checked before the text).
fn draft(unit: Option<i64>, studio: Option<i64>) -> Vec<(&'static str, String)> {
    let mut body = vec![
        ("title", String::new()),
        ("kind", "original".into()),
        ("field", "other".into()),
        ("year", "2024".into()),
    ];
    if let Some(unit) = unit {
        body.push(("unit_id", unit.to_string()));
    }
    if let Some(studio) = studio {
        body.push(("studio_id", studio.to_string()));
    }
    body
}

pub(crate) fn rules(app: &TestApp, ids: RegistryIds) -> Vec<Rule> {
    use Access::*;
    let s = &app.seed;
    let RegistryIds {
        studio,
        member,
        achievement,
        api_spare_file,
        exhibition,
        alliance,
        alliance_member,
        api_honour,
        honour,
        rating,
        ..
    } = ids;
    let person = s.target.0;
    let al = format!("/api/v1/alliances/{alliance}");
    let ex = format!("/api/v1/exhibitions/{exhibition}");
    let st = format!("/api/v1/studios/{studio}");
    let a = format!("/api/v1/achievements/{achievement}");
    vec![
        (
            "GET",
            "/api/v1/alliances",
            "/api/v1/alliances".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/alliances",
            "/api/v1/alliances".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("name", String::new()),
                ("kind", "same_kind".into()),
            ],
            Admins,
        ),
        (
            "GET",
            "/api/v1/alliances/quota",
            "/api/v1/alliances/quota".into(),
            vec![],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/alliances/quota",
            "/api/v1/alliances/quota".into(),
            vec![("quota", "1".into())],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/alliances/{id}",
            al.clone(),
            vec![],
            SignedIn,
        ),
        (
            "PUT",
            "/api/v1/alliances/{id}",
            al.clone(),
            vec![("name", "矩阵联盟".into()), ("kind", "same_kind".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/alliances/{id}/members",
            format!("{al}/members"),
            vec![("studio_id", studio.to_string())],
            Keepers,
        ),
        (
            "POST",
            "/api/v1/alliance-members/{id}/leave",
            format!("/api/v1/alliance-members/{alliance_member}/leave"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/api/v1/alliances/{id}/chairs",
            format!("{al}/chairs"),
            vec![("unit_id", s.enterprise.to_string())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/alliances/{id}/projects",
            format!("{al}/projects"),
            vec![("year", "2025".into()), ("title", "矩阵项目".into())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/groups",
            "/api/v1/groups".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/groups",
            "/api/v1/groups".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("kind", "center".into()),
                ("name", String::new()),
            ],
            Admins,
        ),
        (
            "GET",
            "/api/v1/groups/{id}",
            "/api/v1/groups/1".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/groups/{id}/members",
            "/api/v1/groups/1/members".into(),
            vec![("alliance_id", alliance.to_string())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exhibitions",
            "/api/v1/exhibitions".into(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/exhibitions",
            "/api/v1/exhibitions".into(),
            vec![
                ("unit_id", s.enterprise.to_string()),
                ("title", String::new()),
            ],
            Admins,
        ),
        (
            "GET",
            "/api/v1/exhibitions/{id}",
            ex.clone(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/exhibitions/{id}/items",
            format!("{ex}/items"),
            vec![("achievement_id", "999999".into())],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/exhibitions/{id}/items/{achievement}",
            format!("{ex}/items/{achievement}"),
            vec![("at_venue", "true".into()), ("board_no", "A1".into())],
            Admins,
        ),
        (
            "DELETE",
            "/api/v1/exhibitions/{id}/items/{achievement}",
            format!("{ex}/items/{achievement}"),
            vec![],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/exhibitions/{id}/publication",
            format!("{ex}/publication"),
            vec![("published", "false".into())],
            Admins,
        ),
        (
            "GET",
            "/api/v1/people/{id}/record",
            format!("/api/v1/people/{person}/record"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/people/{id}/honours",
            format!("/api/v1/people/{person}/honours"),
            vec![
                ("kind", "craftsman".into()),
                ("level", "municipal".into()),
                ("title", String::new()),
                ("year", "2024".into()),
            ],
            Admins,
        ),
        (
            "POST",
            "/api/v1/honours/{id}/certificate",
            format!("/api/v1/honours/{honour}/certificate"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/studios/{id}/ratings/{rating_id}/certificate",
            format!("{st}/ratings/{rating}/certificate"),
            vec![],
            Admins,
        ),
        (
            "DELETE",
            "/api/v1/honours/{id}",
            format!("/api/v1/honours/{api_honour}?reason=矩阵"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/mentorships",
            "/api/v1/mentorships".into(),
            vec![
                ("master_id", person.to_string()),
                ("apprentice_id", s.worker.0.to_string()),
                ("from_year", "2024".into()),
            ],
            Admins,
        ),
        (
            "GET",
            "/api/v1/search",
            "/api/v1/search?q=矩阵".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/statistics",
            "/api/v1/statistics".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/public/overview",
            "/api/v1/public/overview".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/achievements",
            "/api/v1/public/achievements".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/achievements/{id}",
            format!("/api/v1/public/achievements/{achievement}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/studios",
            "/api/v1/public/studios".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/studios/{id}",
            format!("/api/v1/public/studios/{studio}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/exhibitions",
            "/api/v1/public/exhibitions".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/exhibitions/{id}",
            format!("/api/v1/public/exhibitions/{exhibition}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/achievements",
            "/api/v1/achievements".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/achievements",
            "/api/v1/achievements".into(),
            draft(Some(s.branch), None),
            Admins,
        ),
        (
            "GET",
            "/api/v1/achievements/{id}",
            a.clone(),
            vec![],
            Keepers,
        ),
        (
            "PUT",
            "/api/v1/achievements/{id}",
            a.clone(),
            draft(None, Some(studio)),
            Keepers,
        ),
        (
            "POST",
            "/api/v1/achievements/{id}/decisions",
            format!("{a}/decisions"),
            vec![("decision", "recommend".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/achievements/{id}/awards",
            format!("{a}/awards"),
            vec![
                ("name", String::new()),
                ("tier", "first".into()),
                ("year", "2024".into()),
            ],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/achievements/{id}/publication",
            format!("{a}/publication"),
            vec![("published", "false".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/achievements/{id}/files",
            format!("{a}/files"),
            vec![],
            Keepers,
        ),
        (
            "DELETE",
            "/api/v1/achievement-files/{id}",
            format!("/api/v1/achievement-files/{api_spare_file}"),
            vec![],
            Keepers,
        ),
        (
            "GET",
            "/api/v1/declarations",
            "/api/v1/declarations".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/studios",
            "/api/v1/studios".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/studios",
            "/api/v1/studios".into(),
            vec![("unit_id", s.branch.to_string()), ("name", String::new())],
            Admins,
        ),
        ("GET", "/api/v1/studios/{id}", st.clone(), vec![], Keepers),
        (
            "PUT",
            "/api/v1/studios/{id}",
            st.clone(),
            vec![
                ("name", "矩阵创新工作室".into()),
                ("leader_person_id", s.leader.0.to_string()),
            ],
            Keepers,
        ),
        (
            "POST",
            "/api/v1/studios/{id}/members",
            format!("{st}/members"),
            // Someone the studio's keepers cannot find (refused with 422 for them), so that no
            // later rule meets a new member.
            vec![
                ("person_id", s.admin.0.to_string()),
                ("role", "member".into()),
            ],
            Keepers,
        ),
        (
            "POST",
            "/api/v1/studio-members/{id}/leave",
            format!("/api/v1/studio-members/{member}/leave"),
            vec![],
            Keepers,
        ),
        (
            "POST",
            "/api/v1/studios/{id}/levels",
            format!("{st}/levels"),
            vec![
                ("level", "enterprise".into()),
                ("year", "2020".into()),
                ("granted_by", "华江钢铁工会".into()),
            ],
            Admins,
        ),
        (
            "POST",
            "/api/v1/studios/{id}/ratings",
            format!("{st}/ratings"),
            vec![
                ("stars", "4".into()),
                ("rated_on", "2025-06-01".into()),
                ("source", "年度评估".into()),
            ],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/studios/{id}/status",
            format!("{st}/status"),
            vec![("status", "active".into()), ("reason", "矩阵".into())],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/studios/{id}/publication",
            format!("{st}/publication"),
            vec![("published", "false".into())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/studios/{id}/pictures",
            format!("{st}/pictures"),
            vec![],
            Keepers,
        ),
    ]
}
