//! Records a test needs as its background, made through the services as the system (not
//! through pages), so that a test says what it needs in a line: `app.fx().studio("…")`.

use super::TestApp;
use gongjiang_app::Caller;
use gongjiang_app::achievements::AchievementInput;
use gongjiang_app::studios::StudioInput;
use gongjiang_domain::registry::achievement::AchievementTextInput;
use gongjiang_domain::registry::studio::StudioProfileInput;

pub struct Fixtures<'a> {
    app: &'a TestApp,
    system: Caller,
}

/// A studio to make: in the seed's branch unless told otherwise.
pub struct StudioSpec {
    pub unit_id: i64,
    pub leader: Option<i64>,
    pub name: String,
    pub site: String,
    pub published: bool,
}

/// An achievement to make: in the seed's branch, made by the seed's worker.
pub struct AchievementSpec {
    pub unit_id: i64,
    pub studio: Option<i64>,
    pub title: String,
    pub kind: &'static str,
    pub field: &'static str,
    pub year: i64,
    pub people: Vec<i64>,
    pub published: bool,
}

impl TestApp {
    pub fn fx(&self) -> Fixtures<'_> {
        Fixtures {
            app: self,
            system: Caller::system("test"),
        }
    }
}

impl Fixtures<'_> {
    pub fn studio_spec(&self, name: &str) -> StudioSpec {
        StudioSpec {
            unit_id: self.app.seed.branch,
            leader: None,
            name: name.to_owned(),
            site: String::new(),
            published: false,
        }
    }

    /// A studio of the branch, with no leader, unpublished.
    pub async fn studio(&self, name: &str) -> i64 {
        self.studio_from(self.studio_spec(name)).await
    }

    pub async fn studio_from(&self, spec: StudioSpec) -> i64 {
        let db = self.app.db();
        let input = StudioInput {
            unit_id: spec.unit_id,
            leader_person_id: spec.leader,
            profile: StudioProfileInput {
                name: spec.name,
                site: spec.site,
                ..Default::default()
            },
        };
        let id = gongjiang_app::studios::create(db, &self.system, input)
            .await
            .expect("fixture studio")
            .id;
        if spec.published {
            gongjiang_app::studios::publish(db, &self.system, id, true)
                .await
                .expect("fixture studio published");
        }
        id
    }

    pub fn achievement_spec(&self, title: &str) -> AchievementSpec {
        AchievementSpec {
            unit_id: self.app.seed.branch,
            studio: None,
            title: title.to_owned(),
            kind: "original",
            field: "advanced_manufacturing",
            year: 2025,
            people: vec![self.app.seed.worker.0],
            published: false,
        }
    }

    /// An achievement of the branch, made by the worker, a draft, unpublished.
    pub async fn achievement(&self, title: &str) -> i64 {
        self.achievement_from(self.achievement_spec(title)).await
    }

    pub async fn achievement_from(&self, spec: AchievementSpec) -> i64 {
        let db = self.app.db();
        let input = AchievementInput {
            unit_id: spec.unit_id,
            studio_id: spec.studio,
            text: AchievementTextInput {
                title: spec.title,
                summary: "提高检修效率".into(),
                kind: spec.kind.into(),
                field: spec.field.into(),
                year: spec.year.to_string(),
                ..Default::default()
            },
            people: spec.people,
        };
        let id = gongjiang_app::achievements::create(db, &self.system, input)
            .await
            .expect("fixture achievement")
            .id;
        if spec.published {
            gongjiang_app::achievements::publish(db, &self.system, id, true)
                .await
                .expect("fixture achievement published");
        }
        id
    }
}

impl Fixtures<'_> {
    /// A competition organised by the seed's enterprise (kept by `unitadmin`), held next year
    /// (so that it is open for entries whatever day the test runs).
    pub async fn competition(&self, name: &str) -> i64 {
        self.competition_by(self.app.seed.enterprise, name).await
    }

    /// A competition organised by `unit`, from 1 May to 30 September next year.
    pub async fn competition_by(&self, unit: i64, name: &str) -> i64 {
        let year = gongjiang_domain::clock::this_year() + 1;
        let input = gongjiang_domain::competition::CompetitionInput {
            unit_id: unit,
            name: name.to_owned(),
            edition: "第三届".into(),
            starts_on: format!("{year}-05-01"),
            ends_on: format!("{year}-09-30"),
            ..Default::default()
        };
        gongjiang_app::competitions::create(self.app.db(), &self.system, input)
            .await
            .expect("fixture competition")
            .competition
            .id
    }

    /// An individual track weighted theory 30 %, practical 70 %, with three prize tiers; a
    /// test changes what it needs before `track_from`.
    pub fn track_spec(&self, name: &str) -> gongjiang_domain::competition::TrackInput {
        gongjiang_domain::competition::TrackInput {
            name: name.to_owned(),
            trade: name.to_owned(),
            kind: "individual".into(),
            theory_weight: "30".into(),
            practical_weight: "70".into(),
            prizes: gongjiang_domain::competition::tier_lines("一等奖 1\n二等奖 2\n三等奖 3"),
            ..Default::default()
        }
    }

    pub async fn track(&self, competition: i64, name: &str) -> i64 {
        self.track_from(competition, self.track_spec(name)).await
    }

    pub async fn track_from(
        &self,
        competition: i64,
        input: gongjiang_domain::competition::TrackInput,
    ) -> i64 {
        gongjiang_app::competitions::add_track(self.app.db(), &self.system, competition, input)
            .await
            .expect("fixture track")
            .row
            .id
    }

    /// A worker without an account, in `unit`, with an employee number (or "").
    pub async fn person(&self, unit: i64, name: &str, employee_no: &str) -> i64 {
        let input = gongjiang_app::people::PersonInput {
            unit_id: unit,
            name: name.to_owned(),
            employee_no: employee_no.to_owned(),
            ..Default::default()
        };
        gongjiang_app::people::create(self.app.db(), &self.system, input)
            .await
            .expect("fixture person")
            .id
    }

    /// A one-question bank in `unit`, a fixed paper and an exam session open from 2020 to
    /// 2099 for everyone in `entrant_units`.
    pub async fn exam(&self, unit: i64, entrant_units: Vec<i64>) -> ExamFixture {
        let db = self.app.db();
        let bank = gongjiang_app::banks::create(db, &self.system, unit, "矩阵题库", "焊工")
            .await
            .expect("fixture bank")
            .id;
        let aiken = "焊接电流过大易产生？\nA. 咬边\nB. 气孔\nANSWER: A\n";
        gongjiang_app::banks::import(db, &self.system, bank, "a.txt", aiken.as_bytes())
            .await
            .expect("fixture questions");
        let question =
            gongjiang_app::banks::questions(db, &self.system, bank, gongjiang_db::Page::new(1, 10))
                .await
                .expect("fixture question")
                .0[0]
                .record
                .id;
        let paper_input = gongjiang_app::papers::PaperInput {
            bank_id: bank,
            name: "矩阵试卷".into(),
            mode: "fixed".into(),
            question_ids: vec![question],
            ..Default::default()
        };
        let paper = gongjiang_app::papers::create(db, &self.system, paper_input)
            .await
            .expect("fixture paper")
            .id;
        let exams = gongjiang_app::exams::Exams::start(db.clone());
        let session = exams
            .create_session(
                &self.system,
                gongjiang_app::exams::SessionInput {
                    paper_id: paper,
                    name: "矩阵考试".into(),
                    opens: "2020-01-01 00:00".into(),
                    closes: "2099-01-01 00:00".into(),
                    limit_minutes: 600,
                    grace_seconds: 5,
                    attempts_allowed: 10,
                    unit_ids: entrant_units,
                    ..Default::default()
                },
            )
            .await
            .expect("fixture session")
            .id;
        ExamFixture {
            bank,
            question,
            paper,
            session,
            exams,
        }
    }
}

/// What `fx().exam(…)` made, with the exam service that made it.
pub struct ExamFixture {
    pub bank: i64,
    pub question: i64,
    pub paper: i64,
    pub session: i64,
    pub exams: gongjiang_app::exams::Exams,
}

/// A federation competition's track judged to the end: entrants enrolled and approved, one
/// criterion out of 50, one panel with the seed's `judge` as chief, every score given, the
/// panel closed and confirmed. Practical only (100 %), prizes 一等奖 1 and 二等奖 1.
pub struct JudgedTrack {
    pub competition: i64,
    pub track: i64,
    pub panel: i64,
    pub criterion: i64,
    /// In the order of the points given.
    pub entries: Vec<i64>,
    pub people: Vec<i64>,
}

impl Fixtures<'_> {
    /// A judged track whose entrants scored `points` out of 50: first the seed's worker
    /// (刘伟, who has an account), then people of the seed's other enterprise (孙甲, 孙乙, …).
    pub async fn judged_track(&self, points: &[&str]) -> JudgedTrack {
        let app = self.app;
        let s = &app.seed;
        let competition = self
            .competition_by(s.federation, "华江市职工技能大赛")
            .await;
        let mut spec = self.track_spec("钳工");
        spec.theory_weight = String::new();
        spec.practical_weight = "100".into();
        spec.prizes = gongjiang_domain::competition::tier_lines("一等奖 1\n二等奖 1");
        let track = self.track_from(competition, spec).await;
        let admin = app.api_token("admin").await;
        let (mut entries, mut people) = (Vec::new(), Vec::new());
        for (i, name) in "甲乙丙丁戊己庚辛".chars().take(points.len()).enumerate() {
            let person = match i {
                0 => s.worker.0,
                _ => {
                    self.person(s.other_enterprise, &format!("孙{name}"), "")
                        .await
                }
            };
            let (_, entry) = app
                .api(
                    &admin,
                    "POST",
                    &format!("/api/v1/tracks/{track}/entries"),
                    Some(serde_json::json!({ "person_id": person })),
                )
                .await;
            entries.push(entry["id"].as_i64().expect("fixture entry"));
            people.push(person);
        }
        let base = format!("/api/v1/tracks/{track}");
        let (_, setup) = app
            .api(
                &admin,
                "PUT",
                &format!("{base}/practical"),
                Some(serde_json::json!({ "criteria": "操作 50" })),
            )
            .await;
        let criterion = setup["criteria"][0]["id"].as_i64().expect("criterion");
        let (_, panel) = app
            .api(
                &admin,
                "POST",
                &format!("{base}/panels"),
                Some(serde_json::json!({ "name": "一组" })),
            )
            .await;
        let panel = panel["id"].as_i64().expect("panel");
        app.api(
            &admin,
            "PUT",
            &format!("/api/v1/panels/{panel}/judges"),
            Some(serde_json::json!({ "judges": [{ "username": "judge", "chief": true }] })),
        )
        .await;
        app.api(&admin, "POST", &format!("{base}/draw"), None).await;
        let judge = app.api_token("judge").await;
        for (entry, points) in entries.iter().zip(points) {
            let (status, body) = app
                .api(
                    &judge,
                    "POST",
                    &format!("/api/v1/panels/{panel}/scores"),
                    Some(serde_json::json!({ "entry_id": entry, "criterion_id": criterion, "points": points })),
                )
                .await;
            assert!(status.is_success(), "fixture score: {body}");
        }
        let state = format!("/api/v1/panels/{panel}/state");
        app.api(
            &judge,
            "POST",
            &state,
            Some(serde_json::json!({ "open": false })),
        )
        .await;
        let (status, body) = app
            .api(
                &judge,
                "POST",
                &format!("/api/v1/panels/{panel}/confirmation"),
                None,
            )
            .await;
        assert!(status.is_success(), "fixture confirmation: {body}");
        JudgedTrack {
            competition,
            track,
            panel,
            criterion,
            entries,
            people,
        }
    }
}

impl Fixtures<'_> {
    /// Freezes a judged track's results and puts them on notice for seven days.
    pub async fn notice(&self, track: i64) {
        for (action, days) in [("freeze", None), ("publish", Some(7))] {
            let input = gongjiang_app::notices::MoveInput {
                action: action.into(),
                days,
                reason: String::new(),
            };
            gongjiang_app::notices::move_results(self.app.db(), &self.system, track, &input)
                .await
                .expect("fixture notice");
        }
    }

    /// The notice period ends (a test cannot wait days): its closing time moves to the past.
    pub async fn end_notice(&self, track: i64) {
        let mut tx = self.app.db().begin().await.expect("begin");
        sqlx::query("UPDATE result_states SET notice_closes_at = 1 WHERE track_id = $1")
            .bind(track)
            .execute(&mut *tx)
            .await
            .expect("end notice");
        gongjiang_db::commit(tx).await.expect("commit");
    }

    /// A judged track's results frozen, on notice, the period over, and final.
    pub async fn final_results(&self, track: i64) {
        self.notice(track).await;
        self.end_notice(track).await;
        let input = gongjiang_app::notices::MoveInput {
            action: "final".into(),
            ..Default::default()
        };
        gongjiang_app::notices::move_results(self.app.db(), &self.system, track, &input)
            .await
            .expect("fixture final");
    }
}
