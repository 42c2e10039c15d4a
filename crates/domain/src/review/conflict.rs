//! Conflicts of interest found from the union tree, not only declared: a judge never scores
//! someone from their own unit's subtree or from their own enterprise.

use crate::unit::UnitPath;

/// Where a judge or a subject (an entrant, a studio) stands in the union tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliation {
    pub unit: UnitPath,
    /// The enterprise union above (or at) the unit, if any: a judge from a workshop's branch
    /// and an entrant from the same company's head office are still colleagues.
    pub enterprise: Option<i64>,
}

/// Why a judge stands aside for a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    /// The subject's unit is the judge's unit or lies below it.
    OwnSubtree,
    SameEnterprise,
    /// The judge said so (a relative, a former colleague, a teacher).
    Declared,
}

impl Conflict {
    pub fn as_str(self) -> &'static str {
        match self {
            Conflict::OwnSubtree => "own_subtree",
            Conflict::SameEnterprise => "same_enterprise",
            Conflict::Declared => "declared",
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The conflict the union tree shows between a judge and a subject, if any.
///
/// A judge who works in an enterprise (or below one) stands aside for their own unit's subtree
/// and for their whole enterprise. A judge who works in a union office above the enterprises
/// (the federation, an industry or district union) stands aside only for their own office:
/// every entrant of a city-wide competition lies in the federation's subtree, and the
/// office's staff are the usual judges.
pub fn found(judge: &Affiliation, subject: &Affiliation) -> Option<Conflict> {
    let own = if judge.enterprise.is_some() {
        subject.unit.is_within(&judge.unit)
    } else {
        subject.unit == judge.unit
    };
    if own {
        Some(Conflict::OwnSubtree)
    } else if judge.enterprise.is_some() && judge.enterprise == subject.enterprise {
        Some(Conflict::SameEnterprise)
    } else {
        None
    }
}

/// The enterprise a unit belongs to: the nearest enterprise union on its path from the root.
/// `kinds` answers whether an id on the path is an enterprise union.
pub fn enterprise_of(unit: &UnitPath, is_enterprise: impl Fn(i64) -> bool) -> Option<i64> {
    unit.ids().into_iter().find(|&id| is_enterprise(id))
}

/// A subject whose panel, after its conflicts, has fewer judges left than the rule needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub subject: i64,
    pub remaining: u32,
    pub needed: u32,
}

/// Every subject left with too few judges, so that the panel is told before scoring starts.
pub fn shortfalls(
    judges: &[(i64, Affiliation)],
    subjects: &[(i64, Affiliation)],
    declared: &[(i64, i64)],
    needed: u32,
) -> Vec<Shortfall> {
    subjects
        .iter()
        .filter_map(|(subject, at)| {
            let remaining = judges
                .iter()
                .filter(|(judge, own)| {
                    found(own, at).is_none() && !declared.contains(&(*judge, *subject))
                })
                .count() as u32;
            (remaining < needed).then_some(Shortfall {
                subject: *subject,
                remaining,
                needed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, enterprise: Option<i64>) -> Affiliation {
        Affiliation {
            unit: UnitPath::from_stored(path),
            enterprise,
        }
    }

    #[test]
    fn the_tree_finds_the_conflicts() {
        let judge = at("/1/5/20/", Some(20));
        assert_eq!(
            found(&judge, &at("/1/5/20/31/", Some(20))),
            Some(Conflict::OwnSubtree)
        );
        assert_eq!(
            found(&judge, &at("/1/5/20/", Some(20))),
            Some(Conflict::OwnSubtree)
        );
        let branch_judge = at("/1/5/20/31/", Some(20));
        assert_eq!(
            found(&branch_judge, &at("/1/5/20/32/", Some(20))),
            Some(Conflict::SameEnterprise)
        );
        assert_eq!(found(&judge, &at("/1/5/21/", Some(21))), None);
        // Sibling prefixes are not ancestors: /1/5/2/ does not hold /1/5/20/.
        assert_eq!(
            found(&at("/1/5/2/", Some(2)), &at("/1/5/20/", Some(20))),
            None
        );
        assert_eq!(found(&at("/1/6/", None), &at("/1/5/", None)), None);
        // A union office's judge scores the enterprises below it, not their own office.
        let office = at("/1/5/", None);
        assert_eq!(found(&office, &at("/1/5/20/31/", Some(20))), None);
        assert_eq!(
            found(&office, &at("/1/5/", None)),
            Some(Conflict::OwnSubtree)
        );
    }

    #[test]
    fn the_enterprise_is_the_first_enterprise_on_the_path() {
        let path = UnitPath::from_stored("/1/5/20/31/");
        assert_eq!(enterprise_of(&path, |id| id == 20 || id == 31), Some(20));
        assert_eq!(enterprise_of(&path, |_| false), None);
    }

    #[test]
    fn a_panel_hears_of_subjects_left_with_too_few_judges() {
        let judges = vec![
            (1, at("/1/5/20/", Some(20))),
            (2, at("/1/5/21/", Some(21))),
            (3, at("/1/6/", None)),
        ];
        let subjects = vec![(100, at("/1/5/20/31/", Some(20))), (101, at("/1/7/", None))];
        let got = shortfalls(&judges, &subjects, &[(2, 100)], 2);
        assert_eq!(
            got,
            [Shortfall {
                subject: 100,
                remaining: 1,
                needed: 2
            }]
        );
    }
}
