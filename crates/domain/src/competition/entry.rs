//! Registration for a track (报名): who may enter, how an entry climbs the union tree from the
//! entrant's unit to the organiser (each level approves or sends it back), quotas and teams.

use crate::registry::{Day, codes};
use crate::unit::UnitPath;
use crate::{FieldError, Invalid};

codes! {
    /// Where an entry stands.
    EntryStage {
        Pending = "pending",
        Returned = "returned",
        Approved = "approved",
        Withdrawn = "withdrawn",
    }
}

codes! {
    /// What a unit does with an entry in front of it.
    EntryDecision {
        Approve = "approve",
        Return = "return",
    }
}

impl EntryStage {
    /// Whether the entry holds a place (and so counts against the quota).
    pub fn holds_place(self) -> bool {
        matches!(self, EntryStage::Pending | EntryStage::Approved)
    }
}

/// An entry's place on its way up: its stage and, while pending, the unit it waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub stage: EntryStage,
    pub at_unit: Option<i64>,
}

impl Position {
    /// A new or resubmitted entry waits on the entrant's own unit.
    pub fn start(entrant_unit: i64) -> Position {
        Position {
            stage: EntryStage::Pending,
            at_unit: Some(entrant_unit),
        }
    }
}

/// The position after `acting` decides. Approving moves the entry to the acting unit's parent,
/// or, at the organiser, approves it for good; returning sends it back to the entrant.
/// `parent` is the acting unit's parent in the tree.
pub fn decide(
    at: Position,
    decision: EntryDecision,
    acting: i64,
    organiser: i64,
    parent: Option<i64>,
) -> Result<Position, FieldError> {
    if at.stage != EntryStage::Pending || at.at_unit != Some(acting) {
        return Err(FieldError::new("decision", "entry_not_before_unit"));
    }
    Ok(match decision {
        EntryDecision::Return => Position {
            stage: EntryStage::Returned,
            at_unit: None,
        },
        EntryDecision::Approve if acting == organiser => Position {
            stage: EntryStage::Approved,
            at_unit: None,
        },
        EntryDecision::Approve => match parent {
            Some(p) => Position {
                stage: EntryStage::Pending,
                at_unit: Some(p),
            },
            None => return Err(FieldError::new("decision", "entrant_outside_organiser")),
        },
    })
}

/// What a track asks of its entrants.
#[derive(Debug, Clone)]
pub struct Eligibility {
    /// The organiser's unit: entries climb to it, so entrants come from under it.
    pub organiser: UnitPath,
    /// A narrower subtree, when the track sets one.
    pub within: Option<(UnitPath, String)>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// The competition's first day: ages are counted on it.
    pub on: Option<Day>,
    pub team_track: bool,
}

/// What an entrant brings.
#[derive(Debug, Clone)]
pub struct Applicant<'a> {
    pub unit: &'a UnitPath,
    pub birth_on: Option<&'a Day>,
    pub team: &'a str,
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: &Day, on: &Day) -> i64 {
    let years = i64::from(on.year() - birth.year());
    let month_day = |d: &Day| d.as_str().get(5..).unwrap_or("").to_owned();
    if month_day(on) < month_day(birth) {
        years - 1
    } else {
        years
    }
}

/// Every reason the applicant may not enter, at once.
pub fn check(rule: &Eligibility, who: &Applicant<'_>) -> Result<(), Invalid> {
    let mut invalid = Invalid::default();
    if !who.unit.is_within(&rule.organiser) {
        invalid.push(FieldError::new("person_id", "entrant_outside_organiser"));
    } else if let Some((within, name)) = &rule.within
        && !who.unit.is_within(within)
    {
        invalid
            .push(FieldError::new("person_id", "entrant_outside_track_units").with("unit", name));
    }
    if rule.min_age.is_some() || rule.max_age.is_some() {
        match (who.birth_on, &rule.on) {
            (None, _) => invalid.push(FieldError::new("birth_on", "birth_on_required")),
            (Some(birth), Some(on)) => {
                let age = age_on(birth, on);
                let low = rule.min_age.unwrap_or(0);
                let high = rule.max_age.unwrap_or(i64::MAX);
                if age < low || age > high {
                    invalid.push(
                        FieldError::new("birth_on", "age_out_of_range")
                            .with("age", age)
                            .with(
                                "min",
                                rule.min_age.map(|a| a.to_string()).unwrap_or_default(),
                            )
                            .with(
                                "max",
                                rule.max_age.map(|a| a.to_string()).unwrap_or_default(),
                            ),
                    );
                }
            }
            (Some(_), None) => {}
        }
    }
    let team = who.team.trim();
    if rule.team_track && team.is_empty() {
        invalid.push(FieldError::new("team", "team_required"));
    }
    if !rule.team_track && !team.is_empty() {
        invalid.push(FieldError::new("team", "team_on_individual_track"));
    }
    if team.chars().count() > 40 {
        invalid.push(FieldError::new("team", "too_long").with("max", 40));
    }
    invalid.into_result()
}

/// A unit's places: `taken` entries of its enterprise already hold one.
pub fn quota(quota: Option<i64>, taken: i64, unit_name: &str) -> Result<(), FieldError> {
    match quota {
        Some(q) if taken >= q => Err(FieldError::new("person_id", "quota_full")
            .with("unit", unit_name)
            .with("quota", q)
            .with("taken", taken)),
        _ => Ok(()),
    }
}

/// A team's size: `members` already in it, before this one.
pub fn team_room(size: Option<i64>, members: i64, team: &str) -> Result<(), FieldError> {
    match size {
        Some(s) if members >= s => Err(FieldError::new("team", "team_full")
            .with("team", team)
            .with("size", s)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse("d", s).unwrap()
    }

    #[test]
    fn an_entry_climbs_to_the_organiser_and_is_approved_there() {
        // branch 4 → enterprise 3 → district 2 → federation 1 (organiser 2)
        let at = Position::start(4);
        let at = decide(at, EntryDecision::Approve, 4, 2, Some(3)).unwrap();
        assert_eq!(at.at_unit, Some(3));
        let at = decide(at, EntryDecision::Approve, 3, 2, Some(2)).unwrap();
        assert_eq!(at.at_unit, Some(2));
        let at = decide(at, EntryDecision::Approve, 2, 2, Some(1)).unwrap();
        assert_eq!(at.stage, EntryStage::Approved);
        assert_eq!(at.at_unit, None);
        // Nothing more to decide, by anyone.
        let again = decide(at, EntryDecision::Return, 2, 2, Some(1)).unwrap_err();
        assert_eq!(again.code, "entry_not_before_unit");
    }

    #[test]
    fn only_the_unit_it_waits_on_decides_and_returning_ends_the_climb() {
        let at = Position::start(4);
        let wrong = decide(at, EntryDecision::Approve, 3, 2, Some(2)).unwrap_err();
        assert_eq!(wrong.code, "entry_not_before_unit");
        let back = decide(at, EntryDecision::Return, 4, 2, Some(3)).unwrap();
        assert_eq!(back.stage, EntryStage::Returned);
        assert!(!back.stage.holds_place());
    }

    #[test]
    fn ages_count_full_years_on_the_first_day() {
        assert_eq!(age_on(&day("1990-06-15"), &day("2026-06-14")), 35);
        assert_eq!(age_on(&day("1990-06-15"), &day("2026-06-15")), 36);
        assert_eq!(age_on(&day("2000-02-29"), &day("2026-03-01")), 26);
    }

    #[test]
    fn every_reason_not_to_enter_is_named_at_once() {
        let rule = Eligibility {
            organiser: UnitPath::root(1).child(2),
            within: Some((UnitPath::root(1).child(2).child(5), "五号".into())),
            min_age: Some(18),
            max_age: Some(45),
            on: Some(day("2026-05-01")),
            team_track: true,
        };
        let unit = UnitPath::root(1).child(2).child(6);
        let who = Applicant {
            unit: &unit,
            birth_on: Some(&day("1970-01-01")),
            team: "",
        };
        let codes: Vec<_> = check(&rule, &who)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "entrant_outside_track_units",
                "age_out_of_range",
                "team_required"
            ]
        );
        let fine = UnitPath::root(1).child(2).child(5).child(9);
        let who = Applicant {
            unit: &fine,
            birth_on: Some(&day("1996-01-01")),
            team: "焊花队",
        };
        assert!(check(&rule, &who).is_ok());
        let outside = UnitPath::root(1).child(3);
        let who = Applicant {
            unit: &outside,
            birth_on: None,
            team: "焊花队",
        };
        let codes: Vec<_> = check(&rule, &who)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["entrant_outside_organiser", "birth_on_required"]);
    }

    #[test]
    fn quotas_and_teams_refuse_the_place_past_the_last() {
        assert!(quota(Some(3), 2, "一厂").is_ok());
        assert_eq!(quota(Some(3), 3, "一厂").unwrap_err().code, "quota_full");
        assert!(quota(None, 1000, "一厂").is_ok());
        assert!(team_room(Some(3), 2, "甲队").is_ok());
        assert_eq!(team_room(Some(3), 3, "甲队").unwrap_err().code, "team_full");
    }
}
