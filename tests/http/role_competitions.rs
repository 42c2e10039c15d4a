//! The role matrix's rules for competitions and tracks, pages and API alike: everyone signed
//! in reads them; the admins of the organising unit's subtree set them up. Entries: anyone
//! signed in signs up; the admins of the entrant's units read, decide and withdraw.

use crate::common::TestApp;
use crate::role_table::{Access, Rule};

/// The records the rules act on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CompetitionIds {
    pub competition: i64,
    pub track: i64,
    /// The seed's `target` signed up: pending at the branch (the unit admin's subtree).
    pub entry: i64,
}

impl CompetitionIds {
    pub(crate) async fn make(app: &TestApp) -> CompetitionIds {
        let competition = app.fx().competition("矩阵竞赛").await;
        let track = app.fx().track(competition, "焊工").await;
        let target = app.api_token("target").await;
        let (_, entry) = app
            .api(
                &target,
                "POST",
                &format!("/api/v1/tracks/{track}/entries"),
                Some(serde_json::json!({})),
            )
            .await;
        let entry = entry["id"].as_i64().expect("matrix entry");
        CompetitionIds {
            competition,
            track,
            entry,
        }
    }
}

pub(crate) fn rules(app: &TestApp, ids: CompetitionIds) -> Vec<Rule> {
    use Access::*;
    let CompetitionIds {
        competition,
        track,
        entry,
    } = ids;
    let e = format!("/competitions/entries/{entry}");
    let api_e = format!("/api/v1/entries/{entry}");
    // Returning needs a reason: refused as invalid for the units it waits on, changing nothing.
    let no_reason = || vec![("decision", "return".to_owned()), ("reason", String::new())];
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
        (
            "GET",
            "/competitions/tracks/{id}/entries",
            format!("{t}/entries"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/tracks/{id}/entries",
            format!("{t}/entries"),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/competitions/entries",
            "/competitions/entries".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/competitions/entries/{id}",
            e.clone(),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/entries/{id}/decision",
            format!("{e}/decision"),
            no_reason(),
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/entries",
            format!("/api/v1/tracks/{track}/entries"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/entries",
            format!("/api/v1/tracks/{track}/entries"),
            vec![],
            SignedIn,
        ),
        ("GET", "/api/v1/entries/{id}", api_e.clone(), vec![], Admins),
        (
            "POST",
            "/api/v1/entries/{id}/decisions",
            format!("{api_e}/decisions"),
            no_reason(),
            Admins,
        ),
        (
            "GET",
            "/api/v1/entry-inbox",
            "/api/v1/entry-inbox".into(),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/my/entries",
            "/api/v1/my/entries".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/competitions/tracks/{id}/entries/template.xlsx",
            format!("{t}/entries/template.xlsx"),
            vec![],
            Admins,
        ),
        // A sheet in another template's columns: refused as invalid for those allowed.
        (
            "POST",
            "/competitions/tracks/{id}/entries/import",
            format!("{t}/entries/import"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/entries/import",
            format!("/api/v1/tracks/{track}/entries/import"),
            vec![],
            Admins,
        ),
        // No session: refused as invalid (no theory round is linked to nothing) or allowed.
        (
            "POST",
            "/competitions/tracks/{id}/exam-session",
            format!("{t}/exam-session"),
            vec![("exam_session_id", "x".to_owned())],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/tracks/{id}/exam-session",
            format!("/api/v1/tracks/{track}/exam-session"),
            vec![("exam_session_id", "0".to_owned())],
            Admins,
        ),
        // Withdrawals last: they change the entry the rules above read.
        (
            "POST",
            "/api/v1/entries/{id}/withdrawal",
            format!("{api_e}/withdrawal"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/entries/{id}/withdrawal",
            format!("{e}/withdrawal"),
            vec![],
            Admins,
        ),
    ]
}
