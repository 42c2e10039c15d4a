use super::*;

fn competition() -> CompetitionInput {
    CompetitionInput {
        unit_id: 1,
        co_organisers: vec![],
        name: "2026年南州市职工职业技能大赛".into(),
        edition: "第三届".into(),
        starts_on: "2026-05-01".into(),
        ends_on: "2026-09-30".into(),
        rules: "".into(),
    }
}

fn track() -> TrackInput {
    TrackInput {
        name: "焊工".into(),
        trade: "焊工".into(),
        kind: "individual".into(),
        theory_weight: "30".into(),
        practical_weight: "70".into(),
        prizes: tier_lines("一等奖 28\n二等奖 68\n三等奖 87"),
        ..TrackInput::default()
    }
}

fn codes(e: Invalid) -> Vec<(String, String)> {
    e.0.into_iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn a_competition_reads_and_its_period_must_run_forward() {
    let text = CompetitionText::parse(&competition()).unwrap();
    assert_eq!(text.edition, "第三届");
    let mut backwards = competition();
    backwards.ends_on = "2026-04-30".into();
    backwards.name = "x".into();
    assert_eq!(
        codes(CompetitionText::parse(&backwards).unwrap_err()),
        [
            ("name".into(), "too_short".into()),
            ("ends_on".into(), "competition_ends_before_start".into())
        ]
    );
}

#[test]
fn a_track_reads_its_rounds_and_tiers() {
    let t = TrackSetup::parse(&track()).unwrap();
    assert_eq!(
        t.rounds,
        [(RoundKind::Theory, 30), (RoundKind::Practical, 70)]
    );
    assert_eq!(
        t.prizes[1],
        PrizeTier {
            name: "二等奖".into(),
            size: TierSize::Count(68)
        }
    );
    assert_eq!(tier_text(&t.prizes), "一等奖 28\n二等奖 68\n三等奖 87");
    let mut only_practical = track();
    only_practical.theory_weight = "".into();
    only_practical.practical_weight = "100".into();
    assert_eq!(
        TrackSetup::parse(&only_practical).unwrap().rounds,
        [(RoundKind::Practical, 100)]
    );
}

#[test]
fn shares_are_read_in_per_mille() {
    let t = tiers("prizes", &tier_lines("一等奖 10%\n二等奖 12.5％")).unwrap();
    assert_eq!(t[1].size, TierSize::Share(125));
    assert_eq!(tier_text(&t), "一等奖 10%\n二等奖 12.5%");
    assert_eq!(
        tiers("prizes", &tier_lines("a 60%\nb 50%"))
            .unwrap_err()
            .code,
        "shares_above_100"
    );
    assert_eq!(
        tiers("prizes", &tier_lines("a 1.25%")).unwrap_err().code,
        "not_a_tier_size"
    );
    assert_eq!(
        tiers("prizes", &tier_lines("a 3\na 4")).unwrap_err().code,
        "tier_repeated"
    );
}

#[test]
fn every_bad_track_field_is_named_at_once() {
    let mut bad = track();
    bad.kind = "team".into();
    bad.theory_weight = "40".into();
    bad.min_age = "30".into();
    bad.max_age = "20".into();
    bad.prizes = tier_lines("一等奖 x");
    let got = codes(TrackSetup::parse(&bad).unwrap_err());
    assert_eq!(
        got,
        [
            ("prizes".into(), "not_a_tier_size".into()),
            ("practical_weight".into(), "weights_must_total_100".into()),
            ("max_age".into(), "below_minimum".into()),
            ("team_size".into(), "required".into()),
        ]
    );
}

#[test]
fn team_prizes_need_both_a_count_and_tiers() {
    let mut t = track();
    t.team_best = "3".into();
    assert_eq!(
        codes(TrackSetup::parse(&t).unwrap_err()),
        [("team_prizes".into(), "required".into())]
    );
    t.team_prizes = tier_lines("团体一等奖 2");
    assert_eq!(TrackSetup::parse(&t).unwrap().team_prizes.unwrap().best, 3);
}
