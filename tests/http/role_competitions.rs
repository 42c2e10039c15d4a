//! The role matrix's rules for competitions and tracks, pages and API alike: everyone signed
//! in reads them; the admins of the organising unit's subtree set them up. Entries: anyone
//! signed in signs up; the admins of the entrant's units read, decide and withdraw.

use crate::common::TestApp;
use crate::role_table::{Access, Rule};

/// The records the rules act on.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompetitionIds {
    pub competition: i64,
    pub track: i64,
    /// The seed's `target` signed up: pending at the branch (the unit admin's subtree).
    pub entry: i64,
    /// A panel of the track's practical round, with `judge` as its chief judge.
    pub panel: i64,
    /// A federation competition's track whose results are on notice.
    pub notice_track: i64,
    /// The seed's worker's objection to that notice, waiting for an answer.
    pub objection: i64,
    /// The seed's worker's certificate (一等奖) of that track.
    pub serial: String,
    /// A batch printing that competition's certificates.
    pub batch: i64,
    /// A star evaluation of the enterprise's studios, with `judge` as its expert.
    pub cycle: i64,
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
        let system = gongjiang_app::Caller::system("test");
        let panel = gongjiang_app::practical::add_panel(app.db(), &system, track, "矩阵评分组")
            .await
            .expect("matrix panel")
            .id;
        gongjiang_app::practical::set_judges(app.db(), &system, panel, "*judge")
            .await
            .expect("matrix judges");
        let judged = app.fx().judged_track(&["45", "40"]).await;
        for (action, days) in [("freeze", None), ("publish", Some(7))] {
            let input = gongjiang_app::notices::MoveInput {
                action: action.into(),
                days,
                reason: String::new(),
            };
            gongjiang_app::notices::move_results(app.db(), &system, judged.track, &input)
                .await
                .expect("matrix notice");
        }
        let worker = app.api_token("worker").await;
        let (_, objection) = app
            .api(
                &worker,
                "POST",
                &format!("/api/v1/tracks/{}/objections", judged.track),
                Some(serde_json::json!({ "body": "矩阵异议" })),
            )
            .await;
        let done = app.fx().judged_track(&["45", "40"]).await;
        app.fx().final_results(done.track).await;
        gongjiang_app::certificates::issue(app.db(), &system, done.track)
            .await
            .expect("matrix certificates");
        let admin = app.api_token("admin").await;
        let (_, issued) = app
            .api(
                &admin,
                "GET",
                &format!("/api/v1/tracks/{}/certificates", done.track),
                None,
            )
            .await;
        let (_, batch) = app
            .api(
                &admin,
                "POST",
                &format!(
                    "/api/v1/competitions/{}/certificate-batches",
                    done.competition
                ),
                None,
            )
            .await;
        let cycle = gongjiang_app::star_cycles::create(
            app.db(),
            &system,
            gongjiang_app::star_cycles::CycleInput {
                unit_id: app.seed.enterprise,
                year: "2026".into(),
                name: "矩阵星级评定".into(),
                criteria: "创新成果 100".into(),
                exit_below: "60".into(),
                three_stars: "75".into(),
                four_stars: "85".into(),
                five_stars: "92".into(),
                experts: "judge".into(),
                ..Default::default()
            },
        )
        .await
        .expect("matrix cycle")
        .id;
        CompetitionIds {
            cycle,
            competition,
            track,
            entry,
            panel,
            notice_track: judged.track,
            objection: objection["id"].as_i64().expect("matrix objection"),
            serial: issued[0]["serial"]
                .as_str()
                .expect("matrix serial")
                .to_owned(),
            batch: batch["id"].as_i64().expect("matrix batch"),
        }
    }
}

pub(crate) fn rules(app: &TestApp, ids: CompetitionIds) -> Vec<Rule> {
    use Access::*;
    let CompetitionIds {
        competition,
        track,
        entry,
        panel,
        notice_track,
        objection,
        serial,
        batch,
        cycle,
        ..
    } = ids;
    let sc = format!("/innovation/star-cycles/{cycle}");
    let api_sc = format!("/api/v1/star-cycles/{cycle}");
    // Scores for a studio outside the cycle: refused as invalid for its experts.
    let stray = || {
        vec![
            ("studio_id", "999999".to_owned()),
            ("points", "50".to_owned()),
        ]
    };
    let unnamed_cycle = || {
        vec![
            ("unit_id", app.seed.enterprise.to_string()),
            ("name", String::new()),
        ]
    };
    let enterprise = app.seed.enterprise;
    // A template that does not compile: refused as invalid for those who may change it.
    let broken = || vec![("source", "#let x = (".to_owned())];
    let p = format!("/competitions/panels/{panel}");
    let j = format!("/judging/panels/{panel}");
    let api_p = format!("/api/v1/panels/{panel}");
    let api_t = format!("/api/v1/tracks/{track}");
    // An entrant on no panel: refused as invalid for the panel's judges, changing nothing.
    let nobody = || {
        vec![
            ("entry_id", "999999".to_owned()),
            ("reason", "亲属".to_owned()),
        ]
    };
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
    // An empty objection: refused as invalid for everyone signed in, changing nothing.
    let empty = || vec![("body", String::new())];
    // Publishing results still open: refused as invalid for the organisers.
    let publish = || vec![("action", "publish".to_owned()), ("days", "5".to_owned())];
    // An answer without its reason.
    let no_answer = || {
        vec![
            ("outcome", "upheld".to_owned()),
            ("resolution", String::new()),
        ]
    };
    vec![
        ("GET", "/notices", "/notices".into(), vec![], Public),
        (
            "GET",
            "/notices/{id}",
            format!("/notices/{notice_track}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/notices/{id}",
            format!("/notices/{track}"),
            vec![],
            Organisers,
        ),
        (
            "POST",
            "/notices/{id}/stage",
            format!("/notices/{track}/stage"),
            publish(),
            Admins,
        ),
        (
            "POST",
            "/notices/{id}/objections",
            format!("/notices/{notice_track}/objections"),
            empty(),
            SignedIn,
        ),
        (
            "POST",
            "/objections/{id}/resolution",
            format!("/objections/{objection}/resolution"),
            no_answer(),
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/public/notices",
            "/api/v1/public/notices".into(),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/notices/{id}",
            format!("/api/v1/public/notices/{notice_track}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/notice",
            format!("{api_t}/notice"),
            vec![],
            Organisers,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/results/stage",
            format!("{api_t}/results/stage"),
            publish(),
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/objections",
            format!("/api/v1/tracks/{notice_track}/objections"),
            empty(),
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/objections/{id}/resolution",
            format!("/api/v1/objections/{objection}/resolution"),
            no_answer(),
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/me/results",
            "/api/v1/me/results".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/innovation/star-cycles",
            "/innovation/star-cycles".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/innovation/star-cycles",
            "/innovation/star-cycles".into(),
            unnamed_cycle(),
            Admins,
        ),
        (
            "GET",
            "/innovation/star-cycles/{id}",
            sc.clone(),
            vec![],
            CyclePanel,
        ),
        (
            "POST",
            "/innovation/star-cycles/{id}/scores",
            format!("{sc}/scores"),
            stray(),
            CycleExperts,
        ),
        (
            "POST",
            "/innovation/star-cycles/{id}/studios/{studio}/confirmation",
            format!("{sc}/studios/999999/confirmation"),
            vec![],
            CycleKeepers,
        ),
        (
            "GET",
            "/api/v1/star-cycles",
            "/api/v1/star-cycles".into(),
            vec![],
            SignedIn,
        ),
        (
            "POST",
            "/api/v1/star-cycles",
            "/api/v1/star-cycles".into(),
            unnamed_cycle(),
            Admins,
        ),
        (
            "GET",
            "/api/v1/star-cycles/{id}",
            api_sc.clone(),
            vec![],
            CyclePanel,
        ),
        (
            "POST",
            "/api/v1/star-cycles/{id}/scores",
            format!("{api_sc}/scores"),
            vec![("studio_id", "999999".to_owned())],
            CycleExperts,
        ),
        (
            "POST",
            "/api/v1/star-cycles/{id}/studios/{studio}/confirmation",
            format!("{api_sc}/studios/999999/confirmation"),
            vec![],
            CycleKeepers,
        ),
        (
            "POST",
            "/api/v1/star-cycles/{id}/close",
            format!("{api_sc}/close"),
            vec![],
            CycleKeepers,
        ),
        (
            "POST",
            "/innovation/star-cycles/{id}/close",
            format!("{sc}/close"),
            vec![],
            CycleKeepers,
        ),
        ("GET", "/verify", "/verify".into(), vec![], Public),
        (
            "GET",
            "/verify/{serial}",
            format!("/verify/{serial}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/api/v1/public/certificates/{serial}",
            format!("/api/v1/public/certificates/{serial}"),
            vec![],
            Public,
        ),
        (
            "GET",
            "/competitions/tracks/{id}/certificates",
            format!("{t}/certificates"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/tracks/{id}/certificates",
            format!("{t}/certificates"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/certificates",
            format!("{api_t}/certificates"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/certificates",
            format!("{api_t}/certificates"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/certificates/{serial}/pdf",
            format!("/certificates/{serial}/pdf"),
            vec![],
            Holders,
        ),
        (
            "GET",
            "/api/v1/certificates/{serial}/pdf",
            format!("/api/v1/certificates/{serial}/pdf"),
            vec![],
            Holders,
        ),
        (
            "POST",
            "/certificates/{serial}/revocation",
            format!("/certificates/{serial}/revocation"),
            vec![("reason", String::new())],
            FederationAdmin,
        ),
        (
            "POST",
            "/api/v1/certificates/{serial}/revocation",
            format!("/api/v1/certificates/{serial}/revocation"),
            vec![("reason", String::new())],
            FederationAdmin,
        ),
        (
            "POST",
            "/competitions/{id}/certificates/batches",
            format!("{c}/certificates/batches"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/api/v1/competitions/{id}/certificate-batches",
            format!("/api/v1{c}/certificate-batches"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/certificates/batches/{id}",
            format!("/certificates/batches/{batch}"),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/certificates/batches/{id}/zip",
            format!("/certificates/batches/{batch}/zip"),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/certificate-batches/{id}",
            format!("/api/v1/certificate-batches/{batch}"),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/certificate-batches/{id}/zip",
            format!("/api/v1/certificate-batches/{batch}/zip"),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/admin/units/{id}/certificate-template",
            format!("/admin/units/{enterprise}/certificate-template"),
            vec![],
            FederationAdmin,
        ),
        (
            "POST",
            "/admin/units/{id}/certificate-template",
            format!("/admin/units/{enterprise}/certificate-template"),
            broken(),
            FederationAdmin,
        ),
        (
            "GET",
            "/admin/units/{id}/certificate-template/preview",
            format!("/admin/units/{enterprise}/certificate-template/preview"),
            vec![],
            FederationAdmin,
        ),
        (
            "GET",
            "/api/v1/units/{id}/certificate-template",
            format!("/api/v1/units/{enterprise}/certificate-template"),
            vec![],
            FederationAdmin,
        ),
        (
            "PUT",
            "/api/v1/units/{id}/certificate-template",
            format!("/api/v1/units/{enterprise}/certificate-template"),
            broken(),
            FederationAdmin,
        ),
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
            "/competitions/tracks/{id}/entries.xlsx",
            format!("{t}/entries.xlsx"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/entries/export",
            format!("/api/v1/tracks/{track}/entries/export"),
            vec![],
            Admins,
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
        (
            "GET",
            "/competitions/tracks/{id}/practical",
            format!("{t}/practical"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/tracks/{id}/practical",
            format!("{t}/practical"),
            vec![("criteria", String::new())],
            Admins,
        ),
        (
            "POST",
            "/competitions/tracks/{id}/panels",
            format!("{t}/panels"),
            vec![("name", String::new())],
            Admins,
        ),
        // No approved entrant yet: refused as invalid for the organisers.
        (
            "POST",
            "/competitions/tracks/{id}/draw",
            format!("{t}/draw"),
            vec![],
            Admins,
        ),
        (
            "POST",
            "/competitions/panels/{id}/judges",
            format!("{p}/judges"),
            vec![("judges", "*nosuchjudge".to_owned())],
            Admins,
        ),
        // The panel is open and no reason is given: refused as invalid for the organisers.
        (
            "POST",
            "/competitions/panels/{id}/reopen",
            format!("{p}/reopen"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/competitions/panels/{id}/results",
            format!("{p}/results"),
            vec![],
            Graders,
        ),
        (
            "GET",
            "/competitions/tracks/{id}/results",
            format!("{t}/results"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/results",
            format!("{api_t}/results"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/results/export",
            format!("{api_t}/results/export"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/competitions/tracks/{id}/results.xlsx",
            format!("{t}/results.xlsx"),
            vec![],
            Admins,
        ),
        ("GET", "/judging", "/judging".into(), vec![], SignedIn),
        (
            "GET",
            "/judging/panels/{id}",
            j.clone(),
            vec![],
            PanelJudges,
        ),
        (
            "POST",
            "/judging/panels/{id}/scores",
            format!("{j}/scores"),
            vec![
                ("entry_id", "999999".to_owned()),
                ("criterion_1", "5".to_owned()),
            ],
            PanelJudges,
        ),
        (
            "POST",
            "/judging/panels/{id}/recusals",
            format!("{j}/recusals"),
            nobody(),
            PanelJudges,
        ),
        // Still open: the confirmation is refused as invalid for the chief judge.
        (
            "POST",
            "/judging/panels/{id}/confirmation",
            format!("{j}/confirmation"),
            vec![],
            PanelJudges,
        ),
        (
            "GET",
            "/api/v1/my/panels",
            "/api/v1/my/panels".into(),
            vec![],
            SignedIn,
        ),
        (
            "GET",
            "/api/v1/panels/{id}/sheet",
            format!("{api_p}/sheet"),
            vec![],
            PanelJudges,
        ),
        (
            "POST",
            "/api/v1/panels/{id}/scores",
            format!("{api_p}/scores"),
            vec![
                ("entry_id", "999999".to_owned()),
                ("criterion_id", "1".to_owned()),
                ("points", "5.0".to_owned()),
            ],
            PanelJudges,
        ),
        (
            "POST",
            "/api/v1/panels/{id}/recusals",
            format!("{api_p}/recusals"),
            nobody(),
            PanelJudges,
        ),
        (
            "POST",
            "/api/v1/panels/{id}/confirmation",
            format!("{api_p}/confirmation"),
            vec![],
            PanelJudges,
        ),
        (
            "GET",
            "/api/v1/panels/{id}/results",
            format!("{api_p}/results"),
            vec![],
            Graders,
        ),
        (
            "GET",
            "/api/v1/panels/{id}/results/export",
            format!("{api_p}/results/export"),
            vec![],
            Graders,
        ),
        (
            "GET",
            "/competitions/panels/{id}/results.xlsx",
            format!("{p}/results.xlsx"),
            vec![],
            Graders,
        ),
        (
            "PUT",
            "/api/v1/panels/{id}/judges",
            format!("{api_p}/judges"),
            vec![],
            Admins,
        ),
        (
            "GET",
            "/api/v1/tracks/{id}/practical",
            format!("{api_t}/practical"),
            vec![],
            Admins,
        ),
        (
            "PUT",
            "/api/v1/tracks/{id}/practical",
            format!("{api_t}/practical"),
            vec![("criteria", String::new())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/panels",
            format!("{api_t}/panels"),
            vec![("name", String::new())],
            Admins,
        ),
        (
            "POST",
            "/api/v1/tracks/{id}/draw",
            format!("{api_t}/draw"),
            vec![],
            Admins,
        ),
        // Closing last among the panel's rules: it changes what the rules above meet.
        (
            "POST",
            "/api/v1/panels/{id}/state",
            format!("{api_p}/state"),
            vec![("open", "false".to_owned())],
            Graders,
        ),
        (
            "POST",
            "/judging/panels/{id}/close",
            format!("{j}/close"),
            vec![],
            Graders,
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
