//! Grading an answer against a key, with the partial-credit rules common in skills exams.

use super::numeric;
use super::question::{AnswerKey, Centipoints, Question, Response, normalize};
use serde::{Deserialize, Serialize};

/// How a multiple-choice answer that is not exactly right scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartialCredit {
    /// Full points only for exactly the right options (the usual rule in Chinese exams).
    #[default]
    AllOrNothing,
    /// Any wrong option scores nothing; otherwise points in proportion to the right ones
    /// chosen (少选得部分分, 错选不得分).
    ProportionalIfNoWrong,
    /// Each right option adds its share, each wrong option takes one away, never below zero.
    RightMinusWrong,
}

/// The outcome of grading one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    Scored(Centipoints),
    /// Waits for a person (short answers).
    Manual,
}

/// Grades `response` for `question`. A missing or malformed answer scores zero; the result
/// never leaves `0..=points`.
pub fn grade(question: &Question, response: Option<&Response>, rule: PartialCredit) -> Grade {
    let points = question.points;
    let Some(response) = response else {
        return if matches!(question.key, AnswerKey::Manual { .. }) {
            Grade::Manual
        } else {
            Grade::Scored(0)
        };
    };
    match (&question.key, response) {
        (AnswerKey::Choice { correct }, Response::Choice { selected }) => Grade::Scored(
            choice_score(correct, selected, question.options.len(), points, rule),
        ),
        (AnswerKey::TrueFalse { correct }, Response::TrueFalse { value }) => {
            Grade::Scored(if correct == value { points } else { 0 })
        }
        (AnswerKey::FillIn { blanks, matching }, Response::FillIn { blanks: given }) => {
            // Each blank is worth an equal share; the last share takes the remainder.
            let n = blanks.len() as i64;
            if n == 0 {
                return Grade::Scored(0);
            }
            let right = blanks
                .iter()
                .enumerate()
                .filter(|(i, accepted)| {
                    let answer = given
                        .get(*i)
                        .map(|g| normalize(g, *matching))
                        .unwrap_or_default();
                    !answer.is_empty() && accepted.iter().any(|a| normalize(a, *matching) == answer)
                })
                .count() as i64;
            Grade::Scored(points * right / n)
        }
        (AnswerKey::Manual { .. }, _) => Grade::Manual,
        (AnswerKey::Numerical { answers, units }, Response::Numerical { value }) => {
            Grade::Scored(points * i64::from(numeric::credit(answers, units, value)) / 100)
        }
        (AnswerKey::Matching { correct }, Response::Matching { chosen }) => {
            // Each prompt is worth an equal share, as in Moodle.
            let n = correct.len().max(1) as i64;
            let right = correct
                .iter()
                .enumerate()
                .filter(|(i, c)| chosen.get(*i).copied().flatten() == Some(**c))
                .count() as i64;
            Grade::Scored(points * right / n)
        }
        (AnswerKey::Cloze { parts }, Response::Cloze { parts: given }) => {
            // Each part by its weight; its credit in percent.
            let total: i64 = parts.iter().map(|p| i64::from(p.weight())).sum();
            if total == 0 {
                return Grade::Scored(0);
            }
            let earned: i64 = parts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let answer = given.get(i).map(String::as_str).unwrap_or("");
                    i64::from(p.weight()) * i64::from(p.credit(answer))
                })
                .sum();
            Grade::Scored(points * earned / (100 * total))
        }
        _ => Grade::Scored(0),
    }
}

fn choice_score(
    correct: &[usize],
    selected: &[usize],
    option_count: usize,
    points: Centipoints,
    rule: PartialCredit,
) -> Centipoints {
    let mut chosen: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&i| i < option_count)
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    let mut key = correct.to_vec();
    key.sort_unstable();
    if chosen == key {
        return points;
    }
    let right = chosen.iter().filter(|i| key.contains(i)).count() as i64;
    let wrong = chosen.len() as i64 - right;
    let total = key.len().max(1) as i64;
    match rule {
        PartialCredit::AllOrNothing => 0,
        PartialCredit::ProportionalIfNoWrong if wrong > 0 => 0,
        PartialCredit::ProportionalIfNoWrong => points * right / total,
        PartialCredit::RightMinusWrong => (points * (right - wrong) / total).clamp(0, points),
    }
}

#[cfg(test)]
mod tests {
    use super::super::question::{Matching, QuestionKind};
    use super::*;
    use proptest::prelude::*;

    fn multiple(correct: Vec<usize>, options: usize, points: i64) -> Question {
        Question {
            prompts: Vec::new(),
            parts: Vec::new(),
            kind: QuestionKind::MultipleChoice,
            stem: "以下哪些属于焊接缺陷？".into(),
            options: (0..options).map(|i| format!("选项{i}")).collect(),
            key: AnswerKey::Choice { correct },
            points,
            difficulty: 3,
            explanation: String::new(),
            tags: Vec::new(),
        }
    }

    #[test]
    fn partial_credit_rules() {
        let q = multiple(vec![0, 1, 2], 5, 300);
        let pick = |s: &[usize]| {
            Some(Response::Choice {
                selected: s.to_vec(),
            })
        };
        assert_eq!(
            grade(&q, pick(&[2, 1, 0]).as_ref(), PartialCredit::AllOrNothing),
            Grade::Scored(300)
        );
        assert_eq!(
            grade(&q, pick(&[0, 1]).as_ref(), PartialCredit::AllOrNothing),
            Grade::Scored(0)
        );
        assert_eq!(
            grade(
                &q,
                pick(&[0, 1]).as_ref(),
                PartialCredit::ProportionalIfNoWrong
            ),
            Grade::Scored(200)
        );
        assert_eq!(
            grade(
                &q,
                pick(&[0, 1, 4]).as_ref(),
                PartialCredit::ProportionalIfNoWrong
            ),
            Grade::Scored(0)
        );
        assert_eq!(
            grade(
                &q,
                pick(&[0, 1, 4]).as_ref(),
                PartialCredit::RightMinusWrong
            ),
            Grade::Scored(100)
        );
        assert_eq!(
            grade(&q, pick(&[3, 4]).as_ref(), PartialCredit::RightMinusWrong),
            Grade::Scored(0)
        );
        assert_eq!(
            grade(&q, None, PartialCredit::RightMinusWrong),
            Grade::Scored(0)
        );
    }

    #[test]
    fn fill_in_matches_as_configured_and_shares_points_by_blank() {
        let q = Question {
            prompts: Vec::new(),
            parts: Vec::new(),
            kind: QuestionKind::FillIn,
            stem: "二氧化碳气体保护焊的英文缩写是____，焊丝型号常用____。".into(),
            options: vec![],
            key: AnswerKey::FillIn {
                blanks: vec![vec!["CO2".into(), "MAG".into()], vec!["ER50-6".into()]],
                matching: Matching {
                    case_insensitive: true,
                    width_insensitive: true,
                },
            },
            points: 400,
            difficulty: 2,
            explanation: String::new(),
            tags: Vec::new(),
        };
        let answer = |a: &str, b: &str| {
            Some(Response::FillIn {
                blanks: vec![a.into(), b.into()],
            })
        };
        assert_eq!(
            grade(
                &q,
                answer("ｃｏ２", " er50-6 ").as_ref(),
                PartialCredit::AllOrNothing
            ),
            Grade::Scored(400)
        );
        assert_eq!(
            grade(&q, answer("co2", "").as_ref(), PartialCredit::AllOrNothing),
            Grade::Scored(200)
        );
        assert_eq!(
            grade(&q, answer("", "").as_ref(), PartialCredit::AllOrNothing),
            Grade::Scored(0)
        );
    }

    fn of_kind(kind: QuestionKind, key: AnswerKey, points: i64) -> Question {
        Question {
            kind,
            stem: "题".into(),
            options: (0..4).map(|i| format!("答{i}")).collect(),
            prompts: (0..3).map(|i| format!("问{i}")).collect(),
            parts: Vec::new(),
            key,
            points,
            difficulty: 3,
            explanation: String::new(),
            tags: Vec::new(),
        }
    }

    #[test]
    fn numerical_matching_and_cloze_earn_their_shares() {
        let n = of_kind(
            QuestionKind::Numerical,
            AnswerKey::Numerical {
                answers: vec![
                    numeric::NumericAnswer {
                        value: 1_500_000_000,
                        tolerance: 50_000_000,
                        credit: 100,
                    },
                    numeric::NumericAnswer {
                        value: 1_500_000_000,
                        tolerance: 200_000_000,
                        credit: 50,
                    },
                ],
                units: vec![],
            },
            300,
        );
        let value = |v: &str| {
            Some(Response::Numerical {
                value: v.to_owned(),
            })
        };
        let rule = PartialCredit::AllOrNothing;
        assert_eq!(grade(&n, value("1520").as_ref(), rule), Grade::Scored(300));
        assert_eq!(grade(&n, value("1650").as_ref(), rule), Grade::Scored(150));
        assert_eq!(grade(&n, value("两千").as_ref(), rule), Grade::Scored(0));
        let m = of_kind(
            QuestionKind::Matching,
            AnswerKey::Matching {
                correct: vec![2, 0, 1],
            },
            300,
        );
        let chosen = |c: Vec<Option<usize>>| Some(Response::Matching { chosen: c });
        assert_eq!(
            grade(&m, chosen(vec![Some(2), Some(0), Some(1)]).as_ref(), rule),
            Grade::Scored(300)
        );
        assert_eq!(
            grade(&m, chosen(vec![Some(2), None]).as_ref(), rule),
            Grade::Scored(100)
        );
        let parsed = super::super::cloze::parse("{1:SA:=甲}{1:MC:=乙~丙}{2:NM:=10:1}").unwrap();
        let mut c = of_kind(
            QuestionKind::Cloze,
            AnswerKey::Cloze { parts: parsed.keys },
            400,
        );
        c.parts = parsed.parts;
        let parts = |p: &[&str]| {
            Some(Response::Cloze {
                parts: p.iter().map(|s| s.to_string()).collect(),
            })
        };
        assert_eq!(
            grade(&c, parts(&["甲", "0", "10.5"]).as_ref(), rule),
            Grade::Scored(400)
        );
        assert_eq!(
            grade(&c, parts(&["甲", "1", "10"]).as_ref(), rule),
            Grade::Scored(300)
        );
        assert_eq!(
            grade(&c, parts(&["", "0"]).as_ref(), rule),
            Grade::Scored(100)
        );
        // An answer of another kind scores nothing.
        assert_eq!(grade(&c, value("10").as_ref(), rule), Grade::Scored(0));
    }

    proptest! {
        #[test]
        fn matching_scores_stay_within_bounds_and_full_only_for_the_key(
            chosen in proptest::collection::vec(proptest::option::of(0usize..6), 0..5),
            points in 1i64..10_000,
        ) {
            let key = vec![2, 0, 1];
            let q = of_kind(QuestionKind::Matching, AnswerKey::Matching { correct: key.clone() }, points);
            let r = Response::Matching { chosen: chosen.clone() };
            let Grade::Scored(s) = grade(&q, Some(&r), PartialCredit::AllOrNothing) else { panic!() };
            prop_assert!((0..=points).contains(&s));
            let exact = chosen.len() >= 3 && chosen[..3].iter().zip(&key).all(|(c, k)| *c == Some(*k));
            prop_assert_eq!(s == points, exact);
        }
    }

    proptest! {
        #[test]
        fn scores_stay_within_bounds_and_only_the_key_gets_full_marks(
            key in proptest::collection::btree_set(0usize..6, 1..6),
            picked in proptest::collection::vec(0usize..8, 0..10),
            points in 1i64..10_000,
        ) {
            let key: Vec<usize> = key.into_iter().collect();
            let q = multiple(key.clone(), 6, points);
            let response = Response::Choice { selected: picked.clone() };
            for rule in [PartialCredit::AllOrNothing, PartialCredit::ProportionalIfNoWrong, PartialCredit::RightMinusWrong] {
                let Grade::Scored(s) = grade(&q, Some(&response), rule) else { panic!("auto-graded") };
                prop_assert!((0..=points).contains(&s));
                let mut p: Vec<usize> = picked.iter().copied().filter(|&i| i < 6).collect();
                p.sort_unstable();
                p.dedup();
                prop_assert_eq!(s == points, p == key, "full marks only for exactly the key");
            }
        }
    }
}
