//! The role matrix's rules for competitions and tracks, pages and API alike: everyone signed
//! in reads them; the admins of the organising unit's subtree set them up.

use crate::common::TestApp;
use crate::role_table::{Access, Rule};

/// The records the rules act on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CompetitionIds {
    pub competition: i64,
    pub track: i64,
}

impl CompetitionIds {
    pub(crate) async fn make(app: &TestApp) -> CompetitionIds {
        let competition = app.fx().competition("矩阵竞赛").await;
        let track = app.fx().track(competition, "焊工").await;
        CompetitionIds { competition, track }
    }
}

pub(crate) fn rules(app: &TestApp, ids: CompetitionIds) -> Vec<Rule> {
    use Access::*;
    let CompetitionIds { competition, track } = ids;
    let c = format!("/competitions/{competition}");
    let t = format!("/competitions/tracks/{track}");
    // Complete but for an empty name: refused as invalid for those allowed, as forbidden for
    // the rest (rights come before the input).
    let unnamed = || {
        vec![
            ("unit_id", app.seed.enterprise.to_string()),
            ("name", String::new()),
            ("starts_on", "2026-05-01".to_owned()),
            ("ends_on", "2026-09-30".to_owned()),
        ]
    };
    let unnamed_track = || vec![("name", String::new()), ("kind", "individual".to_owned())];
    vec![
        (
            "GET",
            "/competitions",
            "/competitions".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/competitions",
            "/competitions".into(),
            unnamed(),
            Admins,
        ),
        (
            "GET",
            "/competitions/new",
            "/competitions/new".into(),
            vec![],
            Admins,
        ),
        ("GET", "/competitions/{id}", c.clone(), vec![], SignedIn),
        ("POST", "/competitions/{id}", c.clone(), unnamed(), Admins),
        (
            "GET",
            "/competitions/{id}/edit",
            format!("{c}/edit"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/{id}/tracks",
            format!("{c}/tracks"),
            unnamed_track(),
            Admins,
        ),
        (
            "GET",
            "/competitions/{id}/tracks/new",
            format!("{c}/tracks/new"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/competitions/tracks/{id}",
            t.clone(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/competitions/tracks/{id}",
            t.clone(),
            unnamed_track(),
            Admins,
        ),
        (
            "GET",
            "/competitions/tracks/{id}/edit",
            format!("{t}/edit"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/competitions",
            "/api/v1/competitions".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/competitions",
            "/api/v1/competitions".into(),
            unnamed(),
            Admins,
        ),
        (
            "GET",
            "/api/v1/competitions/{id}",
            format!("/api/v1{c}"),
            vec![],
            SignedIn,
        ),
        (
            "PUT",
            "/api/v1/competitions/{id}",
            format!("/api/v1{c}"),
            unnamed(),
            Admins,
        ),
        (
            "POST",
            "/api/v1/competitions/{id}/tracks",
            format!("/api/v1{c}/tracks"),
            unnamed_track(),
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}",
            format!("/api/v1/tracks/{track}"),
            vec![],
            SignedIn,
        ),
        (
            "PUT",
            "/api/v1/tracks/{id}",
            format!("/api/v1/tracks/{track}"),
            unnamed_track(),
            Admins,
        ),
    ]
}
