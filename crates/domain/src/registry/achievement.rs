//! Achievements (创新成果): what they are, their awards, and how a declaration climbs the
//! union hierarchy (分级申报, 逐级推荐): a unit declares, each level above recommends it
//! upwards, recognises it, or sends it back with a reason.

use super::studio::long_text;
use super::{Field, codes};
use crate::error::text;
use crate::{FieldError, Invalid};

codes! {
    /// The kinds of innovation.
    AchievementKind {
        Original = "original",
        Integrated = "integrated",
        ReInnovation = "re_innovation",
        ProcessImprovement = "process_improvement",
        WorkflowOptimisation = "workflow_optimisation",
    }
}

codes! {
    /// Prize tiers of an award.
    AwardTier {
        Special = "special",
        First = "first",
        Second = "second",
        Third = "third",
        Excellence = "excellence",
        Patent = "patent",
    }
}

codes! {
    /// Where a declaration stands.
    Stage {
        Draft = "draft",
        Declared = "declared",
        Returned = "returned",
        Recognised = "recognised",
    }
}

codes! {
    /// What a unit does with a declaration in front of it.
    Decision {
        Declare = "declare",
        Recommend = "recommend",
        Recognise = "recognise",
        Return = "return",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AchievementText {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub kind: AchievementKind,
    pub field: Field,
    pub year: i32,
    /// Measured effects (效益), e.g. 年节约成本 120 万元.
    pub effects: String,
    /// Patents, one per line.
    pub patents: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AchievementTextInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub effects: String,
    #[serde(default)]
    pub patents: String,
}

impl AchievementText {
    pub fn parse(input: &AchievementTextInput, this_year: i32) -> Result<AchievementText, Invalid> {
        let mut invalid = Invalid::default();
        let title = invalid.check(text("title", &input.title, 4, 80));
        let summary = invalid.check(long_text("summary", &input.summary, 500));
        let description = invalid.check(long_text("description", &input.description, 20_000));
        let kind = invalid.check(AchievementKind::parse("kind", &input.kind));
        let field = invalid.check(Field::parse("field", &input.field));
        let year = invalid.check(super::year("year", &input.year, this_year));
        let effects = invalid.check(long_text("effects", &input.effects, 2000));
        let patents = invalid.check(long_text("patents", &input.patents, 2000));
        match (
            title,
            summary,
            description,
            kind,
            field,
            year,
            effects,
            patents,
        ) {
            (
                Some(title),
                Some(summary),
                Some(description),
                Some(kind),
                Some(field),
                Some(year),
                Some(effects),
                Some(patents),
            ) if invalid.is_empty() => Ok(AchievementText {
                title,
                summary,
                description,
                kind,
                field,
                year,
                effects,
                patents,
            }),
            _ => Err(invalid),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Award {
    pub name: String,
    pub tier: AwardTier,
    pub granted_by: String,
    pub year: i32,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AwardInput {
    #[serde(default, alias = "award_name")]
    pub name: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub granted_by: String,
    #[serde(default)]
    pub year: String,
}

impl Award {
    pub fn parse(input: &AwardInput, this_year: i32) -> Result<Award, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.check(text("award_name", &input.name, 2, 80));
        let tier = invalid.check(AwardTier::parse("tier", &input.tier));
        let granted_by = invalid.check(text("granted_by", &input.granted_by, 2, 60));
        let year = invalid.check(super::year("year", &input.year, this_year));
        match (name, tier, granted_by, year) {
            (Some(name), Some(tier), Some(granted_by), Some(year)) if invalid.is_empty() => {
                Ok(Award {
                    name,
                    tier,
                    granted_by,
                    year,
                })
            }
            _ => Err(invalid),
        }
    }
}

/// A declaration's position: its stage and the unit whose decision it awaits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub stage: Stage,
    /// While declared: the unit that decides next. Once recognised: the unit that recognised it.
    pub at_unit: Option<i64>,
}

/// Where a decision takes a declaration.
///
/// `declaring_unit` is the unit that owns the achievement; `parent_of` gives a unit's parent
/// (none at the top of the tree). A unit acts only on what is in front of it: the declaring
/// unit on drafts and returned declarations, the awaited unit on declared ones.
pub fn decide(
    at: Position,
    decision: Decision,
    acting_unit: i64,
    declaring_unit: i64,
    parent_of: impl Fn(i64) -> Option<i64>,
) -> Result<Position, FieldError> {
    let not_yours = || FieldError::new("decision", "not_before_this_unit");
    match (at.stage, decision) {
        (Stage::Draft | Stage::Returned, Decision::Declare) => {
            if acting_unit != declaring_unit {
                return Err(not_yours());
            }
            let above = parent_of(declaring_unit)
                .ok_or_else(|| FieldError::new("decision", "nothing_above"))?;
            Ok(Position {
                stage: Stage::Declared,
                at_unit: Some(above),
            })
        }
        (Stage::Declared, Decision::Recommend) => {
            if at.at_unit != Some(acting_unit) {
                return Err(not_yours());
            }
            let above = parent_of(acting_unit)
                .ok_or_else(|| FieldError::new("decision", "nothing_above"))?;
            Ok(Position {
                stage: Stage::Declared,
                at_unit: Some(above),
            })
        }
        (Stage::Declared, Decision::Recognise) => {
            if at.at_unit != Some(acting_unit) {
                return Err(not_yours());
            }
            Ok(Position {
                stage: Stage::Recognised,
                at_unit: Some(acting_unit),
            })
        }
        (Stage::Declared, Decision::Return) => {
            if at.at_unit != Some(acting_unit) {
                return Err(not_yours());
            }
            Ok(Position {
                stage: Stage::Returned,
                at_unit: None,
            })
        }
        _ => Err(FieldError::new("decision", "decision_not_allowed")
            .with("stage", at.stage.as_str())
            .with("decision", decision.as_str())),
    }
}

/// Whether the achievement's text may still change: not while a level above is deciding,
/// nor once recognised (a recognised record changes only through an admin's correction).
pub fn editable(stage: Stage) -> bool {
    matches!(stage, Stage::Draft | Stage::Returned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A chain of units 1 (top) ← 2 ← 3 ← … ← n.
    fn chain(n: i64) -> impl Fn(i64) -> Option<i64> {
        move |u| (u > 1 && u <= n).then_some(u - 1)
    }

    #[test]
    fn a_declaration_climbs_level_by_level_and_can_come_back() {
        let up = chain(4);
        let draft = Position {
            stage: Stage::Draft,
            at_unit: None,
        };
        assert_eq!(
            decide(draft, Decision::Declare, 3, 4, &up)
                .unwrap_err()
                .code,
            "not_before_this_unit"
        );
        let at3 = decide(draft, Decision::Declare, 4, 4, &up).unwrap();
        assert_eq!(
            at3,
            Position {
                stage: Stage::Declared,
                at_unit: Some(3)
            }
        );
        assert!(
            decide(at3, Decision::Recommend, 2, 4, &up).is_err(),
            "not yet before unit 2"
        );
        let at2 = decide(at3, Decision::Recommend, 3, 4, &up).unwrap();
        let back = decide(at2, Decision::Return, 2, 4, &up).unwrap();
        assert_eq!(back.stage, Stage::Returned);
        let again = decide(back, Decision::Declare, 4, 4, &up).unwrap();
        assert_eq!(
            again.at_unit,
            Some(3),
            "a returned declaration starts again from the bottom"
        );
        let at1 = decide(
            decide(again, Decision::Recommend, 3, 4, &up).unwrap(),
            Decision::Recommend,
            2,
            4,
            &up,
        )
        .unwrap();
        assert_eq!(
            decide(at1, Decision::Recommend, 1, 4, &up)
                .unwrap_err()
                .code,
            "nothing_above"
        );
        let done = decide(at1, Decision::Recognise, 1, 4, &up).unwrap();
        assert_eq!(
            done,
            Position {
                stage: Stage::Recognised,
                at_unit: Some(1)
            }
        );
        assert_eq!(
            decide(done, Decision::Return, 1, 4, &up).unwrap_err().code,
            "decision_not_allowed"
        );
        assert!(!editable(Stage::Declared) && editable(Stage::Returned));
    }

    proptest! {
        /// Whatever the decisions, a declaration only ever waits on an ancestor of the
        /// declaring unit, one level higher after each recommendation.
        #[test]
        fn a_declaration_only_waits_on_ancestors(depth in 2i64..8, steps in proptest::collection::vec((0u8..4, 1i64..9), 0..40)) {
            let up = chain(depth);
            let mut at = Position { stage: Stage::Draft, at_unit: None };
            for (d, unit) in steps {
                let decision = Decision::ALL[usize::from(d)];
                if let Ok(next) = decide(at, decision, unit, depth, &up) {
                    match next.stage {
                        Stage::Declared => {
                            let u = next.at_unit.unwrap();
                            prop_assert!(u < depth && u >= 1);
                            if decision == Decision::Recommend {
                                prop_assert_eq!(Some(u + 1), at.at_unit);
                            }
                        }
                        Stage::Recognised => prop_assert_eq!(next.at_unit, at.at_unit),
                        Stage::Returned => prop_assert_eq!(next.at_unit, None),
                        Stage::Draft => prop_assert!(false, "nothing goes back to draft"),
                    }
                    at = next;
                }
            }
        }
    }

    #[test]
    fn texts_and_awards_name_their_bad_fields() {
        let bad = AchievementText::parse(
            &AchievementTextInput {
                title: "短".into(),
                kind: "idea".into(),
                year: "2030".into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "kind", "field", "year"]);
        let award = Award::parse(
            &AwardInput {
                name: "华江市职工技术创新成果奖".into(),
                tier: "first".into(),
                granted_by: "华江市总工会".into(),
                year: "2024".into(),
            },
            2026,
        )
        .unwrap();
        assert_eq!(award.tier, AwardTier::First);
    }
}
