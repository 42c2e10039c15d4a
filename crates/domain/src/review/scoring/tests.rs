use super::*;
use proptest::prelude::*;

fn p(s: &str) -> Points {
    Points::parse("p", s).unwrap()
}

fn criteria() -> Vec<Criterion> {
    vec![
        Criterion {
            code: "operation".into(),
            max: p("40"),
            weight: 100,
            deduction: false,
        },
        Criterion {
            code: "finish".into(),
            max: p("60"),
            weight: 100,
            deduction: false,
        },
        Criterion {
            code: "safety".into(),
            max: p("10"),
            weight: 100,
            deduction: true,
        },
    ]
}

fn rule(aggregation: Aggregation) -> Rule {
    Rule {
        aggregation,
        normalise: false,
        min_judges: 1,
        version: 1,
    }
}

fn sheet(judge: i64, subject: i64, points: &[&str]) -> Sheet {
    Sheet {
        judge,
        subject,
        points: points.iter().map(|s| Some(p(s))).collect(),
    }
}

#[test]
fn a_total_weighs_criteria_and_takes_deductions_never_below_zero() {
    let c = criteria();
    assert_eq!(
        total(&c, &[Some(p("30")), Some(p("50.5")), Some(p("2"))]),
        Some(p("78.5"))
    );
    assert_eq!(
        total(&c, &[Some(p("1")), Some(p("1")), Some(p("10"))]),
        Some(p("0"))
    );
    assert_eq!(total(&c, &[Some(p("1")), None, Some(p("0"))]), None);
    let weighted = [Criterion {
        weight: 40,
        ..c[0].clone()
    }];
    assert_eq!(total(&weighted, &[Some(p("85.5"))]), Some(p("34.2")));
}

#[test]
fn a_score_above_the_maximum_is_refused() {
    let e = criteria()[0].check("operation", p("40.001")).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.params[0].1.as_str()),
        ("above_maximum", "40")
    );
}

#[test]
fn the_mean_of_three_is_rounded_to_three_places() {
    let sheets = [
        sheet(1, 10, &["30", "50", "0"]),
        sheet(2, 10, &["31", "50", "0"]),
        sheet(3, 10, &["30", "50", "0"]),
    ];
    let r = score_round(
        &criteria(),
        rule(Aggregation::Mean),
        &[1, 2, 3],
        &[10],
        &sheets,
        &[],
    );
    let s = &r.subjects[0];
    assert_eq!(s.score, Some(p("80.333")));
    assert_eq!((s.trace.counted_sum, s.trace.counted), (p("241"), 3));
}

#[test]
fn dropping_needs_five_totals_and_says_so_otherwise() {
    let five: Vec<Sheet> = ["80", "90", "70", "85", "75"]
        .iter()
        .enumerate()
        .map(|(i, t)| sheet(i as i64 + 1, 7, &["0", t, "0"]))
        .collect();
    let r = score_round(
        &criteria(),
        rule(Aggregation::DropHighestLowest),
        &[1, 2, 3, 4, 5],
        &[7],
        &five,
        &[],
    );
    let s = &r.subjects[0];
    assert_eq!(s.score, Some(p("80")));
    let statuses: Vec<LineStatus> = s.trace.lines.iter().map(|l| l.status).collect();
    use LineStatus::*;
    assert_eq!(
        statuses,
        [Counted, DroppedHighest, DroppedLowest, Counted, Counted]
    );
    assert!(s.trace.notes.is_empty());

    let r = score_round(
        &criteria(),
        rule(Aggregation::DropHighestLowest),
        &[1, 2, 3, 4],
        &[7],
        &five[..4],
        &[],
    );
    assert_eq!(r.subjects[0].score, Some(p("81.25")));
    assert_eq!(r.subjects[0].trace.notes, [TraceNote::TooFewToDrop]);
}

#[test]
fn recused_and_missing_judges_do_not_count_and_too_few_give_no_score() {
    let sheets = [
        sheet(1, 3, &["10", "10", "0"]),
        sheet(2, 3, &["20", "20", "0"]),
    ];
    let mut r = rule(Aggregation::Mean);
    r.min_judges = 2;
    let out = score_round(&criteria(), r, &[1, 2, 3], &[3], &sheets, &[(2, 3)]);
    let s = &out.subjects[0];
    assert_eq!(s.score, None);
    assert_eq!(s.trace.notes, [TraceNote::TooFewJudges]);
    let statuses: Vec<LineStatus> = s.trace.lines.iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [
            LineStatus::Counted,
            LineStatus::Recused,
            LineStatus::Missing
        ]
    );
    assert_eq!(
        s.trace.lines[1].total, None,
        "a recused judge's sheet is never counted"
    );
}

#[test]
fn normalising_evens_out_a_lenient_judge() {
    // Judge 2 gives everyone five points more than judge 1, with the same spread.
    let mut sheets = Vec::new();
    for (subject, base) in [(1, 60), (2, 70), (3, 80)] {
        sheets.push(sheet(1, subject, &["0", &base.to_string(), "0"]));
        sheets.push(sheet(2, subject, &["0", &(base + 5).to_string(), "0"]));
    }
    let mut r = rule(Aggregation::Mean);
    r.normalise = true;
    let out = score_round(&criteria(), r, &[1, 2], &[1, 2, 3], &sheets, &[]);
    for s in &out.subjects {
        let values: Vec<Points> = s.trace.lines.iter().filter_map(|l| l.normalised).collect();
        assert_eq!(values[0], values[1], "{s:?}");
    }
    assert!(out.scales.iter().all(|s| s.applied));
    assert_eq!(out.subjects[1].score, Some(p("72.5")));
}

#[test]
fn a_judge_with_one_total_is_kept_as_given() {
    let sheets = [
        sheet(1, 1, &["0", "50", "0"]),
        sheet(2, 1, &["0", "70", "0"]),
        sheet(2, 2, &["0", "90", "0"]),
    ];
    let mut r = rule(Aggregation::Mean);
    r.normalise = true;
    let out = score_round(&criteria(), r, &[1, 2], &[1, 2], &sheets, &[]);
    assert!(!out.scales[0].applied);
    assert_eq!(out.subjects[0].trace.lines[0].normalised, Some(p("50")));
}

proptest! {
    #[test]
    fn scores_are_recomputable_from_their_traces(
        totals in proptest::collection::vec(proptest::collection::vec(proptest::option::of(0i64..=60_000), 1..8), 1..6),
        drop in any::<bool>(),
        normalise in any::<bool>(),
    ) {
        let judges: Vec<i64> = (1..=totals.iter().map(Vec::len).max().unwrap_or(1) as i64).collect();
        let subjects: Vec<i64> = (1..=totals.len() as i64).collect();
        let mut sheets = Vec::new();
        for (s, row) in totals.iter().enumerate() {
            for (j, t) in row.iter().enumerate() {
                if let Some(t) = t {
                    sheets.push(Sheet { judge: j as i64 + 1, subject: s as i64 + 1, points: vec![Some(Points(0)), Some(Points(*t)), Some(Points(0))] });
                }
            }
        }
        let r = Rule {
            aggregation: if drop { Aggregation::DropHighestLowest } else { Aggregation::Mean },
            normalise,
            min_judges: 1,
            version: 3,
        };
        let mut shuffled = sheets.clone();
        shuffled.reverse();
        let out = score_round(&criteria(), r, &judges, &subjects, &sheets, &[]);
        prop_assert_eq!(&out, &score_round(&criteria(), r, &judges, &subjects, &shuffled, &[]));
        for s in &out.subjects {
            let counted: Vec<Points> = s.trace.lines.iter().filter(|l| l.status == LineStatus::Counted).filter_map(JudgeLine::value).collect();
            prop_assert_eq!(s.trace.counted_sum, counted.iter().copied().sum::<Points>());
            prop_assert_eq!(s.trace.counted as usize, counted.len());
            let present = s.trace.lines.iter().filter(|l| l.value().is_some()).count();
            let dropped = present - counted.len();
            prop_assert_eq!(dropped, if drop && present >= TRIM_NEEDS { 2 } else { 0 });
            match s.score {
                Some(score) => {
                    prop_assert_eq!(score, Points::ratio(s.trace.counted_sum.0.into(), s.trace.counted.into()));
                    let lo = counted.iter().min().copied().unwrap();
                    let hi = counted.iter().max().copied().unwrap();
                    prop_assert!(lo <= score && score <= hi);
                }
                None => prop_assert!(counted.is_empty()),
            }
        }
    }
}
