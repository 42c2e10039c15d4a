//! Labour and skills competitions: a competition, its tracks with their rounds, weights,
//! eligibility, quotas and prize tiers, parsed from what staff type.

pub mod entry;
pub mod entry_sheet;
pub mod notice;
pub mod practical;

use crate::error::text;
use crate::registry::studio::long_text;
use crate::registry::{Day, codes};
use crate::review::Points;
use crate::review::ranking::{PrizeRule, RoundWeight, TierSize};
use crate::{FieldError, Invalid};
use serde::{Deserialize, Serialize};

codes! {
    /// Whether a track is entered by people or by teams.
    TrackKind {
        Individual = "individual",
        Team = "team",
    }
}

codes! {
    /// The rounds a track may have.
    RoundKind {
        Theory = "theory",
        Practical = "practical",
    }
}

/// A competition as typed: text until parsed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CompetitionInput {
    /// The organising unit; co-organisers are listed by id.
    #[serde(default)]
    pub unit_id: i64,
    #[serde(default)]
    pub co_organisers: Vec<i64>,
    #[serde(default)]
    pub name: String,
    /// The edition, e.g. 第三届.
    #[serde(default)]
    pub edition: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// The rules document (章程), as text.
    #[serde(default)]
    pub rules: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetitionText {
    pub name: String,
    pub edition: String,
    pub starts_on: Day,
    pub ends_on: Day,
    pub rules: String,
}

impl CompetitionText {
    pub fn parse(input: &CompetitionInput) -> Result<CompetitionText, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.check(text("name", &input.name, 2, 80));
        let edition = invalid.check(text("edition", &input.edition, 0, 20));
        let starts_on = invalid.check(Day::parse("starts_on", &input.starts_on));
        let ends_on = invalid.check(Day::parse("ends_on", &input.ends_on));
        let rules = invalid.check(long_text("rules", &input.rules, 20_000));
        if let (Some(s), Some(e)) = (&starts_on, &ends_on)
            && e < s
        {
            invalid.push(FieldError::new("ends_on", "competition_ends_before_start"));
        }
        match (name, edition, starts_on, ends_on, rules) {
            (Some(name), Some(edition), Some(starts_on), Some(ends_on), Some(rules))
                if invalid.is_empty() =>
            {
                Ok(CompetitionText {
                    name,
                    edition,
                    starts_on,
                    ends_on,
                    rules,
                })
            }
            _ => Err(invalid),
        }
    }
}

/// A prize tier as typed: a name and a size, `28` places or `10%` of the ranked entrants.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TierInput {
    pub name: String,
    /// A whole number of places (`28`) or a share with `%` (`10%`, `12.5%`).
    pub size: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrizeTier {
    pub name: String,
    pub size: TierSize,
}

impl PrizeTier {
    /// The tier as it is typed, which is also how the API shows it.
    pub fn as_input(&self) -> TierInput {
        TierInput {
            name: self.name.clone(),
            size: match self.size {
                TierSize::Count(n) => n.to_string(),
                TierSize::Share(pm) => format!("{}%", Points(i64::from(pm) * 100)),
            },
        }
    }
}

/// A track as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TrackInput {
    #[serde(default)]
    pub name: String,
    /// The trade (工种), e.g. 焊工.
    #[serde(default)]
    pub trade: String,
    /// `individual` or `team`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub new_this_edition: bool,
    /// The theory round's weight in percent, empty or 0 for none.
    #[serde(default)]
    pub theory_weight: String,
    #[serde(default)]
    pub practical_weight: String,
    /// Only people of this unit's subtree may enter; none for the whole competition's.
    #[serde(default)]
    pub eligible_unit_id: Option<i64>,
    #[serde(default)]
    pub min_age: String,
    #[serde(default)]
    pub max_age: String,
    /// Entrants per unit (each unit that sends entrants up), empty for no limit.
    #[serde(default)]
    pub quota_per_unit: String,
    /// Members per team, for team tracks.
    #[serde(default)]
    pub team_size: String,
    #[serde(default)]
    pub prizes: Vec<TierInput>,
    /// Team prizes: a unit's best this many entrants are summed; empty for no team prizes.
    #[serde(default)]
    pub team_best: String,
    #[serde(default)]
    pub team_prizes: Vec<TierInput>,
    /// The combined score needed for any prize, empty for none.
    #[serde(default)]
    pub min_prize_score: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamPrizes {
    pub best: u32,
    pub tiers: Vec<PrizeTier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackSetup {
    pub name: String,
    pub trade: String,
    pub kind: TrackKind,
    pub new_this_edition: bool,
    /// The rounds held, with their weights, summing to 100.
    pub rounds: Vec<(RoundKind, u32)>,
    pub eligible_unit_id: Option<i64>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub quota_per_unit: Option<u32>,
    pub team_size: Option<u32>,
    pub prizes: Vec<PrizeTier>,
    pub team_prizes: Option<TeamPrizes>,
    pub min_prize_score: Option<Points>,
}

impl TrackSetup {
    pub fn parse(input: &TrackInput) -> Result<TrackSetup, Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.check(text("name", &input.name, 2, 60));
        let trade = invalid.check(text("trade", &input.trade, 0, 40));
        let kind = invalid.check(TrackKind::parse("kind", &input.kind));
        let theory = invalid.check(whole("theory_weight", &input.theory_weight, 0, 100));
        let practical = invalid.check(whole("practical_weight", &input.practical_weight, 0, 100));
        let min_age = invalid.check(whole("min_age", &input.min_age, 16, 80));
        let max_age = invalid.check(whole("max_age", &input.max_age, 16, 80));
        let quota = invalid.check(whole("quota_per_unit", &input.quota_per_unit, 1, 100_000));
        let team_size = invalid.check(whole("team_size", &input.team_size, 2, 20));
        let prizes = invalid.check(tiers("prizes", &input.prizes));
        let team_best = invalid.check(whole("team_best", &input.team_best, 1, 100));
        let team_tiers = invalid.check(tiers("team_prizes", &input.team_prizes));
        let min_prize_score =
            invalid.check(optional_points("min_prize_score", &input.min_prize_score));

        let rounds: Vec<(RoundKind, u32)> = [
            (RoundKind::Theory, theory.flatten()),
            (RoundKind::Practical, practical.flatten()),
        ]
        .into_iter()
        .filter_map(|(k, w)| w.filter(|w| *w > 0).map(|w| (k, w)))
        .collect();
        if theory.is_some() && practical.is_some() && rounds.iter().map(|r| r.1).sum::<u32>() != 100
        {
            invalid.push(FieldError::new(
                "practical_weight",
                "weights_must_total_100",
            ));
        }
        if let (Some(Some(lo)), Some(Some(hi))) = (min_age, max_age)
            && hi < lo
        {
            invalid.push(FieldError::new("max_age", "below_minimum").with("min", lo));
        }
        if kind == Some(TrackKind::Team) && team_size == Some(None) {
            invalid.push(FieldError::new("team_size", "required"));
        }
        let team_prizes = match (team_best, team_tiers) {
            (Some(Some(best)), Some(tiers)) if !tiers.is_empty() => {
                Some(TeamPrizes { best, tiers })
            }
            (Some(Some(_)), Some(_)) => {
                invalid.push(FieldError::new("team_prizes", "required"));
                None
            }
            (Some(None), Some(tiers)) if !tiers.is_empty() => {
                invalid.push(FieldError::new("team_best", "required"));
                None
            }
            _ => None,
        };
        if !invalid.is_empty() {
            return Err(invalid);
        }
        let (Some(name), Some(trade), Some(kind), Some(prizes)) = (name, trade, kind, prizes)
        else {
            return Err(invalid);
        };
        Ok(TrackSetup {
            name,
            trade,
            kind,
            new_this_edition: input.new_this_edition,
            rounds,
            eligible_unit_id: input.eligible_unit_id,
            min_age: min_age.flatten(),
            max_age: max_age.flatten(),
            quota_per_unit: quota.flatten(),
            team_size: if kind == TrackKind::Team {
                team_size.flatten()
            } else {
                None
            },
            prizes,
            team_prizes,
            min_prize_score: min_prize_score.flatten(),
        })
    }

    /// The weights for the combined score, given the stored id of each round.
    pub fn weights(&self, round_id: impl Fn(RoundKind) -> i64) -> Vec<RoundWeight> {
        self.rounds
            .iter()
            .map(|&(kind, percent)| RoundWeight {
                round: round_id(kind),
                percent,
            })
            .collect()
    }

    pub fn prize_rule(&self) -> PrizeRule {
        PrizeRule {
            tiers: self.prizes.iter().map(|t| t.size).collect(),
            min_score: self.min_prize_score,
        }
    }
}

/// An optional whole number within bounds: empty is none.
fn whole(field: &str, raw: &str, min: u32, max: u32) -> Result<Option<u32>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let value: u32 = raw
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_number"))?;
    if value < min {
        return Err(FieldError::new(field, "below_minimum").with("min", min));
    }
    if value > max {
        return Err(FieldError::new(field, "above_maximum").with("max", max));
    }
    Ok(Some(value))
}

fn optional_points(field: &str, raw: &str) -> Result<Option<Points>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        Points::parse(field, raw).map(Some)
    }
}

/// Prize tiers, best first: names without repeats, sizes as places or shares (a share of at
/// most 100 % in all).
pub fn tiers(field: &str, input: &[TierInput]) -> Result<Vec<PrizeTier>, FieldError> {
    let mut out: Vec<PrizeTier> = Vec::new();
    let mut share = 0u32;
    for (i, tier) in input.iter().enumerate() {
        let line = i + 1;
        let name = text(field, &tier.name, 1, 20).map_err(|e| e.with("line", line))?;
        if out.iter().any(|t| t.name == name) {
            return Err(FieldError::new(field, "tier_repeated").with("value", name));
        }
        let raw = tier.size.trim();
        let size = if let Some(percent) = raw.strip_suffix('%').or_else(|| raw.strip_suffix('％'))
        {
            let per_mille = Points::parse(field, percent)
                .ok()
                .filter(|p| p.0 > 0 && p.0 % 100 == 0 && p.0 <= 100_000)
                .map(|p| (p.0 / 100) as u32)
                .ok_or_else(|| FieldError::new(field, "not_a_tier_size").with("line", line))?;
            share += per_mille;
            TierSize::Share(per_mille)
        } else {
            match raw.parse::<u32>() {
                Ok(n) if n > 0 && n <= 100_000 => TierSize::Count(n),
                _ => return Err(FieldError::new(field, "not_a_tier_size").with("line", line)),
            }
        };
        out.push(PrizeTier { name, size });
    }
    if share > 1000 {
        return Err(FieldError::new(field, "shares_above_100"));
    }
    Ok(out)
}

/// Reads tiers written one per line as `一等奖 28` or `二等奖 10%`, as the track form has them.
pub fn tier_lines(raw: &str) -> Vec<TierInput> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.rsplit_once(char::is_whitespace) {
            Some((name, size)) => TierInput {
                name: name.trim().to_owned(),
                size: size.to_owned(),
            },
            None => TierInput {
                name: l.to_owned(),
                size: String::new(),
            },
        })
        .collect()
}

/// Tiers written back as the form's lines.
pub fn tier_text(tiers: &[PrizeTier]) -> String {
    tiers
        .iter()
        .map(|t| {
            let typed = t.as_input();
            format!("{} {}", typed.name, typed.size)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
