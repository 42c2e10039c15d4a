//! The outcome of a studio star evaluation: the stars a score earns and the change it
//! proposes to a studio's rating, for staff to confirm.

use super::points::Points;
use crate::{FieldError, Invalid};
use serde::Serialize;

/// The scores at which a studio earns three, four and five stars, and below which it is
/// proposed to leave the list of recognised studios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StarThresholds {
    pub exit: Points,
    pub three: Points,
    pub four: Points,
    pub five: Points,
}

impl StarThresholds {
    /// Reads thresholds typed in a cycle's form; they must rise from exit to five stars.
    pub fn parse(
        exit: &str,
        three: &str,
        four: &str,
        five: &str,
    ) -> Result<StarThresholds, Invalid> {
        let mut invalid = Invalid::default();
        let exit = invalid.check(Points::parse("exit_below", exit));
        let three = invalid.check(Points::parse("three_stars", three));
        let four = invalid.check(Points::parse("four_stars", four));
        let five = invalid.check(Points::parse("five_stars", five));
        let (Some(exit), Some(three), Some(four), Some(five)) = (exit, three, four, five) else {
            return Err(invalid);
        };
        if !(exit <= three && three <= four && four <= five) {
            invalid.push(FieldError::new("five_stars", "thresholds_must_rise"));
            return Err(invalid);
        }
        Ok(StarThresholds {
            exit,
            three,
            four,
            five,
        })
    }

    /// The stars a score earns; zero below three stars.
    pub fn stars(&self, score: Points) -> u8 {
        if score >= self.five {
            5
        } else if score >= self.four {
            4
        } else if score >= self.three {
            3
        } else {
            0
        }
    }
}

/// What an evaluation proposes for one studio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Proposal {
    Promote {
        from: u8,
        to: u8,
    },
    Keep {
        stars: u8,
    },
    Demote {
        from: u8,
        to: u8,
    },
    /// Below the exit threshold: proposed to leave the recognised list.
    Exit {
        from: u8,
    },
    /// Not enough judges scored it: nothing is proposed.
    NoScore,
}

pub fn propose(current: u8, score: Option<Points>, thresholds: &StarThresholds) -> Proposal {
    let Some(score) = score else {
        return Proposal::NoScore;
    };
    if score < thresholds.exit {
        return Proposal::Exit { from: current };
    }
    let to = thresholds.stars(score);
    match to.cmp(&current) {
        std::cmp::Ordering::Greater => Proposal::Promote { from: current, to },
        std::cmp::Ordering::Equal => Proposal::Keep { stars: to },
        std::cmp::Ordering::Less => Proposal::Demote { from: current, to },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn th() -> StarThresholds {
        StarThresholds::parse("60", "75", "85", "92").unwrap()
    }

    #[test]
    fn thresholds_must_rise() {
        let e = StarThresholds::parse("60", "80", "75", "90").unwrap_err();
        assert_eq!(e.0[0].code, "thresholds_must_rise");
        let e = StarThresholds::parse("x", "80", "", "90").unwrap_err();
        assert_eq!(e.0.len(), 2, "every bad field at once");
    }

    #[test]
    fn scores_propose_changes() {
        let p = |current, score: &str| {
            propose(current, Some(Points::parse("s", score).unwrap()), &th())
        };
        assert_eq!(p(3, "86"), Proposal::Promote { from: 3, to: 4 });
        assert_eq!(p(4, "85"), Proposal::Keep { stars: 4 });
        assert_eq!(p(5, "91.999"), Proposal::Demote { from: 5, to: 4 });
        assert_eq!(p(3, "70"), Proposal::Demote { from: 3, to: 0 });
        assert_eq!(p(4, "59.5"), Proposal::Exit { from: 4 });
        assert_eq!(p(0, "92"), Proposal::Promote { from: 0, to: 5 });
        assert_eq!(propose(3, None, &th()), Proposal::NoScore);
    }
}
